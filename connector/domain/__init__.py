"""The register's rules, in plain Python: no database and no SQL parser is imported here."""
