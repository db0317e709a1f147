-- Reads and writes over the register's tables as BI tools and scripts write them.

-- name: count_by_status
SELECT "AssetStatus", count(*) FROM "Assets" GROUP BY "AssetStatus" ORDER BY 1;

-- name: join_types
SELECT a."AssetNumber", t."AssetTypeName" FROM "Assets" a JOIN "AssetTypes" t ON t."AssetTypeId" = a."AssetTypeId" ORDER BY 1;

-- name: left_join_types
SELECT a."AssetName", t."AssetTypeName" FROM "Assets" a LEFT JOIN "AssetTypes" t ON t."AssetTypeId" = a."AssetTypeId" ORDER BY 1;

-- name: join_value_updates
SELECT a."AssetNumber", count(v."ValueUpdateId") AS updates, sum(v."Amount") AS amount FROM "Assets" a LEFT JOIN "ValueUpdates" v ON v."AssetId" = a."AssetId" WHERE a."AssetStatus" = 'Registered' GROUP BY 1 ORDER BY 1;

-- name: depreciation_by_month
SELECT date_trunc('month', "Date")::date AS month, sum("Amount") AS amount FROM "ValueUpdates" WHERE "UpdateType" = 'DEPRECIATION_AMORTIZATION' GROUP BY 1 ORDER BY 1;

-- name: book_values
SELECT "AssetNumber", "PurchasePrice", "AccountingBookValue", "PurchasePrice" - "AccountingBookValue" AS written_off FROM "Assets" WHERE "AssetStatus" = 'Registered' ORDER BY 1;

-- name: dashboard_aggregate
SELECT date_trunc('month', "PurchaseDate") AS month, "AssetTypeId" IS NOT NULL AS typed, sum("PurchasePrice") AS total, count(*) AS n FROM "Assets" WHERE "PurchaseDate" IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2;

-- name: date_range_filter
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" >= '2024-07-01' AND "PurchaseDate" < '2025-01-01' ORDER BY 1;

-- name: date_range_between
SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" BETWEEN '2024-07-01' AND '2024-12-31' ORDER BY 1;

-- name: prefix_like
SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" LIKE 'FA-01%' ORDER BY 1;

-- name: in_list
SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" IN ('FA-0042', 'FA-0101', 'nothing') ORDER BY 1;

-- name: not_in_list
SELECT count(*) FROM "Assets" WHERE "AssetNumber" NOT IN ('FA-0042');

-- name: is_null_filter
SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" IS NULL;

-- name: having_filter
SELECT "AssetTypeId" IS NULL AS untyped, count(*) FROM "Assets" GROUP BY 1 HAVING count(*) > 2 ORDER BY 1;

-- name: subquery_in
SELECT "AssetNumber" FROM "Assets" WHERE "AssetId" IN (SELECT "AssetId" FROM "AssetTracking") ORDER BY 1;

-- name: correlated_subquery
SELECT a."AssetNumber", (SELECT count(*) FROM "ValueUpdates" v WHERE v."AssetId" = a."AssetId") AS n FROM "Assets" a WHERE a."AssetStatus" = 'Registered' ORDER BY 1;

-- name: union_distinct
SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" LIKE 'FA-00%' UNION SELECT "AssetNumber" FROM "AssetTracking" ORDER BY 1;

-- name: intersect_except
SELECT "AssetNumber" FROM "Assets" INTERSECT SELECT "AssetNumber" FROM "AssetTracking" EXCEPT SELECT 'FA-0042' ORDER BY 1;

-- name: cte_recursive
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT sum(i) FROM n;

-- name: limit_offset_literal
SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1 LIMIT 2 OFFSET 1;

-- name: select_star_types
SELECT * FROM "AssetTracking" WHERE false;

-- name: count_distinct
SELECT count(DISTINCT "AssetTypeId") FROM "Assets";

-- name: min_max_text
SELECT min("AssetNumber"), max("AssetName") FROM "Assets";

-- name: journal_balances
SELECT sum("Debit") AS debit, sum("Credit") AS credit FROM "JournalLines";

-- name: settings_read
SELECT "FinancialYearEndMonth", "FinancialYearEndDay", "AccountingBasis" FROM "Settings";

-- name: accounts_count
SELECT count(*) FROM "Accounts";

-- name: transaction_rollback
BEGIN;
UPDATE "Assets" SET "Description" = 'changed' WHERE "AssetNumber" = 'FA-0042';
ROLLBACK;
SELECT "Description" FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: savepoint_rollback
SAVEPOINT s;
UPDATE "Assets" SET "Description" = 'changed' WHERE "AssetNumber" = 'FA-0042';
ROLLBACK TO SAVEPOINT s;
SELECT "Description" FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: error_aborts_transaction
SELECT 1 / 0;
SELECT 1;

-- name: update_then_read
UPDATE "Assets" SET "SerialNumber" = 'NEW-1' WHERE "AssetNumber" = 'FA-0043';
SELECT "SerialNumber" FROM "Assets" WHERE "AssetNumber" = 'FA-0043';

-- name: insert_then_count
INSERT INTO "Assets" ("AssetName", "AssetNumber", "PurchasePrice") VALUES ('Chair', 'FA-0950', 120.00), ('Table', 'FA-0951', 300.50);
SELECT count(*), sum("PurchasePrice") FROM "Assets" WHERE "AssetNumber" LIKE 'FA-095%';

-- name: delete_then_count
DELETE FROM "AssetTracking" WHERE "Category" = 'Region';
SELECT count(*) FROM "AssetTracking";

-- name: read_only_transaction_write
SET TRANSACTION READ ONLY;
UPDATE "Assets" SET "Description" = 'x' WHERE "AssetNumber" = 'FA-0042';

-- name: explain_is_text
-- compare: shape
EXPLAIN SELECT * FROM "Assets" WHERE "AssetNumber" = 'FA-0042';

-- name: listen_notify
LISTEN channel;
NOTIFY channel;

-- name: discard_all_outside
SELECT 1 AS one;

-- name: prepare_execute_sql
PREPARE q(text) AS SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = $1;
EXECUTE q('FA-0042');

-- name: declare_fetch
DECLARE c CURSOR FOR SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" IS NOT NULL ORDER BY 1;
FETCH 2 FROM c;
FETCH NEXT FROM c;
CLOSE c;

-- name: fetch_backward
DECLARE c SCROLL CURSOR FOR SELECT "AssetNumber" FROM "Assets" ORDER BY 1;
FETCH LAST FROM c;

-- name: for_update
SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" = 'FA-0042' FOR UPDATE;

-- name: tablesample
SELECT count(*) FROM "Assets" TABLESAMPLE SYSTEM (100);
