-- Answers SQLite gives otherwise: NaN, float printing, Unicode case mapping, regclass, infinity, to_date patterns.

-- name: float8_nan_text
SELECT 'NaN'::float8 AS x;

-- name: float8_one
SELECT 1.0::float8 AS x;

-- name: float8_1e15
SELECT 1000000000000000.0::float8 AS x;

-- name: float8_1e16
SELECT 1e16::float8 AS x, 123456789.125::float8 AS y;

-- name: float8_negative_zero
SELECT '-0'::float8 AS x;

-- name: float4_print
SELECT 0.1::real AS x, 1e10::real AS y;

-- name: upper_unicode
SELECT upper('ünï') AS u;

-- name: lower_unicode
SELECT lower('ÜNÏ ÉTÉ') AS l;

-- name: initcap_unicode
SELECT initcap('élan vital') AS i;

-- name: ilike_unicode
SELECT "AssetNumber" FROM "Assets" WHERE "AssetName" ILIKE '%ÜNÏ%' ORDER BY 1;

-- name: ilike_ascii
SELECT "AssetNumber" FROM "Assets" WHERE "AssetName" ILIKE '%van%' ORDER BY 1;

-- name: like_backslash_escapes
SELECT 'a_b' LIKE 'a\_b' AS escaped, 'axb' LIKE 'a\_b' AS wildcard, 'assets_view' LIKE 'assets\_%' AS prefix;

-- name: like_case_sensitive
SELECT count(*) FROM "Assets" WHERE "AssetName" LIKE '%VAN%';

-- name: like_escape_clause
SELECT '50%' LIKE '50!%' ESCAPE '!' AS bang, '500' LIKE '50!%' ESCAPE '!' AS literal, 'a\b' LIKE 'a\b' ESCAPE '' AS none;

-- name: like_glob_characters
SELECT 'a*c' LIKE 'a*c' AS star, 'abc' LIKE 'a*c' AS not_wild, '[x]' LIKE '[x]%' AS bracket, 'a?' LIKE '_?' AS mark;

-- name: not_like_case
SELECT count(*) FROM "Assets" WHERE "AssetName" NOT LIKE '%van%';

-- name: ilike_escapes
SELECT 'A_B' ILIKE 'a\_b' AS escaped, 'AXB' ILIKE 'a\_b' AS wildcard, 'ÉTÉ' NOT ILIKE 'été' AS negated;

-- name: like_trailing_escape
SELECT 'a' LIKE 'a\' AS x;

-- name: like_trailing_escape_reached
SELECT 'ab' LIKE 'a\' AS x;

-- name: array_nested
SELECT ARRAY[ARRAY[1, 2], ARRAY[3, 4]] AS a, ARRAY[ARRAY[ARRAY['x']]] AS b;

-- name: regex_overlapping_repetition
SELECT 'aaaaaaaaaa!' ~ '(a|aa)+$' AS m, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' ~ '(a+)+$' AS n;

-- name: repeat_beyond_a_gigabyte
SELECT length(repeat('abcdefgh', 1000000000)) AS n;

-- name: lpad_multi_character_fill
SELECT lpad('ab', 7, 'xyz') AS l, rpad('ab', 7, 'xyz') AS r, lpad('abcdef', 3) AS cut;

-- name: generate_series_streamed
SELECT count(*) AS n, sum(g) AS s FROM generate_series(1, 200000) AS g;

-- name: regex_case_insensitive
SELECT 'Van' ~* 'VAN' AS m, pg_typeof('Van' ~* 'VAN')::text AS t;

-- name: regex_match
SELECT 'FA-0042' ~ '^FA-[0-9]+$' AS m, 'x' !~ 'y' AS n;

-- name: regex_on_column
SELECT "AssetNumber" FROM "Assets" WHERE "AssetName" ~* 'ünï' ORDER BY 1;

-- name: regclass_text
SELECT '"Assets"'::regclass::text AS t;

-- name: regclass_unknown
SELECT 'nosuch'::regclass;

-- name: regtype_text
SELECT 'integer'::regtype::text AS t, 'int8'::regtype::text AS u;

-- name: regtype_names
SELECT 'character varying'::regtype::text AS a, 'timestamptz'::regtype::text AS b, 'numeric'::regtype::text AS c;

-- name: regtype_unknown
SELECT 'no_such_type'::regtype::text AS t;

-- name: infinity_date
SELECT 'infinity'::date AS d, 'infinity'::date > '2025-01-01'::date AS later;

-- name: to_date_no_separators
SELECT to_date('20240701', 'YYYYMMDD') AS d;

-- name: to_date_with_separators
SELECT to_date('01/07/2024', 'DD/MM/YYYY') AS d;

