"""Bad input at the front door: random and mutated statements, with random bindings.

Whatever comes in, what comes out is a result or a PEP 249 error (a ``connector.Error``): never a Python
TypeError, KeyError or AssertionError, never one of those dressed as an InternalError, never a crash or a hang.
After each statement the connection still works and the file is still sound.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import apsw
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import connector

#: The longest one statement may take before it counts as a hang, in seconds.
HANG = 10

CORPUS = [
    "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
    "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears) "
    "VALUES ('Vehicles', 'StraightLine', 'FullMonth', 5)",
    "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Corporate van', 'FA-0042')",
    "INSERT INTO Assets (AssetName) VALUES ('Laptop') RETURNING AssetId, AssetNumber",
    "UPDATE Assets SET BookDepreciationSetting_EffectiveLifeYears = 5 WHERE AssetNumber = 'FA-0042'",
    "UPDATE Assets SET BookDepreciationSetting_DepreciationRate = 12, BookDepreciationSetting_EffectiveLifeYears = "
    "null WHERE AssetNumber = 'FA-0042'",
    "UPDATE Assets SET AssetTypeId = (SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = 'Vehicles'), "
    "PurchaseDate = '2025-01-15', PurchasePrice = 32500.00, BookDepreciationSetting_DepreciationStartDate = "
    "'2025-01-15', AssetStatus = 'Registered' WHERE AssetNumber = 'FA-0042'",
    "INSERT OR REPLACE INTO Assets (AssetName, AssetNumber, SerialNumber) VALUES ('Corporate van', 'FA-0042', 'V1')",
    "INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Corporate van', 'FA-0042') ON CONFLICT (AssetNumber) DO "
    "UPDATE SET AssetName = excluded.AssetName",
    "SELECT AssetNumber, AssetStatus, PurchasePrice, AccountingBookValue FROM Assets WHERE AssetStatus = 'REGISTERED'",
    "SELECT AssetStatus, SUM(PurchasePrice) FROM Assets GROUP BY AssetStatus",
    "UPDATE Assets SET AssetStatus = 'Disposed' WHERE AssetNumber = 'FA-0042'",
    "DELETE FROM Assets WHERE AssetStatus = 'Draft' RETURNING AssetNumber",
    "DELETE FROM AssetTypes WHERE Locks = 0",
    "UPDATE Settings SET AssetNumberPrefix = 'EQ-', AssetNumberSequence = '0100'",
    "INSERT INTO Tenants (Name) VALUES ('Globex')",
    "SELECT a.AssetNumber, t.AssetTypeName FROM Assets a JOIN AssetTypes t USING (AssetTypeId) WHERE a.TenantId = ?",
    "INSERT INTO Assets (AssetName, PurchasePrice, PurchaseDate) VALUES (?, ?, ?)",
    "UPDATE Assets SET Description = :text WHERE AssetId IN (SELECT AssetId FROM Assets LIMIT 2)",
    "WITH n AS (SELECT 'W-' || value AS number FROM json_each('[1,2,3]')) "
    "INSERT INTO Assets (AssetName, AssetNumber) SELECT 'Bulk', number FROM n",
    "CREATE TABLE notes (AssetId TEXT, note TEXT); INSERT INTO notes SELECT AssetId, 'x' FROM Assets",
    "BEGIN; INSERT INTO Assets (AssetName) VALUES ('in a transaction'); ROLLBACK",
    "SAVEPOINT s; UPDATE Assets SET SerialNumber = 'S'; RELEASE s",
    "REPLACE INTO Assets (AssetName, AssetNumber) VALUES ('Again', 'FA-0042')",
    "INSERT INTO Assets DEFAULT VALUES",
    "PRAGMA table_info(Assets)",
    "EXPLAIN QUERY PLAN SELECT * FROM Assets WHERE AssetId = ?",
]

WORDS = [
    "SELECT",
    "INSERT",
    "INTO",
    "UPDATE",
    "DELETE",
    "FROM",
    "WHERE",
    "SET",
    "VALUES",
    "RETURNING",
    "OR",
    "REPLACE",
    "IGNORE",
    "ON",
    "CONFLICT",
    "DO",
    "NOTHING",
    "AND",
    "NOT",
    "NULL",
    "IN",
    "LIKE",
    "JOIN",
    "USING",
    "GROUP",
    "BY",
    "ORDER",
    "LIMIT",
    "WITH",
    "AS",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "DEFAULT",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "excluded",
    "Assets",
    "AssetTypes",
    "Settings",
    "Tenants",
    "Assets_rows",
    "sqlite_schema",
    "AssetId",
    "AssetName",
    "AssetNumber",
    "AssetStatus",
    "PurchasePrice",
    "PurchaseDate",
    "AssetTypeId",
    "TenantId",
    "Locks",
    "AccountingBookValue",
    "DisposalDate",
    "BookDepreciationSetting_DepreciationRate",
    "BookDepreciationSetting_EffectiveLifeYears",
    "BookDepreciationSetting_DepreciationStartDate",
    "Name",
    "AssetNumberSequence",
    "main",
    "public",
    "*",
    ",",
    "(",
    ")",
    "=",
    "<>",
    ";",
    ".",
    "+",
    "-",
    "||",
    "?",
    "?2",
    ":name",
    "@p",
    "$v",
    "'Draft'",
    "'Registered'",
    "'Disposed'",
    "'FA-0001'",
    "'2025-02-30'",
    "'2025-01-15'",
    "''",
    "0",
    "1",
    "-1",
    "12.345",
    "1e309",
    "9223372036854775808",
    "x'00ff'",
    '"quoted"',
    "[bracketed]",
    "`tick`",
    "--",
    "/*",
    "*/",
    "'",
    '"',
    "\n",
    "\t",
    "\u00e9",
    "\u0000",
]

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.binary(max_size=20),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.sampled_from([object(), [1, 2], {"a": 1}, (1,), 1j, dt.timedelta(days=1), Decimal("1e-30")]),
)
bindings = st.one_of(
    st.none(),
    st.lists(values, max_size=4),
    st.tuples(values, values, values),
    st.dictionaries(st.sampled_from(["text", "name", "p", "v", "1", ":text"]), values, max_size=3),
    st.sampled_from(["a string", b"bytes", 42]),
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A statement of the corpus with words cut, repeated, swapped or replaced, or cut short."""
    tokens = draw(st.sampled_from(CORPUS)).split(" ")
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(tokens) - 1)) if tokens else 0
        action = draw(st.sampled_from(["drop", "repeat", "replace", "insert", "truncate", "swap"]))
        if not tokens:
            tokens = [draw(st.sampled_from(WORDS))]
        elif action == "drop":
            del tokens[where]
        elif action == "repeat":
            tokens.insert(where, tokens[where])
        elif action == "replace":
            tokens[where] = draw(st.sampled_from(WORDS))
        elif action == "insert":
            tokens.insert(where, draw(st.sampled_from(WORDS)))
        elif action == "truncate":
            tokens = tokens[:where]
        else:
            other = draw(st.integers(0, len(tokens) - 1))
            tokens[where], tokens[other] = tokens[other], tokens[where]
    return " ".join(tokens)


