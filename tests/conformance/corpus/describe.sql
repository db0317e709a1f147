-- Describe answers from types: parameters typed as PostgreSQL infers them, a row description for every SELECT and
-- every RETURNING, before anything runs.

-- name: limit_param
-- params: [2]
SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1 LIMIT $1;

-- name: limit_param_cast
-- params: [2]
SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1 LIMIT $1::integer;

-- name: limit_offset_params
-- params: [2, 1]
SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1 LIMIT $1 OFFSET $2;

-- name: offset_param
-- params: [6]
SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1 OFFSET $1;

-- name: select_no_rows
SELECT "AssetNumber" FROM "Assets" WHERE false;

-- name: select_param_only
-- params: ["x"]
SELECT $1 AS p;

-- name: select_param_cast
-- params: ["5"]
SELECT $1::int + 1 AS p;

-- name: insert_returning
INSERT INTO "AssetTracking" ("AssetNumber", "Category", "Option") VALUES ('FA-0102', 'Region', 'West') RETURNING "AssetNumber", "Category", "Option";

-- name: insert_returning_params
-- params: ["FA-0103", "Region", "East"]
INSERT INTO "AssetTracking" ("AssetNumber", "Category", "Option") VALUES ($1, $2, $3) RETURNING "Option";

-- name: insert_no_returning
INSERT INTO "AssetTracking" ("AssetNumber", "Category", "Option") VALUES ('FA-0102', 'Region', 'West');

-- name: update_returning
UPDATE "Assets" SET "Description" = 'repainted' WHERE "AssetNumber" = 'FA-0042' RETURNING "AssetNumber", "Description";

-- name: update_returning_param
-- params: ["moved", "FA-0043"]
UPDATE "Assets" SET "Description" = $1 WHERE "AssetNumber" = $2 RETURNING "Description", "PurchasePrice";

-- name: update_no_returning
UPDATE "Assets" SET "Description" = 'x' WHERE "AssetNumber" = 'FA-0042';

-- name: update_no_rows
UPDATE "Assets" SET "Description" = 'x' WHERE "AssetNumber" = 'nothing';

-- name: delete_returning
DELETE FROM "AssetTracking" WHERE "Option" = 'North' RETURNING "AssetNumber", "Option";

-- name: delete_returning_param
-- params: ["South"]
DELETE FROM "AssetTracking" WHERE "Option" = $1 RETURNING "Category";

-- name: delete_no_returning
DELETE FROM "AssetTracking" WHERE "Option" = 'Kitchen';

-- name: delete_draft_asset
DELETE FROM "Assets" WHERE "AssetNumber" = 'FA-0200' RETURNING "AssetName";

-- name: insert_asset_returning
INSERT INTO "Assets" ("AssetName", "AssetNumber") VALUES ('Kettle', 'FA-0900') RETURNING "AssetName", "AssetNumber";

-- name: update_money_returning
UPDATE "Assets" SET "PurchasePrice" = "PurchasePrice" + 0.01 WHERE "AssetNumber" = 'FA-0200' RETURNING "PurchasePrice";

-- name: set_statement
SET application_name = 'conformance';

-- name: show_statement
SHOW application_name;

-- name: begin_commit_inside
SELECT 1 AS one;

-- name: with_query
WITH t AS (SELECT "AssetNumber", "PurchasePrice" FROM "Assets" WHERE "AssetStatus" = 'Registered') SELECT count(*), sum("PurchasePrice") FROM t;

-- name: values_statement
VALUES (1, 'a'), (2, 'b');

-- name: union_types
SELECT 1 AS x UNION ALL SELECT 2 ORDER BY 1;

-- name: empty_result_types
SELECT "PurchaseDate", "PurchasePrice", "CanRollBack" FROM "Assets" WHERE 1 = 0;

-- name: insert_asset_with_account_returning
INSERT INTO "Assets" ("AssetName", "AssetNumber", "PurchaseAccount") SELECT 'Kettle', 'FA-0900', "AccountId" FROM "Accounts" WHERE "StableName" = 'ACCOUNTS_PAYABLE' RETURNING "AssetName", "AssetNumber", "PurchasePrice";
