"""Real drivers against a live `assets-sql serve` and against PostgreSQL 15 holding the same rows: asyncpg,
psycopg 3 in binary mode, pg8000, polars with connectorx and with ADBC. Each answer must be PostgreSQL's, unless
differences.toml lists the check (drivers/name); a listed check that agrees now must leave the list."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance import corpus, drivers
from tests.conformance.servers import Servers


@pytest.fixture(scope="module")
def answers(servers: Servers) -> dict[str, dict[str, Any]]:
    return drivers.run(servers)


@pytest.mark.parametrize("key", [f"drivers/{name}" for name in drivers.CHECKS])
def test_driver_answers_as_on_postgresql(answers: dict[str, dict[str, Any]], key: str) -> None:
    corpus.judge(key, answers[key])


def test_every_driver_is_checked() -> None:
    names = "\n".join(drivers.CHECKS)
    for driver in ("asyncpg_prepared", "asyncpg_copy_from_query", "asyncpg_transaction", "asyncpg_table_assets"):
        assert driver in names
    for driver in ("psycopg_binary", "pg8000", "polars_connectorx", "polars_adbc"):
        assert driver in names
