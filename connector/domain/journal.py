"""The rules of the journal's tables, JournalEntries and JournalLines: read-only. A posted entry is never edited,
only reversed by a new one; the writes that post them are the value updates' and the assets'."""

from __future__ import annotations

from connector.domain.errors import NotSupported
from connector.domain.tables import Rules


class JournalRules(Rules):
    def check_writable(self) -> None:
        raise NotSupported(
            f"{self.table.name} is read-only: posted entries are never edited; record, change or delete the value "
            "update (or change the asset) that posted them",
            table=self.table.name,
        )
