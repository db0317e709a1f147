-- psycopg3's statements as captured from the real client talking to PostgreSQL 15 (issue 11;
-- /work/shared/clients), with the captured table assets(id, name, cost, acquired) read as "Assets"
-- ("AssetNumber", "AssetName", "PurchasePrice", "PurchaseDate").

-- name: psycopg3_1
-- conn 1 [simple Query]
SELECT "AssetNumber", "AssetName" FROM "Assets" ORDER BY "AssetNumber";

-- name: psycopg3_2
-- params: [1000, "2024-06-30"]
-- conn 1 [extended Parse stmt='' paramtypes=[21, 0]]
SELECT "AssetName" FROM "Assets" WHERE "PurchasePrice" > $1 AND "PurchaseDate" > $2;

-- name: psycopg3_3
-- params: ["FA-0100"]
-- conn 1 [extended Parse stmt='' paramtypes=[21]]
SELECT count(*) FROM "Assets" WHERE "AssetNumber" > $1;

-- name: psycopg3_4
-- conn 1 [extended Parse stmt='' paramtypes=[]]
DECLARE "srv" CURSOR FOR SELECT * FROM "Assets" ORDER BY "AssetName";
FETCH FORWARD 1 FROM "srv";
FETCH FORWARD 2 FROM "srv";
CLOSE "srv";

-- name: psycopg3_7
-- conn 2 [simple Query]
SELECT 1;
