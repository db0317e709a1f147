import tracemalloc

import pytest

from connector.sql import lexer


@pytest.mark.parametrize(
    "sql, token",
    [
        ("SELECT 'it''s' || x", "'it''s'"),
        ("SELECT 'open", "'open"),
        ("SELECT 'a''''b'", "'a''''b'"),
        ('SELECT "a""b" FROM t', '"a""b"'),
        ("SELECT `a``b` FROM t", "`a``b`"),
        ("SELECT '' FROM t", "''"),
    ],
)
def test_a_quoted_token_keeps_its_doubled_quotes(sql, token):
    assert [text for kind, text, _ in lexer.tokens(sql) if kind in ("string", "quoted")] == [token]


@pytest.mark.parametrize("quote", ["'", '"', "`"])
def test_a_long_quoted_token_is_read_in_memory_that_does_not_grow_with_it(quote):
    """A client's 2 MB string literal: the pattern once kept a state per character (about 200 bytes each)."""
    sql = f"SELECT {quote}{'x' * 2_000_000}{quote}{quote}y{quote}"
    tracemalloc.start()
    try:
        found = [text for kind, text, _ in lexer.tokens(sql) if kind in ("string", "quoted")]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [len(text) for text in found] == [2_000_005]
    assert peak < 10 * 1024 * 1024
    assert [piece.text for piece in lexer.split(sql + "; SELECT 1")] == [sql, "SELECT 1"]
