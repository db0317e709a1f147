"""dbt-postgres against a live `assets-sql serve` and against PostgreSQL 15 with the same rows (see dbt.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance import corpus, dbt
from tests.conformance.servers import Servers


@pytest.fixture(scope="module")
def answers(servers: Servers) -> dict[str, dict[str, Any]]:
    found = dbt.executable()
    if found is None:
        pytest.skip("dbt is not installed: .ci/run installs it in .ci-dbt (or give ASSETS_SQL_DBT=/path/to/dbt)")
    return dbt.run(servers, found)


@pytest.mark.parametrize("key", dbt.CHECKS)
def test_dbt_step_answers_as_on_postgresql(answers: dict[str, dict[str, Any]], key: str) -> None:
    corpus.judge(key, answers[key])


def test_dbt_succeeds_on_postgresql(answers: dict[str, dict[str, Any]]) -> None:
    # The oracle's own answers: every step passes there, so a step failing on the bridge is the bridge's.
    for key in dbt.CHECKS:
        assert answers[key]["driver"]["postgres"]["answer"]["exit"] == "int:0", key
