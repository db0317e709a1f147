-- The catalog as drivers and tools read it: functions, views and settings common tools meet.

-- name: pg_my_temp_schema
SELECT pg_my_temp_schema() = 0 AS none_yet;

-- name: pg_is_other_temp_schema
SELECT pg_is_other_temp_schema(n.oid) AS other FROM pg_namespace n WHERE n.nspname = 'public';

-- name: pg_language
SELECT lanname FROM pg_language ORDER BY 1;

-- name: pg_auth_members
SELECT count(*) >= 0 AS readable FROM pg_auth_members;

-- name: show_time_zone
SHOW time zone;

-- name: show_timezone
SHOW timezone;

-- name: show_server_version_num_type
SELECT pg_typeof(current_setting('server_version_num'))::text AS t;

-- name: show_standard_conforming_strings
SHOW standard_conforming_strings;

-- name: show_transaction_isolation
SHOW transaction_isolation;

-- name: show_datestyle
SHOW DateStyle;

-- name: show_client_encoding
SHOW client_encoding;

-- name: show_search_path
SHOW search_path;

-- name: show_integer_datetimes
SHOW integer_datetimes;

-- name: show_max_identifier_length
SHOW max_identifier_length;

-- name: current_setting_missing
SELECT current_setting('no.such_setting', true) AS s;

-- name: set_config
SELECT set_config('application_name', 'tool', false) AS s;

-- name: public_tables
SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1;

-- name: public_columns
SELECT table_name, column_name, ordinal_position, data_type, is_nullable, numeric_precision, numeric_scale, character_maximum_length FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position;

-- name: asset_columns_udt
SELECT column_name, udt_name, column_default FROM information_schema.columns WHERE table_name = 'Assets' ORDER BY ordinal_position;

-- name: pg_attribute_types
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM pg_attribute a WHERE a.attrelid = '"Assets"'::regclass AND a.attnum > 0 ORDER BY a.attnum;

-- name: pg_class_public
SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm') ORDER BY 1;

-- name: pg_tables_public
SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1;

-- name: pg_views_public
SELECT viewname FROM pg_views WHERE schemaname = 'public' ORDER BY 1;

-- name: pg_namespace_list
SELECT nspname FROM pg_namespace WHERE nspname IN ('public', 'pg_catalog', 'information_schema') ORDER BY 1;

-- name: schemata
SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('public', 'information_schema', 'pg_catalog') ORDER BY 1;

-- name: pg_type_by_name
SELECT typname, typlen, typtype, typcategory FROM pg_type WHERE typname IN ('int2', 'int4', 'int8', 'float8', 'numeric', 'text', 'date', 'timestamp', 'timestamptz', 'bool', 'uuid', 'bytea', 'interval', 'json', 'jsonb') ORDER BY 1;

-- name: pg_type_oids
SELECT oid, typname FROM pg_type WHERE typname IN ('int2', 'int4', 'int8', 'float8', 'numeric', 'text', 'date', 'timestamp', 'timestamptz', 'bool', 'uuid', 'bytea', 'interval', 'json', 'jsonb', 'varchar', '_int4', '_text') ORDER BY 1;

-- name: pg_type_array_of
SELECT t.typname, e.typname AS element FROM pg_type t JOIN pg_type e ON e.oid = t.typelem WHERE t.typname IN ('_int4', '_text', '_date', '_numeric') ORDER BY 1;

-- name: pg_database_current
SELECT datname FROM pg_database WHERE datname = current_database();

-- name: pg_roles_current
SELECT rolname, rolsuper IS NOT NULL AS known FROM pg_roles WHERE rolname = current_user;

-- name: pg_user_current
SELECT usename FROM pg_user WHERE usename = current_user;

-- name: pg_settings_timezone
SELECT name, setting FROM pg_settings WHERE name IN ('TimeZone', 'DateStyle', 'client_encoding') ORDER BY 1;

-- name: pg_proc_upper
SELECT proname, pronargs FROM pg_proc WHERE proname = 'upper' ORDER BY 2;

