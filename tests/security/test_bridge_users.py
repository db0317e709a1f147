"""The users file over the wire: SCRAM verifiers made by ``assets-sql passwd``, read-only users and transactions,
per-user tenants, and an unknown name that fails exactly like a wrong password."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from connector.bridge import cli, users
from connector.bridge.auth import ScramKeys
from tests.helpers import assets_sql
from tests.security.conftest import ACME, GLOBEX, dsn, everything, tenant_id
from tests.security.wire import Wire

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install 'psycopg[binary]')")

WRITES = (
    'INSERT INTO "Assets" ("AssetName") VALUES (\'Forklift\')',
    'UPDATE "Assets" SET "AssetName" = \'Renamed\'',
    'DELETE FROM "Assets" WHERE "AssetStatus" = \'Draft\'',
    'CREATE TABLE "Notes" (x int)',
    'DROP TABLE "Assets"',
    'ALTER TABLE "Assets" RENAME TO "Gone"',
    'INSERT INTO "Tenants" ("Name") VALUES (\'Initech\')',
)


EMPTY_PASSWORD = ScramKeys.derive("").verifier()


def passwd(*arguments: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return assets_sql("passwd", *arguments, stdin=stdin, timeout=60)


@pytest.fixture(scope="module")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bi: read-only, Acme Ltd only (made by assets-sql passwd); clerk: reads and writes every tenant."""
    bi = passwd("bi", "--tenant", ACME, "--read-only", stdin="bi pass\n")
    clerk = passwd("clerk", stdin="clerk pass\n")
    assert bi.returncode == clerk.returncode == 0, bi.stderr + clerk.stderr
    path = tmp_path_factory.mktemp("users") / "users.toml"
    path.write_text(bi.stdout + "\n" + clerk.stdout, encoding="utf-8")
    return path


def test_passwd_prints_a_verifier_never_the_password(users_file: Path) -> None:
    text = users_file.read_text()
    assert "bi pass" not in text and "clerk pass" not in text
    loaded = users.load(users_file)
    assert loaded["bi"].read_only and loaded["bi"].tenants == (ACME,)
    assert not loaded["clerk"].read_only and loaded["clerk"].tenants is None
    assert loaded["bi"].keys is not None and loaded["bi"].keys.matches("bi pass")


def test_passwd_refuses_an_empty_password() -> None:
    result = passwd("bi", stdin="\n")
    assert result.returncode == 2 and "empty" in result.stderr and not result.stdout


def test_users_connect_with_their_own_password(books: Path, users_file: Path, serve) -> None:
    _, port = serve(books, users=users.load(users_file))
    with psycopg.connect(dsn(port, "clerk", "clerk pass")) as con:
        assert con.execute("SHOW default_transaction_read_only").fetchone() == ("off",)
    with psycopg.connect(dsn(port, "bi", "bi pass")) as con:
        assert con.execute("SHOW default_transaction_read_only").fetchone() == ("on",)
    with pytest.raises(psycopg.OperationalError, match='password authentication failed for user "bi"'):
        psycopg.connect(dsn(port, "bi", "clerk pass"))


def test_an_unknown_user_fails_like_a_wrong_password_after_the_exchange(books: Path, users_file: Path, serve) -> None:
    """The server runs the whole SCRAM exchange for a name it does not know, with a made-up salt that stays the same
    from one attempt to the next, and refuses at the end with the same error as for a wrong password."""
    _, port = serve(books, users=users.load(users_file))

    def attempt(user: str) -> tuple[dict[str, str], dict[str, str]]:
        with Wire(port) as wire:
            code, mechanisms = wire.start(user)
            assert code == 10 and mechanisms == b"SCRAM-SHA-256\x00\x00"
            server_first, bare = wire.sasl_first()
            wire.sasl_final("wrong password", server_first, bare)
            challenge = dict(part.split("=", 1) for part in server_first.decode().split(","))
            error = wire.error()
            assert wire.closed()
            return challenge, error

    known, known_error = attempt("bi")
    unknown, unknown_error = attempt("nobody")
    again, _ = attempt("nobody")
    assert known_error["C"] == unknown_error["C"] == "28P01"
    assert known_error["M"] == 'password authentication failed for user "bi"'
    assert unknown_error["M"] == 'password authentication failed for user "nobody"'
    assert known["i"] == unknown["i"]
    assert len(known["s"]) == len(unknown["s"]) and unknown["s"] == again["s"]
    with pytest.raises(psycopg.OperationalError, match='password authentication failed for user "nobody"'):
        psycopg.connect(dsn(port, "nobody", "bi pass"))


