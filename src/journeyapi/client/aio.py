"""``AsyncJourneyApi``: the eight Journey API operations as coroutines."""

from __future__ import annotations

import asyncio
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Mapping,
    Sequence,
)
from types import TracebackType
from typing import Any, TypeVar

import httpx

from journeyapi.client import operations
from journeyapi.client.auth import TokenCache, read_login_response
from journeyapi.client.errors import (
    RequestTimeout,
    TransportError,
    error_from_response,
)
from journeyapi.client.operations import Call
from journeyapi.client.paging import CursorTrail, next_page_number
from journeyapi.client.retries import RetryPolicy
from journeyapi.client.settings import DEFAULT_TIMEOUT, ClientSettings
from journeyapi.models.actiontargets import (
    ActionTarget,
    ActionTargetListing,
    PatchActionTarget,
)
from journeyapi.models.analytics import (
    JourneyAggregateQueryResponse,
    JourneyAggregationQuery,
)
from journeyapi.models.segments import (
    AssignmentState,
    SegmentAssignment,
    SegmentAssignmentListing,
    SegmentAssignmentsUpdate,
    SegmentScope,
)

T = TypeVar("T")


class AsyncJourneyApi:
    """The Journey API of a journeyapi server (``base_url``) or of Genesys Cloud
    (``region``), logged in with client credentials or given an ``access_token``.

    The same methods as ``JourneyApi``, as coroutines; the paging helpers are
    async iterators. Use it as an async context manager, or await ``close()``.
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        region: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        access_token: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = ClientSettings.build(
            base_url=base_url,
            region=region,
            client_id=client_id,
            client_secret=client_secret,
            access_token=access_token,
            timeout=timeout,
            retry=retry,
        )
        self._tokens = TokenCache(clock, fixed=access_token)
        self._token_lock = asyncio.Lock()
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            timeout=self._settings.timeout,
            headers=self._settings.headers,
            transport=transport,
        )

    @property
    def api_url(self) -> str:
        return self._settings.endpoints.api_url

    @property
    def token_url(self) -> str:
        return self._settings.endpoints.token_url

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncJourneyApi:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.close()

    # The eight operations.

    async def get_journey_actiontarget(self, action_target_id: str) -> ActionTarget:
        """Retrieve a single action target."""
        return await self._run(operations.get_action_target(action_target_id))

    async def get_journey_actiontargets(
        self, page_number: int = 1, page_size: int = 25
    ) -> ActionTargetListing:
        """Retrieve one page of action targets."""
        return await self._run(operations.get_action_targets(page_number, page_size))

    async def patch_journey_actiontarget(
        self, action_target_id: str, body: PatchActionTarget | Mapping[str, Any]
    ) -> ActionTarget:
        """Update an action target: only the fields set in ``body`` change."""
        return await self._run(operations.patch_action_target(action_target_id, body))

    async def get_journey_customer_customer_id_segments(
        self,
        customer_id_type: str,
        customer_id: str,
        page_size: int | str | None = None,
        after: str | None = None,
        segment_scope: str | SegmentScope | None = None,
        assignment_state: str | AssignmentState | None = None,
    ) -> SegmentAssignmentListing:
        """Retrieve segment assignments by customer id."""
        return await self._run(
            operations.get_customer_segments(
                customer_id_type,
                customer_id,
                page_size,
                after,
                segment_scope,
                assignment_state,
            )
        )

    async def get_journey_externalcontact_segments(
        self,
        external_contact_id: str,
        page_size: int | str | None = None,
        after: str | None = None,
        segment_scope: str | SegmentScope | None = None,
        assignment_state: str | AssignmentState | None = None,
    ) -> SegmentAssignmentListing:
        """Retrieve segment assignments by external contact id."""
        return await self._run(
            operations.get_external_contact_segments(
                external_contact_id, page_size, after, segment_scope, assignment_state
            )
        )

    async def get_journey_session_segments(
        self,
        session_id: str,
        page_size: int | str | None = None,
        after: str | None = None,
        segment_scope: str | SegmentScope | None = None,
        assignment_state: str | AssignmentState | None = None,
    ) -> SegmentAssignmentListing:
        """Retrieve segment assignments by session id."""
        return await self._run(
            operations.get_session_segments(
                session_id, page_size, after, segment_scope, assignment_state
            )
        )

    async def post_journey_externalcontact_segments(
        self,
        external_contact_id: str,
        body: Sequence[SegmentAssignmentsUpdate | Mapping[str, Any]],
    ) -> None:
        """Assign or unassign segments of an external contact (204, no body)."""
        await self._run(
            operations.post_external_contact_segments(external_contact_id, body)
        )

    async def post_analytics_journeys_aggregates_query(
        self, body: JourneyAggregationQuery | Mapping[str, Any]
    ) -> JourneyAggregateQueryResponse:
        """Query for journey aggregates."""
        return await self._run(operations.post_aggregates_query(body))

    # Paging helpers.

    async def iter_action_targets(
        self, page_size: int = 25
    ) -> AsyncIterator[ActionTarget]:
        """Every action target, walking the pages in order."""
        page_number: int | None = 1
        while page_number is not None:
            listing = await self.get_journey_actiontargets(page_number, page_size)
            for target in listing.entities or ():
                yield target
            page_number = next_page_number(listing, page_number)

    async def iter_segment_assignments(
        self,
        *,
        customer_id_type: str | None = None,
        customer_id: str | None = None,
        external_contact_id: str | None = None,
        session_id: str | None = None,
        page_size: int | str | None = None,
        segment_scope: str | SegmentScope | None = None,
        assignment_state: str | AssignmentState | None = None,
    ) -> AsyncIterator[SegmentAssignment]:
        """Every assignment of one owner, following the ``after`` cursor."""
        page = operations.segment_listing(
            customer_id_type=customer_id_type,
            customer_id=customer_id,
            external_contact_id=external_contact_id,
            session_id=session_id,
            page_size=page_size,
            segment_scope=segment_scope,
            assignment_state=assignment_state,
        )
        trail = CursorTrail()
        after: str | None = None
        while True:
            listing = await self._run(page(after))
            for assignment in listing.entities or ():
                yield assignment
            after = trail.next_cursor(listing)
            if after is None:
                return

    # Sending.

    async def _run(self, call: Call[T]) -> T:
        token = await self._token()
        response = await self._send(call, token)
        if response.status_code == 401 and not self._tokens.fixed:
            # The token may have been revoked or the server restarted: one new
            # login, one more try.
            self._tokens.forget(token)
            response = await self._send(call, await self._token())
        if not response.is_success:
            raise error_from_response(response)
        return call.read(response)

    async def _send(self, call: Call[Any], token: str) -> httpx.Response:
        content = call.content()
        request = self._http.build_request(
            call.method,
            self._settings.endpoints.api_url + call.path,
            params=dict(call.params),
            content=content,
            headers=self._settings.request_headers(token, content is not None),
        )
        return await self._retrying(request, call.idempotent)

    async def _token(self) -> str:
        async with self._token_lock:
            token = self._tokens.usable()
            if token is not None:
                return token
            credentials = self._settings.credentials
            assert credentials is not None, "a fixed token is always usable"
            request = credentials.login_request(self._settings.endpoints.token_url)
            # A second token request is harmless, so it is retried like a GET.
            answer = read_login_response(await self._retrying(request, idempotent=True))
            return self._tokens.store(answer)

    async def _retrying(
        self, request: httpx.Request, idempotent: bool
    ) -> httpx.Response:
        policy = self._settings.retry
        attempt, waited = 1, 0.0
        while True:
            response: httpx.Response | None = None
            failure: TransportError | None = None
            try:
                response = await self._http.send(request)
            except httpx.TimeoutException as exc:
                failure = RequestTimeout(
                    f"no answer in time ({exc.__class__.__name__})",
                    method=request.method,
                    url=str(request.url),
                )
                failure.__cause__ = exc
            except httpx.TransportError as exc:
                failure = TransportError(
                    str(exc) or exc.__class__.__name__,
                    method=request.method,
                    url=str(request.url),
                )
                failure.__cause__ = exc

            wait = policy.delay(
                attempt=attempt,
                waited=waited,
                idempotent=idempotent,
                response=response,
            )
            if wait is None:
                if response is None:
                    assert failure is not None
                    raise failure
                return response
            await self._sleep(wait)
            waited += wait
            attempt += 1
