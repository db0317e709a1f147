"""How long a session's statement may run and wait: statement_timeout, lock_timeout, a cancel request, a client that
hung up, and the server's shutdown.

SQLite calls a :class:`Watchdog` while a statement runs (its progress handler) and while a write waits for another
connection's write lock (its busy handler); either way the statement ends when its time is up or its client has
gone. Waits for the lock take turns (:class:`WriteQueue`): SQLite's own waiting polls with growing sleeps, so
under load a writer may lose the race for the lock again and again until its lock_timeout, though the lock was free
many times meanwhile; PostgreSQL queues lock waiters, and so does the bridge.

>>> duration_ms("statement_timeout", "1500"), duration_ms("statement_timeout", "2s"), duration_ms("x", "1min")
(1500, 2000, 60000)
>>> shown_duration(0), shown_duration(1500), shown_duration(5000), shown_duration(7_200_000)
('0', '1500ms', '5s', '2h')
"""

from __future__ import annotations

import contextlib
import faulthandler
import functools
import math
import os
import re
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator

import apsw

from connector.bridge.errors import ClientError

#: PostgreSQL's units for durations; a bare number of a timeout setting is milliseconds.
_MILLISECONDS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(us|ms|s|min|h|d)?\s*$", re.IGNORECASE)


@functools.lru_cache(maxsize=64)  # read at every statement: the few values a session sets
def duration_ms(name: str, value: str) -> int:
    """A timeout setting's value in milliseconds, as PostgreSQL reads it."""
    match = _DURATION.match(value)
    if match is None:
        raise ClientError(
            "22023",
            f'invalid value for parameter "{name}": "{value}"',
            hint='Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".',
        )
    return round(float(match.group(1)) * _MILLISECONDS[(match.group(2) or "ms").lower()])


def shown_duration(ms: int) -> str:
    """How SHOW gives a duration: in the largest unit that holds it exactly."""
    if ms == 0:
        return "0"
    for unit in ("d", "h", "min", "s"):
        if ms % _MILLISECONDS[unit] == 0:
            return f"{ms // int(_MILLISECONDS[unit])}{unit}"
    return f"{ms}ms"


class WriteQueue:
    """The sessions of one server waiting for the register's write lock, served in the order they began to wait.

    Only the session at the head asks SQLite again (every ``POLL`` seconds); the others wait for their turn.
    """

    POLL = 0.002

    def __init__(self) -> None:
        self._waiting: deque[object] = deque()
        self._turn = threading.Condition()

    def wait(self, owner: object, deadline: float, give_up: Callable[[], bool]) -> bool:
        """Wait for ``owner``'s turn, then a moment: True to ask SQLite again, False (and out of the queue) when the
        deadline passes or ``give_up()`` says so first."""
        with self._turn:
            if owner not in self._waiting:
                self._waiting.append(owner)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or give_up():
                    self._remove(owner)
                    return False
                if self._waiting[0] is owner:
                    break
                self._turn.wait(min(remaining, 0.05))
        time.sleep(self.POLL)
        return True

    def leave(self, owner: object) -> None:
        with self._turn:
            self._remove(owner)

    def _remove(self, owner: object) -> None:
        if owner in self._waiting:
            self._waiting.remove(owner)
            self._turn.notify_all()


class Watchdog:
    """Ends the statement running on one register connection when its statement_timeout is up or its client has
    hung up, and has its waits for the write lock take turns in a :class:`WriteQueue`, for lock_timeout at most.

    It looks at the clock every thousand or so steps of a statement and at the client every ``LOOK_EVERY`` seconds.
    ``expired`` tells, after a statement failed, that its statement_timeout ended it; ``waited_out``, that a wait
    for the lock ended without it.
    """

    LOOK_EVERY = 0.2

    def __init__(self, raw: apsw.Connection, client_gone: Callable[[], bool] | None, writers: WriteQueue) -> None:
        self.raw = raw
        self.client_gone = client_gone
        self.writers = writers
        self.lock_timeout_ms = 0
        self.running = False
        self.expired = False
        self.waited_out = False
        self._deadline = math.inf
        self._lock_deadline = math.inf
        self._look_at = 0.0
        raw.set_progress_handler(self._step, 1000, id=self)

    def wait_for_locks(self, timeout_ms: int) -> None:
        """How long a write waits for the lock (0: as long as it takes). Installs the busy handler, which replaces
        SQLite's busy timeout."""
        self.lock_timeout_ms = timeout_ms
        self.raw.set_busy_handler(self._busy)

    def start(self, timeout_ms: int) -> None:
        """A statement begins, with this statement_timeout (0: none)."""
        now = time.monotonic()
        self._deadline = now + timeout_ms / 1000 if timeout_ms else math.inf
        self.expired = False
        self._look_at = now + self.LOOK_EVERY
        self.running = True

    def stop(self) -> None:
        self.running = False
        self.writers.leave(self)

    def _should_stop(self) -> bool:
        if not self.running:
            return False
        now = time.monotonic()
        if now >= self._deadline:
            self.expired = True
            return True
        if self.client_gone is not None and now >= self._look_at:
            self._look_at = now + self.LOOK_EVERY
            return self.client_gone()
        return False

    def _step(self) -> bool:
        return self._should_stop()

    def _busy(self, prior_calls: int) -> bool:
        if prior_calls == 0:
            timeout = self.lock_timeout_ms / 1000 if self.lock_timeout_ms else math.inf
            self._lock_deadline = time.monotonic() + timeout
        if self.writers.wait(self, self._lock_deadline, self._should_stop):
            return True
        self.waited_out = True
        return False


