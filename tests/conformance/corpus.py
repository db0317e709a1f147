"""The corpus: statement files run against the bridge and against PostgreSQL, and what each answered.

A corpus file (`corpus/*.sql`) holds entries, each headed by its name and optional directives:

    -- name: min_purchase_date
    -- params: [{"date": "2024-02-29"}, 5]
    -- compare: shape
    -- stdin: a line COPY ... FROM STDIN reads (one directive per line)
    SELECT min("PurchaseDate") FROM "Assets" WHERE "PurchaseDate" >= $1 LIMIT $2;

An entry is one statement, or several (each ending with `;` at the end of a line) run in order in one
transaction; the transaction is rolled back afterwards, so an entry that writes changes neither server for the next.
Parameters are JSON: strings, numbers, booleans, null, arrays, and {"date"|"timestamp"|"timestamptz"|"decimal"|
"uuid": "text"} for typed values. `compare: shape` compares column names, type OIDs and SQLSTATEs but not rows (for
catalog reads whose rows are object ids).

Each entry is run four ways on each server, and each way's answer must be the same on both:
- text: psycopg 3, the extended protocol, results in text, compared character for character;
- binary: psycopg 3, results in binary, compared as the Python values psycopg reads from them (with their types);
- prepared: a named statement prepared and described (the parameters' type OIDs and the row description the
  server gives before anything runs), then executed with the parameters as untyped text;
- simple: the simple query protocol (the entry's text as psql sends it), for entries without parameters.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from psycopg import pq

from tests.conformance.servers import text_loaders

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
DIFFERENCES = HERE / "differences.toml"
MODES = ("text", "binary", "prepared", "simple")


@dataclass
class Entry:
    file: str  # the corpus file's stem: the category
    name: str
    statements: list[str]
    params: list[Any] = field(default_factory=list)
    compare: str = "rows"
    stdin: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.file}/{self.name}"


def read(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    body: list[str] = []

    def close() -> None:
        if current is None:
            return
        text = "\n".join(body).strip()
        statements = [s.strip() for s in re.split(r";[ \t]*(?:\n|$)", text) if s.strip()]
        if not statements:
            raise ValueError(f"{path.name}: entry {current.name} has no statement")
        current.statements = statements
        entries.append(current)

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        header = re.match(r"--\s*(name|params|compare|stdin):\s?(.*)$", line)
        if header and header.group(1) == "name":
            close()
            current, body = Entry(path.stem, header.group(2).strip(), []), []
        elif header and current is not None and not body:
            directive, value = header.groups()
            if directive == "params":
                current.params = [typed(p) for p in json.loads(value)]
            elif directive == "compare":
                current.compare = value.strip()
            else:
                current.stdin.append(value)
        elif current is None:
            if line.strip() and not line.startswith("--"):
                raise ValueError(f"{path.name}:{number}: a statement before the first '-- name:'")
        else:
            body.append(line)
    close()
    names = [e.name for e in entries]
    twice = {n for n in names if names.count(n) > 1}
    if twice:
        raise ValueError(f"{path.name}: names used twice: {sorted(twice)}")
    return entries


def everything() -> list[Entry]:
    return [entry for path in sorted(CORPUS.glob("*.sql")) for entry in read(path)]


TYPED: dict[str, Callable[[str], Any]] = {
    "date": dt.date.fromisoformat,
    "timestamp": dt.datetime.fromisoformat,
    "timestamptz": dt.datetime.fromisoformat,
    "decimal": Decimal,
    "uuid": uuid.UUID,
}


def typed(value: Any) -> Any:
    if isinstance(value, dict):
        ((kind, text),) = value.items()
        return TYPED[kind](text)
    if isinstance(value, list):
        return [typed(v) for v in value]
    return value


def as_text(value: Any) -> bytes | None:
    """A parameter as the text a client sends with no type (OID 0), for the prepared way."""
    if value is None:
        return None
    if isinstance(value, bool):
        return b"t" if value else b"f"
    if isinstance(value, list):
        return ("{" + ",".join("NULL" if v is None else json.dumps(str(v)) for v in value) + "}").encode()
    return str(value).encode()


def sqlstate(error: BaseException) -> dict[str, Any]:
    state = getattr(error, "sqlstate", None)
    if state:
        return {"error": state}
    return {"client error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"}


def ordered(statement: str) -> bool:
    return re.search(r"\border\s+by\b", statement, re.IGNORECASE) is not None


def answer(entry: Entry, statement: str, columns: list[list[Any]], rows: list[Any], status: str | None) -> dict:
    if entry.compare == "shape":
        return {"columns": columns, "status": (status or "").split(" ")[0]}
    if not ordered(statement):
        rows = sorted(rows, key=repr)
    return {"columns": columns, "rows": rows, "status": status}


def value(v: Any) -> Any:
    """A binary-mode value with its Python type, so that 1.0 (float) and Decimal('1.0') differ."""
    if isinstance(v, list):
        return [value(x) for x in v]
    return f"{type(v).__name__}:{v!r}"


class Client:
    """One way of talking to one server: a connection kept across entries, opened again when it breaks."""

    def __init__(self, dsn: str, mode: str) -> None:
        self.dsn, self.mode = dsn, mode
        self.con: psycopg.Connection[Any] | None = None
        self.prepared = 0

    def connection(self) -> psycopg.Connection[Any]:
        if self.con is None or self.con.closed or self.con.broken:
            self.con = psycopg.connect(self.dsn, cursor_factory=psycopg.RawCursor)
            if self.mode == "text":
                text_loaders(self.con)
        return self.con

    def close(self) -> None:
        if self.con is not None:
            self.con.close()

    def run(self, entry: Entry) -> list[dict[str, Any]] | None:
        if self.mode == "simple" and entry.params:
            return None
        con = self.connection()
        answers: list[dict[str, Any]] = []
        try:
            for statement in entry.statements:
                try:
                    answers.append(self.one(con, entry, statement))
                except Exception as error:  # a client that cannot read what a server sent: a difference too
                    answers.append(sqlstate(error))
                if con.broken or con.closed:
                    answers.append({"connection": "lost"})
                    break
        finally:
            try:
                if not con.closed:
                    con.rollback()
            except psycopg.Error:
                con.close()
        return answers

    def one(self, con: psycopg.Connection[Any], entry: Entry, statement: str) -> dict[str, Any]:
        if re.match(r"\s*copy\b", statement, re.IGNORECASE):
            return self.copy(con, entry, statement)
        if self.mode in ("text", "binary"):
            with con.cursor(binary=self.mode == "binary") as cursor:
                cursor.execute(statement, entry.params or None)
                columns = [[d.name, d.type_code] for d in cursor.description or []]
                rows: list[Any] = []
                if cursor.description is not None:
                    rows = [list(r) if self.mode == "text" else [value(v) for v in r] for r in cursor.fetchall()]
                return answer(entry, statement, columns, rows, cursor.statusmessage)
        if self.mode == "prepared":
            return self.prepare(con, entry, statement)
        return self.simple(con, entry, statement)

    def checked(self, con: psycopg.Connection[Any], result: pq.abc.PGresult) -> pq.abc.PGresult:
        if result.status in (pq.ExecStatus.FATAL_ERROR, pq.ExecStatus.BAD_RESPONSE):
            state = result.error_field(pq.DiagnosticField.SQLSTATE)
            raise Failed(state.decode() if state else None)
        return result

    def prepare(self, con: psycopg.Connection[Any], entry: Entry, statement: str) -> dict[str, Any]:
        pgconn = con.pgconn
        if con.info.transaction_status == pq.TransactionStatus.IDLE:
            self.checked(con, pgconn.exec_(b"BEGIN"))
        self.prepared += 1
        name = f"conformance_{self.prepared}".encode()
        self.checked(con, pgconn.prepare(name, statement.encode(), None))
        described = self.checked(con, pgconn.describe_prepared(name))
        params = [described.param_type(i) for i in range(described.nparams)]
        fields = [[(described.fname(i) or b"").decode(), described.ftype(i)] for i in range(described.nfields)]
        result = self.checked(con, pgconn.exec_prepared(name, [as_text(p) for p in entry.params] or None))
        shape = {"parameter types": params, "described": fields}
        return {**shape, **self.result(entry, statement, result)}

    def simple(self, con: psycopg.Connection[Any], entry: Entry, statement: str) -> dict[str, Any]:
        pgconn = con.pgconn
        if con.info.transaction_status == pq.TransactionStatus.IDLE:
            self.checked(con, pgconn.exec_(b"BEGIN"))
        return self.result(entry, statement, self.checked(con, pgconn.exec_(statement.encode())))

    def result(self, entry: Entry, statement: str, result: pq.abc.PGresult) -> dict[str, Any]:
        columns = [[(result.fname(i) or b"").decode(), result.ftype(i)] for i in range(result.nfields)]
        rows = [
            [None if (v := result.get_value(r, c)) is None else v.decode() for c in range(result.nfields)]
            for r in range(result.ntuples)
        ]
        status = (result.command_status or b"").decode() or None
        return answer(entry, statement, columns, rows, status)

    def copy(self, con: psycopg.Connection[Any], entry: Entry, statement: str) -> dict[str, Any]:
        if self.mode == "prepared":
            return {"copy": "has no prepared form"}
        chunks: list[bytes] = []
        with con.cursor() as cursor:
            with cursor.copy(statement) as copy:
                if entry.stdin:
                    for line in entry.stdin:
                        copy.write(line + "\n")
                else:
                    chunks.extend(bytes(chunk) for chunk in copy)
            data = b"".join(chunks)
            shown = data.decode("utf-8", "backslashreplace") if b"PGCOPY" not in data[:11] else data.hex()
            return {"copied": shown, "status": cursor.statusmessage}


class Failed(Exception):
    """A failure read from a low-level result: only its SQLSTATE is kept."""

    def __init__(self, state: str | None) -> None:
        super().__init__(state)
        self.sqlstate = state


def run(entries: Iterable[Entry], bridge: str, postgres: str) -> dict[str, dict[str, Any]]:
    """Each entry's answers, each way, from both servers: {key: {mode: {"bridge": ..., "postgres": ...}}}."""
    sides = (("bridge", bridge), ("postgres", postgres))
    clients = {(side, mode): Client(dsn, mode) for side, dsn in sides for mode in MODES}
    answers: dict[str, dict[str, Any]] = {}
    try:
        for entry in entries:
            ways: dict[str, Any] = {}
            for mode in MODES:
                got = {side: clients[side, mode].run(entry) for side in ("bridge", "postgres")}
                if got["postgres"] is not None:
                    ways[mode] = got
            answers[entry.key] = ways
    finally:
        for client in clients.values():
            client.close()
    return answers


