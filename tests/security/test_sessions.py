"""One session cannot hurt another: each runs in a process of its own, so a statement that works in Python for ever,
asks for all the memory there is, or whose client hangs up, ends within seconds, and every other session keeps
answering meanwhile. Every test here talks to a real server over 127.0.0.1, and asserts time with a margin of a few
seconds (hence the ``slow`` marker)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from connector.check import check
from tests.security.conftest import dsn, everything
from tests.security.test_bridge_limits import other_hosts, server_pss_mib, wait_for
from tests.security.wire import Wire, query

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install 'psycopg[binary]')")

pytestmark = pytest.mark.slow

MiB = 1024 * 1024
#: Work that runs in Python, where SQLite's progress handler never fires.
#: (a+)+$ no longer backtracks (the regex engine sees through it, as PostgreSQL's answers at once); (a|aa)+$ still
#: does, until its budget of work (connector.bridge.functions.REGEX_BUDGET, 5 s) or the statement's timeout ends it
BACKTRACKING = "SELECT 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' ~ '(a|aa)+$'"
ATTACKS = {
    "backtracking regular expression": BACKTRACKING,
    "a long series counted": "SELECT count(*) FROM generate_series(1, 500000000)",
    # within the statement bounds (connector.bridge.bounds), and still seconds of translation
    "an IN list of 50,000 numbers translated": 'SELECT 1 FROM "Assets" WHERE "AssetNumber" IN ('
    + ",".join(str(n) for n in range(50_000))
    + ")",
}


def attack_in_background(port: int, sql: str, timeout: str = "0") -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``sql`` in a session of its own, in a thread: what came of it lands in the dict (its SQLSTATE, when it
    ended)."""
    outcome: dict[str, Any] = {}
    ready = threading.Event()

    def run() -> None:
        with psycopg.connect(dsn(port), autocommit=True) as con:
            con.execute(f"SET statement_timeout = '{timeout}'")
            outcome["connection"] = con
            ready.set()
            outcome["started"] = time.monotonic()
            try:
                con.execute(sql).fetchall()
                outcome["sqlstate"] = None
            except psycopg.Error as error:
                outcome["sqlstate"] = error.sqlstate
                outcome["message"] = str(error)
            outcome["ended"] = time.monotonic()
            try:
                outcome["after"] = con.execute("SELECT 1").fetchone()
            except psycopg.Error as error:
                outcome["after"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    return thread, outcome


def others_keep_answering(port: int, seconds: float) -> None:
    """For ``seconds``: a session opened before keeps answering SELECT 1, and new sessions are accepted, each
    within a second."""
    with psycopg.connect(dsn(port), autocommit=True) as other:
        ends = time.monotonic() + seconds
        while time.monotonic() < ends:
            started = time.monotonic()
            assert other.execute("SELECT 1").fetchone() == (1,)
            with psycopg.connect(dsn(port)) as new:
                assert new.execute("SELECT 1").fetchone() == (1,)
            assert time.monotonic() - started < 1.5
            time.sleep(0.1)


def unchanged_and_clean(path: Path, before: dict[str, object]) -> None:
    assert everything(path) == before
    assert check(path) == []


@pytest.mark.parametrize("sql", ATTACKS.values(), ids=ATTACKS.keys())
def test_python_work_ends_at_statement_timeout_and_others_keep_answering(books: Path, serve, sql: str) -> None:
    before = everything(books)
    _, port = serve(books)
    thread, outcome = attack_in_background(port, sql, timeout="1s")
    others_keep_answering(port, 1.0)
    thread.join(10)
    assert outcome["sqlstate"] == "57014", outcome
    assert "statement timeout" in outcome["message"]
    assert outcome["ended"] - outcome["started"] < 1 + 3
    assert outcome["after"] == (1,)  # the session goes on
    unchanged_and_clean(books, before)


def test_a_cancel_request_reaches_the_session_of_its_key_only(books: Path, serve) -> None:
    before = everything(books)
    _, port = serve(books)
    canceled_thread, canceled = attack_in_background(port, BACKTRACKING)
    spared_thread, spared = attack_in_background(port, BACKTRACKING, timeout="4s")
    time.sleep(0.5)
    asked = time.monotonic()
    canceled["connection"].cancel()
    canceled_thread.join(5)
    assert canceled["sqlstate"] == "57014" and "user request" in canceled["message"], canceled
    assert canceled["ended"] - asked < 2
    assert "sqlstate" not in spared  # the other one still runs, until its own timeout
    spared_thread.join(10)
    assert spared["sqlstate"] == "57014" and "statement timeout" in spared["message"]
    unchanged_and_clean(books, before)


@pytest.mark.parametrize(
    "sql", [BACKTRACKING, ATTACKS["an IN list of 50,000 numbers translated"]], ids=["python", "translate"]
)
def test_a_session_whose_client_hangs_up_mid_python_ends(books: Path, serve, sql: str) -> None:
    before = everything(books)
    server, port = serve(books)
    wire = Wire(port)
    wire.login()
    wire.run('BEGIN; INSERT INTO "Assets" ("AssetName") VALUES (\'Orphan\')')
    wire.send(query(sql))
    time.sleep(0.5)
    assert len(server.sessions()) == 1
    wire.close()
    assert wait_for(lambda: not server.sessions(), 4) < 4
    others_keep_answering(port, 0.5)
    unchanged_and_clean(books, before)


def test_stopping_the_server_ends_every_session_within_seconds(books: Path, serve) -> None:
    before = everything(books)
    server, port = serve(books)
    threads = [attack_in_background(port, BACKTRACKING)[0] for _ in range(3)]
    time.sleep(0.5)
    sessions = server.sessions()
    assert len(sessions) == 3
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 3
    for thread in threads:
        thread.join(5)
        assert not thread.is_alive()
    assert not any(Path(f"/proc/{pid}").exists() and _alive(pid) for pid in sessions)
    unchanged_and_clean(books, before)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT length(repeat('abcdefgh', 100000000))",
        # a series no longer takes memory: it streams, until its timeout (test_bounded_values.py)
    ],
    ids=["repeat"],
)
def test_memory_is_bounded_per_session(books: Path, serve, sql: str) -> None:
    """Each session may add --session-memory to its process: beyond it the statement fails (53200, or 54000 where
    PostgreSQL refuses the value itself), that session goes on, and the server's processes stay within the bound."""
    before = everything(books)
    bound = 256 * MiB
    server, port = serve(books, session_memory=bound)
    with psycopg.connect(dsn(port), autocommit=True) as con:
        con.execute("SELECT 1")
        baseline = server_pss_mib(server.pid)
        peak = [baseline]
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                peak.append(server_pss_mib(server.pid))
                time.sleep(0.02)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            with pytest.raises(psycopg.Error) as failed:
                con.execute(sql).fetchall()
        finally:
            done.set()
            watcher.join()
        assert failed.value.sqlstate in ("53200", "54000"), failed.value
        assert con.execute("SELECT 1").fetchone() == (1,)
    assert max(peak) - baseline < bound / MiB + 32, (baseline, max(peak))
    unchanged_and_clean(books, before)


