"""HTTP routes of action targets: parse, call the service, serialise."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from journeyapi.auth.permissions import (
    ACTION_TARGET_ADD,
    ACTION_TARGET_DELETE,
    ACTION_TARGET_EDIT,
    ACTION_TARGET_VIEW,
)
from journeyapi.http.dependencies import Caller, QueryInt, json_content, requires
from journeyapi.http.openapi import error_responses
from journeyapi.http.responses import wire
from journeyapi.models.actiontargets import (
    ActionTarget,
    ActionTargetListing,
    PatchActionTarget,
)
from journeyapi.paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_NUMBER,
    MAX_PAGE_SIZE,
    PageRequest,
    page_listing,
)

router = APIRouter(prefix="/api/v2/journey/actiontargets", tags=["Journey"])
PATH = "/api/v2/journey/actiontargets"


@router.get(
    "/{actionTargetId}",
    response_model=ActionTarget,
    operation_id="getJourneyActiontarget",
    summary="Retrieve a single action target.",
    responses=error_responses(401, 403, 404, 429),
)
async def get_action_target(
    actionTargetId: str, caller: Annotated[Caller, requires(ACTION_TARGET_VIEW)]
) -> Response:
    return wire(caller.services.action_targets.get(actionTargetId))


@router.get(
    "",
    response_model=ActionTargetListing,
    operation_id="getJourneyActiontargets",
    summary="Retrieve all action targets, a page at a time, in name order.",
    responses=error_responses(400, 401, 403, 429),
)
async def list_action_targets(
    caller: Annotated[Caller, requires(ACTION_TARGET_VIEW)],
    pageNumber: Annotated[
        QueryInt, Query(ge=1, le=MAX_PAGE_NUMBER, description="Page number, from 1.")
    ] = 1,
    pageSize: Annotated[
        QueryInt, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")
    ] = DEFAULT_PAGE_SIZE,
) -> Response:
    page = PageRequest(number=pageNumber, size=pageSize)
    entities, total = caller.services.action_targets.list_page(page)
    return wire(page_listing(ActionTargetListing, entities, PATH, page, total))


@router.patch(
    "/{actionTargetId}",
    response_model=ActionTarget,
    operation_id="patchJourneyActiontarget",
    summary="Update a single action target.",
    description=(
        "A partial update: only `name`, `serviceLevel` and `shortAbandonThreshold`"
        " are written, and only when present; `serviceLevel` is replaced whole."
        " Read-only and unknown properties are ignored."
    ),
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 404, 413, 415, 429),
)
async def patch_action_target(
    actionTargetId: str,
    caller: Annotated[Caller, requires(ACTION_TARGET_EDIT)],
    body: Annotated[PatchActionTarget | None, Body()] = None,
) -> Response:
    return wire(caller.services.action_targets.patch(actionTargetId, body))


@router.post(
    "",
    response_model=ActionTarget,
    status_code=201,
    operation_id="postJourneyActiontargets",
    summary="Create an action target (journeyapi extension).",
    description=(
        "Genesys creates action targets from routing queues; journeyapi lets an"
        " administrator provision them. `id` is generated unless given."
    ),
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 409, 413, 415, 429),
)
async def create_action_target(
    caller: Annotated[Caller, requires(ACTION_TARGET_ADD)],
    body: Annotated[ActionTarget | None, Body()] = None,
) -> Response:
    return wire(caller.services.action_targets.create(body), status_code=201)


@router.delete(
    "/{actionTargetId}",
    status_code=204,
    operation_id="deleteJourneyActiontarget",
    summary="Delete an action target (journeyapi extension).",
    description=(
        "Marks the target `deleted`, as Genesys does when its queue is removed;"
        " it stays readable. With `hard=true` it is removed entirely."
    ),
    responses=error_responses(401, 403, 404, 429),
)
async def delete_action_target(
    actionTargetId: str,
    caller: Annotated[Caller, requires(ACTION_TARGET_DELETE)],
    hard: Annotated[bool, Query(description="Remove instead of mark.")] = False,
) -> Response:
    caller.services.action_targets.delete(actionTargetId, hard=hard)
    return Response(status_code=204)
