"""The server itself: authentication, many clients at once, cancel, malformed input (fuzzed), the CLI."""

from __future__ import annotations

import random
import shutil
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest

from connector.bridge import cli
from connector.bridge.server import Config
from tests.bridge.conftest import VAN, start
from tests.conftest import ROOT

psycopg = pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install 'psycopg[binary]')")


def startup_packet(user: str = "tester") -> bytes:
    body = struct.pack(">i", 196608) + b"user\x00" + user.encode() + b"\x00database\x00register\x00\x00"
    return struct.pack(">i", len(body) + 4) + body


def test_scram_password(register_file: Path) -> None:
    server, port = start(Config(str(register_file), port=0, user="bi", password="s3cret pass"))
    try:
        dsn = f"host=127.0.0.1 port={port} dbname=register user=bi connect_timeout=10"
        with psycopg.connect(dsn + " password='s3cret pass'") as con:
            assert con.execute("SELECT 1").fetchone() == (1,)
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(dsn + " password=wrong")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(dsn.replace("user=bi", "user=other") + " password='s3cret pass'")
    finally:
        server.stop()


def test_refuses_to_listen_beyond_loopback_without_a_password(register_file: Path) -> None:
    with pytest.raises(ValueError, match="without a password"):
        Config(str(register_file), host="0.0.0.0").check()
    assert cli.main([str(register_file), "--host", "0.0.0.0"]) == 2


def test_cli_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    for option in ("--host", "--port", "--user", "--password-file", "--tls-cert", cli.PASSWORD_VARIABLE):
        assert option in text


def serve_options() -> list[str]:
    return [option for action in cli.parser()._actions for option in action.option_strings if option.startswith("--")]


def test_the_readme_documents_every_serve_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [option for option in serve_options() + ["assets-sql passwd"] if option not in readme]
    assert not missing, f"README.md does not mention {missing}"


def test_tls(register_file: Path, tmp_path: Path) -> None:
    """TLS is negotiated in the start-up loop; a client that asks for it and then stalls is cut off in time."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert)]
        + ["-days", "2", "-subj", "/CN=127.0.0.1"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    config = Config(str(register_file), port=0, password="pw", tls_cert=str(cert), tls_key=str(key), auth_timeout=1)
    server, port = start(config)
    try:
        dsn = f"host=127.0.0.1 port={port} dbname=register user=bi password=pw connect_timeout=10"
        with psycopg.connect(dsn + " sslmode=require") as con:
            assert con.pgconn.ssl_in_use
            assert con.execute('SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" = %s', (VAN,)).fetchone()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(struct.pack(">ii", 8, 80877103))
            assert sock.recv(1) == b"S"
            started = time.monotonic()
            assert sock.recv(1) == b""  # no TLS handshake follows: closed when the time is up
            assert time.monotonic() - started < 4
    finally:
        server.stop()


def test_ssl_request_is_answered_no(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(struct.pack(">ii", 8, 80877103))
        assert sock.recv(1) == b"N"
        sock.sendall(startup_packet())
        assert sock.recv(1) == b"R"


def test_a_slow_client_does_not_block_the_others(dsn: str, port: int) -> None:
    idle = socket.create_connection(("127.0.0.1", port), timeout=10)  # says nothing at all
    half = socket.create_connection(("127.0.0.1", port), timeout=10)
    half.sendall(startup_packet()[:7])  # half a startup packet
    try:
        with psycopg.connect(dsn) as reader_in_transaction, psycopg.connect(dsn) as other:
            reader_in_transaction.execute('SELECT count(*) FROM "Assets"').fetchone()  # holds a read transaction
            assert other.execute('SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" = %s', (VAN,)).fetchone() == (
                VAN,
            )
    finally:
        idle.close()
        half.close()


def test_many_clients_at_once(dsn: str) -> None:
    results: list[object] = []

    def client(number: int) -> None:
        try:
            with psycopg.connect(dsn, autocommit=True) as con:
                for _ in range(5):
                    con.execute('SELECT count(*) FROM "Assets" WHERE length("AssetNumber") > %s', (number,))
                results.append(con.execute("SELECT %s::int", (number,)).fetchone()[0])
        except Exception as error:  # noqa: BLE001 - reported below
            results.append(error)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results, key=str) == sorted(range(8), key=str)


def test_cancel_interrupts_a_long_query(dsn: str) -> None:
    endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
    with psycopg.connect(dsn, autocommit=True) as con:
        stop = threading.Event()

        def keep_cancelling() -> None:
            for _ in range(200):  # bounded: 200 tries, 0.05 s apart
                if stop.wait(0.05):
                    return
                con.cancel_safe()

        canceller = threading.Thread(target=keep_cancelling)
        canceller.start()
        try:
            with pytest.raises(psycopg.errors.QueryCanceled):
                con.execute(endless)
        finally:
            stop.set()
            canceller.join()
        assert con.execute("SELECT 1").fetchone() == (1,)


def test_fuzzed_messages_close_only_their_connection(dsn: str, port: int) -> None:
    generator = random.Random(20250115)
    deadline = time.monotonic() + 20
    for attempt in range(150):
        if time.monotonic() > deadline:
            break
        payload = bytes(generator.getrandbits(8) for _ in range(generator.randint(1, 300)))
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            try:
                if attempt % 2:  # a real startup first, then garbage as messages
                    sock.sendall(startup_packet())
                    sock.recv(4096)
                sock.sendall(payload)
                sock.shutdown(socket.SHUT_WR)
                while sock.recv(4096):
                    pass
            except OSError:
                pass
    with psycopg.connect(dsn) as con:
        assert con.execute('SELECT "AssetNumber" FROM "Assets" WHERE "AssetNumber" = %s', (VAN,)).fetchone() == (VAN,)


def test_an_unknown_message_type_is_a_protocol_error(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(startup_packet())
        received = b""
        while not received.endswith(b"Z\x00\x00\x00\x05I"):
            chunk = sock.recv(4096)
            assert chunk
            received += chunk
        sock.sendall(b"@\x00\x00\x00\x04")
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    assert reply.startswith(b"E") and b"08P01" in reply
