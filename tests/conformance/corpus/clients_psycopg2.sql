-- psycopg2's statements as captured from the real client talking to PostgreSQL 15 (issue 11;
-- /work/shared/clients), with the captured table assets(id, name, cost, acquired) read as "Assets"
-- ("AssetNumber", "AssetName", "PurchasePrice", "PurchaseDate").

-- name: psycopg2_1
-- conn 1 [simple Query]
BEGIN;

-- name: psycopg2_2
-- conn 1 [simple Query]
SELECT "AssetName" FROM "Assets" WHERE "PurchasePrice" > 1000;

-- name: psycopg2_3
-- conn 1 [simple Query]
COMMIT;
