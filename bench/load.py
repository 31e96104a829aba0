"""Load: the eight Journey API operations from many concurrent clients at once.

Starts ``journeyapi serve --demo`` on loopback (a fresh SQLite file unless
``--database`` names another), gives every client a token of its own, and lets
the clients send a mix of the eight operations of the API for the given time
(or until the request cap). Prints throughput, p50 and p99 latency per
operation, and the errors: any answer other than the expected 2xx, or a broken
connection. 429s are counted apart (they are the rate limit doing its job; the
default limit of this run is high enough that none should appear).

    python bench/load.py [--clients 200] [--duration 60] [--max-requests N]
        [--database URL] [--rate-limit N]

A benchmark, not a test; the suite runs a few seconds of it as a smoke test.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder heads sys.path, and bench/http.py would
# hide the standard library's ``http`` from everything imported below.
_here = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _here]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import httpx  # noqa: E402

from journeyapi.auth.permissions import ALL_PERMISSIONS  # noqa: E402
from journeyapi.config import Settings  # noqa: E402
from journeyapi.services import Services  # noqa: E402
from journeyapi.storage import migrate  # noqa: E402

WEEK = "2020-11-02T00:00:00Z/2020-11-09T00:00:00Z"

Request = tuple[str, str, Any]


@dataclass
class Fixture:
    """The ids the operations use, made once before the clients start."""

    targets: list[str]
    contacts: list[str]
    sessions: list[str]
    segments: list[str]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    too_many: int = 0
    sent: int = 0
    examples: list[str] = field(default_factory=list)


def operations(
    fixture: Fixture, chance: random.Random
) -> dict[str, Callable[[], Request]]:
    def target() -> str:
        return chance.choice(fixture.targets)

    def contact() -> str:
        return chance.choice(fixture.contacts)

    return {
        "GET actiontarget": lambda: (
            "GET",
            f"/api/v2/journey/actiontargets/{target()}",
            None,
        ),
        "GET actiontargets": lambda: ("GET", "/api/v2/journey/actiontargets", None),
        "GET customer segments": lambda: (
            "GET",
            f"/api/v2/journey/customers/cookie/load-{contact()[:8]}/segments",
            None,
        ),
        "GET contact segments": lambda: (
            "GET",
            f"/api/v2/journey/externalcontacts/{contact()}/segments",
            None,
        ),
        "GET session segments": lambda: (
            "GET",
            f"/api/v2/journey/sessions/{chance.choice(fixture.sessions)}/segments",
            None,
        ),
        "PATCH actiontarget": lambda: (
            "PATCH",
            f"/api/v2/journey/actiontargets/{target()}",
            {"description": f"load {chance.randrange(10**6)}"},
        ),
        "POST aggregates query": lambda: (
            "POST",
            "/api/v2/analytics/journeys/aggregates/query",
            {
                "interval": WEEK,
                "granularity": "P1D",
                "metrics": ["nJourneySessions", "nWebActionsOffered"],
                "groupBy": ["journeyDeviceCategory"],
            },
        ),
        "POST contact segments": lambda: (
            "POST",
            f"/api/v2/journey/externalcontacts/{contact()}/segments",
            [
                {
                    "segmentId": chance.choice(fixture.segments),
                    "state": chance.choice(["Assigned", "Unassigned"]),
                }
            ],
        ),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    database_url: str, port: int, rate_limit: int
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "JOURNEYAPI_RATE_LIMIT_PER_MINUTE": str(rate_limit)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "journeyapi",
            "serve",
            "--demo",
            "--port",
            str(port),
            "--database",
            database_url,
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/docs/swagger"):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start within 60 s")


def tokens(database_url: str, count: int) -> list[str]:
    migrate.upgrade(database_url)
    services = Services.build(Settings(database_url=database_url))
    try:
        created = services.auth.create_client("load", permissions=ALL_PERMISSIONS)
        return [
            services.auth.issue_token(created.client_id, 86400).access_token
            for _ in range(count)
        ]
    finally:
        services.close()


def prepare(base_url: str, token: str) -> Fixture:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as http:
        targets = [
            entity["id"]
            for entity in http.get("/api/v2/journey/actiontargets").json()["entities"]
        ]
        segments = []
        for index in range(5):
            made = http.post(
                "/api/v2/journey/segments",
                json={"displayName": f"Load {index}", "scope": "Customer"},
            )
            made.raise_for_status()
            segments.append(made.json()["id"])
        contacts, sessions = [], []
        for index in range(20):
            contact = http.post(
                "/api/v2/externalcontacts/contacts",
                json={"firstName": "Load", "workEmail": f"load{index}@example.com"},
            )
            contact.raise_for_status()
            contacts.append(contact.json()["id"])
            session = http.post(
                "/api/v2/journey/sessions",
                json={
                    "type": "web",
                    "customer": {"idType": "cookie", "id": f"s{index}"},
                },
            )
            session.raise_for_status()
            sessions.append(session.json()["id"])
    return Fixture(targets, contacts, sessions, segments)


async def client(
    base_url: str,
    token: str,
    fixture: Fixture,
    seed: int,
    deadline: float,
    cap: int,
    tally: Tally,
) -> None:
    chance = random.Random(seed)
    mix = operations(fixture, chance)
    names = list(mix)
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as http:
        while time.monotonic() < deadline and tally.sent < cap:
            name = chance.choice(names)
            method, path, body = mix[name]()
            tally.sent += 1
            started = time.perf_counter()
            try:
                answer = await http.request(method, path, json=body)
                status = answer.status_code
            except httpx.HTTPError as exc:
                status = 0
                if len(tally.examples) < 5:
                    tally.examples.append(f"{name}: {type(exc).__name__}")
            took = time.perf_counter() - started
            if 200 <= status < 300:
                tally.latencies.setdefault(name, []).append(took)
            elif status == 429:
                tally.too_many += 1
            else:
                tally.errors[name] = tally.errors.get(name, 0) + 1
                if status and len(tally.examples) < 5:
                    tally.examples.append(f"{name}: {status} {answer.text[:200]}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(tally: Tally, elapsed: float, clients: int) -> None:
    answered = sum(len(values) for values in tally.latencies.values())
    errors = sum(tally.errors.values())
    print(f"{clients} clients, {elapsed:.1f} s, {tally.sent} requests")
    print(f"throughput: {answered / elapsed:.0f} successful requests/s")
    print(f"{'operation':<24} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for name in sorted(set(tally.latencies) | set(tally.errors)):
        values = tally.latencies.get(name, [])
        p50 = percentile(values, 0.5) * 1000 if values else float("nan")
        p99 = percentile(values, 0.99) * 1000 if values else float("nan")
        print(
            f"{name:<24} {len(values):>7} {len(values) / elapsed:>7.1f}"
            f" {p50:>8.1f} {p99:>8.1f}"
        )
    print(f"errors: {errors}")
    print(f"429 (rate limited): {tally.too_many}")
    for example in tally.examples:
        print(f"  e.g. {example}")


async def drive(
    base_url: str, all_tokens: list[str], fixture: Fixture, duration: float, cap: int
) -> tuple[Tally, float]:
    tally = Tally()
    started = time.monotonic()
    deadline = started + duration
    await asyncio.gather(
        *(
            client(base_url, token, fixture, seed, deadline, cap, tally)
            for seed, token in enumerate(all_tokens)
        )
    )
    return tally, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--database", help="default: a fresh SQLite file")
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=100_000,
        help="requests per minute per token (each client has its own token)",
    )
    args = parser.parse_args()
    if args.duration > 600 or args.clients > 1000:
        parser.error("at most 600 s and 1000 clients: this is a bounded benchmark")

    with tempfile.TemporaryDirectory() as folder:
        database_url = args.database or f"sqlite:///{Path(folder) / 'load.db'}"
        all_tokens = tokens(database_url, args.clients + 1)
        port = free_port()
        server = start_server(database_url, port, args.rate_limit)
        base_url = f"http://127.0.0.1:{port}"
        try:
            fixture = prepare(base_url, all_tokens[-1])
            tally, elapsed = asyncio.run(
                drive(
                    base_url, all_tokens[:-1], fixture, args.duration, args.max_requests
                )
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    report(tally, elapsed, args.clients)
    sys.exit(1 if sum(tally.errors.values()) else 0)


if __name__ == "__main__":
    main()
