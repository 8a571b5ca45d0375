"""Sending a video file to the upload address TikTok handed out, chunk by chunk, in order.

The media transfer guide (developers.tiktok.com/doc/content-posting-api-media-transfer-guide):
`PUT {upload_url}` with the chunk's `Content-Type`, `Content-Length` and `Content-Range: bytes
FIRST-LAST/TOTAL`; TikTok answers 206 while chunks are missing and 201 once the file is whole.
The address is used exactly as given (it carries its own upload token, so no bearer token goes
with it), and chunks are read from disk one at a time, so memory holds at most one.
"""

from __future__ import annotations

import asyncio

import httpx

from outpost.adapters.base import Progress
from outpost.adapters.http import send, server_message
from outpost.adapters.tiktok_errors import upload_error
from outpost.adapters.tiktok_rules import ChunkPlan
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.errors import PublishError, ServerError
from outpost.domain.models import MediaAsset


async def send_file(
    client: httpx.AsyncClient,
    clock: Clock,
    video: MediaAsset,
    plan: ChunkPlan,
    upload_url: str,
    progress: Progress | None = None,
) -> PublishError | None:
    """Send every chunk of `video`; None once TikTok has the whole file.

    Before the last chunk TikTok cannot publish anything, so a failure there is raised as safe
    to retry (`may_have_taken_effect` False). When the last chunk's answer is lost (a broken
    connection, a 5xx) TikTok may or may not have the file: that error is returned, not raised,
    for the caller to settle by asking TikTok how many bytes it has.
    """
    ranges = plan.ranges()
    with open(video.path, "rb") as handle:  # noqa: ASYNC230 - reads happen in a thread below
        for index, (first, last) in enumerate(ranges):
            final = index == len(ranges) - 1
            handle.seek(first)
            data = await asyncio.to_thread(handle.read, last - first + 1)
            headers = {"Content-Type": video.mime_type, "Content-Range": f"bytes {first}-{last}/{plan.size}"}
            request = client.build_request("PUT", upload_url, content=data, headers=headers)
            try:
                response = await send(client, request, network=Network.TIKTOK, clock=clock, check=False)
            except PublishError as exc:
                if final:
                    return exc
                exc.may_have_taken_effect = False
                raise
            if final and response.status_code >= 500:
                return ServerError(
                    f"TikTok answered the last piece of the file with HTTP {response.status_code}."
                )
            if not response.is_success:
                raise upload_error(response.status_code, server_message(response) or "", last=final)
            if progress is not None:
                progress(last + 1, plan.size)
    return None


__all__ = ["send_file"]
