"""``check`` opens the file read-only and waits a while for a lock another connection holds, rather than failing."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import apsw
import pytest

import connector
from connector.check import Uncheckable, check


@pytest.fixture
def register(tmp_path: Path) -> Path:
    path = tmp_path / "register.db"
    con = connector.connect(str(path))
    con.execute("INSERT INTO Assets (AssetName) VALUES ('Desk')")
    con.commit()
    con.close()
    return path


def _hold(path: Path, seconds: float, locked: threading.Event) -> None:
    """Hold the file with an exclusive lock (a writer in exclusive locking mode) for ``seconds``."""
    raw = apsw.Connection(str(path))
    raw.execute("PRAGMA locking_mode = EXCLUSIVE")
    raw.execute("BEGIN EXCLUSIVE")
    locked.set()
    threading.Event().wait(seconds)
    raw.execute("COMMIT")
    raw.close()


@contextlib.contextmanager
def locked_for(path: Path, seconds: float) -> Iterator[None]:
    """Another connection holds the file locked from the start of the block, for ``seconds``."""
    locked = threading.Event()
    holder = threading.Thread(target=_hold, args=(path, seconds, locked))
    holder.start()
    locked.wait()
    try:
        yield
    finally:
        holder.join()


def test_check_waits_for_a_lock_held_a_moment(register: Path) -> None:
    with locked_for(register, 0.5):
        assert check(register) == []


def test_check_says_the_file_is_locked_when_the_lock_outlasts_its_timeout(register: Path) -> None:
    with locked_for(register, 1.0), pytest.raises(Uncheckable, match="locked"):
        check(register, timeout=0)
    assert check(register) == []
