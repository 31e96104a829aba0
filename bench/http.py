"""HTTP throughput of the database-backed action target GET against constant JSON.

Starts one server process on loopback (the same app, middleware and uvicorn
settings for both endpoints), loads the demo data, and drives both endpoints in
alternating rounds with wrk:

- ``GET /api/v2/journey/actiontargets/{id}``: token check plus a primary-key read;
- ``GET /bench/constant``: the same ~400-byte target as prebuilt JSON, no token.

Prints requests per second, p50 and p99 latency of each, and the ratio of the
medians. With ``--compare-workers`` it instead drives the database-backed GET on
``journeyapi serve --workers 1`` and ``--workers 2`` side by side (PostgreSQL
only) and prints the ratio of 2 workers to 1. Needs ``wrk`` (Debian package
``wrk``). A benchmark, not a test.

    python bench/http.py [--duration 5] [--rounds 3] [--connections 64]
        [--database URL] [--compare-workers]
"""

import sys
from pathlib import Path

# Run as a script, this file's folder heads sys.path, and this file's name
# would hide the standard library's ``http`` from everything imported below.
_here = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _here]

import argparse  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from dataclasses import dataclass  # noqa: E402

# High enough never to refuse a benchmark request, so the limiter's counting is
# measured without its 429s.
RATE_LIMIT = 1_000_000_000

SERVER = """
import sys
import uvicorn
from fastapi import Response
from journeyapi.config import Settings
from journeyapi.http.app import create_app

url, port, body = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
# The rate limiter counts every request, as in production, but never refuses.
app = create_app(Settings(database_url=url, rate_limit_per_minute=RATE_LIMIT))

@app.get("/bench/constant")
async def constant() -> Response:
    return Response(body, media_type="application/json")

uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
""".replace("RATE_LIMIT", str(RATE_LIMIT))


@dataclass
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--database", help="database URL (default: a new SQLite file)", default=None
    )
    parser.add_argument(
        "--compare-workers",
        action="store_true",
        help="1 worker against 2 on the DB-backed GET (needs a postgresql:// URL)",
    )
    options = parser.parse_args()

    if shutil.which("wrk") is None:
        sys.exit("bench/http.py needs wrk: apt-get install wrk")
    if options.compare_workers:
        compare_workers(options)
        return

    with tempfile.TemporaryDirectory() as folder:
        url = options.database or f"sqlite:///{folder}/bench.db"
        token, target_id, body = prepare(url)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, url, str(port), body],
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base}/api/v2/docs/swagger")
            report(options, base, token, target_id, len(body))
        finally:
            server.terminate()
            server.wait(timeout=10)


def compare_workers(options: argparse.Namespace) -> None:
    url = options.database or ""
    if not url.startswith("postgresql"):
        sys.exit("--compare-workers needs --database postgresql://...")
    token, target_id, _ = prepare(url)
    path = f"/api/v2/journey/actiontargets/{target_id}"
    headers = ["-H", f"Authorization: Bearer {token}"]

    servers = {}
    for workers in (1, 2):
        port = free_port()
        servers[workers] = (
            port,
            subprocess.Popen(
                [sys.executable, "-m", "journeyapi", "serve", "--port", str(port)]
                + ["--database", url, "--workers", str(workers)]
                + ["--no-access-log", "--log-level", "warning"],
                env={**os.environ, "JOURNEYAPI_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT)},
            ),
        )
    try:
        for port, _process in servers.values():
            wait_until_up(f"http://127.0.0.1:{port}/api/v2/docs/swagger")
            wrk(f"http://127.0.0.1:{port}{path}", headers, options, duration=1)

        runs: dict[int, list[Run]] = {1: [], 2: []}
        for _ in range(options.rounds):
            for workers, (port, _process) in servers.items():
                target = f"http://127.0.0.1:{port}{path}"
                runs[workers].append(wrk(target, headers, options, options.duration))
    finally:
        for _port, process in servers.values():
            process.terminate()
            process.wait(timeout=15)

    print(
        f"DB-backed GET on {make_safe(url)}, wrk -t{options.threads}"
        f" -c{options.connections} -d{options.duration}s, {options.rounds} rounds:"
    )
    medians = {}
    for workers, results in runs.items():
        medians[workers] = statistics.median(r.requests_per_second for r in results)
        p99 = statistics.median(r.p99_ms for r in results)
        every = ", ".join(f"{r.requests_per_second:.0f}" for r in results)
        print(
            f"  {workers} worker(s)  {medians[workers]:8.0f} req/s"
            f"   p99 {p99:6.2f} ms   (runs: {every})"
        )
    print(f"  ratio 2 workers / 1: {medians[2] / medians[1]:.2f} (target >= 1.60)")


def make_safe(url: str) -> str:
    """The URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def prepare(url: str) -> tuple[str, str, str]:
    from journeyapi.config import Settings
    from journeyapi.demo import DEMO_CLIENT_ID, demo_action_targets, load_demo
    from journeyapi.services import Services
    from journeyapi.storage import migrate

    migrate.upgrade(url)
    services = Services.build(Settings(database_url=url))
    load_demo(services)
    token = services.auth.issue_token(DEMO_CLIENT_ID, 86400).access_token
    target = services.action_targets.get(str(demo_action_targets()[0].id))
    services.close()
    return token, str(target.id), target.to_json().decode()


def report(
    options: argparse.Namespace, base: str, token: str, target_id: str, size: int
) -> None:
    endpoints = {
        "constant JSON": (f"{base}/bench/constant", []),
        "DB-backed GET": (
            f"{base}/api/v2/journey/actiontargets/{target_id}",
            ["-H", f"Authorization: Bearer {token}"],
        ),
    }
    for url, headers in endpoints.values():
        wrk(url, headers, options, duration=1)  # warm-up

    runs: dict[str, list[Run]] = {name: [] for name in endpoints}
    for _ in range(options.rounds):
        for name, (url, headers) in endpoints.items():
            runs[name].append(wrk(url, headers, options, options.duration))

    print(
        f"wrk -t{options.threads} -c{options.connections} -d{options.duration}s,"
        f" {options.rounds} rounds, body {size} bytes, medians:"
    )
    medians = {}
    for name, results in runs.items():
        rps = statistics.median(run.requests_per_second for run in results)
        p50 = statistics.median(run.p50_ms for run in results)
        p99 = statistics.median(run.p99_ms for run in results)
        medians[name] = rps
        every = ", ".join(f"{run.requests_per_second:.0f}" for run in results)
        print(
            f"  {name:14} {rps:8.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms"
            f"   (runs: {every})"
        )
    ratio = medians["DB-backed GET"] / medians["constant JSON"]
    print(f"  ratio DB-backed / constant: {ratio:.2f} (target >= 0.60)")


def wrk(
    url: str, headers: list[str], options: argparse.Namespace, duration: int
) -> Run:
    command = [
        "wrk",
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{duration}s",
        "--latency",
        *headers,
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"wrk saw error answers from {url}:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    return Run(rps, latency(output, "50%"), latency(output, "99%"))


def latency(output: str, percentile: str) -> float:
    found = re.search(rf"^\s*{percentile}\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    if found is None:
        return float("nan")
    value, unit = float(found.group(1)), found.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not answer at {url} within {timeout} s")


if __name__ == "__main__":
    main()