def test_an_unknown_user_gets_the_same_salt_after_a_restart(books: Path, users_file: Path, serve) -> None:
    """A salt made up afresh at each start would tell that the name is unknown (a real user's salt never changes)."""

    def challenge(port: int, user: str) -> dict[str, str]:
        with Wire(port) as wire:
            wire.start(user)
            server_first, _ = wire.sasl_first()
            return dict(part.split("=", 1) for part in server_first.decode().split(","))

    first, port = serve(books, users=users.load(users_file))
    before = {user: challenge(port, user) for user in ("bi", "nobody", "somebody else")}
    first.stop()
    _, port = serve(books, users=users.load(users_file))
    after = {user: challenge(port, user) for user in ("bi", "nobody", "somebody else")}
    assert {user: (c["s"], c["i"]) for user, c in before.items()} == {
        user: (c["s"], c["i"]) for user, c in after.items()
    }
    assert before["nobody"]["s"] != before["somebody else"]["s"] != before["bi"]["s"]
    assert before["nobody"]["i"] == before["bi"]["i"] == "4096"


@pytest.mark.parametrize("statement", WRITES)
def test_a_read_only_user_cannot_write(books: Path, users_file: Path, serve, statement: str) -> None:
    _, port = serve(books, users=users.load(users_file))
    before = everything(books)
    # ALTER of a register table is refused to everyone (42501), whichever check comes first
    expected = {"25006", "42501"} if statement.startswith("ALTER") else {"25006"}
    with psycopg.connect(dsn(port, "bi", "bi pass"), autocommit=True) as con:
        with pytest.raises(psycopg.Error) as refused:
            con.execute(statement)
        assert refused.value.sqlstate in expected, refused.value
        con.execute("SET default_transaction_read_only = off")  # a read-only user stays read-only
        with pytest.raises(psycopg.Error) as again:
            con.execute(statement)
        assert again.value.sqlstate in expected, again.value
        assert con.execute('SELECT "AssetNumber" FROM "Assets" ORDER BY 1').fetchall() == [("FA-0042",), ("FA-0100",)]
    assert everything(books) == before


PRIVILEGES = (
    "SELECT has_table_privilege('\"Assets\"', 'SELECT'), has_table_privilege('\"Assets\"', 'INSERT'), "
    "has_table_privilege(current_user, '\"Assets\"', 'UPDATE, DELETE'), "
    "has_any_column_privilege('\"Assets\"', 'UPDATE'), has_column_privilege('\"Assets\"', 'AssetName', 'INSERT'), "
    "has_schema_privilege('public', 'USAGE'), has_schema_privilege('public', 'CREATE')"
)
READS_ONLY = (True, False, False, False, False, True, False)


def test_privilege_functions_say_a_read_only_user_may_only_read(books: Path, users_file: Path, serve) -> None:
    """Whatever the session's settings say (turned off in the startup packet, by SET, by a READ WRITE block), the
    privilege functions BI tools ask before offering writes answer for the read-only user, as its writes are
    refused; the catalog shows it as no superuser. The read-write user may do everything."""
    _, port = serve(books, users=users.load(users_file))
    reader = dsn(port, "bi", "bi pass") + " options='-c default_transaction_read_only=off'"
    with psycopg.connect(reader, autocommit=True) as con:
        assert con.execute("SHOW default_transaction_read_only").fetchone() == ("off",)
        assert con.execute(PRIVILEGES).fetchone() == READS_ONLY
        con.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
        assert con.execute(PRIVILEGES).fetchone() == READS_ONLY
        con.execute("BEGIN READ WRITE")
        con.execute("SET TRANSACTION READ WRITE")
        assert con.execute(PRIVILEGES).fetchone() == READS_ONLY
        with pytest.raises(psycopg.Error) as refused:
            con.execute(WRITES[0])
        assert refused.value.sqlstate == "25006"
        con.execute("ROLLBACK")
        assert con.execute(PRIVILEGES).fetchone() == READS_ONLY
        roles = "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user"
        assert con.execute(roles).fetchone() == (False, False, False)
        assert con.execute("SELECT usesuper FROM pg_user WHERE usename = 'bi'").fetchone() == (False,)
        assert con.execute("SHOW is_superuser").fetchone() == ("off",)
    with psycopg.connect(dsn(port, "clerk", "clerk pass"), autocommit=True) as con:
        assert con.execute(PRIVILEGES).fetchone() == (True,) * len(READS_ONLY)
        assert con.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (True,)


def test_a_user_sees_only_their_tenants(books: Path, users_file: Path, serve) -> None:
    _, port = serve(books, users=users.load(users_file))
    globex = tenant_id(books, GLOBEX)
    before = everything(books)
    with psycopg.connect(dsn(port, "bi", "bi pass"), autocommit=True) as con:
        assert con.execute('SELECT "Name" FROM "Tenants"').fetchall() == [(ACME,)]
        for statement in (
            'SELECT "AssetNumber" FROM "Assets" WHERE "TenantId" = %s',
            'SELECT count(*) FROM "Assets" WHERE "TenantId" = %s AND "AssetNumber" = \'FA-0042\'',
            'SELECT count(*) FROM "JournalLines" WHERE "TenantId" = %s',
        ):
            try:
                rows = con.execute(statement, (globex,)).fetchall()
            except psycopg.Error as error:
                assert error.sqlstate == "42501", error
            else:
                assert rows in ([], [(0,)])
    assert everything(books) == before


