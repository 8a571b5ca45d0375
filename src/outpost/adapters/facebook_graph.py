"""One way to call Facebook's Graph API: the pinned version, the token in a header, errors mapped.

Every Facebook request of Outpost goes through `Graph.call`, so the version lives in one place
(`GRAPH_VERSION`), tokens never appear in URLs (they would reach logs through httpx's request
lines), and every error answer becomes an Outpost error through `facebook_errors.graph_error`.
"""

from __future__ import annotations

import os
from typing import Any

import httpx

from outpost.adapters.facebook_errors import graph_error
from outpost.adapters.http import api_base, send
from outpost.domain.clock import Clock
from outpost.domain.enums import Network

#: The Graph API version Outpost speaks. Meta keeps a version for about two years and then quietly
#: answers with the oldest one still alive; move it forward here, in one place (§3.6: "Latest Graph
#: API Version: v25.0").
GRAPH_VERSION = "v25.0"
API_URL = "https://graph.facebook.com"
#: The host Reels bytes go to (`upload_url` of `video_reels?upload_phase=start`).
UPLOAD_URL = "https://rupload.facebook.com"


def upload_base() -> str | None:
    """`OUTPOST_UPLOAD_URL_FACEBOOK` if set (INTERFACE.md: Facebook's `rupload` host), else None."""
    value = os.environ.get("OUTPOST_UPLOAD_URL_FACEBOOK", "").rstrip("/")
    return value or None


class Graph:
    """Requests to the Graph API for one adapter (its client, clock and API address)."""

    def __init__(self, client: httpx.AsyncClient, clock: Clock, api: str | None = None) -> None:
        self.client = client
        self.clock = clock
        self.api = (api or api_base(Network.FACEBOOK, API_URL)).rstrip("/")

    def url(self, path: str, base: str | None = None) -> str:
        """The versioned address of `path` (at `base`, the sandbox's simulated API, if given)."""
        return f"{(base or self.api).rstrip('/')}/{GRAPH_VERSION}{path}"

    async def call(
        self, method: str, path: str, token: str | None, *, base: str | None = None, **content: Any
    ) -> httpx.Response:
        """`method path` with `token` (None: an unauthenticated call such as the code exchange).

        Raises:
            PublishError: the matching Outpost error (`facebook_errors.graph_error`); a connection
                that broke is `NetworkUnavailable` from `http.send`.
        """
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        request = self.client.build_request(method, self.url(path, base), headers=headers, **content)
        return await self.send(request)

    async def send(self, request: httpx.Request) -> httpx.Response:
        """Send a request already built (an upload to another host), mapping errors the same way."""
        response = await send(self.client, request, network=Network.FACEBOOK, clock=self.clock, check=False)
        if response.is_success:
            return response
        raise graph_error(response, now=self.clock.now())
