"""X (API v2) with the person's own developer app: OAuth 2.0 + PKCE as a public client.

Contract notes: `../shared/platforms/x-bluesky-mastodon-threads.md` §1, from X's docs
(`fundamentals/authentication/oauth-2-0/authorization-code.mdx`, `x-api/posts/manage-tweets`,
`x-api/media/*`, `fundamentals/rate-limits.mdx`, `response-codes-and-errors.mdx`) and the OpenAPI
spec. What matters here:

- Access tokens live 2 hours; the refresh token rotates on every refresh (adapters/tokens.py
  writes the new one to the keyring before using it). A 401 refreshes once and retries.
- `POST /2/tweets` has **no idempotency key**: a create whose answer is lost may have posted, so
  `idempotent_publish` is False and the engine marks such a target `unknown` rather than resend.
  The 403 "duplicate content" answer becomes the `duplicate` error code and is never retried.
- Media always go through the chunked endpoints (initialize / append / finalize, then `STATUS`
  polling while `processing_info` says so); alt text is set with `POST /2/media/metadata` before
  the post is created.
- Health checks refresh the token (free) instead of calling `GET /2/users/me`, which X bills per
  call (§1.8); only an account without a refresh token falls back to `/2/users/me`.
- Every post costs the developer app money on X's pay-per-use pricing (§1.1): docs/networks/x.md.
"""

from __future__ import annotations

import asyncio
import html
import logging
import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from outpost.adapters import x_text
from outpost.adapters.base import (
    AccountContext,
    AddAccountRequest,
    DeveloperApp,
    FirstCommentKind,
    MediaHost,
    PartRequest,
    Progress,
    UploadedMedia,
    VerifiedAccount,
)
from outpost.adapters.http import read, read_id, server_message, text_or_none
from outpost.adapters.oauth_app import OAuthAppAdapter, local_api
from outpost.auth.oauth import AskPasted, OpenUrl
from outpost.domain.capabilities import Capabilities, OptionKind, OptionSpec
from outpost.domain.clock import Clock
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import (
    AuthExpired,
    PublishError,
    RateLimited,
    Rejected,
    ServerError,
    ValidationError,
)
from outpost.domain.media_rules import RULES
from outpost.domain.metrics import MetricReading, RemotePost
from outpost.domain.models import HealthReport, MediaAsset, PublishedPart

log = logging.getLogger("outpost.adapters.x")

REQUIRED_SCOPES = frozenset({"tweet.read", "tweet.write", "users.read", "media.write", "offline.access"})
CHUNK_BYTES = 1024 * 1024  # both official samples append 1 MiB segments
MAX_SEGMENTS = 1000  # segment_index is 0..999
MAX_PROCESSING_S = 600.0
REFRESH_MARGIN = timedelta(minutes=10)
#: "reply to a Tweet that is deleted or not visible to you": seen when a thread goes out too fast
#: (node-twitter-api-v2 issue 366); waiting a few seconds and trying once more fixes it.
REPLY_NOT_VISIBLE = "deleted or not visible"
_LINK = re.compile(r"https?://\S+")
#: X's pay-per-use price of reading, as docs.x.com/x-api/getting-started/pricing stated it when read
#: on 2026-12-02 ("Posts: Read $0.005 per resource", "User: Read $0.010 per resource"; the same
#: resource read again within a UTC day is not charged again).
METRICS_COST = (
    "X bills your developer app for every post read: $0.005 per post and $0.010 per follower-count "
    "read (X's pay-per-use prices, docs.x.com/x-api/getting-started/pricing, read 2026-12-02)."
)
READ_SCOPES = ("tweet.read", "users.read")
READ_BATCH = 100  # GET /2/tweets takes "A comma separated list of Post IDs. Up to 100 are allowed"
REPLY_SETTINGS = ("everyone", "following", "mentionedUsers", "subscribers", "verified")

LONG_POST_LENGTH = 25_000  # "longform Posts with a length of 25k" (X changelog 2024-08): Premium
OPTIONS = (
    OptionSpec(
        "reply_settings",
        OptionKind.CHOICE,
        "Who can reply (everyone, people you follow, people you mention, subscribers, verified)",
        REPLY_SETTINGS,
    ),
    OptionSpec(
        "long_post",
        OptionKind.BOOL,
        "My X account has Premium: allow up to 25,000 characters (otherwise 280)",
    ),
)


def _category(media: MediaAsset) -> str:
    if media.kind == "video":
        return "tweet_video"
    if media.kind == "animated_gif" or media.mime_type == "image/gif":
        return "tweet_gif"
    return "tweet_image"