# -- connection slots -------------------------------------------------------------------------------------------


def test_one_host_holding_idle_sockets_keeps_everyone_else_in(books: Path, serve) -> None:
    """300 idle sockets from one address: it keeps 8 start-up slots and 32 clients waiting; the rest are told 53300
    at once, and clients of every other address, 127.0.0.1 included, connect as if nothing happened."""
    _, port = serve(books, auth_timeout=30)
    attacker = other_hosts(1)[0]
    refused = 0
    sockets: list[socket.socket] = []
    try:
        for _ in range(300):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(attacker, 0))
            sockets.append(sock)
        time.sleep(0.5)
        for sock in sockets:
            sock.setblocking(False)
            try:
                if sock.recv(1) == b"E":
                    refused += 1
            except BlockingIOError:
                pass
        assert refused >= 300 - 8 - 32
        others_keep_answering(port, 0.5)
    finally:
        for sock in sockets:
            sock.close()


def test_under_pressure_start_up_time_is_cut(books: Path, serve) -> None:
    """When half of the 256 start-up slots are taken (by 17 addresses, 8 each), clients starting up have 2 s, not
    the 30 s of --auth-timeout."""
    _, port = serve(books, auth_timeout=30)
    with_slots = [Wire(port, source=host) for host in other_hosts(17) for _ in range(8)]
    try:
        started = time.monotonic()
        for wire in with_slots:
            assert wire.error()["C"] == "08006"
        assert time.monotonic() - started < 2 + 3
        others_keep_answering(port, 0.2)
    finally:
        for wire in with_slots:
            wire.close()
