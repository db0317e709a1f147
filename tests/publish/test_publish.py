"""``assets-sql publish`` against a real PostgreSQL: the published tables equal the register's, row for row, after a
first publish and after writes through every road; tenants' rows kept apart; files that must not publish refused."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import apsw
import psycopg
import pytest

import connector
from connector.bridge.server import Config, Server
from connector.publish.publisher import Publisher, PublishError, copy_lines_sql, run_month_lines
from connector.publish.target import create_schema, pg_type
from connector.schema import TABLES
from connector.store import changelog
from tests.helpers import assets_sql, internal
from tests.publish.conftest import Postgres

TYPE_SQL = (
    "INSERT INTO AssetTypes (AssetTypeName, BookDepreciationSetting_DepreciationMethod, "
    "BookDepreciationSetting_AveragingMethod, BookDepreciationSetting_DepreciationRate) "
    "VALUES ('Equipment', 'StraightLine', 'FullMonth', 20)"
)


def add(con: Any, number: str, price: str = "1500.25", start: str = "2024-01-01", **extra: Any) -> None:
    columns = {
        "AssetName": f"Asset {number}",
        "AssetNumber": number,
        "PurchaseDate": start,
        "PurchasePrice": price,
        "BookDepreciationDetail_DepreciationStartDate": start,
        "AssetStatus": "Registered",
        **extra,
    }
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    con.execute(
        f"INSERT INTO Assets (AssetTypeId, {names}) SELECT AssetTypeId, {marks} FROM AssetTypes",
        tuple(columns.values()),
    )


def two_tenants(path: Path) -> tuple[str, str]:
    """A register with two tenants (A: the first, B: 'Beta'), each with a type, assets, a run and value updates."""
    con = connector.connect(str(path), autocommit=True, tenant="Alpha")
    con.execute("INSERT INTO Tenants (Name) VALUES ('Beta')")
    first = con.execute("SELECT TenantId FROM Tenants WHERE Name = 'Alpha'").fetchone()[0]
    second = con.execute("SELECT TenantId FROM Tenants WHERE Name = 'Beta'").fetchone()[0]
    con.close()
    for tenant, count in ((first, 4), (second, 3)):
        con = connector.connect(str(path), autocommit=True, tenant=tenant)
        con.execute(TYPE_SQL)
        for number in range(count):
            add(con, f"EQ-{number}", price=f"{1000 + number * 250}.{number}5")
        add(con, "OLD-1", start="2023-03-01", BookDepreciationDetail_CostLimit="900")
        con.execute(
            "INSERT INTO AssetTracking (AssetId, Category, Option) SELECT AssetId, 'Region', 'North' FROM Assets"
        )
        con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-06-30')")
        con.close()
    return first, second


def register_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table as the register shows it through the DB-API, all tenants."""
    con = connector.connect(str(path), autocommit=True)
    tenants = [tenant for (tenant,) in con.execute("SELECT TenantId FROM Tenants").fetchall()]
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table in TABLES.values():
        names = ", ".join(table.column_names)
        rows = []
        for tenant in tenants:
            rows += con.execute(f"SELECT {names} FROM {table.name} WHERE TenantId = ?", (tenant,)).fetchall()
        found[table.name] = sorted(set(map(tuple, rows)), key=repr)
        assert len(found[table.name]) == len(rows)
    con.close()
    return found


def published_rows(dsn: str, schema: str = "assets_sql") -> dict[str, list[tuple[Any, ...]]]:
    found = {}
    with psycopg.connect(dsn) as con:
        for table in TABLES.values():
            names = ", ".join(f'"{name}"' for name in table.column_names)
            rows = con.execute(f'SELECT {names} FROM {schema}."{table.name}"').fetchall()
            found[table.name] = sorted(map(tuple, rows), key=repr)
    return found


def assert_published(path: Path, dsn: str) -> None:
    shown, published = register_rows(path), published_rows(dsn)
    for name in TABLES:
        assert published[name] == shown[name], name


