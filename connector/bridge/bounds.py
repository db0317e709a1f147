"""What a statement may cost before sqlglot reads it: a scan of its text that keeps nothing (a regular expression
over it, each token looked at once and dropped) refuses a statement whose reading would not fit in the session.

Reading and translating a statement costs memory per *token* (sqlglot's tokens, then a tree node or more for each:
from about 550 bytes a token for a select list of ``1``s to about 1,600 for an ``IN`` list of strings), and nearly
nothing per byte of a string literal, a quoted name or a comment (each is one token however long). So a statement
may hold :func:`max_tokens` tokens: as many as :data:`SHARE` of the session's memory (``--session-memory``) holds
at :data:`BYTES_PER_TOKEN` each; more is 54000 before any of it is read. Depth costs Python's stack and SQLite's
expression depth: parentheses, brackets and ``CASE ... END`` nest :data:`connector.sql.limits.MAX_NESTING` levels
deep at most, and a chain of operators without a comma, ``AND``, ``OR`` or a clause between them
(``1 + 1 + ...``, ``- - - 1``, ``NOT NOT ...``) is :data:`MAX_CHAIN` long at most, SQLite's own limit on an
expression's depth; deeper is 54001, as PostgreSQL's ``statement_too_complex``.

>>> scan("SELECT a + 1, '(((' FROM t WHERE (b = 2)")
Scan(tokens=14, depth=1, chain=1)
>>> check("SELECT " + ",".join(["1"] * 10), tokens=16)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
connector.bridge.errors.ClientError: statement too large: it has more than 16 tokens ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from connector.bridge.errors import ClientError
from connector.domain.errors import TooComplex
from connector.sql.limits import MAX_NESTING

#: Memory one token of a statement may cost while it is read, translated and prepared: the most measured over the
#: costliest shapes (an IN list of strings, about 1,600 bytes; a select list, an ARRAY, VALUES rows: 550 to 850),
#: with some margin.
BYTES_PER_TOKEN = 2048
#: The share of --session-memory one statement's reading may take (the rest: the register, caches, rows).
SHARE = 7 / 8
#: The longest chain of operators in one expression: SQLite's SQLITE_MAX_EXPR_DEPTH, beyond which it refuses the
#: statement anyway (after the bridge has spent seconds translating it).
MAX_CHAIN = 1000
#: The session memory a process has not been told of (outside a server): the server's least default.
_DEFAULT_MEMORY = 512 * 1024 * 1024

_limit = int(_DEFAULT_MEMORY * SHARE) // BYTES_PER_TOKEN

# Each alternative is a single repetition of a character class, or one with a fixed step between them, so the
# regular expression engine keeps no state per character (``'(?:[^']|'')*'`` costs some 150 bytes per character).
_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<line>--[^\n]*)
    | (?P<comment>/\*[^*]*(?:\*+[^*/][^*]*)*(?:\*+/|\Z))
    | (?P<escaped>(?<![\w$])[Ee]'[^'\\]*(?:(?:''|\\.)[^'\\]*)*(?:'|\Z))
    | (?P<string>'[^']*(?:''[^']*)*(?:'|\Z))
    | (?P<name>"[^"]*(?:""[^"]*)*(?:"|\Z))
    | (?P<dollar>(?P<tag>\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$).*?(?:(?P=tag)|\Z))
    | (?P<parameter>\$\d+)
    | (?P<word>[A-Za-z_\u0080-\U0010ffff][\w$]*)
    | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<open>[(\[])
    | (?P<close>[)\]])
    | (?P<separator>[,;])
    | (?P<operator>::|[-+*/<>=~!@#%^&|`?]+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
#: Words that end one expression (an operator chain) and start another.
_CLAUSES = frozenset(
    """AND OR SELECT FROM WHERE GROUP HAVING ORDER BY LIMIT OFFSET FETCH VALUES SET RETURNING UNION INTERSECT EXCEPT
    ON USING JOIN WHEN THEN ELSE AS INTO WINDOW OVER PARTITION""".split()
)


@dataclass(frozen=True)
class Scan:
    tokens: int  # tokens counted (up to the first one past the limit)
    depth: int  # the deepest nesting of parentheses, brackets and CASE
    chain: int  # the longest chain of operators in one expression


def max_tokens() -> int:
    """The most tokens a statement may have in this process."""
    return _limit


def configure(session_memory: int) -> None:
    """The session's memory bound, which this process's statements are measured against (a session's process
    calls it once, after it is forked)."""
    global _limit
    _limit = max(1024, int(session_memory * SHARE) // BYTES_PER_TOKEN)


def scan(text: str, tokens: int | None = None) -> Scan:
    """Count ``text``'s tokens, nesting and operator chains, stopping at the first token past ``tokens``, at
    nesting past :data:`MAX_NESTING` or at a chain past :data:`MAX_CHAIN` (so the scan's time is bounded too)."""
    most = _limit if tokens is None else tokens
    count = depth = deepest = chain = longest = 0
    chains: list[int] = []  # each open level's chain, kept while a deeper one is read
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("space", "line", "comment"):
            continue
        count += 1
        if kind == "operator":
            chain += 1
        elif kind == "word":
            word = match.group().upper()
            if word == "CASE":
                kind = "open"
            elif word == "END":
                kind = "close"
            elif word == "NOT":
                chain += 1
            elif word in _CLAUSES:
                chain = 0
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
            chains.append(chain)
            chain = 0
        elif kind == "close":
            depth = max(0, depth - 1)
            chain = chains.pop() if chains else 0
        elif kind == "separator":
            chain = 0
        longest = max(longest, chain)
        if count > most or deepest > MAX_NESTING or longest > MAX_CHAIN:
            break
    return Scan(count, deepest, longest)


def check(text: str, tokens: int | None = None) -> None:
    """Refuse a statement that would cost more to read than the session has (54000), or that nests or chains
    deeper than the bridge reads (54001), before any of it is read."""
    most = _limit if tokens is None else tokens
    found = scan(text, most)
    if found.depth > MAX_NESTING:
        raise TooComplex(
            f"the statement nests more than {MAX_NESTING} levels deep (parentheses, brackets, CASE); the register "
            f"reads at most {MAX_NESTING}: split it, or use a WITH clause or a temporary table"
        )
    if found.chain > MAX_CHAIN:
        raise TooComplex(
            f"stack depth limit exceeded: the statement chains more than {MAX_CHAIN} operators in one expression, "
            f"and SQLite reads at most {MAX_CHAIN}: split it, sum the terms with a subquery, or use IN (...) or a "
            "temporary table"
        )
    if found.tokens > most:
        raise ClientError(
            "54000",
            f"statement too large: it has more than {most} tokens (words, numbers, operators, literals), the most "
            "this server reads in one statement",
            hint="send fewer values per statement (several INSERTs, or COPY ... FROM STDIN), or start the server with "
            "a larger --session-memory (a statement may have as many tokens as seven eighths of it holds at "
            f"{BYTES_PER_TOKEN} bytes each)",
        )
