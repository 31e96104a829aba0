"""The application factory."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.middleware.cors import CORSMiddleware

from journeyapi import __version__
from journeyapi.actiontargets.routes import router as action_target_routes
from journeyapi.analytics.routes import router as analytics_routes
from journeyapi.auth.routes import router as oauth_routes
from journeyapi.clock import Clock
from journeyapi.config import Settings
from journeyapi.faults.files import read_faults
from journeyapi.faults.routes import router as fault_routes
from journeyapi.http import errors
from journeyapi.http.faults import FaultInjectionMiddleware
from journeyapi.http.limits import RequestLimitsMiddleware
from journeyapi.http.middleware import RequestContextMiddleware
from journeyapi.http.openapi import finish_document
from journeyapi.segments.expiry import sweep_forever
from journeyapi.segments.routes import router as segment_routes
from journeyapi.services import Services
from journeyapi.storage import migrate

DESCRIPTION = (
    "A self-hosted implementation of the Genesys Cloud Journey API (Predictive"
    " Engagement, late 2020). Every `/api/v2` operation needs a bearer token from"
    " `POST /oauth/token`; errors come as the Genesys `ErrorBody`."
)


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    services = Services.build(settings, clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate.upgrade(settings.database_url)
        if settings.faults_file is not None:
            services.faults.replace(read_faults(settings.faults_file))
        relay = asyncio.create_task(
            services.analytics.relay.run_periodically(
                settings.events_relay_interval_seconds
            )
        )
        sweep = None
        if settings.expiry_sweep_seconds > 0:
            sweep = asyncio.create_task(
                sweep_forever(services.assignments, settings.expiry_sweep_seconds)
            )
        yield
        for task in (relay, sweep):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await asyncio.to_thread(services.analytics.relay.stop)
        services.close()

    # The docs page comes with Swagger UI's files instead of loading them from a
    # CDN: journeyapi often runs where there is no internet.
    app = FastAPIOffline(
        title="journeyapi",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/v2/docs/swagger",
        docs_url="/api/v2/docs",
        static_url="/api/v2/docs/static",
        redoc_url=None,
        lifespan=lifespan,
        separate_input_output_schemas=False,
        # A body sent without a Content-Type is read as JSON (a body naming
        # another type is refused with 415 by the routes that take one).
        strict_content_type=False,
        # Genesys answers a path with a trailing slash, or an empty id, with its
        # error body; a redirect to the listing would hide the mistake.
        redirect_slashes=False,
    )
    app.state.services = services
    errors.install(app)
    app.include_router(oauth_routes)
    app.include_router(action_target_routes)
    app.include_router(analytics_routes)
    app.include_router(segment_routes)
    app.include_router(fault_routes)
    # Added innermost first: a request meets the correlation id, then CORS,
    # then any injected fault, then the size limits, then its route.
    app.add_middleware(RequestLimitsMiddleware, limits=services.limits)
    app.add_middleware(FaultInjectionMiddleware, faults=services.faults)
    if settings.cors_allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_allowed_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "ININ-Correlation-Id"],
            expose_headers=[
                "ININ-Correlation-Id",
                "inin-ratelimit-count",
                "inin-ratelimit-allowed",
                "inin-ratelimit-reset",
                "Retry-After",
            ],
            max_age=600,
        )
    app.add_middleware(RequestContextMiddleware)
    _document_openapi(app)
    return app


def _document_openapi(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish_document(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app_from_environment() -> FastAPI:
    """Entry point for ``uvicorn --factory``: settings from ``JOURNEYAPI_*``."""
    return create_app(Settings())
