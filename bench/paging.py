"""Cursor paging benchmark: page 1 against page 500 of an assignment listing.

Makes one external contact with N customer-scoped assignments (default 20,000,
written straight to the store), walks the HTTP listing with pageSize 25 once to
learn the cursor of page 500, then fetches page 1 and page 500 alternately,
through the ASGI app in process, and prints both medians and their ratio. Keyset
paging means the ratio stays near 1 however deep the page. The machine may be
shared: absolute figures are noisy, the ratio of one run is what counts.

    python bench/paging.py [--assignments 20000] [--repeat 51]
        [--database postgresql://127.0.0.1:5432/bench]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder heads sys.path, and bench/http.py would
# hide the standard library's ``http`` from everything imported below.
_here = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _here]

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from typing import Any  # noqa: E402

from fastapi.testclient import TestClient  # noqa: E402

from journeyapi.auth.permissions import ALL_PERMISSIONS  # noqa: E402
from journeyapi.config import Settings  # noqa: E402
from journeyapi.http.app import create_app  # noqa: E402
from journeyapi.models.externalcontacts import ExternalContact  # noqa: E402
from journeyapi.services import Services  # noqa: E402

PAGE_SIZE = 25
DEEP_PAGE = 500
START_MS = 1_767_614_400_000  # 2026-01-05T12:00:00Z


def fill(services: Services, contact: str, customer: str, count: int) -> None:
    """``count`` segments and one assignment of each, a second apart."""
    segments: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    for index in range(count):
        segment_id = str(uuid.uuid4())
        at = START_MS + index * 1000
        segments.append(
            {
                "id": segment_id, "display_name": f"S{index:05d}", "description": None,
                "color": None, "scope": "Customer", "is_active": 1,
                "should_display_to_agent": 0, "assignment_expiration_days": 365,
                "version": 1, "created_ms": at, "modified_ms": at,
            }
        )  # fmt: skip
        assignments.append(
            {
                "id": str(uuid.uuid4()), "segment_id": segment_id, "subject": customer,
                "scope": "Customer", "segment_version": 1, "customer": customer,
                "customer_id_type": "externalContactId", "customer_id": contact,
                "session_id": None, "external_contact_id": contact,
                "state": "Assigned", "assigned_ms": at, "unassigned_ms": None,
                "modified_ms": at, "expires_ms": at + 365 * 86_400_000,
            }
        )  # fmt: skip
    columns = ", ".join(segments[0])
    with services.db.transaction():
        services.db.execute_many(
            f"INSERT INTO segments ({columns}) VALUES"
            f" ({', '.join(':' + name for name in segments[0])})",
            segments,
        )
        services.db.execute_many(
            f"INSERT INTO segment_assignments ({', '.join(assignments[0])}) VALUES"
            f" ({', '.join(':' + name for name in assignments[0])})",
            assignments,
        )


def timed(client: TestClient, uri: str, headers: dict[str, str]) -> float:
    began = time.perf_counter()
    response = client.get(uri, headers=headers)
    elapsed = time.perf_counter() - began
    assert response.status_code == 200, response.text
    assert len(response.json()["entities"]) == PAGE_SIZE
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignments", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=51)
    parser.add_argument("--database", default=None, help="default: a temporary SQLite")
    args = parser.parse_args()
    if args.assignments < DEEP_PAGE * PAGE_SIZE:
        parser.error(f"--assignments must be at least {DEEP_PAGE * PAGE_SIZE}")

    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'bench.db'}"
        settings = Settings(database_url=url, expiry_sweep_seconds=0)
        app = create_app(settings)
        with TestClient(app) as client:
            services: Services = app.state.services
            made = services.auth.create_client("bench", permissions=ALL_PERMISSIONS)
            token = services.auth.issue_token(made.client_id, 3600).access_token
            headers = {"Authorization": f"Bearer {token}"}
            contact = services.external_contacts.create(ExternalContact(first_name="B"))
            assert contact.id is not None
            customer = services.external_contacts.customer_of(contact.id)
            began = time.perf_counter()
            fill(services, contact.id, customer, args.assignments)
            print(f"stored {args.assignments} assignments in "
                  f"{time.perf_counter() - began:.1f} s")  # fmt: skip

            first = (
                f"/api/v2/journey/externalcontacts/{contact.id}/segments"
                f"?pageSize={PAGE_SIZE}"
            )
            uri = first
            began = time.perf_counter()
            for _ in range(DEEP_PAGE - 1):
                uri = client.get(uri, headers=headers).json()["nextUri"]
            print(f"walked to page {DEEP_PAGE} in {time.perf_counter() - began:.1f} s")

            shallow: list[float] = []
            deep: list[float] = []
            for _ in range(args.repeat):
                shallow.append(timed(client, first, headers))
                deep.append(timed(client, uri, headers))

    page_1 = statistics.median(shallow) * 1000
    page_500 = statistics.median(deep) * 1000
    print(f"backend {url.split(':', 1)[0]}, {args.assignments} assignments, "
          f"pageSize {PAGE_SIZE}, {args.repeat} rounds")  # fmt: skip
    print(f"page 1 median:   {page_1:.2f} ms")
    print(f"page {DEEP_PAGE} median: {page_500:.2f} ms")
    print(f"ratio page {DEEP_PAGE} / page 1: {page_500 / page_1:.2f}")


if __name__ == "__main__":
    main()
