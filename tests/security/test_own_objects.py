"""Tenants' own objects are theirs: a restricted connection's tables, views, indexes and triggers are private to its
tenants, and nothing one tenant defines runs in another tenant's statement. The issue's attacks, in-process and over
the bridge (a user for each tenant), each checked to change nothing."""

from __future__ import annotations

from pathlib import Path

import apsw
import pytest

import connector
from connector.bridge import users
from connector.bridge.auth import ScramKeys
from connector.check import check
from connector.guard import OWNERS
from tests.helpers import internal
from tests.security.conftest import ACME, GLOBEX, dsn, everything, tenant_id

SPY = (
    "CREATE TRIGGER spy AFTER INSERT ON b_notes BEGIN INSERT INTO a_inbox SELECT AssetNumber, AssetName, Description "
    "FROM Assets; DELETE FROM Assets WHERE AssetStatus = 'Draft'; END"
)
#: What A tries on B's objects.
ON_B = [
    "SELECT * FROM b_summary",
    "DROP TABLE b_summary",
    "CREATE TABLE b_summary (replaced)",
    "ALTER TABLE b_summary ADD COLUMN sneaked",
    "ALTER TABLE b_summary RENAME TO mine_now",
    "INSERT INTO b_notes VALUES ('from A')",
    "UPDATE b_notes SET body = 'A was here'",
    "DELETE FROM b_notes",
    "CREATE INDEX b_notes_body ON b_notes (body)",
    "DROP VIEW b_view",
    "SELECT * FROM b_view",
    "DROP INDEX b_index",
    "DROP TRIGGER b_trigger",
    SPY,
    "CREATE TEMP TRIGGER spy AFTER INSERT ON b_notes BEGIN SELECT 1; END",
    "WITH s AS (SELECT * FROM b_summary) SELECT count(*) FROM s",
    "SELECT (SELECT count(*) FROM b_notes)",
]


def tenants_objects(path: Path) -> None:
    """B's table, summary, view, index and trigger, made by B; A's inbox, made by A."""
    b = connector.connect(str(path), tenants=[GLOBEX], autocommit=True)
    b.execute("CREATE TABLE b_notes (body TEXT)")
    b.execute("CREATE TABLE b_summary AS SELECT AssetNumber, AssetName FROM Assets")
    b.execute("CREATE VIEW b_view AS SELECT * FROM b_summary")
    b.execute("CREATE INDEX b_index ON b_summary (AssetNumber)")
    b.execute("CREATE TABLE b_log (n)")
    b.execute("CREATE TRIGGER b_trigger AFTER INSERT ON b_notes BEGIN INSERT INTO b_log VALUES (1); END")
    b.close()
    a = connector.connect(str(path), tenants=[ACME], autocommit=True)
    a.execute("CREATE TABLE a_inbox (number, name, description)")
    a.close()


@pytest.fixture
def shared(books: Path) -> Path:
    tenants_objects(books)
    return books


@pytest.mark.parametrize("sql", ON_B)
def test_a_cannot_read_change_drop_or_replace_bs_objects(shared: Path, sql: str) -> None:
    before = everything(shared)
    a = connector.connect(str(shared), tenants=[ACME], autocommit=True)
    with pytest.raises(connector.ProgrammingError, match="belongs to other tenants|the name is taken"):
        a.execute(sql).fetchall()
    a.close()
    assert everything(shared) == before
    assert check(shared) == []


def test_bs_objects_still_work_for_b_and_the_files_owner(shared: Path) -> None:
    b = connector.connect(str(shared), tenants=[GLOBEX], autocommit=True)
    b.execute("INSERT INTO b_notes VALUES ('mine')")
    assert b.execute("SELECT count(*) FROM b_log").fetchone() == (1,)  # B's trigger runs in B's statement
    assert b.execute("SELECT AssetName FROM b_view ORDER BY 1").fetchall() == [("Globex laptop",), ("Globex van",)]
    b.execute("DROP VIEW b_view")
    b.close()
    owner = connector.connect(str(shared), autocommit=True)
    assert owner.execute("SELECT count(*) FROM b_summary").fetchone() == (2,)
    owner.close()


