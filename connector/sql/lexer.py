"""The little lexing the front door does before sqlglot: split a script into statements and find parameters.

SQLite accepts parameters in five spellings (``?``, ``?NNN``, ``:name``, ``@name``, ``$name``); sqlglot does not
read them all. :func:`normalise_parameters` rewrites each as a named parameter sqlglot understands, and says
which binding each stands for.

>>> [piece.text for piece in split("SELECT 1; SELECT ';' -- done;\\n")]
['SELECT 1', "SELECT ';' -- done;"]
>>> normalise_parameters("UPDATE t SET a = ?, b = ?5 WHERE c = :c AND d = ?")
('UPDATE t SET a = :_1, b = :_5 WHERE c = :c AND d = :_6', ('_1', '_5', 'c', '_6'))
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from connector.sql.limits import BoundedCache

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>--[^\n]*\n?|/\*.*?(?:\*/|\Z))
    | (?P<string>'[^']*(?:''[^']*)*'?)
    | (?P<quoted>"[^"]*(?:""[^"]*)*"?|`[^`]*(?:``[^`]*)*`?|\[[^\]]*\]?)
    | (?P<param>\?\d*|[:@$][A-Za-z_][A-Za-z0-9_$]*(?:::[A-Za-z0-9_]+)*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
    | (?P<semicolon>;)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Piece:
    """One statement of a script: its text and its first keyword (upper case; '' when there is none)."""

    text: str
    keyword: str


def tokens(sql: str) -> Iterator[tuple[str | None, str, int]]:
    """(kind, text, position) of every token of ``sql``."""
    for match in _TOKEN.finditer(sql):
        yield match.lastgroup, match.group(), match.start()


_SPLIT = BoundedCache()


def split(sql: str) -> tuple[Piece, ...]:
    """The statements of ``sql``, without their semicolons; empty statements are dropped.

    A CREATE TRIGGER body keeps its inner semicolons (they end at its END).
    """
    found = _SPLIT.get(sql)
    if found is None:
        found = _split(sql)
        _SPLIT.put(sql, found)
    return found


def _split(sql: str) -> tuple[Piece, ...]:
    pieces: list[Piece] = []
    start = 0
    words: list[str] = []
    in_trigger = False
    for kind, text, position in tokens(sql):
        if kind == "word":
            upper = text.upper()
            if len(words) < 4:
                words.append(upper)
                in_trigger = in_trigger or (words[0] == "CREATE" and upper == "TRIGGER")
            elif in_trigger and upper == "END":
                in_trigger = False
        elif kind == "semicolon" and not in_trigger:
            _add(pieces, sql[start:position], words)
            start, words = position + 1, []
    _add(pieces, sql[start:], words)
    return tuple(pieces)


def _add(pieces: list[Piece], text: str, words: list[str]) -> None:
    stripped = text.strip()
    if stripped and words:
        pieces.append(Piece(stripped, words[0]))
    elif stripped and not all(kind in ("space", "comment") for kind, _, _ in tokens(stripped)):
        pieces.append(Piece(stripped, ""))


def identifiers(sql: str) -> list[str]:
    """Every name in ``sql`` (words and quoted identifiers, unquoted), in order; strings and comments are not names.

    >>> identifiers("CREATE VIEW v AS SELECT 'Assets_rows', [x], \\"my t\\" FROM t -- Assets_rows")
    ['CREATE', 'VIEW', 'v', 'AS', 'SELECT', 'x', 'my t', 'FROM', 't']
    """
    names = []
    for kind, text, _ in tokens(sql):
        if kind == "word":
            names.append(text)
        elif kind == "quoted":
            quote = text[0]
            inner = text[1:-1] if len(text) > 1 and text[-1] in '"`]' else text[1:]
            names.append(inner.replace(quote * 2, quote) if quote != "[" else inner)
    return names


def normalise_parameters(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` with every parameter spelled ``:name``, and the names in order of appearance.

    Positional parameters become ``_N`` for the N-th binding, numbered as SQLite numbers them.
    """
    out: list[str] = []
    names: list[str] = []
    last = 0
    for kind, text, _ in tokens(sql):
        if kind == "param":
            if text.startswith("?"):
                number = int(text[1:]) if len(text) > 1 else last + 1
                last = max(last, number)
                name = f"_{number}"
            else:
                name = text[1:]
            names.append(name)
            out.append(f":{name}")
        else:
            out.append(text)
    return "".join(out), tuple(names)
