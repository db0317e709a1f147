"""The bridge's limits, each reached on purpose over the wire (raw sockets, psycopg): sessions, start-up time and
sizes, message sizes, statement, lock and idle timeouts, a client that hangs up mid-query, memory and threads under
idle and oversized clients, the translation cache. Every test is bounded and talks only to 127.0.0.1."""

from __future__ import annotations

import os
import re
import select
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from connector.bridge import translate
from tests.conftest import ROOT
from tests.security.conftest import dsn, everything
from tests.security.wire import Wire, fields, message, query, startup_packet

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install 'psycopg[binary]')")

ENDLESS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
MiB = 1024 * 1024


def insert(name: str) -> str:
    return f'INSERT INTO "Assets" ("AssetName") VALUES (\'{name}\')'


def wait_for(condition, seconds: float) -> float:
    """Poll until ``condition()`` holds; how long it took (fails the test after ``seconds``)."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, f"not within {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - start


# -- sessions --------------------------------------------------------------------------------------------------


def test_sessions_beyond_max_connections_get_53300(books: Path, serve) -> None:
    server, port = serve(books, max_connections=3)
    with ExitStack() as stack:
        sessions = [stack.enter_context(psycopg.connect(dsn(port))) for _ in range(3)]
        with Wire(port) as wire:
            with pytest.raises(PermissionError) as refused:
                wire.login()
            assert refused.value.args[0]["C"] == "53300"
            assert "too many clients" in refused.value.args[0]["M"]
        with pytest.raises(psycopg.OperationalError, match="too many clients"):
            psycopg.connect(dsn(port))
        sessions.pop().close()
        wait_for(lambda: len(server.sessions()) < 3, 5)
        with psycopg.connect(dsn(port)) as again:
            assert again.execute("SELECT 1").fetchone() == (1,)


def test_forty_sessions_at_once(books: Path, serve) -> None:
    """More than the 33 register connections a process once could hold."""
    _, port = serve(books)
    with ExitStack() as stack:
        sessions = [stack.enter_context(psycopg.connect(dsn(port))) for _ in range(40)]
        assert [s.execute('SELECT count(*) FROM "Assets"').fetchone() for s in sessions] == [(2,)] * 40


# -- start-up and authentication --------------------------------------------------------------------------------


def test_trickling_clients_are_cut_off_within_10_s(books: Path, serve) -> None:
    """One byte every 2 s, of the startup packet or of the SCRAM answer: the server stops waiting after 10 s in all,
    and serves everyone else meanwhile."""
    _, port = serve(books, password="s3cret")
    results: dict[str, float] = {}

    def trickle(name: str, payload: bytes, *, after_startup: bool) -> None:
        with Wire(port, timeout=30) as wire:
            started = time.monotonic()
            if after_startup:
                assert wire.start()[0] == 10
            for byte in payload:
                wire.send(bytes([byte]))
                readable, _, _ = select.select([wire.sock], [], [], 2)  # the server's answer, or its goodbye
                if readable:
                    break
            assert wire.closed()
            results[name] = time.monotonic() - started

    sasl = message(b"p", b"SCRAM-SHA-256\x00" + struct.pack(">i", 20) + b"n,,n=,r=abcdefghijkl")
    threads = [
        threading.Thread(target=trickle, args=("startup", startup_packet()), kwargs={"after_startup": False}),
        threading.Thread(target=trickle, args=("scram", sasl), kwargs={"after_startup": True}),
    ]
    for thread in threads:
        thread.start()
    time.sleep(1)
    with psycopg.connect(dsn(port, password="s3cret")) as con:  # not held up by the tricklers
        assert con.execute("SELECT 1").fetchone() == (1,)
    for thread in threads:
        thread.join(timeout=40)
    assert set(results) == {"startup", "scram"}
    assert all(seconds < 13 for seconds in results.values()), results  # 10 s, and some slack


@pytest.mark.parametrize(
    "before",
    [
        b"",  # the startup packet itself
        b"after startup",  # a password message
    ],
)
def test_messages_before_authentication_are_64_kib_at_most(books: Path, serve, before: bytes) -> None:
    _, port = serve(books, password="s3cret")
    for declared in (256 * MiB, 64 * 1024 + 5):
        with Wire(port) as wire:
            if before:
                assert wire.start()[0] == 10
                wire.send(b"p" + struct.pack(">i", declared))
            else:
                wire.send(struct.pack(">i", declared) + struct.pack(">i", 196608))
            error = wire.error()  # at once: the length is read before any of the body
            assert error["S"] == "FATAL" and error["C"] == "08P01" and "length" in error["M"]
            assert wire.closed()


def test_an_oversized_message_after_authentication_is_refused_and_the_session_goes_on(books: Path, serve) -> None:
    _, port = serve(books, max_message=1 * MiB)
    big = "SELECT '" + "x" * (2 * MiB) + "'"
    with Wire(port) as wire:
        wire.login()
        replies = wire.run(big)  # a simple Query
        assert [kind for kind, _ in replies] == [b"E", b"Z"]
        assert fields(replies[0][1])["C"] == "54000"
        wire.send(message(b"P", b"\x00" + big.encode() + b"\x00\x00\x00") + message(b"B", b"\x00\x00" + b"\x00" * 6))
        wire.send(message(b"E", b"\x00\x00\x00\x00\x00") + message(b"S", b""))
        replies = wire.until(b"Z")  # the oversized Parse is refused, the rest skipped until Sync
        assert [kind for kind, _ in replies] == [b"E", b"Z"] and fields(replies[0][1])["C"] == "54000"
        assert wire.run("SELECT 1")[-2][0] == b"C"
    with psycopg.connect(dsn(port), autocommit=True) as con:
        with pytest.raises(psycopg.errors.ProgramLimitExceeded, match="message too long"):
            con.execute(big)
        assert con.execute("SELECT 1").fetchone() == (1,)


# -- timeouts ---------------------------------------------------------------------------------------------------


def test_statement_timeout_ends_a_statement_with_57014(books: Path, serve) -> None:
    _, port = serve(books)
    with psycopg.connect(dsn(port), autocommit=True) as con:
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            con.execute("SET statement_timeout = 'soon'")
        con.execute("SET statement_timeout = 300")
        assert con.execute("SHOW statement_timeout").fetchone() == ("300ms",)
        started = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled, match="statement timeout"):
            con.execute(ENDLESS)
        assert time.monotonic() - started < 3
        con.execute("SET statement_timeout = 0")
        assert con.execute('SELECT count(*) FROM "Assets"').fetchone() == (2,)


def test_statement_timeout_in_the_startup_packet(books: Path, serve) -> None:
    """node-postgres sends statement_timeout as a startup parameter; libpq clients as -c in options."""
    _, port = serve(books)
    for settings in ({"statement_timeout": "300"}, {"options": "-c statement_timeout=300"}):
        with Wire(port) as wire:
            wire.login(**settings)
            replies = wire.run(ENDLESS)
            errors = [fields(body) for kind, body in replies if kind == b"E"]
            assert [error["C"] for error in errors] == ["57014"] and "statement timeout" in errors[0]["M"]


def test_the_servers_statement_timeout_is_every_sessions_default(books: Path, serve) -> None:
    _, port = serve(books, statement_timeout=0.3)
    with psycopg.connect(dsn(port)) as con:
        assert con.execute("SHOW statement_timeout").fetchone() == ("300ms",)
        with pytest.raises(psycopg.errors.QueryCanceled, match="statement timeout"):
            con.execute(ENDLESS)
        con.rollback()
        assert con.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.parametrize("reset", [False, True], ids=["closed", "reset"])
def test_a_query_whose_client_hung_up_is_interrupted(books: Path, serve, reset: bool) -> None:
    """The client holds the write lock and runs an endless query, then goes away: within a second the query is
    interrupted, its session closed and its transaction rolled back, so the next writer does not wait."""
    before = everything(books)
    server, port = serve(books)
    wire = Wire(port)
    wire.login()
    assert [kind for kind, _ in wire.run("BEGIN; " + insert("Orphan"))][-1] == b"Z"
    wire.send(query(ENDLESS))
    time.sleep(0.5)
    assert len(server.sessions()) == 1
    if reset:  # as when the client's machine drops the connection, rather than the client closing it
        wire.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    wire.close()
    assert wait_for(lambda: not server.sessions(), 3) < 3
    assert everything(books) == before
    with psycopg.connect(dsn(port), autocommit=True) as con:
        con.execute("SET lock_timeout = '1s'")
        con.execute(insert("Next"))
        assert con.execute('SELECT count(*) FROM "Assets" WHERE "AssetName" = \'Orphan\'').fetchone() == (0,)


def test_lock_timeout_is_how_long_a_write_waits(books: Path, serve) -> None:
    _, port = serve(books)
    with psycopg.connect(dsn(port), autocommit=True) as holder, psycopg.connect(dsn(port), autocommit=True) as other:
        assert other.execute("SHOW lock_timeout").fetchone() == ("5s",)
        holder.execute("BEGIN")
        holder.execute(insert("Held"))
        other.execute("SET lock_timeout = '200ms'")
        started = time.monotonic()
        with pytest.raises(psycopg.errors.LockNotAvailable):
            other.execute(insert("Impatient"))
        assert time.monotonic() - started < 3
        other.execute("RESET lock_timeout")  # 5 s: long enough for the holder to finish
        threading.Timer(0.5, lambda: holder.execute("COMMIT")).start()
        other.execute(insert("Patient"))
        names = {row[0] for row in other.execute('SELECT "AssetName" FROM "Assets"')}
        assert {"Held", "Patient"} <= names and "Impatient" not in names


def test_statement_timeout_covers_waiting_for_the_lock(books: Path, serve) -> None:
    _, port = serve(books)
    with psycopg.connect(dsn(port), autocommit=True) as holder, psycopg.connect(dsn(port), autocommit=True) as other:
        holder.execute("BEGIN")
        holder.execute(insert("Held"))
        other.execute("SET lock_timeout = 0")  # wait for the lock as long as it takes ...
        other.execute("SET statement_timeout = '300ms'")  # ... within the statement's time
        started = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled, match="statement timeout"):
            other.execute(insert("Impatient"))
        assert time.monotonic() - started < 3
        holder.execute("COMMIT")


def test_idle_sessions_are_closed(books: Path, serve) -> None:
    server, port = serve(books, idle_timeout=1)
    with Wire(port) as wire:
        wire.login()
        started = time.monotonic()
        error = wire.error()
        assert error["S"] == "FATAL" and error["C"] == "57P05" and time.monotonic() - started < 3
        assert wire.closed()
    with psycopg.connect(dsn(port)) as con:
        con.execute("SELECT 1")
        time.sleep(2)
        with pytest.raises(psycopg.OperationalError):
            con.execute("SELECT 1")
    wait_for(lambda: not server.sessions(), 3)


# -- memory and threads -----------------------------------------------------------------------------------------


def _status(pid: int) -> dict[str, int]:
    text = Path(f"/proc/{pid}/status").read_text()
    return {key: int(re.search(rf"^{key}:\s+(\d+)", text, re.M).group(1)) for key in ("VmRSS", "Threads")}


def server_pss_mib(pid: int) -> float:
    """The proportional set size of a server's process and its sessions' processes, in MiB."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0
    for process in [str(pid), *children]:
        try:
            text = Path(f"/proc/{process}/smaps_rollup").read_text()
        except OSError:  # a session that has just ended
            continue
        total += int(re.search(r"^Pss:\s+(\d+)", text, re.M).group(1))
    return total / 1024


