"""``assets-sql publish REGISTER postgresql://...``: publish a register into a PostgreSQL schema, then its changes.

assets-sql publish register.db postgresql://publisher@db/warehouse
assets-sql publish register.db postgresql://publisher@db/warehouse --follow
assets-sql publish register.db postgresql://publisher@db/warehouse --grant bi_acme=Acme
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence

import psycopg

from connector.publish.publisher import Publisher, PublishError
from connector.publish.target import DEFAULT_SCHEMA, distribution_sql
from connector.store import changelog

_EPILOG = """\
The first run creates the schema (its tables as the register's, keyed on TenantId first, with row-level security)
and copies every row; each later run applies the register's changes since the last one, exactly once, and exits
(with --follow, it keeps applying them as they are committed). A file that does not pass assets-sql check is
refused, with the findings.

examples:
  assets-sql publish register.db postgresql://publisher@db/warehouse --follow
  assets-sql publish register.db postgresql://publisher@db/warehouse --grant bi_acme=Acme --grant bi_all=Acme,Beta
  assets-sql publish register.db postgresql://publisher@db/warehouse --retain 5000000
  assets-sql publish copy.db postgresql://publisher@db/other --new-identity   a copied file, as a register of its own

Exit status: 0 when published, 1 when refused (the reason on standard error)."""


def parser() -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(
        prog="assets-sql publish",
        description="Publish a register into PostgreSQL (a schema of its tables), then keep it up to date.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    made.add_argument("register", metavar="REGISTER", help="the register file")
    made.add_argument("dsn", metavar="POSTGRESQL", help="where to publish: postgresql://user@host/database")
    made.add_argument("--schema", default=DEFAULT_SCHEMA, help=f"the schema to publish into (default {DEFAULT_SCHEMA})")
    made.add_argument("--follow", action="store_true", help="keep publishing each change as it is committed")
    made.add_argument(
        "--interval", type=float, default=0.2, metavar="SECONDS", help="with --follow, how often to look (default 0.2)"
    )
    made.add_argument(
        "--grant",
        action="append",
        default=[],
        metavar="ROLE=TENANT[,TENANT]",
        help="let a PostgreSQL role read these tenants' rows (by TenantId or Name), and nothing else",
    )
    made.add_argument(
        "--retain",
        type=int,
        metavar="CHANGES",
        help=f"how many changes the register's log keeps (default {changelog.DEFAULT_RETENTION:,}); a publisher "
        "further behind takes a fresh snapshot",
    )
    made.add_argument(
        "--new-identity",
        action="store_true",
        help="give this file an identity of its own first (a copy of another register's file)",
    )
    made.add_argument("--moved", action="store_true", help="the register's file was moved: publish it from here")
    made.add_argument(
        "--citus", action="store_true", help="print the Citus statements that distribute the schema by tenant, and exit"
    )
    return made


def main(argv: Sequence[str]) -> int:
    arguments = parser().parse_args(argv)
    if arguments.citus:
        print(distribution_sql(arguments.schema))
        return 0
    grants = []
    for item in arguments.grant:
        role, _, tenants = item.partition("=")
        if not role or not tenants:
            print(f"assets-sql publish: --grant {item}: write ROLE=TENANT[,TENANT...]", file=sys.stderr)
            return 2
        grants.append((role, [tenant.strip() for tenant in tenants.split(",") if tenant.strip()]))
    publisher = Publisher(
        arguments.register,
        arguments.dsn,
        arguments.schema,
        moved=arguments.moved,
        say=lambda text: print(text, flush=True),
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        publisher.verify_unless_published()
        if arguments.retain is not None or arguments.new_identity:
            _write_register(publisher, arguments.retain, arguments.new_identity)
        if arguments.follow:
            publisher.follow(arguments.interval)
            return 0
        done = publisher.cycle()
        publisher.report(done)
        if not done.snapshot and not done.changes:
            print(f"the published copy is up to date (change {done.through})")
        for role, tenants in grants:
            granted = publisher.grant(role, tenants)
            print(f"granted {role} read access to {', '.join(granted)}")
        return 0
    except PublishError as error:
        print(f"assets-sql publish: {error}", file=sys.stderr)
        return 1
    except psycopg.Error as error:
        print(f"assets-sql publish: PostgreSQL: {str(error).strip()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        publisher.close()


def _write_register(publisher: Publisher, retain: int | None, new_identity: bool) -> None:
    store = publisher.store
    connection = store.connection

    def work() -> None:
        if retain is not None:
            changelog.set_retention(store, retain)
        if new_identity:
            identity = changelog.new_identity(store)
            print(f"{publisher.path} is now register {identity}")

    if retain is not None and retain < 1:
        raise PublishError(f"--retain {retain}: the change log keeps at least one change")
    with connection:
        store.writing(work)
