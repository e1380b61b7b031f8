"""Load test of the running app: `kb serve` on 127.0.0.1 driven by real Streamlit sessions over its websocket.

Each session is a client of Streamlit's own protocol (the messages its browser page sends and receives): it asks
for the search page with a practitioner's query in the URL, as a visitor opening a shared search link does, and
times the first result card arriving (and the run finishing). Levels of 1, 5 and 20 concurrent sessions, then a
hostile visitor: the most expensive search the limits let through, repeated in a loop while five sessions search,
against the same five sessions searching in quiet, in one run.

    python scripts/benchmark_app_load.py --home KB_HOME [--rounds 3] [--out test-output/app-load.json]

Prints the Markdown table of docs/benchmarks.md and writes every number to --out.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ["labour exploitation in agriculture", "loverboys", "schadevergoeding voor slachtoffers",
           "signs of grooming and sextortion online", "hotline reports of sex trafficking",
           "how do school resource officers identify victims", "uitbuiting in de prostitutie",
           "debt bondage of migrant workers", "reflection period for victims", "case studies of forced labour"]
_WORDS = ("trafficking victims exploitation labour agriculture shelter police identification compensation "
          "prosecution grooming hotline migrants recruitment debt").split()
HOSTILE = {
    # the kind of query (a long repetition), at 120 KB: refused at once by max_query_chars
    "long query": {"q": "trafficking " * 10_000, "mode": "hybrid"},
    # the costliest search the default limits accept: 100 words, ~1,000 characters, 200 result cards
    "costliest accepted": {"q": " ".join(_WORDS[n % len(_WORDS)] + str(n // len(_WORDS) or "")
                                         for n in range(100)), "mode": "hybrid", "n": "200"},
}


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path, port: int, root: Path = ROOT) -> subprocess.Popen:
    """`kb serve` of the checkout at root, on 127.0.0.1, once its health check answers."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "--home", str(home), "serve", "--port", str(port)],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"kb serve did not start: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")


class Session:
    """One visitor's browser session: a websocket to the app speaking Streamlit's protocol."""

    def __init__(self, port: int):
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.socket: Any = None

    async def __aenter__(self) -> "Session":
        self.socket = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                               origin=self.url.replace("ws://", "http://").rsplit("/_stcore", 1)[0])
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.socket.close()

    async def search(self, params: dict[str, str]) -> dict[str, Any]:
        """Open the page with these URL parameters: seconds to the first result card and to the run's end, and
        whether the page showed an error or an exception."""
        message = BackMsg()
        message.rerun_script.query_string = urlencode(params)
        message.rerun_script.page_script_hash = ""
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        first, error = None, False
        while True:
            raw = await asyncio.wait_for(self.socket.recv(), timeout=300)
            if first is None and b"kb-card" in raw:
                first = time.perf_counter() - started
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                error |= element.WhichOneof("type") == "exception" or (
                    element.WhichOneof("type") == "alert" and element.alert.format == element.alert.ERROR)
            if kind == "script_finished":
                return {"first": first, "done": time.perf_counter() - started, "error": error or first is None}


async def visitor(port: int, queries: list[str], rounds: int, out: list[dict[str, Any]], mode: str) -> None:
    """One session searching every query `rounds` times, one after another (each a fresh page of results)."""
    async with Session(port) as session:
        for _ in range(rounds):
            for query in queries:
                result = await session.search({"q": query, "mode": mode})
                out.append({**result, "query": query})


async def hostile(port: int, params: dict[str, str], stop: asyncio.Event, out: list[dict[str, Any]]) -> None:
    """A hostile search, again and again until stopped."""
    async with Session(port) as session:
        while not stop.is_set():
            out.append(await session.search(params))


