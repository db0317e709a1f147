"""``assets-sql serve``: serve a register to PostgreSQL clients (psql, ODBC and JDBC drivers, BI tools);
``assets-sql passwd``: the users file section for one user."""

from __future__ import annotations

import argparse
import getpass
import logging
import re
import sys
from collections.abc import Sequence

from connector.bridge import users
from connector.bridge.auth import ITERATIONS, ScramKeys
from connector.bridge.server import Config, Server, read_password, serve

PASSWORD_VARIABLE = "ASSETS_SQL_PASSWORD"

EPILOG = f"""\
examples:
  assets-sql serve register.db                              127.0.0.1:5433, no password (loopback only)
  psql "host=127.0.0.1 port=5433 dbname=register user=me"   then \\dt, \\d "Assets", SELECT ...
  {PASSWORD_VARIABLE}=s3cret assets-sql serve register.db --host 0.0.0.0 --user bi
                                                            any interface, one user with a SCRAM-SHA-256 password
  assets-sql passwd bi --read-only >> users.toml            add a user (the password is read from standard input)
  assets-sql serve register.db --host 0.0.0.0 --users users.toml
                                                            the users of users.toml, each with their own tenants

Clients see the register as a PostgreSQL 15 database with one schema, public. Writes meet the register's rules.
Each session runs in a process of its own. A limit that is reached gives the client PostgreSQL's error for it:
53300 too many connections, 54000 message or statement too large, 54001 statement too deeply nested,
53200 out of memory, 57014 statement timeout or cancel, 55P03 lock timeout, 57P05 idle-session timeout,
57P01 the server stopping.
"""

_SIZE = re.compile(r"^\s*(\d+)\s*(kB|MB|GB)?\s*$")
_UNITS = {None: 1, "kB": 1024, "MB": 1024**2, "GB": 1024**3}


