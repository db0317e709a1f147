"""``assets-sql check FILE``: verify a register file, whatever wrote to it.

The register's own connections keep every row within the rules. A tool that goes round them (the ``sqlite3`` shell,
Python's ``sqlite3``, DB Browser) is stopped by the triggers on storage, unless it drops them first. This check
finds what such a tool changed, without writing to the file:

- SQLite's own ``PRAGMA integrity_check``, and the storage triggers still in place;
- every stored value against its column's type (cents, ISO dates, 0/1, the enumerations' spellings, the limits);
- every row against the rules: required columns, references to rows of the same tenant, names unique in their
  tenant, assets never disposed of, registered assets complete, a rate or a life but not both;
- every journal entry balancing, and each tenant's journal as a whole;
- every value update against the entry it posted, every registered asset's ledger account against its cost and
  value updates, and every asset's balances recomputed from its books;
- each tenant's chain of journal entries (:mod:`connector.store.journal`) and its head;
- each tenant's runs: one a month end, the latest the one ``Settings.LastDepreciationDate`` names.

Each finding is one line that names the table, the row and what differs. The tenant scope of connections does not
apply here: the check reads the whole file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import apsw

from connector import hooks
from connector.domain.errors import RegisterError
from connector.store.upgrade import COLUMNS_ADDED_SINCE, add_missing_columns
from connector.store.verify import Checker


class Uncheckable(Exception):
    """The file cannot be checked: it cannot be opened, or it is not a register of this layout."""


def check(path: str | Path, timeout: float = 5.0) -> list[str]:
    """The findings about the register in ``path`` (an empty list when it is sound). The file is opened read-only;
    ``timeout`` is how long to wait, in seconds, while another connection holds it locked (as
    :func:`connector.connect`'s: a server's session closing the file locks it for a moment)."""
    try:
        raw = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
    except apsw.Error as error:
        raise Uncheckable(f"cannot open it: {error}") from None
    raw.set_busy_timeout(int(timeout * 1000))
    try:
        version = raw.execute("PRAGMA user_version").get
        if isinstance(version, int) and version in COLUMNS_ADDED_SINCE:
            raw = _copy_in_memory(raw)
            hooks.attach(raw)
            add_missing_columns(hooks.register_of(raw).store)
        else:
            hooks.attach(raw)
            hooks.open_register(raw)  # a file of an earlier layout is refused: it cannot be upgraded read-only
        register = hooks.register_of(raw)
        return list(Checker(register).findings())
    except (apsw.Error, RegisterError) as error:
        raise Uncheckable(f"not a register this release can check: {error}") from None
    finally:
        raw.close()


def _copy_in_memory(raw: apsw.Connection) -> apsw.Connection:
    """A copy of the file in memory (the file is closed): a file of the previous release's layout is checked as it
    is, through its copy, with the columns this release adds (the file itself is never written)."""
    copy = apsw.Connection(":memory:")
    with copy.backup("main", raw, "main") as backup:
        backup.step()
    raw.close()
    return copy


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="assets-sql check",
        description="Verify a register file: SQLite's integrity, every stored value and rule, the journal and the "
        "balances, and the chain over posted journal entries. Reads the file; changes nothing.",
        epilog="Exit status: 0 when the register is sound, 1 with findings (one line each), 2 when FILE cannot be "
        "checked.",
    )
    parser.add_argument("file", help="the register file to verify")
    arguments = parser.parse_args(argv)
    if not Path(arguments.file).is_file():
        print(f"assets-sql check: {arguments.file}: no such file", file=sys.stderr)
        return 2
    try:
        findings = check(arguments.file)
    except Uncheckable as error:
        print(f"assets-sql check: {arguments.file}: {error}", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding)
    if findings:
        print(f"{len(findings)} finding(s) in {arguments.file}", file=sys.stderr)
        return 1
    print(f"{arguments.file}: the register is sound")
    return 0
