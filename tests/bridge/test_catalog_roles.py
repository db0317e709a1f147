"""The catalog tables psql's \\du and tools read about roles and languages: pg_language lists PostgreSQL's own,
pg_auth_members is there and empty (no role is a member of another), and the session's role is a superuser's."""

from __future__ import annotations

import psycopg


def test_pg_language_and_pg_auth_members(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as con:
        assert con.execute("SELECT lanname FROM pg_language ORDER BY 1").fetchall() == [
            ("c",),
            ("internal",),
            ("plpgsql",),
            ("sql",),
        ]
        assert con.execute("SELECT count(*) FROM pg_catalog.pg_auth_members").fetchone() == (0,)


def test_psqls_du_shows_the_owner_as_a_superuser(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as con:
        row = con.execute(
            "SELECT r.rolsuper, r.rolreplication, r.rolbypassrls, "
            "ARRAY(SELECT b.rolname FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles b ON (m.roleid = b.oid) "
            "WHERE m.member = r.oid) AS memberof "
            "FROM pg_catalog.pg_roles r WHERE r.rolname = current_user"
        ).fetchone()
    assert row == (True, True, True, [])


def test_an_array_of_an_expression_subquery_as_psqls_dp_writes_it(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as con:
        row = con.execute(
            'SELECT ARRAY(SELECT "AssetNumber" || \':\' || "AssetName" FROM "Assets" ORDER BY 1), '
            "pg_catalog.array_to_string(ARRAY(SELECT attname || E':\\n' FROM pg_catalog.pg_attribute "
            "WHERE attrelid = c.oid AND attacl IS NOT NULL), E'\\n') FROM pg_catalog.pg_class c "
            "WHERE c.relname = 'Assets'"
        ).fetchone()
    assert row == (["FA-0042:Corporate van", "FA-0100:Laptop"], "")