def publish(path: Path, url: str, *more: str) -> str:
    result = assets_sql("publish", path, url, *more)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_schema_is_made_from_schema_files(tmp_path, postgres: Postgres, database: str):
    path = tmp_path / "register.db"
    two_tenants(path)
    out = publish(path, postgres.url(database))
    assert "first publish" in out
    with psycopg.connect(postgres.dsn(database)) as con:
        columns = {
            (table, column): (kind, comment)
            for table, column, kind, comment in con.execute(
                "SELECT c.table_name, c.column_name, format_type(a.atttypid, a.atttypmod), "
                "col_description(a.attrelid, a.attnum) FROM information_schema.columns AS c "
                "JOIN pg_attribute AS a ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass "
                "AND a.attname = c.column_name WHERE c.table_schema = 'assets_sql'"
            )
        }
        keys = dict(
            con.execute(
                "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = 'assets_sql'::regnamespace AND contype = 'p'"
            ).fetchall()
        )
        foreign = [
            definition
            for (definition,) in con.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'assets_sql'::regnamespace "
                "AND contype = 'f' AND conrelid::regclass::text NOT LIKE 'assets_sql.\"\\_%'"
            )
        ]
        secured = dict(
            con.execute(
                "SELECT relname, relrowsecurity FROM pg_class WHERE relnamespace = 'assets_sql'::regnamespace "
                "AND relkind = 'r'"
            ).fetchall()
        )
    for table in TABLES.values():
        for column in table.columns:
            assert columns[(table.name, column.name)] == (pg_type(column), column.description)
        assert secured[table.name] is True
    assert columns[("Assets", "PurchasePrice")][0] == "numeric(18,2)"
    assert columns[("Assets", "PurchaseDate")][0] == "date"
    assert keys['assets_sql."Assets"'] == 'PRIMARY KEY ("TenantId", "AssetId")'
    assert (
        'FOREIGN KEY ("TenantId", "AssetTypeId") REFERENCES assets_sql."AssetTypes"("TenantId", "AssetTypeId") '
        "DEFERRABLE INITIALLY DEFERRED" in foreign
    )
    assert all(definition.startswith('FOREIGN KEY ("TenantId"') for definition in foreign)


def test_the_first_publish_makes_every_key_again_after_loading(tmp_path, postgres: Postgres, database: str):
    """The first publish drops the tables' keys to load the rows and makes them again: the published schema has
    the keys, unique and foreign, a schema made afresh has."""
    path = tmp_path / "register.db"
    two_tenants(path)
    publish(path, postgres.url(database))
    with psycopg.connect(postgres.dsn(database)) as con:
        create_schema(con.cursor(), "fresh")
        found = {
            schema: sorted(
                (table, name, definition.replace(f"{schema}.", ""))
                for table, name, definition in con.execute(
                    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE connamespace = %s::regnamespace",
                    (schema,),
                ).fetchall()
            )
            for schema in ("assets_sql", "fresh")
        }
        published = [(table.replace("assets_sql.", ""), name, d) for table, name, d in found["assets_sql"]]
        fresh = [(table.replace("fresh.", ""), name, d) for table, name, d in found["fresh"]]
        assert published == fresh
        assert any("UNIQUE" in definition and "DEFERRABLE" in definition for _, _, definition in published)
        assert any(definition.startswith("FOREIGN KEY") for _, _, definition in published)


def test_a_run_s_months_are_made_in_python_as_sql_shows_them(tmp_path):
    """The first publish makes the value updates' COPY lines of a run's rows in Python: the same lines as the
    register's SQL gives, with text to escape, months of no depreciation, a rollback's reversals, a value update
    of its own and two tenants."""
    path = tmp_path / "register.db"
    first, _ = two_tenants(path)
    con = connector.connect(str(path), autocommit=True, tenant=first)
    add(con, "TAB\tEQ\\9", start="2023-11-15")
    con.execute("UPDATE Assets SET AssetName = 'a\tname\nwith \\ and\r' WHERE AssetNumber LIKE 'TAB%'")
    run = con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-09-30') RETURNING RunId").fetchone()[0]
    con.execute("DELETE FROM DepreciationRuns WHERE RunId = ?", (run,))
    con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-12-31')")
    con.execute(
        "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date, ExternalId) VALUES "
        "('EQ-1', 'IMPROVEMENT', 250, 'CASH', '2025-01-15', 'x\ty')"
    )
    store = internal(con)
    made = run_month_lines(store)
    assert made is not None
    made_lines = sorted(made)
    by_sql = sorted(line for (line,) in store.scan(copy_lines_sql(TABLES["ValueUpdates"])))
    assert made_lines == by_sql
    assert any("\\t" in line for line in made_lines)  # escaped text was there to make
    assert len(made_lines) > 50
    con.close()


