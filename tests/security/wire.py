"""A PostgreSQL client at the level of messages, for tests that speak the protocol slowly, wrongly or too much."""

from __future__ import annotations

import base64
import secrets
import socket
import struct

from connector.bridge.auth import client_proof

PROTOCOL_3 = 196608


def startup_packet(user: str = "tester", database: str = "register", code: int = PROTOCOL_3, **settings: str) -> bytes:
    parameters = {"user": user, "database": database, **settings}
    body = struct.pack(">i", code) + b"".join(f"{k}\x00{v}\x00".encode() for k, v in parameters.items()) + b"\x00"
    return struct.pack(">i", len(body) + 4) + body


def message(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack(">i", len(body) + 4) + body


def query(sql: str) -> bytes:
    return message(b"Q", sql.encode() + b"\x00")


def fields(body: bytes) -> dict[str, str]:
    """The fields of an ErrorResponse: {'S': 'FATAL', 'C': '28P01', 'M': ...}."""
    found = {}
    for part in body.split(b"\x00"):
        if part:
            found[part[:1].decode()] = part[1:].decode()
    return found


class Wire:
    """One connection to the server, read message by message."""

    def __init__(self, port: int, timeout: float = 10.0, source: str | None = None) -> None:
        """``source``: the loopback address to connect from (127.0.0.2, ...), as another host would."""
        address = (source, 0) if source is not None else None
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=address)
        self.buffer = b""

    def __enter__(self) -> Wire:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self, count: int) -> None:
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the server closed the connection")
            self.buffer += chunk

    def message(self) -> tuple[bytes, bytes]:
        self._fill(5)
        kind, (length,) = self.buffer[:1], struct.unpack(">i", self.buffer[1:5])
        self._fill(1 + length)
        body, self.buffer = self.buffer[5 : 1 + length], self.buffer[1 + length :]
        return kind, body

    def until(self, kind: bytes) -> list[tuple[bytes, bytes]]:
        """Messages up to and including the first of this kind."""
        seen = []
        while True:
            seen.append(self.message())
            if seen[-1][0] == kind:
                return seen

    def closed(self) -> bool:
        """Whether the server has closed the connection (after whatever it still had to say)."""
        try:
            while True:
                self.message()
        except (EOFError, ConnectionError):
            return True

    def error(self) -> dict[str, str]:
        """The next ErrorResponse's fields (skipping anything before it)."""
        while True:
            kind, body = self.message()
            if kind == b"E":
                return fields(body)

    def run(self, sql: str) -> list[tuple[bytes, bytes]]:
        self.send(query(sql))
        return self.until(b"Z")

    # -- start-up and authentication --------------------------------------------------------------------------

    def start(self, user: str = "tester", **settings: str) -> tuple[int, bytes]:
        """Send the startup packet; the server's authentication request (its code and data)."""
        self.send(startup_packet(user, **settings))
        kind, body = self.message()
        if kind == b"E":
            raise PermissionError(fields(body))
        assert kind == b"R", (kind, body)
        return struct.unpack(">i", body[:4])[0], body[4:]

    def sasl_first(self) -> tuple[bytes, bytes]:
        """Send SCRAM's client-first-message; the server-first-message, and the bare client-first."""
        bare = b"n=,r=" + base64.b64encode(secrets.token_bytes(18))
        initial = b"n,," + bare
        self.send(message(b"p", b"SCRAM-SHA-256\x00" + struct.pack(">i", len(initial)) + initial))
        kind, body = self.message()
        assert kind == b"R" and struct.unpack(">i", body[:4])[0] == 11, (kind, body)
        return body[4:], bare

    def sasl_final(self, password: str, server_first: bytes, bare: bytes) -> None:
        nonce = dict(part.split("=", 1) for part in server_first.decode().split(","))["r"]
        without_proof = b"c=biws,r=" + nonce.encode()
        proof = client_proof(password, bare, server_first, without_proof)
        self.send(message(b"p", without_proof + b",p=" + proof))

    def login(self, user: str = "tester", password: str | None = None, **settings: str) -> None:
        """Start up (with these settings in the startup packet) and authenticate, up to the first ReadyForQuery."""
        code, _ = self.start(user, **settings)
        if code == 10:
            assert password is not None
            server_first, bare = self.sasl_first()
            self.sasl_final(password, server_first, bare)
        for kind, body in self.until(b"Z"):
            if kind == b"E":
                raise PermissionError(fields(body))
