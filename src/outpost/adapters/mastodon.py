"""Mastodon (and servers speaking its API: GoToSocial, Pleroma/Akkoma, snac…).

Contract notes: `../shared/platforms/x-bluesky-mastodon-threads.md` §3, from the Mastodon docs
(`mastodon/documentation` content/en/methods/{apps,oauth,statuses,media,instance}.md).

- Limits come from the instance (`GET /api/v2/instance`, falling back to `/api/v1/instance`).
- Length is counted as Mastodon counts it: graphemes of content warning + text, every URL as
  `characters_reserved_per_url` (23), `@user@domain` as `@user`.
- Every status create carries `Idempotency-Key` (the server keeps it for an hour), reused on
  every retry of the same part, so a retry cannot post twice: `idempotent_publish = True`.
- Media: `POST /api/v2/media` answers 200 (ready) or 202 (processing: poll `GET /api/v1/media/:id`
  until 200); a status create that hits unprocessed media gets 422 and is retried.
- Tokens do not expire and there are no refresh tokens; a 401 means reconnect.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import html
import json
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx

from outpost.adapters.base import (
    AccountContext,
    AddAccountRequest,
    DeveloperApp,
    MediaHost,
    NativeSchedule,
    NetworkAdapter,
    PartRequest,
    Progress,
    UploadedMedia,
    VerifiedAccount,
)
from outpost.adapters.http import (
    count_or_none,
    error_for,
    read,
    read_id,
    send,
    server_message,
    text_or_none,
    time_or_none,
)
from outpost.auth.oauth import AskPasted, LoopbackRedirect, OpenUrl, Pkce, new_state
from outpost.domain.capabilities import Capabilities, OptionKind, OptionSpec
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.errors import AuthExpired, Problem, PublishError, Rejected, ValidationError
from outpost.domain.media_rules import RULES, MediaRules
from outpost.domain.metrics import Mention, MetricReading, RemotePost
from outpost.domain.models import Account, HealthReport, MediaAsset, Post, PublishedPart, Target
from outpost.domain.text import SpanKind, find_spans, graphemes
from outpost.domain.validation import validate_target
from outpost.media.stream import ProgressReader

log = logging.getLogger("outpost.adapters.mastodon")

APP_NAME = "Outpost"
APP_WEBSITE = "https://github.com/outpost-app/outpost"
# `read:notifications`: mentions of the account (issue #21, `mentions`).
SCOPES_MODERN = "profile write:statuses write:media read:notifications"  # Mastodon ≥ 4.3 (`profile`)
SCOPES_CLASSIC = "read:accounts write:statuses write:media read:notifications"
INSTANCE_TTL = timedelta(hours=1)
MEDIA_POLL_S = 1.0
MEDIA_POLL_MAX_S = 600.0
NOT_PROCESSED_RETRIES = 10
NOT_PROCESSED_MARKER = "processing"

VISIBILITIES = ("public", "unlisted", "private", "direct")
OPTIONS = (
    OptionSpec("visibility", OptionKind.CHOICE, "Who can see the post", VISIBILITIES),
    OptionSpec("spoiler_text", OptionKind.TEXT, "A content warning shown before the post", max_length=500),
    OptionSpec("sensitive", OptionKind.BOOL, "Hide the media behind a sensitive-content warning"),
    OptionSpec("language", OptionKind.TEXT, "The post's language (ISO 639-1, e.g. en)", max_length=3),
)


@dataclasses.dataclass(frozen=True)
class InstanceRules:
    """What one Mastodon server allows (its `configuration`), with mastodon.social's defaults."""

    max_characters: int = 500
    url_weight: int = 23
    max_media: int = 4
    description_limit: int = 1500
    image_size_limit: int = 16_777_216
    video_size_limit: int = 103_809_024
    mime_types: frozenset[str] = frozenset(
        {
            "image/jpeg",
            "image/png",
            "image/gif",
            "image/webp",
            "image/heic",
            "video/mp4",
            "video/webm",
            "video/quicktime",
        }
    )

    def media_rules(self) -> MediaRules:
        """The media table for Mastodon with this server's numbers."""
        base = RULES[Network.MASTODON]
        images = frozenset(m for m in self.mime_types if m.startswith("image/") and m != "image/gif")
        videos = frozenset(m for m in self.mime_types if m.startswith("video/"))
        assert base.image is not None and base.video is not None and base.gif is not None
        return dataclasses.replace(
            base,
            max_items=self.max_media,
            image=dataclasses.replace(
                base.image, types=images or base.image.types, max_bytes=self.image_size_limit
            ),
            gif=dataclasses.replace(base.gif, max_bytes=self.image_size_limit)
            if "image/gif" in self.mime_types
            else None,
            video=dataclasses.replace(
                base.video, types=videos or base.video.types, max_bytes=self.video_size_limit
            ),
        )

    def to_json(self, read_at: datetime) -> str:
        """These rules as saved in the store, with when the server was asked."""
        fields = dataclasses.asdict(self) | {"mime_types": sorted(self.mime_types)}
        return json.dumps({"read_at": read_at.isoformat(), "rules": fields})

    @classmethod
    def from_json(cls, saved: str) -> tuple[datetime, InstanceRules] | None:
        """What `to_json` saved, or None when it cannot be read (then the server is asked again)."""
        try:
            document = json.loads(saved)
            fields = dict(document["rules"])
            fields["mime_types"] = frozenset(fields["mime_types"])
            read_at = datetime.fromisoformat(document["read_at"])
            return read_at, cls(**fields)
        except (ValueError, TypeError, KeyError):
            return None

    @classmethod
    def from_instance(cls, body: dict[str, Any]) -> InstanceRules:
        """Read `configuration` of a v2 (or v1) instance document; missing values keep defaults."""
        config = body.get("configuration") or {}
        statuses = config.get("statuses") or {}
        media = config.get("media_attachments") or {}
        defaults = cls()
        return cls(
            max_characters=int(
                statuses.get("max_characters") or body.get("max_toot_chars") or defaults.max_characters
            ),
            url_weight=int(statuses.get("characters_reserved_per_url") or defaults.url_weight),
            max_media=int(statuses.get("max_media_attachments") or defaults.max_media),
            description_limit=int(media.get("description_limit") or defaults.description_limit),
            image_size_limit=int(media.get("image_size_limit") or defaults.image_size_limit),
            video_size_limit=int(media.get("video_size_limit") or defaults.video_size_limit),
            mime_types=frozenset(media.get("supported_mime_types") or defaults.mime_types),
        )


