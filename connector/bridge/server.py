"""The bridge's server: accepts PostgreSQL clients on a TCP port, one thread and one register connection each.

>>> server = Server(Config(":memory:", port=0))
>>> host, port = server.start()
>>> host
'127.0.0.1'
>>> server.stop()
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
import socket
import ssl
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from connector.bridge import protocol
from connector.bridge.auth import MECHANISM, AuthenticationFailed, ScramExchange, ScramKeys, md5_matches
from connector.bridge.errors import ClientError
from connector.bridge.protocol import ProtocolViolation, Reader
from connector.bridge.session import REPORTED, Portal, Prepared, Result, Session, error_message, split

log = logging.getLogger("connector.bridge")
#: How long a client may take to start up and authenticate.
STARTUP_TIMEOUT = 30.0
_FLUSH_AT = 256 * 1024


class Closed(Exception):
    """The client went away."""


@dataclass
class Config:
    database: str
    host: str = "127.0.0.1"
    port: int = 5433
    user: str | None = None
    password: str | None = None
    auth: str = "scram-sha-256"  # or md5, password (cleartext): only when asked for
    tenant: str | None = None
    tls_cert: str | None = None
    tls_key: str | None = None

    def check(self) -> None:
        if self.password is None and not is_loopback(self.host):
            raise ValueError(f"refusing to listen on {self.host} without a password: set one, or use 127.0.0.1")
        if self.auth not in ("scram-sha-256", "md5", "password"):
            raise ValueError(f"unknown authentication method {self.auth!r}")
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ValueError("TLS needs both a certificate and its key")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Server:
    """Listens, and runs a thread per client. ``stop()`` closes the listener and every client."""

    def __init__(self, config: Config) -> None:
        config.check()
        self.config = config
        self.keys = ScramKeys.derive(config.password) if config.password is not None else None
        self.tls = None
        if config.tls_cert:
            self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.tls.load_cert_chain(config.tls_cert, config.tls_key)
        self.listener: socket.socket | None = None
        self.clients: dict[int, tuple[int, Client]] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def start(self) -> tuple[str, int]:
        """Bind and start accepting in a background thread; the address actually bound."""
        family = socket.AF_INET6 if ":" in self.config.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.config.host, self.config.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, name="bridge-accept", daemon=True).start()
        return listener.getsockname()[:2]

    def serve_forever(self) -> None:
        if self.listener is None:
            self.start()
        self.stopping.wait()

    def stop(self) -> None:
        self.stopping.set()
        if self.listener is not None:
            try:
                self.listener.close()
            except OSError:
                pass
        with self.lock:
            clients = [client for _, client in self.clients.values()]
        for client in clients:
            client.shutdown()

    def _accept(self) -> None:
        assert self.listener is not None
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            client = Client(self, sock)
            threading.Thread(target=client.run, name="bridge-client", daemon=True).start()

    def register(self, client: Client) -> tuple[int, int]:
        with self.lock:
            pid = max(self.clients, default=os.getpid() % 10000 * 1000) + 1
            secret = secrets.randbits(31)
            self.clients[pid] = (secret, client)
        return pid, secret

    def unregister(self, pid: int) -> None:
        with self.lock:
            self.clients.pop(pid, None)

    def cancel(self, pid: int, secret: int) -> None:
        with self.lock:
            found = self.clients.get(pid)
        if found and found[0] == secret:
            found[1].interrupt()


class Client:
    """One client connection: startup, authentication, then the message loop."""

    def __init__(self, server: Server, sock: socket.socket) -> None:
        self.server = server
        self.sock = sock
        self.reader: BinaryIO = sock.makefile("rb")
        self.out = bytearray()
        self.session: Session | None = None
        self.pid = 0

    # -- I/O --------------------------------------------------------------------------------------------

    def read(self, count: int) -> bytes:
        data = self.reader.read(count)
        if data is None or len(data) < count:
            raise Closed()
        return data

    def send(self, data: bytes) -> None:
        self.out += data
        if len(self.out) >= _FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        if self.out:
            self.sock.sendall(self.out)
            self.out.clear()

    def read_message(self) -> tuple[bytes, bytes]:
        kind = self.read(1)
        (length,) = struct.unpack(">i", self.read(4))
        if length < 4 or length > protocol.MAX_MESSAGE:
            raise ProtocolViolation(f"invalid message length {length}")
        return kind, self.read(length - 4)

    def shutdown(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def interrupt(self) -> None:
        session = self.session
        if session is not None:
            session.connection.raw.interrupt()

    # -- the life of a connection ------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self.sock.settimeout(STARTUP_TIMEOUT)
            parameters = self.startup()
            if parameters is None:
                return
            self.authenticate(parameters.get("user", ""))
            self.open(parameters)
            self.sock.settimeout(None)
            self.loop()
        except (Closed, ConnectionError, TimeoutError, ssl.SSLError, OSError):
            pass
        except (ProtocolViolation, struct.error, UnicodeDecodeError, ValueError, IndexError) as error:
            self.fatal("08P01", f"protocol violation: {error}")
        except AuthenticationFailed as error:
            self.fatal("28P01", str(error))
        except ClientError as error:
            self.fatal(error.code, str(error))
        except Exception as error:  # one client's trouble must never reach the server
            log.exception("client failed")
            self.fatal("XX000", f"{type(error).__name__}: {error}")
        finally:
            self.close()

    def fatal(self, code: str, text: str) -> None:
        try:
            self.out.clear()
            self.send(protocol.error_response("FATAL", code, text))
            self.flush()
        except OSError:
            pass

    def close(self) -> None:
        if self.pid:
            self.server.unregister(self.pid)
        if self.session is not None:
            self.session.close()
            self.session = None
        try:
            self.reader.close()
            self.sock.close()
        except OSError:
            pass

    def startup(self) -> dict[str, str] | None:
        while True:
            (length,) = struct.unpack(">i", self.read(4))
            if length < 8 or length > protocol.MAX_STARTUP:
                raise ProtocolViolation(f"invalid startup packet length {length}")
            body = self.read(length - 4)
            (code,) = struct.unpack(">i", body[:4])
            if code == protocol.SSL_REQUEST:
                if self.server.tls is not None:
                    self.sock.sendall(b"S")
                    self.sock = self.server.tls.wrap_socket(self.sock, server_side=True)
                    self.reader = self.sock.makefile("rb")
                else:
                    self.sock.sendall(b"N")
                continue
            if code == protocol.GSSENC_REQUEST:
                self.sock.sendall(b"N")
                continue
            if code == protocol.CANCEL_REQUEST:
                pid, secret = struct.unpack(">ii", body[4:12])
                self.server.cancel(pid, secret)
                return None
            if code >> 16 != 3:
                raise ClientError("0A000", f"unsupported frontend protocol {code >> 16}.{code & 0xFFFF}")
            reader, parameters = Reader(body[4:]), {}
            while True:
                key = reader.cstring()
                if not key:
                    break
                parameters[key] = reader.cstring()
            if "user" not in parameters:
                raise ClientError("28000", "no PostgreSQL user name specified in startup packet")
            return parameters

    def authenticate(self, user: str) -> None:
        config = self.server.config
        if config.user is not None and user != config.user:
            raise AuthenticationFailed(f'password authentication failed for user "{user}"')
        if config.password is None:
            return
        if config.auth == "password":
            self.send(protocol.authentication(3))
            self.flush()
            if self.password_message().rstrip(b"\x00").decode() != config.password:
                raise AuthenticationFailed(f'password authentication failed for user "{user}"')
            return
        if config.auth == "md5":
            salt = secrets.token_bytes(4)
            self.send(protocol.authentication(5, salt))
            self.flush()
            answer = self.password_message().rstrip(b"\x00").decode()
            if not md5_matches(config.password, user, salt, answer):
                raise AuthenticationFailed(f'password authentication failed for user "{user}"')
            return
        assert self.server.keys is not None
        self.send(protocol.authentication(10, MECHANISM.encode() + b"\x00\x00"))
        self.flush()
        reader = Reader(self.password_message())
        if reader.cstring() != MECHANISM:
            raise AuthenticationFailed("the client must use SCRAM-SHA-256")
        length = reader.int32()
        exchange = ScramExchange(self.server.keys)
        self.send(protocol.authentication(11, exchange.first(reader.take(length))))
        self.flush()
        final = exchange.final(self.password_message())
        self.send(protocol.authentication(12, final))

    def password_message(self) -> bytes:
        kind, body = self.read_message()
        if kind != b"p":
            raise ProtocolViolation("expected a password message")
        return body

    def open(self, parameters: dict[str, str]) -> None:
        self.pid, secret = self.server.register(self)
        user = parameters["user"]
        try:
            self.session = Session(
                self.server.config.database,
                user=user,
                database_name=parameters.get("database") or user,
                application_name=parameters.get("application_name", ""),
                tenant=self.server.config.tenant,
                pid=self.pid,
            )
        except Exception as error:
            raise ClientError("3D000", f"cannot open the register: {error}") from None
        options = parameters.get("options", "")
        for name, value in _startup_options(options):
            try:
                self.session._set(name, value)
            except ClientError:
                pass
        self.session.reports.clear()
        self.send(protocol.authentication(0))
        for name in REPORTED:
            self.send(protocol.parameter_status(name, self.session.settings[name]))
        self.send(protocol.backend_key_data(self.pid, secret))
        self.send(protocol.ready_for_query("I"))
        self.flush()

    # -- messages -----------------------------------------------------------------------------------------

    def loop(self) -> None:
        skipping = False  # after an error in the extended protocol, until Sync
        while True:
            kind, body = self.read_message()
            if kind == b"X":
                return
            if kind == b"S":
                skipping = False
                self.ready()
                continue
            if kind == b"H":
                self.flush()
                continue
            if skipping:
                continue
            if kind == b"Q":
                self.simple_query(Reader(body).cstring())
                continue
            handler = {
                b"P": self.on_parse,
                b"B": self.on_bind,
                b"D": self.on_describe,
                b"E": self.on_execute,
                b"C": self.on_close,
            }.get(kind)
            if handler is None:
                if kind in (b"d", b"c", b"f", b"F"):
                    self.error("0A000", "COPY and function calls are not supported by this server")
                    skipping = True
                    continue
                raise ProtocolViolation(f"unknown message type {kind!r}")
            try:
                handler(body)
            except (ProtocolViolation, struct.error):
                raise
            except Exception as error:
                self.statement_error(error)
                skipping = True

    def ready(self) -> None:
        assert self.session is not None
        self.report()
        self.send(protocol.ready_for_query(self.session.status))
        self.flush()

    def report(self) -> None:
        assert self.session is not None
        for name, value in self.session.reports:
            self.send(protocol.parameter_status(name, value))
        self.session.reports.clear()

    def error(self, code: str, text: str, hint: str | None = None) -> None:
        self.send(protocol.error_response("ERROR", code, text, hint=hint))

    def statement_error(self, error: BaseException) -> None:
        code, text, hint = error_message(error)
        if code == "XX000":
            log.warning("statement failed: %r", error)
        self.error(code, text, hint)

    def simple_query(self, text: str) -> None:
        assert self.session is not None
        session = self.session
        statements = split(text)
        if not statements:
            self.send(protocol.EMPTY_QUERY)
        for statement in statements:
            try:
                prepared = session.prepare(statement)
                result = session.run(prepared, None)
                if result.fields is not None:
                    self.send(protocol.row_description(result.fields))
                self.send_rows(result, 0)
            except Exception as error:
                self.statement_error(error)
                break
            finally:
                self.report()
        self.ready()

    def send_rows(self, result: Result, limit: int) -> None:
        for row in result.take(limit):
            self.send(row)
        if result.done:
            self.send(protocol.command_complete(result.tag(result.count)))
        else:
            self.send(protocol.PORTAL_SUSPENDED)

    def on_parse(self, body: bytes) -> None:
        assert self.session is not None
        message = protocol.parse_message(body)
        if message.name and message.name in self.session.statements:
            raise ClientError("42P05", f'prepared statement "{message.name}" already exists')
        self.session.statements[message.name] = self.session.prepare(message.query, message.parameter_types)
        self.send(protocol.PARSE_COMPLETE)

    def on_bind(self, body: bytes) -> None:
        assert self.session is not None
        message = protocol.bind_message(body)
        prepared = self.statement(message.statement)
        if message.portal and message.portal in self.session.portals:
            raise ClientError("42P03", f'cursor "{message.portal}" already exists')
        values = self.session.bind_values(prepared, message.parameter_formats, message.values)
        self.session.portals[message.portal] = Portal(prepared, values, message.result_formats)
        self.send(protocol.BIND_COMPLETE)

    def statement(self, name: str) -> Prepared:
        assert self.session is not None
        prepared = self.session.statements.get(name)
        if prepared is None:
            raise ClientError("26000", f'prepared statement "{name}" does not exist')
        return prepared

    def portal(self, name: str) -> Portal:
        assert self.session is not None
        portal = self.session.portals.get(name)
        if portal is None:
            raise ClientError("34000", f'portal "{name}" does not exist')
        if portal.result is None:
            portal.result = self.session.run(portal.prepared, portal.values, portal.formats)
        return portal

    def on_describe(self, body: bytes) -> None:
        assert self.session is not None
        reader = Reader(body)
        kind, name = reader.byte(), reader.cstring()
        if kind == "S":
            prepared = self.statement(name)
            self.send(protocol.parameter_description(prepared.parameter_types))
            fields = self.session.describe(prepared)
        elif kind == "P":
            portal = self.portal(name)
            fields = portal.result.fields if portal.result is not None else None
        else:
            raise ProtocolViolation(f"Describe of {kind!r}")
        self.send(protocol.row_description(fields) if fields is not None else protocol.NO_DATA)

    def on_execute(self, body: bytes) -> None:
        assert self.session is not None
        reader = Reader(body)
        name, limit = reader.cstring(), reader.int32()
        portal = self.portal(name)
        assert portal.result is not None
        try:
            self.send_rows(portal.result, max(limit, 0))
        except Exception:
            if self.session.transaction.status == "T":
                self.session.transaction.status = "E"
            raise
        finally:
            self.report()
        if portal.result.done and name == "":
            self.session.portals.pop("", None)

    def on_close(self, body: bytes) -> None:
        assert self.session is not None
        reader = Reader(body)
        kind, name = reader.byte(), reader.cstring()
        if kind == "S":
            self.session.statements.pop(name, None)
        elif kind == "P":
            self.session.portals.pop(name, None)
        else:
            raise ProtocolViolation(f"Close of {kind!r}")
        self.send(protocol.CLOSE_COMPLETE)


def _startup_options(options: str) -> list[tuple[str, str]]:
    """``-c name=value`` pairs of the startup packet's ``options``."""
    found = []
    words = options.replace("--", "-c ").split()
    for index, word in enumerate(words):
        if word == "-c" and index + 1 < len(words) and "=" in words[index + 1]:
            name, _, value = words[index + 1].partition("=")
            found.append((name, value))
    return found


def serve(config: Config, ready: Any = None) -> None:
    """Run a server until interrupted (the console's ``assets-sql serve``)."""
    server = Server(config)
    host, port = server.start()
    if ready is not None:
        ready(host, port)
    try:
        server.serve_forever()
    finally:
        server.stop()


def read_password(path: str | None, variable: str) -> str | None:
    if path:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    return os.environ.get(variable) or None