def test_a_tenants_trigger_never_runs_in_another_tenants_statement(books: Path) -> None:
    """Even on a table both may write: the file owner's table, or one the other tenant shares by having both
    tenants (a connection of A and B)."""
    both = connector.connect(str(books), tenants=[ACME, GLOBEX], autocommit=True)
    both.execute("CREATE TABLE shared_notes (body TEXT)")
    both.execute("CREATE TABLE shared_log (n)")
    both.close()
    a = connector.connect(str(books), tenants=[ACME], autocommit=True)
    with pytest.raises(connector.ProgrammingError, match="belongs to other tenants"):
        a.execute("CREATE TRIGGER on_shared AFTER INSERT ON shared_notes BEGIN SELECT 1; END")
    a.execute("CREATE TABLE a_notes (body TEXT)")
    a.execute(
        "CREATE TRIGGER a_watch AFTER INSERT ON a_notes BEGIN DELETE FROM Assets WHERE AssetStatus = 'Draft'; END"
    )
    a.close()
    before = everything(books)
    for options in ({}, {"tenants": [ACME, GLOBEX]}, {"tenants": [GLOBEX]}):
        con = connector.connect(str(books), autocommit=True, **options)
        with pytest.raises(connector.ProgrammingError):
            con.execute("INSERT INTO a_notes VALUES ('would fire a_watch')")
        con.close()
    assert everything(books) == before  # every tenant's drafts are there still
    a = connector.connect(str(books), tenants=[ACME], autocommit=True)
    a.execute("INSERT INTO a_notes VALUES ('fires a_watch, on A''s rows only')")
    assert a.execute("SELECT count(*) FROM Assets WHERE AssetStatus = 'Draft'").fetchone() == (0,)
    a.close()
    globex = connector.connect(str(books), tenant=GLOBEX)
    assert globex.execute("SELECT count(*) FROM Assets WHERE AssetStatus = 'Draft'").fetchone() == (1,)  # untouched
    globex.close()
    assert check(books) == []


def test_the_files_owner_makes_objects_restricted_connections_do_not_see(books: Path) -> None:
    owner = connector.connect(str(books), autocommit=True)
    owner.execute("CREATE TABLE everyone AS SELECT AssetName, TenantId FROM Assets")
    owner.close()
    before = everything(books)
    a = connector.connect(str(books), tenants=[ACME], autocommit=True)
    for sql in ("SELECT * FROM everyone", "DROP TABLE everyone", "DELETE FROM everyone"):
        with pytest.raises(connector.ProgrammingError, match="belongs to other tenants"):
            a.execute(sql).fetchall()
    a.close()
    assert everything(books) == before


def test_the_owners_record_is_the_registers_own(shared: Path) -> None:
    before = everything(shared)
    for options in ({}, {"tenants": [ACME]}):
        con = connector.connect(str(shared), autocommit=True, **options)
        for sql in (
            "SELECT * FROM assets_sql_owners",
            "INSERT OR REPLACE INTO assets_sql_owners VALUES ('b_summary', 'x')",
            "DELETE FROM assets_sql_owners",
            "DROP TABLE assets_sql_owners",
        ):
            with pytest.raises(connector.ProgrammingError):
                con.execute(sql).fetchall()
        con.close()
    assert everything(shared) == before


# -- over the bridge ---------------------------------------------------------------------------------------------


@pytest.fixture
def users_of_each_tenant(tmp_path: Path) -> Path:
    path = tmp_path / "users.toml"
    sections = [
        users.section(name, ScramKeys.derive(f"{name} pass"), tenants=[tenant], read_only=read_only)
        for name, tenant, read_only in (("a", ACME, False), ("a_reader", ACME, True), ("b", GLOBEX, False))
    ]
    path.write_text("\n".join(sections), encoding="utf-8")
    return path


def test_the_issues_spy_trigger_fails_over_the_bridge(books: Path, users_of_each_tenant: Path, serve) -> None:
    psycopg = pytest.importorskip("psycopg")
    _, port = serve(books, users=users.load(users_of_each_tenant))
    with psycopg.connect(dsn(port, "b", "b pass"), autocommit=True) as b:
        b.execute("CREATE TABLE b_notes (body text)")
        b.execute('CREATE TABLE b_summary AS SELECT "AssetNumber", "AssetName" FROM "Assets"')
    with psycopg.connect(dsn(port, "a", "a pass"), autocommit=True) as a:
        a.execute("CREATE TABLE a_inbox (number text, name text, description text)")
        before = everything(books)
        for sql in (
            SPY.replace("AssetNumber", '"AssetNumber"').replace("AssetName", '"AssetName"'),
            "SELECT * FROM b_summary",
            "DROP TABLE b_summary",
            "CREATE TABLE b_summary (replaced text)",
        ):
            with pytest.raises(psycopg.Error) as refused:
                a.execute(sql)
            assert refused.value.sqlstate in ("42501", "42P07"), (sql, refused.value)
    with psycopg.connect(dsn(port, "b", "b pass"), autocommit=True) as b:
        b.execute("INSERT INTO b_notes VALUES ('B writes its own notes')")
    with psycopg.connect(dsn(port, "a_reader", "a_reader pass"), autocommit=True) as reader:
        assert reader.execute("SELECT count(*) FROM a_inbox").fetchone() == (0,)
    after = everything(books)
    assert {key: value for key, value in after.items() if key != "schema"} == {
        key: value for key, value in before.items() if key != "schema"
    }
    assert check(books) == []


