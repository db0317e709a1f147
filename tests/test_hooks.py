"""Opening files: a new or empty file becomes a register; an SQLite database of other tables is left byte for byte
as it was unless converting is asked for; importing the package changes no connection."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import apsw
import pytest

import connector
from tests.conftest import ROOT


def other_database(path: Path) -> bytes:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (number TEXT, total NUMERIC)")
    con.execute("INSERT INTO invoices VALUES ('INV-1', 120.5)")
    con.commit()
    con.close()
    return path.read_bytes()


def test_a_missing_or_empty_file_becomes_a_register(tmp_path: Path):
    missing = tmp_path / "new.db"
    con = connector.connect(str(missing))
    assert con.created and con.execute("SELECT count(*) FROM Tenants").fetchone() == (1,)
    con.close()
    again = connector.connect(str(missing))
    assert not again.created
    again.close()
    empty = tmp_path / "empty.db"
    empty.touch()
    con = connector.connect(str(empty))
    assert con.created
    con.close()


def test_a_database_of_other_tables_is_refused_and_left_byte_for_byte(tmp_path: Path):
    path = tmp_path / "invoices.db"
    before = other_database(path)
    with pytest.raises(connector.DatabaseError, match=r"1 table\(s\) of its own \(invoices\) and is not a register"):
        connector.connect(str(path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["invoices.db"]


def test_converting_keeps_the_other_tables(tmp_path: Path):
    path = tmp_path / "invoices.db"
    other_database(path)
    con = connector.connect(str(path), convert=True)
    assert con.created
    assert con.execute("SELECT number, total FROM invoices").fetchall() == [("INV-1", 120.5)]
    assert con.execute("SELECT count(*) FROM Assets").fetchone() == (0,)
    con.close()
    connector.connect(str(path)).close()  # a register now: opens without converting


def test_importing_the_package_changes_no_connection():
    program = (
        "import sys, apsw, connector.domain.money, connector\n"
        "assert 'apsw' in sys.modules or True\n"
        "raw = apsw.Connection(':memory:')\n"
        "raw.execute('CREATE TABLE t (a)')\n"
        "assert raw.execute(\"SELECT count(*) FROM sqlite_schema WHERE name = 'Assets'\").get == 0\n"
        "assert not apsw.connection_hooks\n"
    )
    subprocess.run([sys.executable, "-c", program], check=True, cwd=ROOT, timeout=60)


def test_the_domain_imports_neither_apsw_nor_sqlglot():
    program = (
        "import sys\n"
        "import connector.domain, connector.domain.tables, connector.domain.depreciation\n"
        "from connector.domain.tables import RULES\n"
        "assert len(RULES) > 0\n"
        "loaded = sorted(name for name in sys.modules if name.split('.')[0] in ('apsw', 'sqlglot'))\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", program], check=True, cwd=ROOT, timeout=60)


def test_install_equips_connections_opened_after_it(tmp_path: Path):
    program = (
        "import apsw, connector\n"
        f"connector.connect({str(tmp_path / 'r.db')!r}).close()\n"
        "connector.install()\n"
        f"raw = apsw.Connection({str(tmp_path / 'r.db')!r})\n"
        "assert raw.execute('SELECT count(*) FROM Tenants').get == 1\n"
    )
    subprocess.run([sys.executable, "-c", program], check=True, cwd=ROOT, timeout=60)
    raw = apsw.Connection(str(tmp_path / "r.db"))
    with pytest.raises(apsw.SQLError, match="no such module"):
        raw.execute("SELECT count(*) FROM Tenants")
