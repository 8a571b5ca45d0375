"""Whatever Bluesky's video service answers, a video upload ends in the blob or a `PublishError`.

Hypothesis draws an answer for each of the service's calls (limits, upload, job status: the
shapes it really uses and arbitrary ones, any status); the PDS grants tokens. Anything but an
`UploadedMedia` with a usable blob, or one of Outpost's errors told in plain words, would be a
crash in someone's queue. In-process transport: thousands of answers, the sockets are not under
test (tests/contract/test_bluesky_video.py runs them over loopback).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outpost.adapters.base import AccountContext, UploadedMedia
from outpost.adapters.bluesky import BlueskyAdapter
from outpost.domain.enums import Network
from outpost.domain.errors import PublishError
from outpost.domain.models import Account, MediaAsset
from tests.fakes import FakeClock

values = st.none() | st.booleans() | st.integers(-5, 10**12) | st.text(max_size=12)
blobs = st.fixed_dictionaries(
    {
        "$type": st.just("blob"),
        "ref": st.fixed_dictionaries({"$link": values}),
        "mimeType": values,
        "size": values,
    }
)
statuses = st.fixed_dictionaries(
    {},
    optional={
        "jobId": st.sampled_from(["job1", "", "other"]) | values,
        "did": values,
        "state": st.sampled_from(
            ["JOB_STATE_CREATED", "JOB_STATE_ENCODING", "JOB_STATE_COMPLETED", "JOB_STATE_FAILED"]
        )
        | values,
        "blob": blobs | values,
        "error": st.sampled_from(
            ["already_exists", "unconfirmed_email", "User has exceeded daily upload videos limit"]
        )
        | values,
        "message": values,
        "failureCode": st.sampled_from(["validation_failure", "encoding_failure"]) | values,
        "canUpload": values,
        "remainingDailyVideos": values,
        "remainingDailyBytes": values,
    },
)
bodies = st.one_of(
    statuses.map(json.dumps),
    statuses.map(lambda s: json.dumps({"jobStatus": s})),
    st.text(max_size=20),
)
answers = st.tuples(st.sampled_from([200, 400, 401, 409, 413, 429, 500]), bodies)


class _Vault:
    async def read(self, ref: str) -> dict[str, str]:
        return {
            "access_jwt": "a",
            "refresh_jwt": "r",
            "did": "did:plc:alice",
            "handle": "a",
            "pds": "https://pds.example",
        }

    async def write(self, ref: str, credentials: dict[str, str]) -> None:
        raise AssertionError("no session renewal here")


def _upload(
    clip: Path, limits: tuple[int, str], upload: tuple[int, str], jobs: list[tuple[int, str]]
) -> object:
    polls = iter(jobs)

    def network(request: httpx.Request) -> httpx.Response:
        nsid = request.url.path.removeprefix("/xrpc/")
        if nsid == "com.atproto.server.getServiceAuth":
            return httpx.Response(200, json={"token": "t"})
        status, body = {
            "app.bsky.video.getUploadLimits": limits,
            "app.bsky.video.uploadVideo": upload,
        }.get(nsid) or next(polls, (500, ""))
        return httpx.Response(status, text=body, headers={"content-type": "application/json"})

    async def scenario() -> object:
        async with httpx.AsyncClient(transport=httpx.MockTransport(network)) as client:
            adapter = BlueskyAdapter(client, clock=FakeClock(), video_poll_s=0, video_poll_max_s=0.05)
            account = Account(
                id="acc_1", network=Network.BLUESKY, handle="a", service_url="https://pds.example",
                secret_ref="r", created_at=datetime.now(UTC),
            )  # fmt: skip
            media = MediaAsset(
                id="med_1", path=str(clip), mime_type="video/mp4", size=clip.stat().st_size,
                width=2, height=2, kind="video", sha256="ab" * 32,
            )  # fmt: skip
            return await adapter.upload_media(AccountContext(account, _Vault(), asyncio.Lock()), media)

    return asyncio.run(asyncio.wait_for(scenario(), 10))


def test_any_answer_of_the_video_service(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\0\0\0\x18ftypmp42" + b"\0" * 64)
    good_limits = (
        200,
        json.dumps({"canUpload": True, "remainingDailyVideos": 3, "remainingDailyBytes": 10**9}),
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        limits=st.one_of(st.just(good_limits), answers),
        upload=answers,
        jobs=st.lists(answers, max_size=3),
    )
    def check(limits: tuple[int, str], upload: tuple[int, str], jobs: list[tuple[int, str]]) -> None:
        try:
            result = _upload(clip, limits, upload, jobs)
        except PublishError as error:
            assert str(error).strip() and "Traceback" not in str(error)
            return
        assert isinstance(result, UploadedMedia)
        blob: dict[str, Any] = json.loads(result.extra["blob"])
        assert isinstance(blob["ref"]["$link"], str) and blob["ref"]["$link"] == result.remote_id

    check()
