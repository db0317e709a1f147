"""What user SQL may touch: SQLite's authorizer, on every connection the connector opens.

Every statement a user sends (through the DB-API, the console, the bridge, or a raw APSW connection the hooks were
installed on) is untrusted. SQLite asks :meth:`Guard.authorize` about every table, column, PRAGMA, ATTACH and DDL a
statement touches while it is prepared, and the guard refuses:

- any read or write of the register's storage (``Assets_rows``, ...) and of SQLite's statistics about it: only the
  store reaches storage;
- DROP or ALTER of a register table, indexes and triggers on storage, a new table of the register's module;
- ATTACH, DETACH and VACUUM INTO, unless the connection opted in (and even then an attached register's storage
  stays out of reach);
- PRAGMAs that change the file or the connection's safety (user_version, journal_mode, writable_schema, ...): the
  read-only ones a client uses (table_info, index_list, integrity_check, ...) stay;
- functions that reach the file system or the register's internals;
- on a read-only connection, every write and every DDL outside ``temp``.

The register's own statements run inside :meth:`Guard.trusted`, and only those; a statement built from user SQL
(an UPDATE's selection, a RETURNING list) runs inside :meth:`Guard.untrusted` even when the store is at work around
it. SQLite consults the authorizer when it prepares a statement, and APSW keeps prepared statements in a cache keyed
by their text, so every trusted statement's text carries :data:`MARK`, a per-process secret: user SQL can never be
the text of a trusted statement, and so never finds one in the cache.
"""

from __future__ import annotations

import secrets

import apsw

from connector.domain.errors import Forbidden, ReadOnlyConnection, RegisterError
from connector.schema import TABLES

