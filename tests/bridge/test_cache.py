"""Statements translated once per shape (:class:`connector.bridge.cache.Shapes`): over the whole conformance corpus,
a statement whose shape was translated before, with other literals, gets exactly the translation its own text gives;
the form that runs differs from it only in literals bound as parameters, and answers the same rows."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from connector.bridge import cache, session
from connector.bridge.session import Session
from connector.bridge.translate import translate
from tests.bridge.conftest import make_register
from tests.conformance import corpus

STATEMENTS = sorted({s for entry in corpus.everything() for s in entry.statements})
_FIELDS = ("text", "sql", "keyword", "parameter_count", "parameter_types", "parameter_dates", "column_types")
_FIELDS += ("origin", "empty_columns")


def other_literal(kind: str, written: str) -> str:
    """Another literal of the same kind as ``written``."""
    if kind == "s":
        return written[:-1] + "z'"
    if kind == "d":
        return "'" + (dt.date.fromisoformat(written[1:-1]) + dt.timedelta(days=1)).isoformat() + "'"
    number = int(written)
    return str(number - 1 if number in (2**31 - 1, 2**63 - 1) else number + 1)


def variant(text: str) -> str | None:
    found = cache.shape(text)
    if found is None or not found.values:
        return None
    return found.text([other_literal(k, v) for k, v in zip(found.kinds, found.values, strict=True)])


def outcome(function: Any, text: str) -> Any:
    try:
        result = function(text)
    except Exception as error:  # noqa: BLE001 - the error is what is compared
        return type(error), str(error)
    return tuple(getattr(result, name) for name in _FIELDS)


def test_shapes_are_read_with_their_literals_out() -> None:
    found = cache.shape("SELECT * FROM \"Assets\" WHERE \"AssetNumber\" = 'FA-1' AND x > 25 AND d = '2024-02-29'")
    assert found is not None
    assert found.kinds == ("s", "i", "d") and found.values == ("'FA-1'", "25", "'2024-02-29'")
    assert (
        found.key
        == cache.shape("SELECT * FROM \"Assets\" WHERE \"AssetNumber\" = 'X' AND x > 7 AND d = '1999-12-31'").key
    )
    assert cache.shape("SELECT 3000000000").kinds == ("l",)  # an int8: a shape of its own, apart from an int4
    # what the key keeps: 0 and 1, prefixed and special strings, numbers with a point, a date that is no date, a
    # time, $n, quoted names, comments, dollar quotes, a number beyond int8
    for text in (
        "SELECT 99999999999999999999",
        "SELECT 0, 1, 1.5, 1e3, 07",
        "SELECT E'a', B'1', U&'x', '', 'now', 'Infinity', '2024-02-30', '10:00', '5'",
        'SELECT $1, "a b 5", x5 -- 7\n',
        "SELECT /* 'x' 9 */ $$ 'y' 8 $$",
    ):
        found = cache.shape(text)
        assert found is not None and found.values == (), text
    assert cache.shape("SELECT 'open") is None and cache.shape("SELECT /* open") is None
    assert cache.shape('SELECT "open') is None and cache.shape("SELECT $a$ open") is None


def test_a_shape_translated_before_gives_exactly_what_translating_the_text_gives() -> None:
    """Each corpus statement with literals: another statement of its shape (other literals of the same kinds) is
    translated first, then the statement itself comes from its shape's template; it must equal its own translation
    in every field (or fail with the same error)."""
    shapes = cache.Shapes(translate)
    templated = 0
    for text in STATEMENTS:
        other = variant(text)
        if other is None:
            continue
        outcome(shapes, other)
        found = cache.shape(text)
        assert found is not None
        templated += isinstance(shapes.cache.get(found.key), cache.Template)
        assert outcome(shapes, text) == outcome(translate, text), text
    assert templated >= 150  # most of the corpus's statements with literals have a template


def test_what_runs_differs_only_in_literals_bound_as_parameters() -> None:
    shapes = cache.Shapes(translate)
    bound = 0
    for text in STATEMENTS:
        other = variant(text)
        if other is None:
            continue
        outcome(shapes, other)
        try:
            translation, values = shapes.runnable(text)
            expected = translate(text)
        except Exception:  # noqa: BLE001 - compared above
            continue
        bound += bool(values)
        written = bound_back(translation.sql, values)
        assert written == expected.sql, text
        assert translation.text == text and translation.keyword == expected.keyword
    assert bound >= 100


def bound_back(sql: str, values: dict[str, Any]) -> str:
    """The SQL with each literal it binds written back into it, as SQLite writes such a value."""

    def written(match: re.Match[str]) -> str:
        value = values[f"__literal{match.group(1)}"]
        return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"

    return re.sub(r":__literal(\d+)\b", written, sql)


def test_the_binding_survives_no_rule_of_the_translation() -> None:
    """Literals the translation reads keep their shape out of the template: an interval's text, a unit, a date
    compared with a date column (written as PostgreSQL reads it), an ordinal column, a number beside arithmetic."""
    shapes = cache.Shapes(translate)
    for first, second in (
        ("SELECT now() + interval '1 day'", "SELECT now() + interval '2 month'"),
        ("SELECT date_trunc('month', now())", "SELECT date_trunc('year', now())"),
        (
            'SELECT count(*) FROM "Assets" WHERE "PurchaseDate" >= \'2024-01-01\'',
            'SELECT count(*) FROM "Assets" WHERE "PurchaseDate" >= \'2024-01-02\'',
        ),
    ):
        shapes(first)
        assert outcome(shapes, second) == outcome(translate, second)
    # an ordinal column and a number beside arithmetic stay written into the SQL (bound, each would be a constant,
    # and the front door types price * 4 by its literal)
    listing = 'SELECT "AssetName", "AssetNumber", "PurchasePrice" * {} FROM "Assets" WHERE "AssetName" = {} ORDER BY {}'
    shapes.runnable(listing.format(3, "'Laptop'", 2))
    for text in (listing.format(4, "'Van'", 3), listing.format(5, "'Van'", 2)):
        translation, values = shapes.runnable(text)
        written = bound_back(translation.sql, values)
        assert written == translate(text).sql
        assert all(not isinstance(value, int) for value in values.values())


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Session, Session]]:
    path = make_register(tmp_path_factory.mktemp("shapes") / "register.db")
    shaped = Session(str(path), user="tester", database_name="register")
    plain = Session(str(path), user="tester", database_name="register")
    yield shaped, plain
    shaped.close()
    plain.close()


def answer(session_: Session, text: str) -> Any:
    try:
        result = session_.run(session_.prepare(text), None)
        fields = [(f.name, f.type_oid) for f in result.fields or []]
        return fields, [tuple(row) for row in result.encoded()]
    except Exception as error:  # noqa: BLE001 - the error is what is compared
        return session.error_message(error)[:2]


def test_statements_of_a_known_shape_answer_as_their_own_translation_does(
    sessions: tuple[Session, Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every corpus query with literals, run on a register after another of its shape: the same columns, types and
    rows (or the same error) as the statement translated on its own, its literals written into its SQL."""
    shaped, plain = sessions
    queries = [t for t in STATEMENTS if t.split(None, 1)[0].upper() in ("SELECT", "WITH", "VALUES") and variant(t)]
    assert len(queries) >= 150
    expected = {}
    with monkeypatch.context() as patch:
        patch.setattr(session, "_translate_shaped", cache.Shapes(translate, max_bytes=0))  # keeps nothing
        for text in queries:
            expected[text] = answer(plain, text)
    answered = 0
    for text in queries:
        answer(shaped, variant(text) or text)
        got = answer(shaped, text)
        assert got == expected[text], text
        answered += isinstance(got, tuple) and isinstance(got[0], list)
    assert answered >= 100