def test_every_road_is_published_row_for_row(tmp_path, postgres: Postgres, database: str):
    path = tmp_path / "register.db"
    first, second = two_tenants(path)
    url, dsn = postgres.url(database), postgres.dsn(database)
    publish(path, url)
    assert_published(path, dsn)
    assert sum(map(len, published_rows(dsn).values())) > 100

    # the DB-API: every kind of write, in both tenants, some in one transaction
    con = connector.connect(str(path), tenant=first)
    con.execute(
        "UPDATE Assets SET AssetName = 'Renamed', Description = 'tab\there, line\nthere \\ and \"' "
        "WHERE AssetNumber = 'EQ-1'"
    )
    add(con, "NEW-1", price="99.99")
    con.execute("INSERT INTO AssetTracking (AssetNumber, Category, Option) VALUES ('NEW-1', 'Region', 'South')")
    con.execute("UPDATE Assets SET AssetNumber = 'NEW-2' WHERE AssetNumber = 'NEW-1'")  # its tracking row shows it
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Draft', 'D-1'), ('Draft 2', 'D-2')")
    con.execute("DELETE FROM Assets WHERE AssetNumber = 'D-2'")
    con.execute("UPDATE AssetTypes SET AssetTypeName = 'Plant'")
    con.commit()
    con.execute(
        "INSERT INTO ValueUpdates (AssetNumber, UpdateType, Amount, CounterAccount, Date) VALUES "
        "('EQ-1', 'IMPROVEMENT', 250, 'CASH', '2024-07-15'), ('EQ-2', 'IMPAIRMENT', 100, 'IMPAIRMENT_LOSS', "
        "'2024-07-20'), ('EQ-3', 'DEPRECIATION_AMORTIZATION', 10, 'DEPRECIATION', '2024-12-31')"
    )
    con.commit()
    con.close()
    out = publish(path, url)
    assert "applied changes" in out
    assert_published(path, dsn)

    # the bridge (assets-sql serve), as a PostgreSQL client writes through it
    server = Server(Config(str(path), port=0))
    _, port = server.start()
    try:
        with psycopg.connect(f"host=127.0.0.1 port={port} dbname=register user=bi", autocommit=True) as bridge:
            bridge.execute(
                'UPDATE "Assets" SET "Description" = %s WHERE "AssetNumber" = %s', ("through the bridge", "EQ-0")
            )
            bridge.execute('INSERT INTO "Assets" ("AssetName", "AssetNumber") VALUES (%s, %s)', ("Bridged", "BR-1"))
    finally:
        server.stop()
    # the console
    result = assets_sql(
        "--tenant", "Beta", path, "-c", "UPDATE Assets SET PurchasePrice = 2222.22 WHERE AssetNumber = 'EQ-2'"
    )
    assert result.returncode == 0, result.stderr
    # an import
    source = tmp_path / "assets.csv"
    source.write_text("*AssetName,*AssetNumber,PurchaseDate,PurchasePrice\nVan,IMP-1,2024-01-15,1200\nCar,IMP-2,,\n")
    result = assets_sql("import", path, source, "--tenant", "Beta")
    assert result.returncode == 0, result.stderr
    publish(path, url)
    assert_published(path, dsn)

    # a run, then its rollback, and a disposal
    con = connector.connect(str(path), autocommit=True, tenant=second)
    run = con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-09-30') RETURNING RunId").fetchone()[0]
    publish(path, url)
    assert_published(path, dsn)
    con.execute("DELETE FROM DepreciationRuns WHERE RunId = ?", (run,))
    con.close()
    publish(path, url)
    assert_published(path, dsn)
    con = connector.connect(str(path), autocommit=True, tenant=first)
    con.execute("DELETE FROM Assets WHERE AssetNumber = 'D-1'")
    con.close()
    out = publish(path, url)
    assert_published(path, dsn)
    assert "up to date" in publish(path, url)


def test_a_file_written_round_the_register_is_refused_with_the_findings(tmp_path, postgres: Postgres, database: str):
    path = tmp_path / "register.db"
    two_tenants(path)
    publish(path, postgres.url(database))
    raw = apsw.Connection(str(path))
    raw.execute("DROP TRIGGER Assets_rows_gate_update")
    raw.execute("UPDATE Assets_rows SET PurchasePrice = 1 WHERE AssetNumber = 'EQ-1'")
    raw.close()
    before = published_rows(postgres.dsn(database))
    result = assets_sql("publish", path, postgres.url(database))
    assert result.returncode == 1
    assert "does not check out" in result.stderr and "Assets" in result.stderr
    assert published_rows(postgres.dsn(database)) == before


