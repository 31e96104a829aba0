"""The client's public surface: names, async twins, typing, its few dependencies."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import journeyapi.client as client_package
from journeyapi.client import AsyncJourneyApi, JourneyApi

PUBLIC = {
    "NO_RETRIES",
    "REGIONS",
    "UNSET",
    "ActionTarget",
    "ActionTargetListing",
    "ActionTargetState",
    "AggregationRange",
    "ApiStatusError",
    "AssignmentState",
    "AsyncJourneyApi",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "Endpoints",
    "ErrorBody",
    "InvalidRequestError",
    "JourneyAggregateQueryClause",
    "JourneyAggregateQueryFilter",
    "JourneyAggregateQueryPredicate",
    "JourneyAggregateQueryResponse",
    "JourneyAggregationQuery",
    "JourneyAggregationView",
    "JourneyApi",
    "JourneyApiError",
    "JourneyDimension",
    "JourneyMetric",
    "LoginError",
    "MediaType",
    "NotFoundError",
    "NumericRange",
    "PagingError",
    "PatchActionTarget",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeout",
    "RetryPolicy",
    "SegmentAssignment",
    "SegmentAssignmentListing",
    "SegmentAssignmentsUpdate",
    "SegmentScope",
    "ServerError",
    "ServiceLevel",
    "TransportError",
    "UnexpectedResponse",
    "Unset",
    "action_target_patch",
    "format_utc",
    "interval",
    "parse_instant",
}

OPERATIONS = {
    "get_journey_actiontarget",
    "get_journey_actiontargets",
    "get_journey_customer_customer_id_segments",
    "get_journey_externalcontact_segments",
    "get_journey_session_segments",
    "patch_journey_actiontarget",
    "post_analytics_journeys_aggregates_query",
    "post_journey_externalcontact_segments",
}


def public_methods(kind: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(kind, inspect.isfunction)
        if not name.startswith("_")
    }


def test_all_lists_exactly_the_public_names() -> None:
    assert set(client_package.__all__) == PUBLIC
    assert len(client_package.__all__) == len(PUBLIC)
    for name in PUBLIC:
        assert getattr(client_package, name) is not None


def test_the_eight_operations_have_the_official_sdk_names() -> None:
    assert set(public_methods(JourneyApi)) >= OPERATIONS
    assert list(
        inspect.signature(
            JourneyApi.get_journey_customer_customer_id_segments
        ).parameters
    ) == [
        "self",
        "customer_id_type",
        "customer_id",
        "page_size",
        "after",
        "segment_scope",
        "assignment_state",
    ]
    listing = inspect.signature(JourneyApi.get_journey_actiontargets).parameters
    assert (listing["page_number"].default, listing["page_size"].default) == (1, 25)


def test_every_sync_method_has_an_async_twin_with_the_same_signature() -> None:
    sync = public_methods(JourneyApi)
    twins = public_methods(AsyncJourneyApi)

    assert set(sync) == set(twins)
    assert len(sync) == 11  # the eight operations, two paging helpers, close
    for name, signature in sync.items():
        twin = twins[name]
        assert list(signature.parameters.values()) == list(twin.parameters.values()), (
            name
        )
        method = getattr(AsyncJourneyApi, name)
        assert inspect.iscoroutinefunction(method) or inspect.isasyncgenfunction(
            method
        ), name


def test_the_constructors_take_the_same_options() -> None:
    sync = inspect.signature(JourneyApi.__init__).parameters
    twin = inspect.signature(AsyncJourneyApi.__init__).parameters

    assert list(sync) == list(twin)
    assert list(sync)[1:6] == [
        "base_url",
        "region",
        "client_id",
        "client_secret",
        "access_token",
    ]


def test_the_package_is_typed() -> None:
    assert (Path(client_package.__file__).parent / "py.typed").is_file()


BLOCKER = """
import sys
from importlib.abc import MetaPathFinder

SERVER_ONLY = {"fastapi", "starlette", "sqlalchemy", "alembic", "click", "duckdb",
               "uvicorn", "yaml", "pydantic_settings", "argon2"}

class Refuse(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in SERVER_ONLY:
            raise ImportError(f"{name} is not part of the core install")
        return None

sys.meta_path.insert(0, Refuse())
import journeyapi.client
from journeyapi.client import JourneyApi
api = JourneyApi(base_url="http://127.0.0.1:1", access_token="t")
api.close()
loaded = sorted(m for m in sys.modules if m.split(".")[0] in SERVER_ONLY)
print("loaded:", loaded)
"""


def test_the_client_imports_without_the_server_dependencies() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", BLOCKER],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "loaded: []\n"


def test_the_blocker_does_block() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            BLOCKER.replace("import journeyapi.client", "import click"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert completed.returncode == 1
    assert "click is not part of the core install" in completed.stderr
