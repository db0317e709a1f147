"""Sixteen clients reading and writing for 20 s with the server's default settings: no write fails for want of the
lock (55P03), and none is lost: what each client saw committed is exactly what the register holds afterwards."""

from __future__ import annotations

import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

import connector
from connector.bridge.server import Config
from tests.bridge.conftest import make_register, start

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install 'psycopg[binary]')")

CLIENTS = 16
SECONDS = 20.0
SHARED = "SHARED"  # a draft every client adds to the price of, one at a time


def test_sixteen_clients_read_and_write_for_20_s(tmp_path: Path) -> None:
    path = make_register(tmp_path / "register.db")
    con = connector.connect(str(path))
    con.execute("INSERT INTO Assets (AssetName, AssetNumber, PurchasePrice) VALUES ('Shared', ?, 0)", (SHARED,))
    con.commit()
    con.close()
    server, port = start(Config(str(path), port=0))
    dsn = f"host=127.0.0.1 port={port} dbname=register user=tester connect_timeout=10"
    inserted: Counter[int] = Counter()
    increments: Counter[int] = Counter()
    errors: list[str] = []
    stop = time.monotonic() + SECONDS

    def client(number: int) -> None:
        """Three kinds of work in turn: autocommit writes, a block that reads first and then writes (psycopg's
        default), and a block that writes and is rolled back."""
        step = 0
        try:
            with psycopg.connect(dsn, autocommit=True) as auto, psycopg.connect(dsn) as blocks:
                while time.monotonic() < stop:
                    step += 1
                    kind = step % 3
                    try:
                        if kind == 0:
                            auto.execute(
                                'INSERT INTO "Assets" ("AssetName", "AssetNumber") VALUES (%s, %s)',
                                (f"client {number}", f"C{number:02}-{step:05}"),
                            )
                            inserted[number] += 1
                            auto.execute('SELECT count(*) FROM "Assets" WHERE "AssetStatus" = \'Draft\'').fetchone()
                        elif kind == 1:
                            blocks.execute('SELECT "PurchasePrice" FROM "Assets" WHERE "AssetNumber" = %s', (SHARED,))
                            blocks.execute(
                                'UPDATE "Assets" SET "PurchasePrice" = "PurchasePrice" + 1 WHERE "AssetNumber" = %s',
                                (SHARED,),
                            )
                            blocks.execute(
                                'INSERT INTO "Assets" ("AssetName", "AssetNumber") VALUES (%s, %s)',
                                (f"client {number}", f"C{number:02}-{step:05}"),
                            )
                            blocks.commit()
                            inserted[number] += 1
                            increments[number] += 1
                        else:
                            blocks.execute(
                                'INSERT INTO "Assets" ("AssetName", "AssetNumber") VALUES (%s, %s)',
                                (f"client {number}", f"R{number:02}-{step:05}"),
                            )
                            blocks.execute('SELECT count(*) FROM "Assets"').fetchone()
                            blocks.rollback()
                    except psycopg.Error as error:
                        errors.append(f"client {number}, step {step}: {error.sqlstate} {error}")
                        blocks.rollback()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(f"client {number}: {error!r}")

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 60)
    finally:
        server.stop()
    assert not errors, f"{len(errors)} errors, the first: {errors[:3]}"
    con = connector.connect(str(path))
    rows = con.execute("SELECT AssetName, count(*) FROM Assets WHERE AssetName LIKE 'client %' GROUP BY 1").fetchall()
    price = con.execute("SELECT PurchasePrice FROM Assets WHERE AssetNumber = ?", (SHARED,)).fetchone()[0]
    rolled_back = con.execute("SELECT count(*) FROM Assets WHERE AssetNumber LIKE 'R%'").fetchone()[0]
    con.close()
    assert dict(rows) == {f"client {number}": count for number, count in inserted.items()}
    assert price == Decimal(sum(increments.values()))
    assert rolled_back == 0
    assert sum(inserted.values()) > CLIENTS  # every client got work done