def _rules_key(instance: str) -> str:
    return f"instance-rules:{instance}"


async def _saved_rules(ctx: AccountContext, instance: str) -> tuple[datetime, InstanceRules] | None:
    saved = await ctx.network_checkpoint(_rules_key(instance))
    return InstanceRules.from_json(saved) if saved else None


def count_length(text: str, *, url_weight: int = 23) -> int:
    """Length as Mastodon counts it: graphemes, URLs as `url_weight`, remote mentions without domain."""
    total, position = 0, 0
    for span in find_spans(text):
        total += graphemes(text[position : span.start])
        if span.kind is SpanKind.LINK:
            total += url_weight
        elif span.kind is SpanKind.MENTION:
            total += graphemes("@" + span.value.split("@")[0])
        else:
            total += graphemes(text[span.start : span.end])
        position = span.end
    return total + graphemes(text[position:])


def normalise_instance(url: str | None) -> str:
    """`https://host[:port]` from what a person typed (`host`, `https://host/`, …)."""
    if not url or not url.strip():
        raise ValidationError.single(
            "--instance",
            "--instance: say which Mastodon server the account is on, e.g. https://mastodon.social.",
        )
    url = url.strip().rstrip("/")
    if "://" not in url:
        url = f"https://{url}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError.single(
            "--instance", f"--instance: {url!r} is not a server address like https://mastodon.social."
        )
    return f"{parts.scheme}://{parts.netloc}"


