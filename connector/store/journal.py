"""The journal in storage: posting entries with their lines, and the chain that makes an edit made behind the
register's back visible. The journal only grows: a rollback or a change posts reversing entries, nothing posted is
deleted or edited, so the chain never rewinds.

Each tenant's entries are numbered in the order they are posted (``Sequence``) and each keeps ``Hash``: SHA-256 of
the previous entry's Hash, the entry's own content and its lines, in their stored form. The tenant's Settings row
keeps the head of the chain (the latest Sequence and Hash), so that removing the latest entries shows too.
``assets-sql check`` recomputes every chain (:func:`entry_hash`); an entry, or a line, changed, added or removed by
a tool that went round the register no longer matches; an entry removed with the head set back to the one before
it leaves what it posted (a run's month, a value update) without its entry, which ``check`` finds too. Numbering
the entries of a file made by the first release links them (:meth:`Journal.relink`).

>>> entry_hash("", ("e1", "2025-01-31", "Depreciation", "Run:r", None, "t", 1), [("l1", "a", 100, 0, None)])[:16]
'7f4d950e7b1059fc'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from connector.domain.errors import RuleViolation

if TYPE_CHECKING:
    from connector.store import Store


class PeriodLocked(RuleViolation):
    """An entry would be posted, or reversed, on or before the tenant's lock date."""

    def __init__(self, first: str, lock: str) -> None:
        super().__init__(
            f"cannot post or reverse anything dated {first}: the books are locked up to Settings.LockDate {lock}, "
            f"and this would touch {first[:7]} first; leave that period alone, or move the lock date back (UPDATE "
            "Settings SET LockDate = ...) first",
            table="Settings",
            column="LockDate",
        )


#: An entry as storage keeps it: JournalEntryId, Date, Memo, Source, ReversesId, TenantId; and its Sequence.
StoredEntry = tuple[Any, ...]
#: A line as storage keeps it: JournalLineId, AccountId, Debit (cents), Credit (cents), AssetId.
StoredLine = tuple[Any, ...]

ENTRY_COLUMNS = ("JournalEntryId", "Date", "Memo", "Source", "ReversesId", "TenantId", "Sequence")
LINE_COLUMNS = ("JournalLineId", "AccountId", "Debit", "Credit", "AssetId")


