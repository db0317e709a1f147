"""Bounded work per statement: what a statement costs to read and translate is bounded before sqlglot reads it
(connector.bridge.bounds), so each shape a client can make a statement of (wide, long lists, many literals, deep,
long strings, many statements in one message) ends with its SQLSTATE or its answer within the session's memory,
while another session keeps answering and the register stays as it was. Over a real server, with psycopg and raw
protocol messages; times are asserted with margins of seconds (hence the ``slow`` marker)."""

from __future__ import annotations

import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from connector.bridge import bounds, cache, translate
from connector.bridge.server import default_max_message
from connector.sql.limits import MAX_NESTING
from tests.security.conftest import dsn, everything
from tests.security.test_bridge_limits import server_pss_mib
from tests.security.wire import Wire, fields, query

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install 'psycopg[binary]')")

pytestmark = pytest.mark.slow

MiB = 1024 * 1024
#: The session memory the servers here run with: 114,688 tokens a statement, messages of 8 MiB.
SESSION_MEMORY = 256 * MiB
TOKENS = int(SESSION_MEMORY * bounds.SHARE) // bounds.BYTES_PER_TOKEN
ASSETS_IN = 'SELECT 1 FROM "Assets" WHERE "AssetNumber" IN ('

#: Statements of about 6 MiB (under the 8 MiB messages of a 256 MiB session) that cost memory per token, or depth.
HOSTILE = {
    "wide select list": ("SELECT " + ",".join(["1"] * 3_000_000), "54000"),
    "long IN list of numbers": (ASSETS_IN + ",".join(["1"] * 3_000_000) + ")", "54000"),
    "long IN list of strings": (ASSETS_IN + ",".join(["'FA-0042'"] * 600_000) + ")", "54000"),
    "long ARRAY": ("SELECT cardinality(ARRAY[" + ",".join(["7"] * 3_000_000) + "])", "54000"),
    "many VALUES rows": ("SELECT count(*) FROM (VALUES " + ",".join(["(1)"] * 1_500_000) + ") v", "54000"),
    "many literals in one sum": ("SELECT " + "+".join(["1"] * 3_000_000), "54001"),
    "deep parentheses": ("SELECT " + "(" * 3_000_000 + "1" + ")" * 3_000_000, "54001"),
    "deep CASE": ("SELECT " + "CASE WHEN true THEN " * 250_000 + "1" + " END" * 250_000, "54001"),
    "a chain of unary minus": ("SELECT " + "- " * 3_000_000 + "1", "54001"),
    "a chain of NOT": ("SELECT " + "NOT " * 1_500_000 + "true", "54001"),
}


@contextmanager
def peak_growth(pid: int) -> Iterator[Callable[[], float]]:
    """The largest growth of a server's processes (proportional set size, MiB) while the block runs."""
    baseline = server_pss_mib(pid)
    peak = [baseline]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak.append(server_pss_mib(pid))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield lambda: max(peak) - baseline
    finally:
        done.set()
        watcher.join()


def keeps_answering(port: int, stop: threading.Event, failures: list[str]) -> None:
    """Until ``stop``: another session answers SELECT 1, each within 1.5 s."""
    with psycopg.connect(dsn(port), autocommit=True) as other:
        while not stop.is_set():
            started = time.monotonic()
            if other.execute("SELECT 1").fetchone() != (1,) or time.monotonic() - started > 1.5:
                failures.append(f"SELECT 1 took {time.monotonic() - started:.1f} s")
            time.sleep(0.05)


@contextmanager
def another_session(port: int) -> Iterator[None]:
    stop, failures = threading.Event(), []
    thread = threading.Thread(target=keeps_answering, args=(port, stop, failures), daemon=True)
    thread.start()
    time.sleep(0.3)
    try:
        yield
    finally:
        stop.set()
        thread.join(10)
    assert not failures, failures
    assert not thread.is_alive()