# -- the file's own list of objects, in-process ------------------------------------------------------------------

#: Every way an in-process statement of a restricted connection could read the file's list of objects.
SCHEMA_READS = [
    "SELECT name FROM sqlite_schema",
    'SELECT name FROM main."SQLITE_MASTER"',
    "SELECT sql FROM Sqlite_Master WHERE name LIKE 'b_%'",
    "SELECT count(*) FROM sqlite_schema",
    "SELECT 1 FROM sqlite_master LIMIT 1",
    "SELECT (SELECT group_concat(name) FROM sqlite_schema)",
    "WITH s AS (SELECT name FROM sqlite_master) SELECT * FROM s",
    "SELECT * FROM Assets WHERE AssetName IN (SELECT name FROM sqlite_schema)",
    "CREATE TABLE a_names AS SELECT name FROM sqlite_schema",
    "INSERT INTO a_inbox (number) SELECT name FROM sqlite_schema",
    "CREATE VIEW a_names AS SELECT name FROM sqlite_schema",
    "CREATE TRIGGER a_names AFTER INSERT ON a_inbox BEGIN INSERT INTO a_inbox (number) SELECT name FROM sqlite_schema; "
    "END",
]


@pytest.mark.parametrize("sql", SCHEMA_READS)
def test_a_restricted_connection_cannot_list_the_files_objects(shared: Path, sql: str) -> None:
    a = connector.connect(str(shared), tenants=[ACME], autocommit=True)
    before = everything(shared)
    with pytest.raises(connector.ProgrammingError, match="cannot read sqlite_schema: .*restricted to some tenants"):
        cursor = a.execute(sql)
        if cursor.description:
            cursor.fetchall()
        # a view or a trigger is made, but reads nothing until it runs: then it is refused
        if "VIEW" in sql:
            a.execute("SELECT * FROM a_names").fetchall()
        if "TRIGGER" in sql:
            a.execute("INSERT INTO a_inbox (number) VALUES ('x')")
    for cleanup in ("DROP VIEW IF EXISTS a_names", "DROP TRIGGER IF EXISTS a_names"):
        a.execute(cleanup)
    a.close()
    after = everything(shared)
    assert {key: value for key, value in after.items() if key != "schema"} == {
        key: value for key, value in before.items() if key != "schema"
    }
    assert [row for row in after["schema"] if "a_names" not in row[1]] == before["schema"]  # type: ignore[union-attr]
    assert check(shared) == []


def test_a_restricted_connections_own_ddl_still_works(shared: Path) -> None:
    """SQLite's own DDL reads and rewrites the list of objects as it goes: a restricted connection still creates,
    changes and drops its own tables, views, indexes and triggers, and reads the list no better afterwards, even
    after a DDL statement that failed half way."""
    a = connector.connect(str(shared), tenants=[ACME], autocommit=True)
    for sql in (
        "CREATE TABLE a_notes (body TEXT)",
        "CREATE TABLE a_copy AS SELECT AssetNumber, AssetName FROM Assets",
        "CREATE INDEX a_copy_number ON a_copy (AssetNumber)",
        "CREATE VIEW a_view AS SELECT * FROM a_copy",
        "CREATE TRIGGER a_trigger AFTER INSERT ON a_notes BEGIN INSERT INTO a_inbox (number) VALUES (new.body); END",
        "ALTER TABLE a_copy ADD COLUMN extra TEXT",
        "ALTER TABLE a_copy RENAME COLUMN extra TO more",
        "ALTER TABLE a_copy DROP COLUMN more",
        "ALTER TABLE a_notes RENAME TO a_notes2",
        "INSERT INTO a_notes2 VALUES ('noted')",
        "DROP INDEX a_copy_number",
        "DROP VIEW a_view",
        "DROP TRIGGER a_trigger",
    ):
        a.execute(sql)
    assert a.execute("SELECT number FROM a_inbox").fetchall() == [("noted",)]
    assert [row[1] for row in a.execute("PRAGMA table_info(a_copy)").fetchall()] == ["AssetNumber", "AssetName"]
    with pytest.raises(connector.ProgrammingError, match="use DROP TABLE"):
        a.execute("DROP VIEW a_copy")  # SQLite deletes from the list before it finds a_copy is no view
    with pytest.raises(connector.ProgrammingError, match="cannot read sqlite_schema"):
        a.execute("SELECT name FROM sqlite_schema").fetchall()
    assert internal(a).execute(f"SELECT name, tenants FROM {OWNERS} WHERE name GLOB 'a_*' ORDER BY 1").fetchall() == [
        ("a_copy", tenant_id(shared, ACME)),
        ("a_inbox", tenant_id(shared, ACME)),
        ("a_notes2", tenant_id(shared, ACME)),  # a renamed table is still its tenants'
    ]
    a.execute("DROP TABLE a_notes2")
    a.execute("DROP TABLE a_copy")
    a.close()
    owner = connector.connect(str(shared), autocommit=True)
    names = {name for (name,) in owner.execute("SELECT name FROM sqlite_schema WHERE name GLOB 'a_*'").fetchall()}
    assert names == {"a_inbox"}
    owner.close()
    assert check(shared) == []


