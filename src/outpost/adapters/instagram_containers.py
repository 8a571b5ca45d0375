"""Instagram's containers: what `publish` makes (and waits for) before the one `media_publish`.

From Meta's content-publishing guide and the IG User media / IG Container references: a picture is
`image_url` (+ `alt_text`), a Reel `media_type=REELS` + `video_url` (+ `share_to_feed`,
`cover_url` or `thumb_offset`), a story `media_type=STORIES` + `image_url` or `video_url`, a
carousel one item container per file (`is_carousel_item=true`; videos `media_type=VIDEO`), each
FINISHED, then `media_type=CAROUSEL` + `children`. Caption and collaborators go on the container
that is published, never on carousel items. A container's `status_code` is IN_PROGRESS, FINISHED,
ERROR (its `status` says why), EXPIRED (24 hours) or PUBLISHED; publishing before FINISHED fails.
Making containers publishes nothing, so every failure here is safe to retry.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Protocol

import httpx

from outpost.adapters import instagram_errors
from outpost.adapters.base import AccountContext, PartRequest, UploadedMedia
from outpost.adapters.http import read_id
from outpost.adapters.instagram_rules import content_type
from outpost.domain.enums import Network
from outpost.domain.errors import ServerError

POLL_S = 3.0  # between status checks (Meta: pictures are ready at once, videos take minutes)
PROCESSING_MAX_S = 900.0


class Graph(Protocol):
    """The adapter's authorised Graph requests, as containers need them."""

    async def call(self, ctx: AccountContext, method: str, path: str, **content: Any) -> httpx.Response:
        """A request with the account's token."""

    async def status(self, ctx: AccountContext, container: str) -> dict[str, Any]:
        """A container's `status_code` and `status`."""


class Containers:
    """Makes a post's containers and waits until each is FINISHED (one `publish` call's work)."""

    def __init__(self, graph: Graph, ctx: AccountContext, user_id: str, *, poll_s: float) -> None:
        self._graph = graph
        self._poll_s = poll_s
        self._ctx = ctx
        self._user_id = user_id

    async def prepare(self, part: PartRequest) -> str:
        """The id of the container to publish, FINISHED."""
        kind, media = content_type(part.options), part.media
        videos = [m for m in media if m.asset.kind == "video"]
        if kind == "story":
            return await self._single({**_url_of(media[0]), "media_type": "STORIES"}, media[0])
        if kind == "reels" or (len(media) == 1 and videos):
            return await self._single(self._reel(part, videos[0]), videos[0])
        if len(media) == 1:
            return await self._single({**self._post_fields(part), **_url_of(media[0], alt=True)}, media[0])
        children = [await self._create({"is_carousel_item": "true", **_url_of(m, alt=True)}) for m in media]
        for child, item in zip(children, media, strict=True):
            await self._wait(child, item.asset.kind == "video")
        carousel = {"media_type": "CAROUSEL", "children": ",".join(children), **self._post_fields(part)}
        return await self._single(carousel, None)

    def _reel(self, part: PartRequest, video: UploadedMedia) -> dict[str, str]:
        fields = {"media_type": "REELS", "video_url": video.remote_id, **self._post_fields(part)}
        fields["share_to_feed"] = "false" if part.options.get("share_to_feed") is False else "true"
        cover = next((m for m in part.media if m.asset.kind == "image"), None)
        if cover is not None:
            fields["cover_url"] = cover.remote_id
        elif isinstance(offset := part.options.get("thumb_offset"), str) and offset:
            fields["thumb_offset"] = offset
        return fields

    @staticmethod
    def _post_fields(part: PartRequest) -> dict[str, str]:
        """Caption and collaborators: on the published container only (never on carousel items)."""
        fields = {"caption": part.text} if part.text.strip() else {}
        collaborators = part.options.get("collaborators")
        if isinstance(collaborators, list) and collaborators:
            fields["collaborators"] = json.dumps([str(c).lstrip("@") for c in collaborators])
        return fields

    async def _single(self, fields: dict[str, str], media: UploadedMedia | None) -> str:
        container = await self._create(fields)
        await self._wait(container, media is not None and media.asset.kind == "video")
        return container

    async def _create(self, fields: dict[str, str]) -> str:
        response = await self._graph.call(self._ctx, "POST", f"/{self._user_id}/media", data=fields)
        return read_id(response, Network.INSTAGRAM, "id")

    async def _wait(self, container: str, video: bool) -> None:
        """Poll until FINISHED; ERROR and EXPIRED say why in plain words."""
        waited = 0.0
        while True:
            status = await self._graph.status(self._ctx, container)
            state = status.get("status_code")
            if state in ("FINISHED", "PUBLISHED"):
                return
            if state == "ERROR":
                raise instagram_errors.container_error(str(status.get("status") or ""))
            if state == "EXPIRED":
                raise ServerError(
                    "The prepared media expired before it was published (Instagram keeps it 24 hours); "
                    "Outpost will prepare it again.",
                    may_have_taken_effect=False,
                )
            if waited >= PROCESSING_MAX_S:
                what = "video" if video else "picture"
                raise ServerError(
                    f"Instagram was still preparing the {what} after {PROCESSING_MAX_S / 60:.0f} minutes; "
                    f"Outpost will try again.",
                    may_have_taken_effect=False,
                )
            # A real-time pause for Instagram's own processing (asyncio time; tests shorten `poll_s`).
            await asyncio.sleep(self._poll_s)
            waited += max(self._poll_s, POLL_S)


def _url_of(media: UploadedMedia, *, alt: bool = False) -> dict[str, str]:
    """`image_url` (with `alt_text`, images only) or `video_url` with the media type a child needs."""
    if media.asset.kind == "video":
        return {"media_type": "VIDEO", "video_url": media.remote_id}
    fields = {"image_url": media.remote_id}
    if alt and media.asset.alt_text:
        fields["alt_text"] = media.asset.alt_text
    return fields


__all__ = ["POLL_S", "PROCESSING_MAX_S", "Containers", "Graph"]
