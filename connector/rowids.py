"""The rowids a connection shows for register rows: a keyed permutation of the store's rowids.

The store numbers rows across every tenant of a file, so its rowids would tell a connection that may see one
tenant how many rows the others have (the gaps between its own). Each connection shows them through a permutation
keyed by a secret of its own, and maps them back when a statement names a row by rowid.

>>> cipher = RowidCipher(b"0123456789abcdef")
>>> shown = [cipher.shown(rowid) for rowid in (1, 2, 3)]
>>> [cipher.stored(value) for value in shown]
[1, 2, 3]
>>> len(set(shown)), all(0 <= value < 2**62 for value in shown)
(3, True)
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Callable, Iterator

import apsw

_HALF = 31
_MASK = (1 << _HALF) - 1
_ROUNDS = 4
#: Rowids the permutation covers: [0, 2**62). SQLite hands out rowids one above the largest so far.
LIMIT = 1 << (2 * _HALF)


class RowidCipher:
    """A four-round Feistel network over 62-bit numbers, its rounds keyed BLAKE2b."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(16)

    def _round(self, number: int, half: int) -> int:
        digest = hashlib.blake2b(half.to_bytes(4, "little"), digest_size=4, key=self._key, salt=bytes([number]) * 16)
        return int.from_bytes(digest.digest(), "little") & _MASK

    def shown(self, rowid: int) -> int:
        if not 0 <= rowid < LIMIT:
            raise OverflowError(f"rowid {rowid} is beyond what the register shows (2**62)")
        left, right = rowid >> _HALF, rowid & _MASK
        for number in range(_ROUNDS):
            left, right = right, left ^ self._round(number, right)
        return (left << _HALF) | right

    def stored(self, shown: int) -> int:
        if not 0 <= shown < LIMIT:
            return -1  # no row was ever shown with it
        left, right = shown >> _HALF, shown & _MASK
        for number in reversed(range(_ROUNDS)):
            left, right = right ^ self._round(number, left), left
        return (left << _HALF) | right


class LastInsert:
    """``last_insert_rowid()`` on a register connection: the rowid of the connection's last insert as the connection
    shows it. SQLite's own gives the store's rowid of the last storage row written, which counts every tenant's rows;
    a row of the register's is given through the connection's cipher instead (as ``SELECT rowid`` shows it), a row of
    the connection's own tables as it is.
    """

    def __init__(
        self,
        connection: apsw.Connection,
        cipher: RowidCipher,
        is_storage: Callable[[str], bool],
        bookkeeping: frozenset[str] = frozenset(),
    ) -> None:
        self.cipher = cipher
        self.is_storage = is_storage
        #: Tables (lower case) the register writes beside a row, such as the change log: their inserts are no one's.
        self.bookkeeping = bookkeeping
        #: The table and the store's rowid of the last insert; shown through the cipher only when asked for, since
        #: the hook sees every row a bulk write inserts (four keyed hashes a row cost an import a tenth of its time).
        self._last: tuple[str, int] | None = None
        self._connection = connection
        self._told = 0
        connection.set_update_hook(self._changed)
        connection.create_scalar_function("last_insert_rowid", self._last_insert_rowid, 0)  # type: ignore[arg-type]

    @property
    def value(self) -> int:
        if self._last is None:
            return 0
        table, rowid = self._last
        return self.cipher.shown(rowid) if self.is_storage(table) else rowid

    @contextlib.contextmanager
    def told(self) -> Iterator[None]:
        """Bulk inserts whose caller tells the last row it inserted (:meth:`inserted`): the hook is off meanwhile, as
        a call into Python for every row cost an import a twentieth of its time. Nested ones turn it on again when
        the outermost ends."""
        if self._told == 0:
            self._connection.set_update_hook(None)
        self._told += 1
        try:
            yield
        finally:
            self._told -= 1
            if self._told == 0:
                self._connection.set_update_hook(self._changed)

    def inserted(self, table: str, rowid: int) -> None:
        """A bulk insert (:meth:`told`) put its last row in ``table`` at the store's ``rowid``."""
        self._changed(apsw.SQLITE_INSERT, "main", table, rowid)

    def _changed(self, kind: int, database: str, table: str, rowid: int) -> None:
        if kind == apsw.SQLITE_INSERT and table.lower() not in self.bookkeeping:
            self._last = table, rowid

    def _last_insert_rowid(self) -> int:
        return self.value
