"""The oracle holds what the register holds: the same tables, columns, types and rows on both servers."""

from __future__ import annotations

import psycopg

from tests.conformance.servers import CATALOG, Servers


def test_postgresql_holds_the_registers_tables_with_the_bridges_types(servers: Servers) -> None:
    with psycopg.connect(servers.bridge) as bridge, psycopg.connect(servers.postgres) as postgres:
        described = bridge.execute(CATALOG).fetchall()
        assert described == postgres.execute(CATALOG).fetchall()
        assert {"Assets", "AssetTypes", "ValueUpdates", "DepreciationRuns"} <= {row[0] for row in described}


def test_postgresql_holds_the_same_rows(servers: Servers) -> None:
    # Compared as the values psycopg reads from text (how each server prints them is the corpus's business).
    with psycopg.connect(servers.bridge) as bridge, psycopg.connect(servers.postgres) as postgres:
        tables = sorted({row[0] for row in bridge.execute(CATALOG)})
        for table in tables:
            query = f'SELECT * FROM "{table}" ORDER BY 1'
            assert bridge.execute(query).fetchall() == postgres.execute(query).fetchall(), table
        counts = dict(postgres.execute('SELECT "AssetStatus", count(*) FROM "Assets" GROUP BY 1').fetchall())
        assert counts == {"Registered": 5, "Draft": 3}
        assert postgres.execute('SELECT count(*) FROM "DepreciationRuns"').fetchone() == (1,)
