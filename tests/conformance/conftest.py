"""A real server process on a free port, with the demo data, for the SDK to call."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.databases import PostgresDatabases, sqlite_url

STARTUP_SECONDS = 120


@dataclass(frozen=True)
class RunningServer:
    base_url: str
    database_url: str
    pid: int

    def cli(self, *args: str) -> str:
        """Run a ``journeyapi`` command against this server's database."""
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "journeyapi",
                *args,
                "--database",
                self.database_url,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return completed.stdout

    def create_client(self, *permissions: str) -> tuple[str, str]:
        args = ["clients", "create", "--name", "conformance", "--json"]
        for permission in permissions:
            args += ["--permission", permission]
        created = json.loads(self.cli(*args))
        return created["clientId"], created["clientSecret"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    # Start-up loads the demo data (tens of thousands of journey events), which
    # takes a while on a busy machine, most of all into PostgreSQL.
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server exited early with code {process.returncode}"
            )
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer at {url} within {STARTUP_SECONDS} s")


@contextmanager
def running_server(database_url: str, *extra: str) -> Iterator[RunningServer]:
    """``journeyapi serve --demo`` on a free port, stopped on the way out."""
    port = _free_port()
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
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base_url}/api/v2/docs/swagger", process)
        yield RunningServer(base_url, database_url, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture(scope="session")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    backend: str,
    request: pytest.FixtureRequest,
) -> Iterator[RunningServer]:
    folder: Path = tmp_path_factory.mktemp("server")
    if backend == "postgresql":
        made: PostgresDatabases = request.getfixturevalue("postgres_databases")
        database_url = made.new()
    else:
        database_url = sqlite_url(folder, "conformance.db")
    with running_server(database_url) as started:
        yield started