def entry_hash(previous: str, entry: StoredEntry, lines: Iterable[StoredLine]) -> str:
    """The Hash of an entry (its fields in :data:`ENTRY_COLUMNS` order) with its lines, after ``previous``."""
    content = json.dumps([list(entry), sorted(list(line) for line in lines)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous}\n{content}".encode()).hexdigest()


class Journal:
    """The journal tables of one connection's store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def head(self, tenant: str) -> tuple[int, str]:
        """The tenant's latest Sequence (0 for none) and Hash ('' for none)."""
        sequence, digest, _ = self._settings(tenant)
        return sequence, digest

    def _settings(self, tenant: str) -> tuple[int, str, str | None]:
        found = self.store.execute(
            "SELECT coalesce(JournalSequence, 0), coalesce(JournalHash, ''), LockDate FROM Settings_rows "
            "WHERE TenantId = ?",
            (tenant,),
        ).fetchone()
        return (found[0], found[1], found[2]) if found else (0, "", None)

    def append(self, tenant: str, entries: Sequence[tuple[StoredEntry, Sequence[StoredLine]]]) -> None:
        """Post entries of one tenant, in order: each ``(JournalEntryId, Date, Memo, Source, ReversesId)`` with its
        lines ``(JournalLineId, AccountId, Debit, Credit, AssetId)`` in stored form (cents, ISO dates)."""
        if not entries:
            return
        sequence, previous, lock = self._settings(tenant)
        if lock is not None:
            first = min(entry[1] for entry, _ in entries)
            if first <= lock:
                raise PeriodLocked(first, lock)
        entry_rows: list[tuple[Any, ...]] = []
        line_rows: list[tuple[Any, ...]] = []
        for (entry_id, day, memo, source, reverses), lines in entries:
            sequence += 1
            stored = (entry_id, day, memo, source, reverses, tenant, sequence)
            previous = entry_hash(previous, stored, lines)
            entry_rows.append((*stored, previous))
            line_rows.extend((*line[:1], entry_id, *line[1:], tenant) for line in lines)
        store = self.store
        # the store's bulk write notes its keys for the change log itself: no call into Python a row
        with store.changes.told():
            store.executemany(
                "INSERT INTO JournalEntries_rows (JournalEntryId, Date, Memo, Source, ReversesId, TenantId, Sequence, "
                "Hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                entry_rows,
            )
            store.executemany(
                "INSERT INTO JournalLines_rows (JournalLineId, JournalEntryId, AccountId, Debit, Credit, AssetId, "
                "TenantId) VALUES (?, ?, ?, ?, ?, ?, ?)",
                line_rows,
            )
        store.changes.note("JournalEntries_rows", [row[0] for row in entry_rows])
        store.changes.note("JournalLines_rows", [row[0] for row in line_rows])
        self._set_head(tenant, sequence, previous)

    def lines(self, entry_id: str) -> list[tuple[Any, ...]]:
        """The lines of an entry: (AccountId, Debit, Credit, AssetId) in stored form, in posting order."""
        return self.store.execute(
            # by the (TenantId, JournalEntryId) index: a reversal reads its entry's lines without a scan of the journal
            "SELECT AccountId, Debit, Credit, AssetId FROM JournalLines_rows WHERE TenantId = "
            "(SELECT TenantId FROM JournalEntries_rows WHERE JournalEntryId = ?1) AND JournalEntryId = ?1 "
            "ORDER BY rowid",
            (entry_id,),
        ).fetchall()

    def relink(self, tenant: str, start: int) -> None:
        """Recompute the Hash of the tenant's entries from Sequence ``start`` on, after the one before it."""
        store = self.store
        previous = (
            store.execute(
                "SELECT Hash FROM JournalEntries_rows WHERE TenantId = ? AND Sequence < ? ORDER BY Sequence DESC "
                "LIMIT 1",
                (tenant, start),
            ).get
            or ""
        )
        sequence = start - 1
        changed = []
        for entry, lines in self.chain(tenant, start):
            sequence = entry[-1]
            previous = entry_hash(previous, entry, lines)
            changed.append((previous, entry[0]))
        store.executemany("UPDATE JournalEntries_rows SET Hash = ? WHERE JournalEntryId = ?", changed)
        self._set_head(tenant, max(sequence, 0), previous)

    def chain(self, tenant: str, start: int = 1) -> Iterable[tuple[StoredEntry, list[StoredLine]]]:
        """The tenant's entries from Sequence ``start`` on, in order, each with its lines, in stored form."""
        lines: dict[str, list[StoredLine]] = {}
        for row in self.store.execute(
            "SELECT l.JournalEntryId, l.JournalLineId, l.AccountId, l.Debit, l.Credit, l.AssetId "
            "FROM JournalLines_rows AS l JOIN JournalEntries_rows AS e ON e.JournalEntryId = l.JournalEntryId "
            "WHERE e.TenantId = ? AND e.Sequence >= ?",
            (tenant, start),
        ):
            lines.setdefault(row[0], []).append(tuple(row[1:]))
        for entry in self.store.execute(
            "SELECT JournalEntryId, Date, Memo, Source, ReversesId, TenantId, Sequence FROM JournalEntries_rows "
            "WHERE TenantId = ? AND Sequence >= ? ORDER BY Sequence",
            (tenant, start),
        ):
            yield tuple(entry), lines.get(entry[0], [])

    def _set_head(self, tenant: str, sequence: int, digest: str) -> None:
        self.store.execute(
            "UPDATE Settings_rows SET JournalSequence = ?, JournalHash = ? WHERE TenantId = ?",
            (sequence, digest or None, tenant),
        )
