-- Parameters typed as PostgreSQL infers them from where they stand (sent untyped, or typed by the client).

-- name: compare_text
-- params: ["FA-0042"]
SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = $1;

-- name: compare_date
-- params: ["2025-01-01"]
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" >= $1 ORDER BY 1;

-- name: compare_date_typed
-- params: [{"date": "2025-01-01"}]
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" >= $1 ORDER BY 1;

-- name: compare_money
-- params: ["2000"]
SELECT "AssetNumber" FROM "Assets" WHERE "PurchasePrice" > $1 ORDER BY 1;

-- name: compare_money_typed
-- params: [{"decimal": "2000.00"}]
SELECT "AssetNumber" FROM "Assets" WHERE "PurchasePrice" > $1 ORDER BY 1;

-- name: compare_int
-- params: [5]
SELECT "AssetTypeName" FROM "AssetTypes" WHERE "BookDepreciationSetting_EffectiveLifeYears" = $1;

-- name: compare_float
-- params: [25]
SELECT "AssetTypeName" FROM "AssetTypes" WHERE "BookDepreciationSetting_DepreciationRate" = $1;

-- name: compare_bool
-- params: [true]
SELECT count(*) FROM "Assets" WHERE "CanRollBack" = $1;

-- name: between_dates
-- params: ["2024-07-01", "2024-12-31"]
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" BETWEEN $1 AND $2 ORDER BY 1;

-- name: between_dates_typed
-- params: [{"date": "2024-07-01"}, {"date": "2024-12-31"}]
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" BETWEEN $1 AND $2 ORDER BY 1;

-- name: between_timestamps_on_dates
-- params: [{"timestamp": "2024-07-01T00:00:00"}, {"timestamp": "2024-12-31T00:00:00"}]
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" BETWEEN $1 AND $2 ORDER BY 1;

-- name: between_timestamptz_js_range
-- params: [{"timestamptz": "2024-07-01T00:00:00+00:00"}, {"timestamptz": "2024-12-31T23:59:59.999+00:00"}]
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" BETWEEN $1 AND $2 ORDER BY 1;

-- name: between_money
-- params: ["1000", "40000"]
SELECT "AssetNumber" FROM "Assets" WHERE "PurchasePrice" BETWEEN $1 AND $2 ORDER BY 1;

-- name: in_two_params
-- params: ["FA-0042", "FA-0101"]
SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" IN ($1, $2) ORDER BY 1;

-- name: in_dates
-- params: ["2024-02-29", "2025-01-15"]
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" IN ($1, $2) ORDER BY 1;

-- name: not_distinct_from
-- params: ["FA-0042"]
SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" IS NOT DISTINCT FROM $1;

-- name: not_distinct_from_null
-- params: [null]
SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" IS NOT DISTINCT FROM $1;

-- name: coalesce_param
-- params: ["none"]
SELECT coalesce("SerialNumber", $1) AS s FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY "AssetNumber";

-- name: coalesce_date_param
-- params: ["2099-12-31"]
SELECT coalesce("WarrantyExpiryDate", $1) AS d FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY "AssetNumber";

-- name: uuid_cast_param
-- params: ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"]
SELECT $1::uuid AS id;

-- name: any_text_array
-- params: [["FA-0042", "FA-0043"]]
SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = ANY($1) ORDER BY 1;

-- name: any_int_array
-- params: [[1, 3]]
SELECT x FROM generate_series(1, 4) AS x WHERE x = ANY($1) ORDER BY 1;

-- name: any_date_array
-- params: [[{"date": "2024-02-29"}, {"date": "2025-03-03"}]]
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" = ANY($1) ORDER BY 1;

-- name: like_param
-- params: ["FA-01%"]
SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" LIKE $1 ORDER BY 1;

-- name: like_param_case
-- params: ["%VAN%"]
SELECT count(*) FROM "Assets" WHERE "AssetName" LIKE $1;

-- name: like_param_escape
-- params: ["a\\_b", "!"]
SELECT 'a_b' LIKE $1 AS escaped, 'axb' LIKE $1 AS wildcard, '5%' LIKE '5!%' ESCAPE $2 AS bang;

-- name: ilike_param
-- params: ["%VAN%"]
SELECT "AssetNumber" FROM "Assets" WHERE "AssetName" ILIKE $1 ORDER BY 1;

-- name: arithmetic_param
-- params: [2]
SELECT "PurchasePrice" * $1 AS p FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: date_plus_param
-- params: [30]
SELECT "PurchaseDate" + $1 AS d FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: param_in_select_list_cast
-- params: ["2025-07-01"]
SELECT $1::date AS d, $1::date + 1 AS e;

-- name: param_interval
-- params: ["1 month"]
SELECT '2025-01-31'::date + $1::interval AS d;

-- name: two_uses_of_one_param
-- params: ["FA-0042"]
SELECT count(*) FROM "Assets" WHERE "AssetNumber" = $1 OR "SerialNumber" = $1;

-- name: param_in_case
-- params: ["big", "small"]
SELECT "AssetNumber", CASE WHEN "PurchasePrice" > 10000 THEN $1 ELSE $2 END AS size FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1;

-- name: param_subquery
-- params: ["Vehicles"]
SELECT "AssetNumber" FROM "Assets" WHERE "AssetTypeId" = (SELECT "AssetTypeId" FROM "AssetTypes" WHERE "AssetTypeName" = $1) ORDER BY 1;

-- name: param_binary_int
-- params: [3000000000]
SELECT $1::bigint AS b;

-- name: param_int_compared_with_int8_count
-- params: [1]
SELECT "AssetStatus", count(*) FROM "Assets" GROUP BY 1 HAVING count(*) > $1 ORDER BY 1;

-- name: param_null_typed
-- params: [null]
SELECT $1::text IS NULL AS n;

-- name: param_insert_values
-- params: ["FA-0101", "Floor", "2"]
INSERT INTO "AssetTracking" ("AssetNumber", "Category", "Option") VALUES ($1, $2, $3);

-- name: param_update_money
-- params: ["1234.56", "FA-0200"]
UPDATE "Assets" SET "PurchasePrice" = $1 WHERE "AssetNumber" = $2;

-- name: param_update_date
-- params: ["2025-08-01", "FA-0200"]
UPDATE "Assets" SET "PurchaseDate" = $1 WHERE "AssetNumber" = $2 RETURNING "PurchaseDate";