def test_the_default_message_and_token_bounds_follow_session_memory() -> None:
    assert default_max_message(512 * MiB) == 16 * MiB
    assert default_max_message(SESSION_MEMORY) == 8 * MiB
    assert TOKENS == 114_688
    assert bounds.max_tokens() == 229_376  # this process's: a session's of 512MB
    assert bounds.scan("SELECT 1 " + "/* x */ " * 1000 + "'" + "a" * 100_000 + "'").tokens == 3


@pytest.mark.parametrize("shape", HOSTILE, ids=HOSTILE)
def test_a_statement_too_large_or_too_deep_ends_at_once_with_its_sqlstate(books: Path, serve, shape: str) -> None:
    """Each statement is refused before sqlglot reads any of it: within seconds, the session's process growing by
    a few MiB (it took 500 to 1,300 bytes a token: 1 GB and more for these), over the simple and the extended
    protocol; the session goes on, another one answers meanwhile, and nothing is written."""
    sql, sqlstate = HOSTILE[shape]
    assert len(sql.encode()) < default_max_message(SESSION_MEMORY)
    before = everything(books)
    server, port = serve(books, session_memory=SESSION_MEMORY)
    with psycopg.connect(dsn(port), autocommit=True) as con, another_session(port):
        con.execute("SELECT 1")
        for prepare in (False, True):
            with peak_growth(server.pid) as grown:
                started = time.monotonic()
                with pytest.raises(psycopg.Error) as refused:
                    con.execute(sql, prepare=prepare)
                took = time.monotonic() - started
            assert refused.value.sqlstate == sqlstate, refused.value
            message = refused.value.diag.message_primary or ""
            if sqlstate == "54000":
                assert f"more than {TOKENS} tokens" in message, message
                assert "--session-memory" in (refused.value.diag.message_hint or "")
            else:
                assert f"at most {MAX_NESTING}" in message or f"at most {bounds.MAX_CHAIN}" in message, message
            assert took < 10, took
            assert grown() < 64, f"the server grew by {grown():.0f} MiB"
            assert con.execute("SELECT 1").fetchone() == (1,)
    assert everything(books) == before


