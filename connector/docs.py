"""The README's column tables, generated from ``schema/``.

python -m connector.docs            rewrite the tables in README.md
python -m connector.docs --check    exit 1 when README.md's tables differ from schema/
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from connector.schema import REPORTS, TABLES, Column, Report, Table

START = "<!-- columns: generated from schema/ by `python -m connector.docs`; do not edit by hand -->"
END = "<!-- end of columns -->"


def _flags(column: Column) -> str:
    flags = []
    if column.read_only:
        flags.append("read-only")
    if column.required:
        flags.append("required")
    if column.pushdown:
        flags.append("indexed filter")
    if column.default is not None:
        default = str(column.default).lower() if isinstance(column.default, bool) else column.default
        flags.append(f"default `{default}`")
    if column.references is not None:
        flags.append(f"→ {column.references}")
    if column.aliases:
        flags.append("also " + ", ".join(f"`{alias}`" for alias in column.aliases))
    return ", ".join(flags)


def table_markdown(table: Table) -> str:
    lines = [
        f"### {table.name}",
        "",
        table.description,
        "",
        "| Column | Type | SQL type | Notes | Description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for column in table.columns:
        key = " (key)" if column.name == table.key else ""
        lines.append(
            f"| `{column.name}`{key} | {column.type} | `{column.sql_type}` | {_flags(column)} | {column.description} |"
        )
    return "\n".join(lines)


def report_markdown(report: Report) -> str:
    lines = [
        f"### {report.name} (report)",
        "",
        report.description,
        "",
        "| Column | Type | SQL type | Notes | Description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for column in report.arguments:
        lines.append(f"| `{column.name}` | {column.type} | `{column.sql_type}` | argument | {column.description} |")
    for column in report.columns:
        lines.append(f"| `{column.name}` | {column.type} | `{column.sql_type}` |  | {column.description} |")
    return "\n".join(lines)


def columns_markdown() -> str:
    order = [
        "Assets",
        "AssetTypes",
        "Settings",
        "Tenants",
        "Accounts",
        "ValueUpdates",
        "JournalEntries",
        "JournalLines",
    ]
    names = order + sorted(set(TABLES) - set(order))
    tables = [table_markdown(TABLES[name]) for name in names]
    return "\n\n".join([*tables, *(report_markdown(report) for report in REPORTS.values())])


def block() -> str:
    return f"{START}\n\n{columns_markdown()}\n\n{END}"


def rewritten(readme: str) -> str:
    before, _, rest = readme.partition(START)
    _, found, after = rest.partition(END)
    if not found:
        raise ValueError("README.md has no generated column block to replace")
    return before + block() + after


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m connector.docs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when README.md is out of date")
    parser.add_argument("--readme", default=str(Path(__file__).resolve().parent.parent / "README.md"))
    arguments = parser.parse_args(argv)
    path = Path(arguments.readme)
    text = path.read_text(encoding="utf-8")
    updated = rewritten(text)
    if arguments.check:
        if updated != text:
            print(f"{path}: the column tables differ from schema/; run python -m connector.docs", file=sys.stderr)
            return 1
        return 0
    path.write_text(updated, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
