"""The start-up machine on its own (no server): what a SCRAM exchange tells a client about a name."""

from __future__ import annotations

import struct

from connector.bridge import protocol
from connector.bridge.auth import ITERATIONS, ScramKeys
from connector.bridge.startup import Handshake, Policy
from connector.bridge.users import Directory, User


def _feed(handshake: Handshake, data: bytes) -> None:
    while data:
        take = min(handshake.need, len(data))
        handshake.receive(data[:take])
        data = data[take:]


def _server_first(policy: Policy, name: str) -> dict[str, str]:
    """The attributes of the server-first-message the server answers ``name``'s client-first-message with."""
    handshake = Handshake(policy)
    body = struct.pack(">i", 3 << 16) + b"user\x00" + name.encode() + b"\x00\x00"
    _feed(handshake, struct.pack(">i", len(body) + 4) + body)
    handshake.out.clear()
    first = b"n,,n=,r=clientnonce"
    sasl = b"SCRAM-SHA-256\x00" + struct.pack(">i", len(first)) + first
    _feed(handshake, b"p" + struct.pack(">i", len(sasl) + 4) + sasl)
    message = bytes(handshake.out)
    assert message[:1] == b"R" and struct.unpack(">i", message[5:9])[0] == 11, message  # AuthenticationSASLContinue
    return dict(part.split("=", 1) for part in message[9:].decode().split(","))


def _policy(*users: User) -> Policy:
    return Policy(Directory({user.name: user for user in users}), "scram-sha-256", tls=False, secret=b"k" * 32)


def test_an_unknown_name_gets_postgresqls_default_iteration_count_whatever_the_users_have() -> None:
    """PostgreSQL's mock authentication claims the default count (4096), as a real user made with the default has;
    a count borrowed from the users file's users would single out the unknown names of a server whose users have
    another count, and differ from what PostgreSQL answers."""
    slow = User("slow", ScramKeys.derive("pass", iterations=10_000))
    usual = User("usual", ScramKeys.derive("pass"))
    for policy in (_policy(slow), _policy(slow, usual)):
        unknown = _server_first(policy, "nobody")
        assert unknown["i"] == str(ITERATIONS) == "4096"
        assert _server_first(policy, "slow")["i"] == "10000"
        assert len(unknown["s"]) == len(_server_first(policy, "slow")["s"])
        assert _server_first(policy, "nobody")["s"] == unknown["s"]  # the same made-up salt each time
    assert _server_first(_policy(slow, usual), "usual")["i"] == unknown["i"]


def test_the_exchange_for_an_unknown_name_fails_only_at_its_end() -> None:
    policy = _policy(User("usual", ScramKeys.derive("pass")))
    handshake = Handshake(policy)
    body = struct.pack(">i", 3 << 16) + b"user\x00nobody\x00\x00"
    _feed(handshake, struct.pack(">i", len(body) + 4) + body)
    assert bytes(handshake.out) == protocol.authentication(10, b"SCRAM-SHA-256\x00\x00")
    assert handshake.user is None