-- name: pg_get_userbyid
SELECT pg_get_userbyid(c.relowner) = current_user AS mine FROM pg_class c WHERE c.oid = '"Assets"'::regclass;

-- name: pg_table_is_visible
SELECT pg_table_is_visible('"Assets"'::regclass) AS v;

-- name: has_table_privilege
SELECT has_table_privilege('"Assets"', 'SELECT') AS s, has_table_privilege(current_user, 'public."Assets"', 'INSERT') AS i;

-- name: has_schema_privilege
SELECT has_schema_privilege('public', 'USAGE') AS u;

-- name: has_database_privilege
SELECT has_database_privilege(current_database(), 'CONNECT') AS c;

-- name: obj_description_none
SELECT obj_description('"Assets"'::regclass, 'pg_class') IS NULL AS none;

-- name: col_description_none
SELECT col_description('"Assets"'::regclass, 1) AS d;

-- name: pg_get_expr_default
SELECT count(*) >= 0 AS ok FROM pg_attrdef d WHERE d.adrelid = '"Assets"'::regclass;

-- name: pg_index_of_own_table
CREATE TABLE t_idx (a int, b text);
CREATE INDEX t_idx_a ON t_idx (a);
SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 't_idx'::regclass;

-- name: pg_indexes_view
CREATE TABLE t_idx (a int, b text);
CREATE INDEX t_idx_b ON t_idx (b);
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 't_idx';

-- name: pg_constraint_primary_keys
SELECT conrelid::regclass::text AS t, contype FROM pg_constraint WHERE contype = 'p' AND connamespace = 'public'::regnamespace ORDER BY 1;

-- name: format_type_calls
SELECT format_type(23, NULL) AS a, format_type(1700, 1310726) AS b, format_type(1043, 24) AS c, format_type(1184, -1) AS d;

-- name: array_upper_lower
SELECT array_lower(ARRAY[1, 2], 1) AS l, array_upper(ARRAY[1, 2], 1) AS u;

-- name: generate_subscripts
SELECT generate_subscripts(ARRAY['a', 'b'], 1) AS s;

-- name: pg_backend_pid_type
SELECT pg_typeof(pg_backend_pid())::text AS t;

-- name: txid_current_type
SELECT pg_typeof(txid_current())::text AS t;

-- name: inet_server
SELECT pg_typeof(inet_server_port())::text AS t;

-- name: pg_postmaster_start_time_type
SELECT pg_typeof(pg_postmaster_start_time())::text AS t;

-- name: pg_postmaster_start_time_past
SELECT pg_postmaster_start_time() <= now() AS started, pg_postmaster_start_time() > now() - interval '10 years' AS recent;

-- name: pg_encoding_to_char
SELECT pg_encoding_to_char(6) AS e;

-- name: version_num_setting
SELECT current_setting('server_version_num')::int >= 150000 AS modern;

-- name: pg_stat_activity
SELECT count(*) >= 1 AS me FROM pg_stat_activity;

-- name: pg_extension
SELECT extname FROM pg_extension ORDER BY 1;

-- name: pg_collation_default
SELECT collname FROM pg_collation WHERE collname = 'default';