def size(text: str) -> int:
    """A size in bytes, or with PostgreSQL's units kB, MB and GB (1024-based): 64MB."""
    match = _SIZE.match(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: give bytes, or a number with kB, MB or GB")
    return int(match.group(1)) * _UNITS[match.group(2)]


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
        help="address to listen on (default: 127.0.0.1; any other address needs a password or --users)",
    )
    p.add_argument("--port", type=int, default=5433, help="port to listen on (default: 5433)")
    who = p.add_argument_group("who may connect")
    who.add_argument(
        "--users",
        metavar="FILE",
        help="a users file: a [users.NAME] section per user, with its SCRAM verifier, tenants and read_only "
        "(assets-sql passwd NAME prints one)",
    )
    who.add_argument("--user", help="the only user name clients may connect as (default: any); no users file")
    who.add_argument(
        "--password-file",
        metavar="FILE",
        help=f"file whose first line is the password clients must give (or set {PASSWORD_VARIABLE}); no users file",
    )
    who.add_argument(
        "--auth",
        choices=("scram-sha-256", "md5", "password"),
        default="scram-sha-256",
        help="how clients prove the password: SCRAM-SHA-256 (default); md5 or cleartext only if chosen "
        "(md5 not with --users)",
    )
    who.add_argument(
        "--tenant",
        action="append",
        default=[],
        metavar="NAME",
        help="a tenant sessions may use, by name or TenantId; repeat it for more; the first is the one sessions "
        "start in (default: every tenant of the file)",
    )
    limits = p.add_argument_group("limits")
    limits.add_argument(
        "--max-connections",
        type=int,
        default=100,
        metavar="N",
        help="sessions at once, each a process of its own (default: 100)",
    )
    limits.add_argument(
        "--startups-per-address",
        type=int,
        default=8,
        metavar="N",
        help="clients of one address that may be starting up (not yet authenticated) at once (default: 8)",
    )
    limits.add_argument(
        "--session-memory",
        type=size,
        default=0,
        metavar="SIZE",
        help="memory (address space) a session may add to its process, in bytes or with kB, MB or GB (default: "
        "the machine's memory divided by --max-connections, 512MB at least)",
    )
    limits.add_argument(
        "--max-message",
        type=size,
        default=0,
        metavar="SIZE",
        help="the longest message a client may send once authenticated, in bytes or with kB, MB or GB (default: "
        "--session-memory / 32, 16MB for 512MB; 64kB before authentication); a statement may also have as many "
        "tokens (words, numbers, operators, literals) as 7/8 of --session-memory holds at 2kB each, 229,376 for "
        "512MB, and nest 500 levels deep",
    )
    limits.add_argument(
        "--auth-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="time a client has to start up and authenticate (default: 10)",
    )
    limits.add_argument(
        "--statement-timeout",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="statement_timeout sessions start with; they may SET their own (default: 0, none)",
    )
    limits.add_argument(
        "--lock-timeout",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="lock_timeout sessions start with: how long a write waits for another session's (default: 5)",
    )
    limits.add_argument(
        "--idle-timeout",
        type=float,
        default=3600.0,
        metavar="SECONDS",
        help="a session that sends nothing for this long is closed (default: 3600; 0: never)",
    )
    tls = p.add_argument_group("TLS")
    tls.add_argument("--tls-cert", metavar="FILE", help="certificate (PEM) to offer TLS with")
    tls.add_argument("--tls-key", metavar="FILE", help="private key (PEM) of --tls-cert")
    p.add_argument("-v", "--verbose", action="store_true", help="log each client's failures")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    logging.basicConfig(level=logging.INFO if arguments.verbose else logging.WARNING, format="%(message)s")
    from connector.transfer.files import input_problem, register_problem  # serve never creates a register

    problem = register_problem(arguments.database)
    if problem is not None:
        print(f"assets-sql serve: {arguments.database}: {problem}", file=sys.stderr)
        return 1
    for given in (arguments.users, arguments.tls_cert, arguments.tls_key, arguments.password_file):
        if given is not None and (problem := input_problem(given)) is not None:
            print(f"assets-sql serve: {given}: {problem}", file=sys.stderr)
            return 2
    try:
        config = Config(
            arguments.database,
            arguments.host,
            arguments.port,
            user=arguments.user,
            password=read_password(arguments.password_file, PASSWORD_VARIABLE),
            auth=arguments.auth,
            tenants=tuple(arguments.tenant),
            tls_cert=arguments.tls_cert,
            tls_key=arguments.tls_key,
            users=users.load(arguments.users) if arguments.users else None,
            max_connections=arguments.max_connections,
            startups_per_address=arguments.startups_per_address,
            session_memory=arguments.session_memory,
            max_message=arguments.max_message,
            auth_timeout=arguments.auth_timeout,
            statement_timeout=arguments.statement_timeout,
            lock_timeout=arguments.lock_timeout,
            idle_timeout=arguments.idle_timeout,
        )
        server = Server(config)
    except (OSError, ValueError) as error:
        print(f"assets-sql serve: {error}", file=sys.stderr)
        return 2

    def ready(host: str, port: int) -> None:
        print(f"serving {arguments.database} on {host}:{port} (PostgreSQL protocol); Ctrl-C stops", flush=True)

    try:
        serve(server, ready)
    except KeyboardInterrupt:
        return 0
    except OSError as error:
        print(f"assets-sql serve: {error}", file=sys.stderr)
        return 1
    return 0


def passwd_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="assets-sql passwd",
        description="Read a password from standard input and print the users file section (for assets-sql serve "
        "--users FILE) that lets NAME connect with it. The section holds a SCRAM-SHA-256 verifier, never the "
        "password.",
        epilog="example: assets-sql passwd bi --tenant 'Acme Ltd' --read-only >> users.toml",
    )
    p.add_argument("name", help="the user name clients will connect as")
    p.add_argument(
        "--tenant",
        action="append",
        default=[],
        metavar="NAME",
        help="a tenant the user may use (repeatable; default: every tenant the server serves)",
    )
    p.add_argument("--read-only", action="store_true", help="the user may read, never write")
    p.add_argument(
        "--iterations", type=int, default=ITERATIONS, metavar="N", help=f"PBKDF2 iterations (default: {ITERATIONS})"
    )
    return p


def passwd(argv: Sequence[str] | None = None) -> int:
    arguments = passwd_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if arguments.iterations < 1:
        print("assets-sql passwd: --iterations must be 1 or more", file=sys.stderr)
        return 2
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {arguments.name}: ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("assets-sql passwd: the password is empty: give one with some characters in it", file=sys.stderr)
        return 2
    keys = ScramKeys.derive(password, iterations=arguments.iterations)
    print(users.section(arguments.name, keys, tenants=arguments.tenant, read_only=arguments.read_only))
    return 0
