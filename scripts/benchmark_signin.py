"""Sign-in under parallel guessing, with the real limiter, the real clock and real Argon2id checks.

Guessers on many threads and addresses attack one account for a while; meanwhile the account's owner and a
colleague sign in from their own addresses. The report says how many wrong passwords were actually compared (the
lock's count, however many guessed), how long each person waited, and what one Argon2id check costs here.

    python scripts/benchmark_signin.py [--guessers 40] [--seconds 15] [--out test-output/signin.json]
"""
from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path

from kb import KnowledgeBase, Settings
from kb.accounts import passwords
from kb.errors import KBError


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guessers", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--out", default="test-output/signin.json")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="atkb-signin-"))
    with KnowledgeBase(Settings.load({"home": str(home)}, environ={})) as kb:
        kb.accounts.add("ada", "admin", "ada's long password")
        kb.accounts.add("bo", "researcher", "bo's long password")
        compared = {"wrong": 0}
        real = passwords.verify

        def counting(stored: str | None, given: str) -> bool:
            if stored is not None and not given.startswith(("ada's", "bo's")):
                compared["wrong"] += 1
            return real(stored, given)

        passwords.verify = counting  # type: ignore[assignment]
        started = time.monotonic()
        outcomes: dict[str, int] = {}
        stop = time.monotonic() + args.seconds

        def guess(n: int) -> None:
            while time.monotonic() < stop:
                try:
                    kb.accounts.authenticate("ada", f"guess {n} {time.monotonic()}", client=f"10.9.{n // 250}.{n % 250}")
                    outcome = "in"
                except KBError as exc:
                    outcome = type(exc).__name__ + (" (locked)" if "locked" in str(exc) else "")
                outcomes[outcome] = outcomes.get(outcome, 0) + 1

        threads = [threading.Thread(target=guess, args=(n,)) for n in range(args.guessers)]
        for t in threads:
            t.start()
        time.sleep(args.seconds / 3)
        waits = {}
        for name, password, client in (("bo", "bo's long password", "192.168.5.5"),
                                       ("ada", "ada's long password", "192.168.5.6")):
            t0 = time.monotonic()
            try:
                kb.accounts.authenticate(name, password, client=client)
                waits[name] = {"signed_in": True, "seconds": round(time.monotonic() - t0, 2)}
            except KBError as exc:
                waits[name] = {"signed_in": False, "seconds": round(time.monotonic() - t0, 2), "why": str(exc)}
        for t in threads:
            t.join()
        passwords.verify = real  # type: ignore[assignment]
        t0 = time.perf_counter()
        for _ in range(5):
            real(passwords.HASHER.hash("x" * 12), "y" * 12)
        report = {"guessers": args.guessers, "seconds": round(time.monotonic() - started, 1), "attempts": outcomes,
                  "wrong_passwords_compared": compared["wrong"], "lock_after": kb.accounts.max_failures,
                  "colleague_bo": waits["bo"], "owner_ada_while_locked": waits["ada"],
                  "argon2id_hash_and_verify_ms": round((time.perf_counter() - t0) / 5 * 1000)}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
