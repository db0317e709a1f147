-- Depreciation in the register: register a few assets, preview their schedules, run depreciation month by month
-- for a year, roll the last month back, and look at the book values.
-- Run it with:  assets-sql depreciation.db samples/depreciation.sql      (on a new file)

-- A July-June financial year.
UPDATE Settings SET FinancialYearEndMonth = 6, FinancialYearEndDay = 30, AssetStartDate = '2024-07-01';

INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, DepreciationExpenseAccountId,
                        BookDepreciationSetting_DepreciationMethod, BookDepreciationSetting_AveragingMethod,
                        BookDepreciationSetting_DepreciationRate)
VALUES ('Equipment', 'ACCUMULATED_DEPRECIATION', 'DEPRECIATION', 'StraightLine', 'FullMonth', 20);

-- The help centre's straight-line example: cost 1,500, residual 200, 20 % a year, full months.
INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice,
                    BookDepreciationDetail_ResidualValue, BookDepreciationDetail_DepreciationStartDate, AssetStatus)
SELECT 'Workbench', 'EQ-0001', AssetTypeId, '2024-07-01', 1500, 200, '2024-07-01', 'Registered' FROM AssetTypes;

-- Diminishing value at 150 % over 5 years (30 % a year), actual days, bought mid-month.
INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice,
                    BookDepreciationDetail_DepreciationStartDate, BookDepreciationSetting_DepreciationMethod,
                    BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_DepreciationRate,
                    BookDepreciationSetting_EffectiveLifeYears, AssetStatus)
SELECT 'Delivery van', 'EQ-0002', AssetTypeId, '2024-08-15', 36000, '2024-08-15', 'DiminishingValue150',
       'ActualDays', NULL, 5, 'Registered' FROM AssetTypes;

-- Software written off at once.
INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice,
                    BookDepreciationDetail_DepreciationStartDate, BookDepreciationSetting_DepreciationMethod,
                    BookDepreciationSetting_DepreciationRate, AssetStatus)
SELECT 'Design software', 'EQ-0003', AssetTypeId, '2024-09-01', 2400, '2024-09-01', 'FullDepreciation', NULL,
       'Registered' FROM AssetTypes;

-- Preview before running anything: the first months of each schedule, and how each one ends.
SELECT 'EQ-0001' AS Asset, * FROM DepreciationSchedule('EQ-0001') LIMIT 3;
SELECT 'EQ-0002' AS Asset, * FROM DepreciationSchedule('EQ-0002') LIMIT 3;
SELECT 'EQ-0001' AS Asset, * FROM DepreciationSchedule('EQ-0001') WHERE Note IS NOT NULL;
SELECT 'EQ-0002' AS Asset, * FROM DepreciationSchedule('EQ-0002') WHERE Note IS NOT NULL;

-- Run depreciation month by month through the financial year.
INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-07-31');
INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-08-31');
INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-09-30');
INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-10-31');
INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-11-30');
INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-12-31');
INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-01-31');
INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-02-28');
INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-03-31');
INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-04-30');
INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-05-31');
INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2025-06-30');

SELECT ThroughDate, AssetCount, Amount FROM DepreciationRuns ORDER BY ThroughDate;

-- Roll the June run back (only the latest run can be): its postings go, LastDepreciationDate moves back to May.
DELETE FROM DepreciationRuns WHERE ThroughDate = '2025-06-30';

SELECT LastDepreciationDate FROM Settings;
SELECT AssetNumber, PurchasePrice, BookDepreciationDetail_PriorAccumDepreciationAmount AS Prior,
       BookDepreciationDetail_CurrentAccumDepreciationAmount AS Current, AccountingBookValue, CanRollBack
FROM Assets ORDER BY AssetNumber;
