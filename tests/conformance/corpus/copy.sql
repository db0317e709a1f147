-- COPY as psql's \copy and data tools (connectorx, ADBC) send it: out in text, CSV and binary; in through the rules.

-- name: copy_query_to_stdout
COPY (SELECT "AssetNumber", "PurchaseDate", "PurchasePrice" FROM "Assets" WHERE "AssetStatus" = 'Registered' ORDER BY 1) TO STDOUT;

-- name: copy_query_csv
COPY (SELECT "AssetNumber", "AssetName", "PurchasePrice" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1) TO STDOUT WITH (FORMAT csv);

-- name: copy_query_csv_header
COPY (SELECT "AssetNumber", "AssetName" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1) TO STDOUT WITH (FORMAT csv, HEADER true);

-- name: copy_query_csv_old_syntax
COPY (SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1) TO STDOUT CSV HEADER;

-- name: copy_query_binary
COPY (SELECT "AssetNumber", "PurchaseDate", "PurchasePrice", "CanRollBack" FROM "Assets" WHERE "AssetStatus" = 'Registered' ORDER BY 1) TO STDOUT (FORMAT binary);

-- name: copy_query_binary_types
COPY (SELECT 1::int2, 2::int4, 3::int8, 1.5::float8, 'x'::text, '2025-01-01'::date, true) TO STDOUT (FORMAT binary);

-- name: copy_connectorx_form
COPY (SELECT "AssetNumber", "PurchasePrice" FROM "Assets" WHERE "AssetStatus" = 'Registered' ORDER BY 1) TO STDOUT WITH BINARY;

-- name: copy_table_to_stdout
COPY "AssetTracking" ("AssetNumber", "Category", "Option") TO STDOUT;

-- name: copy_table_csv
COPY "AssetTypes" ("AssetTypeName", "BookDepreciationSetting_DepreciationMethod", "BookDepreciationSetting_EffectiveLifeYears") TO STDOUT (FORMAT csv);

-- name: copy_nulls_text
COPY (SELECT "AssetNumber", "SerialNumber" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1) TO STDOUT;

-- name: copy_delimiter
COPY (SELECT 'a', 'b') TO STDOUT WITH (FORMAT csv, DELIMITER ';');

-- name: copy_from_stdin_text
-- stdin: FA-0102	Region	West
-- stdin: FA-0103	Region	East
COPY "AssetTracking" ("AssetNumber", "Category", "Option") FROM STDIN;
SELECT "AssetNumber", "Option" FROM "AssetTracking" ORDER BY 1, 2;

-- name: copy_from_stdin_csv
-- stdin: Kettle,FA-0901
-- stdin: "Fridge, large",FA-0902
COPY "Assets" ("AssetName", "AssetNumber") FROM STDIN WITH (FORMAT csv);
SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" IN ('FA-0901', 'FA-0902') ORDER BY 1;

-- name: copy_from_stdin_own_table
-- stdin: 1	one
-- stdin: 2	two
CREATE TEMP TABLE c (n int, t text);
COPY c FROM STDIN;
SELECT * FROM c ORDER BY n;

-- name: copy_from_stdin_bad_value
-- stdin: x	one
CREATE TEMP TABLE c (n int, t text);
COPY c FROM STDIN;

-- name: copy_from_stdin_bad_boolean
-- stdin: 1	x
CREATE TEMP TABLE cb (n int, b boolean);
COPY cb FROM STDIN;

-- name: copy_from_stdin_bad_numeric
-- stdin: 1	x
CREATE TEMP TABLE cn (n int, v numeric(10,2));
COPY cn FROM STDIN;
