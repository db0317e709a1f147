-- How query builders write statements: parameters without spaces, comments, quoting, casing.

-- name: params_without_space
-- params: ["FA-0042", "FA-0043"]
SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" IN ($1,$2) ORDER BY 1;

-- name: params_without_space_in_values
-- params: [1, 2]
SELECT * FROM (VALUES ($1::int,$2::int)) AS v(a, b);

-- name: params_without_space_function
-- params: [2, 3]
SELECT greatest($1::int,$2::int) AS g;

-- name: cast_after_param
-- params: ["7"]
SELECT $1::int*2 AS x;

-- name: block_comment
SELECT /* a comment */ 1 AS one;

-- name: line_comment
SELECT 1 AS one -- trailing
;

-- name: quoted_identifier_case
SELECT "AssetNumber" AS "Number", "AssetName" AS "NAME" FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: unquoted_alias_folds
SELECT 1 AS MixedCase;

-- name: unquoted_alias_folds_ordered
SELECT "AssetNumber" AS AssetNo, "AssetName" AS "KeptCase" FROM "Assets" ORDER BY AssetNo DESC LIMIT 2;

-- name: dollar_quoted_string
SELECT $$it's$$ AS s;

-- name: escape_string
SELECT E'a\tb' AS s, 'it''s' AS t;

-- name: unicode_escape_string
SELECT U&'\00fc' AS s;

-- name: unicode_escape_uescape
SELECT U&'d!0061t!+000061 !!' UESCAPE '!' AS s, U&'\\ \+01F600' AS t;

-- name: schema_qualified_table
SELECT count(*) FROM public."Assets";

-- name: catalog_qualified_function
SELECT pg_catalog.upper('x') AS u;

-- name: operator_syntax
SELECT 3 OPERATOR(pg_catalog.+) 4 AS s;

-- name: semicolon_only_statement
SELECT 1 AS a;

-- name: type_func_cast
SELECT int8 '5' AS a, date '2025-01-01' AS d;

-- name: cast_function
SELECT CAST('5' AS integer) AS a, CAST('2025-01-01' AS date) AS d;

-- name: double_colon_chain
SELECT '5'::text::int AS a;

-- name: array_subscript
SELECT (ARRAY[10, 20, 30])[2] AS x;

-- name: array_subscript_forms
SELECT (ARRAY[10, 20, 30])[1 + 1] AS a, (ARRAY['a', 'b'])[3] AS b, ('{5,6}'::int[])[1] AS c, (ARRAY[7, 8])[0] AS d;

-- name: positional_group_order
SELECT "AssetStatus", count(*) FROM "Assets" GROUP BY 1 ORDER BY 2 DESC, 1;

-- name: distinct_on
SELECT DISTINCT ON ("AssetStatus") "AssetStatus", "AssetNumber" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY "AssetStatus", "AssetNumber";

-- name: fetch_first
SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1 FETCH FIRST 2 ROWS ONLY;

-- name: keyword_column_names
SELECT 1 AS "select", 2 AS "from";