statements = st.one_of(
    mutated(),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map(" ".join),
    st.text(max_size=60),
)


@contextlib.contextmanager
def no_hang(what: str) -> Iterator[None]:
    def give_up(signum: int, frame: Any) -> None:
        raise TimeoutError(f"{what} ran for more than {HANG} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, HANG)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_error(error: connector.Error, what: str) -> None:
    """A PEP 249 error, and not a Python bug wearing one."""
    if isinstance(error, connector.InternalError):
        cause = error.__cause__
        assert isinstance(cause, apsw.Error), f"{what}: a Python error escaped as InternalError: {error!r}"
    assert str(error), f"{what}: {type(error).__name__} without a message"
    assert hasattr(error, "table") and hasattr(error, "column")


def survive(con: connector.Connection, sql: Any, parameters: Any, *, many: bool = False) -> None:
    what = f"{'executemany' if many else 'execute'}({sql!r}, {parameters!r})"
    with no_hang(what):
        try:
            if many:
                con.executemany(sql, parameters)
            else:
                cursor = con.execute(sql, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
        except connector.Error as error:
            check_error(error, what)
    with no_hang("the next statement"):
        if con.raw.in_transaction and not con.in_transaction:
            pytest.fail(f"{what} left the connection confused about its transaction")
        assert con.execute("SELECT count(*) FROM Assets").fetchone()[0] >= 0


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    """One register for every example (a fresh one each time would cost more than the statements)."""
    path = tmp_path_factory.mktemp("fuzz") / "register.db"
    con = connector.connect(str(path))
    con.execute(
        "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
        "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_EffectiveLifeYears) "
        "VALUES ('Vehicles', 'StraightLine', 'FullMonth', 5)"
    )
    con.executemany(
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?)", [(f"Asset {n}", f"FA-{n:04}") for n in range(1, 6)]
    )
    con.commit()
    yield con
    with contextlib.suppress(connector.Error):
        con.rollback()
    assert con.raw.execute("PRAGMA integrity_check").get == "ok"
    con.close()


#: Examples per fuzz test; CONNECTOR_FUZZ_EXAMPLES=20000 searches longer.
FUZZ = settings(
    max_examples=int(os.environ.get("CONNECTOR_FUZZ_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(sql=statements, parameters=bindings)
def test_any_statement_gives_a_result_or_a_pep_249_error(fuzzed, sql, parameters):
    survive(fuzzed, sql, parameters)


@FUZZ
@given(sql=statements, parameters=st.lists(bindings, max_size=3))
def test_any_executemany_gives_a_result_or_a_pep_249_error(fuzzed, sql, parameters):
    survive(fuzzed, sql, parameters, many=True)


@settings(max_examples=100, deadline=None)
@given(sql=st.one_of(st.sampled_from(CORPUS), mutated()), dialect=st.sampled_from(["postgres", "mysql", "tsql"]))
def test_other_dialects_give_a_result_or_a_pep_249_error(sql, dialect):
    con = connector.connect(":memory:", dialect=dialect)
    try:
        survive(con, sql, None)
    finally:
        con.close()


@pytest.mark.parametrize("sql", [None, 42, b"SELECT 1", ["SELECT 1"], "", ";;;", "-- nothing"])
def test_statements_that_are_not_text_or_are_empty(fuzzed, sql):
    survive(fuzzed, sql, None)
    survive(fuzzed, sql, [], many=True)


@pytest.mark.parametrize(
    ("sql", "parameters", "many"),
    [
        ("SELECT 1", 42, False),  # parameters that are neither a sequence nor a mapping
        ("INSERT INTO Assets (AssetName) VALUES (?)", 42, False),
        ("SELECT ?", [None], True),  # a parameter set that is None
        ("UPDATE Assets SET Description = :text", None, False),  # a named parameter left unbound
        ("UPDATE Assets SET Description = :text", {"other": 1}, False),
        ("INSERT INTO Assets DEFAULT VALUES", None, False),  # AssetName is required
        ("SELECT 1 \x00", None, False),  # a NUL character in the statement
    ],
)
def test_inputs_the_fuzzer_found_give_pep_249_errors(fuzzed, sql, parameters, many):
    survive(fuzzed, sql, parameters, many=many)
