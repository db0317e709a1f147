"""``assets-sql serve``: serve a register to PostgreSQL clients (psql, ODBC and JDBC drivers, BI tools)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from connector.bridge.server import Config, read_password, serve

PASSWORD_VARIABLE = "ASSETS_SQL_PASSWORD"

EPILOG = f"""\
examples:
  assets-sql serve register.db                              127.0.0.1:5433, no password (loopback only)
  psql "host=127.0.0.1 port=5433 dbname=register user=me"   then \\dt, \\d "Assets", SELECT ...
  {PASSWORD_VARIABLE}=s3cret assets-sql serve register.db --host 0.0.0.0 --user bi
                                                            any interface, SCRAM-SHA-256 password

Clients see the register as a PostgreSQL 15 database with one schema, public. Writes meet the register's rules.
"""


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="assets-sql serve",
        description="Serve a register file over the PostgreSQL wire protocol.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("database", nargs="?", default="register.db", help="the register file (default: register.db)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1; any other address needs a password)",
    )
    p.add_argument("--port", type=int, default=5433, help="port to listen on (default: 5433)")
    p.add_argument("--user", help="the only user name clients may connect as (default: any)")
    p.add_argument(
        "--password-file",
        metavar="FILE",
        help=f"file holding the password clients must give (or set {PASSWORD_VARIABLE})",
    )
    p.add_argument(
        "--auth",
        choices=("scram-sha-256", "md5", "password"),
        default="scram-sha-256",
        help="how clients prove the password: SCRAM-SHA-256 (default); md5 or cleartext only if chosen",
    )
    p.add_argument("--tenant", help="the tenant clients work in (its name or TenantId)")
    p.add_argument("--tls-cert", metavar="FILE", help="certificate (PEM) to offer TLS with")
    p.add_argument("--tls-key", metavar="FILE", help="private key (PEM) of --tls-cert")
    p.add_argument("-v", "--verbose", action="store_true", help="log each client's failures")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    logging.basicConfig(level=logging.INFO if arguments.verbose else logging.WARNING, format="%(message)s")
    try:
        config = Config(
            arguments.database,
            arguments.host,
            arguments.port,
            arguments.user,
            read_password(arguments.password_file, PASSWORD_VARIABLE),
            arguments.auth,
            arguments.tenant,
            arguments.tls_cert,
            arguments.tls_key,
        )
        config.check()
    except (OSError, ValueError) as error:
        print(f"assets-sql serve: {error}", file=sys.stderr)
        return 2

    def ready(host: str, port: int) -> None:
        print(f"serving {arguments.database} on {host}:{port} (PostgreSQL protocol); Ctrl-C stops", flush=True)

    try:
        serve(config, ready)
    except KeyboardInterrupt:
        return 0
    except OSError as error:
        print(f"assets-sql serve: {error}", file=sys.stderr)
        return 1
    return 0
