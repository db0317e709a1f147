"""A fixed-asset register you query and change with SQL.

>>> import connector
>>> con = connector.connect(":memory:")
>>> con.execute("SELECT Name FROM Tenants").fetchall()
[('Demo Company',)]
"""

from connector import dbapi
from connector.dbapi import *  # noqa: F403 - the package is the DB-API module
from connector.hooks import attach, install

__version__ = "0.1.0"

__all__ = [*dbapi.__all__, "attach", "install"]
