"""The bridge's server: PostgreSQL clients on a TCP port, each session in a process of its own, as in PostgreSQL.

The server's process (:class:`Postmaster`) accepts clients and takes each one through start-up and authentication
with a selector (:mod:`.startup`): until it has proved who it is, a client costs a socket and a few kilobytes, and
it has ``auth_timeout`` seconds for all of it. An authenticated client gets a process forked from the server's, up to
``max_connections`` at once: its own register connection, its own CPU and memory (``session_memory`` more address
space at most), its statements ended by a timer signal when their time is up, its client hangs up or the server
stops (:class:`~connector.bridge.timeouts.Interrupts`). Whatever one session does, the others keep answering.

>>> server = Server(Config(":memory:", port=0))
>>> host, port = server.start()
>>> host
'127.0.0.1'
>>> server.stop()
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import ipaddress
import logging
import os
import pickle
import resource
import secrets
import select
import selectors
import signal
import socket
import ssl
import struct
import subprocess
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import connector
from connector.bridge import bounds, copy, protocol
from connector.bridge.auth import ScramKeys
from connector.bridge.copy import CopyIn, CopyOut
from connector.bridge.errors import ClientError
from connector.bridge.protocol import ProtocolViolation, Reader
from connector.bridge.session import REPORTED, Portal, Prepared, Result, Session, error_message, statements
from connector.bridge.startup import Handshake, Policy, Refused
from connector.bridge.timeouts import Hangup, Interrupts, Terminated, WriteQueue, duration_ms
from connector.bridge.users import Directory, User

log = logging.getLogger("connector.bridge")
_FLUSH_AT = 256 * 1024
_DISCARD_CHUNK = 64 * 1024
#: How often the start-up loop looks at the clock when nothing happens.
_TICK = 0.5
#: The least --session-memory defaults to, however many sessions share the machine's memory.
SESSION_MEMORY_FLOOR = 512 * 1024 * 1024
#: --max-message is the session's memory divided by this unless it says: reading a statement costs a few bytes per
#: byte of its plain strings (the message, its text at up to 4 bytes a character, a literal's copies: measured 7 for
#: ASCII, 29 for text with a character beyond the BMP), so a message of a 32nd of the memory reads within it (what
#: its tokens cost is bounded apart: connector.bridge.bounds).
MESSAGE_SHARE = 32
#: Clients of one address kept waiting for a start-up slot, per slot; beyond them, 53300.
_WAITING_PER_SLOT = 4


class Closed(Exception):
    """The client went away."""


@dataclass
class Config:
    database: str
    host: str = "127.0.0.1"
    port: int = 5433
    user: str | None = None  # with password: the one user (None: any name)
    password: str | None = None
    auth: str = "scram-sha-256"  # or md5, password (cleartext): only when asked for
    tenants: tuple[str, ...] = ()  # the tenants sessions may use, the first one current (none: every tenant)
    tls_cert: str | None = None
    tls_key: str | None = None
    users: Mapping[str, User] | None = None  # a users file's users, instead of user and password
    max_connections: int = 100
    startups_per_address: int = 8  # clients of one address starting up at once
    session_memory: int = 0  # bytes of address space a session may add (0: machine memory / max_connections)
    max_message: int = 0  # bytes, once authenticated (0: the session's memory / MESSAGE_SHARE)
    auth_timeout: float = 10.0  # seconds for start-up and authentication together
    statement_timeout: float = 0.0  # seconds; the sessions' statement_timeout to start with (0: none)
    lock_timeout: float = 5.0  # seconds a write waits for the register's write lock
    idle_timeout: float = 3600.0  # seconds a session may stay silent (0: for ever)

    def check(self) -> None:
        if self.password == "":
            raise ValueError("the password is empty: give one with some characters in it")
        if self.users is not None and (self.user is not None or self.password is not None):
            raise ValueError(
                "--users and --user/--password-file/ASSETS_SQL_PASSWORD both say who may connect: use one of them"
            )
        if self.users is not None and not self.users:
            raise ValueError("the users file has no users")
        if self.password is None and self.users is None and not is_loopback(self.host):
            raise ValueError(
                f"refusing to listen on {self.host} without a password: set one (or give --users), or use 127.0.0.1"
            )
        if self.session_memory and self.session_memory < 64 * 1024 * 1024:
            raise ValueError(f"--session-memory must be 64MB or more, not {self.session_memory} bytes")
        if self.auth not in ("scram-sha-256", "md5", "password"):
            raise ValueError(f"unknown authentication method {self.auth!r}")
        if self.auth == "md5" and self.users is not None:
            raise ValueError("md5 needs each password itself, and a users file holds verifiers: use scram-sha-256")
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ValueError("TLS needs both a certificate and its key")
        for name, value, least in (
            ("max-connections", self.max_connections, 1),
            ("startups-per-address", self.startups_per_address, 1),
            ("max-message", self.max_message or 1024, 1024),
            ("auth-timeout", self.auth_timeout, 0.1),
        ):
            if value < least:
                raise ValueError(f"--{name} must be {least} or more, not {value}")
        for name, value in (
            ("statement-timeout", self.statement_timeout),
            ("lock-timeout", self.lock_timeout),
            ("idle-timeout", self.idle_timeout),
        ):
            if value < 0:
                raise ValueError(f"--{name} must be 0 or more seconds, not {value}")
        for user in (self.users or {}).values():
            outside = set(user.tenants or ()) - set(self.tenants) if self.tenants else set()
            if outside:
                raise ValueError(
                    f"user {user.name!r} may use tenant {sorted(outside)[0]!r}, which the server does not serve "
                    "(--tenant): add it there, or take it out of the user's tenants"
                )

    def directory(self) -> Directory:
        """Who may connect, as the start-up machine looks them up."""
        if self.users is not None:
            return Directory(dict(self.users))
        keys = ScramKeys.derive(self.password) if self.password is not None else None
        one = User(self.user or "", keys, password=self.password)
        return Directory({self.user: one}) if self.user is not None else Directory({}, anyone=one)

    def mock_secret(self) -> bytes:
        """The key of the verifiers made up for unknown user names: derived from the verifiers (or the password)
        the server holds, so a name gets the same salt after a restart, and nobody without them can compute it."""
        known = sorted(
            (user.name, user.keys.verifier()) for user in (self.users or {}).values() if user.keys is not None
        )
        material = repr((known, self.password, self.user)).encode()
        return hashlib.sha256(b"assets-sql mock authentication\x00" + material).digest()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(eq=False)
class _Pending:
    """A client still starting up: its socket and address, its handshake, when it runs out of time, what is left to
    send."""

    sock: socket.socket
    address: str
    handshake: Handshake
    started: float
    deadline: float
    out: bytearray = field(default_factory=bytearray)
    tls_handshaking: bool = False


class Server:
    """A bridge server for one register file.

    ``start()`` runs it in a new process of its own (a fresh interpreter: it inherits no thread and no register
    connection of the caller's) and returns the address it listens on; ``stop()`` ends it and every session.
    ``serve_forever()`` runs it in this process instead (``assets-sql serve``). Either way the server's process only
    accepts clients and takes them through start-up (:class:`Postmaster`); each authenticated client gets a process
    forked from it.
    """

    def __init__(self, config: Config) -> None:
        config.check()
        self.config = config
        _tls_context(config)  # a certificate that cannot be read stops the server now
        self._check_tenants()
        self.listener: socket.socket | None = None
        self.process: subprocess.Popen[bytes] | None = None

    def _check_tenants(self) -> None:
        """Open the register once with each tenant list a session will use, so that a tenant the file does not have
        stops the server now, not every client later."""
        lists = {self.config.tenants} | {u.tenants for u in (self.config.users or {}).values() if u.tenants}
        for tenants in lists - {()}:
            try:
                connector.connect(self.config.database, tenant=tenants[0], tenants=tenants).close()
            except connector.Error as error:
                raise ValueError(f"{self.config.database}: {error}") from None

    def bind(self) -> tuple[str, int]:
        """Listen on the configured address; the address actually bound."""
        family = socket.AF_INET6 if ":" in self.config.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.config.host, self.config.port))
        listener.listen(128)
        self.listener = listener
        return listener.getsockname()[:2]

    def start(self) -> tuple[str, int]:
        """Bind, and serve from a process of its own; the address. Clients may connect at once: they wait in the
        listener's backlog while the process starts."""
        address = self.bind()
        assert self.listener is not None
        descriptor = self.listener.fileno()
        root = str(Path(connector.__file__).resolve().parent.parent)
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from connector.bridge.server import main; main()",
                str(descriptor),
                str(os.getpid()),
            ],
            stdin=subprocess.PIPE,
            pass_fds=(descriptor,),
            env=environment,
        )
        assert self.process.stdin is not None
        self.process.stdin.write(pickle.dumps(self.config))
        self.process.stdin.close()
        self.listener.close()
        self.listener = None
        return address

    def serve_forever(self) -> None:
        """Serve from this process until SIGTERM or Ctrl-C; every session is ended before it returns."""
        if self.listener is None:
            self.bind()
        assert self.listener is not None
        Postmaster(self.config, self.listener).run()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.listener is not None:
            self.listener.close()
            self.listener = None

    @property
    def pid(self) -> int:
        """The server's process."""
        return self.process.pid if self.process is not None else os.getpid()

    def sessions(self) -> list[int]:
        """The processes of the sessions running now."""
        try:
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return []
        return [int(word) for word in text.split()]


