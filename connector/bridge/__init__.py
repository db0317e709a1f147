"""The BI bridge: the register served over PostgreSQL's wire protocol (``assets-sql serve``).

- :mod:`.server`: sockets, threads, startup, authentication, the message loop
- :mod:`.session`: one client's statements, transaction, prepared statements and cursors
- :mod:`.translate`: PostgreSQL SQL into the SQLite the register runs
- :mod:`.catalog`: ``pg_catalog`` and ``information_schema`` generated from ``schema/``
- :mod:`.types`, :mod:`.protocol`, :mod:`.auth`, :mod:`.errors`: the wire's details
"""
