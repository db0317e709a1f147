"""The tables as schema/ declares them: exactly the documented Assets columns, types and read-only flags."""

import ast
import re

from connector.domain.enums import ENUMS
from connector.publish import target
from connector.schema import REPORTS, SQL_TYPES, TABLES
from connector.store import changelog
from tests.conftest import ROOT

# The Assets columns as the Xero Assets table documentation lists them: name, type, read-only.
DOCUMENTED_ASSETS = [
    ("AssetId", "String", True),
    ("AssetName", "String", False),
    ("AssetNumber", "String", False),
    ("AssetStatus", "String", False),
    ("Description", "String", False),
    ("PurchaseDate", "Date", False),
    ("PurchasePrice", "Decimal", False),
    ("DisposalDate", "Date", False),
    ("DisposalPrice", "Decimal", False),
    ("WarrantyExpiryDate", "Date", False),
    ("SerialNumber", "String", False),
    ("AssetTypeId", "String", False),
    ("BookDepreciationSetting_DepreciationMethod", "String", False),
    ("BookDepreciationSetting_AveragingMethod", "String", False),
    ("BookDepreciationSetting_DepreciationRate", "Double", False),
    ("BookDepreciationSetting_EffectiveLifeYears", "Int", False),
    ("BookDepreciationSetting_DepreciationCalculationMethod", "String", False),
    ("BookDepreciationDetail_CurrentCapitalGain", "Decimal", False),
    ("BookDepreciationDetail_CurrentGainLoss", "Decimal", False),
    ("BookDepreciationDetail_DepreciationStartDate", "Date", False),
    ("BookDepreciationDetail_CostLimit", "Decimal", False),
    ("BookDepreciationDetail_ResidualValue", "Decimal", False),
    ("BookDepreciationDetail_PriorAccumDepreciationAmount", "Decimal", False),
    ("BookDepreciationDetail_CurrentAccumDepreciationAmount", "Decimal", False),
    ("CanRollBack", "Boolean", True),
    ("AccountingBookValue", "Decimal", True),
    ("TenantId", "String", False),
]


#: What the ledger adds after the documented columns.
LEDGER_ASSETS = [
    ("LedgerAccountId", "String", True),
    ("PurchaseAccount", "String", False),
    ("AccumulatedDepreciationAccountId", "String", False),
]


def test_assets_has_the_documented_columns_then_the_ledger_ones():
    assets = TABLES["Assets"]
    assert [(c.name, c.type, c.read_only) for c in assets.columns] == DOCUMENTED_ASSETS + LEDGER_ASSETS
    assert assets.key == "AssetId"


def test_every_column_has_a_declared_sql_type_and_a_description():
    for table in TABLES.values():
        for column in table.columns:
            assert column.type in SQL_TYPES, (table.name, column.name)
            assert column.description.strip(), (table.name, column.name)


def test_names_are_case_insensitive_and_the_start_date_alias_resolves():
    assets = TABLES["assets"]
    assert assets.find("purchaseprice").name == "PurchasePrice"
    alias = assets.find("BookDepreciationSetting_DepreciationStartDate")
    assert alias.name == "BookDepreciationDetail_DepreciationStartDate"
    assert assets.suggest("PurchasePrise") == "PurchasePrice"
    assert TABLES.suggest("Asset") == "Assets"


def test_the_other_tables():
    assert set(TABLES) == {
        "Assets",
        "AssetTypes",
        "Settings",
        "Tenants",
        "Accounts",
        "ValueUpdates",
        "JournalEntries",
        "JournalLines",
        "DepreciationRuns",
        "AssetTracking",
    }
    settings = TABLES["Settings"]
    assert settings.column("AssetNumberPrefix").default == "FA-"
    assert settings.column("AssetNumberSequence").default == "0001"
    assert (settings.column("FinancialYearEndMonth").default, settings.column("FinancialYearEndDay").default) == (
        12,
        31,
    )
    assert not settings.column("LastDepreciationDate").read_only  # writable backwards: a rollback to a month end
    types = TABLES["AssetTypes"]
    assert types.column("Locks").read_only
    assert types.column("BookDepreciationSetting_DepreciationCalculationMethod").read_only


#: CamelCase names of two words or more (BookValue, PurchasePrice, BookDepreciationSetting_DepreciationRate).
_NAME_SHAPED = re.compile(r"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+(?:_[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)*)*$")


def _exported(tree: ast.AST) -> set[str]:
    """The names a module lists in ``__all__`` (they are Python names, not columns)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            names |= {element.value for element in ast.walk(node.value) if isinstance(element, ast.Constant)}
    return names


def test_every_column_name_in_the_code_is_in_schema():
    """A column is named once, in schema/: a name the code spells that schema/ does not know is a mistake."""
    known = {name for table in TABLES.values() for name in (table.name, *table.column_names)}
    known |= {column.name for table in TABLES.values() for column in table.internal}
    known |= {alias for table in TABLES.values() for alias, _ in table.aliases}
    known |= {name for report in REPORTS.values() for name in (report.name, *(c.name for c in report.columns))}
    known |= {argument.name for report in REPORTS.values() for argument in report.arguments}
    known |= {member.value for enum in ENUMS.values() for member in enum}
    known |= {*changelog.NAMES, *target.NAMES}  # the change log's and the publisher's own, each declared once
    unknown = {}
    for path in sorted((ROOT / "connector").rglob("*.py")):
        if "bridge" in path.parts:  # PostgreSQL's catalog speaks its own names
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        exported = _exported(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _NAME_SHAPED.match(node.value):
                if node.value not in known and node.value not in exported:
                    unknown.setdefault(node.value, set()).add(str(path.relative_to(ROOT)))
    assert not unknown, f"names not in schema/: {unknown}"
