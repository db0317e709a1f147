"""The oracle's own rules: how corpus files are read, and that the judge fails both ways it must."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conformance import corpus

AGREE = {"text": {"bridge": [{"rows": [["1"]]}], "postgres": [{"rows": [["1"]]}]}}
DIFFER = {"text": {"bridge": [{"error": "42601"}], "postgres": [{"rows": [["1"]]}]}}


def test_an_unlisted_entry_that_differs_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "listed", lambda: {})
    with pytest.raises(AssertionError, match="42601"):
        corpus.judge("types/x", DIFFER)
    corpus.judge("types/x", AGREE)


def test_a_listed_entry_that_agrees_now_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "listed", lambda: {"types/x": "a reason"})
    with pytest.raises(AssertionError, match="remove it from differences.toml"):
        corpus.judge("types/x", AGREE)
    corpus.judge("types/x", DIFFER)


def test_a_reason_names_what_differs() -> None:
    assert corpus.summary(DIFFER) == "refused with 42601 where PostgreSQL answers (text)"
    oids = {"binary": {"bridge": [{"columns": [["a", 23]]}], "postgres": [{"columns": [["a", 21]]}]}}
    assert corpus.summary(oids) == "type OIDs [23] where PostgreSQL has [21] (binary)"


def test_entries_are_read_with_their_directives(tmp_path: Path) -> None:
    path = tmp_path / "sample.sql"
    path.write_text(
        '-- a file\'s comment\n\n-- name: one\n-- params: [1, {"date": "2024-02-29"}, {"decimal": "1.50"}]\n'
        "-- compare: shape\nSELECT $1, $2, $3;\n\n-- name: two\n-- stdin: a\tb\n"
        "CREATE TEMP TABLE t (x text, y text);\nCOPY t FROM STDIN;\n-- a comment inside\nSELECT * FROM t;\n"
    )
    one, two = corpus.read(path)
    assert (one.key, one.params, one.compare) == ("sample/one", [1, dt.date(2024, 2, 29), Decimal("1.50")], "shape")
    assert one.statements == ["SELECT $1, $2, $3"]
    assert two.stdin == ["a\tb"]
    assert two.statements == [
        "CREATE TEMP TABLE t (x text, y text)",
        "COPY t FROM STDIN",
        "-- a comment inside\nSELECT * FROM t",
    ]


def test_a_name_used_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.sql"
    path.write_text("-- name: a\nSELECT 1;\n-- name: a\nSELECT 2;\n")
    with pytest.raises(ValueError, match="names used twice"):
        corpus.read(path)


def test_rows_without_order_by_are_compared_as_a_set() -> None:
    entry = corpus.Entry("f", "n", ["SELECT 1"])
    first = corpus.answer(entry, "SELECT x FROM t", [["x", 23]], [["2"], ["1"]], "SELECT 2")
    second = corpus.answer(entry, "SELECT x FROM t", [["x", 23]], [["1"], ["2"]], "SELECT 2")
    assert first == second
    ordered = corpus.answer(entry, "SELECT x FROM t ORDER BY x", [["x", 23]], [["2"], ["1"]], "SELECT 2")
    assert ordered != second
