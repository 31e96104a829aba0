"""Where the API lives: a journeyapi server, or a Genesys Cloud region.

Genesys serves the API at ``https://api.{region}`` and logins at
``https://login.{region}/oauth/token``; a journeyapi server serves both at its
base URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from journeyapi.client.errors import InvalidRequestError

# Region host -> the AWS region it runs in, which people also call it by.
REGIONS: dict[str, str] = {
    "mypurecloud.com": "us-east-1",
    "use2.us-gov-pure.cloud": "us-east-2",
    "usw2.pure.cloud": "us-west-2",
    "cac1.pure.cloud": "ca-central-1",
    "sae1.pure.cloud": "sa-east-1",
    "mypurecloud.ie": "eu-west-1",
    "euw2.pure.cloud": "eu-west-2",
    "mypurecloud.de": "eu-central-1",
    "euc2.pure.cloud": "eu-central-2",
    "mec1.pure.cloud": "me-central-1",
    "aps1.pure.cloud": "ap-south-1",
    "mypurecloud.jp": "ap-northeast-1",
    "apne2.pure.cloud": "ap-northeast-2",
    "apne3.pure.cloud": "ap-northeast-3",
    "mypurecloud.com.au": "ap-southeast-2",
}

_BY_AWS_NAME = {aws: host for host, aws in REGIONS.items()}


@dataclass(frozen=True)
class Endpoints:
    """The API base URL and the OAuth token URL of one deployment."""

    api_url: str
    token_url: str


def region_host(region: str) -> str:
    """The region host for a host (``mypurecloud.ie``) or AWS name (``eu-west-1``)."""
    wanted = region.strip().lower()
    if wanted in REGIONS:
        return wanted
    if wanted in _BY_AWS_NAME:
        return _BY_AWS_NAME[wanted]
    raise InvalidRequestError(
        "region",
        region,
        "known regions are " + ", ".join(sorted(REGIONS)) + " (or their AWS names"
        " such as eu-west-1); for another deployment pass base_url",
    )


def endpoints(*, base_url: str | None, region: str | None) -> Endpoints:
    """The endpoints for exactly one of ``base_url`` and ``region``."""
    if (base_url is None) == (region is None):
        raise InvalidRequestError(
            "base_url/region",
            (base_url, region),
            "pass exactly one: base_url for a journeyapi server, region for"
            " Genesys Cloud",
        )

    if region is not None:
        host = region_host(region)
        return Endpoints(f"https://api.{host}", f"https://login.{host}/oauth/token")

    assert base_url is not None
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidRequestError(
            "base_url",
            base_url,
            "an http:// or https:// URL such as http://127.0.0.1:8080",
        )
    api_url = base_url.rstrip("/")
    # A Genesys-style API host logs in at its login. sibling, as the official
    # SDK does; any other host (a journeyapi server) serves the token itself.
    if parts.netloc.startswith("api."):
        login = f"{parts.scheme}://login.{parts.netloc[4:]}"
        return Endpoints(api_url, f"{login}/oauth/token")
    return Endpoints(api_url, f"{api_url}/oauth/token")
