"""Every corpus entry answers the same on the bridge as on PostgreSQL 15, each way a client may ask, unless
differences.toml lists it; a listed entry that agrees now must leave the list (python -m tests.conformance --update)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance import corpus, dbt, drivers
from tests.conformance.servers import Servers

ENTRIES = corpus.everything()


@pytest.fixture(scope="module")
def answers(servers: Servers) -> dict[str, dict[str, Any]]:
    return corpus.run(ENTRIES, servers.bridge, servers.postgres)


@pytest.mark.parametrize("key", [entry.key for entry in ENTRIES])
def test_entry_answers_as_postgresql(answers: dict[str, dict[str, Any]], key: str) -> None:
    corpus.judge(key, answers[key])


def test_every_listed_difference_is_a_corpus_entry_or_a_check() -> None:
    keys = {entry.key for entry in ENTRIES} | {f"drivers/{name}" for name in drivers.CHECKS} | set(dbt.CHECKS)
    assert not set(corpus.listed()) - keys, "differences.toml lists entries the corpus and the checks no longer have"


def test_the_corpus_runs_every_way() -> None:
    assert len(ENTRIES) >= 200
    assert {entry.file for entry in ENTRIES} >= {"binary", "describe", "parameters", "catalog", "copy", "ddl"}


def test_every_entry_was_run_every_way(answers: dict[str, dict[str, Any]]) -> None:
    for entry in ENTRIES:
        expected = [mode for mode in corpus.MODES if not (mode == "simple" and entry.params)]
        assert list(answers[entry.key]) == expected, entry.key