def differing(ways: dict[str, Any]) -> list[str]:
    return [mode for mode, got in ways.items() if got["bridge"] != got["postgres"]]


def explain(key: str, ways: dict[str, Any]) -> str:
    """What differs, for a failure's message."""
    lines = [f"{key}:"]
    for mode in differing(ways):
        lines.append(f"  {mode}:")
        lines.append(f"    bridge:     {json.dumps(ways[mode]['bridge'], default=str)[:1500]}")
        lines.append(f"    PostgreSQL: {json.dumps(ways[mode]['postgres'], default=str)[:1500]}")
    return "\n".join(lines)


def summary(ways: dict[str, Any]) -> str:
    """A first reason for a newly listed difference: what differs first, and which ways differ."""
    modes = differing(ways)
    bridge, postgres = ways[modes[0]]["bridge"], ways[modes[0]]["postgres"]
    if modes == ["driver"]:  # a driver's answer (drivers.py, dbt.py): one outcome on each side
        said = {side: got.get("error") or _brief(got.get("answer")) for side, got in ways["driver"].items()}
        return f"the bridge: {said['bridge']}; PostgreSQL: {said['postgres']}"
    number, (b, p) = next((n, pair) for n, pair in enumerate(zip(bridge, postgres), 1) if pair[0] != pair[1])
    where = f"statement {number}: " if len(bridge) > 1 else ""
    return f"{where}{contrast(b, p)} ({', '.join(modes)})"