async def level(port: int, sessions: int, rounds: int, mode: str,
                attack: dict[str, str] | None = None) -> dict[str, Any]:
    """`sessions` visitors at once (each starting at another query), with a hostile loop beside them."""
    results: list[dict[str, Any]] = []
    hostile_results: list[dict[str, Any]] = []
    stop = asyncio.Event()
    attackers = [asyncio.create_task(hostile(port, attack, stop, hostile_results))] if attack else []
    if attackers:
        await asyncio.sleep(2.0)  # the hostile searches are under way before the visitors arrive
    started = time.perf_counter()
    await asyncio.gather(*(visitor(port, QUERIES[n % len(QUERIES):] + QUERIES[:n % len(QUERIES)], rounds, results,
                                   mode) for n in range(sessions)))
    wall = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*attackers)
    return summarise(results, wall) | {"sessions": sessions, "hostile": hostile_summary(hostile_results)}


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def summarise(results: list[dict[str, Any]], wall: float) -> dict[str, Any]:
    """p50/p95 of the time to the first result and to the run's end, searches per second, errors."""
    firsts = [r["first"] for r in results if r["first"] is not None]
    dones = [r["done"] for r in results]
    return {"searches": len(results), "errors": sum(r["error"] for r in results),
            "first_p50": percentile(firsts, 0.5) if firsts else None,
            "first_p95": percentile(firsts, 0.95) if firsts else None,
            "done_p50": percentile(dones, 0.5), "done_p95": percentile(dones, 0.95),
            "per_second": len(results) / wall if wall else 0.0}


def hostile_summary(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """How many hostile searches ran and how long each took."""
    if not results:
        return None
    return {"searches": len(results), "done_median": round(statistics.median(r["done"] for r in results), 3),
            "with_results": sum(1 for r in results if r["first"] is not None),
            "refused_or_error": sum(1 for r in results if r["error"])}


def table(runs: list[tuple[str, dict[str, Any]]]) -> str:
    """The Markdown table of docs/benchmarks.md."""
    lines = ["| run | sessions | searches | errors | first result p50 | p95 | page done p50 | p95 | searches/s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, r in runs:
        lines.append(f"| {name} | {r['sessions']} | {r['searches']} | {r['errors']} | {r['first_p50']:.2f} s | "
                     f"{r['first_p95']:.2f} s | {r['done_p50']:.2f} s | {r['done_p95']:.2f} s | "
                     f"{r['per_second']:.1f} |")
    return "\n".join(lines)


async def measure(port: int, rounds: int, mode: str, levels: list[int],
                  attacks: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """Warm-up, then every level and each hostile case beside five visitors, in one run of the server."""
    await level(port, 1, 1, mode)  # every query once: the caches of a server that has run a while
    runs = [(f"{n} concurrent", await level(port, n, rounds, mode)) for n in levels]
    for name in attacks:
        runs.append(("5 concurrent, quiet", await level(port, 5, rounds, mode)))
        runs.append((f"5 concurrent + hostile loop ({name})", await level(port, 5, rounds, mode, HOSTILE[name])))
    return runs


def main() -> None:
    """Run the load test against a knowledge base and report it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, type=Path, help="An ingested knowledge base (e.g. a few realdocs).")
    parser.add_argument("--rounds", type=int, default=2, help="Times each session runs the query list.")
    parser.add_argument("--mode", default="hybrid", help="Search mode of the visitors' searches.")
    parser.add_argument("--levels", default="1,5,20", help="Numbers of concurrent sessions.")
    parser.add_argument("--hostile", action="append", choices=sorted(HOSTILE),
                        help="Hostile case(s) to run beside five sessions (default: all).")
    parser.add_argument("--app-root", type=Path, default=ROOT,
                        help="The atkb checkout whose `kb serve` runs (another version, to compare).")
    parser.add_argument("--out", type=Path, default=ROOT / "test-output" / "app-load.json")
    args = parser.parse_args()
    port = free_port()
    server = start_server(args.home, port, args.app_root)
    try:
        load_before = os.getloadavg()
        runs = asyncio.run(measure(port, args.rounds, args.mode, [int(n) for n in args.levels.split(",") if n],
                                   args.hostile or sorted(HOSTILE)))
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=60)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {"runs": [{"run": name, **run} for name, run in runs], "app_root": str(args.app_root),
              "load_average_before": load_before, "load_average_after": load_after,
              "cpus": os.cpu_count(), "mode": args.mode, "queries": QUERIES,
              "hostile": {name: {**params, "q": params["q"][:80] + f"… ({len(params['q'])} characters)"}
                          for name, params in HOSTILE.items()}}
    args.out.write_text(json.dumps(report, indent=2))
    print(table(runs))
    print(f"\nload average before {load_before[0]:.2f}, after {load_after[0]:.2f} on {os.cpu_count()} CPUs")
    for name, run in runs:
        if run["hostile"]:
            print(f"{name}: hostile searches {run['hostile']}")


if __name__ == "__main__":
    main()
