"""The virtual tables: declared types, pushdown, and raw writes that reach them without the front door."""

import datetime as dt
import unicodedata

import apsw
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import connector
from connector.bridge.server import Config
from connector.domain.errors import NotSupported, RuleViolation
from connector.domain.rows import unique_key
from connector.schema import TABLES
from connector.store import _COMPOSING, SCHEMA_VERSION
from tests.bridge.conftest import VAN, make_register, start
from tests.helpers import internal


def plan(con, sql, parameters=()):
    return [row[3] for row in con.raw.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]


def test_lookups_by_key_are_pushed_down_not_scanned(connection):
    assert plan(connection, "SELECT * FROM Assets WHERE AssetId = ?", ("x",)) == [
        "SCAN Assets VIRTUAL TABLE INDEX 0:AssetId="
    ]
    assert "AssetNumber=" in plan(connection, "SELECT * FROM Assets WHERE AssetNumber = ?", ("x",))[0]
    assert "AssetStatus=" in plan(connection, "SELECT * FROM Assets WHERE AssetStatus IN ('Draft', 'Registered')")[0]
    assert "AssetTypeId=" in plan(connection, "SELECT * FROM Assets WHERE AssetTypeId = ?", ("x",))[0]
    assert plan(connection, "SELECT * FROM Assets WHERE Description = 'x'")[0].endswith(":scan")


def test_the_store_is_read_through_an_index_for_a_lookup(connection):
    """What the pushed-down filter runs against the shadow table: an index search, not a scan."""
    detail = [
        row[3]
        for row in internal(connection).execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM Assets_rows AS t "
            "WHERE t.TenantId IN (SELECT value FROM json_each(?)) AND t.AssetId = ?",
            ("[]", "x"),
        )
    ]
    assert any("SEARCH t USING INDEX Assets_rows_key" in line for line in detail)


def test_lookups_give_the_same_rows_as_a_scan(connection):
    connection.executemany(
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?)", [(f"Item {n}", f"IT-{n:04}") for n in range(200)]
    )
    rows = connection.execute("SELECT * FROM Assets").fetchall()
    for row in rows[::37]:
        assert connection.execute("SELECT * FROM Assets WHERE AssetId = ?", (row[0],)).fetchall() == [row]
        assert connection.execute("SELECT * FROM Assets WHERE AssetNumber = ?", (row[2].lower(),)).fetchall() == [row]
    numbers = [rows[1][2], rows[5][2], "nope"]
    found = connection.execute("SELECT AssetNumber FROM Assets WHERE AssetNumber IN (?, ?, ?) ORDER BY 1", numbers)
    assert found.fetchall() == [(rows[1][2],), (rows[5][2],)]


def test_declared_types_make_text_parameters_compare(connection):
    connection.execute(
        "INSERT INTO Assets (AssetName, PurchasePrice, BookDepreciationSetting_EffectiveLifeYears) "
        "VALUES ('x', 1500, 5)"
    )
    assert connection.execute("SELECT count(*) FROM Assets WHERE PurchasePrice = ?", ("1500",)).fetchone() == (1,)
    assert connection.execute(
        "SELECT count(*) FROM Assets WHERE BookDepreciationSetting_EffectiveLifeYears = '5'"
    ).fetchone() == (1,)


def test_raw_apsw_writes_follow_the_same_rules(path):
    connector.connect(str(path)).close()
    raw = apsw.Connection(str(path))
    connector.attach(raw)
    raw.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Corporate van', 'FA-0042')")
    raw.execute("UPDATE Assets SET BookDepreciationSetting_EffectiveLifeYears = 5")
    with pytest.raises(RuleViolation, match="set BookDepreciationSetting_EffectiveLifeYears = NULL"):
        raw.execute("UPDATE Assets SET BookDepreciationSetting_DepreciationRate = 12")
    raw.execute(
        "UPDATE Assets SET BookDepreciationSetting_DepreciationRate = 12, "
        "BookDepreciationSetting_EffectiveLifeYears = NULL"
    )
    with pytest.raises(NotSupported):
        raw.execute("UPDATE Assets SET AssetStatus = 'Disposed'")
    raw.execute("INSERT OR REPLACE INTO Assets (AssetName, AssetNumber) VALUES ('Van', 'fa-0042')")
    assert raw.execute(
        "SELECT AssetName, AssetNumber, BookDepreciationSetting_DepreciationRate, AssetStatus FROM Assets"
    ).fetchall() == [("Van", "FA-0042", 12.0, "Draft")]


