"""Start-up and authentication, as a machine that does no I/O: the server's selector loop feeds it bytes.

Until a client has proved who it is, it costs a few kilobytes and no thread. The machine says how many bytes it
needs next (``need``), so nothing is read beyond the message at hand, and a message's length is checked before its
body is read: at most ``MAX_STARTUP`` for the startup packet, ``MAX_AUTH_MESSAGE`` for a password message.

An unknown user name goes through the same exchange as a known one, with a made-up verifier, and fails at its end
with the same error as a wrong password: the server does not tell which names exist.

>>> from connector.bridge.users import Directory, User
>>> handshake = Handshake(Policy(Directory({"me": User("me", None)}), "scram-sha-256", tls=False, secret=b"k"))
>>> handshake.need
4
>>> body = struct.pack(">i", 196608) + b"user\\x00me\\x00\\x00"
>>> handshake.receive(struct.pack(">i", len(body) + 4))
>>> handshake.receive(body)
>>> handshake.user, handshake.parameters
(User(name='me', keys=None, tenants=None, read_only=False, password=None), {'user': 'me'})
"""

from __future__ import annotations

import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from connector.bridge import protocol
from connector.bridge.auth import (
    MECHANISM,
    AuthenticationFailed,
    ScramExchange,
    ScramKeys,
    made_up_keys,
    md5_matches,
)
from connector.bridge.protocol import MAX_STARTUP, ProtocolViolation, Reader
from connector.bridge.users import Directory, User

#: The longest message a client may send before it has authenticated.
MAX_AUTH_MESSAGE = 64 * 1024