def test_a_statement_just_within_the_bound_is_read_within_the_sessions_memory(books: Path, serve) -> None:
    """An IN list of strings just under the token bound (the costliest shape measured, about 1,600 bytes a token)
    is read and answered, the server's processes growing by less than the session's memory."""
    before = everything(books)
    server, port = serve(books, session_memory=SESSION_MEMORY)
    sql = ASSETS_IN + ",".join(["'FA-0042'"] * ((TOKENS - 16) // 2)) + ")"
    assert bounds.scan(sql).tokens <= TOKENS
    with psycopg.connect(dsn(port), autocommit=True) as con, another_session(port):
        with peak_growth(server.pid) as grown:
            assert con.execute(sql).fetchall() == [(1,)]  # the session's tenant's FA-0042
        assert grown() < SESSION_MEMORY / MiB, f"the server grew by {grown():.0f} MiB"
    assert everything(books) == before


def test_a_long_string_literal_is_cheap_per_byte_and_not_refused(books: Path, serve) -> None:
    """A 7 MiB text, within the default message of a 256 MiB session: selected, and inserted (then rolled back),
    costing a few bytes per byte (it cost about 200 before the bounds: 1.4 GB)."""
    before = everything(books)
    server, port = serve(books, session_memory=SESSION_MEMORY)
    text = "x" * (7 * MiB)
    with psycopg.connect(dsn(port), autocommit=True) as con, another_session(port):
        con.execute("SELECT 1")
        with peak_growth(server.pid) as grown:
            assert con.execute(f"SELECT length('{text}')").fetchone() == (len(text),)
            con.execute("BEGIN")
            con.execute(f'INSERT INTO "Assets" ("AssetName", "Description") VALUES (\'Long\', \'{text}\')')
            found = con.execute('SELECT length("Description") FROM "Assets" WHERE "AssetName" = \'Long\'')
            assert found.fetchone() == (len(text),)
            con.execute("ROLLBACK")
        assert grown() < 128, f"the server grew by {grown():.0f} MiB"
    assert everything(books) == before


def test_a_message_longer_than_the_default_is_refused_with_54000(books: Path, serve) -> None:
    _, port = serve(books, session_memory=SESSION_MEMORY)
    with Wire(port) as wire:
        wire.login()
        replies = wire.run("SELECT '" + "x" * (9 * MiB) + "'")
        assert [kind for kind, _ in replies] == [b"E", b"Z"]
        error = fields(replies[0][1])
        assert error["C"] == "54000" and f"{8 * MiB} bytes at most" in error["M"], error
        assert wire.run("SELECT 1")[-2][0] == b"C"


def test_many_statements_in_one_message_are_found_one_at_a_time(books: Path, serve) -> None:
    """800,000 statements in one Query message (7 MiB): the session finds each when the one before has run, never
    holding them as a list (which took 10 bytes per byte of the message); its process grows by little more than
    the message itself while it works through them, another session answers, and when the client hangs up the
    session ends."""
    before = everything(books)
    server, port = serve(books, session_memory=SESSION_MEMORY)
    with another_session(port):
        wire = Wire(port)
        wire.login()
        wire.run("SELECT 1")
        with peak_growth(server.pid) as grown:
            wire.send(query("SELECT 1;" * 800_000))
            assert wire.message()[0] == b"T"  # it answers the first ones at once
            time.sleep(3)
        assert grown() < 40, f"the server grew by {grown():.0f} MiB"
        wire.close()
        deadline = time.monotonic() + 5
        while server.sessions() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert everything(books) == before


# -- the measured cost, in this process ----------------------------------------------------------------------------

COSTLY = {
    "select list": "SELECT " + ",".join(["1"] * 1600),
    "IN list of numbers": ASSETS_IN + ",".join(str(n) for n in range(2, 4002)) + ")",
    "IN list of strings": ASSETS_IN + ",".join(f"'FA-{n}'" for n in range(4000)) + ")",
    "ARRAY": "SELECT cardinality(ARRAY[" + ",".join(["7"] * 4000) + "])",
    "VALUES rows": "SELECT count(*) FROM (VALUES " + ",".join(["(1)"] * 2000) + ") v",
    "AND chain": "SELECT 1 WHERE " + " AND ".join(["true"] * 4000),
    "deep CASE": "SELECT " + "CASE WHEN true THEN " * 400 + "1" + " END" * 400,
}


@pytest.mark.parametrize("shape", COSTLY, ids=COSTLY)
def test_reading_a_statement_costs_less_than_the_bytes_per_token_it_is_bounded_by(shape: str) -> None:
    """The bound's premise, measured: shaping, translating and templating each shape (what a session does with a
    statement before SQLite has it) takes at most BYTES_PER_TOKEN a token at its peak."""
    sql = COSTLY[shape]
    tokens = bounds.scan(sql).tokens
    shapes = cache.Shapes(translate.translate.function)
    shapes.runnable('SELECT 1 FROM "Assets" WHERE "AssetNumber" = \'FA-1\'')  # what any first statement loads
    tracemalloc.start()
    try:
        shapes.runnable(sql)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak / tokens < bounds.BYTES_PER_TOKEN, f"{peak / tokens:.0f} bytes a token"


def test_a_number_of_thousands_of_digits_is_read_as_a_number(books: Path, serve) -> None:
    """Python reads at most 4,300 digits as an int: shaping such a literal failed with XX000 (ValueError). (Beyond
    int8 the bridge reads a literal as a float, as it did for 25 digits already; PostgreSQL's is numeric.)"""
    _, port = serve(books, session_memory=SESSION_MEMORY)
    digits = "7" * 5000
    with psycopg.connect(dsn(port), autocommit=True) as con:
        assert con.execute(f"SELECT {digits} > 0").fetchone() == (True,)
        assert con.execute("SELECT 1").fetchone() == (1,)