#: Starts the text of every statement the register runs for itself (see the module's docstring).
MARK = f"/* assets-sql {secrets.token_hex(16)} */ "
#: The virtual-table module the register's tables are made with.
MODULE = "fixed_asset_register"
#: The function the storage's triggers call (see :mod:`connector.store`): only the register's connections define it, so
#: that a plain SQLite tool's write to storage fails with this name as its message.
STORAGE_GUARD = "assets-sql: storage of a register, written only by assets-sql"
#: The SQL functions only the register may call: the store's write gateway and the storage guard.
INTERNAL_FUNCTIONS = frozenset({"_register_write", STORAGE_GUARD.lower()})
#: Functions no user statement may call: they reach the file system or load code.
_DANGEROUS_FUNCTIONS = frozenset({"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"})
#: Actions on a table of the file, and which argument names it.
_ON_TABLE = {apsw.SQLITE_READ: 1, apsw.SQLITE_INSERT: 1, apsw.SQLITE_UPDATE: 1, apsw.SQLITE_DELETE: 1}
#: DDL that makes an object (its name in arg1, the table it is on in arg2) and DDL that drops or changes one.
_MAKES = frozenset(
    {apsw.SQLITE_CREATE_TABLE, apsw.SQLITE_CREATE_VIEW, apsw.SQLITE_CREATE_TRIGGER, apsw.SQLITE_CREATE_INDEX}
)
_MAKES_TEMP_ON = frozenset({apsw.SQLITE_CREATE_TEMP_TRIGGER, apsw.SQLITE_CREATE_TEMP_INDEX})
_DROPS = frozenset({apsw.SQLITE_DROP_TABLE, apsw.SQLITE_DROP_VIEW, apsw.SQLITE_DROP_TRIGGER, apsw.SQLITE_DROP_INDEX})
#: The storage tables, lower case.
STORAGE = frozenset(f"{table.name}_rows".lower() for table in TABLES.values()) | {"changelog", "changelogstate"}
#: The table that says which tenants own each table, view, index and trigger a restricted connection created: only
#: the register reads and writes it (see :mod:`connector.tenancy`).
OWNERS = "assets_sql_owners"
_REGISTER = frozenset(table.name.lower() for table in TABLES.values())
#: Tables that describe storage page by page or count its rows, and the modules that make them.
_ABOUT_STORAGE = frozenset({"dbstat", "sqlite_dbpage", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"})
_ABOUT_STORAGE_MODULES = frozenset({"dbstat", "sqlite_dbpage"})

#: PRAGMAs that only read, whatever their argument (a table name, a limit).
_QUERY_PRAGMAS = frozenset(
    {
        "table_info",
        "table_xinfo",
        "table_list",
        "index_list",
        "index_info",
        "index_xinfo",
        "foreign_key_list",
        "foreign_key_check",
        "integrity_check",
        "quick_check",
        "database_list",
        "collation_list",
        "function_list",
        "module_list",
        "pragma_list",
        "compile_options",
    }
)
#: PRAGMAs a statement may set: they change how this connection plans or waits, never the file or its safety.
_SETTABLE_PRAGMAS = frozenset(
    {
        "cache_size",
        "temp_store",
        "case_sensitive_like",
        "busy_timeout",
        "automatic_index",
        "recursive_triggers",
        "foreign_keys",
        "defer_foreign_keys",
        "reverse_unordered_selects",
        "cache_spill",
        "threads",
        "analysis_limit",
        "optimize",
    }
)

_WRITES = {apsw.SQLITE_INSERT: "write to", apsw.SQLITE_UPDATE: "write to", apsw.SQLITE_DELETE: "delete from"}
_CREATE_ON_TABLE = {
    apsw.SQLITE_CREATE_INDEX: "create an index on",
    apsw.SQLITE_CREATE_TEMP_INDEX: "create an index on",
    apsw.SQLITE_DROP_INDEX: "drop an index of",
    apsw.SQLITE_DROP_TEMP_INDEX: "drop an index of",
    apsw.SQLITE_CREATE_TRIGGER: "create a trigger on",
    apsw.SQLITE_CREATE_TEMP_TRIGGER: "create a trigger on",
    apsw.SQLITE_DROP_TRIGGER: "drop a trigger of",
    apsw.SQLITE_DROP_TEMP_TRIGGER: "drop a trigger of",
}
_DDL = frozenset(
    {
        apsw.SQLITE_CREATE_INDEX,
        apsw.SQLITE_CREATE_TABLE,
        apsw.SQLITE_CREATE_TRIGGER,
        apsw.SQLITE_CREATE_VIEW,
        apsw.SQLITE_DROP_INDEX,
        apsw.SQLITE_DROP_TABLE,
        apsw.SQLITE_DROP_TRIGGER,
        apsw.SQLITE_DROP_VIEW,
        apsw.SQLITE_ALTER_TABLE,
        apsw.SQLITE_CREATE_VTABLE,
        apsw.SQLITE_DROP_VTABLE,
        apsw.SQLITE_REINDEX,
        apsw.SQLITE_ANALYZE,
    }
)

#: PRAGMAs that tell of the whole file (its size, its changes, every tenant's included) or checkpoint it: not for a
#: connection restricted to some tenants, nor a read-only one.
_ABOUT_THE_FILE = frozenset(
    {"page_count", "freelist_count", "data_version", "schema_version", "wal_checkpoint", "stats", "max_page_count"}
)
#: PRAGMAs that change the file whether or not they are given a value.
_CHANGING_WITHOUT_VALUE = frozenset({"incremental_vacuum"})

#: The PRAGMAs that describe one object (named by their argument): a connection restricted to some tenants reads no
#: other tenant's object's description, nor PRAGMA table_list (every tenant's objects).
_ABOUT_AN_OBJECT = frozenset(
    {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list", "foreign_key_check"}
)
_EVERY_TENANTS_OBJECTS = (
    "lists every tenant's tables, views, indexes and triggers, and this connection is restricted to some tenants; "
    "the catalog (information_schema, pg_class over the bridge) lists its own"
)
_READ_ONLY = "this connection is read-only"
#: SQLite's list of the file's objects, as the authorizer names it (``sqlite_schema`` for a read of no column).
_SCHEMA = frozenset({"sqlite_master", "sqlite_schema"})
_STORAGE_HINT = "query the register's tables (Assets, ValueUpdates, ...) instead; only the register reads its storage"


def is_storage(name: str | None) -> bool:
    return name is not None and (name.lower() in STORAGE or name.lower() == OWNERS)


def is_register_table(name: str | None) -> bool:
    return name is not None and name.lower() in _REGISTER


class Guard:
    """The authorizer of one connection, and the scopes in which the register's own statements run."""

    def __init__(self, connection: apsw.Connection) -> None:
        #: Whether ATTACH, DETACH and VACUUM INTO are allowed (an explicit opt-in; never over the bridge).
        self.allow_attach = False
        #: Whether every write and DDL outside ``temp`` is refused.
        self.read_only = False
        #: Whether the connection may use only some tenants (see :class:`connector.tenancy.Tenancy`).
        self.restricted = False
        #: The tenants the connection may use (None: every tenant, the file's owner).
        self.tenants: frozenset[str] | None = None
        #: Who owns the objects restricted connections made (name, lower case: their tenants), and every name the
        #: file's schema holds, as :class:`connector.tenancy.Tenancy` last read them.
        self.owners: dict[str, frozenset[str]] = {}
        self.names: frozenset[str] = frozenset()
        #: Objects this connection's statements made or dropped, for the register to record after them.
        self.made: list[str] = []
        self.dropped: list[str] = []
        #: Tables this connection's statements altered (a renamed one keeps its owners under its new name).
        self.altered: list[str] = []
        #: Whether the statement being prepared has changed the file's list of objects: SQLite's own DDL reads
        #: ``sqlite_schema`` after that (DROP deletes its rows, ALTER rewrites them), and a restricted connection's
        #: reads of it are refused only before (see :meth:`new_statement`).
        self._schema_changed = False
        #: Why the last statement was refused, for the error the caller raises (SQLite only says "not authorized").
        self.denial: RegisterError | None = None
        self._scopes: list[bool] = []
        self._trusted = _Scope(self._scopes, True)
        self._untrusted = _Scope(self._scopes, False)
        connection.authorizer = self.authorize

    # -- scopes ------------------------------------------------------------------------------------------------

    def trusted(self) -> _Scope:
        """Run the register's own statements: nothing is refused (their text must start with :data:`MARK`)."""
        return self._trusted

    def untrusted(self) -> _Scope:
        """Run SQL a user wrote, even from inside the register's own work."""
        return self._untrusted

    def new_statement(self) -> None:
        """A user statement is about to be prepared (:class:`connector.tenancy.StatementCursor` says so)."""
        self._schema_changed = False

    @property
    def is_trusted(self) -> bool:
        return bool(self._scopes) and self._scopes[-1]

    def take_denial(self) -> RegisterError | None:
        """The register's error for the last refusal (Forbidden, or ReadOnlyConnection), once."""
        denial, self.denial = self.denial, None
        return denial

    # -- the authorizer ------------------------------------------------------------------------------------------

    def authorize(
        self, action: int, arg1: str | None, arg2: str | None, database: str | None, source: str | None
    ) -> int:
        if self._scopes and self._scopes[-1]:
            return apsw.SQLITE_OK
        reason = self._refusal(action, arg1, arg2, database) or self._ownership(action, arg1, arg2, database, source)
        if reason is None:
            return apsw.SQLITE_OK
        self.denial = ReadOnlyConnection(reason) if reason.endswith(_READ_ONLY) else Forbidden(reason)
        return apsw.SQLITE_DENY

    def _refusal(self, action: int, arg1: str | None, arg2: str | None, database: str | None) -> str | None:
        if action == apsw.SQLITE_READ:
            if self.tenants is not None and (arg1 or "").lower() in _SCHEMA and not self._schema_changed:
                return (
                    f"cannot read sqlite_schema: it {_EVERY_TENANTS_OBJECTS}; in-process, PRAGMA table_info(name) "
                    "describes a register table or an object of this connection's tenants"
                )
            if is_storage(arg1):
                return f"cannot read {arg1}: it is the register's storage; {_STORAGE_HINT}"
            if arg1 is not None and arg1.lower() in _ABOUT_STORAGE:
                return f"cannot read {arg1}: it describes the register's storage"
            return None
        if action in _WRITES:
            if action != apsw.SQLITE_INSERT and (arg1 or "").lower() in _SCHEMA:
                # the DDL being prepared deletes or rewrites the file's own rows of its objects (only SQLite's DDL
                # can: the table is read-only to every statement); what it reads of them next is its own doing
                self._schema_changed = True
            if is_storage(arg1) or (arg1 or "").lower() in _ABOUT_STORAGE:
                return (
                    f"cannot {_WRITES[action]} {arg1}: it is the register's storage; write to the register's tables "
                    "(INSERT, UPDATE, DELETE on Assets, ...), where the rules apply"
                )
            if self.read_only and (database or "main").lower() != "temp":
                return f"cannot {_WRITES[action]} {arg1}: {_READ_ONLY}"
            if (database or "main").lower() not in ("main", "temp") and not self.allow_attach:
                return f"cannot {_WRITES[action]} {database}.{arg1}: attached databases are read-only here"
            return None
        if action == apsw.SQLITE_SELECT or action == apsw.SQLITE_RECURSIVE:
            return None
        if action in (apsw.SQLITE_TRANSACTION, apsw.SQLITE_SAVEPOINT):
            return None
        if action == apsw.SQLITE_FUNCTION:
            name = (arg2 or "").lower()
            if name in INTERNAL_FUNCTIONS:
                return f"cannot call {arg2}(): it is the register's own"
            if name in _DANGEROUS_FUNCTIONS:
                return f"cannot call {arg2}(): it reaches the file system or loads code"
            return None
        if action == apsw.SQLITE_PRAGMA:
            return self._pragma(arg1 or "", arg2)
        if action in (apsw.SQLITE_ATTACH, apsw.SQLITE_DETACH):
            return self._attach(action, arg1)
        return self._ddl(action, arg1, arg2, database)

    def _pragma(self, name: str, value: str | None) -> str | None:
        lowered = name.lower()
        if lowered in _ABOUT_THE_FILE and (self.restricted or self.read_only):
            who = "restricted to some tenants" if self.restricted else "read-only"
            return (
                f"cannot run PRAGMA {name}: it tells of the whole register file, every tenant's rows included (or "
                f"checkpoints it), and this connection is {who}; query the register's tables instead"
            )
        if self.restricted and lowered == "table_list":
            return f"cannot run PRAGMA {name}: it {_EVERY_TENANTS_OBJECTS}"
        if self.restricted and lowered in _ABOUT_AN_OBJECT and value and not self._may_use_table(value):
            return self._not_yours(value)
        if lowered in _QUERY_PRAGMAS:
            return None
        if value is None and lowered not in _CHANGING_WITHOUT_VALUE:
            return None  # reading a setting
        if lowered in _SETTABLE_PRAGMAS:
            return None
        return (
            f"cannot set PRAGMA {name}: it changes the register file or this connection's safety; "
            "only read-only PRAGMAs (table_info, index_list, integrity_check, ...) and connection settings such as "
            "cache_size are allowed"
        )

    def _attach(self, action: int, filename: str | None) -> str | None:
        if action == apsw.SQLITE_ATTACH and filename == "":
            return None  # VACUUM attaches a temporary database of its own; the front door decides about VACUUM
        if self.allow_attach:
            return None
        verb = "ATTACH" if action == apsw.SQLITE_ATTACH else "DETACH"
        return (
            f"cannot {verb} a database (or VACUUM INTO a file): this connection may use only its register file; "
            "connect(..., allow_attach=True) (assets-sql --allow-attach) allows it in-process"
        )

    def _ddl(self, action: int, arg1: str | None, arg2: str | None, database: str | None) -> str | None:
        if action in _CREATE_ON_TABLE and (is_storage(arg2) or is_register_table(arg2)):
            return f"cannot {_CREATE_ON_TABLE[action]} {arg2}: the register's tables and storage are its own"
        if action in (apsw.SQLITE_DROP_TABLE, apsw.SQLITE_DROP_VTABLE) and (
            is_register_table(arg1) or is_storage(arg1)
        ):
            return (
                f"cannot drop {arg1}: it is a register table; delete rows with DELETE FROM {arg1} where the rules allow"
            )
        if action == apsw.SQLITE_ALTER_TABLE:
            self._schema_changed = True  # ALTER reads and rewrites the list as it goes
        if action == apsw.SQLITE_ALTER_TABLE and (is_register_table(arg2) or is_storage(arg2)):
            return f"cannot alter {arg2}: the register's tables are declared by schema/"
        if action == apsw.SQLITE_CREATE_VTABLE and (arg2 == MODULE or is_register_table(arg1)):
            return f"cannot create {arg1} with the register's module: the register makes its own tables"
        if action == apsw.SQLITE_CREATE_VTABLE and (arg2 or "").lower() in _ABOUT_STORAGE_MODULES:
            return f"cannot create a {arg2} table: it describes the register's storage page by page"
        if action == apsw.SQLITE_ANALYZE:
            return "cannot ANALYZE: the statistics it keeps count the register's storage"
        if action in (apsw.SQLITE_CREATE_TABLE, apsw.SQLITE_CREATE_TEMP_TABLE) and (
            is_storage(arg1) or is_register_table(arg1)
        ):
            return f"cannot create {arg1}: the name is the register's"
        if self.read_only and action in _DDL and (database or "main").lower() != "temp":
            return f"cannot change the schema: {_READ_ONLY}"
        return None

    # -- tenants' own objects ------------------------------------------------------------------------------------

    def owner(self, name: str) -> frozenset[str] | None:
        """The tenants that own an object (None: the file's owner made it, or it is the register's)."""
        return self.owners.get(name.lower())

    def _may_use(self, name: str) -> bool:
        """Whether this connection may read, write, change or drop the object: the file's owner may use every
        object; a restricted connection only those its tenants own (all of them among its own)."""
        if self.tenants is None:
            return True
        owner = self.owner(name)
        return owner is not None and owner <= self.tenants

    def _ownership(
        self, action: int, arg1: str | None, arg2: str | None, database: str | None, source: str | None
    ) -> str | None:
        if source is not None and not self._runs_here(source):
            return (
                f"{source} belongs to other tenants than this connection's: what one tenant defines runs only in "
                "its own tenants' statements; drop it, or act on it from a connection of its tenants"
            )
        if (database or "main").lower() == "temp":
            if action in _MAKES_TEMP_ON and arg2 is not None and not self._may_use_table(arg2):
                return self._not_yours(arg2)
            return None
        if action in _ON_TABLE:
            name = arg1 or ""
            return None if self._may_use_table(name) else self._not_yours(name)
        if action in _MAKES:
            name = arg1 or ""
            if arg2 is not None and action != apsw.SQLITE_CREATE_TABLE and not self._may_use_table(arg2):
                return self._not_yours(arg2)
            if self.tenants is not None and name.lower() in self.names and not self._may_use(name):
                return f"cannot create {name}: the name is taken; choose another"
            if name.lower() not in self.names:
                self.made.append(name)
            return None
        if action in _DROPS:
            name = arg1 or ""
            if not self._may_use(name):
                return self._not_yours(name)
            self.dropped.append(name)
            return None
        if action == apsw.SQLITE_ALTER_TABLE and arg2 is not None:
            if not self._may_use_table(arg2):
                return self._not_yours(arg2)
            self.altered.append(arg2)
        return None

    def _may_use_table(self, name: str) -> bool:
        lowered = name.lower()
        if lowered in _REGISTER or lowered in STORAGE or lowered.startswith("sqlite_") or lowered == OWNERS:
            return True  # the register's, whose rules and tenant scope hold whoever asks; storage is refused above
        if lowered not in self.names and lowered not in (made.lower() for made in self.made):
            return True  # not in the file: a CTE, a table function, a report, or an object this statement makes
        return self._may_use(name) or any(made.lower() == lowered for made in self.made)

    def _runs_here(self, source: str) -> bool:
        """Whether a view or trigger may run in this connection's statement: one a restricted connection made runs
        only where every tenant is one of its own tenants' (so it reaches no more than its definer could)."""
        owner = self.owner(source)
        return owner is None or (self.tenants is not None and self.tenants <= owner)

    @staticmethod
    def _not_yours(name: str) -> str:
        return (
            f"cannot use {name}: it belongs to other tenants (or to the register file's owner); a connection "
            "restricted to some tenants uses only the tables, views, indexes and triggers those tenants made"
        )


class _Scope:
    """Entering pushes trusted or untrusted on the guard's stack of scopes, leaving pops it: a plain context manager
    (the register enters one for each of its own statements, every read of a virtual table included)."""

    __slots__ = ("_scopes", "_value")

    def __init__(self, scopes: list[bool], value: bool) -> None:
        self._scopes = scopes
        self._value = value

    def __enter__(self) -> None:
        self._scopes.append(self._value)

    def __exit__(self, *exc_info: object) -> None:
        self._scopes.pop()