def test_a_write_round_the_register_that_breaks_no_rule_is_published_by_a_fresh_snapshot(
    tmp_path, postgres: Postgres, database: str
):
    path = tmp_path / "register.db"
    two_tenants(path)
    publish(path, postgres.url(database))
    raw = apsw.Connection(str(path))
    (trigger,) = raw.execute("SELECT sql FROM sqlite_schema WHERE name = 'Assets_rows_gate_update'").fetchone()
    raw.execute("DROP TRIGGER Assets_rows_gate_update")
    raw.execute("UPDATE Assets_rows SET Description = 'edited round the register' WHERE AssetNumber = 'EQ-1'")
    raw.execute(trigger)
    raw.close()
    out = publish(path, postgres.url(database))
    assert "published a snapshot" in out and "schema changed" in out
    assert_published(path, postgres.dsn(database))
    assert "up to date" in publish(path, postgres.url(database))


def write_with_triggers_off(path: Path, statement: str) -> None:
    """A tool that turns its connection's triggers off (SQLITE_DBCONFIG_ENABLE_TRIGGER, as Python's sqlite3 can
    too) and writes storage: the file's schema is left as it was, and nothing reaches the change log."""
    raw = apsw.Connection(str(path))
    raw.config(apsw.SQLITE_DBCONFIG_ENABLE_TRIGGER, 0)
    raw.execute(statement)
    raw.close()


def copied_row(path: Path, table: str, changes: dict[str, str], where: str) -> str:
    """An INSERT copying one stored row of ``table`` with some columns changed (SQL expressions)."""
    raw = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
    names = [row[1] for row in raw.execute(f"PRAGMA table_info({table}_rows)")]
    raw.close()
    values = ", ".join(changes.get(name, name) for name in names)
    return f"INSERT INTO {table}_rows ({', '.join(names)}) SELECT {values} FROM {table}_rows WHERE {where} LIMIT 1"


def test_rows_added_round_the_register_with_its_triggers_off_are_noticed_at_the_next_cycle(
    tmp_path, postgres: Postgres, database: str
):
    path = tmp_path / "register.db"
    two_tenants(path)
    url, dsn = postgres.url(database), postgres.dsn(database)
    publish(path, url)
    con = connector.connect(str(path), autocommit=True)
    con.execute("UPDATE Assets SET Description = 'through the register'")
    con.close()
    assert "applied changes" in publish(path, url)  # the register's own writes are in the log: no finding
    write_with_triggers_off(
        path,
        copied_row(
            path, "AssetTracking", {"TrackingId": "'11111111-2222-4333-8444-555555555555'", "Option": "'South'"}, "1"
        ),
    )
    out = publish(path, url)
    assert "published a snapshot" in out and "round the register" in out and "1 in AssetTracking" in out
    assert_published(path, dsn)
    assert "up to date" in publish(path, url)


def test_rows_added_round_the_register_that_break_a_rule_are_refused_at_the_next_cycle(
    tmp_path, postgres: Postgres, database: str
):
    path = tmp_path / "register.db"
    two_tenants(path)
    url, dsn = postgres.url(database), postgres.dsn(database)
    publish(path, url)
    before = published_rows(dsn)
    write_with_triggers_off(
        path,
        copied_row(
            path,
            "Assets",
            {
                "AssetId": "'11111111-2222-4333-8444-555555555555'",
                "AssetNumber": "'FORGED-1'",
                "AssetNumberKey": "'forged-1'",
            },
            "AssetStatus = 'Registered'",
        ),
    )
    result = assets_sql("publish", path, url)
    assert result.returncode == 1
    assert "does not check out" in result.stderr and "Assets" in result.stderr
    assert published_rows(dsn) == before


def test_two_registers_publish_into_one_database_apart(tmp_path, postgres: Postgres, database: str):
    one, other = tmp_path / "one.db", tmp_path / "other.db"
    two_tenants(one)
    two_tenants(other)
    publish(one, postgres.url(database))
    publish(other, postgres.url(database))
    con = connector.connect(str(one), autocommit=True)
    con.execute("DELETE FROM Assets WHERE AssetStatus = 'Draft'")
    con.execute("UPDATE Assets SET AssetName = 'only in one'")
    con.close()
    publish(one, postgres.url(database))
    shown = [register_rows(one), register_rows(other)]
    published = published_rows(postgres.dsn(database))
    for name in TABLES:
        assert published[name] == sorted(shown[0][name] + shown[1][name], key=repr), name
    with psycopg.connect(postgres.dsn(database)) as pg:
        assert pg.execute('SELECT count(*) FROM assets_sql."_Publications"').fetchone() == (2,)


