"""pgjdbc (DBeaver, Tableau, IntelliJ, Metabase's driver): every DatabaseMetaData method a SQL IDE calls, and each
setter type in WHERE and INSERT, checked against the register's data and ``schema/``.

The Java program (``jdbc/Conformance.java``) is compiled at test time against Debian's pgjdbc
(``libpostgresql-jdbc-java``); it prints each answer, this test reads and checks them."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import connector
from connector.bridge.server import Config
from connector.schema import TABLES
from tests.bridge.conftest import VAN, make_register, start

JAR = Path("/usr/share/java/postgresql.jar")
SOURCE = Path(__file__).parent / "jdbc" / "Conformance.java"
VAN_DATE = "2025-01-15"


def _java() -> tuple[str, str]:
    javac, java = shutil.which("javac"), shutil.which("java")
    if javac is None or java is None or not JAR.exists():
        pytest.skip("pgjdbc needs a JDK and Debian's libpostgresql-jdbc-java (CI installs both)")
    return javac, java


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, list[dict[str, str]]], Path]]:
    javac, java = _java()
    folder = tmp_path_factory.mktemp("jdbc")
    register = make_register(folder / "register.db")
    subprocess.run([javac, "-cp", str(JAR), "-d", str(folder), str(SOURCE)], check=True, capture_output=True)
    server, port = start(Config(str(register), port=0))
    try:
        url = f"jdbc:postgresql://127.0.0.1:{port}/register"
        done = subprocess.run(
            [java, "-cp", f"{JAR}:{folder}", "Conformance", url, "tester", VAN, VAN_DATE],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr[-3000:]
    found: dict[str, list[dict[str, str]]] = {}
    for line in done.stdout.splitlines():
        call, *fields = line.split("\t")
        row = dict(field.split("=", 1) for field in fields)
        found.setdefault(call, [])
        if "#rows" not in row:
            found[call].append(row)
        else:
            assert int(row["#rows"]) == len(found[call]), call
    yield found, register


def _numbers(register: Path, sql: str, *parameters: object) -> list[str]:
    con = connector.connect(str(register))
    try:
        return [row[0] for row in con.execute(sql, parameters).fetchall()]
    finally:
        con.close()


def test_metadata_of_the_database(answers) -> None:
    found, _ = answers
    assert found["product"][0]["NAME"] == "PostgreSQL" and found["product"][0]["VERSION"].startswith("15")
    assert found["keywords"][0]["KEYWORDS"]  # getSQLKeywords: PostgreSQL's words beyond SQL:2003
    assert [row["TABLE_CAT"] for row in found["catalogs"]] == ["register"]
    assert "public" in {row["TABLE_SCHEM"] for row in found["schemas"]}
    assert set(TABLES) <= {row["TABLE_NAME"] for row in found["tables"]}


def test_columns_carry_the_schema_types(answers) -> None:
    found, _ = answers
    columns = {row["COLUMN_NAME"]: row for row in found["columns"]}
    assert list(columns) == list(TABLES["Assets"].column_names)
    assert (columns["PurchasePrice"]["TYPE_NAME"], columns["PurchasePrice"]["COLUMN_SIZE"]) == ("numeric", "18")
    assert columns["PurchasePrice"]["DECIMAL_DIGITS"] == "2"
    assert columns["PurchaseDate"]["TYPE_NAME"] == "date" and columns["PurchaseDate"]["DATA_TYPE"] == "91"
    assert columns["CanRollBack"]["TYPE_NAME"] == "bool"
    assert columns["AssetId"]["NULLABLE"] == "0" and columns["Description"]["NULLABLE"] == "1"


def test_keys_and_indexes(answers) -> None:
    found, _ = answers
    table = TABLES["Assets"]
    assert [(r["COLUMN_NAME"], r["PK_NAME"]) for r in found["primaryKeys"]] == [(table.key, "Assets_pkey")]
    assert [r["COLUMN_NAME"] for r in found["bestRowIdentifier"]] == [table.key]
    indexes = {}
    for row in found["indexInfo"]:
        indexes.setdefault(row["INDEX_NAME"], []).append(row["COLUMN_NAME"])
        assert row["NON_UNIQUE"] == "false"
    assert indexes["Assets_pkey"] == [table.key]
    assert [list(group) for group in table.unique] == [v for k, v in indexes.items() if k != "Assets_pkey"]
    assert [row["COLUMN_NAME"] for row in found["versionColumns"]] == ["ctid"]  # pgjdbc's own answer


def test_foreign_keys_come_from_the_schema(answers) -> None:
    found, _ = answers
    declared = {(column.name, target, TABLES[target].key) for column, target in TABLES["Assets"].references}
    imported = {(r["FKCOLUMN_NAME"], r["PKTABLE_NAME"], r["PKCOLUMN_NAME"]) for r in found["importedKeys"]}
    assert imported == declared and all(r["FKTABLE_NAME"] == "Assets" for r in found["importedKeys"])
    exported = {(r["FKTABLE_NAME"], r["FKCOLUMN_NAME"]) for r in found["exportedKeys"]}
    referring = {(t.name, c.name) for t in TABLES.values() for c, target in t.references if target == "AssetTypes"}
    assert exported == referring
    assert [(r["PKTABLE_NAME"], r["FKTABLE_NAME"], r["FKCOLUMN_NAME"]) for r in found["crossReference"]] == [
        ("AssetTypes", "Assets", "AssetTypeId")
    ]


def test_types_functions_and_privileges(answers) -> None:
    found, _ = answers
    names = {row["TYPE_NAME"] for row in found["typeInfo"]}
    assert {"numeric", "date", "text", "bool", "int4", "int8", "float8", "timestamp"} <= names
    reports = {"TrialBalance", "DepreciationSchedule"}
    assert reports <= {row["FUNCTION_NAME"] for row in found["functions"]}
    assert found["procedures"] == []  # pgjdbc lists procedures only (prokind 'p'); reports are functions
    assert {"SELECT", "INSERT", "UPDATE", "DELETE"} <= {row["PRIVILEGE"] for row in found["tablePrivileges"]}


def test_every_setter_type_in_where(answers) -> None:
    found, register = answers

    def numbers(call: str) -> list[str]:
        return [row["ASSETNUMBER"] for row in found[call]]

    assert numbers("whereString") == [VAN]
    priced = _numbers(
        register,
        "SELECT AssetNumber FROM Assets WHERE PurchasePrice >= 1999.99 AND AssetNumber NOT LIKE 'JD-%' ORDER BY 1",
    )
    assert numbers("whereBigDecimal") == priced == [VAN, "FA-0100"]
    bought = _numbers(
        register, "SELECT AssetNumber FROM Assets WHERE PurchaseDate = ?", (dt.date.fromisoformat(VAN_DATE))
    )
    assert bought == [VAN]
    for call in ("whereDate", "whereLocalDate", "whereTimestamp", "whereLocalDateTime", "whereOffsetDateTime"):
        assert VAN in numbers(call), call  # the boundary day included, whatever the type of the value
    lived = _numbers(register, "SELECT AssetNumber FROM Assets WHERE BookDepreciationSetting_EffectiveLifeYears = 5")
    assert numbers("whereInt") == numbers("whereLong") == lived
    before = "AssetNumber NOT LIKE 'JD-%'"  # the rows the Java program saw: it inserts after its queries
    assert numbers("whereDouble") == _numbers(
        register, f"SELECT AssetNumber FROM Assets WHERE PurchasePrice > 1000.5 AND {before} ORDER BY 1"
    )
    assert numbers("whereBoolean") == _numbers(
        register, f"SELECT AssetNumber FROM Assets WHERE NOT CanRollBack AND {before} ORDER BY 1"
    )
    total = found["sum"][0]["TOTAL"]
    assert Decimal(total) == sum(Decimal(str(p)) for p in _prices_before_inserts(found, register))


def _prices_before_inserts(found, register: Path) -> list[Decimal]:
    inserted = {"JD-0001", "JD-0002", "JD-0003", "JD-0004"}
    con = connector.connect(str(register))
    try:
        rows = con.execute("SELECT AssetNumber, PurchasePrice FROM Assets").fetchall()
    finally:
        con.close()
    return [price for number, price in rows if number not in inserted and price is not None]


def test_updatable_result_set(answers) -> None:
    found, register = answers
    renamed = _numbers(register, f"SELECT AssetName FROM Assets WHERE AssetNumber = '{VAN}'")
    assert renamed == ["Corporate van (renamed)"] == [row["ASSETNAME"] for row in found["updatableResultSet"]]


def test_every_setter_type_in_insert(answers) -> None:
    found, register = answers
    con = connector.connect(str(register))
    try:
        rows = dict(
            (number, (date, price))
            for number, date, price in con.execute(
                "SELECT AssetNumber, PurchaseDate, PurchasePrice FROM Assets WHERE AssetNumber LIKE 'JD-%'"
            )
        )
    finally:
        con.close()
    assert rows == {
        "JD-0001": (dt.date(2024, 7, 1), Decimal("1234.56")),
        "JD-0002": (dt.date(2024, 7, 2), None),  # a timestamp into a date column keeps its date
        "JD-0003": (dt.date(2024, 7, 3), Decimal("10.10")),
        "JD-0004": (dt.date(2024, 7, 4), None),
    }