-- name: to_date_month_name
SELECT to_date('1 Jul 2024', 'DD Mon YYYY') AS d;

-- name: to_char_number
SELECT to_char(1234.5, 'FM9999.00') AS s;

-- name: bad_date
SELECT 'x'::date;

-- name: bad_int
SELECT 'abc'::int;

-- name: feb_30
SELECT '2025-02-30'::date;

-- name: text_concat_null
SELECT 'a' || NULL AS n, concat('a', NULL, 'b') AS c;

-- name: concat_number
SELECT 'FA-' || 42 AS s;

-- name: substring_and_position
SELECT substring('FA-0042' from 4) AS s, position('-' in 'FA-0042') AS p, substr('abcdef', 2, 3) AS t;

-- name: split_part
SELECT split_part('a,b,c', ',', 2) AS p;

-- name: trim_functions
SELECT trim('  x  ') AS t, ltrim('xxy', 'x') AS l, rtrim('yxx', 'x') AS r, btrim('xyx', 'x') AS b;

-- name: lpad_rpad
SELECT lpad('42', 5, '0') AS l, rpad('a', 3, '-') AS r;

-- name: replace_and_reverse
SELECT replace('a-b-c', '-', '+') AS r, reverse('abc') AS v;

-- name: left_right
SELECT left('abcdef', 2) AS l, right('abcdef', 2) AS r;

-- name: char_length_unicode
SELECT char_length('ünï') AS c, octet_length('ünï') AS o;

-- name: md5
SELECT md5('abc') AS m;

-- name: nullif_and_coalesce
SELECT nullif(1, 1) AS n, coalesce(NULL, 2) AS c;

-- name: greatest_least
SELECT greatest(1, 5, 3) AS g, least('b', 'a') AS l;

-- name: case_insensitive_order
SELECT x FROM (VALUES ('b'), ('A'), ('a'), ('B')) v(x) ORDER BY x;

-- name: order_nulls
SELECT "WarrantyExpiryDate" FROM "Assets" ORDER BY 1 DESC;

-- name: order_nulls_first
SELECT "WarrantyExpiryDate" FROM "Assets" ORDER BY 1 NULLS FIRST;

-- name: bool_text_cast
SELECT true::text AS t, 'yes'::boolean AS y, 'off'::boolean AS o;

-- name: int_bool_cast
SELECT 1::boolean AS b;

-- name: string_to_array
SELECT string_to_array('a,b', ',') AS a;

-- name: array_to_string
SELECT array_to_string(ARRAY[1, 2, 3], '-') AS s;

-- name: array_remove
SELECT array_remove(ARRAY[1, 2, 1], 1) AS a;

-- name: array_position
SELECT array_position(ARRAY['a', 'b'], 'b') AS p;

-- name: array_concat_operator
SELECT ARRAY[1, 2] || 3 AS a;

-- name: array_concat_forms
SELECT 0 || ARRAY[1] AS a, ARRAY['a'] || ARRAY['b c'] AS b, ARRAY[1] || '{2,3}' AS c, '{1}'::int[] || 4 || 5 AS d,
  array_append(ARRAY[1], 2) AS e, array_cat(ARRAY[1], ARRAY[2]) AS f, 'a' || 'b' AS g;

-- name: quote_literal
SELECT quote_literal('it''s') AS q;

-- name: quote_ident
SELECT quote_ident('Assets') AS q, quote_ident('assets') AS r;

-- name: format_function
SELECT format('%s-%s', 'a', 1) AS f;

-- name: json_field
SELECT '{"a": {"b": 2}}'::json -> 'a' ->> 'b' AS v;

-- name: json_field_types
SELECT '{"a": 1}'::json -> 'a' AS j, '{"a": "x"}'::jsonb -> 'a' AS b, '{"a": "x"}'::jsonb ->> 'a' AS t;

-- name: jsonb_build_object
SELECT jsonb_build_object('a', 1) AS j;

-- name: jsonb_build_object_keys
SELECT jsonb_build_object('bb', 'x', 'a', 1, 'a', 2.5::float8, 'c', NULL, 'é', 'ü') AS j, jsonb_build_object() AS e;

-- name: jsonb_build_object_odd
SELECT jsonb_build_object('a') AS j;

-- name: gen_random_uuid_type
SELECT pg_typeof(gen_random_uuid())::text AS t;

-- name: version_prefix
SELECT split_part(version(), ' ', 1) AS product;

-- name: current_database
SELECT current_database() AS d;

-- name: current_schema
SELECT current_schema() AS s, current_schema AS t;

-- name: current_user_type
SELECT pg_typeof(current_user)::text AS t;

-- name: row_constructor
SELECT ROW(1, 'a') AS r;