def contrast(b: dict[str, Any], p: dict[str, Any]) -> str:
    if "connection" in b:
        return "the bridge ends the connection"
    if "client error" in b:
        return f"the client cannot read the bridge's answer ({b['client error'][:90]})"
    if "error" in b and "error" in p:
        return f"SQLSTATE {b['error']} where PostgreSQL gives {p['error']}"
    if "error" in b:
        return f"refused with {b['error']} where PostgreSQL answers"
    if "error" in p:
        return f"answers where PostgreSQL refuses with {p['error']}"
    if "client error" in p:
        return "answers where PostgreSQL's answer cannot be read either"
    for key, what in (
        ("parameter types", "parameter types {b} where PostgreSQL infers {p}"),
        ("described", "described as {b} where PostgreSQL describes {p}"),
    ):
        if b.get(key) != p.get(key):
            return what.format(b=_brief(b.get(key)), p=_brief(p.get(key)))
    bc, pc = b.get("columns") or [], p.get("columns") or []
    if [c[0] for c in bc] != [c[0] for c in pc]:
        return f"column names {_brief([c[0] for c in bc])} where PostgreSQL has {_brief([c[0] for c in pc])}"
    if bc != pc:
        return f"type OIDs {_brief([c[1] for c in bc])} where PostgreSQL has {_brief([c[1] for c in pc])}"
    br, pr = b.get("rows"), p.get("rows")
    if br != pr and br and pr and len(br) == len(pr):
        names = [c[0] for c in pc]
        for row, (x, y) in enumerate(zip(br, pr), 1):
            for column, (u, v) in enumerate(zip(x, y)):
                if u != v:
                    name = names[column] if column < len(names) else column + 1
                    return f"row {row}, {name}: {_brief(u)} where PostgreSQL gives {_brief(v)}"
    for key in ("rows", "copied", "status"):
        if b.get(key) != p.get(key):
            return f"{key} {_brief(b.get(key))} where PostgreSQL gives {_brief(p.get(key))}"
    return "answers differently"


