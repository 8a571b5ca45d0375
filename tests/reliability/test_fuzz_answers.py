"""Whatever a network answers, an adapter either understands it or raises a `PublishError`.

Hypothesis throws arbitrary statuses, headers and JSON (or not-JSON) bodies at each adapter's
create and upload requests, and at adding an account (its verification calls). Anything but a
`PublishedPart` / `UploadedMedia` / `VerifiedAccount` or one of Outpost's own errors (told to
the person in plain words) is a crash waiting to happen in a person's queue or Add account. The network is an in-process
`httpx.MockTransport` here (thousands of answers; the transport is not what is under test).
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outpost.adapters.base import (
    AccountContext,
    AddAccountRequest,
    NetworkAdapter,
    PartRequest,
    UploadedMedia,
    VerifiedAccount,
)
from outpost.adapters.bluesky import BlueskyAdapter
from outpost.adapters.linkedin import LinkedInAdapter
from outpost.adapters.mastodon import MastodonAdapter
from outpost.adapters.x import XAdapter
from outpost.domain.enums import Network
from outpost.domain.errors import KnownError, PublishError
from outpost.domain.models import Account, MediaAsset, PublishedPart
from tests.fakes import FakeClock

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=12,
)
# Bodies near the real shapes find more than pure noise: the keys adapters look for, wrong types.
plausible = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values,
        "data": st.dictionaries(st.sampled_from(["id", "text", "processing_info"]), json_values, max_size=3)
        | json_values,
        "uri": json_values,
        "cid": json_values,
        "blob": json_values,
        "value": json_values,
        "url": json_values,
        "status": json_values,
        "error": json_values,
        "message": json_values,
        "username": json_values,
        "name": json_values,
        "sub": json_values,
        "did": json_values,
        "handle": json_values,
        "elements": st.lists(
            st.dictionaries(st.sampled_from(["organization", "organizationName"]), json_values, max_size=2),
            max_size=2,
        )
        | json_values,
    },
)
bodies = st.one_of(plausible.map(json.dumps), json_values.map(json.dumps), st.text(max_size=40), st.just(""))
statuses = st.sampled_from([200, 201, 202, 204, 400, 401, 403, 404, 409, 413, 422, 426, 429, 500, 502, 503])
headers = st.dictionaries(
    st.sampled_from(
        [
            "retry-after",
            "x-rate-limit-reset",
            "x-rate-limit-remaining",
            "x-ratelimit-reset",
            "x-restli-id",
            "ratelimit-reset",
            "etag",
        ]
    ),
    st.text(alphabet="0123456789abc:-TZ ", max_size=12),
    max_size=3,
)


class _Vault:
    def __init__(self, credentials: dict[str, str]) -> None:
        self.credentials = credentials

    async def read(self, ref: str) -> dict[str, str] | None:
        return dict(self.credentials)

    async def write(self, ref: str, credentials: dict[str, str]) -> None:
        self.credentials = dict(credentials)


ACCOUNTS: dict[Network, tuple[Callable[..., NetworkAdapter], dict[str, Any], dict[str, str]]] = {
    Network.MASTODON: (
        functools.partial(MastodonAdapter, media_poll_s=0, media_poll_max_s=0.05),
        {"service_url": "https://masto.example", "handle": "alice@masto.example"},
        {"access_token": "t"},
    ),
    Network.BLUESKY: (
        functools.partial(BlueskyAdapter, fetch_cards=False),
        {"service_url": "https://pds.example", "handle": "alice.example"},
        {
            "access_jwt": "a",
            "refresh_jwt": "r",
            "did": "did:plc:alice",
            "handle": "alice.example",
            "pds": "https://pds.example",
            "app_password": "p",
        },
    ),
    Network.X: (
        functools.partial(XAdapter, poll_scale=0, reply_retry_s=0),
        {"handle": "alice", "target_id": "1"},
        {"access_token": "t"},
    ),
    Network.LINKEDIN: (
        functools.partial(LinkedInAdapter, poll_s=0),
        {"handle": "alice", "target_id": "urn:li:person:abc"},
        {"access_token": "t"},
    ),
}


# A person adding each account with what they hold (tokens made elsewhere for X and LinkedIn;
# LinkedIn with a page, so the page checks are fuzzed too).
ADD_REQUESTS = {
    Network.MASTODON: AddAccountRequest(service_url="https://masto.example", access_token="t"),
    Network.BLUESKY: AddAccountRequest(
        service_url="https://pds.example", handle="alice.example", app_password="aaaa-bbbb-cccc-dddd"
    ),
    Network.X: AddAccountRequest(access_token="t"),
    Network.LINKEDIN: AddAccountRequest(access_token="t", target_id="urn:li:organization:2414183"),
}


def _context(network: Network, fields: dict[str, Any], credentials: dict[str, str]) -> AccountContext:
    account = Account(id="acc_1", network=network, secret_ref="ref", created_at=datetime.now(UTC), **fields)
    return AccountContext(account, _Vault(credentials), asyncio.Lock())


def _run(network: Network, answer: httpx.Response, action: str, tmp: Path) -> object:
    make, fields, credentials = ACCOUNTS[network]

    async def scenario() -> object:
        transport = httpx.MockTransport(lambda request: answer)
        async with httpx.AsyncClient(transport=transport) as client:
            adapter = make(client, clock=FakeClock())
            ctx = _context(network, fields, credentials)
            if action == "add":
                return await adapter.add_account(ADD_REQUESTS[network])
            if action == "publish":
                part = PartRequest(index=0, text="hello", media=(), options={}, idempotency_key="k-0")
                return await adapter.publish(ctx, part)
            media = MediaAsset(id="med_1", path=str(tmp), mime_type="image/png", size=tmp.stat().st_size,
                               width=1, height=1, kind="image")  # fmt: skip
            return await adapter.upload_media(ctx, media)

    return asyncio.run(asyncio.wait_for(scenario(), 10))


def _fuzz(network: Network, action: str, tmp_path: Path) -> None:
    image = tmp_path / "one.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(status=statuses, body=bodies, extra=headers)
    def check(status: int, body: str, extra: dict[str, str]) -> None:
        answer = httpx.Response(status, text=body, headers={"content-type": "application/json", **extra})
        try:
            result = _run(network, answer, action, image)
        except PublishError:
            return
        except KnownError:
            assert action == "add"  # adding an account may refuse in other plain words (e.g. the page)
            return
        assert isinstance(result, PublishedPart | UploadedMedia | VerifiedAccount)

    check()


@pytest.mark.parametrize("network", list(ACCOUNTS), ids=lambda network: network.value)
def test_answers(network: Network, tmp_path: Path) -> None:
    for action in ("publish", "upload", "add"):
        _fuzz(network, action, tmp_path)
