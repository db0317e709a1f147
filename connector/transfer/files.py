"""What the command lines check about the files they are given before they open, create or read one.

Nothing is created unless asked: a command that opens a register refuses a missing file, an empty one, a directory
and a file that is not a register, saying which; only ``import`` (into a new file) and the console (``--create``, or
a new file named ``.db``, ``.sqlite`` or ``.sqlite3``) create one. A file read as input must be a regular, readable
file: a directory, a FIFO or a dangling link is refused before anything reads it (a FIFO would block).
"""

from __future__ import annotations

import contextlib
import difflib
import os
import shutil
import stat
from collections.abc import Iterable, Iterator

import apsw

from connector.store.layout import APPLICATION_ID

#: The names a new register file may have for the console to create it without ``--create``.
DATABASE_EXTENSIONS = (".db", ".sqlite", ".sqlite3")

#: The commands ``assets-sql`` takes before a file name.
SUBCOMMANDS = ("import", "export", "serve", "passwd", "check")

_SQLITE_HEADER = b"SQLite format 3\x00"


class FileRefused(Exception):
    """A file a command was given that it cannot use; the message says what the file is and what to do."""


def memory(path: str) -> bool:
    return path == ":memory:" or path == ""


def register_problem(path: str, *, convert: bool = False) -> str | None:
    """Why ``path`` cannot be opened as an existing register, or None when it can (or when ``convert`` and it is an
    SQLite database that is not one yet)."""
    if memory(path):
        return None
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return "dangling link: no such register file" if os.path.islink(path) else "no such register file"
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if stat.S_ISDIR(status.st_mode):
        return "is a directory, not a register file"
    if not stat.S_ISREG(status.st_mode):
        return "is not a regular file (a FIFO, device or socket), not a register file"
    if status.st_size == 0:
        return "is an empty file, not a register"
    try:
        with open(path, "rb") as stream:
            header = stream.read(100)
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if len(header) < 100 or not header.startswith(_SQLITE_HEADER):
        return "is not an SQLite database, so not a register file"
    if convert:
        return None  # connecting makes it a register, or says why not
    try:
        reader = apsw.Connection(path, flags=apsw.SQLITE_OPEN_READONLY)
        try:
            marked = reader.execute("PRAGMA application_id").fetchall()[0][0] == APPLICATION_ID
            tables = reader.execute("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").fetchall()[0][0]
        finally:
            reader.close()
    except apsw.Error as error:
        return f"cannot be opened as an SQLite database ({error})"
    if not marked:
        return (
            f"is an SQLite database with {tables} table(s) of its own, not a register; --convert (in the console "
            "and import) makes it one, keeping its tables"
        )
    return None


def creatable_problem(path: str) -> str | None:
    """Why a new register cannot be made at ``path`` (missing), or None."""
    folder = os.path.dirname(path) or "."
    if os.path.islink(path):
        return "is a dangling link; give the file's own name"
    if not os.path.isdir(folder):
        return f"cannot be created: no such folder {folder}"
    return None


def missing(path: str) -> bool:
    return not memory(path) and not os.path.lexists(path)


def input_problem(path: str) -> str | None:
    """Why ``path`` cannot be read as an input file (a script, a CSV or JSON file, a users file), or None."""
    if path == "-":
        return None
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return "dangling link: the file it names does not exist" if os.path.islink(path) else "no such file"
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if stat.S_ISDIR(status.st_mode):
        return "is a directory, not a file"
    if not stat.S_ISREG(status.st_mode):
        return "is not a regular file (a FIFO, device or socket); give a file"
    if not os.access(path, os.R_OK):
        return "cannot be read (permission denied)"
    return None


def output_problem(path: str) -> str | None:
    """Why ``path`` cannot be written as an output file, or None."""
    if os.path.isdir(path):
        return "is a directory; give a file name"
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        return f"no such folder {folder}"
    if os.path.lexists(path) and not os.path.exists(path):
        return "is a dangling link"
    if os.path.exists(path) and not stat.S_ISREG(os.stat(path).st_mode):
        return "is not a regular file; give a file name"
    return None


def suggestion(word: str, choices: Iterable[str] = SUBCOMMANDS) -> str | None:
    """The subcommand ``word`` is likely a misspelling of (``exprot`` gives ``export``), or None."""
    if os.sep in word or "." in word:
        return None
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def has_database_extension(path: str) -> bool:
    return path.lower().endswith(DATABASE_EXTENSIONS)


def remove_register(path: str) -> None:
    """Remove a register file this command created, with its WAL and shared-memory files."""
    for name in (path, f"{path}-wal", f"{path}-shm", f"{path}-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)


@contextlib.contextmanager
def removed_unless_kept(path: str, new: bool) -> Iterator[list[bool]]:
    """Remove the register at ``path`` when ``new`` and the block ends without setting ``kept[0]``.

    >>> with removed_unless_kept("/nonexistent/x.db", True) as kept:
    ...     kept[0] = True
    """
    kept = [False]
    try:
        yield kept
    finally:
        if new and not kept[0] and not memory(path):
            remove_register(path)


@contextlib.contextmanager
def restored_unless_kept(path: str, guard: bool) -> Iterator[list[bool]]:
    """When ``guard``, keep a copy of the file at ``path`` (an SQLite file about to be converted into a register) and
    put it back when the block ends without setting ``kept[0]``: a failed command leaves the file as it was."""
    kept = [False]
    if not guard:
        yield kept
        return
    copies = {name: f"{name}.before-convert" for name in (path, f"{path}-wal") if os.path.exists(name)}
    for name, copy in copies.items():
        shutil.copy2(name, copy)
    try:
        yield kept
    finally:
        if kept[0]:
            for copy in copies.values():
                with contextlib.suppress(FileNotFoundError):
                    os.remove(copy)
        else:
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(f"{path}{suffix}")
            for name, copy in copies.items():
                os.replace(copy, name)
