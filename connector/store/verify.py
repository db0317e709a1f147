"""Verifying a register file against everything its storage should hold (see :mod:`connector.check`, the
``assets-sql check`` command): storage's own statements, read-only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from connector.domain import assets, book_setting
from connector.domain.codecs import Refused
from connector.domain.depreciation import financial_year_start
from connector.domain.enums import AccountingBasis, AssetStatus, UpdateType
from connector.domain.errors import RegisterError
from connector.domain.ledger import ACQUISITION_SOURCES, VALUE_UPDATE_SOURCE
from connector.domain.money import from_cents
from connector.domain.rows import unique_key
from connector.schema import TABLES, Column, Table
from connector.store.journal import entry_hash
from connector.store.layout import LAYOUTS, RUN_SOURCE, shadow, value_update_months
from connector.store.upgrade import IMPAIRMENTS_ACCUMULATED_SINCE

if TYPE_CHECKING:
    from connector.register import Register

ZERO = Decimal("0.00")
_STORED_PYTHON = {"INTEGER": (int,), "REAL": (float, int), "TEXT": (str,)}


class Checker:
    def __init__(self, register: Register) -> None:
        self.register = register
        self.store = register.store
        self.tenants = {tenant: name for tenant, name in self._sql("SELECT TenantId, Name FROM Tenants_rows")}
        #: Rows whose stored values do not decode: the checks that need typed rows skip their tenant.
        self.broken_tenants: set[str] = set()
        #: A file of a layout before :data:`IMPAIRMENTS_ACCUMULATED_SINCE` (checked as it is, not upgraded) credited
        #: impairments to the asset's own ledger account; its upgrade moves them (see
        #: :func:`connector.store.upgrade.repost_impairments`).
        version = self.store.execute("PRAGMA user_version").get
        self.impairments_accumulated = not isinstance(version, int) or version >= IMPAIRMENTS_ACCUMULATED_SINCE
        #: The value updates posted to the accumulated depreciation account, and those to the asset's own (less).
        self.accumulated_kinds = [UpdateType.DEPRECIATION_AMORTIZATION.value]
        self.decreasing_cost = [UpdateType.REVALUATION_DOWN.value]
        (self.accumulated_kinds if self.impairments_accumulated else self.decreasing_cost).append(
            UpdateType.IMPAIRMENT.value
        )

    def _sql(self, sql: str, bindings: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.store.execute(sql, bindings).fetchall()

    def findings(self) -> Iterator[str]:
        yield from self.integrity()
        yield from self.guards()
        for table in TABLES.values():
            yield from self.values(table)
            yield from self.required(table)
            yield from self.references(table)
            yield from self.unique(table)
        yield from self.asset_rules()
        yield from self.journal_balances()
        yield from self.value_updates()
        yield from self.sources()
        for tenant in self.tenants:
            yield from self.chain(tenant)
            yield from self.start_date(tenant)
            yield from self.run_ends(tenant)
            if tenant not in self.broken_tenants:
                yield from self.ledger_accounts(tenant)
                yield from self.accumulated_accounts(tenant)
                yield from self.asset_balances(tenant)

    # -- the file -------------------------------------------------------------------------------------------------

    def integrity(self) -> Iterator[str]:
        for (line,) in self._sql("PRAGMA integrity_check"):
            if line != "ok":
                yield f"integrity_check: {line}"

    def guards(self) -> Iterator[str]:
        present = {name for (name,) in self._sql("SELECT name FROM sqlite_schema WHERE type = 'trigger'")}
        for layout in LAYOUTS.values():
            names = [statement.split("IF NOT EXISTS ", 1)[1].split(" ", 1)[0] for statement in layout.triggers()]
            missing = [name for name in names if name not in present]
            if missing:
                yield (
                    f"{layout.name}: its guard trigger(s) {', '.join(missing)} are missing: a tool removed what stops "
                    "plain writes to storage (opening the file with assets-sql puts them back)"
                )

    # -- rows -----------------------------------------------------------------------------------------------------

    def _where(self, table: Table, rowid: int, key: Any, tenant: Any) -> str:
        where = f"{shadow(table)} {table.key}={key!r}" if key is not None else f"{shadow(table)} rowid {rowid}"
        if table.name != "Tenants" and tenant in self.tenants:
            where += f" (tenant {self.tenants[tenant]!r})"
        return where

    def values(self, table: Table) -> Iterator[str]:
        layout = LAYOUTS[table.name]
        columns = layout.columns
        tenant_at = layout.names.index("TenantId") if "TenantId" in layout.names else None
        key_at = layout.names.index(table.key)
        for row in self._sql(f"SELECT rowid, {', '.join(layout.names)} FROM {layout.name}"):
            rowid, stored = row[0], row[1:]
            for column, value in zip(columns, stored):
                problem = _stored_problem(column, value)
                if problem is not None:
                    tenant = stored[tenant_at] if tenant_at is not None else None
                    self.broken_tenants.add(tenant if tenant is not None else "")
                    yield f"{self._where(table, rowid, stored[key_at], tenant)}: {column.name} {problem}"

    def required(self, table: Table) -> Iterator[str]:
        for column in table.columns:
            if not (column.required or column.name == table.key) or column.name not in LAYOUTS[table.name].names:
                continue
            tenant = "TenantId" if table.name != "Tenants" else "NULL"
            for rowid, key, owner in self._sql(
                f"SELECT rowid, {table.key}, {tenant} FROM {shadow(table)} WHERE {column.name} IS NULL"
            ):
                yield f"{self._where(table, rowid, key, owner)}: {column.name} is required but empty"

    def references(self, table: Table) -> Iterator[str]:
        for column, target in table.references:
            if column.name not in LAYOUTS[table.name].names:
                continue
            if (table.name, column.name) == ("JournalLines", "AssetId"):
                continue  # the journal only grows: a line keeps the asset of a draft deleted after its reversal
            other = TABLES[target]
            same_tenant = "" if target == "Tenants" else " AND o.TenantId = t.TenantId"
            tenant = "t.TenantId" if table.name != "Tenants" else "NULL"
            for rowid, key, owner, value in self._sql(
                f"SELECT t.rowid, t.{table.key}, {tenant}, t.{column.name} FROM {shadow(table)} AS t "
                f"WHERE t.{column.name} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {shadow(other)} AS o "
                f"WHERE o.{other.key} = t.{column.name}{same_tenant})"
            ):
                where = self._where(table, rowid, key, owner)
                yield f"{where}: {column.name} {value!r} names no {target} row of its tenant"

    def unique(self, table: Table) -> Iterator[str]:
        for group in table.unique:
            name = group[-1]
            seen: dict[tuple[Any, ...], Any] = {}
            columns = ", ".join(group)
            for rowid, key, *values in self._sql(f"SELECT rowid, {table.key}, {columns} FROM {shadow(table)}"):
                if values[-1] is None:
                    continue
                folded = tuple(values[:-1]) + (unique_key(values[-1]) if isinstance(values[-1], str) else values[-1],)
                if folded in seen:
                    tenant = values[0] if "TenantId" in group else None
                    yield (
                        f"{self._where(table, rowid, key, tenant)}: {name} {values[-1]!r} is taken already by "
                        f"{table.key}={seen[folded]!r}"
                    )
                else:
                    seen[folded] = key

    def asset_rules(self) -> Iterator[str]:
        table = TABLES["Assets"]
        layout = LAYOUTS["Assets"]
        for row in self._sql(f"{layout.select_stored}"):
            stored = dict(zip(layout.names, row))
            where = self._where(table, 0, stored["AssetId"], stored["TenantId"])
            try:
                typed = layout.typed_row(row)
            except (ValueError, KeyError, TypeError, ArithmeticError):
                continue  # reported with the values
            if typed["AssetStatus"] not in (AssetStatus.DRAFT, AssetStatus.REGISTERED):
                yield f"{where}: AssetStatus {typed['AssetStatus'].value!r} is not Draft or Registered"
            for column in assets.DISPOSAL_COLUMNS:
                if typed[column] not in (None, ZERO):
                    yield f"{where}: {column} is {typed[column]} but disposal is not supported (it must be NULL)"
            try:
                book_setting.check_setting("Assets", assets.label(typed), typed, ())
                if typed["AssetStatus"] is AssetStatus.REGISTERED:
                    assets.check_registration(typed)
            except RegisterError as error:
                yield f"{where}: {error}"

    # -- the books --------------------------------------------------------------------------------------------

    def journal_balances(self) -> Iterator[str]:
        for entry, tenant, debit, credit, count in self._sql(
            "SELECT e.JournalEntryId, e.TenantId, coalesce(sum(l.Debit), 0), coalesce(sum(l.Credit), 0), "
            "count(l.rowid) FROM JournalEntries_rows AS e LEFT JOIN JournalLines_rows AS l "
            "ON l.JournalEntryId = e.JournalEntryId GROUP BY e.JournalEntryId"
        ):
            where = self._where(TABLES["JournalEntries"], 0, entry, tenant)
            if not count:
                yield f"{where}: the entry has no lines"
            elif debit != credit:
                yield f"{where}: debits {from_cents(debit)} and credits {from_cents(credit)} do not balance"
        for tenant, debit, credit in self._sql(
            "SELECT TenantId, sum(Debit), sum(Credit) FROM JournalLines_rows GROUP BY TenantId"
        ):
            if debit != credit:
                yield (
                    f"JournalLines_rows (tenant {self.tenants.get(tenant, tenant)!r}): the journal does not balance: "
                    f"debits {from_cents(debit)}, credits {from_cents(credit)}"
                )

    def value_updates(self) -> Iterator[str]:
        """A run's row holds as many months as it says, and their sum as its Amount; each entry a value update
        posted carries, in debits, the sum of the value updates that point to it (a run's entry of a month, the sum
        of that month over the assets)."""
        table = TABLES["ValueUpdates"]
        for key, tenant, months, amount, count, total in self._sql(
            "SELECT v.ValueUpdateId, v.TenantId, v.Months, v.Amount, json_array_length(v.Amounts), "
            "(SELECT sum(j.value) FROM json_each(v.Amounts) AS j) FROM ValueUpdates_rows AS v "
            "WHERE v.Months IS NOT NULL AND json_valid(v.Amounts)"
        ):
            if count != months or total != amount:
                yield (
                    f"{self._where(table, 0, key, tenant)}: a run's row of {months} months holds {count} amounts "
                    f"summing to {from_cents(total or 0)}, not its Amount {from_cents(amount or 0)}"
                )
        unreadable = self._sql(
            "SELECT ValueUpdateId, TenantId FROM ValueUpdates_rows WHERE Months IS NOT NULL AND NOT json_valid(Amounts)"
        )
        for key, tenant in unreadable:
            yield f"{self._where(table, 0, key, tenant)}: Amounts is not a JSON list of cents"
            self.broken_tenants.add(tenant)
        if unreadable:
            return  # the months of the register's value updates cannot be read
        # accrual books: every value update, and every month of a run, has its entry
        missing = value_update_months(("ValueUpdateId", "JournalEntryId", "TenantId", "Date", "RunId"))
        for key, tenant, day, run in self._sql(
            f"SELECT v.ValueUpdateId, v.TenantId, v.Date, v.RunId FROM {missing} AS v JOIN Settings_rows AS s "
            "ON s.TenantId = v.TenantId WHERE v.JournalEntryId IS NULL AND s.AccountingBasis = ? ORDER BY v.rowid",
            (AccountingBasis.ACCRUAL.value,),
        ):
            what = f"the month {day} of depreciation run {run}" if run else "the value update"
            yield (
                f"{self._where(table, 0, key, tenant)}: {what} has no journal entry: an entry was removed outside "
                "the register"
            )
        months = value_update_months(("ValueUpdateId", "JournalEntryId", "TenantId", "Amount"))
        for entry, tenant, amount, debit, first in self._sql(
            "SELECT v.JournalEntryId, v.TenantId, sum(v.Amount), "
            "(SELECT sum(l.Debit) FROM JournalLines_rows AS l WHERE l.JournalEntryId = v.JournalEntryId) "
            "- coalesce((SELECT sum(l.Debit) FROM JournalLines_rows AS l JOIN JournalEntries_rows AS r "
            "ON r.JournalEntryId = l.JournalEntryId WHERE r.ReversesId = v.JournalEntryId), 0), "
            f"min(v.ValueUpdateId) FROM {months} AS v GROUP BY v.JournalEntryId"
        ):
            if entry is None:
                continue
            if debit is not None and amount != debit:
                yield (
                    f"{self._where(table, 0, first, tenant)}: Amount {from_cents(amount)} differs from the "
                    f"{from_cents(debit)} its journal entry {entry} posted"
                )

    def ledger_accounts(self, tenant: str) -> Iterator[str]:
        """A registered asset's own ledger account holds its cost, improvements and revaluations, less revaluations
        down (accrual books); impairments are in its accumulated depreciation account."""
        basis = self._sql("SELECT AccountingBasis FROM Settings_rows WHERE TenantId = ?", (tenant,))
        if not basis or basis[0][0] != AccountingBasis.ACCRUAL.value:
            return
        decreasing = ", ".join("?" for _ in self.decreasing_cost)
        adjustments = {
            asset: cents
            for asset, cents in self._sql(
                "SELECT AssetId, sum(CASE WHEN UpdateType IN (?, ?) THEN Amount "
                f"WHEN UpdateType IN ({decreasing}) THEN -Amount ELSE 0 END) FROM ValueUpdates_rows "
                "WHERE TenantId = ? GROUP BY AssetId",
                (UpdateType.IMPROVEMENT.value, UpdateType.REVALUATION_UP.value, *self.decreasing_cost, tenant),
            )
        }
        for asset, number, price, held in self._sql(
            "SELECT a.AssetId, a.AssetNumber, a.PurchasePrice, (SELECT coalesce(sum(l.Debit - l.Credit), 0) "
            "FROM JournalLines_rows AS l WHERE l.AccountId = a.LedgerAccountId) FROM Assets_rows AS a "
            "WHERE a.TenantId = ? AND a.AssetStatus = ?",
            (tenant, AssetStatus.REGISTERED.value),
        ):
            expected = (price or 0) + adjustments.get(asset, 0)
            if held != expected:
                yield (
                    f"{self._where(TABLES['Assets'], 0, asset, tenant)}: asset {number}'s ledger account holds "
                    f"{from_cents(held)}, but its PurchasePrice and value updates make {from_cents(expected)}"
                )

    def _accrual(self, tenant: str) -> bool:
        basis = self._sql("SELECT AccountingBasis FROM Settings_rows WHERE TenantId = ?", (tenant,))
        return bool(basis) and basis[0][0] == AccountingBasis.ACCRUAL.value

    def accumulated_accounts(self, tenant: str) -> Iterator[str]:
        """Each account that holds registered assets' accumulated depreciation (an asset's own, or its type's)
        holds, in credits less debits, what the register says they have accumulated: the opening balances they were
        brought in with, the depreciation recorded for them, by runs and by hand, and their impairments (accrual
        books)."""
        if not self._accrual(tenant):
            return
        months = value_update_months(("TenantId", "AssetId", "UpdateType", "Amount"))
        kinds = ", ".join("?" for _ in self.accumulated_kinds)
        depreciation = dict(
            self._sql(
                f"SELECT AssetId, sum(Amount) FROM {months} WHERE TenantId = ? AND UpdateType IN ({kinds}) "
                "GROUP BY AssetId",
                (tenant, *self.accumulated_kinds),
            )
        )
        expected: dict[str, int] = {}
        assets_of: dict[str, list[str]] = {}
        for asset, number, status, opening, account in self._sql(
            "SELECT a.AssetId, a.AssetNumber, a.AssetStatus, coalesce(a.OpeningPriorAccumDepreciation, 0) "
            "+ coalesce(a.OpeningCurrentAccumDepreciation, 0), coalesce(a.AccumulatedDepreciationAccountId, "
            "(SELECT t.AccumulatedDepreciationAccountId FROM AssetTypes_rows AS t "
            "WHERE t.AssetTypeId = a.AssetTypeId), "
            "(SELECT c.AccountId FROM Accounts_rows AS c WHERE c.TenantId = a.TenantId "
            "AND c.StableName = 'ACCUMULATED_DEPRECIATION')) FROM Assets_rows AS a WHERE a.TenantId = ?",
            (tenant,),
        ):
            if account is None:
                continue
            held = depreciation.get(asset, 0)
            if status == AssetStatus.REGISTERED.value:
                held += opening
            expected[account] = expected.get(account, 0) + held
            assets_of.setdefault(account, []).append(number)
        if not expected:
            return
        ledger = dict(
            self._sql(
                "SELECT AccountId, sum(Credit - Debit) FROM JournalLines_rows WHERE TenantId = ? GROUP BY AccountId",
                (tenant,),
            )
        )
        names = dict(self._sql("SELECT AccountId, Name FROM Accounts_rows WHERE TenantId = ?", (tenant,)))
        for account, cents in expected.items():
            held = ledger.get(account, 0)
            if held != cents:
                numbers = assets_of[account]
                shown = ", ".join(numbers[:5]) + (", ..." if len(numbers) > 5 else "")
                yield (
                    f"{self._where(TABLES['Accounts'], 0, account, tenant)}: the ledger holds {from_cents(held)} of "
                    f"accumulated depreciation in {names.get(account)!r}, but the register's assets on it ({shown}) "
                    f"have accumulated {from_cents(cents)} (opening balances, depreciation and impairments recorded): "
                    f"a difference of {from_cents(cents - held)}"
                )

    def sources(self) -> Iterator[str]:
        """Every entry that stands (neither a reversal nor reversed) has what posted it: its depreciation run, its
        value update, its registered asset."""
        reversed_ids = {
            key for (key,) in self._sql("SELECT ReversesId FROM JournalEntries_rows WHERE ReversesId IS NOT NULL")
        }
        runs = {key for (key,) in self._sql("SELECT RunId FROM DepreciationRuns_rows")}
        updates = {key for (key,) in self._sql("SELECT ValueUpdateId FROM ValueUpdates_rows WHERE Months IS NULL")}
        registered = {
            key
            for (key,) in self._sql(
                "SELECT AssetId FROM Assets_rows WHERE AssetStatus = ?", (AssetStatus.REGISTERED.value,)
            )
        }
        entries = TABLES["JournalEntries"]
        for entry, tenant, source in self._sql(
            "SELECT JournalEntryId, TenantId, Source FROM JournalEntries_rows WHERE ReversesId IS NULL ORDER BY rowid"
        ):
            if entry in reversed_ids or source is None:
                continue
            kind, _, key = source.partition(":")
            if kind == RUN_SOURCE.rstrip(":"):
                present, what = key in runs, f"depreciation run {key}"
            elif f"{kind}:" == VALUE_UPDATE_SOURCE:
                present, what = key in updates, f"value update {key}"
            elif f"{kind}:" in ACQUISITION_SOURCES:
                present, what = key in registered, f"registered asset {key}"
            else:
                continue
            if not present:
                yield (
                    f"{self._where(entries, 0, entry, tenant)}: the entry stands, but the {what} that posted it is "
                    "gone and no entry reverses it: an entry was removed outside the register"
                )

    def start_date(self, tenant: str) -> Iterator[str]:
        """The register's start is the first day of a financial year (Xero's fixed-asset start date)."""
        for start, month, day in self._sql(
            "SELECT AssetStartDate, FinancialYearEndMonth, FinancialYearEndDay FROM Settings_rows WHERE TenantId = ?",
            (tenant,),
        ):
            try:
                begins = dt.date.fromisoformat(start) if start else None
                first = financial_year_start(begins, month, day) if begins else None
            except (TypeError, ValueError):
                continue  # reported with the values
            if begins is not None and begins != first:
                yield (
                    f"Settings_rows TenantId={tenant!r} (tenant {self.tenants[tenant]!r}): AssetStartDate {start} is "
                    f"not the first day of a financial year (that year starts on {first}): runs and opening balances "
                    "go by a start date that opens a financial year; with no run posted, set it to one (UPDATE "
                    "Settings SET AssetStartDate = ...)"
                )

    def run_ends(self, tenant: str) -> Iterator[str]:
        """Each of a tenant's runs ends on a month end of its own: the latest is the one LastDepreciationDate names,
        and runs are rolled back from it down."""
        for through, count, runs in self._sql(
            "SELECT ThroughDate, count(*), group_concat(RunId, ', ') FROM DepreciationRuns_rows WHERE TenantId = ? "
            "GROUP BY ThroughDate HAVING count(*) > 1 ORDER BY ThroughDate",
            (tenant,),
        ):
            yield (
                f"DepreciationRuns_rows (tenant {self.tenants[tenant]!r}): {count} runs end on ThroughDate {through} "
                f"({runs}): each run ends on a month end of its own, after the run before it; roll them back (DELETE "
                f"FROM DepreciationRuns WHERE ThroughDate >= '{through}') and run again"
            )

        for last, latest in self._sql(
            "SELECT LastDepreciationDate, (SELECT max(ThroughDate) FROM DepreciationRuns_rows WHERE TenantId = ?1) "
            "FROM Settings_rows WHERE TenantId = ?1",
            (tenant,),
        ):
            if last != latest:
                runs = f"the latest run ends on {latest}" if latest else "no run is posted"
                yield (
                    f"Settings_rows TenantId={tenant!r} (tenant {self.tenants[tenant]!r}): LastDepreciationDate is "
                    f"{last or 'NULL'} but {runs}: only a run (to its ThroughDate) and a rollback move it, so a tool "
                    "outside the register changed it; set it back to the latest run's ThroughDate with that tool"
                )

    def asset_balances(self, tenant: str) -> Iterator[str]:
        try:
            books = self.register.tenant_books(tenant)
        except (ValueError, KeyError, TypeError, ArithmeticError, RegisterError) as error:
            yield f"Assets_rows (tenant {self.tenants[tenant]!r}): balances cannot be recomputed: {error}"
            return
        for row, booked in books:
            computed = assets.balances(row, booked)
            for column in assets.BALANCE_COLUMNS:
                if computed[column] != row[column]:
                    where = self._where(TABLES["Assets"], 0, row["AssetId"], tenant)
                    yield f"{where}: {column} is {_shown(row[column])} but its books make {_shown(computed[column])}"

    def chain(self, tenant: str) -> Iterator[str]:
        entries = TABLES["JournalEntries"]
        hashes = dict(self._sql("SELECT JournalEntryId, Hash FROM JournalEntries_rows WHERE TenantId = ?", (tenant,)))
        previous, sequence = "", 0
        for entry, lines in self.store.journal.chain(tenant):
            previous = entry_hash(previous, entry, lines)
            sequence = entry[-1]
            if hashes.get(entry[0]) != previous:
                yield (
                    f"{self._where(entries, 0, entry[0], tenant)}: the entry or its lines changed after it was posted "
                    f"(Sequence {sequence}: its Hash does not match its content)"
                )
                previous = hashes.get(entry[0]) or previous
        head = self._sql("SELECT JournalSequence, JournalHash FROM Settings_rows WHERE TenantId = ?", (tenant,))
        if head and (head[0][0] or 0, head[0][1] or "") != (sequence, previous):
            yield (
                f"Settings_rows TenantId={tenant!r} (tenant {self.tenants[tenant]!r}): the journal's head is entry "
                f"{head[0][0] or 0}, but its chain ends at entry {sequence}: entries were added or removed outside the "
                "register"
            )


def _stored_problem(column: Column, stored: Any) -> str | None:
    """What is wrong with a stored value of the column, or None."""
    if stored is None:
        return None
    codec = column.codec
    if isinstance(stored, bool) or not isinstance(stored, _STORED_PYTHON[codec.stored_type]):
        return f"holds {stored!r}, not {_expected(codec.name)}"
    try:
        codec.parse(codec.from_stored(stored))
    except (Refused, ValueError, TypeError, ArithmeticError) as error:
        return f"holds {stored!r}, not {_expected(codec.name)} ({error})"
    return None


def _expected(type_name: str) -> str:
    return {
        "Decimal": "an amount in cents",
        "Date": "a date (YYYY-MM-DD)",
        "Boolean": "0 or 1",
        "Int": "a whole number",
        "Double": "a number",
    }.get(type_name, "text")


def _shown(value: Any) -> str:
    return str(value.value) if hasattr(value, "value") else str(value)
