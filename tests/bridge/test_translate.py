"""The rules the translation gives the tables a client creates hold on every road, not only the bridge's."""

from __future__ import annotations

import apsw
import pytest

from connector.bridge.translate import translate


def test_a_boolean_column_reads_text_on_a_connection_without_the_bridge() -> None:
    # the register's file may be written from the console or the DB-API too: no function of the bridge's own
    connection = apsw.Connection(":memory:")
    connection.execute(translate("CREATE TABLE flags (a int, b boolean)").sql)
    connection.execute("INSERT INTO flags VALUES (1, ' Yes '), (2, 'of'), (3, 1), (4, NULL)")
    connection.execute("UPDATE flags SET b = 'TRU' WHERE a = 2")
    assert list(connection.execute("SELECT a, b FROM flags ORDER BY a")) == [(1, 1), (2, 1), (3, 1), (4, None)]
    with pytest.raises(apsw.ConstraintError, match="invalid input syntax for type boolean"):
        connection.execute("INSERT INTO flags VALUES (5, 'o')")