def other_hosts(count: int) -> list[str]:
    """Loopback addresses other than 127.0.0.1, each standing for another host."""
    return [f"127.0.0.{2 + number}" for number in range(count)]


@pytest.fixture
def server_process(books: Path) -> Iterator[tuple[int, int]]:
    """``assets-sql serve`` in a process of its own, with a password: (its pid, its port)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "connector.shell", "serve", str(books), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "ASSETS_SQL_PASSWORD": "s3cret"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        port = int(re.search(r":(\d+) ", line).group(1))
        yield process.pid, port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS and threads from /proc")
def test_idle_and_oversized_clients_cost_no_thread_and_little_memory(server_process: tuple[int, int]) -> None:
    """200 idle unauthenticated sockets (from 25 addresses, 8 each), 4 clients declaring 256 MiB before
    authentication and 4 after it: the server's processes grow by less than 100 MiB (proportional set size) and its
    own process starts no thread for any of them, and it still serves a real client."""
    pid, port = server_process
    with psycopg.connect(dsn(port, password="s3cret")) as con:  # warm up: a session has run once
        con.execute('SELECT count(*) FROM "Assets"').fetchone()
    time.sleep(0.5)
    before, pss_before = _status(pid), server_pss_mib(pid)
    with ExitStack() as stack:
        idle = [stack.enter_context(Wire(port, source=host)) for host in other_hosts(25) for _ in range(8)]
        for number, wire in enumerate(idle):
            if number % 2:
                wire.send(startup_packet()[:7])  # half a startup packet
        for number in range(4):  # before authentication: refused at the length
            wire = stack.enter_context(Wire(port))
            wire.send(struct.pack(">ii", 256 * MiB, 196608) if number % 2 else startup_packet())
            if not number % 2:
                assert wire.message()[0] == b"R"  # asked for SCRAM
                wire.send(b"p" + struct.pack(">i", 256 * MiB))
            assert wire.error()["C"] == "08P01"
        for _ in range(4):  # after authentication: read and thrown away, never held
            wire = stack.enter_context(Wire(port))
            wire.login(password="s3cret")
            wire.send(b"Q" + struct.pack(">i", 256 * MiB) + b"x" * (16 * MiB))
        with psycopg.connect(dsn(port, password="s3cret")) as con:
            assert con.execute('SELECT count(*) FROM "Assets"').fetchone() == (2,)
        during, pss_during = _status(pid), server_pss_mib(pid)
    grown = pss_during - pss_before
    assert grown < 100, f"the server grew by {grown:.0f} MiB"
    assert during["Threads"] == before["Threads"] == 1, (before, during)  # sessions are processes


# -- caches -----------------------------------------------------------------------------------------------------


def test_the_translation_cache_is_bounded_in_bytes(books: Path, serve) -> None:
    """Each session's process has a cache of its own, filled as this process's is here."""
    _, port = serve(books)
    with psycopg.connect(dsn(port), autocommit=True) as con:
        for number in range(60):
            statement = f"SELECT {number}, '" + "x" * 400_000 + "'"
            assert con.execute(statement).fetchone()[0] == number
            translate.translate(statement)
    kept = translate.translate.cache
    assert kept.size <= 16 * MiB and len(kept) < 60


def test_statements_nest_as_deep_as_in_process_and_deeper_is_54001(books: Path, serve) -> None:
    """200 levels of parentheses read as on every other road (the translation used to run out of recursion near
    100, XX000); beyond the front door's limit PostgreSQL's statement_too_complex, with the register's message, and
    the session goes on. Over the simple and the extended protocol, read and written."""
    from connector.sql.limits import MAX_NESTING

    before = everything(books)
    _, port = serve(books)

    def nested(depth: int, inner: str) -> str:
        return "(" * depth + inner + ")" * depth

    with psycopg.connect(dsn(port), autocommit=True) as con:
        assert con.execute(f"SELECT {nested(200, '1')}").fetchone() == (1,)
        assert con.execute(f"SELECT {nested(MAX_NESTING, '1')}", prepare=True).fetchone() == (1,)
        found = f'SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" = {nested(200, "%s")}'
        assert con.execute(found, ("FA-0042",)).fetchall() == [("FA-0042",)]
        assert con.execute(f'UPDATE "Assets" SET "Description" = {nested(200, "%s")} WHERE false', ("x",)).rowcount == 0
        too_deep = nested(MAX_NESTING + 1, "1")
        for sql in (
            f"SELECT {too_deep}",
            f'UPDATE "Assets" SET "Description" = {too_deep}',
            f"SELECT {nested(5000, '1')}",
        ):
            for prepare in (False, True):
                with pytest.raises(psycopg.Error) as refused:
                    con.execute(sql, prepare=prepare)
                assert refused.value.sqlstate == "54001", refused.value
                assert f"at most {MAX_NESTING}" in refused.value.diag.message_primary
            assert con.execute("SELECT 1").fetchone() == (1,)
    assert everything(books) == before
