"""A bridge server on 127.0.0.1 (a free port) over a real register file, for real clients to talk to."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import connector
from connector.bridge.server import Config, Server

VAN = "FA-0042"


def make_register(path: Path) -> Path:
    con = connector.connect(str(path))
    con.execute(
        "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears) "
        "VALUES ('Vehicles', 'StraightLine', 'FullMonth', 5)"
    )
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Corporate van', ?)", (VAN,))
    con.execute(
        "UPDATE Assets SET AssetTypeId = (SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = 'Vehicles'), "
        "PurchaseDate = '2025-01-15', PurchasePrice = 32500.00, "
        "BookDepreciationSetting_DepreciationStartDate = '2025-01-15', AssetStatus = 'Registered' "
        "WHERE AssetNumber = ?",
        (VAN,),
    )
    con.execute("INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('Laptop', 'FA-0100', 1999.99)")
    con.commit()
    con.close()
    return path


@pytest.fixture(scope="module")
def register_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_register(tmp_path_factory.mktemp("bridge") / "register.db")


def start(config: Config) -> tuple[Server, int]:
    server = Server(config)
    _, port = server.start()
    return server, port


@pytest.fixture(scope="module")
def port(register_file: Path) -> Iterator[int]:
    server, port = start(Config(str(register_file), port=0))
    yield port
    server.stop()


@pytest.fixture(scope="module")
def dsn(port: int) -> str:
    return f"host=127.0.0.1 port={port} dbname=register user=tester connect_timeout=10"


def need(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        pytest.skip(f"{program} is not installed (CI installs it: apt-get install postgresql-client)")
    return found
