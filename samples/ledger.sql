-- The ledger, as Layer's asset guide describes it, in SQL: a $40,000 asset with its own ledger account,
-- one month of straight-line depreciation, an improvement paid in cash, an impairment and a revaluation up.
-- Each value update posts a balanced journal entry; the trial balance and the book value follow.
-- Run it with:  assets-sql ledger.db samples/ledger.sql      (it is safe to run again on the same file)

INSERT INTO AssetTypes (AssetTypeName, AccumulatedDepreciationAccountId, BookDepreciationSetting_DepreciationMethod,
                        BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears)
VALUES ('Equipment', 'ACCUMULATED_DEPRECIATION', 'StraightLine', 'FullMonth', 5)
ON CONFLICT (AssetTypeName) DO NOTHING;

-- Registering posts the acquisition: Dr the asset's own ledger account, Cr ACCOUNTS_PAYABLE (its PurchaseAccount).
INSERT INTO Assets (AssetName, AssetNumber, AssetTypeId, PurchaseDate, PurchasePrice,
                    BookDepreciationDetail_DepreciationStartDate, AssetStatus)
SELECT 'Packaging line', 'EQ-0001', AssetTypeId, '2025-01-01', 40000.00, '2025-01-01', 'Registered'
FROM AssetTypes WHERE AssetTypeName = 'Equipment'
ON CONFLICT (AssetNumber) DO NOTHING;

-- One month of straight-line depreciation over 60 months: $40,000 / 60 = $666.67.
-- The DEPRECIATION stable name is the Depreciation Expense account. The ExternalId makes the update idempotent:
-- sending it again changes this value update (its entry is reversed and posted anew), it never adds a second one.
INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date, ExternalId, Memo)
VALUES ('EQ-0001', 'DEPRECIATION_AMORTIZATION', 666.67, 'DEPRECIATION', '2025-01-31', 'dep-2025-01',
        'January depreciation');

-- An improvement funded from cash, an impairment, and an upward revaluation.
INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date, ExternalId, Memo)
VALUES ('EQ-0001', 'IMPROVEMENT', 5000.00, 'CASH', '2025-02-15', 'imp-2025-02', 'Safety guard fitted'),
       ('EQ-0001', 'IMPAIRMENT', 1200.00, 'IMPAIRMENT_LOSS', '2025-03-31', 'imp-2025-03', 'Flood damage'),
       ('EQ-0001', 'REVALUATION_UP', 2500.00, 'REVALUATION_RESERVE', '2025-06-30', 'rev-2025-06', 'Valuation');

-- The journal: every entry balances.
SELECT e.Date, e.Memo, coalesce(a.StableName, a.Name) AS Account, l.Debit, l.Credit
FROM JournalLines AS l JOIN JournalEntries AS e USING (JournalEntryId) JOIN Accounts AS a USING (AccountId)
ORDER BY e.Date, e.rowid, l.Credit;

-- The trial balance at the end of June (debit balances positive, credit balances negative).
SELECT coalesce(StableName, Name) AS Account, Type, Debit, Credit, Balance
FROM TrialBalance('2025-06-30') WHERE Debit <> 0 OR Credit <> 0;

-- The book value: 40,000 + 5,000 - 1,200 + 2,500 - 666.67 = 45,633.33.
SELECT AssetNumber, PurchasePrice, BookDepreciationDetail_CurrentAccumDepreciationAmount AS Depreciation,
       AccountingBookValue
FROM Assets WHERE AssetNumber = 'EQ-0001';