def test_the_shadow_tables_refuse_direct_writes(path):
    connector.connect(str(path)).close()
    raw = apsw.Connection(str(path))
    connector.attach(raw)
    for sql in (
        "INSERT INTO Assets_rows (AssetId) VALUES ('x')",
        "UPDATE Assets_rows SET AssetName = 'x'",
        "DELETE FROM Settings_rows",
        "DROP TABLE Tenants_rows",
    ):
        with pytest.raises(apsw.AuthError):
            raw.execute(sql)
    with pytest.raises(
        connector.ProgrammingError, match="cannot delete from Assets_rows: it is the register's storage"
    ):
        connector.connect(str(path)).execute("DELETE FROM Assets_rows")


def test_the_file_records_its_layout_version(path):
    connector.connect(str(path)).close()
    raw = apsw.Connection(str(path))
    assert raw.execute("PRAGMA user_version").get == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").get == "wal"
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(connector.DatabaseError, match="layout version 99"):
        connector.connect(str(path))


def test_in_lists_are_pushed_down_and_an_empty_one_finds_nothing(connection):
    connection.executemany("INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?)", [("A", "IN-1"), ("B", "IN-2")])
    found = connection.execute(
        "SELECT AssetNumber FROM Assets WHERE AssetNumber IN (SELECT AssetNumber FROM Assets WHERE AssetName <> 'B')"
    ).fetchall()
    assert found == [("IN-1",)]
    nothing = "SELECT count(*) FROM Assets WHERE AssetId IN (SELECT AssetId FROM Assets WHERE AssetName = 'none')"
    assert connection.execute(nothing).fetchone() == (0,)


# -- ranges and prefixes reach the store's indexes -----------------------------------------------------------------

