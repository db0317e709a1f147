"""The oracle, once per test session: a live `assets-sql serve` and a real PostgreSQL 15 holding the same rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conformance.servers import Servers, postgres_binaries, started


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    if postgres_binaries() is None:
        pytest.skip("PostgreSQL 15 is not installed (CI installs it: apt-get install postgresql)")
    with started() as both:
        yield both
