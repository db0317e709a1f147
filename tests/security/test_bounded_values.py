"""Work the bridge does in Python is bounded by the statement, not by the machine: a value built in Python is refused
with PostgreSQL's 54000 at PostgreSQL's limit (1 GB) before it is built, and a set-returning function streams its
rows in bounded memory until the statement timeout ends it. Each attack is made over the wire, and afterwards the
session goes on, the register is unchanged and ``check`` is clean; in-process, SQLite's own limit refuses the same."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import connector
from connector.check import check
from tests.security.conftest import dsn, everything
from tests.security.test_bridge_limits import server_pss_mib

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install 'psycopg[binary]')")

MiB = 1024 * 1024

#: Each would build a value of more than 1 GB in Python (repeat('abcdefgh', 10^9): 8 GB).
BEYOND_A_GIGABYTE = {
    "repeat": "SELECT length(repeat('abcdefgh', 1000000000))",
    "repeat of a parameter": ("SELECT length(repeat(%s, %s))", ("abcdefgh", 1_000_000_000)),
    "lpad": "SELECT length(lpad('x', 2000000000))",
    "rpad with a fill": "SELECT length(rpad('x', 2000000000, 'yz'))",
    "a series beside another": "SELECT generate_series(1, 2), generate_series(1, 400000000)",
}


def unchanged_and_clean(path: Path, before: dict[str, object]) -> None:
    assert everything(path) == before
    assert check(path) == []


@pytest.mark.parametrize("attack", BEYOND_A_GIGABYTE.values(), ids=BEYOND_A_GIGABYTE.keys())
def test_a_value_beyond_a_gigabyte_is_refused_with_54000_before_it_is_built(books: Path, serve, attack) -> None:
    sql, parameters = attack if isinstance(attack, tuple) else (attack, None)
    before = everything(books)
    server, port = serve(books)
    with psycopg.connect(dsn(port), autocommit=True) as con:
        con.execute("SELECT 1")
        baseline = server_pss_mib(server.pid)
        with pytest.raises(psycopg.errors.ProgramLimitExceeded, match="1 GB") as refused:
            con.execute(sql, parameters).fetchall()
        assert refused.value.sqlstate == "54000"
        # refused before it was built: the server grew by nothing like the value's size
        assert server_pss_mib(server.pid) - baseline < 200
        assert con.execute("SELECT 1").fetchone() == (1,)
        assert con.execute("SELECT length(repeat('ab', 5)), lpad('7', 3, '0'), rpad('ab', 5, 'xy')").fetchone() == (
            10,
            "007",
            "abxyx",
        )
    unchanged_and_clean(books, before)


def test_a_write_that_would_store_such_a_value_is_refused_and_writes_nothing(books: Path, serve) -> None:
    before = everything(books)
    _, port = serve(books)
    with psycopg.connect(dsn(port)) as con:
        with pytest.raises(psycopg.errors.ProgramLimitExceeded):
            con.execute(
                'UPDATE "Assets" SET "Description" = repeat("AssetName", 2000000000) WHERE "AssetNumber" = \'FA-0042\''
            )
        con.rollback()
        with pytest.raises(psycopg.errors.ProgramLimitExceeded):
            con.execute('INSERT INTO "Assets" ("AssetName") VALUES (lpad(\'x\', 1500000000))')
        con.rollback()
    unchanged_and_clean(books, before)


def test_array_agg_is_refused_as_soon_as_its_array_would_pass_a_gigabyte() -> None:
    """The aggregate counts what it has collected and stops at the limit (not after collecting everything)."""
    from connector.bridge import functions

    factory = functions.collector(functions.array_collected, keep_nulls=True, bounded=True)
    _, step, final = factory()
    chunk = "x" * (64 * MiB)
    with pytest.raises(functions.ClientError, match="1 GB") as refused:
        for _ in range(32):
            step(None, chunk)
    assert refused.value.code == "54000"
    _, step, final = factory()
    step(None, "a")
    step(None, None)
    assert final(None) == "{a,NULL}"


@pytest.mark.slow
@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(*) FROM generate_series(1, 500000000)",
        "SELECT count(*) FROM generate_series('2000-01-01'::timestamp, '2999-12-31', '1 second')",
        "SELECT count(*) FROM (SELECT generate_series(1, n) FROM (VALUES (500000000)) AS v(n)) AS s",
    ],
    ids=["integers", "timestamps", "of a column"],
)
def test_a_long_series_streams_in_bounded_memory_until_the_statement_timeout(books: Path, serve, sql: str) -> None:
    """A long series makes its rows as they are read (SQLite's own recursive query for integer literals, the
    bridge's pg_series otherwise): the session's memory stays flat while it runs, the statement timeout ends it
    with 57014, and other sessions answer meanwhile."""
    before = everything(books)
    server, port = serve(books)
    with psycopg.connect(dsn(port), autocommit=True) as con, psycopg.connect(dsn(port), autocommit=True) as other:
        con.execute("SELECT 1")
        baseline = server_pss_mib(server.pid)
        peak = [baseline]
        done = threading.Event()

        def watch() -> None:
            while not done.is_set():
                peak.append(server_pss_mib(server.pid))
                assert other.execute("SELECT 1").fetchone() == (1,)
                time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        con.execute("SET statement_timeout = '2s'")
        started = time.monotonic()
        try:
            with pytest.raises(psycopg.errors.QueryCanceled):
                con.execute(sql).fetchall()
        finally:
            done.set()
            watcher.join()
        assert time.monotonic() - started < 10
        con.execute("SET statement_timeout = 0")
        assert con.execute("SELECT count(*), sum(g) FROM generate_series(1, 100000) AS g").fetchone() == (
            100000,
            5000050000,
        )
    assert max(peak) - baseline < 64, (baseline, max(peak))
    unchanged_and_clean(books, before)


def test_in_process_sqlite_refuses_a_value_beyond_its_limit_and_changes_nothing(books: Path) -> None:
    before = everything(books)
    con = connector.connect(str(books), autocommit=True)
    try:
        with pytest.raises(connector.DataError):
            con.execute("SELECT length(printf('%.*c', 2000000000, 'x'))").fetchall()
        with pytest.raises(connector.DataError):
            con.execute("UPDATE Assets SET Description = printf('%.*c', 2000000000, 'x')")
        assert con.execute("SELECT 1").fetchone() == (1,)
    finally:
        con.close()
    unchanged_and_clean(books, before)


@pytest.mark.slow
def test_a_backtracking_regular_expression_ends_at_its_budget_and_changes_nothing(books: Path, serve) -> None:
    """With no statement timeout at all, a pattern that backtracks for ever is ended after its budget of work on one
    value (54000), the session goes on, and another session answers meanwhile."""
    from connector.bridge.functions import REGEX_BUDGET

    before = everything(books)
    _, port = serve(books)
    with psycopg.connect(dsn(port), autocommit=True) as con, psycopg.connect(dsn(port), autocommit=True) as other:
        attack = "'" + "a" * 60 + "!' ~ '(a|aa)+$'"
        started = time.monotonic()
        with pytest.raises(psycopg.errors.ProgramLimitExceeded, match="backtracks") as refused:
            con.execute(f"SELECT {attack}")
        assert refused.value.sqlstate == "54000"
        assert time.monotonic() - started < 3 * REGEX_BUDGET + 10  # a generous margin on a busy machine
        with pytest.raises(psycopg.errors.ProgramLimitExceeded):
            con.execute(f'UPDATE "Assets" SET "Description" = \'x\' WHERE "AssetName" ~ \'(a|aa)+$\' OR {attack}')
        assert other.execute("SELECT 1").fetchone() == (1,)
        assert con.execute("SELECT 'Van' ~ '^V', 'Van' ~* '^v', 'a' ~ '(a+)+$'").fetchone() == (True, True, True)
        with pytest.raises(psycopg.errors.InvalidRegularExpression):
            con.execute("SELECT 'a' ~ '('")
    unchanged_and_clean(books, before)


def test_nested_arrays_translate_in_time_linear_in_their_depth() -> None:
    """ARRAY[ARRAY[...]] was read twice at every level (2^depth readings: depth 20 took 37 s); now once, and it is
    PostgreSQL's multi-dimensional array, its rows' text kept as it is (quoting each level doubled the text)."""
    from connector.bridge.translate import translate

    for depth in (20, 60):
        found = translate("SELECT " + "ARRAY[" * depth + "'x'" + "]" * depth + " AS a")
        assert found.sql == "SELECT '" + "{" * depth + "x" + "}" * depth + '\' AS "a"'
    assert translate("SELECT ARRAY[ARRAY[1, 2], ARRAY[3, 4]] AS a").sql == "SELECT '{{1,2},{3,4}}' AS \"a\""


@pytest.mark.slow
def test_a_deeply_nested_array_over_the_bridge_answers_and_changes_nothing(books: Path, serve) -> None:
    before = everything(books)
    _, port = serve(books)
    with psycopg.connect(dsn(port), autocommit=True) as con:
        started = time.monotonic()
        depth = 40
        row = con.execute("SELECT " + "ARRAY[" * depth + "1" + "]" * depth + "::text AS a").fetchone()
        assert row == ("{" * depth + "1" + "}" * depth,)
        assert time.monotonic() - started < 10
    unchanged_and_clean(books, before)


def test_a_select_list_past_postgresql_s_limit_is_refused_with_54011_before_it_is_translated(
    books: Path, serve
) -> None:
    """PostgreSQL takes at most 1664 entries in a target list (54011); the bridge refuses more as it does, in a
    subquery too, once the statement is read and before the work that grows with the list."""
    before = everything(books)
    _, port = serve(books)
    widest = ", ".join(str(n) for n in range(1664))
    with psycopg.connect(dsn(port), autocommit=True) as con:
        assert len(con.execute(f"SELECT {widest}").fetchone()) == 1664
        for sql in (f"SELECT {widest}, 1664", f"SELECT count(*) FROM (SELECT {widest}, 1664) AS wide"):
            with pytest.raises(psycopg.errors.TooManyColumns, match="at most 1664 entries") as refused:
                con.execute(sql).fetchall()
            assert refused.value.sqlstate == "54011"
        assert con.execute("SELECT 1").fetchone() == (1,)
    unchanged_and_clean(books, before)