def main() -> None:
    """The server's process of :meth:`Server.start`: the listener's descriptor and the starting process's id as its
    arguments, the pickled configuration on standard input."""
    config = pickle.loads(sys.stdin.buffer.read())
    listener = socket.socket(fileno=int(sys.argv[1]))
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    Postmaster(config, listener, parent=int(sys.argv[2])).run()


def _tls_context(config: Config) -> ssl.SSLContext | None:
    if not config.tls_cert:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(config.tls_cert, config.tls_key)
    return context


def default_session_memory(max_connections: int) -> int:
    """What a session may add to its process's address space unless --session-memory says: the machine's memory
    shared among ``max_connections`` sessions, and ``SESSION_MEMORY_FLOOR`` at least."""
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return max(SESSION_MEMORY_FLOOR, physical // max_connections)


def default_max_message(session_memory: int) -> int:
    """The longest message a session reads unless --max-message says: ``session_memory / MESSAGE_SHARE`` (16MB for
    512MB)."""
    return session_memory // MESSAGE_SHARE


def _limit_memory(extra: int) -> None:
    """Let this process's address space grow by ``extra`` bytes, and no more: beyond it an allocation fails
    (MemoryError in Python, SQLITE_NOMEM in SQLite) in this session only."""
    pages = int(Path("/proc/self/statm").read_text().split()[0])
    limit = pages * os.sysconf("SC_PAGE_SIZE") + extra
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class Postmaster:
    """The server's process: accepts clients, takes each through start-up and authentication with a selector
    (:mod:`.startup`), then forks a process for it (a session).

    Until a client has proved who it is, it costs a socket and a few kilobytes, and it has ``auth_timeout`` seconds
    for all of it. No address has more than ``startups_per_address`` clients starting up at once: its next ones
    wait their turn unread (four per slot at most; beyond them, 53300), so one host cannot take the slots every
    other needs. When half of the start-up slots are taken, each client's time is cut to ``PRESSED_AUTH_TIMEOUT``.
    The process runs one thread and holds no register connection, so a fork costs milliseconds and the session
    inherits nothing it could share with another. A cancel request is passed to the session with that backend key
    (its process id) as SIGINT. SIGTERM stops the server: every session gets SIGTERM, and SIGKILL a second later if
    still there.
    """

    #: Seconds a client has to start up once half the start-up slots are taken (or auth_timeout, if shorter).
    PRESSED_AUTH_TIMEOUT = 2.0
    #: Seconds a session has to end after SIGTERM before it is killed.
    SHUTDOWN_GRACE = 1.0

    def __init__(self, config: Config, listener: socket.socket, parent: int | None = None) -> None:
        self.config = config
        #: The process that started this one (Server.start), if any: when it is gone, the server stops.
        self.parent = parent
        self.listener = listener
        self.tls = _tls_context(config)
        self.policy = Policy(config.directory(), config.auth, tls=self.tls is not None, secret=config.mock_secret())
        #: Clients starting up at once, at most; beyond them a new client is told the server is full.
        self.max_pending = max(256, config.max_connections)
        self.session_memory = config.session_memory or default_session_memory(config.max_connections)
        if not config.max_message:
            self.config = config = dataclasses.replace(config, max_message=default_max_message(self.session_memory))
        self.pending: set[_Pending] = set()
        self.starting: Counter[str] = Counter()  # clients starting up, by address
        self.waiting: dict[str, deque[_Pending]] = {}  # clients beyond startups_per_address, in turn, by address
        self.children: dict[int, int] = {}  # session process id: its cancel key
        self.stopping = False
        self.selector: selectors.BaseSelector | None = None
        self._wake_reader, self._wake_writer = socket.socketpair()

    # -- the loop ------------------------------------------------------------------------------------------------

    def run(self) -> None:
        _warm_up()
        # What is made now is shared with every session, copy-on-write: kept out of the collector's scans, so a
        # session's collections do not copy the pages it only reads
        gc.collect()
        gc.freeze()
        self.listener.setblocking(False)
        self._wake_reader.setblocking(False)
        self._wake_writer.setblocking(False)
        previous_wakeup = signal.set_wakeup_fd(self._wake_writer.fileno())
        previous = {number: signal.signal(number, self._on_signal) for number in (signal.SIGTERM, signal.SIGCHLD)}
        selector = self.selector = selectors.DefaultSelector()
        selector.register(self.listener, selectors.EVENT_READ, None)
        selector.register(self._wake_reader, selectors.EVENT_READ, None)
        try:
            while not self.stopping:
                self._tick(selector)
        finally:
            signal.set_wakeup_fd(previous_wakeup)
            for number, handler in previous.items():
                signal.signal(number, handler)
            for client in [*self.pending, *(c for queue in self.waiting.values() for c in queue)]:
                _close(client.sock)
            self.pending.clear()
            self.waiting.clear()
            selector.close()
            self.listener.close()
            self._end_sessions()
            self._wake_reader.close()
            self._wake_writer.close()

    def _on_signal(self, signum: int, frame: object) -> None:
        if signum == signal.SIGTERM:
            self.stopping = True

    def _tick(self, selector: selectors.BaseSelector) -> None:
        now = time.monotonic()
        wait = min((p.deadline for p in self.pending), default=now + _TICK) - now
        for key, _ in selector.select(min(max(wait, 0.0), _TICK)):
            if key.fileobj is self.listener:
                self._accept(selector)
            elif key.fileobj is self._wake_reader:
                self._drain_wakeups()
            elif isinstance(key.data, _Pending):
                self._advance(selector, key.data)
        self._reap()
        if self.parent is not None and os.getppid() != self.parent:
            self.stopping = True  # whoever started the server has gone without stopping it
        now = time.monotonic()
        if self._pressed():
            for client in self.pending:
                client.deadline = min(client.deadline, client.started + self._pressed_timeout())
        self._expire_waiting(now)
        for late in [p for p in self.pending if p.deadline <= now]:
            self._refuse(
                selector,
                late,
                "08006",
                f"start-up and authentication take {late.deadline - late.started:g} s at most: the time is up",
            )

    def _drain_wakeups(self) -> None:
        try:
            while self._wake_reader.recv(4096):
                pass
        except (BlockingIOError, InterruptedError):
            pass

    def _reap(self) -> None:
        while self.children:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            if pid == 0:
                return
            self.children.pop(pid, None)

    def _end_sessions(self) -> None:
        for pid in self.children:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + self.SHUTDOWN_GRACE
        while self.children and time.monotonic() < deadline:
            time.sleep(0.02)
            self._reap()
        for pid in self.children:
            _signal(pid, signal.SIGKILL)
        for pid in list(self.children):
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        self.children.clear()

    # -- start-up: every client that has not authenticated yet -------------------------------------------------

    def _pressed(self) -> bool:
        return len(self.pending) * 2 >= self.max_pending

    def _pressed_timeout(self) -> float:
        return min(self.config.auth_timeout, self.PRESSED_AUTH_TIMEOUT)

    def _accept(self, selector: selectors.BaseSelector) -> None:
        for _ in range(64):  # a burst at a time, then the clients already waiting get their turn
            try:
                sock, peer = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:  # out of file descriptors, say: wait a little rather than spin
                log.warning("cannot accept a client: %s", error)
                time.sleep(0.1)
                return
            sock.setblocking(False)
            address = str(peer[0]) if isinstance(peer, tuple) else ""
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if len(self.pending) >= self.max_pending:
                _send_and_close(sock, _fatal("53300", "sorry, too many clients are starting up: try again shortly"))
                continue
            now = time.monotonic()
            timeout = self._pressed_timeout() if self._pressed() else self.config.auth_timeout
            client = _Pending(sock, address, Handshake(self.policy), now, now + timeout)
            if self.starting[address] < self.config.startups_per_address:
                self._begin(selector, client)
                continue
            queue = self.waiting.setdefault(address, deque())
            if len(queue) >= self.config.startups_per_address * _WAITING_PER_SLOT:
                _send_and_close(
                    sock,
                    _fatal(
                        "53300",
                        f"sorry, too many clients from {address} are starting up at once: this server takes "
                        f"{self.config.startups_per_address} at a time from one address (assets-sql serve "
                        "--startups-per-address) and keeps a few more waiting; try again shortly",
                    ),
                )
                continue
            queue.append(client)  # read nothing from it until one of its address's clients is through

    def _begin(self, selector: selectors.BaseSelector, client: _Pending) -> None:
        self.pending.add(client)
        self.starting[client.address] += 1
        selector.register(client.sock, selectors.EVENT_READ, client)

    def _next_waiting(self, selector: selectors.BaseSelector, address: str) -> None:
        """One of the address's start-up slots is free: the client that has waited longest for it takes it."""
        queue = self.waiting.get(address)
        if queue:
            self._begin(selector, queue.popleft())
            if not queue:
                del self.waiting[address]

    def _expire_waiting(self, now: float) -> None:
        for address, queue in list(self.waiting.items()):
            while queue and queue[0].deadline <= now:
                late = queue.popleft()
                _send_and_close(late.sock, _fatal("08006", "start-up took too long: the time is up"))
            if not queue:
                del self.waiting[address]

    def _advance(self, selector: selectors.BaseSelector, client: _Pending) -> None:
        """Whatever the client's socket is ready for: the TLS handshake, reading what the handshake needs, sending
        what it has to say; then hand the client off, or wait for it again."""
        handshake = client.handshake
        try:
            if client.tls_handshaking:
                assert isinstance(client.sock, ssl.SSLSocket)
                try:
                    client.sock.do_handshake()
                except ssl.SSLWantReadError:
                    selector.modify(client.sock, selectors.EVENT_READ, client)
                    return
                except ssl.SSLWantWriteError:
                    selector.modify(client.sock, selectors.EVENT_WRITE, client)
                    return
                client.tls_handshaking = False
            while not handshake.finished and not handshake.tls_requested:
                try:
                    data = client.sock.recv(handshake.need)
                except (BlockingIOError, InterruptedError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    break
                if not data:
                    raise Closed()
                handshake.receive(data)
            client.out += handshake.out
            handshake.out.clear()
            _send_some(client)
            if handshake.tls_requested and not client.out:
                self._start_tls(selector, client)
                return
        except Refused as refusal:
            self._refuse(selector, client, refusal.code, str(refusal))
            return
        except (Closed, OSError):
            self._forget(selector, client)
            return
        except Exception:  # one client's trouble must never stop the loop every other client starts up in
            log.exception("client failed while starting up")
            self._refuse(selector, client, "XX000", "the server failed while this client started up")
            return
        if handshake.cancel is not None:
            self._forget(selector, client)
            self.cancel(*handshake.cancel)
        elif handshake.user is not None:
            self._forget(selector, client, close=False)
            self._hand_off(client, handshake.user, handshake.parameters)
        else:
            wanted = selectors.EVENT_READ | (selectors.EVENT_WRITE if client.out else 0)
            selector.modify(client.sock, wanted, client)

    def _start_tls(self, selector: selectors.BaseSelector, client: _Pending) -> None:
        assert self.tls is not None
        selector.unregister(client.sock)
        client.sock = self.tls.wrap_socket(client.sock, server_side=True, do_handshake_on_connect=False)
        client.handshake.tls_requested = False
        client.tls_handshaking = True
        selector.register(client.sock, selectors.EVENT_READ, client)

    def _refuse(self, selector: selectors.BaseSelector, client: _Pending, code: str, text: str) -> None:
        if not client.tls_handshaking:
            client.out += _fatal(code, text)
            _send_some(client)
        self._forget(selector, client)

    def _forget(self, selector: selectors.BaseSelector, client: _Pending, *, close: bool = True) -> None:
        try:
            selector.unregister(client.sock)
        except (KeyError, ValueError):
            pass
        if close:
            _close(client.sock)
        if client in self.pending:
            self.pending.discard(client)
            self.starting[client.address] -= 1
            if self.starting[client.address] <= 0:
                del self.starting[client.address]
            self._next_waiting(selector, client.address)

    # -- sessions ------------------------------------------------------------------------------------------------

    def _hand_off(self, pending: _Pending, user: User, parameters: dict[str, str]) -> None:
        """An authenticated client: a process of its own, if the server has room for one more."""
        sock = pending.sock
        if len(self.children) >= self.config.max_connections:
            message = (
                f"sorry, too many clients already: this server takes {self.config.max_connections} at once "
                "(assets-sql serve --max-connections)"
            )
            _send_and_close(sock, bytes(pending.out) + _fatal("53300", message))
            return
        secret = secrets.randbits(31)
        try:
            pid = os.fork()
        except OSError as error:
            log.warning("cannot start a session: %s", error)
            _send_and_close(sock, bytes(pending.out) + _fatal("53300", "the server cannot start another session"))
            return
        if pid == 0:
            status = 0
            try:
                self._become_session(pending, user, parameters, secret)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        self.children[pid] = secret
        _close(sock)

    def _become_session(self, pending: _Pending, user: User, parameters: dict[str, str], secret: int) -> None:
        """In the forked process: drop everything of the server's but this client's socket, bound the memory, run
        the session."""
        signal.set_wakeup_fd(-1)
        for number in (signal.SIGTERM, signal.SIGCHLD):
            signal.signal(number, signal.SIG_DFL)
        if self.selector is not None:
            self.selector.close()
        for other in [*self.pending, *(c for queue in self.waiting.values() for c in queue)]:
            _close(other.sock)
        for sock in (self.listener, self._wake_reader, self._wake_writer):
            _close(sock)
        _limit_memory(self.session_memory)
        bounds.configure(self.session_memory)
        Client(self.config, pending.sock, user, parameters, bytes(pending.out), os.getpid(), secret).run()

    def cancel(self, pid: int, secret: int) -> None:
        if self.children.get(pid) == secret:
            _signal(pid, signal.SIGINT)


def _warm_up() -> None:
    """Do once in the server's process what every session's first statements would do (import sqlglot's dialects,
    build the catalog's code, translate the common statements), so that each forked session starts warm. On a
    register in memory, closed before any session forks: no connection to the file is ever open here."""
    session = Session(":memory:", user="postgres", database_name="postgres")
    try:
        for text in ("SELECT 1", 'SELECT "AssetName" FROM "Assets" WHERE "AssetNumber" = $1', "SHOW server_version"):
            session.run(session.prepare(text), {"p1": "FA-0001"} if "$1" in text else None).take(0)
    except Exception:  # a warm-up that fails costs the sessions their head start, never the server
        log.exception("warming up failed")
    finally:
        session.close()


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except ProcessLookupError:
        pass


def _fatal(code: str, text: str) -> bytes:
    return protocol.error_response("FATAL", code, text)


def _send_some(client: _Pending) -> None:
    """Send what the socket takes now; the rest waits for the selector to say it may be written."""
    while client.out:
        try:
            sent = client.sock.send(client.out)
        except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return
        del client.out[:sent]


def _send_and_close(sock: socket.socket, data: bytes) -> None:
    """A last word to a client the server will not wait for: what the socket takes now, then closed."""
    try:
        sock.send(data)
    except OSError:
        pass
    _close(sock)


def _close(sock: socket.socket) -> None:
    try:
        sock.close()
    except OSError:
        pass


class Client:
    """One authenticated client: its session and the message loop, in a process of its own."""

    def __init__(
        self,
        config: Config,
        sock: socket.socket,
        user: User,
        parameters: dict[str, str],
        greeting: bytes,
        pid: int,
        secret: int,
    ) -> None:
        self.config = config
        self.sock = sock
        self.user = user
        self.parameters = parameters
        self.out = bytearray(greeting)
        self.pid = pid
        self.secret = secret
        self.session: Session | None = None
        self.reader: BinaryIO | None = None
        self.interrupts: Interrupts | None = None
        self._hangup = select.poll()
        self._hangup.register(sock.fileno(), getattr(select, "POLLRDHUP", 0) | select.POLLHUP | select.POLLERR)

    # -- I/O --------------------------------------------------------------------------------------------

    def read(self, count: int) -> bytes:
        assert self.reader is not None
        data = self.reader.read(count)
        if data is None or len(data) < count:
            raise Closed()
        return data

    def discard(self, count: int) -> None:
        """Read ``count`` bytes and keep none of them."""
        while count > 0:
            count -= len(self.read(min(count, _DISCARD_CHUNK)))

    def send(self, data: bytes) -> None:
        self.out += data
        if len(self.out) >= _FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        if self.out:
            if self.interrupts is not None:
                self.interrupts.in_io = True
            try:
                self.sock.sendall(self.out)
            finally:
                if self.interrupts is not None:
                    self.interrupts.in_io = False
            self.out.clear()

    def read_message(self) -> tuple[bytes, bytes | None]:
        """The next message's type and body; no body (None) when it is longer than ``max_message``: then it has
        been read and thrown away, never held."""
        kind = self.read(1)
        (length,) = struct.unpack(">i", self.read(4))
        if length < 4:
            raise ProtocolViolation(f"invalid message length {length}")
        if length - 4 > self.config.max_message:
            self.discard(length - 4)
            return kind, None
        return kind, self.read(length - 4)

    def gone(self) -> bool:
        """Whether the client has hung up (asked while one of its statements runs)."""
        try:
            return bool(self._hangup.poll(0))
        except OSError:
            return True
        except RuntimeError:  # asked by the timer signal while the watchdog is asking: the watchdog will know
            return False

    def shutdown(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def interrupt(self) -> None:
        session = self.session
        if session is not None:
            session.connection.raw.interrupt()

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Around one statement (or one message of the extended protocol): its timeout, a cancel request, a client
        hanging up and the server stopping end it, in SQLite (the session's watchdog) and in Python alike."""
        assert self.session is not None and self.interrupts is not None
        timeout_ms = duration_ms("statement_timeout", self.session.settings["statement_timeout"])
        with self.interrupts.statement(timeout_ms), self.session.statement():
            yield

    # -- the life of a connection ------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self.interrupts = Interrupts(self.gone, self.interrupt)
            self.sock.setblocking(True)
            self.sock.settimeout(self.config.idle_timeout or None)
            self.reader = self.sock.makefile("rb")
            self.open()
            self.loop()
        except TimeoutError:
            self.fatal("57P05", "terminating connection due to idle-session timeout (assets-sql serve --idle-timeout)")
        except Terminated:
            self.fatal("57P01", "terminating connection due to administrator command: the server is stopping")
        except (Closed, Hangup, ConnectionError, ssl.SSLError, OSError):
            pass
        except (ProtocolViolation, struct.error, UnicodeDecodeError, ValueError, IndexError) as error:
            self.fatal("08P01", f"protocol violation: {error}")
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
        if self.session is not None:
            self.session.close()
            self.session = None
        try:
            if self.reader is not None:
                self.reader.close()
            self.sock.close()
        except OSError:
            pass

    def open(self) -> None:
        config, user, parameters = self.config, self.user, self.parameters
        tenants = user.tenants or config.tenants
        try:
            self.session = Session(
                config.database,
                user=parameters["user"],
                database_name=parameters.get("database") or parameters["user"],
                application_name=parameters.get("application_name", ""),
                tenants=tenants,
                read_only=user.read_only,
                statement_timeout=config.statement_timeout,
                lock_timeout=config.lock_timeout,
                client_gone=self.gone,
                writers=WriteQueue(),
                pid=self.pid,
            )
        except Exception as error:
            raise ClientError("3D000", f"cannot open the register: {error}") from None
        # settings given in the startup packet itself (node-postgres sends statement_timeout so), then -c options
        given = [(name, value) for name, value in parameters.items() if name not in _STARTUP_ONLY]
        for name, value in given + _startup_options(parameters.get("options", "")):
            if self.session.setting(name) is None:
                continue
            try:
                self.session._set(name, value)
            except ClientError:
                pass
        self.session.reports.clear()
        self.send(protocol.authentication(0))
        for name in REPORTED:
            self.send(protocol.parameter_status(name, self.session.settings[name]))
        self.send(protocol.backend_key_data(self.pid, self.secret))
        self.send(protocol.ready_for_query("I"))
        self.flush()

    # -- messages -----------------------------------------------------------------------------------------

    def loop(self) -> None:
        assert self.session is not None
        skipping = False  # after an error in the extended protocol, until Sync
        while True:
            kind, body = self.read_message()
            if body is None:
                self.too_long(kind)
                skipping = kind != b"Q"
                continue
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
                with self.running():
                    handler(body)
            except (ProtocolViolation, struct.error):
                raise
            except Exception as error:
                self.statement_error(error)
                skipping = True

    def too_long(self, kind: bytes) -> None:
        """A message over ``max_message`` was read and thrown away: say so, and go on with the next one."""
        limit = self.config.max_message
        self.error(
            "54000",
            f"message too long: this server takes messages of {limit} bytes at most",
            hint="send less at once (several statements, or fewer values), or start the server with a larger "
            "--max-message",
        )
        if kind == b"Q":
            self.ready()
        else:
            self.flush()

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
        if any(isinstance(e, MemoryError) for e in (error, error.__cause__, error.__context__)):
            self.error(
                "53200",
                "out of memory: the statement needed more than this session may use",
                hint="ask for less at once, or start the server with a larger --session-memory",
            )
            return
        code, text, hint = error_message(error)
        if code == "XX000":
            log.warning("statement failed: %r", error)
        self.error(code, text, hint)

    def simple_query(self, text: str) -> None:
        assert self.session is not None
        session = self.session
        found = statements(text)  # one at a time: each statement's statement_timeout covers finding it too
        empty = True
        while True:
            try:
                with self.running():
                    statement = next(found, None)
                    if statement is None:
                        break
                    empty = False
                    if copy.is_copy(statement):
                        self.copy(statement)
                        continue
                    prepared = session.prepare(statement)
                    result = session.run(prepared, None)
                    if result.fields is not None:
                        self.send(protocol.row_description(result.fields))
                    self.send_rows(result, 0)
            except Exception as error:
                self.statement_error(error)
                empty = False
                break
            finally:
                self.report()
        if empty:
            self.send(protocol.EMPTY_QUERY)
        self.ready()

    def copy(self, text: str) -> None:
        order = copy.parse(text)
        if isinstance(order, CopyIn):
            self.copy_in(order)
        else:
            self.copy_out(order)

    def copy_in(self, order: CopyIn) -> None:
        """``COPY table FROM STDIN``: take the client's CopyData until CopyDone, then insert every row with INSERT
        (through the register's rules), all of them or none; an error names the line it comes from."""
        assert self.session is not None
        session = self.session
        names = order.columns
        described = session.describe(session.prepare(f"SELECT {names or '*'} FROM {order.table}")) or []
        if names is None:
            names = ", ".join('"' + f.name.replace('"', '""') + '"' for f in described)
        columns = [_unquoted(name) for name in names.split(",") if name.strip()]
        count = len(columns)
        # each value is read as its column's type (a temporary table's too, which the typer does not know)
        kinds = [f.type_oid for f in described] if len(described) == count else []
        statement = session.prepare(
            f"INSERT INTO {order.table} ({names}) VALUES ({', '.join(f'${n}' for n in range(1, count + 1))})", kinds
        )
        self.send(protocol.copy_in_response(count))
        self.flush()
        chunks: list[bytes] = []
        failed: str | None = None
        while True:
            kind, body = self.read_message()
            if kind == b"d" and body is not None:
                chunks.append(body)
            elif kind == b"c":
                break
            elif kind == b"f":
                failed = Reader(body or b"\x00").cstring()
                break
            elif kind in (b"H", b"S"):
                continue
            elif body is None:
                failed = "a COPY data message was longer than this server takes"
                break
            else:
                raise ProtocolViolation(f"unexpected message type {kind!r} during COPY FROM STDIN")
        if failed is not None:
            raise ClientError("57014", f"COPY from stdin failed: {failed}")
        own = session.transaction.status == "I"
        if own:
            session.run(session.prepare("BEGIN"), None)
        done = 0
        try:
            for line, fields in copy.rows_in(order, b"".join(chunks)):
                if len(fields) != count:
                    raise ClientError(
                        "22P04",
                        f"COPY {order.table}, line {line}: {len(fields)} columns where {count} are expected "
                        f"({names}); nothing was copied",
                    )
                raw = [None if value is None else value.encode() for value in fields]
                try:
                    result = session.run(statement, session.bind_values(statement, [0], raw, columns))
                    for _ in result.take(0):
                        pass
                except Exception as error:
                    code, text, hint = error_message(error)
                    raise ClientError(
                        code, f"COPY {order.table}, line {line}: {text}; nothing was copied", hint=hint
                    ) from None
                done += 1
        except BaseException:
            if own:
                session.run(session.prepare("ROLLBACK"), None)
            raise
        if own:
            session.run(session.prepare("COMMIT"), None)
        self.send(protocol.command_complete(f"COPY {done}"))

    def copy_out(self, order: CopyOut) -> None:
        """``COPY ... TO STDOUT``: the rows of its query, as CopyData messages in its format."""
        assert self.session is not None
        prepared = self.session.prepare(order.query)
        result = self.session.run(prepared, None, [1 if order.binary else 0])
        fields = result.fields or []
        self.send(protocol.copy_out_response(order.binary, len(fields)))
        for data in copy.encode(order, [f.name for f in fields], result.encoded()):
            self.send(protocol.copy_data(data))
        self.send(protocol.COPY_DONE)
        self.send(protocol.command_complete(f"COPY {result.count}"))

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
        found = statements(message.query) if ";" in message.query else iter(())  # no ';', one statement at most
        if next(found, None) is not None and next(found, None) is not None:
            raise ClientError("42601", "cannot insert multiple commands into a prepared statement")
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
        elif kind == "P" and copy.is_copy(
            self.session.portals[name].prepared.text if name in self.session.portals else ""
        ):
            fields = None  # COPY sends its rows as CopyData, when it runs
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
        waiting = self.session.portals.get(name)
        if waiting is not None and copy.is_copy(waiting.prepared.text):
            try:
                self.copy(waiting.prepared.text)
            finally:
                self.report()
            if name == "":
                self.session.portals.pop("", None)
            return
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


def _unquoted(name: str) -> str:
    """A column as a COPY's column list names it: a quoted name as it is, another folded to lower case."""
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return name[1:-1].replace('""', '"')
    return name.lower()


#: Startup packet parameters that are not settings.
_STARTUP_ONLY = frozenset({"user", "database", "options", "replication", "application_name"})


def _startup_options(options: str) -> list[tuple[str, str]]:
    """``-c name=value`` pairs of the startup packet's ``options``."""
    found = []
    words = options.replace("--", "-c ").split()
    for index, word in enumerate(words):
        if word == "-c" and index + 1 < len(words) and "=" in words[index + 1]:
            name, _, value = words[index + 1].partition("=")
            found.append((name, value))
    return found


def serve(server: Server, ready: Any = None) -> None:
    """Run a server in this process until SIGTERM or Ctrl-C (the console's ``assets-sql serve``)."""
    host, port = server.bind()
    if ready is not None:
        ready(host, port)
    server.serve_forever()


def read_password(path: str | None, variable: str) -> str | None:
    """The password from a file (its first line) or from an environment variable; None when neither is given. An
    empty one is refused: it would let anyone in."""
    if path:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        if not lines or not lines[0]:
            raise ValueError(f"the password file {path} is empty: write the password on its first line")
        return lines[0]
    found = os.environ.get(variable)
    if found == "":
        raise ValueError(f"{variable} is set but empty: give it the password, or unset it")
    return found
