-- odbc's statements as captured from the real client talking to PostgreSQL 15 (issue 11;
-- /work/shared/clients), with the captured table assets(id, name, cost, acquired) read as "Assets"
-- ("AssetNumber", "AssetName", "PurchasePrice", "PurchaseDate").

-- name: odbc_1
-- conn 1 [simple Query]
SET DateStyle = 'ISO';SET extra_float_digits = 2;show transaction_isolation;

-- name: odbc_2
-- conn 1 [simple Query]
select oid, typbasetype from pg_type where typname = 'lo';

-- name: odbc_3
-- conn 1 [simple Query]
SELECT count(*) FROM "Assets";

-- name: odbc_4
-- conn 1 [simple Query]
SELECT 1 AS x;

-- name: odbc_5
-- conn 1 [simple Query]
BEGIN;SELECT "AssetNumber", "AssetName", "PurchasePrice", "PurchaseDate" FROM "Assets" ORDER BY "AssetNumber";

-- name: odbc_6
-- conn 1 [simple Query]
select n.nspname, c.relname, a.attname, a.atttypid, t.typname, a.attnum, a.attlen, a.atttypmod, a.attnotnull, c.relhasrules, c.relkind, c.oid, pg_get_expr(d.adbin, d.adrelid), case t.typtype when 'd' then t.typbasetype else 0 end, t.typtypmod, 0, attidentity, c.relhassubclass from (((pg_catalog.pg_class c inner join pg_catalog.pg_namespace n on n.oid = c.relnamespace and c.oid = '"Assets"'::regclass::oid) inner join pg_catalog.pg_attribute a on (not a.attisdropped) and a.attnum > 0 and a.attrelid = c.oid) inner join pg_catalog.pg_type t on t.oid = a.atttypid) left outer join pg_attrdef d on a.atthasdef and d.adrelid = a.attrelid and d.adnum = a.attnum order by n.nspname, c.relname, attnum;

-- name: odbc_7
-- conn 1 [simple Query]
SAVEPOINT _EXEC_SVP_0x558763f63860;

-- name: odbc_8
-- params: ["1000", "%a%"]
-- conn 1 [extended Parse stmt='_PLAN0x558763f962a0' paramtypes=[0, 0]]
SELECT "AssetName" FROM "Assets" WHERE "PurchasePrice" > $1 AND "AssetName" LIKE $2;

-- name: odbc_9
-- conn 1 [simple Query]
SAVEPOINT _per_query_svp_;DEALLOCATE "_PLAN0x558763f962a0";RELEASE _per_query_svp_;

-- name: odbc_10
-- conn 1 [simple Query]
select current_schema();

-- name: odbc_11
-- conn 1 [simple Query]
select relname, nspname, relkind from pg_catalog.pg_class c, pg_catalog.pg_namespace n where relkind in ('r', 'v', 'm', 'f', 'p') and nspname like 'public' and relname like 'Assets' and nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'pg_temp_1') and n.oid = relnamespace order by nspname, relname;

-- name: odbc_12
-- conn 1 [simple Query]
select n.nspname, c.relname, a.attname, a.atttypid, t.typname, a.attnum, a.attlen, a.atttypmod, a.attnotnull, c.relhasrules, c.relkind, c.oid, pg_get_expr(d.adbin, d.adrelid), case t.typtype when 'd' then t.typbasetype else 0 end, t.typtypmod, 0, attidentity, c.relhassubclass from (((pg_catalog.pg_class c inner join pg_catalog.pg_namespace n on n.oid = c.relnamespace and c.relname like 'Assets' and n.nspname like 'public') inner join pg_catalog.pg_attribute a on (not a.attisdropped) and a.attnum > 0 and a.attrelid = c.oid) inner join pg_catalog.pg_type t on t.oid = a.atttypid) left outer join pg_attrdef d on a.atthasdef and d.adrelid = a.attrelid and d.adnum = a.attnum order by n.nspname, c.relname, attnum;

-- name: odbc_13
-- conn 1 [simple Query]
select ta.attname, ia.attnum, ic.relname, n.nspname, tc.relname from pg_catalog.pg_attribute ta, pg_catalog.pg_attribute ia, pg_catalog.pg_class tc, pg_catalog.pg_index i, pg_catalog.pg_namespace n, pg_catalog.pg_class ic where tc.relname = 'Assets' AND n.nspname = 'public' AND tc.oid = i.indrelid AND n.oid = tc.relnamespace AND i.indisprimary = 't' AND ia.attrelid = i.indexrelid AND ta.attrelid = i.indrelid AND ta.attnum = i.indkey[ia.attnum-1] AND (NOT ta.attisdropped) AND (NOT ia.attisdropped) AND ic.oid = i.indexrelid order by ia.attnum;

-- name: odbc_14
-- conn 1 [simple Query]
SAVEPOINT _EXEC_SVP_0x5603768f44b0;

-- name: odbc_15
-- conn 1 [simple Query]
SAVEPOINT _per_query_svp_;DEALLOCATE "_PLAN0x560376922e40";RELEASE _per_query_svp_;

-- name: odbc_16
-- conn 1 [simple Query]
SAVEPOINT _EXEC_SVP_0x55dd549094b0;SELECT "AssetName" FROM "Assets" WHERE "PurchasePrice" > 1000 AND "AssetName" LIKE '%o%';