def test_a_publisher_behind_the_retained_log_takes_a_fresh_snapshot(
    tmp_path, postgres: Postgres, database: str, monkeypatch
):
    monkeypatch.setattr(changelog, "PRUNE_EVERY", 8)
    path = tmp_path / "register.db"
    two_tenants(path)
    publish(path, postgres.url(database), "--retain", "5")
    con = connector.connect(str(path), autocommit=True)
    for number in range(20):
        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('A', ?)", (f"P-{number}",))
    assert changelog.state(internal(con))["PrunedThrough"] > 0
    con.close()
    out = publish(path, postgres.url(database))
    assert "published a snapshot" in out and "keeps changes after" in out
    assert_published(path, postgres.dsn(database))


def test_a_new_layout_is_published_again(tmp_path, postgres: Postgres, database: str):
    path = tmp_path / "register.db"
    two_tenants(path)
    publish(path, postgres.url(database))
    with psycopg.connect(postgres.dsn(database)) as con:
        con.execute('ALTER TABLE assets_sql."Assets" DROP COLUMN "Description"')
        con.execute('UPDATE assets_sql."_Publications" SET "LayoutVersion" = 2')
    out = publish(path, postgres.url(database))
    assert "layout changed" in out
    assert_published(path, postgres.dsn(database))