#: Asset numbers that try the prefix search's folding: cases, accents composed and not, compatibility forms, the
#: characters that compose with a mark after them ("e" and U+0301, "=" and U+0338), and what LIKE's wildcards match.
NUMBERS = [
    "FA-0001",
    "fa-0002",
    "FA-0010",
    "FA-0100",
    "FA-É1",
    "fa-é2",
    "FA-ß",
    "fa-ssx",
    "Ｆ１",
    "e\u0301clair",
    "éclairs",
    "Eagle",
    "=\u0338x",
    "≠y",
    "=z",
    "FA_1",
    "FA%2",
    "fb-1",
    "@home",
    "[1]",
    "FA-\x7f",
]
DATES = [
    None,
    "1800-01-01",
    "2023-12-31",
    "2024-01-01",
    "2024-02-29",
    "2024-03-01",
    "2024-03-01",
    "2024-12-31",
    "9999-12-31",
]
FILTERS = [
    "PurchaseDate >= '2024-01-01'",
    "PurchaseDate > '2024-01-01'",
    "PurchaseDate < '2024-03-01'",
    "PurchaseDate <= '2024-03-01'",
    "PurchaseDate BETWEEN '2024-01-01' AND '2024-03-01'",
    "PurchaseDate BETWEEN '2024-03-01' AND '2024-01-01'",  # reversed: nothing
    "PurchaseDate BETWEEN '2024-03-01' AND '2024-03-01'",
    "PurchaseDate NOT BETWEEN '2024-01-01' AND '2024-03-01'",
    "PurchaseDate > '2024'",  # numeric affinity: compared as a number
    "PurchaseDate < '2024'",
    "PurchaseDate > ' 2024 '",
    "PurchaseDate >= '2024-03'",
    "PurchaseDate < '2024-03'",
    "PurchaseDate > 2024",
    "PurchaseDate < 2024",
    "PurchaseDate < 20240301",
    "PurchaseDate > 1e3",
    "PurchaseDate > ''",
    "PurchaseDate < x'00'",
    "PurchaseDate > x'00'",
    "PurchaseDate > NULL",
    "PurchaseDate <= '2024-03-01' COLLATE NOCASE",
    "PurchaseDate > '2024-01-01' AND PurchaseDate > '2023-06-01' AND PurchaseDate < '9999-12-31'",
    "PurchaseDate >= '2024-01-01' AND AssetStatus = 'Draft'",
    "PurchaseDate >= '2024-01-01' AND AssetNumber = 'fa-0002'",
    "PurchaseDate >= '2024-01-01' OR PurchaseDate IS NULL",
    "AssetNumber LIKE 'FA-%'",
    "AssetNumber LIKE 'fa-0%'",
    "AssetNumber LIKE 'FA-000_'",
    "AssetNumber LIKE 'FA-00'",
    "AssetNumber LIKE 'fa-0001'",
    "AssetNumber LIKE 'e%'",
    "AssetNumber LIKE 'E%'",
    "AssetNumber LIKE 'é%'",
    "AssetNumber LIKE 'É%'",
    "AssetNumber LIKE 'Ｆ%'",
    "AssetNumber LIKE 'fa-ß%'",
    "AssetNumber LIKE 'fa-s%'",
    "AssetNumber LIKE '=%'",
    "AssetNumber LIKE '=\u0338%'",
    "AssetNumber LIKE '≠%'",
    "AssetNumber LIKE '@%'",
    "AssetNumber LIKE '[%'",
    "AssetNumber LIKE 'FA-\x7f%'",
    "AssetNumber LIKE '%'",
    "AssetNumber LIKE ''",
    "AssetNumber LIKE '_A%'",
    "AssetNumber LIKE 'F%'",
    "AssetNumber LIKE 'FA\\_%' ESCAPE '\\'",
    "AssetNumber LIKE NULL",
    "AssetNumber LIKE 12",
    "AssetNumber GLOB 'FA-*'",
    "AssetNumber GLOB 'fa-*'",
    "AssetNumber GLOB 'FA-00?1'",
    "AssetNumber GLOB 'e*'",
    "AssetNumber GLOB '[f]*'",
    "AssetNumber >= 'FA' AND AssetNumber < 'FB'",
    "AssetStatus LIKE 'dr%'",
    "AssetStatus LIKE 'R%'",
    "AssetStatus > 'draft'",
    "AssetStatus >= 'Draft' AND AssetStatus <= 'Draft'",
    "AssetId > '8'",
    "AssetId < '8' AND AssetId >= '1'",
]
PLAIN = (
    "CREATE TABLE Assets (AssetId TEXT, AssetNumber TEXT COLLATE NOCASE, AssetStatus TEXT COLLATE NOCASE, "
    "PurchaseDate DATE, TenantId TEXT)"
)


def _plain(connection) -> apsw.Connection:
    """The connection's assets as a plain SQLite table declared as the virtual table is: the oracle."""
    plain = apsw.Connection(":memory:")
    plain.execute(PLAIN)
    rows = connection.raw.execute("SELECT AssetId, AssetNumber, AssetStatus, PurchaseDate, TenantId FROM Assets")
    plain.executemany("INSERT INTO Assets VALUES (?, ?, ?, ?, ?)", list(rows))
    return plain


def _assets(connection, tenant: str | None = None) -> None:
    rows = [(number, DATES[n % len(DATES)]) for n, number in enumerate(NUMBERS)]
    connection.executemany(
        "INSERT INTO Assets (AssetName, AssetNumber, PurchaseDate, TenantId) VALUES ('x', ?, ?, ?)",
        [(number, day, tenant) for number, day in rows],
    )
    connection.commit()


def _same_answers(connection, plain: apsw.Connection, filters=FILTERS, parameters=()) -> None:
    for condition in filters:
        sql = f"SELECT AssetId, AssetNumber, PurchaseDate FROM Assets WHERE {condition} ORDER BY AssetId"
        expected = plain.execute(sql, parameters).fetchall()
        assert connection.raw.execute(sql, parameters).fetchall() == expected, condition
        assert [tuple(row) for row in connection.execute(sql, parameters).fetchall()] == [
            (asset, number, None if day is None else dt.date.fromisoformat(day)) for asset, number, day in expected
        ], condition


