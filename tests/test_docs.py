"""The README's column tables are generated from schema/; this fails when they drift."""

from connector import docs
from connector.schema import TABLES
from tests.conftest import ROOT


def test_readme_column_tables_match_schema():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert docs.block() in readme, "README.md's column tables differ from schema/: run python -m connector.docs"


def test_every_column_is_documented():
    block = docs.columns_markdown()
    for table in TABLES.values():
        assert f"### {table.name}" in block
        for column in table.columns:
            assert f"`{column.name}`" in block


def test_the_readme_documents_every_console_option():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for option in ("-c SQL", "--tenant NAME", "--mode MODE"):
        assert option in readme