def _brief(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 100 else text[:97] + "..."


def judge(key: str, ways: dict[str, Any]) -> None:
    """Fail when the entry differs and is not listed, or is listed and agrees now."""
    known = listed()
    if key in known:
        assert differing(ways), (
            f"{key} answers as PostgreSQL does now: remove it from differences.toml (python -m tests.conformance "
            f"--update) and from the README's known limits (it was: {known[key]})"
        )
    else:
        assert not differing(ways), explain(key, ways)


def listed() -> dict[str, str]:
    """The differences known today: entry key -> why it differs."""
    if not DIFFERENCES.exists():
        return {}
    with DIFFERENCES.open("rb") as file:
        return {str(k): str(v) for k, v in tomllib.load(file).items()}


def write(differences: dict[str, str]) -> None:
    order = {entry.key: n for n, entry in enumerate(everything())}
    lines = [
        "# What the bridge still answers differently from PostgreSQL 15: corpus entry (file/name) = why.",
        "# tests/conformance/test_corpus.py fails when an entry not listed here differs, and when a listed one",
        "# agrees now. Re-derived, keeping the reasons written here, with: python -m tests.conformance --update",
        "",
    ]
    for key in sorted(differences, key=lambda k: order.get(k, len(order))):
        lines.append(f"{json.dumps(key)} = {json.dumps(differences[key], ensure_ascii=False)}")
    DIFFERENCES.write_text("\n".join(lines) + "\n", encoding="utf-8")
