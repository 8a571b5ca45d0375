"""Bluesky (AT Protocol) with app passwords, against bsky.social or any PDS.

Contract notes: `../shared/platforms/x-bluesky-mastodon-threads.md` §2, from the atproto lexicons
(`com.atproto.server.createSession`/`refreshSession`, `com.atproto.repo.createRecord`/`uploadBlob`,
`app.bsky.feed.post`, `app.bsky.embed.images`/`external`/`video`, `app.bsky.richtext.facet`) and
`bsky-docs` advanced guides (posts, rich text, rate limits) and tutorials (uploading video).

- Sessions (access + refresh JWT) live in the keyring and are refreshed on `400 ExpiredToken`
  under the account's lock; login (`createSession`, rate-limited) happens once, not at each start.
  The app password is kept too, to sign in again if the refresh token itself has expired.
- Writes go to the account's PDS (from `didDoc` in the session), reads of identities too.
- Record keys are TIDs derived from the part's idempotency key: re-sending the same part can
  never create a second post (the repo refuses an existing key, and we then read the record
  back), so `idempotent_publish = True`.
- Images are fitted under the blob limit (re-encoded, metadata stripped, quality floor kept).
- Videos go through Bluesky's video service (`bluesky_video`), as the official app sends them:
  today's limits first, then the upload with a service token from the PDS, then the processing
  job until the blob is ready; the post embeds that blob (`app.bsky.embed.video`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from outpost.adapters import bluesky_cards, bluesky_text, bluesky_video, bluesky_video_rules
from outpost.adapters.base import (
    AccountContext,
    AddAccountRequest,
    MediaHost,
    NetworkAdapter,
    PartRequest,
    Progress,
    UploadedMedia,
    VerifiedAccount,
)
from outpost.adapters.http import (
    api_base,
    count_or_none,
    error_for,
    read,
    read_id,
    retry_after,
    send,
    server_message,
    text_or_none,
    time_or_none,
)
from outpost.domain.accounts import is_sandbox
from outpost.domain.capabilities import Capabilities, OptionKind, OptionSpec
from outpost.domain.clock import Clock
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import AuthExpired, Problem, PublishError, Rejected, ValidationError
from outpost.domain.media_rules import RULES
from outpost.domain.metrics import Mention, MetricReading, RemotePost
from outpost.domain.models import Account, HealthReport, MediaAsset, Post, PublishedPart, QuotaLeft, Target

log = logging.getLogger("outpost.adapters.bluesky")

DEFAULT_SERVICE = "https://bsky.social"
TOKEN_ERRORS = {"ExpiredToken", "InvalidToken", "AuthMissing", "AuthenticationRequired", "AccountTakedown"}
SELF_LABELS = ("porn", "sexual", "nudity", "graphic-media")
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"

OPTIONS = (
    OptionSpec("langs", OptionKind.LIST, "Languages of the post (up to 3 tags, e.g. en,de)"),
    OptionSpec(
        "content_warning", OptionKind.CHOICE, "A self-label that hides the post behind a warning", SELF_LABELS
    ),
    OptionSpec("link_card", OptionKind.BOOL, "Show a preview card for the first link (default: on)"),
)


#: The first comment's place after the thread's parts in its TID (no thread is this long).
COMMENT_PART = 10_000


def tid_for(key: str, *, now: datetime) -> str:
    """A TID record key, stable for one idempotency key (see `composer.new_idempotency_key`).

    The key's leading hex digits are its creation time; only a key without them (not one Outpost
    makes) falls back to `now`.
    """
    try:
        micros = int(key[:14], 16)
    except ValueError:
        micros = int(now.timestamp() * 1_000_000)
    digest = hashlib.sha256(key.encode()).digest()
    part = int(key.rsplit("-", 1)[1]) if "-" in key and key.rsplit("-", 1)[1].isdigit() else 0
    clock_id = int.from_bytes(digest[:2], "big") % 1024
    value = ((micros + part) & ((1 << 53) - 1)) << 10 | clock_id
    return "".join(_TID_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def permalink(handle: str, uri: str) -> str:
    """`https://bsky.app/profile/<handle>/post/<rkey>` for an `at://…/app.bsky.feed.post/<rkey>` URI."""
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[1]}"


class BlueskyAdapter(NetworkAdapter):
    """The AT Protocol: XRPC calls to the account's PDS."""

    network = Network.BLUESKY
    idempotent_publish = True

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        clock: Clock,
        api_base: str | None = None,
        media_host: MediaHost | None = None,
        fetch_cards: bool = True,
        video_service: str | None = None,
        video_poll_s: float = bluesky_video.POLL_S,
        video_poll_max_s: float = bluesky_video.POLL_MAX_S,
        appview: str | None = None,
    ) -> None:
        """Make the adapter (the base class's arguments, and these).

        `fetch_cards`: read a linked page for its card (tests without pages turn it off).
        `video_service`: the video service's address; default `OUTPOST_UPLOAD_URL_BLUESKY`
        (INTERFACE.md: a network's separate upload host), else https://video.bsky.app. Sandbox
        accounts always use their own (simulated) server. `video_poll_s` / `video_poll_max_s`:
        the pause between job status reads and the longest wait for processing (tests shorten them).
        `appview`: the public AppView that statistics are read from (no login needed); default
        `OUTPOST_APPVIEW_URL_BLUESKY`, else https://public.api.bsky.app.
        """
        super().__init__(client, clock=clock, api_base=api_base, media_host=media_host)
        self.fetch_cards = fetch_cards
        self.video_service = (
            video_service or os.environ.get("OUTPOST_UPLOAD_URL_BLUESKY") or bluesky_video.VIDEO_SERVICE
        ).rstrip("/")
        self.video_poll_s = video_poll_s
        self.video_poll_max_s = video_poll_max_s
        self.appview = (appview or os.environ.get("OUTPOST_APPVIEW_URL_BLUESKY") or PUBLIC_APPVIEW).rstrip(
            "/"
        )

    # -- rules ---------------------------------------------------------------------------------

    async def capabilities(self, ctx: AccountContext | None) -> Capabilities:
        """300 graphemes of shown text (links shortened), 4 images or one video."""
        return Capabilities(
            network=Network.BLUESKY,
            max_length=bluesky_text.MAX_GRAPHEMES,
            length_unit="characters (graphemes; long links are shortened as Bluesky shows them)",
            count_length=bluesky_text.display_length,
            media=RULES[Network.BLUESKY],
            supports_threads=True,
            options=OPTIONS,
        )

    def validate(self, post: Post, target: Target, account: Account, caps: Capabilities) -> list[Problem]:
        """The common rules, and what Outpost knows before sending about the post's video."""
        return [
            *super().validate(post, target, account, caps),
            *bluesky_video_rules.problems(
                post, account, now=self.clock.now(), public_service=self._public_video(account)
            ),
        ]

    # -- accounts ------------------------------------------------------------------------------

    async def add_account(self, request: AddAccountRequest) -> VerifiedAccount:
        """Sign in with handle + app password (`createSession`), once."""
        if not request.handle or not request.app_password:
            raise ValidationError.single(
                "--app-password",
                "--handle and --app-password: create an app password in Bluesky under Settings → "
                "Privacy and security → App passwords, then give both.",
            )
        service = (request.service_url or api_base(Network.BLUESKY, DEFAULT_SERVICE)).rstrip("/")
        session = await self._create_session(service, request.handle.lstrip("@"), request.app_password)
        credentials = _credentials(session, service=service, app_password=request.app_password)
        profile = await self._profile(credentials)
        return VerifiedAccount(
            handle=str(session["handle"]),
            display_name=text_or_none(profile.get("displayName")) or str(session["handle"]),
            service_url=credentials["pds"],
            credentials=credentials,
            health=HealthReport.summarise(
                is_active_user=session.get("active", True) is not False, checked_at=self.clock.now()
            ),
            avatar_url=text_or_none(profile.get("avatar")),
        )

    async def _profile(self, credentials: dict[str, str]) -> dict[str, Any]:
        """The account's display name and picture (`app.bsky.actor.getProfile`, via the AppView).

        Empty when the profile cannot be read: a missing name or picture is no reason to refuse a
        sign-in (the handle names the account then).
        """
        try:
            query = {"params": {"actor": credentials["did"]}}
            response = await self._send_authed(credentials, "GET", "app.bsky.actor.getProfile", None, query)
            profile = response.json() if response.is_success else None
        except (PublishError, ValueError):
            return {}
        return profile if isinstance(profile, dict) else {}

    async def _create_session(self, service: str, identifier: str, password: str) -> dict[str, Any]:
        request = self.client.build_request(
            "POST",
            f"{service}/xrpc/com.atproto.server.createSession",
            json={"identifier": identifier, "password": password},
        )
        response = await self._send(request)
        if response.is_success:
            return _session(response)
        error = error_for(response, network=self.network, now=self.clock.now(), reset_parser=_reset)
        if response.status_code in (400, 401):
            reason = server_message(response) or "invalid identifier or password"
            raise AuthExpired(f"Bluesky refused the sign-in: {reason}.")
        raise error

    async def revoke(self, ctx: AccountContext) -> str:
        """App passwords can only be revoked by their owner, in the Bluesky app's settings."""
        return (
            f"To cut Outpost's access at Bluesky too, delete its app password for {ctx.account.handle} "
            f"in Bluesky: Settings → Privacy and security → App passwords."
        )

    async def verify_credentials(self, ctx: AccountContext) -> HealthReport:
        """`getSession` (refreshing the session if needed): active, status; today's video limits."""
        response = await self._xrpc(ctx, "GET", "com.atproto.server.getSession")
        body = read(response, Network.BLUESKY, kind=dict)
        active = body.get("active", True) is not False
        confirmed = body.get("emailConfirmed")
        quota, note = await self._video_health(ctx, confirmed if isinstance(confirmed, bool) else None)
        return HealthReport.summarise(
            is_active_user=active,
            checked_at=self.clock.now(),
            message=note if active else f"Bluesky says the account is {body.get('status', 'inactive')}.",
            quota=quota,
        )

    async def _video_health(
        self, ctx: AccountContext, email_confirmed: bool | None
    ) -> tuple[QuotaLeft | None, str | None]:
        """Videos and bytes left today, and why none can go up if so; (None, None) if unknown.

        A video service that cannot be asked is no reason to call the account unhealthy: text
        and images still go out, and an upload asks again before sending.
        """
        if self._public_video(ctx.account) and bluesky_video.is_private_host(ctx.account.service_url or ""):
            return None, None  # the public service cannot reach this server (`validate` says so)
        try:
            limits = await self._video(ctx).limits(self._service_tokens(ctx), account=ctx.account.ref)
        except AuthExpired:
            raise
        except PublishError as exc:
            log.info("video limits of %s unknown: %s", ctx.account.ref, exc)
            return None, None
        return limits.quota(), limits.note(email_confirmed=email_confirmed)

    # -- publishing ----------------------------------------------------------------------------

    async def upload_media(
        self, ctx: AccountContext, media: MediaAsset, progress: Progress | None = None
    ) -> UploadedMedia:
        """`uploadBlob` of the prepared copy (fitted under the 1 MB limit); a video: the video service."""
        if media.kind == "video":
            return await self._upload_video(ctx, media, progress)
        data = await asyncio.to_thread(Path(media.path).read_bytes)
        response = await self._xrpc(
            ctx,
            "POST",
            "com.atproto.repo.uploadBlob",
            content=data,
            headers={"Content-Type": media.mime_type},
        )
        if progress is not None:
            progress(len(data), len(data))
        blob = read(response, self.network, "blob", kind=dict)
        read_id(response, self.network, "blob", "ref", "$link")
        return UploadedMedia(
            media,
            remote_id=str(blob["ref"]["$link"]),
            extra={
                "blob": json.dumps(blob),
                "width": str(media.width or 1),
                "height": str(media.height or 1),
            },
        )

    async def _upload_video(
        self, ctx: AccountContext, media: MediaAsset, progress: Progress | None
    ) -> UploadedMedia:
        """Limits, upload, processing (see `bluesky_video`); the processed blob to embed."""
        creds = await self._session(ctx)
        if self._public_video(ctx.account) and bluesky_video.is_private_host(creds["pds"]):
            raise Rejected(
                f"Bluesky's video service cannot reach {ctx.account.ref}'s server ({creds['pds']}: "
                f"this computer or a private network) to store the video there.",
                code=ErrorCode.MEDIA_REJECTED,
            )
        blob = await self._video(ctx).upload(
            self._service_tokens(ctx),
            media,
            did=creds["did"],
            pds=creds["pds"],
            account=ctx.account.ref,
            progress=progress,
        )
        return UploadedMedia(
            media,
            remote_id=str(blob["ref"]["$link"]),
            extra={
                "blob": json.dumps(blob),
                "width": str(media.width or 1),
                "height": str(media.height or 1),
            },
        )

    def _public_video(self, account: Account) -> bool:
        """Whether `account`'s videos go to Bluesky's own public video service."""
        return self._video_base(account) == bluesky_video.VIDEO_SERVICE

    def _video_base(self, account: Account) -> str:
        # Nothing written in sandbox mode leaves the computer (issue #17): a sandbox account's
        # server simulates the video service too.
        if is_sandbox(account) and account.service_url:
            return account.service_url.rstrip("/")
        return self.video_service

    def _video(self, ctx: AccountContext) -> bluesky_video.VideoService:
        return bluesky_video.VideoService(
            self.client,
            clock=self.clock,
            base=self._video_base(ctx.account),
            poll_s=self.video_poll_s,
            poll_max_s=self.video_poll_max_s,
        )

    def _service_tokens(self, ctx: AccountContext) -> bluesky_video.ServiceToken:
        """Service tokens from the account's PDS (`com.atproto.server.getServiceAuth`)."""

        async def token(audience: str, method: str, expires: int | None) -> str:
            params: dict[str, str | int] = {"aud": audience, "lxm": method}
            if expires is not None:
                params["exp"] = expires
            response = await self._xrpc(
                ctx, "GET", "com.atproto.server.getServiceAuth", params=params, check=False
            )
            if _error_name(response) == "BadExpiration":
                raise Rejected(
                    f"{ctx.account.ref}'s Bluesky server refused the time Outpost asked its upload "
                    f"permission to last ({server_message(response)}): check that this computer's "
                    f"clock is right, then try again.",
                    code=ErrorCode.VALIDATION_ERROR,
                )
            if not response.is_success:
                raise error_for(response, network=self.network, now=self.clock.now(), reset_parser=_reset)
            return str(read(response, Network.BLUESKY, "token", kind=str, secret=True))

        return token

    async def publish(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        """`createRecord` of an `app.bsky.feed.post` with a client-chosen TID key."""
        creds = await self._session(ctx)
        rich = bluesky_text.build(part.text, await self._resolve_mentions(ctx, part.text))
        now = self.clock.now()
        record: dict[str, Any] = {
            "$type": "app.bsky.feed.post",
            "text": rich.text,
            "createdAt": now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        }
        if rich.facets:
            record["facets"] = rich.facets
        langs = part.options.get("langs")
        if isinstance(langs, list) and langs:
            record["langs"] = [str(lang) for lang in langs[:3]]
        label = part.options.get("content_warning")
        if isinstance(label, str):
            record["labels"] = {"$type": "com.atproto.label.defs#selfLabels", "values": [{"val": label}]}
        if part.root is not None and part.reply_to is not None:
            record["reply"] = {"root": _strong_ref(part.root), "parent": _strong_ref(part.reply_to)}
        embed = await self._embed(ctx, part, rich)
        if embed is not None:
            record["embed"] = embed
        rkey = tid_for(part.idempotency_key, now=now)
        body = {"repo": creds["did"], "collection": "app.bsky.feed.post", "rkey": rkey, "record": record}
        response = await self._xrpc(ctx, "POST", "com.atproto.repo.createRecord", json=body, check=False)
        if not response.is_success:
            # The repo refuses a key that exists (the reference PDS answers 500, not 409): if an
            # earlier try of this very part landed, the record is there under our key.
            existing = (
                await self._existing(ctx, creds["did"], rkey)
                if response.status_code not in (401, 429)
                else None
            )
            if existing is None:
                raise error_for(response, network=self.network, now=self.clock.now(), reset_parser=_reset)
            log.info("post %s already exists (an earlier try landed); using it", rkey)
            response_body = existing
        else:
            response_body = {
                "uri": read_id(response, self.network, "uri"),
                "cid": read_id(response, self.network, "cid"),
            }
        uri, cid = str(response_body["uri"]), str(response_body["cid"])
        return PublishedPart(
            platform_post_id=uri, permalink=permalink(creds["handle"], uri), extra={"cid": cid}
        )

    # -- the first comment (issue #22): the author's reply under the post ----------------------------
    # A reply record names its thread's root and its parent (app.bsky.feed.post `reply`, strong
    # refs): the parent is `on`; the root is `on` itself, or the root `on`'s own record names when
    # `on` is a reply (the last part of a thread). It is one more post, with its own TID key: the
    # comment's key offset far past any thread part's, so a retry finds the record it made.

    first_comment = "self_reply"

    async def post_comment(
        self, ctx: AccountContext, on: PublishedPart, text: str, idempotency_key: str
    ) -> PublishedPart:
        """A reply to `on` (root: `on`'s thread root), with a TID key stable for the comment."""
        record = await self._xrpc(
            ctx,
            "GET",
            "com.atproto.repo.getRecord",
            params={
                "repo": on.platform_post_id.removeprefix("at://").split("/", 1)[0],
                "collection": "app.bsky.feed.post",
                "rkey": on.platform_post_id.rsplit("/", 1)[1],
            },
        )
        value = read(record, self.network, "value", kind=dict)
        reply = value.get("reply")
        root = on
        if isinstance(reply, dict) and isinstance(reply.get("root"), dict):
            ref = reply["root"]
            root = PublishedPart(platform_post_id=str(ref["uri"]), extra={"cid": str(ref["cid"])})
        part = PartRequest(
            index=COMMENT_PART,
            text=text,
            media=(),
            options={},
            idempotency_key=f"{idempotency_key}-{COMMENT_PART}",
            reply_to=on,
            root=root,
        )
        return await self.publish(ctx, part)

    async def _existing(self, ctx: AccountContext, did: str, rkey: str) -> dict[str, Any] | None:
        """The record at `rkey` if an earlier try already created it."""
        response = await self._xrpc(
            ctx,
            "GET",
            "com.atproto.repo.getRecord",
            params={"repo": did, "collection": "app.bsky.feed.post", "rkey": rkey},
            check=False,
        )
        return dict(response.json()) if response.is_success else None

    async def _embed(
        self, ctx: AccountContext, part: PartRequest, rich: bluesky_text.RichText
    ) -> dict[str, Any] | None:
        if part.media and part.media[0].asset.kind == "video":
            return bluesky_video.embed(part.media[0])  # one video per post, alone (the rules)
        if part.media:
            return {
                "$type": "app.bsky.embed.images",
                "images": [
                    {
                        "alt": m.asset.alt_text,
                        "image": json.loads(m.extra["blob"]),
                        "aspectRatio": {"width": int(m.extra["width"]), "height": int(m.extra["height"])},
                    }
                    for m in part.media
                ],
            }
        # A sandbox post never reads the linked page: nothing written in sandbox mode leaves the
        # computer, not even as a request for a link card (issue #17).
        wanted = self.fetch_cards and part.options.get("link_card", True) is not False
        if rich.links and wanted and not is_sandbox(ctx.account):
            return await self._link_card(ctx, rich.links[0])
        return None

    async def _link_card(self, ctx: AccountContext, url: str) -> dict[str, Any] | None:
        """An external embed from the page's OpenGraph tags (`bluesky_cards`); its picture as a blob."""

        async def upload(data: bytes, mime: str) -> dict[str, Any]:
            uploaded = await self._xrpc(
                ctx, "POST", "com.atproto.repo.uploadBlob", content=data, headers={"Content-Type": mime}
            )
            return dict(read(uploaded, Network.BLUESKY, "blob", kind=dict))

        return await bluesky_cards.link_card(self.client, url, upload)

    async def _resolve_mentions(self, ctx: AccountContext, text: str) -> dict[str, str]:
        dids: dict[str, str] = {}
        for handle in bluesky_text.mention_handles(text):
            response = await self._xrpc(
                ctx, "GET", "com.atproto.identity.resolveHandle", params={"handle": handle}, check=False
            )
            did = read(response, Network.BLUESKY, "did", kind=str) if response.is_success else ""
            if did.startswith("did:"):
                dids[handle] = did
            else:
                log.info("mention @%s did not resolve; it stays plain text", handle)
        return dids

    # -- mentions (issue #21): app.bsky.notification.listNotifications ----------------------------
    # Newest first, paged backwards with `cursor`; `reasons` filters on the AppView (older
    # services ignore it, so the reasons are checked here too). Nothing here calls `updateSeen`:
    # reading mentions for Outpost must not mark them read in the creator's Bluesky app. A
    # mention's id is "<indexedAt> <uri>": the time orders them, the URI stops at the cursor.

    can_read_mentions = True
    MENTION_REASONS = ("mention", "reply", "quote")
    MENTIONS_PAGE = 50  # the lexicon's default (max 100)
    MENTIONS_PAGES = 4  # at most this many pages a poll; the rest waits for the next one
    MENTIONS_START = 5  # "the latest few" that start a cursor

    async def mentions(self, ctx: AccountContext, after: str | None) -> list[Mention]:
        """Mentions, replies and quotes of the account newer than the mention id `after`, oldest first.

        `after=""`: from the very first (the account had none when watching began), a few pages.
        """
        paging = after is not None
        since_at, _, since_uri = (after or "").partition(" ")
        since = time_or_none(since_at)
        found: list[Mention] = []
        cursor: str | None = None
        for _ in range(self.MENTIONS_PAGES if paging else 1):
            params: list[tuple[str, str]] = [("reasons", r) for r in self.MENTION_REASONS]
            params.append(("limit", str(self.MENTIONS_PAGE if paging else self.MENTIONS_START)))
            if cursor:
                params.append(("cursor", cursor))
            response = await self._xrpc(ctx, "GET", "app.bsky.notification.listNotifications", params=params)
            body = read(response, Network.BLUESKY, kind=dict)
            reached = False
            for item in body.get("notifications") or []:
                mention = _mention(item, self.MENTION_REASONS) if isinstance(item, dict) else None
                if mention is None:
                    continue
                if after and (item.get("uri") == since_uri or (since and mention.created_at < since)):
                    reached = True
                    break
                found.append(mention)
            cursor = text_or_none(body.get("cursor"))
            if reached or not cursor or not paging:
                break
        return found[::-1]  # the service lists newest first

    # -- after publishing: numbers and history (issue #21) ---------------------------------------------
    # Read from the public AppView, which needs no session (docs.bsky.app, "API Hosts and Auth":
    # public.api.bsky.app serves the app.bsky.* reads unauthenticated; rate limits per IP, answered
    # with 429 and `RateLimit-Reset`). Lexicons: app.bsky.feed.getPosts (at most 25 `uris`, posts
    # that no longer exist are left out), app.bsky.feed.getAuthorFeed (`filter=posts_no_replies`,
    # `cursor`, reposts carry a `reason`), app.bsky.actor.getProfile (`followersCount`). Bluesky
    # shows no impressions: they stay None.

    can_read_metrics = True
    can_list_posts = True

    async def read_metrics(self, ctx: AccountContext, parts: Sequence[PublishedPart]) -> list[MetricReading]:
        """Likes, reposts, replies and quotes of the posts, 25 a request."""
        uris = [p.platform_post_id for p in parts]
        readings: list[MetricReading] = []
        for start in range(0, len(uris), POSTS_PER_REQUEST):
            chunk = uris[start : start + POSTS_PER_REQUEST]
            body = await self._appview_get("app.bsky.feed.getPosts", [("uris", u) for u in chunk])
            now = self.clock.now()
            readings.extend(
                _reading(post, now)
                for post in body.get("posts") or []
                if isinstance(post, dict) and post.get("uri") in chunk
            )
        return readings

    async def follower_count(self, ctx: AccountContext) -> int | None:
        """`followersCount` of the account's profile."""
        body = await self._appview_get("app.bsky.actor.getProfile", [("actor", await self._did(ctx))])
        count = body.get("followersCount")
        return count if isinstance(count, int) else None

    async def recent_posts(
        self, ctx: AccountContext, since: datetime, *, limit: int = 100
    ) -> list[RemotePost]:
        """The account's own posts since `since`, newest first: no replies (the filter), no reposts."""
        did = await self._did(ctx)
        found: list[RemotePost] = []
        cursor: str | None = None
        while len(found) < limit:
            params: list[tuple[str, str | int | float | bool | None]] = [
                ("actor", did),
                ("filter", "posts_no_replies"),
                ("limit", "100"),
            ]
            if cursor:
                params.append(("cursor", cursor))
            body = await self._appview_get("app.bsky.feed.getAuthorFeed", params)
            feed = [entry for entry in body.get("feed") or [] if isinstance(entry, dict)]
            now = self.clock.now()
            for entry in feed:
                post = entry.get("post") or {}
                reason = (entry.get("reason") or {}).get("$type", "")
                if reason.endswith("#reasonRepost") or (post.get("author") or {}).get("did") != did:
                    continue  # someone else's post, reposted
                record = post.get("record") or {}
                created = time_or_none(record.get("createdAt")) or time_or_none(post.get("indexedAt"))
                if created is None:
                    continue
                if created < since:
                    if reason.endswith("#reasonPin"):
                        continue  # a pinned old post comes first; older ones follow in order
                    return found
                found.append(
                    RemotePost(
                        platform_post_id=str(post["uri"]),
                        permalink=permalink(ctx.account.handle, str(post["uri"])),
                        text=str(record.get("text", "")),
                        created_at=created,
                        is_reply="reply" in record,
                        reading=_reading(post, now),
                    )
                )
                if len(found) >= limit:
                    break
            cursor = body.get("cursor") if isinstance(body.get("cursor"), str) else None
            if not feed or not cursor:
                break
        return found

    async def _did(self, ctx: AccountContext) -> str:
        return (await ctx.credentials()).get("did") or ctx.account.handle

    async def _appview_get(
        self, nsid: str, params: list[tuple[str, str | int | float | bool | None]]
    ) -> dict[str, Any]:
        request = self.client.build_request("GET", f"{self.appview}/xrpc/{nsid}", params=params)
        response = await self._send(request)
        if not response.is_success:
            raise error_for(response, network=self.network, now=self.clock.now(), reset_parser=_reset)
        return dict(read(response, Network.BLUESKY, kind=dict))

    # -- read-back verification (issue #20) -------------------------------------------------------

    can_find_posts = True

    async def look_up(self, ctx: AccountContext, part: PublishedPart) -> bool | None:
        """`com.atproto.repo.getRecord` on the account's PDS: there, or `RecordNotFound` (deleted).

        A record deleted from the repository is gone for every app (docs.bsky.app, "Posts":
        deleting is `deleteRecord` of the same collection and rkey).
        """
        repo, collection, rkey = _at_uri(part.platform_post_id)
        response = await self._xrpc(
            ctx,
            "GET",
            "com.atproto.repo.getRecord",
            params={"repo": repo, "collection": collection, "rkey": rkey},
            check=False,
        )
        if response.is_success:
            return True
        if _error_name(response) == "RecordNotFound":
            return False
        raise error_for(response, network=self.network, now=self.clock.now(), reset_parser=_reset)

    async def find_published(self, ctx: AccountContext, text: str, since: datetime) -> PublishedPart | None:
        """The account's post with this text since `since`, from its latest 50 records.

        `com.atproto.repo.listRecords` lists the repository's own `app.bsky.feed.post` records,
        newest first (reposts are another collection). The record holds the text as Outpost
        wrote it, links shortened, so the wanted text is shortened the same way first.
        """
        creds = await self._session(ctx)
        response = await self._xrpc(
            ctx,
            "GET",
            "com.atproto.repo.listRecords",
            params={"repo": creds["did"], "collection": "app.bsky.feed.post", "limit": "50"},
        )
        wanted = _comparable(bluesky_text.build(text).text)
        records = read(response, self.network, "records", kind=list)
        for item in records:
            if not isinstance(item, dict) or not isinstance(item.get("value"), dict):
                continue
            value = item["value"]
            made = time_or_none(value.get("createdAt"))
            if made is not None and made < since:
                continue
            if _comparable(str(value.get("text", ""))) == wanted and item.get("uri") and item.get("cid"):
                uri = str(item["uri"])
                return PublishedPart(
                    platform_post_id=uri,
                    permalink=permalink(creds["handle"], uri),
                    extra={"cid": str(item["cid"])},
                )
        return None

    # -- after publishing: delete (issue #24) ----------------------------------------------------
    # `com.atproto.repo.deleteRecord`; an `app.bsky.feed.post` record has no edit
    # (the app offers none either), so an edit deletes the record and creates a new one.
    can_delete = True
    edit_kind = "repost"
    edit_unavailable = (
        "Bluesky cannot edit a published post: it is deleted and posted again (its likes, reposts, "
        "replies and link are lost)."
    )

    async def delete_published(self, ctx: AccountContext, part: PublishedPart) -> None:
        """`com.atproto.repo.deleteRecord` of the part's `at://did/collection/rkey`.

        Lexicon com.atproto.repo.deleteRecord (docs.bsky.app/docs/api/com-atproto-repo-delete-record):
        input {repo, collection, rkey}; the reference PDS answers 200 for a record already gone.
        """
        creds = await self._session(ctx)
        pieces = part.platform_post_id.removeprefix("at://").split("/")
        if len(pieces) != 3:
            raise Rejected(
                f"{part.platform_post_id!r} is not a Bluesky record address (at://did/collection/rkey)."
            )
        repo, collection, rkey = pieces
        body = {"repo": repo or creds["did"], "collection": collection, "rkey": rkey}
        await self._xrpc(ctx, "POST", "com.atproto.repo.deleteRecord", json=body)

    # -- sessions ------------------------------------------------------------------------------

    async def _session(self, ctx: AccountContext) -> dict[str, str]:
        creds = await ctx.credentials()
        if not creds.get("access_jwt"):
            raise AuthExpired(
                f"No Bluesky session for {ctx.account.ref} in the keyring; reconnect the account."
            )
        return creds

    async def _xrpc(
        self,
        ctx: AccountContext,
        method: str,
        nsid: str,
        *,
        check: bool = True,
        headers: dict[str, str] | None = None,
        **content: Any,
    ) -> httpx.Response:
        """An authenticated XRPC call to the PDS; refreshes the session once on `ExpiredToken`."""
        creds = await self._session(ctx)
        response = await self._send_authed(creds, method, nsid, headers, content)
        if _error_name(response) == "ExpiredToken":
            creds = await self._refreshed(ctx, creds["access_jwt"])
            response = await self._send_authed(creds, method, nsid, headers, content)
        if response.is_success or not check:
            if _error_name(response) in TOKEN_ERRORS:
                raise self._auth_error(response)
            return response
        if _error_name(response) in TOKEN_ERRORS:
            raise self._auth_error(response)
        raise error_for(response, network=self.network, now=self.clock.now(), reset_parser=_reset)

    async def _send_authed(
        self,
        creds: dict[str, str],
        method: str,
        nsid: str,
        headers: dict[str, str] | None,
        content: dict[str, Any],
    ) -> httpx.Response:
        request = self.client.build_request(
            method,
            f"{creds['pds']}/xrpc/{nsid}",
            headers={**(headers or {}), "Authorization": f"Bearer {creds['access_jwt']}"},
            **content,
        )
        return await self._send(request)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        """Send; an error answer comes back to be read (Bluesky names expired tokens in a 400)."""
        return await send(
            self.client, request, network=self.network, clock=self.clock, reset_parser=_reset, check=False
        )

    async def _refreshed(self, ctx: AccountContext, expired_access: str) -> dict[str, str]:
        """New tokens, written to the keyring before use; one refresh per account at a time."""
        async with ctx.lock:
            creds = await self._session(ctx)
            if creds["access_jwt"] != expired_access:
                return creds  # another request refreshed while we waited for the lock
            request = self.client.build_request(
                "POST",
                f"{creds['pds']}/xrpc/com.atproto.server.refreshSession",
                headers={"Authorization": f"Bearer {creds['refresh_jwt']}"},
            )
            response = await self._send(request)
            if response.is_success:
                session = _session(response)
            elif _error_name(response) in TOKEN_ERRORS and creds.get("app_password"):
                log.info("refresh token of %s no longer valid; signing in again", ctx.account.ref)
                session = await self._create_session(
                    creds.get("service", creds["pds"]), creds["did"], creds["app_password"]
                )
            else:
                raise self._auth_error(response)
            fresh = _credentials(
                session, service=creds.get("service", creds["pds"]), app_password=creds.get("app_password")
            )
            fresh["pds"] = creds["pds"] if "didDoc" not in session else fresh["pds"]
            await ctx.replace_credentials(fresh)
            return fresh

    def _auth_error(self, response: httpx.Response) -> AuthExpired:
        reason = server_message(response) or _error_name(response)
        return AuthExpired(
            f"Bluesky answered HTTP {response.status_code}: {reason}. "
            f"Reconnect the account (a new app password may be needed)."
        )


def _mention(item: dict[str, Any], reasons: tuple[str, ...]) -> Mention | None:
    """A notification of one of `reasons` as a `Mention`, dated by when the AppView indexed it."""
    indexed = time_or_none(item.get("indexedAt"))
    uri = str(item.get("uri", ""))
    if item.get("reason") not in reasons or indexed is None or not uri:
        return None
    author = item.get("author") if isinstance(item.get("author"), dict) else {}
    handle = str(author.get("handle", "")) if isinstance(author, dict) else ""
    record = item.get("record") if isinstance(item.get("record"), dict) else {}
    text = str(record.get("text", "")) if isinstance(record, dict) else ""
    return Mention(
        id=f"{item['indexedAt']} {uri}",
        author=f"@{handle}" if handle else "someone",
        text=text,
        url=permalink(handle, uri) if handle and "/app.bsky.feed.post/" in uri else None,
        created_at=indexed,
        extra={"reason": str(item["reason"]), "uri": uri},
    )


PUBLIC_APPVIEW = "https://public.api.bsky.app"
POSTS_PER_REQUEST = 25  # app.bsky.feed.getPosts: `uris` maxLength 25


def _reading(post: dict[str, Any], now: datetime) -> MetricReading:
    """A post view's counts (impressions stay None: Bluesky shows none)."""
    return MetricReading(
        platform_post_id=str(post["uri"]),
        read_at=now,
        likes=count_or_none(post.get("likeCount")),
        reposts=count_or_none(post.get("repostCount")),
        replies=count_or_none(post.get("replyCount")),
        quotes=count_or_none(post.get("quoteCount")),
    )


def _session(response: httpx.Response) -> dict[str, Any]:
    """A `createSession` / `refreshSession` answer, checked for what Outpost keeps of it."""
    for key in ("did", "handle", "accessJwt", "refreshJwt"):
        read(response, Network.BLUESKY, key, kind=str, secret=True)
    return dict(read(response, Network.BLUESKY, kind=dict, secret=True))


def _credentials(session: dict[str, Any], *, service: str, app_password: str | None) -> dict[str, str]:
    creds = {
        "did": str(session["did"]),
        "handle": str(session["handle"]),
        "access_jwt": str(session["accessJwt"]),
        "refresh_jwt": str(session["refreshJwt"]),
        "pds": _pds_of(session) or service,
        "service": service,
    }
    if app_password:
        creds["app_password"] = app_password
    return creds


def _pds_of(session: dict[str, Any]) -> str | None:
    for service in (session.get("didDoc") or {}).get("service", []):
        if service.get("id", "").endswith("#atproto_pds") and service.get("serviceEndpoint"):
            return str(service["serviceEndpoint"]).rstrip("/")
    return None


def _at_uri(uri: str) -> tuple[str, str, str]:
    """`at://<did>/<collection>/<rkey>` as its three parts.

    Raises:
        ValidationError: not a record's address (a damaged store entry).
    """
    pieces = uri.removeprefix("at://").split("/")
    if not uri.startswith("at://") or len(pieces) != 3 or not all(pieces):
        raise ValidationError.single("platform_post_id", f"{uri!r} is not a Bluesky record address.")
    return pieces[0], pieces[1], pieces[2]


def _comparable(text: str) -> str:
    """Text as compared when looking for a post: NFC, runs of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _strong_ref(part: PublishedPart) -> dict[str, str]:
    return {"uri": part.platform_post_id, "cid": part.extra["cid"]}


def _error_name(response: httpx.Response) -> str | None:
    if response.is_success:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return str(body.get("error")) if isinstance(body, dict) and body.get("error") else None


def _reset(response: httpx.Response, now: datetime) -> datetime | None:
    """`Retry-After` (seconds), else `RateLimit-Reset` (epoch seconds)."""
    after = retry_after(response, now)
    if after is not None:
        return after
    value = response.headers.get("ratelimit-reset", "").strip()
    if value.isdigit():
        return datetime.fromtimestamp(int(value), UTC)
    return None


__all__ = ["BlueskyAdapter", "permalink", "tid_for"]