def test_ranges_and_prefixes_give_a_plain_tables_answers(connection):
    _assets(connection)
    assert connection.execute("SELECT count(*) FROM Assets").fetchone() == (len(NUMBERS),)
    _same_answers(connection, _plain(connection))


def test_ranges_give_a_plain_tables_answers_for_every_bound(connection):
    """Every bound among the dates held and just around them, every way round, with parameters."""
    _assets(connection)
    plain = _plain(connection)
    days = sorted({day for day in DATES if day}) + ["2024-02-28", "2024-03-02", "2024", "", " ", None]
    for low in days:
        for high in days:
            for condition in ("PurchaseDate BETWEEN ? AND ?", "PurchaseDate > ? AND PurchaseDate <= ?"):
                _same_answers(connection, plain, [condition], (low, high))


def test_a_prefix_keeps_back_only_the_ascii_characters_that_compose_with_a_mark():
    """A unique name's key is its NFKC form: an ASCII character followed by a mark may become another character
    there, so a pattern's prefix leaves such a last character to SQLite. Every mark Unicode composes, tried."""
    marks = [
        chr(point)
        for point in range(0x80, 0x110000)
        if unicodedata.combining(unicodedata.normalize("NFKD", chr(point))[:1] or "a")
    ]
    composing = {
        character
        for character in map(chr, range(0x20, 0x7F))
        if any(not unique_key(character + mark).startswith(character.lower()) for mark in marks)
    }
    # and every pair Unicode composes (a canonical decomposition into two) whose first is ASCII
    pairs = {
        chr(int(parts[0], 16))
        for parts in (unicodedata.decomposition(chr(point)).split() for point in range(0x80, 0x110000))
        if len(parts) == 2 and not parts[0].startswith("<") and int(parts[0], 16) < 0x80
    }
    assert composing == pairs == set(_COMPOSING)


def test_date_ranges_read_the_store_through_its_date_index(connection):
    _assets(connection)
    sql = "SELECT AssetNumber FROM Assets WHERE PurchaseDate BETWEEN ? AND ?"
    assert plan(connection, sql, ("2024-01-01", "2024-03-31")) == [
        "SCAN Assets VIRTUAL TABLE INDEX 0:PurchaseDate>=,PurchaseDate<= via Assets_rows_by_TenantId_PurchaseDate"
    ]
    assert [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", ("2024-01-01", "2024-03-31"))] == [
        "SCAN Assets VIRTUAL TABLE INDEX 0:PurchaseDate>=,PurchaseDate<= via Assets_rows_by_TenantId_PurchaseDate"
    ]
    assert (
        "PurchaseDate< via Assets_rows_by_TenantId_PurchaseDate"
        in plan(connection, "SELECT * FROM Assets WHERE PurchaseDate < '2024-01-01' AND Description IS NULL")[0]
    )
    assert (
        "AssetNumber LIKE via Assets_rows_unique0"
        in plan(connection, "SELECT * FROM Assets WHERE AssetNumber LIKE 'FA-%'")[0]
    )
    assert (
        "Date>= via JournalEntries_rows_by_TenantId_Date"
        in plan(connection, "SELECT * FROM JournalEntries WHERE Date >= '2024-07-01'")[0]
    )
    # what the store runs for it: an index search of the tenant's days
    store = internal(connection)
    statement = store.scan_sql(TABLES["Assets"], (), ["AssetNumber"], [("PurchaseDate", ">="), ("PurchaseDate", "<=")])
    detail = [row[3] for row in store.execute(f"EXPLAIN QUERY PLAN {statement}", ("[]", "a", "b"))]
    assert any(
        "SEARCH t USING INDEX Assets_rows_by_TenantId_PurchaseDate (TenantId=? AND PurchaseDate>? AND PurchaseDate<?)"
        in line
        for line in detail
    ), detail
    # a money column is not read through an index (stored in cents): SQLite compares it
    assert plan(connection, "SELECT * FROM Assets WHERE PurchasePrice > 100")[0].endswith(":scan")


