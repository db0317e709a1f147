"""``check`` opens the file read-only and waits a while for a lock another connection holds, rather than failing."""

from __future__ import annotations

import threading
from pathlib import Path

import apsw
import pytest

import connector
from connector.check import Uncheckable, check


def _register(path: Path) -> None:
    con = connector.connect(str(path))
    con.execute("INSERT INTO Assets (AssetName) VALUES ('Desk')")
    con.commit()
    con.close()


def _locked_for(path: Path, seconds: float, locked: threading.Event) -> None:
    """Hold the file with an exclusive lock (a writer in exclusive locking mode) for ``seconds``."""
    raw = apsw.Connection(str(path))
    raw.execute("PRAGMA locking_mode = EXCLUSIVE")
    raw.execute("BEGIN EXCLUSIVE")
    locked.set()
    threading.Event().wait(seconds)
    raw.execute("COMMIT")
    raw.close()


def test_check_waits_for_a_lock_held_a_moment(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    _register(path)
    locked = threading.Event()
    holder = threading.Thread(target=_locked_for, args=(path, 0.5, locked))
    holder.start()
    locked.wait()
    try:
        assert check(path) == []
    finally:
        holder.join()


def test_check_says_the_file_is_locked_when_the_lock_outlasts_its_timeout(tmp_path: Path) -> None:
    path = tmp_path / "register.db"
    _register(path)
    locked = threading.Event()
    holder = threading.Thread(target=_locked_for, args=(path, 1.0, locked))
    holder.start()
    locked.wait()
    try:
        with pytest.raises(Uncheckable, match="locked"):
            check(path, timeout=0)
    finally:
        holder.join()
    assert check(path) == []
