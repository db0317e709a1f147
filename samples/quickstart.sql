-- A register's first session: an asset type, a draft asset, its depreciation setting, registration,
-- and the one thing the register refuses to do (dispose of an asset).
-- Run it with:  assets-sql demo2.db samples/quickstart.sql

-- An asset type: the default depreciation setting its assets take at registration.
INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod,
                        BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears)
VALUES ('Vehicles', 'StraightLine', 'FullMonth', 5)
ON CONFLICT (AssetTypeName) DO NOTHING;

-- The documented INSERT: a draft with only a name and a number.
-- ON CONFLICT makes the script safe to run twice on the same file.
INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Corporate van', 'FA-0042')
ON CONFLICT (AssetNumber) DO NOTHING;

-- Give the draft an effective life of five years (and no rate: a setting has one or the other) ... Once it is
-- registered with depreciation posted, such an edit is recalculated from its start, as Xero does; so the script
-- edits it only while it is a draft, to be repeatable.
UPDATE Assets SET BookDepreciationSetting_EffectiveLifeYears = 5, BookDepreciationSetting_DepreciationRate = NULL
WHERE AssetNumber = 'FA-0042' AND AssetStatus = 'Draft';

-- ... then switch to a rate, as the documentation does: the other one is set to null in the same statement.
-- The rate is a percentage a year: 12 means 12 %.
UPDATE Assets
SET BookDepreciationSetting_DepreciationRate = 12,
BookDepreciationSetting_EffectiveLifeYears = null
WHERE AssetNumber = 'FA-0042' AND AssetStatus = 'Draft';

-- Set what registration needs, and register it.
UPDATE Assets
SET AssetTypeId = (SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = 'Vehicles'),
    PurchaseDate = '2025-01-15',
    PurchasePrice = 32500.00,
    BookDepreciationSetting_DepreciationStartDate = '2025-01-15',
    BookDepreciationSetting_DepreciationMethod = 'StraightLine',
    BookDepreciationSetting_AveragingMethod = 'FullMonth',
    AssetStatus = 'Registered'
WHERE AssetNumber = 'FA-0042' AND AssetStatus = 'Draft';

-- A second asset takes the next number from Settings (FA-0001, ...); INSERT ... SELECT adds it only once.
INSERT INTO Assets (AssetName, Description)
SELECT 'Delivery bike', 'Cargo bike for the city round'
WHERE NOT EXISTS (SELECT 1 FROM Assets WHERE AssetName = 'Delivery bike');

-- Query the register.
SELECT AssetNumber, AssetName, AssetStatus, PurchasePrice, AccountingBookValue,
       BookDepreciationSetting_DepreciationCalculationMethod AS Calculation
FROM Assets ORDER BY AssetNumber;

-- Depreciate to the end of June: six months at 12 % a year of 32,500 (325.00 a month). The asset type took the
-- chart's accounts, so the run posts one journal entry a month. Run once; a second run through June is refused.
INSERT INTO DepreciationRuns (ThroughDate)
SELECT '2025-06-30' WHERE NOT EXISTS (SELECT 1 FROM DepreciationRuns WHERE ThroughDate >= '2025-06-30');

SELECT AssetNumber, AccountingBookValue, CanRollBack FROM Assets WHERE AssetNumber = 'FA-0042';
SELECT PeriodEnd, Amount, BookValue, Posted FROM DepreciationSchedule('FA-0042') LIMIT 8;
SELECT AssetTypeName, Locks FROM AssetTypes;
SELECT Name, Balance FROM TrialBalance('2025-06-30', NULL, true) WHERE Balance <> 0;

-- Disposal is refused with a clear error and changes nothing; this script stops here (exit status 1).
UPDATE Assets SET AssetStatus = 'Disposed' WHERE AssetNumber = 'FA-0042';