def test_ranges_keep_to_the_connections_tenants(path):
    owner = connector.connect(str(path))
    owner.execute("INSERT INTO Tenants (Name) VALUES ('Globex')")
    owner.commit()
    _assets(owner)
    _assets(owner, "Globex")
    owner.close()
    for tenants, tenant in ((None, "Demo Company"), (["Globex"], "Globex")):
        con = connector.connect(str(path), tenants=tenants)
        con.tenant = tenant
        assert con.execute("SELECT count(*) FROM Assets").fetchone() == (len(NUMBERS),)
        _same_answers(con, _plain(con))
        con.close()
    globex = connector.connect(str(path), tenants=["Globex"])
    with pytest.raises(connector.ProgrammingError, match="not one of this connection's tenants"):
        globex.execute(
            "SELECT count(*) FROM Assets WHERE TenantId = 'Demo Company' AND PurchaseDate >= '2024-01-01'"
        ).fetchall()
    globex.close()
    owner = connector.connect(str(path))
    both = owner.execute(
        "SELECT count(*) FROM Assets WHERE TenantId IN ('Demo Company', 'Globex') AND PurchaseDate >= '2024-01-01' "
        "AND AssetNumber LIKE 'fa-%'"
    ).fetchone()
    one = owner.execute("SELECT count(*) FROM Assets WHERE PurchaseDate >= '2024-01-01' AND AssetNumber LIKE 'fa-%'")
    assert both == (2 * one.fetchone()[0],)


def test_a_file_without_the_date_index_gains_it_when_opened(path):
    connector.connect(str(path)).close()
    raw = apsw.Connection(str(path))
    raw.execute("DROP INDEX Assets_rows_by_TenantId_PurchaseDate")
    raw.close()
    con = connector.connect(str(path))
    assert (
        internal(con)
        .execute("SELECT count(*) FROM sqlite_schema WHERE name = 'Assets_rows_by_TenantId_PurchaseDate'")
        .get
        == 1
    )
    con.close()


def test_date_ranges_over_the_bridge_read_the_store_through_its_date_index(tmp_path):
    psycopg2 = pytest.importorskip("psycopg2")
    path = make_register(tmp_path / "register.db")
    server, port = start(Config(str(path), port=0))
    try:
        client = psycopg2.connect(f"host=127.0.0.1 port={port} dbname=register user=tester connect_timeout=10")
        cursor = client.cursor()
        cursor.execute(
            """EXPLAIN QUERY PLAN SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" BETWEEN %s AND %s""",
            ("2025-01-01", "2025-01-31"),
        )
        assert [row[3] for row in cursor.fetchall()] == [
            "SCAN Assets VIRTUAL TABLE INDEX 0:PurchaseDate>=,PurchaseDate<= via Assets_rows_by_TenantId_PurchaseDate"
        ]
        for low, high, expected in (
            ("2025-01-15", "2025-01-15", [(VAN,)]),
            ("2025-01-16", "2025-12-31", []),
            ("2025-01-31", "2025-01-01", []),
        ):
            cursor.execute("""SELECT "AssetNumber" FROM "Assets" WHERE "PurchaseDate" BETWEEN %s AND %s""", (low, high))
            assert cursor.fetchall() == expected
        # PostgreSQL's LIKE tells cases apart (the bridge writes it as a GLOB, whose prefix is searched the same way);
        # ILIKE does not
        for operator, pattern, expected in (
            ("LIKE", "FA-01%", [("FA-0100",)]),
            ("LIKE", "fa-01%", []),
            ("ILIKE", "fa-01%", [("FA-0100",)]),
        ):
            cursor.execute(f"""SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" {operator} '{pattern}'""")
            assert cursor.fetchall() == expected, (operator, pattern)
        cursor.execute("""EXPLAIN QUERY PLAN SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" LIKE 'FA-01%'""")
        assert [row[3] for row in cursor.fetchall()] == [  # the plan of the statement as translated (LIKE and GLOB)
            "SCAN Assets VIRTUAL TABLE INDEX 1:AssetNumber GLOB,AssetNumber LIKE via Assets_rows_unique0"
        ]
        client.close()
    finally:
        server.stop()


