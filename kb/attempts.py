"""Sign-in attempts limited per client and for the whole server, so that parallel guessing gains nothing.

Each attempt reserves its start time under one lock before anything is compared: a client's attempts start one
after another, each later by a delay that doubles with that client's wrong answers (0.5 s up to 8 s), and the
whole server starts at most one attempt per `spacing` seconds. Clients without wrong answers have a lane of their
own, so others' guessing delays the legitimate person by at most `max_wait` seconds; an attempt that would wait
longer is refused at once with the seconds to wait. A right answer clears that client's count only.

The limiter knows nothing of passwords or Streamlit: the app's researcher password uses it today, and accounts or
an API can use it as they are.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

from .errors import KBError

MAX_CLIENTS = 10_000  # clients remembered at once; the oldest idle ones are forgotten first


class TooManyAttempts(KBError):
    """An attempt refused without being checked: too many others wait before it."""

    def __init__(self, seconds: float):
        super().__init__(f"Too many sign-in attempts: try again in {max(1, round(seconds))} s.")
        self.seconds = seconds


@dataclass
class _Client:
    failures: int = 0
    pending: int = 0  # attempts reserved and not answered yet
    next_start: float = 0.0
    refused: bool = False  # turned away without a check: no longer a fresh client


def failure_delay(failures: int, base: float = 0.5, most: float = 8.0) -> float:
    """Seconds a client's next attempt waits after this many wrong answers in a row: 0, 0.5, 1, 2, 4, then 8."""
    return 0.0 if failures <= 0 else min(most, base * 2 ** (failures - 1))


class AttemptLimiter:
    """Counts and delays attempts per client and globally; `attempt` runs one check at its reserved time."""

    def __init__(self, *, base: float = 0.5, most: float = 8.0, spacing: float = 0.5, max_wait: float = 5.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.base, self.most, self.spacing, self.max_wait = base, most, spacing, max_wait
        self.clock, self.sleep = clock, sleep
        self._lock = threading.Lock()
        self._clients: dict[str, _Client] = {}
        self._lanes = {"clean": 0.0, "failing": 0.0}  # the next free start of each global lane

    def attempt(self, client: str, check: Callable[[], bool]) -> bool:
        """Wait for this attempt's turn, run `check` and count its answer; TooManyAttempts when the turn is more
        than max_wait away."""
        start = self._reserve(client)
        right = False
        try:
            self.sleep(max(0.0, start - self.clock()))
            right = bool(check())
        finally:
            with self._lock:
                state = self._clients.setdefault(client, _Client())
                state.pending = max(0, state.pending - 1)
                state.failures = 0 if right else state.failures + 1
                if right and not state.pending:
                    self._clients.pop(client, None)
        return right

    def failures(self, client: str) -> int:
        """Wrong answers in a row of this client."""
        with self._lock:
            state = self._clients.get(client)
            return state.failures if state else 0

    def _reserve(self, client: str) -> float:
        """The start time of the client's next attempt, reserved (or TooManyAttempts)."""
        with self._lock:
            now = self.clock()
            state = self._clients.get(client) or _Client()
            lane = "failing" if state.failures or state.pending or state.refused else "clean"
            start = max(now, state.next_start, self._lanes[lane])
            if start - now > self.max_wait:
                # a client turned away is remembered as no longer fresh: otherwise guessers on many addresses, each
                # refused before its first check, would hold the lane of fresh clients for ever
                state.refused = True
                self._remember(client, state, now)
                raise TooManyAttempts(start - now)
            self._lanes[lane] = start + self.spacing
            # the client's next attempt waits as if this one and those pending were wrong
            state.pending += 1
            state.next_start = start + failure_delay(state.failures + state.pending, self.base, self.most)
            self._remember(client, state, now)
            return start

    def _remember(self, client: str, state: _Client, now: float) -> None:
        self._clients[client] = state
        if len(self._clients) > MAX_CLIENTS:
            idle = sorted(self._clients, key=lambda c: self._clients[c].next_start)
            for name in idle[:len(self._clients) - MAX_CLIENTS]:
                if self._clients[name].next_start < now and not self._clients[name].pending:
                    del self._clients[name]
