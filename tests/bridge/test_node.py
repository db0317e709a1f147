"""node-postgres (``pg``), as JavaScript dashboards and services use it: typed parameters (a JS ``Date`` among
them), transactions, a ``statement_timeout`` in the connection settings (node-postgres sends it in the startup
packet: the first client's 30 s never cuts a query short, the second's 300 ms cancels an endless one with 57014);
answers checked against the register."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

import connector
from connector.bridge.server import Config
from tests.bridge.conftest import VAN, make_register, start

SCRIPT = Path(__file__).parent / "node" / "conformance.js"


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node-postgres needs Node.js and npm (CI installs them)")
    folder = tmp_path_factory.mktemp("node")
    shutil.copy(SCRIPT, folder / SCRIPT.name)
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", "pg@8"], cwd=folder, check=True, capture_output=True
    )
    register = make_register(folder / "register.db")
    server, port = start(Config(str(register), port=0))
    try:
        done = subprocess.run(
            [node, SCRIPT.name, str(port), VAN, "2025-01-15"], cwd=folder, capture_output=True, text=True, timeout=120
        )
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout), register


def _numbers(register: Path, sql: str) -> list[str]:
    con = connector.connect(str(register))
    try:
        return [row[0] for row in con.execute(sql).fetchall()]
    finally:
        con.close()


def test_typed_parameters(answers) -> None:
    found, register = answers
    seen = "AssetNumber NOT LIKE 'NJ-%'"  # what the script saw before its own inserts
    assert found["text"] == [VAN]
    assert found["jsDate"] == found["jsDateFrom"] == [VAN]  # a JS Date compared with a date column, boundary included
    assert found["number"] == _numbers(
        register, f"SELECT AssetNumber FROM Assets WHERE PurchasePrice > 1000.5 AND {seen} ORDER BY 1"
    )
    assert found["integer"] == _numbers(
        register, "SELECT AssetNumber FROM Assets WHERE BookDepreciationSetting_EffectiveLifeYears = 5"
    )
    assert found["boolean"] == _numbers(
        register, f"SELECT AssetNumber FROM Assets WHERE NOT CanRollBack AND {seen} ORDER BY 1"
    )


def test_money_is_exact_numeric_and_dates_are_dates(answers) -> None:
    found, register = answers
    con = connector.connect(str(register))
    try:
        prices = [
            p for (n, p) in con.execute("SELECT AssetNumber, PurchasePrice FROM Assets") if not n.startswith("NJ-")
        ]
    finally:
        con.close()
    assert Decimal(found["sum"]) == sum(p for p in prices if p is not None) and found["sum"] == "34499.99"
    assert (found["sumType"], found["firstDateType"]) == (1700, 1082)


def test_transactions_and_rules(answers) -> None:
    found, register = answers
    assert found["insideTransaction"] == ["NJ-0001"] and found["afterRollback"] == []
    con = connector.connect(str(register))
    try:
        rows = con.execute(
            "SELECT AssetNumber, PurchaseDate, PurchasePrice FROM Assets WHERE AssetNumber LIKE 'NJ-%'"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("NJ-0002", dt.date(2024, 7, 2), Decimal("10.10"))]
    assert found["disposal"] == "0A000"


def test_statement_timeout_from_the_client_config_cancels_a_long_statement(answers) -> None:
    found, register = answers
    assert found["timeoutShown"] == "300ms"
    assert found["timeoutCode"] == "57014"
    assert 250 <= found["timeoutAfterMs"] < 5000, found["timeoutAfterMs"]
    assert found["afterTimeout"] == len(_numbers(register, "SELECT AssetNumber FROM Assets"))
