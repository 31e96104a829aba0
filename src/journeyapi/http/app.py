"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from journeyapi import __version__
from journeyapi.actiontargets.routes import router as action_target_routes
from journeyapi.auth.routes import router as oauth_routes
from journeyapi.clock import Clock
from journeyapi.config import Settings
from journeyapi.http import errors
from journeyapi.http.middleware import RequestContextMiddleware
from journeyapi.http.openapi import without_framework_errors
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
        yield
        services.close()

    app = FastAPI(
        title="journeyapi",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/v2/docs/swagger",
        docs_url="/api/v2/docs",
        redoc_url=None,
        lifespan=lifespan,
        separate_input_output_schemas=False,
    )
    app.state.services = services
    errors.install(app)
    app.include_router(oauth_routes)
    app.include_router(action_target_routes)
    app.add_middleware(RequestContextMiddleware)
    _document_openapi(app)
    return app


def _document_openapi(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = without_framework_errors(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app_from_environment() -> FastAPI:
    """Entry point for ``uvicorn --factory``: settings from ``JOURNEYAPI_*``."""
    return create_app(Settings())
