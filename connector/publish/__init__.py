"""``assets-sql publish``: the register published into PostgreSQL, change by change (see :mod:`.publisher`)."""