def test_a_copied_file_is_told_apart(tmp_path, postgres: Postgres, database: str):
    path = tmp_path / "register.db"
    two_tenants(path)
    publish(path, postgres.url(database))
    copy = tmp_path / "copy.db"
    shutil.copy(path, copy)
    result = assets_sql("publish", copy, postgres.url(database))
    assert result.returncode == 1
    assert "same identity: it is a copy" in result.stderr and "--new-identity" in result.stderr
    result = assets_sql("publish", copy, postgres.url(database), "--new-identity")
    assert result.returncode == 1
    assert "is published already by register" in result.stderr
    assert "publish it into another schema" in result.stderr
    publish(copy, postgres.url(database), "--schema", "copy")
    # an older copy of the register (a backup), put back in its place, is refused
    backup = tmp_path / "backup.db"
    shutil.copy(path, backup)
    con = connector.connect(str(path), autocommit=True)
    con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Later', 'L-1')")
    con.close()
    publish(path, postgres.url(database))
    shutil.copy(backup, path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    result = assets_sql("publish", path, postgres.url(database))
    assert result.returncode == 1
    assert "older copy of the register" in result.stderr


def test_a_role_granted_tenant_a_sees_no_row_of_b_and_cannot_write(
    tmp_path, postgres: Postgres, database: str, login_role: Callable[[str], str]
):
    path = tmp_path / "register.db"
    first, second = two_tenants(path)
    bi_alpha = login_role("bi_alpha")
    out = publish(path, postgres.url(database), "--grant", f"{bi_alpha}=Alpha")
    assert f"granted {bi_alpha} read access to {first}" in out
    published = published_rows(postgres.dsn(database))
    with psycopg.connect(postgres.dsn(database, user=bi_alpha), autocommit=True) as con:
        for table in TABLES.values():
            rows = con.execute(f'SELECT "TenantId" FROM assets_sql."{table.name}"').fetchall()
            mine = [row for row in published[table.name] if row[table.column_names.index("TenantId")] == first]
            assert len(rows) == len(mine), table.name
            assert {tenant for (tenant,) in rows} <= {first}, table.name
        assert con.execute('SELECT count(*) FROM assets_sql."Assets" WHERE "TenantId" = %s', (second,)).fetchone() == (
            0,
        )
        for statement in (
            'INSERT INTO assets_sql."Tenants" ("TenantId", "Name") VALUES (\'x\', \'x\')',
            'UPDATE assets_sql."Assets" SET "AssetName" = \'x\'',
            'DELETE FROM assets_sql."Assets"',
            f"INSERT INTO assets_sql.\"_Grants\" VALUES ('{bi_alpha}', %s)",
            'SELECT * FROM assets_sql."_Publications"',
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(statement, (second,) if "%s" in statement else None)
    result = assets_sql("publish", path, postgres.url(database), "--grant", "nobody_here=Alpha")
    assert result.returncode == 1 and "CREATE ROLE" in result.stderr
    result = assets_sql("publish", path, postgres.url(database), "--grant", f"{bi_alpha}=Gamma")
    assert result.returncode == 1 and "is not a tenant" in result.stderr


def test_money_dates_and_booleans_arrive_exact(tmp_path, postgres: Postgres, database: str):
    path = tmp_path / "register.db"
    two_tenants(path)
    con = connector.connect(str(path), autocommit=True)
    add(con, "NEG", price="0.01")
    con.close()
    Publisher(path, postgres.url(database)).cycle()
    with psycopg.connect(postgres.dsn(database)) as pg:
        price, day = pg.execute(
            'SELECT "PurchasePrice", "PurchaseDate" FROM assets_sql."Assets" WHERE "AssetNumber" = \'NEG\''
        ).fetchone()
    assert price == Decimal("0.01")
    assert str(day) == "2024-01-01"
    with pytest.raises(PublishError, match="no such register file"):
        Publisher(tmp_path / "none.db", postgres.url(database)).cycle()


def test_a_file_that_is_no_register_is_refused_and_left_as_it_was(tmp_path):
    """publish never makes a register: an empty file, a directory, a missing name and an SQLite file of other tables
    are refused before PostgreSQL is reached, each in its own words, and left as they were."""
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    folder = tmp_path / "folder.db"
    folder.mkdir()
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as raw:
        raw.execute("CREATE TABLE notes (body TEXT)")
    before = foreign.read_bytes()
    for path, says in (
        (empty, "empty file"),
        (folder, "directory"),
        (tmp_path / "typo.db", "no such register file"),
        (foreign, "not a register"),
    ):
        result = assets_sql("publish", path, "postgresql://nobody@127.0.0.1:1/nowhere")
        assert result.returncode == 1, result.stderr
        assert says in result.stderr and "Traceback" not in result.stderr
    assert empty.read_bytes() == b"" and foreign.read_bytes() == before
    assert not (tmp_path / "typo.db").exists() and not list(folder.iterdir())


def test_an_asset_type_s_locks_follow_its_assets_and_a_small_write_republishes_no_type(
    tmp_path, postgres: Postgres, database: str
):
    """Locks counts a type's assets with depreciation: it moves when an asset changes type (both types) and when an
    asset's last depreciation goes or its first comes (by a rollback or a run), and only the types touched are
    published again; a draft with no type touches none."""
    path = tmp_path / "register.db"
    first, _ = two_tenants(path)
    dsn = postgres.dsn(database)
    publisher = Publisher(path, postgres.url(database))
    try:
        publisher.cycle()
        con = connector.connect(str(path), autocommit=True, tenant=first)
        con.execute("UPDATE Settings SET ChangesOfEstimate = 'prospective'")  # the move keeps EQ-0's depreciation
        con.execute(TYPE_SQL.replace("'Equipment'", "'Plant'"))
        con.execute(
            "UPDATE Assets SET AssetTypeId = (SELECT AssetTypeId FROM AssetTypes WHERE AssetTypeName = 'Plant') "
            "WHERE AssetNumber = 'EQ-0'"
        )
        publisher.cycle()
        assert_published(path, dsn)
        locks = dict(con.execute("SELECT AssetTypeName, Locks FROM AssetTypes").fetchall())
        assert locks == {"Equipment": 4, "Plant": 1}

        con.execute("UPDATE Settings SET LastDepreciationDate = NULL")  # every asset's depreciation goes
        publisher.cycle()
        assert_published(path, dsn)
        assert dict(con.execute("SELECT AssetTypeName, Locks FROM AssetTypes").fetchall()) == {
            "Equipment": 0,
            "Plant": 0,
        }
        con.execute("INSERT INTO DepreciationRuns (ThroughDate) VALUES ('2024-03-31')")
        publisher.cycle()
        assert_published(path, dsn)
        assert dict(con.execute("SELECT AssetTypeName, Locks FROM AssetTypes").fetchall()) == locks

        con.execute("INSERT INTO Assets (AssetName, AssetNumber) VALUES ('Draft', 'D-9')")
        # its row and its own ledger account's, no asset type's (three before: every type's Locks counted again)
        assert publisher.cycle().rows == 2
        assert_published(path, dsn)
        con.close()
    finally:
        publisher.close()