-- name: asyncpg_introspection
-- compare: shape
-- params: [[25, 1082]]
WITH RECURSIVE typeinfo_tree(oid, ns, name, kind, basetype, elemtype, elemdelim, range_subtype, attrtypoids, attrnames, depth) AS (
    SELECT ti.oid, ti.ns, ti.name, ti.kind, ti.basetype, ti.elemtype, ti.elemdelim, ti.range_subtype, ti.attrtypoids, ti.attrnames, 0
    FROM (
        SELECT t.oid AS oid, ns.nspname AS ns, t.typname AS name, t.typtype AS kind,
            (CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE NULL END) AS basetype,
            t.typelem AS elemtype, elem_t.typdelim AS elemdelim,
            NULL::oid AS range_subtype, NULL::oid[] AS attrtypoids, NULL::name[] AS attrnames
        FROM pg_catalog.pg_type AS t
        INNER JOIN pg_catalog.pg_namespace ns ON ns.oid = t.typnamespace
        LEFT JOIN pg_type elem_t ON t.typlen = -1 AND t.typelem != 0 AND t.typelem = elem_t.oid
    ) AS ti
    WHERE ti.oid = any($1::oid[])
    UNION
    SELECT ti.oid, ti.ns, ti.name, ti.kind, ti.basetype, ti.elemtype, ti.elemdelim, ti.range_subtype, ti.attrtypoids, ti.attrnames, tt.depth + 1
    FROM (
        SELECT t.oid AS oid, ns.nspname AS ns, t.typname AS name, t.typtype AS kind,
            (CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE NULL END) AS basetype,
            t.typelem AS elemtype, elem_t.typdelim AS elemdelim,
            NULL::oid AS range_subtype, NULL::oid[] AS attrtypoids, NULL::name[] AS attrnames
        FROM pg_catalog.pg_type AS t
        INNER JOIN pg_catalog.pg_namespace ns ON ns.oid = t.typnamespace
        LEFT JOIN pg_type elem_t ON t.typlen = -1 AND t.typelem != 0 AND t.typelem = elem_t.oid
    ) ti, typeinfo_tree tt
    WHERE (tt.elemtype IS NOT NULL AND ti.oid = tt.elemtype)
)
SELECT DISTINCT *, basetype::regtype::text AS basetype_name, elemtype::regtype::text AS elemtype_name, range_subtype::regtype::text AS range_subtype_name
FROM typeinfo_tree ORDER BY depth DESC;

-- name: dbt_catalog_relations
select
    table_catalog as "table_database",
    table_schema as "table_schema",
    table_name as "table_name",
    case when table_type = 'BASE TABLE' then 'table' when table_type = 'VIEW' then 'view' else table_type end as "table_type"
from information_schema.tables
where table_schema ilike 'public'
order by 3;

-- name: dbt_docs_catalog
select
    sch.nspname as table_schema,
    tbl.relname as table_name,
    case tbl.relkind when 'v' then 'VIEW' when 'm' then 'MATERIALIZED VIEW' else 'BASE TABLE' end as table_type,
    tbl_desc.description as table_comment,
    col.attname as column_name,
    col.attnum as column_index,
    pg_catalog.format_type(col.atttypid, col.atttypmod) as column_type,
    col_desc.description as column_comment,
    pg_get_userbyid(tbl.relowner) = current_user as table_owner_is_me
from pg_catalog.pg_namespace sch
join pg_catalog.pg_class tbl on tbl.relnamespace = sch.oid
join pg_catalog.pg_attribute col on col.attrelid = tbl.oid
left outer join pg_catalog.pg_description tbl_desc on (tbl_desc.objoid = tbl.oid and tbl_desc.objsubid = 0)
left outer join pg_catalog.pg_description col_desc on (col_desc.objoid = tbl.oid and col_desc.objsubid = col.attnum)
where (upper(sch.nspname) = upper('public'))
  and not pg_is_other_temp_schema(sch.oid)
  and tbl.relpersistence in ('p', 'u')
  and tbl.relkind in ('r', 'v', 'f', 'p', 'm')
  and col.attnum > 0
  and not col.attisdropped
order by sch.nspname, tbl.relname, col.attnum;

-- name: dbt_list_relations
select 'register' as database, tablename as name, schemaname as schema, 'table' as type
from pg_tables where schemaname ilike 'public'
union all
select 'register' as database, viewname as name, schemaname as schema, 'view' as type
from pg_views where schemaname ilike 'public'
union all
select 'register' as database, matviewname as name, schemaname as schema, 'materialized_view' as type
from pg_matviews where schemaname ilike 'public'
order by 2;

-- name: dbt_list_schemas
select distinct nspname from pg_namespace where nspname = 'public';

-- name: dbt_get_columns
select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale
from "register".INFORMATION_SCHEMA.columns
where table_name = 'Assets' and table_schema = 'public'
order by ordinal_position;