class Refused(Exception):
    """The client may not go on: the connection ends with a FATAL error of this SQLSTATE."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Policy:
    """What the server asks of a client before it may run statements."""

    directory: Directory
    method: str  # scram-sha-256, md5 or password (cleartext)
    tls: bool  # whether TLS is offered
    secret: bytes  # the server's own, for made-up verifiers


class Handshake:
    """One client's start-up: its startup packet, SSL/GSS negotiation, a cancel request, the password exchange.

    Feed it exactly ``need`` bytes at a time with :meth:`receive`; send what it leaves in ``out``. It ends with
    ``user`` set (authenticated: the server opens a session), ``cancel`` set (a cancel request: nothing more
    follows), or :class:`Refused`. ``tls_requested`` asks the server to send ``out`` and then wrap the socket in TLS.
    """

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.out = bytearray()
        self.need = 4
        self.user: User | None = None
        self.parameters: dict[str, str] = {}
        self.cancel: tuple[int, int] | None = None
        self.tls_requested = False
        self._negotiated: set[int] = set()
        self._buffer = bytearray()
        self._step: Callable[[bytes], None] = self._startup_length
        self._on_password: Callable[[bytes], None] = self._unexpected
        self._name = ""
        self._known: User | None = None
        self._exchange: ScramExchange | None = None
        self._salt = b""

    @property
    def finished(self) -> bool:
        return self.user is not None or self.cancel is not None

    def receive(self, data: bytes) -> None:
        if len(data) > self.need:
            raise ValueError(f"{len(data)} bytes given where {self.need} are needed")
        self._buffer += data
        self.need -= len(data)
        if self.need == 0:
            unit = bytes(self._buffer)
            self._buffer.clear()
            try:
                self._step(unit)
            except (ProtocolViolation, struct.error, UnicodeDecodeError) as error:
                raise Refused("08P01", f"protocol violation: {error}") from None

    def _expect(self, count: int, step: Callable[[bytes], None]) -> None:
        self.need, self._step = count, step

    # -- the startup packet -----------------------------------------------------------------------------------

    def _startup_length(self, unit: bytes) -> None:
        (length,) = struct.unpack(">i", unit)
        if length < 8 or length > MAX_STARTUP:
            raise Refused("08P01", f"invalid startup packet length {length} (at most {MAX_STARTUP} bytes)")
        self._expect(length - 4, self._startup_body)

    def _startup_body(self, body: bytes) -> None:
        (code,) = struct.unpack(">i", body[:4])
        if code in (protocol.SSL_REQUEST, protocol.GSSENC_REQUEST):
            if code in self._negotiated:
                raise Refused("08P01", "protocol violation: encryption was negotiated already")
            self._negotiated.add(code)
            offered = code == protocol.SSL_REQUEST and self.policy.tls
            self.out += b"S" if offered else b"N"
            self.tls_requested = offered
            self._expect(4, self._startup_length)
            return
        if code == protocol.CANCEL_REQUEST:
            pid, secret = struct.unpack(">ii", body[4:12])
            self.cancel = (pid, secret)
            return
        if code >> 16 != 3:
            raise Refused("0A000", f"unsupported frontend protocol {code >> 16}.{code & 0xFFFF}")
        reader = Reader(body[4:])
        while key := reader.cstring():
            self.parameters[key] = reader.cstring()
        if "user" not in self.parameters:
            raise Refused("28000", "no PostgreSQL user name specified in startup packet")
        self._authenticate(self.parameters["user"])

    # -- the password ---------------------------------------------------------------------------------------------

    def _authenticate(self, name: str) -> None:
        directory, method = self.policy.directory, self.policy.method
        self._name = name
        self._known = directory.find(name)
        if not directory.passwords:
            if self._known is None:
                self._fail()
            self.user = self._known
            return
        if method == "scram-sha-256":
            self.out += protocol.authentication(10, MECHANISM.encode() + b"\x00\x00")
            self._password_message(self._sasl_initial)
        elif method == "md5":
            self._salt = secrets.token_bytes(4)
            self.out += protocol.authentication(5, self._salt)
            self._password_message(self._md5)
        else:
            self.out += protocol.authentication(3)
            self._password_message(self._cleartext)

    def _password_message(self, then: Callable[[bytes], None]) -> None:
        self._on_password = then
        self._expect(5, self._message_header)

    def _message_header(self, header: bytes) -> None:
        kind, length = header[:1], struct.unpack(">i", header[1:])[0]
        if kind != b"p":
            raise Refused("08P01", f"protocol violation: expected a password message, got {kind!r}")
        if length < 4 or length - 4 > MAX_AUTH_MESSAGE:
            raise Refused(
                "08P01",
                f"invalid message length {length}: a message before authentication is {MAX_AUTH_MESSAGE} bytes at most",
            )
        if length == 4:
            self._on_password(b"")
        else:
            self._expect(length - 4, self._on_password)

    def _unexpected(self, body: bytes) -> NoReturn:
        raise Refused("08P01", "protocol violation: a password message nobody asked for")

    def _keys(self) -> ScramKeys:
        """The user's verifier, or a made-up one for a name nobody has."""
        if self._known is not None and self._known.keys is not None:
            return self._known.keys
        return made_up_keys(self.policy.secret, self._name)  # PostgreSQL's default count, as its mock verifier

    def _sasl_initial(self, body: bytes) -> None:
        reader = Reader(body)
        if reader.cstring() != MECHANISM:
            raise Refused("08P01", f"the client must use {MECHANISM}, the only mechanism this server offers")
        length = reader.int32()
        self._exchange = ScramExchange(self._keys())
        try:
            first = self._exchange.first(reader.take(length))
        except AuthenticationFailed as error:
            raise Refused("08P01", f"protocol violation: {error}") from None
        self.out += protocol.authentication(11, first)
        self._password_message(self._sasl_final)

    def _sasl_final(self, body: bytes) -> None:
        assert self._exchange is not None
        try:
            final = self._exchange.final(body)
        except AuthenticationFailed:
            self._fail()
        self._succeed()
        self.out += protocol.authentication(12, final)

    def _cleartext(self, body: bytes) -> None:
        # checked against the verifier, known user or not, so that both take the same time
        if not self._keys().matches(body.rstrip(b"\x00").decode()):
            self._fail()
        self._succeed()

    def _md5(self, body: bytes) -> None:
        known = self._known
        password = known.password if known is not None and known.password is not None else secrets.token_hex(16)
        if not md5_matches(password, self._name, self._salt, body.rstrip(b"\x00").decode()):
            self._fail()
        self._succeed()

    def _succeed(self) -> None:
        if self._known is None:  # a made-up verifier cannot be matched; should it ever be, the name is still unknown
            self._fail()
        self.user = self._known

    def _fail(self) -> NoReturn:
        raise Refused("28P01", f'password authentication failed for user "{self._name}"')