-- name: exists_subquery
SELECT EXISTS (SELECT 1 FROM "Assets" WHERE "AssetStatus" = 'Draft') AS e;

-- name: scalar_subquery_empty
SELECT (SELECT "AssetName" FROM "Assets" WHERE false) AS n;

-- name: scalar_subquery_many
SELECT (SELECT "AssetName" FROM "Assets");

-- name: scalar_subquery_one_or_none
SELECT (SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = 'FA-0043') AS one,
  (SELECT "AssetName" FROM "Assets" WHERE false) AS none, (SELECT "AssetName" FROM "Assets" ORDER BY 1 LIMIT 1) AS first;

-- name: scalar_subquery_correlated_many
SELECT "AssetNumber" FROM "Assets" a
WHERE "PurchasePrice" > (SELECT "PurchasePrice" FROM "Assets" b WHERE b."AssetTypeId" = a."AssetTypeId") ORDER BY 1;

-- name: scalar_subquery_grouped
SELECT (SELECT count(*) FROM "Assets" GROUP BY "AssetStatus" ORDER BY 1 LIMIT 1) AS fewest,
  (SELECT count(*) FROM "Assets" GROUP BY "AssetStatus") AS each;

-- name: similar_to
SELECT 'abc' SIMILAR TO 'a%' AS s;

-- name: lateral_join
SELECT a."AssetNumber", l.n FROM "Assets" a, LATERAL (SELECT count(*) AS n FROM "ValueUpdates" v WHERE v."AssetNumber" = a."AssetNumber") l WHERE a."AssetNumber" = 'FA-0042';

-- name: grouping_sets
SELECT "AssetStatus", count(*) FROM "Assets" GROUP BY GROUPING SETS (("AssetStatus"), ()) ORDER BY 1 NULLS LAST;

-- name: rollup
SELECT "AssetStatus", count(*) FROM "Assets" GROUP BY ROLLUP ("AssetStatus") ORDER BY 1 NULLS LAST;

-- name: percentile_cont
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY "PurchasePrice") AS median FROM "Assets";

-- name: mode_within_group
SELECT mode() WITHIN GROUP (ORDER BY "AssetStatus") AS m FROM "Assets";

-- name: unknown_function
SELECT no_such_function(1);

-- name: unknown_column
SELECT "NoSuchColumn" FROM "Assets";

-- name: unknown_table
SELECT * FROM "NoSuchTable";

-- name: syntax_error
SELECT FROM WHERE;

-- name: ambiguous_column
SELECT "AssetTypeId" FROM "Assets", "AssetTypes";

-- name: ambiguous_column_in_where
SELECT count(*) FROM "Assets" a JOIN "AssetTypes" t ON true WHERE "AssetTypeId" IS NOT NULL;

-- name: group_by_missing
SELECT "AssetStatus", "AssetNumber" FROM "Assets" GROUP BY "AssetStatus";

-- name: type_mismatch_compare
SELECT 1 = 'a';

-- name: text_compare_number_column
SELECT count(*) FROM "Assets" WHERE "PurchasePrice" = 'x';

-- name: text_compare_number_read
SELECT 1 = '1' AS a, 2 > ' 1 ' AS b, 1.5 < '2.25' AS c, (SELECT count(*) FROM "Assets" WHERE "PurchasePrice" >= '1000') AS d,
  2.5::float8 = '2.5' AS e;

-- name: text_compare_integer_decimal
SELECT 1 = '1.5';

-- name: scalar_subquery_named_by_its_column
SELECT (SELECT max("AssetNumber") FROM "Assets"), (SELECT 1 AS one), (SELECT 1 + 1), pg_catalog.upper('x'), pg_catalog.pg_get_userbyid(10) IS NOT NULL AS has_owner;

-- name: booleans_as_text
SELECT (1 = 1)::text AS eq, (NOT true)::text AS n, "CanRollBack"::text AS c, ('a' LIKE 'b')::text AS l, CAST(NULL::boolean AS text) AS nothing FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: case_named_by_its_else
SELECT CASE WHEN true THEN 'x' ELSE relname::text END, CASE WHEN true THEN 1 ELSE 2::int8 END,
  CASE WHEN true THEN 'a' ELSE upper('b') END, CASE WHEN true THEN 1 ELSE 1 + 2 END,
  CASE WHEN false THEN 'y' ELSE CASE WHEN true THEN relkind::text END END
FROM pg_class WHERE relname = 'Assets';

-- name: cast_chain_names
SELECT relname::varchar::text, '1'::int8::text, (relname)::text, (relkind)::text::varchar, now()::date::text, (1 + 2)
FROM pg_class WHERE relname = 'Assets';
