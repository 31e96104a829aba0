"""HTTP routes that manage injected faults (a journeyapi extension)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Response

from journeyapi.auth.permissions import FAULT_EDIT
from journeyapi.errors import BadRequest
from journeyapi.faults.service import ADMIN_PATH
from journeyapi.http.dependencies import Caller, json_content, requires
from journeyapi.http.openapi import error_responses
from journeyapi.http.responses import wire
from journeyapi.models.faults import Fault, FaultListing

router = APIRouter(prefix=ADMIN_PATH, tags=["Fault injection (journeyapi)"])


class MissingFaultBody(BadRequest):
    template = "The request needs a JSON body: a fault, or a list of faults."


@router.get(
    "",
    response_model=FaultListing,
    operation_id="getJourneyapiFaults",
    summary="The faults in force, with how often each matched and fired.",
    responses=error_responses(401, 403, 429),
)
async def list_faults(caller: Annotated[Caller, requires(FAULT_EDIT)]) -> Response:
    return wire(FaultListing(entities=caller.services.faults.list_faults()))


@router.put(
    "",
    response_model=FaultListing,
    operation_id="putJourneyapiFaults",
    summary="Replace every fault with the given list (`[]` removes them all).",
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 413, 415, 429),
)
async def replace_faults(
    caller: Annotated[Caller, requires(FAULT_EDIT)],
    body: Annotated[list[Fault] | None, Body()] = None,
) -> Response:
    if body is None:
        raise MissingFaultBody()
    return wire(FaultListing(entities=caller.services.faults.replace(body)))


@router.post(
    "",
    response_model=Fault,
    status_code=201,
    operation_id="postJourneyapiFaults",
    summary="Add a fault, tried after the ones in force.",
    dependencies=[json_content],
    responses=error_responses(400, 401, 403, 413, 415, 429),
)
async def add_fault(
    caller: Annotated[Caller, requires(FAULT_EDIT)],
    body: Annotated[Fault | None, Body()] = None,
) -> Response:
    if body is None:
        raise MissingFaultBody()
    return wire(caller.services.faults.add(body), status_code=201)


@router.delete(
    "/{faultId}",
    status_code=204,
    operation_id="deleteJourneyapiFault",
    summary="Remove one fault.",
    responses=error_responses(401, 403, 404, 429),
)
async def remove_fault(
    faultId: str, caller: Annotated[Caller, requires(FAULT_EDIT)]
) -> Response:
    caller.services.faults.remove(faultId)
    return Response(status_code=204)


@router.delete(
    "",
    status_code=204,
    operation_id="deleteJourneyapiFaults",
    summary="Remove every fault.",
    responses=error_responses(401, 403, 429),
)
async def clear_faults(caller: Annotated[Caller, requires(FAULT_EDIT)]) -> Response:
    caller.services.faults.clear()
    return Response(status_code=204)
