"""What both clients are made of: endpoints, credentials, timeouts, retries."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from journeyapi import __version__
from journeyapi.client.auth import ClientCredentials, credentials_from
from journeyapi.client.regions import Endpoints, endpoints
from journeyapi.client.retries import RetryPolicy

DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class ClientSettings:
    endpoints: Endpoints
    credentials: ClientCredentials | None
    access_token: str | None
    timeout: httpx.Timeout
    retry: RetryPolicy
    headers: dict[str, str]

    @classmethod
    def build(
        cls,
        *,
        base_url: str | None,
        region: str | None,
        client_id: str | None,
        client_secret: str | None,
        access_token: str | None,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy | None,
    ) -> ClientSettings:
        return cls(
            endpoints=endpoints(base_url=base_url, region=region),
            credentials=credentials_from(client_id, client_secret, access_token),
            access_token=access_token,
            timeout=timeout
            if isinstance(timeout, httpx.Timeout)
            else httpx.Timeout(timeout),
            retry=retry or RetryPolicy(),
            headers={
                "Accept": "application/json",
                "User-Agent": f"journeyapi-client/{__version__}",
            },
        )

    def request_headers(self, token: str, has_body: bool) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {token}"}
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers
