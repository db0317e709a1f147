"""The bridge's catalog shows a restricted session only its own tenants' tables, views and indexes (and the
register's), never another tenant's and never the owners' record (``assets_sql_owners``), which no one sees. Each
listing a client might use is tried: pg_class, psql's ``\\dt`` query, information_schema, pg_indexes, pg_views,
regclass and to_regclass, and the file's own sqlite_schema."""

from __future__ import annotations

from pathlib import Path

import pytest

import connector
from connector.bridge import users
from connector.bridge.auth import ScramKeys
from connector.check import check
from tests.security.conftest import ACME, GLOBEX, dsn, everything
from tests.security.test_own_objects import tenants_objects

B_OBJECTS = {"b_notes", "b_summary", "b_view", "b_index", "b_log", "b_trigger"}
A_OBJECTS = {"a_inbox"}
OWNERS = "assets_sql_owners"

#: Listings of names: each query answers one column of names.
LISTINGS = [
    "SELECT relname FROM pg_catalog.pg_class",
    "SELECT c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r','p','v','m','S','f','') AND n.nspname <> 'pg_catalog' "
    "AND n.nspname !~ '^pg_toast' AND n.nspname <> 'information_schema' AND pg_catalog.pg_table_is_visible(c.oid)",
    "SELECT table_name FROM information_schema.tables",
    "SELECT table_name FROM information_schema.columns",
    "SELECT table_name FROM information_schema.views",
    "SELECT indexname FROM pg_catalog.pg_indexes",
    "SELECT tablename FROM pg_catalog.pg_indexes",
    "SELECT viewname FROM pg_catalog.pg_views",
    "SELECT tablename FROM pg_catalog.pg_tables",
    "SELECT tgname FROM pg_catalog.pg_trigger",
    "SELECT relname FROM pg_catalog.pg_stat_user_tables",
]

#: The file's own list of objects, every way a statement can name it: refused to a restricted session.
FILE_LISTINGS = [
    "SELECT name FROM sqlite_schema",
    'SELECT name FROM main."SQLITE_MASTER"',
    "SELECT sql FROM Sqlite_Master WHERE name LIKE 'b_%'",
    "SELECT (SELECT group_concat(name) FROM sqlite_schema)",
    "WITH s AS (SELECT name FROM sqlite_master) SELECT * FROM s",
    "SELECT name FROM pragma_table_list",
    "SELECT name FROM pragma_table_list()",
]


@pytest.fixture
def tenant_users(tmp_path: Path) -> Path:
    path = tmp_path / "users.toml"
    sections = [
        users.section(name, ScramKeys.derive(f"{name} pass"), tenants=tenants)
        for name, tenants in (("a", [ACME]), ("b", [GLOBEX]), ("owner", []))
    ]
    path.write_text("\n".join(sections), encoding="utf-8")
    return path


def names(connection, sql: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {str(row[0]).lower() for row in connection.execute(sql).fetchall()}


def test_a_restricted_session_lists_only_its_own_tenants_objects(books: Path, tenant_users: Path, serve) -> None:
    psycopg = pytest.importorskip("psycopg")
    tenants_objects(books)
    before = everything(books)
    _, port = serve(books, users=users.load(tenant_users))
    for user, theirs, others in (("a", A_OBJECTS, B_OBJECTS), ("b", B_OBJECTS, A_OBJECTS)):
        with psycopg.connect(dsn(port, user, f"{user} pass"), autocommit=True) as session:
            seen: set[str] = set()
            for sql in LISTINGS:
                found = names(session, sql)
                assert not found & others, (user, sql, found & others)
                assert OWNERS not in found, (user, sql)
                seen |= found
            assert (theirs - {"b_trigger"}) | {"assets"} <= seen  # the register's and its own (no trigger is listed)
            for name in others | {OWNERS}:
                assert session.execute("SELECT to_regclass(%s)", (name,)).fetchone() == (None,)
                unknown = session.execute("SELECT 'no_such_relation'::regclass").fetchone()
                assert session.execute(f"SELECT '{name}'::regclass").fetchone() == unknown  # as if it were not there
            for sql in FILE_LISTINGS:
                with pytest.raises(psycopg.Error) as refused:
                    session.execute(sql).fetchall()
                assert refused.value.sqlstate == "42501", (sql, refused.value)
            for sql in (f"SELECT name FROM pragma_table_info('{name}')" for name in others):
                with pytest.raises(psycopg.Error) as refused:
                    session.execute(sql).fetchall()
                assert refused.value.sqlstate == "42501", (sql, refused.value)
    assert everything(books) == before
    assert check(books) == []


def test_the_files_owner_lists_every_tenants_objects_but_not_the_owners_record(
    books: Path, tenant_users: Path, serve
) -> None:
    psycopg = pytest.importorskip("psycopg")
    tenants_objects(books)
    _, port = serve(books, users=users.load(tenant_users))
    with psycopg.connect(dsn(port, "owner", "owner pass"), autocommit=True) as owner:
        seen: set[str] = set()
        for sql in LISTINGS:
            found = names(owner, sql)
            assert OWNERS not in found, sql
            seen |= found
        assert {"b_notes", "b_summary", "b_view", "b_index", "a_inbox"} <= seen
        assert owner.execute("SELECT to_regclass(%s)", (OWNERS,)).fetchone() == (None,)


def test_a_restricted_connection_reads_no_other_tenants_description_in_process(books: Path) -> None:
    tenants_objects(books)
    before = everything(books)
    a = connector.connect(str(books), tenants=[ACME], autocommit=True)
    for sql in (
        "PRAGMA table_list",
        "SELECT name FROM pragma_table_list",
        "PRAGMA table_info(b_notes)",
        "SELECT name FROM pragma_table_xinfo('b_summary')",
        "SELECT name FROM pragma_index_list('b_summary')",
        "SELECT name FROM pragma_index_info('b_index')",
        "PRAGMA foreign_key_list(b_notes)",
    ):
        with pytest.raises(connector.ProgrammingError, match="restricted to some tenants|belongs to other tenants"):
            a.execute(sql).fetchall()
    assert [row[0] for row in a.execute("SELECT name FROM pragma_table_info('a_inbox')")] == [
        "number",
        "name",
        "description",
    ]
    a.close()
    assert everything(books) == before