def reset_time(response: httpx.Response, now: datetime) -> datetime | None:
    """`x-rate-limit-reset` (Unix epoch seconds), or the 24-hour limits' reset when that ran out."""
    for prefix in ("x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"):
        remaining = response.headers.get(f"{prefix}-remaining")
        value = response.headers.get(f"{prefix}-reset", "").strip()
        if value.isdigit() and (remaining is None or remaining.strip() == "0"):
            return datetime.fromtimestamp(int(value), UTC)
    return None


class XAdapter(OAuthAppAdapter):
    """X API v2 for one person's account, through their own developer app."""

    network: ClassVar[Network] = Network.X
    idempotent_publish: ClassVar[bool] = False
    can_find_posts: ClassVar[bool] = True
    refresh_margin: ClassVar[timedelta] = REFRESH_MARGIN
    basic_auth_with_secret: ClassVar[bool] = True
    can_read_metrics: ClassVar[bool] = True
    metrics_cost: ClassVar[str | None] = METRICS_COST
    can_list_posts: ClassVar[bool] = True
    first_comment: ClassVar[FirstCommentKind | None] = "self_reply"
    #: Posts per timeline page (X allows 5–100); tests make it small to see pages followed.
    timeline_page: int = 100

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        clock: Clock,
        api_base: str | None = None,
        media_host: MediaHost | None = None,
        poll_scale: float = 1.0,
        reply_retry_s: float = 5.0,
    ) -> None:
        """Make the adapter; tests shorten the waits.

        `poll_scale` scales X's `check_after_secs` and `reply_retry_s` is the thread pause;
        production keeps what X asks for.
        """
        super().__init__(client, clock=clock, api_base=api_base, media_host=media_host)
        self._poll_scale = poll_scale
        self._reply_retry_s = reply_retry_s

    # -- rules ---------------------------------------------------------------------------------

    async def capabilities(self, ctx: AccountContext | None) -> Capabilities:
        """280 weighted characters (twitter-text v3), 4 images or 1 video/GIF, alt text ≤ 1000."""
        return Capabilities(
            network=Network.X,
            max_length=x_text.MAX_WEIGHTED_LENGTH,
            length_unit="weighted characters (links count 23, emoji and CJK count 2)",
            count_length=x_text.weighted_length,
            media=RULES[Network.X],
            max_alt_text=1000,
            supports_threads=True,
            options=OPTIONS,
            extended_length=("long_post", LONG_POST_LENGTH),
        )

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
        """Sign in through x.com with the person's developer app (PKCE, loopback redirect)."""
        return await self._verified(await self._sign_in(app, open_url, ask_pasted=ask_pasted))

    async def add_account(self, request: AddAccountRequest) -> VerifiedAccount:
        """Accept tokens made elsewhere (e.g. with xurl), after `GET /2/users/me` confirms them."""
        credentials = self._hand_made_credentials(
            request, access_hint="an OAuth 2.0 user access token of your X app"
        )
        return await self._verified(credentials, local_api(request.service_url))

    async def _verified(self, credentials: dict[str, str], base: str | None = None) -> VerifiedAccount:
        response = await self._request(
            "GET",
            "/2/users/me",
            token=credentials["access_token"],
            base=base,
            params={"user.fields": "profile_image_url"},  # the picture, asked for by name
        )
        username = read_id(response, Network.X, "data", "username")
        me = read(response, Network.X, "data", kind=dict)
        return VerifiedAccount(
            handle=username,
            display_name=text_or_none(me.get("name")) or username,
            service_url=base,
            credentials=credentials,
            health=self._health(credentials, response),
            target_id=read_id(response, Network.X, "data", "id"),
            avatar_url=text_or_none(me.get("profile_image_url")),
        )

    async def verify_credentials(self, ctx: AccountContext) -> HealthReport:
        """Refresh the token (free, proves the grant is alive, returns its scopes)."""
        credentials = await ctx.credentials()
        if credentials.get("refresh_token"):
            fresh = await self._tokens.refresh_now(ctx)
            return self._health(fresh, None)
        token = await self._tokens.access_token(ctx)
        base = local_api(ctx.account.service_url)
        return self._health(credentials, await self._request("GET", "/2/users/me", token=token, base=base))

    def _health(self, credentials: dict[str, str], response: httpx.Response | None) -> HealthReport:
        granted = set(credentials.get("scope", "").split())
        missing = sorted(REQUIRED_SCOPES - granted) if granted else []
        now = self.clock.now()
        reset = reset_time(response, now) if response is not None else None
        message = None
        if missing:
            message = f"The sign-in lacks {', '.join(missing)}; reconnect and allow them."
        elif not credentials.get("refresh_token"):
            message = "No refresh token: X access tokens last 2 hours, then reconnect is needed."
        return HealthReport.summarise(
            token_has_scopes=not missing,
            rate_limited=reset is not None,
            rate_limit_reset_at=reset,
            checked_at=now,
            message=message,
        )

    async def revoke(self, ctx: AccountContext) -> str:
        """`POST /2/oauth2/revoke` for the refresh token and the access token."""
        credentials = await ctx.credentials()
        if not credentials.get("client_id"):
            return (
                "The token was added by hand, so Outpost cannot revoke it; remove the app at "
                "https://x.com/settings/connected_apps."
            )
        for kind in ("refresh_token", "access_token"):
            if credentials.get(kind):
                revoked = {**credentials, "access_token": credentials[kind]}
                await self._endpoint.revoke(self.client, revoked, self.clock)
        return "Outpost's access was revoked at X."

    # -- media ---------------------------------------------------------------------------------

    async def upload_media(
        self, ctx: AccountContext, media: MediaAsset, progress: Progress | None = None
    ) -> UploadedMedia:
        """Initialize → append (≤ 1000 segments) → finalize → STATUS until processed → alt text."""
        started = await self._authorised(
            ctx,
            "POST",
            "/2/media/upload/initialize",
            json={
                "media_type": media.mime_type,
                "total_bytes": media.size,
                "media_category": _category(media),
            },
        )
        media_id = read_id(started, Network.X, "data", "id")
        chunk = max(CHUNK_BYTES, math.ceil(media.size / MAX_SEGMENTS))
        sent = 0
        with open(media.path, "rb") as handle:  # noqa: ASYNC230 - reads happen in a thread below
            for index in range(MAX_SEGMENTS):
                data = await asyncio.to_thread(handle.read, chunk)
                if not data:
                    break
                await self._authorised(
                    ctx,
                    "POST",
                    f"/2/media/upload/{quote(media_id, safe='')}/append",
                    files={"media": ("blob", data, "application/octet-stream")},
                    data={"segment_index": str(index)},
                )
                sent += len(data)
                if progress is not None:
                    progress(sent, media.size)
        finalized = await self._authorised(
            ctx, "POST", f"/2/media/upload/{quote(media_id, safe='')}/finalize"
        )
        lifetime = _expires_after(finalized)
        info = _processing_info(finalized)
        if info:
            await self._wait_processed(ctx, media_id, info)
        if media.alt_text and _category(media) != "tweet_video":
            await self._authorised(
                ctx,
                "POST",
                "/2/media/metadata",
                json={"id": media_id, "metadata": {"alt_text": {"text": media.alt_text[:1000]}}},
            )
        extra: dict[str, str] = {}
        if lifetime is not None and lifetime > REUSE_MARGIN_S:  # the same file on another post: no new upload
            until = self.clock.now() + timedelta(seconds=lifetime - REUSE_MARGIN_S)
            extra["reusable_until"] = until.isoformat()
        return UploadedMedia(media, remote_id=media_id, extra=extra)

    async def _wait_processed(self, ctx: AccountContext, media_id: str, info: dict[str, Any]) -> None:
        waited = 0.0
        while info.get("state") in ("pending", "in_progress"):
            asked = info.get("check_after_secs")
            pause = float(asked) if isinstance(asked, int | float) and 0 < asked <= 60 else 1.0
            if waited + pause > MAX_PROCESSING_S:
                raise PublishError(
                    f"X was still processing the file after {MAX_PROCESSING_S:.0f} s; "
                    "Outpost will try again.",
                    may_have_taken_effect=False,
                )
            # A real-time pause X asks for while it processes, not a rule about the time:
            # asyncio time, so a test's clock standing still cannot make it spin.
            await asyncio.sleep(pause * self._poll_scale)
            waited += pause
            status = await self._authorised(
                ctx, "GET", "/2/media/upload", params={"command": "STATUS", "media_id": media_id}
            )
            info = _processing_info(status) or {"state": "succeeded"}
        if info.get("state") == "failed":
            raw = info.get("error")
            error: dict[str, Any] = raw if isinstance(raw, dict) else {}
            reason = (
                text_or_none(error.get("message")) or text_or_none(error.get("name")) or "no reason given"
            )
            raise Rejected(f"X could not process the file: {reason}.", code=ErrorCode.MEDIA_REJECTED)

    # -- publishing ----------------------------------------------------------------------------

    async def publish(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        """`POST /2/tweets`; a thread part replies to the previous one."""
        body: dict[str, Any] = {"text": part.text}
        if part.media:
            body["media"] = {"media_ids": [m.remote_id for m in part.media]}
        if part.reply_to is not None:
            body["reply"] = {"in_reply_to_tweet_id": part.reply_to.platform_post_id}
        setting = part.options.get("reply_settings")  # `long_post` only changes the limit we check
        if isinstance(setting, str) and setting != "everyone":
            body["reply_settings"] = setting
        try:
            response = await self._authorised(ctx, "POST", "/2/tweets", json=body)
        except Rejected as exc:
            if part.reply_to is None or REPLY_NOT_VISIBLE not in str(exc):
                raise
            log.info("X does not see the previous part yet; trying again in %.0f s", self._reply_retry_s)
            await asyncio.sleep(self._reply_retry_s)  # real time for X to catch up (as above)
            response = await self._authorised(ctx, "POST", "/2/tweets", json=body)
        post_id = read_id(response, Network.X, "data", "id")
        return PublishedPart(
            platform_post_id=post_id, permalink=f"https://x.com/{ctx.account.handle}/status/{post_id}"
        )

    async def find_published(self, ctx: AccountContext, text: str, since: datetime) -> PublishedPart | None:
        """Look through the account's posts since `since` (`GET /2/users/{id}/tweets`).

        X returns links as t.co addresses and `&`, `<`, `>` as HTML entities, so texts are
        compared with links and entities normalised. Each post read is billed ($0.005, §1.7):
        this runs only when the person asks.
        """
        user_id = ctx.account.target_id
        if not user_id:
            raise ValidationError.single("account", f"{ctx.account.ref} has no X user id; reconnect it.")
        response = await self._authorised(
            ctx,
            "GET",
            f"/2/users/{quote(user_id, safe='')}/tweets",
            params={
                "max_results": "20",
                "start_time": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "tweet.fields": "created_at,note_tweet",
            },
        )
        wanted = _comparable(text)
        for item in response.json().get("data") or []:
            shown = (item.get("note_tweet") or {}).get("text") or item.get("text") or ""
            if _comparable(shown) == wanted:
                post_id = str(item["id"])
                return PublishedPart(
                    platform_post_id=post_id, permalink=f"https://x.com/{ctx.account.handle}/status/{post_id}"
                )
        return None

    # -- after publishing: proof, numbers, history, first comment (issues 20, 21, 22) -------------

    async def look_up(self, ctx: AccountContext, part: PublishedPart) -> bool:
        """`GET /2/tweets/{id}`: a deleted post answers 200 with a "Not Found Error" (billed read)."""
        response = await self._reading(ctx, f"/2/tweets/{quote(part.platform_post_id, safe='')}", {})
        body = _json(response)
        if isinstance(body.get("data"), dict):
            return True
        if _not_found(body):
            return False
        raise ServerError(f"X answered neither the post nor its absence ({response.text[:120]!r}).")

    async def read_metrics(self, ctx: AccountContext, parts: Sequence[PublishedPart]) -> list[MetricReading]:
        """`GET /2/tweets?ids=…&tweet.fields=public_metrics`, 100 posts a request (billed per post).

        Public metrics (docs.x.com/x-api/fundamentals/metrics): likes, retweets (reposts),
        replies, quotes, impressions and bookmarks (saves). Posts X no longer has come back in
        `errors` and are left out. Clicks and reach are not public; video views need a media
        expansion and stay None.
        """
        readings: list[MetricReading] = []
        ids = list(dict.fromkeys(p.platform_post_id for p in parts))
        for start in range(0, len(ids), READ_BATCH):
            batch = ids[start : start + READ_BATCH]
            response = await self._reading(
                ctx, "/2/tweets", {"ids": ",".join(batch), "tweet.fields": "public_metrics"}
            )
            now = self.clock.now()
            for item in _json(response).get("data") or []:
                if isinstance(item, dict) and item.get("id") is not None:
                    readings.append(_reading(str(item["id"]), item.get("public_metrics"), now))
        return readings

    async def follower_count(self, ctx: AccountContext) -> int | None:
        """`public_metrics.followers_count` of `GET /2/users/me` (one User read, billed)."""
        response = await self._reading(ctx, "/2/users/me", {"user.fields": "public_metrics"})
        metrics = read(response, Network.X, "data", kind=dict).get("public_metrics")
        count = metrics.get("followers_count") if isinstance(metrics, dict) else None
        return count if isinstance(count, int) and not isinstance(count, bool) else None

    async def recent_posts(
        self, ctx: AccountContext, since: datetime, *, limit: int = 100
    ) -> list[RemotePost]:
        """`GET /2/users/{id}/tweets?exclude=retweets`, following `meta.next_token`, with metrics.

        The timeline is newest first (docs.x.com/x-api/posts/timelines); `exclude=retweets`
        leaves out reposts of others, replies (a thread's later parts) stay, marked `is_reply`.
        """
        user_id = ctx.account.target_id
        if not user_id:
            raise ValidationError.single("account", f"{ctx.account.ref} has no X user id; reconnect it.")
        params = {
            "max_results": str(min(self.timeline_page, max(5, limit))),
            "start_time": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "exclude": "retweets",
            "tweet.fields": "created_at,public_metrics,note_tweet,referenced_tweets",
        }
        posts: list[RemotePost] = []
        while len(posts) < limit:
            response = await self._reading(ctx, f"/2/users/{quote(user_id, safe='')}/tweets", params)
            body = _json(response)
            now = self.clock.now()
            for item in body.get("data") or []:
                if isinstance(item, dict) and len(posts) < limit:
                    posts.append(self._remote(ctx, item, now))
            token = (body.get("meta") or {}).get("next_token")
            if not isinstance(token, str) or not token:
                break
            params = {**params, "pagination_token": token}
        return posts

    async def post_comment(
        self, ctx: AccountContext, on: PublishedPart, text: str, idempotency_key: str
    ) -> PublishedPart:
        """The author's reply to the post (`POST /2/tweets` with `reply.in_reply_to_tweet_id`).

        X takes no idempotency key: a reply whose answer was lost may exist (the engine keeps the
        result so a crash never replies twice). Self-serve tiers only allow replies where the
        author "summoned" the replying account (changelog 2026-02-23); replying to one's own
        post is the author replying to themselves, and a refusal is reported as X's own words.
        """
        body = {"text": text, "reply": {"in_reply_to_tweet_id": on.platform_post_id}}
        response = await self._authorised(ctx, "POST", "/2/tweets", json=body)
        post_id = read_id(response, Network.X, "data", "id")
        return PublishedPart(
            platform_post_id=post_id, permalink=f"https://x.com/{ctx.account.handle}/status/{post_id}"
        )

    async def _reading(self, ctx: AccountContext, path: str, params: dict[str, str]) -> httpx.Response:
        """A GET that only reads; a 403 names the scopes reading needs (tweet.read, users.read)."""
        try:
            return await self._authorised(ctx, "GET", path, params=params)
        except Rejected as exc:
            if "HTTP 403" not in str(exc):
                raise
            raise Rejected(
                f"{exc} Reading posts and numbers needs the scopes {' and '.join(READ_SCOPES)}: "
                f"reconnect {ctx.account.ref} and allow them."
            ) from exc

    def _remote(self, ctx: AccountContext, item: dict[str, Any], now: datetime) -> RemotePost:
        post_id = str(item["id"])
        refs = item.get("referenced_tweets") or []
        created = datetime.fromisoformat(str(item.get("created_at", "")).replace("Z", "+00:00"))
        return RemotePost(
            platform_post_id=post_id,
            permalink=f"https://x.com/{ctx.account.handle}/status/{post_id}",
            text=html.unescape((item.get("note_tweet") or {}).get("text") or item.get("text") or ""),
            created_at=created,
            is_reply=any(isinstance(r, dict) and r.get("type") == "replied_to" for r in refs),
            reading=_reading(post_id, item.get("public_metrics"), now),
        )

    # -- after publishing: delete (issue #24) ----------------------------------------------------
    # docs.x.com/x-api/posts/delete-post: `DELETE /2/tweets/:id` answers {"data": {"deleted": true}}
    # (50 requests / 15 min per user). The API has no edit of a published post.
    can_delete = True
    edit_unavailable = (
        "X's API cannot edit a published post; delete it and post again, or edit it in the X app."
    )

    async def delete_published(self, ctx: AccountContext, part: PublishedPart) -> None:
        """`DELETE /2/tweets/:id`; a post already gone (404) is deleted."""
        try:
            response = await self._authorised(
                ctx, "DELETE", f"/2/tweets/{quote(part.platform_post_id, safe='')}"
            )
        except Rejected as exc:
            if "HTTP 404" in str(exc):
                return
            raise
        data = read(response, Network.X, kind=dict).get("data")
        if not (isinstance(data, dict) and data.get("deleted") is True):
            raise Rejected(
                f"X did not delete the post {part.platform_post_id}; check it at {part.permalink}."
            )

    # -- plumbing ------------------------------------------------------------------------------

    def _error(self, response: httpx.Response) -> PublishError:
        """X's answers in Outpost's words (§1.6): what happened and what to do."""
        status, said = response.status_code, server_message(response) or ""
        body = _json(response)
        where = f"X answered HTTP {status}"
        if status == 401:
            return AuthExpired(f"{where}: {said or 'Unauthorized'}. Reconnect the account in Outpost.")
        if status == 403:
            if "duplicate" in said.lower() or _has_code(body, 187):
                return Rejected(
                    f"{where}: X refuses duplicate content ({said}). The same text is already on the "
                    f"account; change the text to post it again.",
                    code=ErrorCode.DUPLICATE,
                )
            return Rejected(
                f"{where}: {said or 'Forbidden'}. Check that your X app has Read and write "
                f"permission and that its plan allows this."
            )
        if status == 429:
            if "usage-capped" in str(body.get("type", "")):
                return Rejected(
                    f"{where}: your X developer app reached its usage cap ({said}). Posting resumes "
                    f"when the billing period or your credits change.",
                    code=ErrorCode.RATE_LIMITED,
                )
            now = self.clock.now()
            retry_at = reset_time(response, now)
            wait = None if retry_at is None else max(0.0, (retry_at - now).total_seconds())
            when = f" until {retry_at:%H:%M:%S} UTC" if retry_at else ""
            return RateLimited(f"{where}: rate limited{when}.", retry_at=retry_at, retry_after_s=wait)
        if status == 413:
            return Rejected(f"{where}: the file is too large. {said}".strip(), code=ErrorCode.MEDIA_REJECTED)
        if 400 <= status < 500:
            media_problem = "media" in said.lower()
            return Rejected(
                f"{where}: {said or 'the request was refused'}.",
                code=ErrorCode.MEDIA_REJECTED if media_problem else ErrorCode.VALIDATION_ERROR,
            )
        return ServerError(f"{where}: X failed on its side. {said}".strip(), may_have_taken_effect=True)


#: A media id's `expires_after_secs` (finalize) says how long posts can attach it; Outpost stops
#: reusing it an hour before, so a post that waits in a retry never carries an expired id.
REUSE_MARGIN_S = 3600


def _expires_after(response: httpx.Response) -> int | None:
    try:
        data = response.json().get("data")
    except ValueError:
        return None
    value = data.get("expires_after_secs") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _processing_info(response: httpx.Response) -> dict[str, Any] | None:
    """`data.processing_info` of a media answer (None: nothing to wait for)."""
    info = read(response, Network.X, "data", kind=dict).get("processing_info")
    if info is not None and not isinstance(info, dict):
        raise ServerError(f"X answered a malformed processing_info ({info!r}).", may_have_taken_effect=False)
    return info


def _comparable(text: str) -> str:
    """A post's text as X may show it back: links (t.co) and HTML entities do not matter."""
    text = unicodedata.normalize("NFC", html.unescape(text))
    return " ".join(_LINK.sub("<link>", text).split())


def _reading(post_id: str, metrics: object, now: datetime) -> MetricReading:
    """X's `public_metrics` as a reading; a count X left out stays None."""
    found = metrics if isinstance(metrics, dict) else {}

    def count(name: str) -> int | None:
        value = found.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return MetricReading(
        platform_post_id=post_id,
        read_at=now,
        impressions=count("impression_count"),
        likes=count("like_count"),
        replies=count("reply_count"),
        reposts=count("retweet_count"),
        quotes=count("quote_count"),
        saves=count("bookmark_count"),
    )


def _not_found(body: dict[str, Any]) -> bool:
    """X's "Not Found Error" (a deleted post, type .../problems/resource-not-found)."""
    errors = body.get("errors")
    return isinstance(errors, list) and any(
        isinstance(e, dict) and str(e.get("type", "")).endswith("/resource-not-found") for e in errors
    )


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _has_code(body: dict[str, Any], code: int) -> bool:
    errors = body.get("errors")
    return isinstance(errors, list) and any(isinstance(e, dict) and e.get("code") == code for e in errors)


__all__ = ["XAdapter", "reset_time"]
