"""A real PostgreSQL 15 for the publishing tests: initdb into a temporary folder (as the ``postgres`` user when the
tests run as root), a server on a port of its own, a fresh database for each test."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

psycopg = pytest.importorskip("psycopg")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a test that takes seconds on purpose (a lag measured, faults injected)")


#: The ports these tests may take.
PORTS = range(55480, 55500)


class Postgres:
    """A PostgreSQL server of the tests' own."""

    def __init__(self, folder: Path) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            pytest.skip("PostgreSQL is not installed (/usr/lib/postgresql/*/bin)")
        self.binaries = Path(found[-1]).parent
        self.folder = folder
        self.data = folder / "pgdata"
        self.user = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
        if self.user:
            shutil.chown(folder, "postgres")
        subprocess.run(
            [*self.user, str(self.binaries / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "publisher"],
            check=True,
            capture_output=True,
        )
        self.port = _free_port()
        self.server: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        self.server = subprocess.Popen(
            [
                *self.user,
                str(self.binaries / "postgres"),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-k",
                str(self.folder),
                "-h",
                "127.0.0.1",
                "-c",
                "fsync=off",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                psycopg.connect(self.dsn("postgres")).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not start")

    def stop(self) -> None:
        if self.server is not None:
            subprocess.run(
                [*self.user, str(self.binaries / "pg_ctl"), "-D", str(self.data), "stop", "-m", "fast"],
                capture_output=True,
            )
            self.server.wait(timeout=60)
            self.server = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def dsn(self, database: str, user: str = "publisher") -> str:
        return f"host=127.0.0.1 port={self.port} dbname={database} user={user}"

    def url(self, database: str) -> str:
        return f"postgresql://publisher@127.0.0.1:{self.port}/{database}"


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    folder = Path(tempfile.mkdtemp(prefix="publish-pg-"))
    server = Postgres(folder)
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def database(postgres: Postgres) -> str:
    """The name of a fresh database for one test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres.dsn("postgres"), autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    return name


@pytest.fixture
def login_role(postgres: Postgres, database: str) -> Callable[[str], str]:
    """Makes a login role for this test alone (roles are the cluster's, shared by every test database: a name two
    tests both used would carry the first test's grants into the second's) and gives its name."""

    def make(base: str) -> str:
        name = f"{base}_{database}"
        with psycopg.connect(postgres.dsn("postgres"), autocommit=True) as con:
            con.execute(f"CREATE ROLE {name} LOGIN")
        return name

    return make