def test_begin_read_only_is_honoured_for_everyone(books: Path, users_file: Path, serve) -> None:
    _, port = serve(books, users=users.load(users_file))
    before = everything(books)
    insert = WRITES[0]
    with psycopg.connect(dsn(port, "clerk", "clerk pass"), autocommit=True) as con:
        for begin in (
            "BEGIN READ ONLY",
            "START TRANSACTION READ ONLY",
            "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY",
        ):
            con.execute(begin)
            assert con.execute("SHOW transaction_read_only").fetchone() == ("on",)
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                con.execute(insert)
            con.execute("ROLLBACK")
        con.execute("BEGIN")
        con.execute("SET TRANSACTION READ ONLY")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            con.execute(insert)
        con.execute("ROLLBACK")
        con.execute("BEGIN")
        con.execute("SET transaction_read_only = on")
        con.execute("SELECT 1")
        with pytest.raises(psycopg.errors.ActiveSqlTransaction):  # 25001: read-write only before any query
            con.execute("SET transaction_read_only = off")
        con.execute("ROLLBACK")
        con.execute("SET default_transaction_read_only = on")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            con.execute(insert)  # a statement outside a block is a read-only transaction of its own
        con.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
        assert con.execute("SHOW default_transaction_read_only").fetchone() == ("off",)
    with psycopg.connect(dsn(port, "clerk", "clerk pass")) as con:
        con.read_only = True  # psycopg sends BEGIN READ ONLY
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            con.execute(insert)
    assert everything(books) == before


def test_psycopg2_read_only_sessions(books: Path, serve) -> None:
    psycopg2 = pytest.importorskip("psycopg2")
    _, port = serve(books)
    before = everything(books)
    for autocommit in (True, False):  # SET default_transaction_read_only, or BEGIN READ ONLY
        con = psycopg2.connect(dsn(port))
        try:
            con.set_session(readonly=True, autocommit=autocommit)
            with con.cursor() as cursor, pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
                cursor.execute(WRITES[0])
        finally:
            con.close()
    assert everything(books) == before


def test_a_read_write_block_still_writes(books: Path, users_file: Path, serve) -> None:
    _, port = serve(books, users=users.load(users_file))
    with psycopg.connect(dsn(port, "clerk", "clerk pass"), autocommit=True) as con:
        con.execute("SET default_transaction_read_only = on")
        con.execute("BEGIN READ WRITE")
        con.execute(WRITES[0])
        con.execute("COMMIT")
        assert con.execute('SELECT count(*) FROM "Assets" WHERE "AssetName" = \'Forklift\'').fetchone() == (1,)


@pytest.mark.parametrize(
    ("arguments", "environment", "files", "message"),
    [
        (["--password-file", "{empty}"], {}, {}, "is empty"),
        ([], {cli.PASSWORD_VARIABLE: ""}, {}, "set but empty"),
        (["--users", "{users}", "--user", "bi"], {}, {}, "use one of them"),
        (["--users", "{bad}"], {}, {"bad": '[users.bi]\nscram = "md5abc"\n'}, "not a SCRAM-SHA-256 verifier"),
        (["--users", "{bad}"], {}, {"bad": "[users.bi]\nread_only = 1\n"}, "scram"),
        (["--users", "{bad}"], {}, {"bad": "# nobody\n"}, "has no users"),
        (["--users", "{bad}"], {}, {"bad": f'[users.bi]\nscram = "{EMPTY_PASSWORD}"\n'}, "empty password"),
        (["--users", "{users}", "--auth", "md5"], {}, {}, "md5"),
        (["--users", "{users}", "--tenant", GLOBEX], {}, {}, "does not serve"),
        (["--tenant", "Initech"], {}, {}, "Initech"),
    ],
)
def test_start_up_refuses_what_would_let_anyone_in(
    books: Path,
    users_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    environment: dict[str, str],
    files: dict[str, str],
    message: str,
) -> None:
    (tmp_path / "empty").write_text("")
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    monkeypatch.delenv(cli.PASSWORD_VARIABLE, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    paths = {"empty": tmp_path / "empty", "users": users_file, **{name: tmp_path / name for name in files}}
    argv = [str(books), "--port", "0", *(a.format(**paths) for a in arguments)]
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("method", ["password", "md5"])
def test_cleartext_and_md5_only_when_chosen_and_alike_for_unknown_names(books: Path, serve, method: str) -> None:
    _, port = serve(books, user="bi", password="bi pass", auth=method)
    with psycopg.connect(dsn(port, "bi", "bi pass")) as con:
        assert con.execute("SELECT 1").fetchone() == (1,)
    for user, password in (("bi", "wrong"), ("nobody", "bi pass")):
        with pytest.raises(psycopg.OperationalError, match=f'password authentication failed for user "{user}"'):
            psycopg.connect(dsn(port, user, password))
