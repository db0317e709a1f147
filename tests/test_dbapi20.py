"""The DB-API 2.0 compliance suite (dbapi20), run against the connector on a real register file."""

import tempfile
import unittest
from pathlib import Path

import dbapi20

import connector


class TestCompliance(dbapi20.DatabaseAPI20Test):
    driver = connector
    connect_args = ()
    lower_func = "lower"

    def setUp(self):
        self._directory = tempfile.TemporaryDirectory()
        self.connect_kw_args = {"database": str(Path(self._directory.name) / "compliance.db")}

    def tearDown(self):
        super().tearDown()
        self._directory.cleanup()

    def test_nextset(self):
        """Overridden: the suite's version needs stored procedures returning several result sets, which SQLite
        does not have. nextset() exists and says there is no next set."""
        con = self._connect()
        try:
            cur = con.cursor()
            cur.execute("SELECT 1")
            self.assertIsNone(cur.nextset())
        finally:
            con.close()

    def test_setoutputsize(self):
        """Overridden: the suite leaves it to drivers. SQLite returns whole values, so setoutputsize is accepted and
        ignored; a long value comes back whole after it."""
        con = self._connect()
        try:
            cur = con.cursor()
            cur.setoutputsize(10, 0)
            cur.execute("SELECT ?", ("x" * 100,))
            self.assertEqual(cur.fetchone(), ("x" * 100,))
        finally:
            con.close()


if __name__ == "__main__":
    unittest.main()
