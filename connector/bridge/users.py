"""Who may connect to the bridge: the users file (``assets-sql serve --users FILE``) and its sections.

A users file has one section per user. It holds PostgreSQL's SCRAM-SHA-256 verifier, never the password;
``assets-sql passwd NAME`` makes the section from a password read on standard input:

>>> from connector.bridge.auth import ITERATIONS, ScramKeys
>>> text = section("bi", ScramKeys.derive("s3cret", salt=b"0123456789abcdef"), tenants=["Acme Ltd"], read_only=True)
>>> print(text.replace(text.split('"')[1], "SCRAM-SHA-256$..."))
[users.bi]
scram = "SCRAM-SHA-256$..."
tenants = ["Acme Ltd"]
read_only = true
>>> users = parse(text, "users.toml")
>>> users["bi"].tenants, users["bi"].read_only, users["bi"].keys.matches("s3cret")
(('Acme Ltd',), True, True)
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connector.bridge.auth import ITERATIONS, ScramKeys


class UsersFileError(ValueError):
    """A users file that cannot be used as it is: the message names the file, the user and what to fix."""


@dataclass(frozen=True)
class User:
    """Someone who may connect: how they prove who they are, which tenants they see, whether they may write."""

    name: str
    keys: ScramKeys | None  # None: no password at all (a server on loopback without one)
    tenants: tuple[str, ...] | None = None  # None: every tenant the server serves
    read_only: bool = False
    password: str | None = None  # only for ``--auth md5``, which needs the password itself (no users file)


@dataclass(frozen=True)
class Directory:
    """The users a server knows. ``anyone`` stands for every name when the server was started with a password (or
    none) but no ``--user``, as before there were users files."""

    users: Mapping[str, User]
    anyone: User | None = None

    def find(self, name: str) -> User | None:
        found = self.users.get(name)
        if found is None and self.anyone is not None:
            return User(name, self.anyone.keys, self.anyone.tenants, self.anyone.read_only, self.anyone.password)
        return found

    @property
    def passwords(self) -> bool:
        """Whether clients must prove a password (every user of a directory has one, or none has)."""
        return any(user.keys is not None for user in (*self.users.values(), self.anyone) if user is not None)

    @property
    def iterations(self) -> int:
        """The iteration count an unknown user's made-up verifier claims: the one the known users have."""
        counts = [user.keys.iterations for user in self.users.values() if user.keys is not None]
        return max(set(counts), key=counts.count) if counts else ITERATIONS


_FIELDS = {"scram", "tenants", "read_only"}


def load(path: str | Path) -> dict[str, User]:
    """The users of a users file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UsersFileError(f"cannot read the users file {path}: {error.strerror or error}") from None
    return parse(text, str(path))


def parse(text: str, origin: str) -> dict[str, User]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsersFileError(f"{origin} is not valid TOML: {error}") from None
    unknown = set(document) - {"users"}
    if unknown:
        raise UsersFileError(f"{origin}: unknown section {sorted(unknown)[0]!r}; users are [users.NAME] sections")
    sections = document.get("users")
    if not isinstance(sections, dict) or not sections:
        raise UsersFileError(f"{origin} has no users: add a [users.NAME] section (assets-sql passwd NAME prints one)")
    return {name: _user(origin, name, fields) for name, fields in sections.items()}


def _user(origin: str, name: str, fields: Any) -> User:
    where = f"{origin}: user {name!r}"
    if not isinstance(fields, dict):
        raise UsersFileError(f"{where} must be a section, [users.{_key(name)}]")
    unknown = set(fields) - _FIELDS
    if unknown:
        raise UsersFileError(f"{where}: unknown key {sorted(unknown)[0]!r} (a user has scram, tenants and read_only)")
    scram = fields.get("scram")
    if not isinstance(scram, str):
        raise UsersFileError(f'{where} needs scram = "SCRAM-SHA-256$..." (assets-sql passwd {name} prints it)')
    try:
        keys = ScramKeys.parse(scram)
    except ValueError as error:
        raise UsersFileError(f"{where}: {error}") from None
    if keys.matches(""):
        raise UsersFileError(f"{where}: the verifier is of an empty password, which would let anyone in")
    tenants = fields.get("tenants")
    if tenants is not None and (
        not isinstance(tenants, list) or not tenants or not all(isinstance(t, str) and t for t in tenants)
    ):
        raise UsersFileError(
            f'{where}: tenants must be a list of tenant names or TenantIds, such as ["Acme Ltd"]; '
            "leave it out to let the user see every tenant the server serves"
        )
    read_only = fields.get("read_only", False)
    if not isinstance(read_only, bool):
        raise UsersFileError(f"{where}: read_only must be true or false")
    return User(name, keys, tuple(tenants) if tenants is not None else None, read_only)


def section(name: str, keys: ScramKeys, *, tenants: Sequence[str] = (), read_only: bool = False) -> str:
    """The users file section for one user."""
    lines = [f"[users.{_key(name)}]", f"scram = {_string(keys.verifier())}"]
    if tenants:
        lines.append(f"tenants = [{', '.join(_string(t) for t in tenants)}]")
    lines.append(f"read_only = {'true' if read_only else 'false'}")
    return "\n".join(lines)


def _key(name: str) -> str:
    """A TOML key: bare when it may be, a quoted string otherwise."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _string(name)


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, and TOML also wants DEL escaped)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")