class MastodonAdapter(NetworkAdapter):
    """Mastodon's REST API, one instance per account."""

    network = Network.MASTODON
    idempotent_publish = True
    #: Mastodon publishes a ScheduledStatus itself; `scheduled_at` must be 5+ minutes ahead.
    native_schedule = NativeSchedule(min_ahead=timedelta(minutes=5))

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        clock: Clock,
        api_base: str | None = None,
        media_host: MediaHost | None = None,
        media_poll_s: float = MEDIA_POLL_S,
        media_poll_max_s: float = MEDIA_POLL_MAX_S,
    ) -> None:
        super().__init__(client, clock=clock, api_base=api_base, media_host=media_host)
        self._instances: dict[str, tuple[datetime, InstanceRules]] = {}  # server → (read at, rules)
        self.media_poll_s = media_poll_s
        self.media_poll_max_s = media_poll_max_s

    # -- rules ---------------------------------------------------------------------------------

    async def capabilities(self, ctx: AccountContext | None) -> Capabilities:
        """The rules of the account's instance (defaults without an account)."""
        rules = (
            await self._rules(ctx, ctx.account.service_url)
            if ctx and ctx.account.service_url
            else InstanceRules()
        )
        return self._capabilities(rules)

    def _capabilities(self, rules: InstanceRules) -> Capabilities:
        return Capabilities(
            network=Network.MASTODON,
            max_length=rules.max_characters,
            length_unit=f"characters (content warning included, links count {rules.url_weight})",
            count_length=lambda text: count_length(text, url_weight=rules.url_weight),
            media=rules.media_rules(),
            max_alt_text=rules.description_limit,
            supports_threads=True,
            options=OPTIONS,
        )

    async def _rules(self, ctx: AccountContext, instance: str) -> InstanceRules:
        """The server's limits, read again once they are an hour old (a clock set back counts as old).

        Kept in memory and in the store (a network checkpoint, shared by the accounts on one
        server): a command run again within the hour asks the server nothing (issue #26: the
        request was a third of a one-shot post's round trips).
        """
        now = self.clock.now()
        cached = self._instances.get(instance) or await _saved_rules(ctx, instance)
        if cached and timedelta(0) <= now - cached[0] < INSTANCE_TTL:
            self._instances[instance] = cached
            return cached[1]
        rules = InstanceRules()
        for path in ("/api/v2/instance", "/api/v1/instance"):
            try:
                response = await self._send("GET", instance, path)
            except PublishError as exc:
                log.info("%s%s: %s", instance, path, exc)
                continue
            rules = InstanceRules.from_instance(response.json())
            break
        else:
            log.warning("cannot read %s's limits; using Mastodon's defaults", instance)
            return rules
        self._instances[instance] = (now, rules)
        await ctx.save_network_checkpoint(_rules_key(instance), rules.to_json(now))
        return rules

    def validate(self, post: Post, target: Target, account: Account, caps: Capabilities) -> list[Problem]:
        """The common rules, with the content warning counted into every part's length."""
        spoiler = target.options.get("spoiler_text")
        extra = graphemes(spoiler) if isinstance(spoiler, str) else 0
        counted = dataclasses.replace(caps, count_length=lambda text: caps.count_length(text) + extra)
        problems = validate_target(post, target, account, counted)
        return problems

    # -- accounts ------------------------------------------------------------------------------

    async def add_account(self, request: AddAccountRequest) -> VerifiedAccount:
        """Check an access token against the instance (`verify_credentials`)."""
        instance = normalise_instance(request.service_url)
        if not request.access_token:
            raise ValidationError.single(
                "--access-token",
                "--access-token: give the token from your server's Preferences → Development, or use "
                "`outpost accounts connect mastodon --instance …` to sign in through the browser.",
            )
        return await self._verified(instance, {"access_token": request.access_token})

    async def connect(
        self,
        *,
        service_url: str | None,
        open_url: OpenUrl,
        app: DeveloperApp | None = None,
        target_id: str | None = None,
        ask_pasted: AskPasted | None = None,
    ) -> VerifiedAccount:
        """Register Outpost on the instance, sign in through the browser, keep the token.

        Mastodon needs no developer app of the person's: Outpost registers itself (`app` unused).
        """
        instance = normalise_instance(service_url)
        modern = await self._discover(instance)
        scopes = SCOPES_MODERN if modern.get("profile") else SCOPES_CLASSIC
        async with LoopbackRedirect() as redirect:
            answer = await self._send(
                "POST",
                instance,
                "/api/v1/apps",
                json={
                    "client_name": APP_NAME,
                    "redirect_uris": redirect.uri,
                    "scopes": scopes,
                    "website": APP_WEBSITE,
                },
            )
            registered = {
                key: read_id(answer, Network.MASTODON, key, secret=True)
                for key in ("client_id", "client_secret")
            }
            state, pkce = new_state(), Pkce.s256() if modern.get("pkce") else None
            query = {
                "response_type": "code",
                "client_id": registered["client_id"],
                "redirect_uri": redirect.uri,
                "scope": scopes,
                "state": state,
            }
            if pkce is not None:
                query |= {"code_challenge": pkce.challenge, "code_challenge_method": pkce.method}
            await open_url(f"{instance}/oauth/authorize?{urlencode(query)}")
            code = await redirect.code(state)
            form = {
                "grant_type": "authorization_code",
                "code": code,
                "client_id": registered["client_id"],
                "client_secret": registered["client_secret"],
                "redirect_uri": redirect.uri,
            }
            if pkce is not None:
                form["code_verifier"] = pkce.verifier
            token = await self._send("POST", instance, "/oauth/token", data=form)
        credentials = {
            "access_token": read_id(token, Network.MASTODON, "access_token", secret=True),
            **registered,
        }
        return await self._verified(instance, credentials)

    async def _discover(self, instance: str) -> dict[str, bool]:
        """What the server's OAuth supports (Mastodon ≥ 4.3 publishes it; older servers 404)."""
        try:
            meta = (await self._send("GET", instance, "/.well-known/oauth-authorization-server")).json()
        except (PublishError, ValueError):
            return {}
        return {
            "pkce": "S256" in (meta.get("code_challenge_methods_supported") or []),
            "profile": "profile" in (meta.get("scopes_supported") or []),
        }

    async def _verified(self, instance: str, credentials: dict[str, str]) -> VerifiedAccount:
        response = await self._send(
            "GET", instance, "/api/v1/accounts/verify_credentials", token=credentials["access_token"]
        )
        username = read_id(response, Network.MASTODON, "username")
        me = read(response, Network.MASTODON, kind=dict)
        host = urlsplit(instance).netloc
        return VerifiedAccount(
            handle=f"{username}@{host}",
            display_name=text_or_none(me.get("display_name")) or username,
            service_url=instance,
            credentials=credentials,
            health=self._health(response),
            avatar_url=text_or_none(me.get("avatar")),
        )

    async def verify_credentials(self, ctx: AccountContext) -> HealthReport:
        """`verify_credentials` plus the rate-limit headers, as a health report."""
        response = await self._send(
            "GET", self._instance(ctx), "/api/v1/accounts/verify_credentials", token=await self._token(ctx)
        )
        return self._health(response)

    async def revoke(self, ctx: AccountContext) -> str:
        """`POST /oauth/revoke` with the app's client credentials (Mastodon docs, methods/oauth.md).

        A token that was pasted in (no app of ours) cannot be revoked by us: the person is told
        where the server lists authorized apps.
        """
        instance = self._instance(ctx)
        credentials = await ctx.credentials()
        token = credentials.get("access_token")
        if not (token and credentials.get("client_id") and credentials.get("client_secret")):
            return (
                f"The token was added by hand, so Outpost cannot revoke it; delete it at "
                f"{instance}/settings/applications (or in the app that created it)."
            )
        await self._send(
            "POST",
            instance,
            "/oauth/revoke",
            data={
                "client_id": credentials["client_id"],
                "client_secret": credentials["client_secret"],
                "token": token,
            },
        )
        return f"Outpost's access was revoked at {urlsplit(instance).netloc}."

    def _health(self, response: httpx.Response) -> HealthReport:
        remaining = response.headers.get("x-ratelimit-remaining")
        limited = remaining is not None and remaining.strip() == "0"
        now = self.clock.now()
        reset = _reset_time(response, now) if limited else None
        return HealthReport.summarise(
            rate_limited=limited,
            rate_limit_reset_at=reset,
            checked_at=now,
            message=f"Rate limited until {reset:%H:%M} UTC" if limited and reset else None,
        )

    # -- publishing ----------------------------------------------------------------------------

    async def upload_media(
        self, ctx: AccountContext, media: MediaAsset, progress: Progress | None = None
    ) -> UploadedMedia:
        """`POST /api/v2/media` (streamed from disk), then wait until the server processed it."""
        instance, token = self._instance(ctx), await self._token(ctx)
        with open(media.path, "rb") as handle:  # noqa: ASYNC230 - httpx streams it in chunks
            reader = ProgressReader(handle, media.size, progress)
            response = await self._send(
                "POST",
                instance,
                "/api/v2/media",
                token=token,
                files={"file": (Path(media.path).name, reader, media.mime_type)},
                data={"description": media.alt_text} if media.alt_text else None,
            )
        body = read(response, Network.MASTODON, kind=dict)
        media_id = read_id(response, Network.MASTODON, "id")
        if response.status_code == 202 or not body.get("url"):
            body = await self._wait_processed(instance, token, media_id)
        return UploadedMedia(media, remote_id=media_id)

    async def _wait_processed(self, instance: str, token: str, media_id: str) -> dict[str, Any]:
        """Poll `GET /api/v1/media/:id`: 206 while processing, 200 once ready (422: it failed).

        Only the status decides (docs.joinmastodon.org/methods/media): a server answering 200
        without a `url` is not waited on for ten minutes.
        """
        # A deadline for waiting on the server's own processing, on asyncio time like the pauses:
        # it measures real seconds spent, not the time of day, and a test's clock standing still
        # cannot make it spin forever (tests shorten `media_poll_s` and `media_poll_max_s`).
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.media_poll_max_s
        while loop.time() < deadline:
            await asyncio.sleep(self.media_poll_s)
            response = await self._send(
                "GET", instance, f"/api/v1/media/{quote(media_id, safe='')}", token=token
            )
            if response.status_code == 200:
                return dict(read(response, Network.MASTODON, kind=dict))
        raise PublishError(
            f"Mastodon was still processing the file after {self.media_poll_max_s:.0f} s; try again later.",
            may_have_taken_effect=False,
        )

    async def publish(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        """`POST /api/v1/statuses` with the part's `Idempotency-Key`."""
        response = await self._create_status(ctx, part, self._status_body(part))
        status = read(response, Network.MASTODON, kind=dict)
        return PublishedPart(
            platform_post_id=read_id(response, Network.MASTODON, "id"),
            permalink=text_or_none(status.get("url")) or text_or_none(status.get("uri")),
        )

    def _status_body(self, part: PartRequest) -> dict[str, Any]:
        body: dict[str, Any] = {"status": part.text}
        if part.media:
            body["media_ids"] = [m.remote_id for m in part.media]
        if part.reply_to is not None:
            body["in_reply_to_id"] = part.reply_to.platform_post_id
        for key in ("visibility", "spoiler_text", "sensitive", "language"):
            if key in part.options:
                body[key] = part.options[key]
        if part.index > 0 and part.options.get("visibility", "public") == "public":
            body["visibility"] = "unlisted"  # replies of one's own thread stay out of public timelines
        return body

    async def _create_status(
        self, ctx: AccountContext, part: PartRequest, body: dict[str, Any]
    ) -> httpx.Response:
        """The create request, sent again (same key) while attached media is still being processed."""
        instance, token = self._instance(ctx), await self._token(ctx)
        for attempt in range(NOT_PROCESSED_RETRIES + 1):
            try:
                response = await self._send(
                    "POST",
                    instance,
                    "/api/v1/statuses",
                    token=token,
                    json=body,
                    headers={"Idempotency-Key": part.idempotency_key},
                )
                break
            except Rejected as exc:
                if NOT_PROCESSED_MARKER not in str(exc).lower() or attempt == NOT_PROCESSED_RETRIES:
                    raise
                await asyncio.sleep(self.media_poll_s)  # real time for the server's processing (as above)
        return response

    # -- Mastodon's own scheduler (docs.joinmastodon.org/methods/scheduled_statuses) ------------------

    async def schedule_on_network(
        self, ctx: AccountContext, part: PartRequest, at: datetime
    ) -> PublishedPart:
        """`POST /api/v1/statuses` with `scheduled_at` (at least 5 minutes ahead): a ScheduledStatus.

        The item keeps a fingerprint of the text: once Mastodon publishes it, the new status has
        an id of its own, and `confirm_on_network` finds it on the account by that fingerprint.
        """
        body = self._status_body(part) | {
            "scheduled_at": at.astimezone(UTC).isoformat().replace("+00:00", "Z")
        }
        response = await self._create_status(ctx, part, body)
        return PublishedPart(
            platform_post_id=read_id(response, Network.MASTODON, "id"),
            extra={"fingerprint": _fingerprint(part.text), "at": body["scheduled_at"]},
        )

    async def reschedule_on_network(
        self, ctx: AccountContext, scheduled: PublishedPart, at: datetime
    ) -> None:
        """`PUT /api/v1/scheduled_statuses/:id` with the new `scheduled_at`."""
        when = at.astimezone(UTC).isoformat().replace("+00:00", "Z")
        await self._send(
            "PUT",
            self._instance(ctx),
            f"/api/v1/scheduled_statuses/{quote(scheduled.platform_post_id, safe='')}",
            token=await self._token(ctx),
            json={"scheduled_at": when},
        )

    async def cancel_on_network(self, ctx: AccountContext, scheduled: PublishedPart) -> None:
        """`DELETE /api/v1/scheduled_statuses/:id`; one already gone (404) is fine."""
        await self._delete_if_there(
            ctx, f"/api/v1/scheduled_statuses/{quote(scheduled.platform_post_id, safe='')}"
        )

    async def confirm_on_network(self, ctx: AccountContext, scheduled: PublishedPart) -> PublishedPart | None:
        """Still a ScheduledStatus (200): not out yet. Gone (404): find the status it became.

        Raises:
            Rejected: Mastodon no longer holds it and the account shows no such post.
        """
        instance, token = self._instance(ctx), await self._token(ctx)
        path = f"/api/v1/scheduled_statuses/{quote(scheduled.platform_post_id, safe='')}"
        try:
            await self._send("GET", instance, path, token=token)
            return None
        except Rejected as exc:
            if not _is_gone(exc):
                raise
        me = read(
            await self._send("GET", instance, "/api/v1/accounts/verify_credentials", token=token),
            Network.MASTODON,
            kind=dict,
        )
        recent = await self._send(
            "GET",
            instance,
            f"/api/v1/accounts/{quote(str(me.get('id', '')), safe='')}/statuses",
            token=token,
            params={"limit": "40", "exclude_reblogs": "true"},
        )
        for status in read(recent, Network.MASTODON, kind=list):
            if isinstance(status, dict) and _fingerprint(
                _plain(str(status.get("content", "")))
            ) == scheduled.extra.get("fingerprint"):
                return PublishedPart(
                    platform_post_id=str(status["id"]),
                    permalink=text_or_none(status.get("url")) or text_or_none(status.get("uri")),
                )
        raise Rejected(
            f"Mastodon no longer holds the post scheduled for {scheduled.extra.get('at', 'its time')} on "
            f"{ctx.account.ref}, and the account does not show it: it was deleted on Mastodon, or the "
            f"server dropped it. Publish it again if you still want it out."
        )

    # -- mentions (issue #21): docs.joinmastodon.org/methods/notifications -------------------------
    # `GET /api/v1/notifications?types[]=mention` needs the `read:notifications` scope (a token
    # without it gets 403 "This action is outside the authorized scopes"). Replies to the account
    # are `mention` notifications too. `min_id` pages forward from the cursor ("results immediately
    # newer than this ID"), so a burst of more than one page is caught up over the next polls
    # instead of skipped, as `since_id` would; the answer is newest first either way.

    can_read_mentions = True
    MENTIONS_PAGE = 40  # the endpoint's default page (max 80)
    MENTIONS_START = 5  # "the latest few" that start a cursor

    async def mentions(self, ctx: AccountContext, after: str | None) -> list[Mention]:
        """Mention notifications newer than the notification id `after`, oldest first.

        `after=""`: from the very first (the account had none when watching began).
        """
        params: list[tuple[str, str]] = [("types[]", "mention")]
        if after is not None:
            params += [("min_id", after or "0"), ("limit", str(self.MENTIONS_PAGE))]
        else:
            params.append(("limit", str(self.MENTIONS_START)))
        request = self.client.build_request(
            "GET",
            f"{self._instance(ctx)}/api/v1/notifications",
            params=tuple(params),
            headers={"Authorization": f"Bearer {await self._token(ctx)}"},
        )
        response = await send(
            self.client,
            request,
            network=Network.MASTODON,
            clock=self.clock,
            reset_parser=_reset_time,
            check=False,
        )
        if response.status_code == 403 and "scope" in (server_message(response) or "").lower():
            raise AuthExpired(
                f"Mastodon: the sign-in of {ctx.account.ref} may not read notifications (it lacks the "
                f"read:notifications scope), so Outpost cannot tell you about mentions. Connect the "
                f"account again (Accounts → Reconnect, or `outpost accounts connect mastodon "
                f"--instance {self._instance(ctx)}`) to allow it."
            )
        if not response.is_success:
            raise error_for(
                response, network=Network.MASTODON, now=self.clock.now(), reset_parser=_reset_time
            )
        found = [
            mention
            for item in read(response, Network.MASTODON, kind=list)
            if isinstance(item, dict) and (mention := _mention(item)) is not None
        ]
        return sorted(found, key=lambda m: (len(m.id), m.id))  # ids sort as numbers (or ULIDs)

    # -- the first comment (issue #22): the author's reply, in the post's own audience -------------
    # docs.joinmastodon.org/methods/statuses: POST /api/v1/statuses takes `in_reply_to_id` and the
    # same `Idempotency-Key` header as any status; GET /api/v1/statuses/:id gives the parent's
    # `visibility`, which the reply keeps (a reply wider than its post would be odd; narrower, lost).

    first_comment = "self_reply"

    async def post_comment(
        self, ctx: AccountContext, on: PublishedPart, text: str, idempotency_key: str
    ) -> PublishedPart:
        """A status replying to `on` with `on`'s visibility, sent with the comment's idempotency key."""
        instance, token = self._instance(ctx), await self._token(ctx)
        parent = read(
            await self._send(
                "GET", instance, f"/api/v1/statuses/{quote(on.platform_post_id, safe='')}", token=token
            ),
            Network.MASTODON,
            kind=dict,
        )
        body = {
            "status": text,
            "in_reply_to_id": on.platform_post_id,
            "visibility": text_or_none(parent.get("visibility")) or "public",
        }
        response = await self._send(
            "POST",
            instance,
            "/api/v1/statuses",
            token=token,
            json=body,
            headers={"Idempotency-Key": idempotency_key},
        )
        status = read(response, Network.MASTODON, kind=dict)
        return PublishedPart(
            platform_post_id=read_id(response, Network.MASTODON, "id"),
            permalink=text_or_none(status.get("url")) or text_or_none(status.get("uri")),
        )

    # -- after publishing: numbers and history (issue #21) ---------------------------------------------
    # docs.joinmastodon.org/methods/statuses ("View multiple statuses", 4.3+: `GET /api/v1/statuses
    # ?id[]=`, older servers 404 it and each status is read alone), methods/accounts ("Get account's
    # statuses": `exclude_reblogs`, `exclude_replies`, `max_id` paging, at most 40 a page) and
    # entities/Status (`favourites_count`, `reblogs_count`, `replies_count`; `quotes_count` only on
    # servers with quote posts). Mastodon shows no impressions: they stay None.

    can_read_metrics = True
    can_list_posts = True

    async def read_metrics(self, ctx: AccountContext, parts: Sequence[PublishedPart]) -> list[MetricReading]:
        """The statuses' counts, 20 a request (one by one before Mastodon 4.3); deleted ones left out."""
        instance, token = self._instance(ctx), await self._token(ctx)
        ids = [p.platform_post_id for p in parts]
        statuses: list[dict[str, Any]] = []
        for start in range(0, len(ids), STATUSES_PER_REQUEST):
            chunk = ids[start : start + STATUSES_PER_REQUEST]
            try:
                response = await self._send(
                    "GET", instance, "/api/v1/statuses", token=token, params=[("id[]", i) for i in chunk]
                )
            except Rejected as exc:
                if not _is_gone(exc):
                    raise
                statuses.extend(await self._one_by_one(instance, token, chunk))
                continue
            statuses.extend(s for s in read(response, Network.MASTODON, kind=list) if isinstance(s, dict))
        now = self.clock.now()
        return [_reading(s, now) for s in statuses if str(s.get("id")) in ids]

    async def _one_by_one(self, instance: str, token: str, ids: Sequence[str]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for status_id in ids:
            try:
                response = await self._send(
                    "GET", instance, f"/api/v1/statuses/{quote(status_id, safe='')}", token=token
                )
            except Rejected as exc:
                if _is_gone(exc):
                    continue  # deleted on Mastodon: no numbers, not an error
                raise
            found.append(dict(read(response, Network.MASTODON, kind=dict)))
        return found

    async def follower_count(self, ctx: AccountContext) -> int | None:
        """`followers_count` of `verify_credentials`."""
        response = await self._send(
            "GET", self._instance(ctx), "/api/v1/accounts/verify_credentials", token=await self._token(ctx)
        )
        count = read(response, Network.MASTODON, kind=dict).get("followers_count")
        return count if isinstance(count, int) else None

    async def recent_posts(
        self, ctx: AccountContext, since: datetime, *, limit: int = 100
    ) -> list[RemotePost]:
        """The account's own statuses since `since`, newest first, no boosts or replies (`max_id` pages)."""
        instance, token = self._instance(ctx), await self._token(ctx)
        me = read(
            await self._send("GET", instance, "/api/v1/accounts/verify_credentials", token=token),
            Network.MASTODON,
            kind=dict,
        )
        path = f"/api/v1/accounts/{quote(str(me.get('id', '')), safe='')}/statuses"
        found: list[RemotePost] = []
        max_id: str | None = None
        while len(found) < limit:
            params = {"limit": "40", "exclude_reblogs": "true", "exclude_replies": "true"}
            if max_id is not None:
                params["max_id"] = max_id
            page = read(
                await self._send("GET", instance, path, token=token, params=params),
                Network.MASTODON,
                kind=list,
            )
            statuses = [s for s in page if isinstance(s, dict)]
            if not statuses:
                break
            now = self.clock.now()
            for status in statuses:
                created = time_or_none(status.get("created_at"))
                if created is None or status.get("reblog"):
                    continue
                if created < since:
                    return found
                found.append(
                    RemotePost(
                        platform_post_id=str(status["id"]),
                        permalink=text_or_none(status.get("url")) or text_or_none(status.get("uri")),
                        text=_plain(str(status.get("content", ""))).strip(),
                        created_at=created,
                        is_reply=status.get("in_reply_to_id") is not None,
                        reading=_reading(status, now),
                    )
                )
                if len(found) >= limit:
                    break
            max_id = str(statuses[-1]["id"])
        return found

    # -- read-back verification (issue #20; docs.joinmastodon.org/methods/statuses/#get) ----------

    can_find_posts = True

    async def look_up(self, ctx: AccountContext, part: PublishedPart) -> bool | None:
        """`GET /api/v1/statuses/:id`: 200 it is there, 404 it was deleted (or removed by the server)."""
        try:
            await self._send(
                "GET",
                self._instance(ctx),
                f"/api/v1/statuses/{quote(part.platform_post_id, safe='')}",
                token=await self._token(ctx),
            )
        except Rejected as exc:
            if _is_gone(exc):
                return False
            raise
        return True

    async def find_published(self, ctx: AccountContext, text: str, since: datetime) -> PublishedPart | None:
        """The account's status with this text since `since`, from its latest 40 (no boosts).

        Mastodon hands statuses back as HTML, so texts are compared by the same whitespace-free
        fingerprint a handed-over post is confirmed by (`GET /api/v1/accounts/:id/statuses`).
        """
        instance, token = self._instance(ctx), await self._token(ctx)
        me = read(
            await self._send("GET", instance, "/api/v1/accounts/verify_credentials", token=token),
            Network.MASTODON,
            kind=dict,
        )
        listing = await self._send(
            "GET",
            instance,
            f"/api/v1/accounts/{quote(str(me.get('id', '')), safe='')}/statuses",
            token=token,
            params={"limit": "40", "exclude_reblogs": "true"},
        )
        wanted = _fingerprint(text)
        for status in read(listing, Network.MASTODON, kind=list):
            if not isinstance(status, dict) or "id" not in status:
                continue
            made = time_or_none(status.get("created_at"))
            if made is not None and made < since:
                continue
            if _fingerprint(_plain(str(status.get("content", "")))) == wanted:
                return PublishedPart(
                    platform_post_id=str(status["id"]),
                    permalink=text_or_none(status.get("url")) or text_or_none(status.get("uri")),
                )
        return None

    # -- after publishing: edit and delete (issue #24) --------------------------------------------
    # docs.joinmastodon.org/methods/statuses: `DELETE /api/v1/statuses/:id` answers the deleted
    # status (404 once gone); `PUT /api/v1/statuses/:id` (3.5.0+) takes status, spoiler_text,
    # sensitive, language, `media_ids[]` and `media_attributes[][id|description|focus]`, the way
    # to change the alt text of media kept on an edited status.
    can_delete = True
    edit_kind = "in_place"
    edit_takes_media = True

    async def delete_published(self, ctx: AccountContext, part: PublishedPart) -> None:
        """`DELETE /api/v1/statuses/:id`; a status already gone (404) is deleted."""
        await self._delete_if_there(ctx, f"/api/v1/statuses/{quote(part.platform_post_id, safe='')}")

    async def _delete_if_there(self, ctx: AccountContext, path: str) -> None:
        """`DELETE path`; what is already gone (404) counts as deleted."""
        try:
            await self._send("DELETE", self._instance(ctx), path, token=await self._token(ctx))
        except Rejected as exc:
            if not _is_gone(exc):
                raise

    async def edit_published(
        self, ctx: AccountContext, part: PublishedPart, new: PartRequest
    ) -> PublishedPart:
        """`PUT /api/v1/statuses/:id` with the new text, media and each file's alt text."""
        body: dict[str, Any] = {"status": new.text}
        if not new.media_unchanged:  # without `media_ids` Mastodon keeps the status's media
            body["media_ids"] = [m.remote_id for m in new.media]
        if new.media:
            body["media_attributes"] = [
                {"id": m.remote_id, "description": m.asset.alt_text or ""} for m in new.media
            ]
        for key in ("spoiler_text", "sensitive", "language"):
            if key in new.options:
                body[key] = new.options[key]
        response = await self._send(
            "PUT",
            self._instance(ctx),
            f"/api/v1/statuses/{quote(part.platform_post_id, safe='')}",
            token=await self._token(ctx),
            json=body,
        )
        status = read(response, Network.MASTODON, kind=dict)
        return PublishedPart(
            platform_post_id=read_id(response, Network.MASTODON, "id"),
            permalink=text_or_none(status.get("url")) or text_or_none(status.get("uri")) or part.permalink,
            extra=part.extra,
        )

    # -- plumbing ------------------------------------------------------------------------------

    def _instance(self, ctx: AccountContext) -> str:
        if not ctx.account.service_url:
            raise ValidationError.single(
                "--instance", f"{ctx.account.ref} has no server address; add it again."
            )
        return ctx.account.service_url

    async def _token(self, ctx: AccountContext) -> str:
        token = (await ctx.credentials()).get("access_token")
        if not token:
            raise AuthExpired(f"No access token for {ctx.account.ref} in the keyring; reconnect the account.")
        return token

    async def _send(
        self,
        method: str,
        instance: str,
        path: str,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        **content: Any,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        request = self.client.build_request(method, f"{instance}{path}", headers=all_headers, **content)
        return await send(
            self.client, request, network=Network.MASTODON, clock=self.clock, reset_parser=_reset_time
        )


def _mention(item: dict[str, Any]) -> Mention | None:
    """A `mention` Notification as a `Mention` (None for anything else or without a status)."""
    status, author = item.get("status"), item.get("account")
    if item.get("type") != "mention" or not isinstance(status, dict) or not item.get("id"):
        return None
    acct = str(author.get("acct", "")) if isinstance(author, dict) else ""
    created = time_or_none(item.get("created_at")) or datetime.now(UTC)
    return Mention(
        id=str(item["id"]),
        author=f"@{acct}" if acct else "someone",
        text=_shown_text(str(status.get("content", ""))),
        url=text_or_none(status.get("url")) or text_or_none(status.get("uri")),
        created_at=created,
        extra={"status_id": str(status.get("id", ""))},
    )


def _shown_text(content: str) -> str:
    """A status's HTML as the words it shows, on one line.

    Inline tags are dropped (`@<span>bob</span>` is `@bob`); paragraphs and line breaks are a space.
    """
    spaced = re.sub(r"<br\s*/?>|</p>\s*<p>", " ", content)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", spaced)).split())


STATUSES_PER_REQUEST = 20  # `GET /api/v1/statuses` takes at most 20 ids (StatusesController)


def _reading(status: dict[str, Any], now: datetime) -> MetricReading:
    """A status's counts; impressions stay None (Mastodon has none), quotes where the server has them."""
    return MetricReading(
        platform_post_id=str(status["id"]),
        read_at=now,
        likes=count_or_none(status.get("favourites_count")),
        reposts=count_or_none(status.get("reblogs_count")),
        replies=count_or_none(status.get("replies_count")),
        quotes=count_or_none(status.get("quotes_count")),
    )


def _plain(content: str) -> str:
    """A status's HTML `content` as the text it shows (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", content))


def _is_gone(exc: Rejected) -> bool:
    """Mastodon answered 404: the scheduled status is not there (any more)."""
    return "HTTP 404" in str(exc)


def _fingerprint(text: str) -> str:
    """The text with every space removed, hashed: what survives Mastodon turning it into HTML."""
    return hashlib.sha256(re.sub(r"\s+", "", text).encode()).hexdigest()[:32]


def _reset_time(response: httpx.Response, now: datetime) -> datetime | None:
    """`X-RateLimit-Reset`: ISO-8601 on Mastodon, an epoch integer on GoToSocial."""
    value = response.headers.get("x-ratelimit-reset")
    if not value:
        return None
    value = value.strip()
    try:
        if value.isdigit():
            return datetime.fromtimestamp(int(value), UTC)
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


__all__ = ["MastodonAdapter", "count_length"]
