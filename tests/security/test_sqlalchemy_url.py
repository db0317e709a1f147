"""``assets://`` takes every option ``connect()`` takes, and a misspelt one is refused rather than quietly ignored:
a URL that says read_only or tenants gets a connection that is read-only or restricted, or none at all."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import connector
from tests.security.conftest import ACME, GLOBEX, everything

sqlalchemy = pytest.importorskip("sqlalchemy")
exc = pytest.importorskip("sqlalchemy.exc")


def engine(path: Path, query: str) -> sqlalchemy.engine.Engine:
    return sqlalchemy.create_engine(f"assets:///{path}?{query}")


def test_read_only_in_the_url_refuses_writes(books: Path) -> None:
    before = everything(books)
    with engine(books, "read_only=true").connect() as con:
        assert con.execute(sqlalchemy.text('SELECT count(*) FROM "Assets"')).scalar() == 2
        with pytest.raises(exc.OperationalError, match="read-only"):
            con.execute(sqlalchemy.text("INSERT INTO Assets (AssetName) VALUES ('sneaked in')"))
            con.commit()
    assert everything(books) == before


@pytest.mark.parametrize("query", [f"tenants={ACME}", f"tenant={ACME}&tenants={ACME}", f"tenants={ACME},"])
def test_tenants_in_the_url_restrict_the_connection(books: Path, query: str) -> None:
    before = everything(books)
    with engine(books, query).connect() as con:
        names = {row[0] for row in con.execute(sqlalchemy.text("SELECT AssetName FROM Assets"))}
        assert names == {f"{ACME} van", f"{ACME} laptop"}
        with pytest.raises(exc.DatabaseError, match="not one of this connection's tenants"):
            con.execute(sqlalchemy.text("INSERT INTO Assets (AssetName, TenantId) VALUES ('x', :t)"), {"t": GLOBEX})
    assert everything(books) == before


@pytest.mark.parametrize(
    "query, complaint",
    [
        ("readonly=1", "unknown option 'readonly'"),
        ("tenant_list=Acme", "unknown option 'tenant_list'"),
        ("read_only=maybe", "'maybe' is not true or false"),
        ("read_only=1&read_only=0", "given 2 times"),
        ("timeout=soon", "'soon' is not a number of seconds"),
        ("tenants=,", "names no tenant"),
    ],
)
def test_an_unknown_or_malformed_option_is_refused(books: Path, query: str, complaint: str) -> None:
    before = everything(books)
    with pytest.raises(exc.ArgumentError, match=complaint):
        engine(books, query).connect()
    assert everything(books) == before


def test_every_option_of_connect_is_an_option_of_the_url() -> None:
    from connector.bridge.sqlalchemy import _URL_OPTIONS

    assert set(inspect.signature(connector.connect).parameters) - {"database"} == set(_URL_OPTIONS)