def test_a_raw_apsw_connection_knows_the_owners_of_objects_made_after_it_opened(shared: Path) -> None:
    """A script's own APSW connection (connector.install()) is the file owner's: a tenant's trigger never runs in
    its statements, however long it has been open when the tenant makes one."""
    connector.install()
    try:
        raw = apsw.Connection(str(shared))
    finally:
        apsw.connection_hooks.remove(connector.hooks.attach)
    attached = apsw.Connection(str(shared))
    connector.attach(attached)
    for con in (raw, attached):
        con.execute("CREATE TABLE IF NOT EXISTS owners_notes (body TEXT)")
        assert con.execute("SELECT count(*) FROM owners_notes").get == 0
    a = connector.connect(str(shared), tenants=[ACME], autocommit=True)
    a.execute("CREATE TABLE a_watched (body TEXT)")
    a.execute(
        "CREATE TRIGGER a_watch AFTER INSERT ON a_watched BEGIN DELETE FROM Assets WHERE AssetStatus = 'Draft'; END"
    )
    a.close()
    before = everything(shared)
    for con in (raw, attached):
        with pytest.raises(apsw.AuthError):
            con.execute("INSERT INTO a_watched VALUES ('would fire a_watch as the owner')")
        with pytest.raises(apsw.AuthError):
            con.executemany("INSERT INTO a_watched VALUES (?)", [("again",)])
        con.close()
    assert everything(shared) == before
    assert check(shared) == []


def test_a_table_a_raw_connection_drops_and_makes_again_is_the_owners(shared: Path) -> None:
    """The owners' record forgets what a raw APSW connection drops: a table the file's owner makes again under the
    name of a tenant's dropped one is the owner's, not that tenant's."""
    raw = apsw.Connection(str(shared))
    connector.attach(raw)
    raw.execute("DROP TABLE b_log")
    raw.execute("CREATE TABLE b_log (secret TEXT)")
    raw.execute("INSERT INTO b_log VALUES ('the owner''s')")
    raw.close()
    b = connector.connect(str(shared), tenants=[GLOBEX], autocommit=True)
    with pytest.raises(connector.ProgrammingError, match="belongs to other tenants"):
        b.execute("SELECT * FROM b_log").fetchall()
    b.close()


def test_the_bridges_own_ways_with_views_and_tables_cannot_reach_another_tenants(
    books: Path, users_of_each_tenant: Path, serve
) -> None:
    """What the bridge runs as several statements (renaming a view, CREATE OR REPLACE VIEW, TRUNCATE, CREATE TABLE
    ... AS with its columns' types) runs them as the client's: A can neither rename, replace, empty nor take the
    name of B's objects, and B's stay as they were."""
    psycopg = pytest.importorskip("psycopg")
    _, port = serve(books, users=users.load(users_of_each_tenant))
    with psycopg.connect(dsn(port, "b", "b pass"), autocommit=True) as b:
        b.execute("CREATE TABLE b_notes (body text)")
        b.execute("INSERT INTO b_notes VALUES ('kept')")
        b.execute('CREATE VIEW b_view AS (SELECT "AssetNumber" FROM "Assets")')
    before = everything(books)
    with psycopg.connect(dsn(port, "a", "a pass"), autocommit=True) as a:
        for sql in (
            "ALTER TABLE b_view RENAME TO a_view",
            "ALTER VIEW b_view RENAME TO a_view",
            "CREATE OR REPLACE VIEW b_view AS SELECT 1 AS one",
            "TRUNCATE b_notes",
            "TRUNCATE TABLE b_notes, b_view",
            "CREATE TABLE b_notes AS SELECT 1 AS one",
            'CREATE TABLE "public"."b_notes" AS (SELECT "AssetNumber" FROM "Assets")',
        ):
            with pytest.raises(psycopg.Error) as refused:
                a.execute(sql)
            assert refused.value.sqlstate in ("42501", "42P07", "42P01", "42809"), (sql, refused.value)
        views = a.execute("SELECT count(*) FROM pg_class WHERE relname IN ('a_view', 'b_view')").fetchone()
        assert views == (0,)
    with psycopg.connect(dsn(port, "b", "b pass"), autocommit=True) as b:
        assert b.execute("SELECT body FROM b_notes").fetchall() == [("kept",)]
        assert b.execute("SELECT count(*) FROM b_view").fetchone()[0] > 0
    assert everything(books) == before
    assert check(books) == []
