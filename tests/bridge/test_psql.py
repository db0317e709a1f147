"""psql, the PostgreSQL console, against the bridge: its meta-commands read the generated catalog."""

from __future__ import annotations

import subprocess

import pytest

from tests.bridge.conftest import VAN, need


@pytest.fixture(scope="module")
def psql(port: int):
    program = need("psql")

    def run(*commands: str) -> subprocess.CompletedProcess[str]:
        arguments = [program, "-X", "-h", "127.0.0.1", "-p", str(port), "-U", "tester", "-d", "register"]
        for command in commands:
            arguments += ["-c", command]
        return subprocess.run(
            arguments,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PGCONNECT_TIMEOUT": "10", "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
        )

    return run


def test_list_tables_shows_every_register_table(psql) -> None:
    from connector.schema import TABLES

    result = psql(r"\dt")
    assert result.returncode == 0, result.stderr
    for name in TABLES:
        assert f"public | {name} " in result.stdout


def test_describe_assets_shows_columns_types_and_key(psql) -> None:
    result = psql(r'\d "Assets"')
    assert result.returncode == 0, result.stderr
    assert 'Table "public.Assets"' in result.stdout
    assert " PurchasePrice " in result.stdout and "numeric(18,2)" in result.stdout
    assert " PurchaseDate " in result.stdout and "| date " in result.stdout
    assert " CanRollBack " in result.stdout and "boolean" in result.stdout
    assert '"Assets_pkey" PRIMARY KEY, btree ("AssetId")' in result.stdout


def test_describe_all_schemas_and_databases(psql) -> None:
    result = psql(r"\d", r"\dn", r"\l")
    assert result.returncode == 0, result.stderr
    assert "public | Assets " in result.stdout
    assert "List of schemas" in result.stdout and " public " in result.stdout
    assert "List of databases" in result.stdout and " register " in result.stdout and "UTF8" in result.stdout


def test_select_insert_and_a_refused_update(psql) -> None:
    result = psql(
        f'SELECT "AssetNumber", "AssetStatus", "PurchasePrice" FROM "Assets" WHERE "AssetNumber" = \'{VAN}\'',
        'INSERT INTO "Assets" ("AssetName", "AssetNumber") VALUES (\'Forklift\', \'FA-0500\')',
        'UPDATE "Assets" SET "AssetStatus" = \'Registered\' WHERE "AssetNumber" = \'FA-0500\'',
    )
    assert f" {VAN}     | Registered  |      32500.00" in result.stdout
    assert "INSERT 0 1" in result.stdout
    assert "ERROR:  cannot register asset FA-0500: set AssetTypeId, PurchaseDate" in result.stderr


def test_disposal_is_refused_with_its_message(psql) -> None:
    result = psql(f'UPDATE "Assets" SET "AssetStatus" = \'Disposed\' WHERE "AssetNumber" = \'{VAN}\'')
    assert result.returncode == 1
    assert f"ERROR:  cannot dispose of asset {VAN}" in result.stderr


def test_describe_shows_foreign_keys_both_ways(psql) -> None:
    from connector.schema import TABLES

    result = psql(r'\d "AssetTypes"')
    assert result.returncode == 0, result.stderr
    out, referenced = result.stdout.split("Referenced by:")
    for column, target in TABLES["AssetTypes"].references:
        assert f'FOREIGN KEY ("{column.name}") REFERENCES "{target}"("{TABLES[target].key}")' in out
    referring = [(t.name, c.name) for t in TABLES.values() for c, target in t.references if target == "AssetTypes"]
    assert len(referring) == referenced.count("FOREIGN KEY") and all(
        f'TABLE "{table}" CONSTRAINT "{table}_{column}_fkey"' in referenced for table, column in referring
    )


def test_report_functions_are_listed_and_defined(psql) -> None:
    from connector.reports import REPORTS

    result = psql(r"\df", r'\sf "TrialBalance"')
    assert result.returncode == 0, result.stderr
    for report in REPORTS:
        assert f"public | {report.name} " in result.stdout
        assert all(f'"{name}"' in result.stdout for name, _ in report.columns)
    assert 'CREATE OR REPLACE FUNCTION public."TrialBalance"("AsOf" date DEFAULT NULL' in result.stdout


def test_describe_a_query_and_your_own_indexes(port: int) -> None:
    """psql's \\gdesc (it names a VALUES list's columns after its alias) types a query's columns as the bridge sends
    them; an index made on a table of your own, NULLS LAST as psql users write it, shows under \\d."""
    script = "\n".join(
        (
            'SELECT "AssetNumber", "PurchasePrice", "PurchaseDate", "PurchasePrice" + 0.01 AS plus',
            'FROM "Assets" \\gdesc',
            "SELECT x, y FROM (VALUES (1, 'a'), (2, 'b')) AS v(x, y) ORDER BY x DESC;",
            "CREATE TABLE visits (id integer PRIMARY KEY, seen date, note text);",
            "CREATE INDEX visits_seen ON public.visits USING btree (seen DESC NULLS LAST);",
            "CREATE INDEX ON visits (note NULLS LAST);",
            "\\d visits",
        )
    )
    result = subprocess.run(
        [need("psql"), "-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port), "-U", "tester", "-d"]
        + ["register"],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PGCONNECT_TIMEOUT": "10", "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
    )
    assert result.returncode == 0, result.stderr
    described = [" ".join(line.split()) for line in result.stdout.splitlines()]
    for line in (
        "AssetNumber | text",
        "PurchasePrice | numeric(18,2)",
        "PurchaseDate | date",
        "plus | numeric",
        "2 | b",
        "1 | a",
        '"visits_pkey" PRIMARY KEY, btree (id)',
        '"visits_note_idx" btree (note)',
        '"visits_seen" btree (seen DESC)',
    ):
        assert line in described, (line, result.stdout)


def test_the_plus_forms_of_psqls_describing_commands_answer(psql) -> None:
    """\\d+ of a register table (its storage, access method and the reloptions psql unnests), \\l+ (sizes shown
    neutral), \\df+, \\db+ and \\dconfig: each runs psql's own catalog queries to the end."""
    result = psql(r'\d+ "Assets"', r"\l+", r"\df+ upper", r"\db+", r"\dconfig")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert 'Table "public.Assets"' in result.stdout and "Access method: heap" in result.stdout
    assert " PurchasePrice " in result.stdout and "| extended " in result.stdout
    assert "List of databases" in result.stdout and "0 bytes" in result.stdout
    assert "List of functions" in result.stdout and " upper " in result.stdout
    assert "List of tablespaces" in result.stdout and "pg_default" in result.stdout
    assert "List of non-default configuration parameters" in result.stdout
