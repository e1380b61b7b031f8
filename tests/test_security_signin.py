"""Sign-in attempts are counted and delayed per client and for the whole server, with the check serialised: many
parallel sessions guess no faster than the limits allow, and the researcher is never kept out for long."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from kb.attempts import AttemptLimiter, TooManyAttempts, failure_delay


class _Clock:
    """A shared clock that only moves when an attempt sleeps to its turn (threads sleep to absolute times)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()
        self.starts: list[tuple[str, float]] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.starts.append((threading.current_thread().name, self.now + seconds))


def _limiter(clock: _Clock, **limits: float) -> AttemptLimiter:
    return AttemptLimiter(clock=clock, sleep=clock.sleep, **limits)


def test_forty_parallel_sessions_of_one_client_wait_their_growing_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock()
    limiter = _limiter(clock, max_wait=1000)
    with ThreadPoolExecutor(40) as pool:
        outcomes = list(pool.map(lambda n: limiter.attempt("10.0.0.9", lambda: False), range(40)))
    assert outcomes == [False] * 40 and limiter.failures("10.0.0.9") == 40
    starts = sorted(start for _, start in clock.starts)
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert gaps == [failure_delay(n) for n in range(1, 40)]  # as slow as one session guessing in turn


def test_many_clients_in_parallel_get_at_most_the_global_rate() -> None:
    clock = _Clock()
    limiter = _limiter(clock, spacing=0.5, max_wait=1000)
    for n in range(40):  # every client has guessed wrong once already
        limiter.attempt(f"10.0.1.{n}", lambda: False)
    clock.now, clock.starts[:] = 100.0, []
    with ThreadPoolExecutor(40) as pool:
        list(pool.map(lambda n: limiter.attempt(f"10.0.1.{n}", lambda: False), range(40)))
    starts = sorted(start for _, start in clock.starts)
    assert all(b - a >= 0.5 for a, b in zip(starts, starts[1:]))
    assert (len(starts) - 1) / (starts[-1] - starts[0]) <= 2.0  # guesses per second, all clients together


def test_others_guessing_keeps_the_researcher_out_for_seconds_at_most_and_never_resets_their_count() -> None:
    clock = _Clock()
    limiter = _limiter(clock, spacing=0.5, max_wait=5)
    refused = []

    def guess(n: int) -> None:
        try:
            limiter.attempt(f"10.0.2.{n % 5}", lambda: False)  # five attacking addresses, 40 sessions each
        except TooManyAttempts as exc:
            refused.append(str(exc))
    with ThreadPoolExecutor(40) as pool:
        list(pool.map(guess, range(200)))
    assert len(refused) > 150 and all("try again in" in r for r in refused)
    clock.starts[:] = []
    assert limiter.attempt("192.168.1.20", lambda: True)  # the researcher, first try
    assert clock.starts[0][1] - clock.now <= 5  # max_wait: at most a few seconds
    assert limiter.failures("10.0.2.1") >= 1  # their right password cleared nobody else's count


def test_ipv6_clients_are_counted_by_their_network() -> None:
    from kb.webapp.session_actor import client_key_of

    assert client_key_of("2001:db8:1:2::17", "") == client_key_of("2001:db8:1:2:ffff::1", "")
    assert client_key_of("2001:db8:1:3::17", "") != client_key_of("2001:db8:1:2::17", "")
    assert client_key_of(None, "203.0.113.7, 10.0.0.1") == "10.0.0.1"  # the address the local proxy saw
    assert client_key_of("198.51.100.4", "203.0.113.7") == "198.51.100.4"  # not behind a local proxy: no header


def test_guessers_turned_away_before_their_first_check_leave_the_fresh_lane_to_newcomers() -> None:
    clock = _Clock()
    limiter = _limiter(clock, spacing=0.5, max_wait=5)
    refused = []
    for n in range(40):  # forty fresh addresses at once: the fresh lane takes eleven, the others are turned away
        try:
            limiter.attempt(f"10.0.2.{n}", lambda: False)
        except TooManyAttempts:
            refused.append(n)
    assert len(refused) == 29
    clock.now += 6.0
    for n in refused:  # they come back, and keep coming
        try:
            limiter.attempt(f"10.0.2.{n}", lambda: False)
        except TooManyAttempts:
            pass
    clock.starts[:] = []
    assert limiter.attempt("192.168.4.4", lambda: True)  # a newcomer with the right password
    [(_, start)] = clock.starts
    assert start - clock.now <= 0.5  # at once: the fresh lane was not refilled by the guessers' returns
