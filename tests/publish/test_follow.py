"""``assets-sql publish --follow``: a write visible in PostgreSQL within a second; a publisher killed at random points
of a stream of writes (and PostgreSQL restarted once) resumes with nothing lost and nothing applied twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

import connector
from connector.publish.publisher import Publisher
from tests.helpers import ROOT
from tests.publish.conftest import Postgres
from tests.publish.test_publish import add, assert_published, publish, two_tenants


def follower(path: Path, url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "connector.shell", "publish", str(path), url, "--follow", "--interval", "0.05"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, timeout: float = 60.0) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError("timed out")
        time.sleep(0.02)
    return time.monotonic() - started


def published_count(dsn: str, sql: str, *bindings: object) -> int:
    try:
        with psycopg.connect(dsn) as con:
            return int(con.execute(sql, bindings).fetchone()[0])
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        return -1


@pytest.mark.slow
def test_a_small_write_is_visible_within_a_second(tmp_path, postgres: Postgres, database: str):
    path = tmp_path / "register.db"
    two_tenants(path)
    dsn = postgres.dsn(database)
    process = follower(path, postgres.url(database))
    sql = 'SELECT count(*) FROM assets_sql."Assets" WHERE "AssetNumber" = %s'
    try:
        wait_for(lambda: published_count(dsn, 'SELECT count(*) FROM assets_sql."_Publications"') == 1)
        con = connector.connect(str(path), autocommit=True)
        lags = []
        for number in range(5):
            con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Small', ?)", (f"S-{number}",))
            wanted = f"S-{number}"
            lags.append(wait_for(lambda wanted=wanted: published_count(dsn, sql, wanted) == 1, timeout=10))
        con.close()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert max(lags) < 1.0, lags
    assert_published(path, dsn)


def write_one(con: connector.Connection, rng: random.Random, step: int) -> None:
    """One write of a random kind: new assets, an update, a draft deleted, a value update, a run or its rollback."""
    kind = rng.choice(["asset", "assets", "update", "draft", "value", "run", "rollback"])
    if kind == "asset":
        add(con, f"F-{step}", price=f"{rng.randint(100, 99999)}.{rng.randint(0, 99):02d}", start="2024-08-01")
    elif kind == "assets":
        con.execute(
            "INSERT INTO Assets (AssetName, AssetNumber) VALUES "
            + ", ".join(f"('Batch', 'B-{step}-{n}')" for n in range(rng.randint(2, 30)))
        )
    elif kind == "update":
        con.execute(
            "UPDATE Assets SET Description = ? WHERE AssetId IN (SELECT AssetId FROM Assets ORDER BY random() LIMIT 3)",
            (f"step {step}",),
        )
    elif kind == "draft":
        con.execute(
            "DELETE FROM Assets WHERE AssetId IN (SELECT AssetId FROM Assets WHERE AssetStatus = 'Draft' "
            "ORDER BY random() LIMIT 2)"
        )
    elif kind == "value":
        con.execute(
            "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date) "
            "SELECT AssetNumber, 'IMPROVEMENT', 10, 'CASH', '2024-12-15' FROM Assets WHERE AssetStatus = 'Registered' "
            "ORDER BY random() LIMIT 1"
        )
    elif kind == "run":
        found = con.execute("SELECT ThroughDate FROM DepreciationRuns ORDER BY ThroughDate DESC LIMIT 1").fetchone()
        last = found[0] if found else None
        month = 7 if last is None else min(last.month + 1, 12)
        if last is None or last.month < 12:
            con.execute(
                "INSERT INTO DepreciationRuns (ThroughDate) VALUES (date(?, 'start of month', '+1 month', '-1 day'))",
                (f"2024-{month:02d}-01",),
            )
    elif kind == "rollback":
        con.execute(
            "DELETE FROM DepreciationRuns WHERE RunId = (SELECT RunId FROM DepreciationRuns ORDER BY ThroughDate DESC "
            "LIMIT 1) AND ThroughDate > '2024-06-30'"
        )


@pytest.mark.slow
def test_a_publisher_killed_anywhere_resumes_with_nothing_lost_and_nothing_twice(
    tmp_path, postgres: Postgres, database: str
):
    path = tmp_path / "register.db"
    first, second = two_tenants(path)
    url, dsn = postgres.url(database), postgres.dsn(database)
    publish(path, url)
    with psycopg.connect(dsn, autocommit=True) as con:  # every move of LastChange, as PostgreSQL committed it
        con.execute("CREATE TABLE moves (id bigserial, before bigint, after bigint)")
        con.execute(
            "CREATE FUNCTION note_move() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            'INSERT INTO moves (before, after) VALUES (OLD."LastChange", NEW."LastChange"); RETURN NEW; END $$'
        )
        con.execute(
            'CREATE TRIGGER note_move AFTER UPDATE ON assets_sql."_Publications" FOR EACH ROW EXECUTE FUNCTION '
            "note_move()"
        )
        start = con.execute('SELECT "LastChange" FROM assets_sql."_Publications"').fetchone()[0]
    rng = random.Random(20261207)
    writers = [connector.connect(str(path), autocommit=True, tenant=tenant) for tenant in (first, second)]
    process = follower(path, url)
    kills, step = 0, 0
    try:
        for segment in range(7):  # each follower killed at a random moment, after a random stream of writes
            before = published_count(dsn, "SELECT count(*) FROM moves")
            ends = time.monotonic() + rng.uniform(1.0, 4.0)
            give_up = time.monotonic() + 300
            # at a random moment, once this follower has applied something (it takes seconds to start under load)
            while time.monotonic() < ends or published_count(dsn, "SELECT count(*) FROM moves") <= before:
                assert time.monotonic() < give_up, "the follower applied nothing"
                write_one(rng.choice(writers), rng, step)
                step += 1
                time.sleep(rng.uniform(0, 0.03))
            if segment == 3:
                postgres.restart()
                continue
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            kills += 1
            process = follower(path, url)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        for writer in writers:
            writer.close()
    publish(path, url)  # catch up, and exit
    assert kills == 6
    assert_published(path, dsn)
    with psycopg.connect(dsn) as con:
        moves = con.execute("SELECT before, after FROM moves ORDER BY id").fetchall()
        newest = con.execute('SELECT "LastChange" FROM assets_sql."_Publications"').fetchone()[0]
    assert len(moves) >= 7  # each follower applied changes before it was killed
    position = start
    for before, after in moves:  # each range of changes applied once, in order, none skipped
        assert before == position and after >= before
        position = after
    assert position == newest


def test_two_publishers_of_one_register_at_once_apply_each_change_once(tmp_path, postgres: Postgres, database: str):
    path = tmp_path / "register.db"
    two_tenants(path)
    url = postgres.url(database)
    Publisher(path, url).cycle()
    failures: list[BaseException] = []
    stop = threading.Event()

    def publishing() -> None:
        publisher = Publisher(path, url)
        try:
            while not stop.is_set():
                publisher.cycle()
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)
        finally:
            publisher.close()

    threads = [threading.Thread(target=publishing) for _ in range(2)]
    for thread in threads:
        thread.start()
    con = connector.connect(str(path), autocommit=True)
    for number in range(40):
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Raced', ?)", (f"R-{number}",))
    con.close()
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    Publisher(path, url).cycle()
    assert_published(path, postgres.dsn(database))