@pytest.mark.parametrize(
    "condition, found",
    [
        # a date against a timestamp compares as its midnight (PostgreSQL's promotion): the van's 2025-01-15
        ("\"PurchaseDate\" >= TIMESTAMP '2025-01-15 00:00'", True),
        ("\"PurchaseDate\" >= TIMESTAMP '2025-01-15 00:00:01'", False),
        ("\"PurchaseDate\" > '2025-01-14 23:00'::timestamp", True),
        ("\"PurchaseDate\" < '2025-01-15 00:00:00.5'::timestamp", True),
        ("\"PurchaseDate\" <= '2025-01-14 23:59:59'::timestamp", False),
        ("'2025-01-15 00:00'::timestamp <= \"PurchaseDate\"", True),
        ("\"PurchaseDate\" BETWEEN TIMESTAMP '2025-01-14 12:00' AND TIMESTAMP '2025-01-15 12:00'", True),
        ("\"PurchaseDate\" BETWEEN TIMESTAMP '2025-01-15 00:00:01' AND TIMESTAMP '2025-01-16'", False),
        ("\"PurchaseDate\" >= now() - interval '100 years'", True),
    ],
)
def test_a_date_column_against_a_timestamp_over_the_bridge_reads_the_date_index(tmp_path, condition, found):
    """The translation of a date column compared with a timestamp keeps the column bare (no promotion of every row's
    date to a timestamp), so the store's date index reads it, and answers as PostgreSQL does (the conformance
    corpus compares more: types/date_column_*)."""
    from connector.bridge import registry
    from connector.bridge.translate import translate

    path = make_register(tmp_path / "register.db")
    con = connector.connect(str(path))
    registry.install(con.raw)
    translated = translate(f'SELECT "AssetNumber" FROM "Assets" WHERE {condition}').sql
    assert '"PurchaseDate" ||' not in translated
    (plan,) = [row[3] for row in con.execute(f"EXPLAIN QUERY PLAN {translated}").fetchall()]
    assert "PurchaseDate" in plan and "via Assets_rows_by_TenantId_PurchaseDate" in plan, plan
    assert con.execute(translated).fetchall() == ([(VAN,)] if found else [])
    con.close()


#: The characters the prefix search has to get right: cases, a mark and what it composes with, compatibility forms
#: (the Kelvin sign, a ligature), a letter whose case folds to two, the wildcards themselves.
_TRICKY = ["e", "E", "\u0301", "é", "=", "\u0338", "≠", "s", "ß", "K", "\u212a", "ﬁ", "f", "%", "_", "-", "1"]


@pytest.fixture(scope="module")
def tricky_names(tmp_path_factory):
    """A register whose asset numbers are every two-character string of :data:`_TRICKY` (one per unique key), and
    the same numbers in a plain table declared as Assets is."""
    con = connector.connect(str(tmp_path_factory.mktemp("tricky") / "register.db"))
    numbers = {}
    for first in _TRICKY:
        for second in _TRICKY:
            numbers.setdefault(unique_key(first + second), first + second)
    con.executemany("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('x', ?)", [(n,) for n in numbers.values()])
    con.commit()
    yield con, _plain(con)
    con.close()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pattern=st.lists(st.sampled_from([*_TRICKY, "*", "?"]), max_size=4).map("".join))
def test_like_and_glob_prefixes_give_a_plain_tables_answers(tricky_names, pattern):
    connection, plain = tricky_names
    for operator in ("LIKE", "GLOB"):
        sql = f"SELECT AssetId FROM Assets WHERE AssetNumber {operator} ? ORDER BY AssetId"
        assert connection.raw.execute(sql, (pattern,)).fetchall() == plain.execute(sql, (pattern,)).fetchall(), (
            operator,
            pattern,
        )
