"""last_insert_rowid() on a register connection: the connection's last insert, shown through its cipher, whether the
row went in alone or with others in a bulk insert (which tells its last row instead of the hook hearing each)."""

from __future__ import annotations

import connector


def test_a_multi_row_insert_shows_its_last_row():
    con = connector.connect(":memory:", autocommit=True)
    con.executemany(
        "INSERT INTO Assets (AssetName, AssetNumber) VALUES (?, ?)", [(f"A {n}", f"B-{n}") for n in range(200)]
    )
    last = con.execute("SELECT last_insert_rowid()").fetchone()[0]
    assert con.execute("SELECT AssetNumber FROM Assets WHERE rowid = ?", (last,)).fetchone() == ("B-199",)
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('V', 'C-1'), ('W', 'C-2')")
    last = con.execute("SELECT last_insert_rowid()").fetchone()[0]
    assert con.execute("SELECT AssetNumber FROM Assets WHERE rowid = ?", (last,)).fetchone() == ("C-2",)
    con.close()


def test_after_a_bulk_insert_each_row_is_heard_again():
    con = connector.connect(":memory:", autocommit=True)
    con.executemany("INSERT INTO Assets (AssetName) VALUES (?)", [(f"A {n}",) for n in range(10)])
    con.execute("CREATE TABLE notes (body TEXT)")
    con.execute("INSERT INTO notes VALUES ('one'), ('two')")
    assert con.execute("SELECT last_insert_rowid()").fetchone() == (2,)  # the connection's own table, as it is
    con.execute("UPDATE Assets SET Description = 'changed' WHERE AssetName = 'A 3'")  # an update inserts nothing
    assert con.execute("SELECT last_insert_rowid()").fetchone() == (2,)
    con.close()
