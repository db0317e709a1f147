-- DDL as tools write it (dbt, migrations): parenthesised queries, schema-qualified and three-part names, CASCADE.

-- name: create_view_parenthesised
CREATE VIEW v_assets AS (SELECT "AssetNumber", "PurchasePrice" FROM "Assets" WHERE "AssetStatus" = 'Registered');
SELECT count(*), sum("PurchasePrice") FROM v_assets;

-- name: create_view_plain
CREATE VIEW v_assets AS SELECT "AssetNumber" FROM "Assets";
SELECT count(*) FROM v_assets;

-- name: create_view_public
CREATE VIEW public.v_assets AS SELECT "AssetNumber" FROM "Assets";
SELECT count(*) FROM public.v_assets;

-- name: create_view_three_part
CREATE VIEW "register"."public"."v_assets" AS (SELECT "AssetNumber" FROM "Assets");
SELECT count(*) FROM "register"."public"."v_assets";

-- name: create_or_replace_view
CREATE VIEW v_assets AS SELECT "AssetNumber" FROM "Assets";
CREATE OR REPLACE VIEW v_assets AS SELECT "AssetNumber", "AssetName" FROM "Assets";
SELECT count(*) FROM v_assets;

-- name: view_column_types
CREATE VIEW v_types AS SELECT "PurchaseDate", "PurchasePrice", "CanRollBack", count(*) OVER () AS n FROM "Assets";
SELECT * FROM v_types WHERE false;

-- name: create_table_as_parenthesised
CREATE TABLE t_assets AS (SELECT "AssetNumber", "PurchasePrice", "PurchaseDate" FROM "Assets" WHERE "AssetStatus" = 'Registered');
SELECT "AssetNumber", "PurchasePrice", "PurchaseDate" FROM t_assets ORDER BY 1;

-- name: create_table_as_three_part
CREATE TABLE "register"."public"."t_assets" AS (SELECT "AssetNumber" FROM "Assets");
SELECT count(*) FROM "register"."public"."t_assets";

-- name: create_temp_table_as
CREATE TEMPORARY TABLE t_tmp AS SELECT "AssetNumber" FROM "Assets";
SELECT count(*) FROM t_tmp;

-- name: create_table_types
CREATE TABLE t_types (a int, b bigint, c numeric(12,2), d date, e timestamp, f timestamptz, g boolean, h text, i varchar(20), j double precision);
SELECT * FROM t_types;

-- name: create_table_if_not_exists
CREATE TABLE IF NOT EXISTS t_once (a int);
CREATE TABLE IF NOT EXISTS t_once (a int);

-- name: create_table_twice
CREATE TABLE t_twice (a int);
CREATE TABLE t_twice (a int);

-- name: drop_view_cascade
CREATE VIEW v_assets AS SELECT "AssetNumber" FROM "Assets";
DROP VIEW v_assets CASCADE;

-- name: drop_table_cascade
CREATE TABLE t_x (a int);
DROP TABLE t_x CASCADE;

-- name: drop_table_two
CREATE TABLE t_a (a int);
CREATE TABLE t_b (b int);
DROP TABLE t_a, t_b;

-- name: drop_if_exists_missing
DROP TABLE IF EXISTS t_never;
DROP VIEW IF EXISTS v_never CASCADE;

-- name: drop_missing
DROP TABLE t_never;

-- name: alter_view_rename
CREATE VIEW v_old AS SELECT 1 AS one;
ALTER VIEW v_old RENAME TO v_new;
SELECT * FROM v_new;

-- name: alter_table_rename
CREATE TABLE t_old (a int);
ALTER TABLE t_old RENAME TO t_new;
SELECT count(*) FROM t_new;

-- name: alter_table_add_column
CREATE TABLE t_add (a int);
ALTER TABLE t_add ADD COLUMN b text;
SELECT * FROM t_add;

-- name: alter_table_rename_public
CREATE TABLE public.t_old (a int);
ALTER TABLE public.t_old RENAME TO t_new;
SELECT count(*) FROM public.t_new;

-- name: materialized_view
CREATE MATERIALIZED VIEW mv_assets AS SELECT "AssetStatus", count(*) AS n FROM "Assets" GROUP BY 1;
SELECT * FROM mv_assets ORDER BY 1;

-- name: refresh_materialized_view
CREATE MATERIALIZED VIEW mv_assets AS SELECT count(*) AS n FROM "AssetTracking";
INSERT INTO "AssetTracking" ("AssetNumber", "Category", "Option") VALUES ('FA-0102', 'Region', 'West');
REFRESH MATERIALIZED VIEW mv_assets;
SELECT n FROM mv_assets;