class Hangup(BaseException):
    """The client went away while its statement ran: the session ends (no error can reach the client)."""


class Terminated(BaseException):
    """The server is shutting down: the session ends with 57P01."""


def _canceled(reason: str) -> ClientError:
    return ClientError("57014", f"canceling statement due to {reason}")


class Interrupts:
    """Ends a session's statement whatever it is doing, Python included, in the session's own process.

    SQLite's progress handler (:class:`Watchdog`) never fires while a statement's work runs in Python (translating
    it, a function of the bridge's, converting rows): there a timer signal does. While a statement runs, the timer
    ticks every ``TICK`` seconds; at the tick after the statement's time is up, after a cancel request (SIGINT, sent
    by the server for the client's backend key) or once the client has hung up, SQLite is interrupted and the
    statement's Python code is interrupted with an exception: 57014 for a timeout or a cancel, :class:`Hangup` for a
    client that went away, :class:`Terminated` when the server stops (SIGTERM). Should the statement still run
    ``GRACE`` seconds later (stuck in C code that never returns to Python), the process exits: its transaction is
    rolled back by SQLite, and no other session notices.
    """

    TICK = 0.1
    GRACE = 1.0

    def __init__(self, client_gone: Callable[[], bool], stop_sqlite: Callable[[], None]) -> None:
        self.client_gone = client_gone
        self.stop_sqlite = stop_sqlite
        self.running = False
        self.in_io = False  # sending to the client: a raise there would cut a message in two
        self.terminating = False
        self._deadline = math.inf
        self._ending: Callable[[], BaseException] | None = None
        self._exit_armed = False
        self._devnull = open(os.devnull, "w")  # noqa: SIM115 - faulthandler writes here for the life of the process
        for number, handler in (
            (signal.SIGALRM, self._on_tick),
            (signal.SIGINT, self._on_cancel),
            (signal.SIGTERM, self._on_terminate),
        ):
            signal.signal(number, handler)
            signal.siginterrupt(number, False)  # SQLite's own system calls are restarted, never failed

    @contextlib.contextmanager
    def statement(self, timeout_ms: int) -> Iterator[None]:
        self._deadline = time.monotonic() + timeout_ms / 1000 if timeout_ms else math.inf
        self._ending = None
        self.running = True
        signal.setitimer(signal.ITIMER_REAL, self.TICK, self.TICK)
        try:
            yield
        except Exception as error:
            ending = self._ending
            if ending is not None:  # whatever the interrupted code made of it, say why the statement ended
                raise ending() from error
            raise
        finally:
            self.running = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            if self._exit_armed:
                faulthandler.cancel_dump_traceback_later()
                self._exit_armed = False
            if self.terminating:
                raise Terminated()

    def _on_tick(self, signum: int, frame: object) -> None:
        if not self.running:
            return
        if self._ending is None:
            if time.monotonic() >= self._deadline:
                self._ending = functools.partial(_canceled, "statement timeout")
            elif self.client_gone():
                self._ending = Hangup
        self._end()

    def _on_cancel(self, signum: int, frame: object) -> None:
        if self.running and self._ending is None:
            self._ending = functools.partial(_canceled, "user request")
            self._end()

    def _on_terminate(self, signum: int, frame: object) -> None:
        self.terminating = True
        self._ending = Terminated
        if self.running:
            self._end()
        elif not self.in_io:
            raise Terminated()

    def _end(self) -> None:
        ending = self._ending
        if ending is None:
            return
        self.stop_sqlite()
        if not self._exit_armed:
            faulthandler.dump_traceback_later(self.GRACE, exit=True, file=self._devnull)
            self._exit_armed = True
        if not self.in_io:
            raise ending()