-- name: jdbc_get_tables
-- compare: shape
SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, c.relname AS TABLE_NAME,
  CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema' WHEN true THEN CASE WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind WHEN 'r' THEN 'SYSTEM TABLE' WHEN 'v' THEN 'SYSTEM VIEW' WHEN 'i' THEN 'SYSTEM INDEX' ELSE NULL END ELSE NULL END
  WHEN false THEN CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'i' THEN 'INDEX' WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'c' THEN 'TYPE' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END ELSE NULL END AS TABLE_TYPE,
  d.description AS REMARKS, '' as TYPE_CAT, '' as TYPE_SCHEM, '' as TYPE_NAME, '' AS SELF_REFERENCING_COL_NAME, '' AS REF_GENERATION
FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c
LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0 and d.classoid = 'pg_class'::regclass)
WHERE c.relnamespace = n.oid AND n.nspname LIKE 'public' AND (false OR (c.relkind IN ('r','p') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'))
ORDER BY TABLE_TYPE, TABLE_SCHEM, TABLE_NAME;

-- name: sqlalchemy_has_table
-- params: ["Assets", "public"]
SELECT pg_catalog.pg_class.relname FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace WHERE pg_catalog.pg_class.relname = $1 AND pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_namespace.nspname = $2;

-- name: pg_stat_user_tables
SELECT relname FROM pg_stat_user_tables WHERE relname = 'Assets';

-- name: pg_description_empty
SELECT count(*) FROM pg_description WHERE objoid = '"Assets"'::regclass;

-- name: pg_matviews_empty
SELECT count(*) FROM pg_matviews WHERE schemaname = 'public';

-- name: pg_inherits_empty
SELECT count(*) FROM pg_inherits WHERE inhrelid = '"Assets"'::regclass;

-- name: pg_foreign_keys
SELECT conname IS NOT NULL AS named, confrelid::regclass::text AS target FROM pg_constraint WHERE conrelid = '"Assets"'::regclass AND contype = 'f' ORDER BY 2;

-- name: pg_type_functions
SELECT oid::int AS oid, typname::text AS name, typinput::text AS input, typoutput::text AS output, typreceive::text AS receive, typsend::text AS send FROM pg_type WHERE oid IN (16, 20, 21, 23, 25, 700, 701, 1007, 1082, 1114, 1184, 1186, 1700, 2950) ORDER BY 1;

-- name: oid_array_parameter_as_asyncpg_introspects
-- params: [[23, 1007]]
SELECT t.typname FROM pg_catalog.pg_type AS t WHERE t.oid = any($1::oid[]) ORDER BY 1;

-- name: oid_array_literal
SELECT '{23,1007}'::oid[] AS oids, 1007 = any('{23,1007}'::oid[]) AS found;

-- name: regtype_array_of_an_element
SELECT t.typelem::regtype::text AS element FROM pg_catalog.pg_type AS t WHERE t.typname = '_int4';

-- name: pg_size_pretty_units
SELECT pg_size_pretty(0::bigint) AS a, pg_size_pretty(10239::bigint) AS b, pg_size_pretty(10240::bigint) AS c,
  pg_size_pretty(10485247::bigint) AS d, pg_size_pretty(10485248::bigint) AS e, pg_size_pretty(123456789::bigint) AS f,
  pg_size_pretty((-123456789)::bigint) AS g, pg_size_pretty(1099511627776::bigint) AS h,
  pg_size_pretty(9223372036854775807) AS i, pg_size_pretty((-10240)::bigint) AS j, pg_size_pretty((-1)::bigint) AS k;

-- name: pg_tablespace_location_builtin
SELECT spcname, pg_tablespace_location(oid) AS location FROM pg_tablespace ORDER BY 1;

-- name: pg_settings_columns
-- compare: shape
SELECT name, setting, boot_val, reset_val, source, pending_restart FROM pg_settings WHERE name = 'DateStyle';