-- name: dbt_incremental_insert
CREATE TABLE t_inc AS (SELECT "AssetNumber", "PurchaseDate" FROM "Assets" WHERE "PurchaseDate" < '2025-01-01');
INSERT INTO t_inc ("AssetNumber", "PurchaseDate") (SELECT "AssetNumber", "PurchaseDate" FROM "Assets" WHERE "PurchaseDate" >= '2025-01-01');
SELECT count(*) FROM t_inc;

-- name: dbt_rename_swap
CREATE TABLE "t_model__dbt_tmp" AS (SELECT 1 AS one);
ALTER TABLE "public"."t_model__dbt_tmp" RENAME TO "t_model";
SELECT * FROM "public"."t_model";

-- name: create_index_own_table
CREATE TABLE t_i (a int, b text);
CREATE INDEX t_i_a ON t_i (a);
CREATE UNIQUE INDEX IF NOT EXISTS t_i_b ON t_i USING btree (b NULLS LAST);

-- name: comment_on_table
CREATE TABLE t_c (a int);
COMMENT ON TABLE t_c IS 'described';

-- name: drop_register_table
DROP TABLE "Assets";

-- name: truncate_own_table
CREATE TABLE t_tr (a int);
TRUNCATE t_tr;

-- name: create_schema
CREATE SCHEMA s_new;

-- name: insert_select_own_table
CREATE TEMP TABLE t_s (n text, p numeric(18,2));
INSERT INTO t_s SELECT "AssetNumber", "PurchasePrice" FROM "Assets" WHERE "AssetStatus" = 'Registered';
SELECT count(*), sum(p) FROM t_s;

-- name: update_own_table_returning
CREATE TEMP TABLE t_u (a int, b text);
INSERT INTO t_u VALUES (1, 'x'), (2, 'y');
UPDATE t_u SET b = 'z' WHERE a = 2 RETURNING a, b;

-- name: delete_own_table_returning
CREATE TEMP TABLE t_d (a int);
INSERT INTO t_d VALUES (1), (2), (3);
DELETE FROM t_d WHERE a > 1 RETURNING a;

-- name: insert_on_conflict
CREATE TEMP TABLE t_k (a int PRIMARY KEY, b text);
INSERT INTO t_k VALUES (1, 'x');
INSERT INTO t_k VALUES (1, 'y') ON CONFLICT (a) DO UPDATE SET b = excluded.b RETURNING b;

-- name: unique_violation
CREATE TEMP TABLE t_k (a int PRIMARY KEY);
INSERT INTO t_k VALUES (1);
INSERT INTO t_k VALUES (1);

-- name: not_null_violation
CREATE TEMP TABLE t_n (a int NOT NULL);
INSERT INTO t_n VALUES (NULL);

-- name: bigint_primary_key_refuses_null
CREATE TABLE t_keyed (id bigint PRIMARY KEY, n text);
INSERT INTO t_keyed (n) VALUES ('no id');

-- name: smallint_and_char_columns
CREATE TABLE t_small (s smallint, c char(3), v varchar(5));
INSERT INTO t_small VALUES (7, 'abc', 'vwxyz');
SELECT s, c, v FROM t_small;

-- name: rename_view_as_dbt_swaps_it
CREATE VIEW "t_swap__dbt_tmp" AS (SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" < 'FA-0100');
ALTER TABLE "public"."t_swap__dbt_tmp" RENAME TO "t_swap";
SELECT * FROM "public"."t_swap" ORDER BY 1;
ALTER VIEW "t_swap" RENAME TO "t_swap_2";
SELECT count(*) FROM t_swap_2;
DROP VIEW IF EXISTS "t_swap" CASCADE;

-- name: create_table_as_keeps_types
CREATE TABLE t_typed AS SELECT "AssetNumber", "PurchasePrice", "PurchaseDate", 1 AS one, true AS yes FROM "Assets" WHERE "AssetNumber" < 'FA-0100';
SELECT * FROM t_typed ORDER BY 1;
CREATE TABLE t_typed_empty ("Number", "Price") AS SELECT "AssetNumber", "PurchasePrice" FROM "Assets" WITH NO DATA;
SELECT count(*) FROM t_typed_empty;
INSERT INTO t_typed_empty VALUES ('X-1', 12.5);
SELECT "Number", "Price" FROM t_typed_empty;

-- name: create_table_as_if_not_exists
CREATE TABLE t_once AS SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" < 'FA-0100';
CREATE TABLE IF NOT EXISTS t_once AS SELECT "AssetNumber" FROM "Assets";
SELECT count(*) FROM t_once;
