"""TikTok (Login Kit for Desktop + Content Posting API, Direct Post) with the creator's own app.

Contract notes: `../shared/platforms/meta-linkedin-tiktok-youtube.md` §5, from TikTok for
Developers (login-kit-desktop, oauth-user-access-token-management, content-posting-api-reference-
direct-post, …-query-creator-info, …-get-video-status, …-photo-post, …-media-transfer-guide,
content-sharing-guidelines). What matters here:

- Sign-in: the creator's app (client key + secret), PKCE with a hex challenge, a loopback
  redirect. Access tokens live 2 hours (24 for older apps) and refresh tokens rotate: the new
  one is in the keyring before it is used (adapters/tokens.py).
- `creator_info/query` decides what a post may be: the privacy levels offered (no default, the
  creator picks), interactions the creator's settings turn off, the longest video. It is asked
  whenever the composer or the publisher reads this account's rules, and kept a few minutes on
  the engine's clock (20 queries a minute per token).
- Videos go by FILE_UPLOAD: init (the caption and settings, the chunk plan), then the file in
  order with `Content-Range`, then `status/fetch` until PUBLISH_COMPLETE or FAILED. Nothing is
  published before the file's last byte arrives, so a failure before that is safe to retry; the
  upload's `publish_id` is saved before the first byte, so a post whose outcome got lost can be
  looked up later (`find_published`). There is no idempotency key: `idempotent_publish` is False.
- Photos go by PULL_FROM_URL from the creator's media host (TikTok takes only URLs on a domain
  verified with it); the init itself is the create there.
- An unaudited developer app may post only SELF_ONLY from private accounts. TikTok reveals it only
  by refusing an init (`unaudited_client_can_only_post_to_private_accounts`, before any byte is
  sent); Outpost remembers that per account for a week, says so on the health card, and
  validation refuses other privacy levels up front.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx

from outpost.adapters import tiktok_after as after
from outpost.adapters import tiktok_notes as notes
from outpost.adapters import tiktok_validation
from outpost.adapters import tiktok_wire as wire
from outpost.adapters.base import (
    AccountContext,
    AddAccountRequest,
    DeveloperApp,
    HostedFile,
    MediaHost,
    PartRequest,
    Progress,
    UploadedMedia,
    VerifiedAccount,
)
from outpost.adapters.http import send, server_message, text_or_none
from outpost.adapters.oauth_app import OAuthAppAdapter, local_api
from outpost.adapters.tiktok_errors import (
    OptionMismatch,
    TokenInvalid,
    UnauditedApp,
    api_error,
    failed_error,
)
from outpost.adapters.tiktok_rules import (
    DEFAULT_CHUNK,
    MAX_CAPTION,
    AccountRules,
    CreatorInfo,
    caption_length,
    health_report,
    media_rules,
    options,
    plan_chunks,
)
from outpost.adapters.tiktok_upload import send_file
from outpost.auth.oauth import AskPasted, OpenUrl
from outpost.domain.capabilities import Capabilities
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.errors import (
    InvalidStateError,
    KnownError,
    NetworkUnavailable,
    Problem,
    PublishError,
    RateLimited,
    Rejected,
    ServerError,
)
from outpost.domain.media_rules import RULES
from outpost.domain.metrics import MetricReading, RemotePost
from outpost.domain.models import Account, HealthReport, MediaAsset, Post, PublishedPart, Target

log = logging.getLogger("outpost.adapters.tiktok")

REFRESH_MARGIN = timedelta(minutes=10)
CREATOR_TTL = timedelta(minutes=5)
#: Seconds between status checks, then the last one repeated: 12 a minute at most, of TikTok's 30.
POLL_STEPS = (1.0, 2.0, 3.0, 5.0)
#: "512 MB: less than half a minute … 4 GB: more than two minutes", moderation "usually within one
#: minute" (get-video-status): past this, the outcome is left for the creator to check.
MAX_PROCESSING_S = 15 * 60.0
USER_FIELDS = "open_id,union_id,avatar_url,display_name"
CREATOR_INFO = "/v2/post/publish/creator_info/query/"
VIDEO_INIT = "/v2/post/publish/video/init/"
PHOTO_INIT = "/v2/post/publish/content/init/"
STATUS = "/v2/post/publish/status/fetch/"


class TikTokAdapter(OAuthAppAdapter):
    """TikTok's Content Posting API (Direct Post) for one creator, through their own app."""

    network: ClassVar[Network] = Network.TIKTOK
    idempotent_publish: ClassVar[bool] = False
    can_find_posts: ClassVar[bool] = True
    refresh_margin: ClassVar[timedelta] = REFRESH_MARGIN
    can_read_metrics: ClassVar[bool] = True
    can_list_posts: ClassVar[bool] = True
    first_comment_unavailable: ClassVar[str | None] = after.NO_COMMENT

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        clock: Clock,
        api_base: str | None = None,
        media_host: MediaHost | None = None,
        poll_s: float = 1.0,
        chunk_bytes: int = DEFAULT_CHUNK,
    ) -> None:
        """Make the adapter (the engine's client, clock, API base and media host, as for every adapter).

        Args:
            client: the engine's shared HTTP client.
            clock: the engine's clock.
            api_base: another API origin (tests); `OUTPOST_API_URL_TIKTOK` otherwise.
            media_host: the creator's public bucket, for photo posts.
            poll_s: real seconds per nominal second between status checks (tests shorten it).
            chunk_bytes: the chunk size for videos of two chunks or more (5 MiB to 32 MB).
        """
        super().__init__(client, clock=clock, api_base=api_base, media_host=media_host)
        plan_chunks(1, chunk_bytes)  # refuse a chunk size TikTok would refuse, at once
        self._poll_s = poll_s
        self._chunk_bytes = chunk_bytes
        self._rules: dict[str, tuple[datetime, AccountRules]] = {}
        self._progress: dict[str, Progress] = {}

    # -- rules ---------------------------------------------------------------------------------

    async def capabilities(self, ctx: AccountContext | None) -> Capabilities:
        """A 2200-unit caption and one video or up to 35 photos; options from creator_info."""
        rules = await self._account_rules(ctx) if ctx is not None else None
        return Capabilities(
            network=Network.TIKTOK,
            max_length=MAX_CAPTION,
            length_unit="UTF-16 code units (most emoji count 2)",
            count_length=caption_length,
            media=media_rules(RULES[Network.TIKTOK], rules.creator if rules else None),
            supports_threads=False,
            options=options(rules),
        )

    def validate(self, post: Post, target: Target, account: Account, caps: Capabilities) -> list[Problem]:
        """The common rules and TikTok's own, in words about this creator (tiktok_validation)."""
        known = self._rules.get(account.id)
        return tiktok_validation.problems(post, target, account, caps, known[1] if known else None)

    async def _account_rules(self, ctx: AccountContext, *, fresh: bool = False) -> AccountRules:
        """What creator_info says now (kept CREATOR_TTL on the engine's clock) and what Outpost learned."""
        now = self.clock.now()
        known = self._rules.get(ctx.account.id)
        if known is not None and not fresh and now - known[0] < CREATOR_TTL and known[1].creator:
            creator, asked = known[1].creator, known[0]
        else:
            data = await self._call(ctx, "POST", CREATOR_INFO, json={})
            creator, asked = wire.creator(data), now
        unaudited = await notes.unaudited_since(ctx, now)
        rules = AccountRules(creator, unaudited, self.media_host.configured)
        self._rules[ctx.account.id] = (asked, rules)
        return rules

    # -- accounts ------------------------------------------------------------------------------

    async def connect(
        self,
        *,
        service_url: str | None,
        open_url: OpenUrl,
        app: DeveloperApp | None = None,
        target_id: str | None = None,
        ask_pasted: AskPasted | None = None,
    ) -> VerifiedAccount:
        """Sign in on tiktok.com with the creator's app (PKCE with a hex challenge)."""
        return await self._verified(await self._sign_in(app, open_url))

    async def add_account(self, request: AddAccountRequest) -> VerifiedAccount:
        """Accept tokens made elsewhere, once TikTok says whose they are and that they may post."""
        credentials = self._hand_made_credentials(
            request, access_hint="a TikTok user access token with user.info.basic and video.publish"
        )
        return await self._verified(credentials, local_api(request.service_url))

    async def _verified(self, credentials: dict[str, str], base: str | None = None) -> VerifiedAccount:
        token = credentials["access_token"]
        who = "this TikTok account"
        user = await self._ask("GET", "/v2/user/info/", token, base, who, params={"fields": USER_FIELDS})
        me = wire.json_object(user.get("user"))
        creator = wire.creator(await self._ask("POST", CREATOR_INFO, token, base, who, json={}))
        return VerifiedAccount(
            handle=creator.username,
            display_name=creator.nickname or text_or_none(me.get("display_name")) or creator.username,
            service_url=base,
            credentials=credentials,
            health=health_report(credentials, None, creator.username, self.clock.now()),
            target_id=text_or_none(me.get("open_id")),
            avatar_url=text_or_none(me.get("avatar_url")),
        )

    async def verify_credentials(self, ctx: AccountContext) -> HealthReport:
        """Ask creator_info afresh (it also proves the token may post); say what limits the account."""
        rules = await self._account_rules(ctx, fresh=True)
        return health_report(await ctx.credentials(), rules, ctx.account.handle, self.clock.now())

    async def revoke(self, ctx: AccountContext) -> str:
        """`POST /v2/oauth/revoke/` with the app's client key and secret."""
        credentials = await ctx.credentials()
        if not (credentials.get("client_id") and credentials.get("client_secret")):
            return (
                "Outpost has no client secret for this token, so it cannot revoke it; remove Outpost's "
                "app in the TikTok app (Settings and privacy → Security and permissions → Apps)."
            )
        await self._endpoint.revoke(self.client, credentials, self.clock)
        return "Outpost's access was revoked at TikTok."

    # -- media ---------------------------------------------------------------------------------

    async def upload_media(
        self, ctx: AccountContext, media: MediaAsset, progress: Progress | None = None
    ) -> UploadedMedia:
        """Photos go to the media host now; a video waits for `publish` (TikTok's init needs the caption)."""
        if media.kind == "image":
            hosted = await self.media_host.put(media, progress)
            return UploadedMedia(
                media,
                remote_id=hosted.key,
                extra={"url": hosted.url, "expires_at": hosted.expires_at.isoformat()},
            )
        if progress is not None:
            self._progress[media.id] = progress
        return UploadedMedia(media, remote_id=media.path)

    # -- publishing ----------------------------------------------------------------------------

    async def publish(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        """One video (init → chunks → status) or a photo post (init from URLs → status)."""
        creator = (await self._account_rules(ctx)).creator
        if part.media and all(m.asset.kind == "image" for m in part.media):
            return await self._publish_photos(ctx, part, creator)
        if len(part.media) != 1 or part.media[0].asset.kind != "video":
            raise Rejected("A TikTok post is one video or up to 35 photos; nothing was sent.")
        return await self._publish_video(ctx, part, creator)

    async def _publish_video(
        self, ctx: AccountContext, part: PartRequest, creator: CreatorInfo | None
    ) -> PublishedPart:
        video = part.media[0].asset
        plan = plan_chunks(video.size, self._chunk_bytes)
        body = {
            "post_info": wire.post_info(part, creator, photo=False),
            "source_info": {
                "source": "FILE_UPLOAD",
                "video_size": plan.size,
                "chunk_size": plan.chunk_size,
                "total_chunk_count": plan.count,
            },
        }
        try:
            data = await self._init(ctx, VIDEO_INIT, body)
        except PublishError as exc:
            exc.may_have_taken_effect = False  # FILE_UPLOAD: nothing goes out before the file's last byte
            raise
        publish_id = wire.identifier(data, "publish_id")
        upload_url = wire.identifier(data, "upload_url")
        await notes.note_publish(
            ctx, part.text, notes.PublishNote(publish_id), self.clock.now()
        )  # 1st byte next
        progress = self._progress.pop(video.id, None)
        lost = await send_file(self.client, self.clock, video, plan, upload_url, progress)
        if lost is not None:
            await self._after_lost_last_chunk(ctx, (publish_id, part.text), plan.size, lost)
        return await self._outcome(ctx, publish_id, part.text, photo=False)

    async def _publish_photos(
        self, ctx: AccountContext, part: PartRequest, creator: CreatorInfo | None
    ) -> PublishedPart:
        hosted = tuple(wire.hosted(m) for m in part.media)
        body = {
            "post_info": wire.post_info(part, creator, photo=True),
            "source_info": {
                "source": "PULL_FROM_URL",
                "photo_cover_index": 0,
                "photo_images": [h.url for h in hosted],
            },
            "post_mode": "DIRECT_POST",
            "media_type": "PHOTO",
        }
        note = notes.PublishNote(None, photo=True, hosted=hosted)
        await notes.note_publish(ctx, part.text, note, self.clock.now())  # the init is the create
        try:
            publish_id = wire.identifier(await self._init(ctx, PHOTO_INIT, body), "publish_id")
        except PublishError as exc:
            if not exc.may_have_taken_effect:
                await self._settled(ctx, part.text, hosted)
            raise
        note = dataclasses.replace(note, publish_id=publish_id)
        await notes.note_publish(ctx, part.text, note, self.clock.now())
        try:
            published = await self._outcome(ctx, publish_id, part.text, photo=True)
        except PublishError as exc:
            if not exc.may_have_taken_effect:  # TikTok said it failed: it fetches nothing more
                await self._settled(ctx, part.text, hosted)
            raise
        await self._settled(ctx, part.text, hosted)
        return published

    async def _init(self, ctx: AccountContext, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """An init request; what it teaches about the account (unaudited app, stale levels) is kept."""
        try:
            return await self._call(ctx, "POST", path, json=body)
        except UnauditedApp:
            await self._remember_unaudited(ctx)
            raise
        except OptionMismatch:
            self._rules.pop(ctx.account.id, None)  # ask creator_info again next time
            raise

    async def _after_lost_last_chunk(
        self, ctx: AccountContext, upload: tuple[str, str], size: int, lost: PublishError
    ) -> None:
        """Whether TikTok has the whole file after the last chunk's answer went missing.

        Returns when it does (the post is on its way: poll it); raises a safe-to-retry error when
        it does not, and an in-doubt one when TikTok cannot be asked.
        """
        publish_id, text = upload
        try:
            status = await self._status(ctx, publish_id)
        except PublishError:
            raise wire.in_doubt(lost) from None
        if status.state == "FAILED":
            await notes.forget_publish(ctx, text)
            raise failed_error(status.reason, who=_who(ctx))
        if status.state == "PROCESSING_UPLOAD" and status.uploaded is not None and status.uploaded < size:
            raise NetworkUnavailable(
                f"{lost} TikTok has {status.uploaded} of {size} bytes, so nothing was published; "
                f"Outpost will upload the video again.",
                may_have_taken_effect=False,
            )

    async def _outcome(
        self, ctx: AccountContext, publish_id: str, text: str, *, photo: bool
    ) -> PublishedPart:
        """`status/fetch` until TikTok says PUBLISH_COMPLETE or FAILED (with the reason in words)."""
        waited, step = 0.0, 0
        while True:
            try:
                status = await self._status(ctx, publish_id)
            except RateLimited as exc:
                pause = exc.retry_after_s or 60.0
            except PublishError as exc:
                raise wire.in_doubt(exc) from None
            else:
                if status.state == "PUBLISH_COMPLETE":
                    await notes.forget_publish(ctx, text)
                    return wire.published(ctx.account.handle, publish_id, status, photo=photo)
                if status.state == "FAILED":
                    await notes.forget_publish(ctx, text)
                    raise failed_error(status.reason, who=_who(ctx))
                if status.state == "SEND_TO_USER_INBOX":
                    raise Rejected(
                        "TikTok put the post in your TikTok inbox instead of publishing it; finish it in "
                        "the TikTok app.",
                        may_have_taken_effect=True,
                    )
                pause = POLL_STEPS[min(step, len(POLL_STEPS) - 1)]
                step += 1
            if waited + pause > MAX_PROCESSING_S:
                raise PublishError(
                    f"TikTok was still processing the post after {MAX_PROCESSING_S / 60:.0f} minutes; it "
                    f"may still go out.",
                    may_have_taken_effect=True,
                )
            # A real-time pause for TikTok's own processing, not a rule about the time of day:
            # asyncio time, so a test's clock standing still cannot make it spin (tests shorten it).
            await asyncio.sleep(pause * self._poll_s)
            waited += pause

    async def _status(self, ctx: AccountContext, publish_id: str) -> wire.Status:
        return wire.Status.from_data(await self._call(ctx, "POST", STATUS, json={"publish_id": publish_id}))

    async def find_published(self, ctx: AccountContext, text: str, since: datetime) -> PublishedPart | None:
        """Ask TikTok about the upload Outpost noted for this caption (its `publish_id`).

        No note means no upload was ever started (a video's note is saved before its first byte, a
        photo post's before its init), so nothing was published.
        """
        note = await notes.publish_note(ctx, text)
        if note is None:
            return None
        if note.publish_id is None:
            raise InvalidStateError(
                f"TikTok's answer to the photo post was lost before it said the post's id, so Outpost "
                f"cannot ask about it. Look at {_who(ctx)}'s profile in the TikTok app, then retry or "
                f"leave it."
            )
        status = await self._status(ctx, note.publish_id)
        if status.state == "PUBLISH_COMPLETE":
            await self._settled(ctx, text, note.hosted)
            return wire.published(ctx.account.handle, note.publish_id, status, photo=note.photo)
        if status.state == "FAILED":
            await self._settled(ctx, text, note.hosted)
            return None
        raise InvalidStateError(
            f"TikTok is still working on the post ({status.state}); look again in a few minutes."
        )

    # -- after publishing: numbers, followers, own videos (adapters/tiktok_after.py) -----------

    async def look_up(self, ctx: AccountContext, part: PublishedPart) -> bool | None:
        """`video/query` for the post's id: absent once deleted; None for a private post (no public id)."""
        ids = after.public([part])
        if not ids:
            return None
        return bool(await after.query(functools.partial(self._call, ctx), ids))

    async def read_metrics(self, ctx: AccountContext, parts: Sequence[PublishedPart]) -> list[MetricReading]:
        """`video/query` with like/comment/share/view counts, 20 videos a request."""
        found = await after.query(functools.partial(self._call, ctx), after.public(parts))
        now = self.clock.now()
        return [after.reading(video, now) for video in found]

    async def follower_count(self, ctx: AccountContext) -> int | None:
        """`user/info` `follower_count` (scope user.info.stats)."""
        return await after.followers(functools.partial(self._call, ctx))

    async def recent_posts(
        self, ctx: AccountContext, since: datetime, *, limit: int = 100
    ) -> list[RemotePost]:
        """`video/list`, newest first, with each video's counts (scope video.list)."""
        call = functools.partial(self._call, ctx)
        return await after.videos(call, ctx.account.handle, since, limit, self.clock.now())

    # -- what Outpost keeps per account (tiktok_notes) ----------------------------------------

    async def _settled(self, ctx: AccountContext, text: str, hosted: tuple[HostedFile, ...]) -> None:
        """The post's outcome is known: forget its note and remove its photos from the media host."""
        await notes.forget_publish(ctx, text)
        for file in hosted:
            try:
                await self.media_host.delete(file)
            except (KnownError, OSError, httpx.HTTPError) as exc:
                log.warning("could not delete %s from the media host: %s", file.key, exc)

    async def _remember_unaudited(self, ctx: AccountContext) -> None:
        now = self.clock.now()
        await notes.remember_unaudited(ctx, now)
        known = self._rules.get(ctx.account.id)
        if known is not None:
            self._rules[ctx.account.id] = (known[0], dataclasses.replace(known[1], unaudited_since=now))
        log.info("TikTok says %s's developer app is not audited: private posts only", ctx.account.ref)

    # -- after publishing: no edit or delete (issue #24) -------------------------------------------
    # The Content Posting API (developers.tiktok.com/doc/content-posting-api-reference-direct-post)
    # creates posts only; nothing in TikTok's public API deletes or edits a published video.
    delete_unavailable = "TikTok's API cannot delete videos; delete it in the TikTok app."
    edit_unavailable = "TikTok's API cannot edit a published video; edit it in the TikTok app."

    # -- requests ------------------------------------------------------------------------------

    async def _call(self, ctx: AccountContext, method: str, path: str, **content: Any) -> dict[str, Any]:
        """An API request for the account; an invalid token is refreshed once and the request sent again.

        Only `access_token_invalid` (HTTP 401) is retried: TikTok did nothing with the request.
        """
        token = await self._tokens.access_token(ctx)
        base = local_api(ctx.account.service_url)
        try:
            return await self._ask(method, path, token, base, _who(ctx), **content)
        except TokenInvalid:
            if not (await ctx.credentials()).get("refresh_token"):
                raise
            token = await self._tokens.after_unauthorized(ctx, token)
            return await self._ask(method, path, token, base, _who(ctx), **content)

    async def _ask(
        self, method: str, path: str, token: str, base: str | None, who: str, **content: Any
    ) -> dict[str, Any]:
        """`path` at TikTok's API (or `base`, the sandbox); the answer's `data` once `error.code` is ok."""
        url = f"{(base or self._api).rstrip('/')}{path}"
        headers = {"Authorization": f"Bearer {token}"}
        request = self.client.build_request(method, url, headers=headers, **content)
        response = await send(self.client, request, network=Network.TIKTOK, clock=self.clock, check=False)
        body = wire.body(response)
        error = wire.json_object(body.get("error"))
        if response.is_success and error.get("code") == "ok":
            data = body.get("data")
            if isinstance(data, dict):
                return data
        if response.is_success and error.get("code") in (None, "ok"):
            raise ServerError(
                f"TikTok answered HTTP {response.status_code} without the expected data (a malformed "
                f"answer: {response.text[:120]!r}).",
                may_have_taken_effect=True,
            )
        raise self._mapped(response, body, who)

    def _error(self, response: httpx.Response) -> PublishError:
        """TikTok's error answer in Outpost's words (tiktok_errors)."""
        return self._mapped(response, wire.body(response), "the TikTok account")

    def _mapped(self, response: httpx.Response, body: dict[str, Any], who: str) -> PublishError:
        error = wire.json_object(body.get("error"))
        code = str(error.get("code") or "")
        message = str(error.get("message") or "") or server_message(response) or ""
        return api_error(
            response.status_code, code, message, str(error.get("log_id") or ""), who=who, now=self.clock.now()
        )


def _who(ctx: AccountContext) -> str:
    return f"@{ctx.account.handle}"


__all__ = ["TikTokAdapter"]
