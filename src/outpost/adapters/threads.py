"""Threads (the Threads API on graph.threads.net) with the creator's own Meta app.

Contract notes: `../shared/platforms/x-bluesky-mastodon-threads.md` §4, checked against
developers.facebook.com/documentation/threads (posts, get-started, long-lived-tokens,
troubleshooting, overview, retrieve-and-manage-replies).

- Signing in: Threads redirects only to https addresses, so the person pastes back the address
  the browser ended on (`tokens.sign_in_by_paste`); the short-lived token becomes a 60-day one
  and is renewed before it ends (adapters/threads_auth.py). `accounts add threads
  --access-token` takes a long-lived token made elsewhere.
- Text: 500 characters with emoji counted as UTF-8 bytes, at most 5 distinct links
  (adapters/threads_text.py). Media: image, video, or a carousel of 2–20, each fetched by
  Threads from the creator's media host (adapters/threads_containers.py).
- Publishing: the 24-hour quota (`threads_publishing_limit`, 250 posts) is read first and a
  used-up quota is refused with its reset time; then container → FINISHED → `threads_publish`
  → permalink. A thread's parts are replies (`reply_to_id`) to the part before.
- Never twice: the container id is saved as a checkpoint before `threads_publish`. A container
  is published at most once, so a re-sent publish (after a lost answer or a restart) first asks
  the container: PUBLISHED means done (the post is found among the account's recent threads),
  FINISHED means publish it. Hence `idempotent_publish = True`.
- Errors: Graph API codes (190, 4/17/32/613, 368, media) in Outpost's words
  (adapters/meta_errors.py), plus Threads' own markers (`THREADS_API__LINK_LIMIT_EXCEEDED`).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from outpost.adapters import threads_text
from outpost.adapters.base import (
    SET_MEDIA_HOST,
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
from outpost.adapters.http import read, read_id, send, text_or_none
from outpost.adapters.instagram_errors import MissingPermission
from outpost.adapters.local_media import LocalMediaHost
from outpost.adapters.meta_errors import AUTH_CODES, GraphError, graph_error
from outpost.adapters.meta_insights import insight_values, is_gone, lacks_permission, page_of
from outpost.adapters.oauth_app import OAuthAppAdapter, local_api
from outpost.adapters.threads_auth import REFRESH_WHEN_LEFT, ThreadsTokens
from outpost.adapters.threads_containers import POLL_S, WAIT_MAX_S, Containers
from outpost.adapters.tokens import expires_at
from outpost.auth.oauth import AskPasted, OpenUrl
from outpost.domain.capabilities import Capabilities, OptionKind, OptionSpec
from outpost.domain.clock import Clock
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import (
    NetworkUnavailable,
    Problem,
    PublishError,
    RateLimited,
    Rejected,
    ServerError,
    ValidationError,
)
from outpost.domain.media_rules import RULES
from outpost.domain.metrics import MetricReading, RemotePost
from outpost.domain.models import Account, HealthReport, MediaAsset, Post, PublishedPart, QuotaLeft, Target
from outpost.domain.validation import validate_target

log = logging.getLogger("outpost.adapters.threads")

GRAPH_VERSION = "v1.0"
MAX_ALT_TEXT = 1000  # tirthpatell/threads-api constants.rs MAX_ALT_TEXT_LENGTH (docs: UNCONFIRMED)
TOPIC_TAG_MAX = 50  # posts docs: "1 to 50 characters", without periods or ampersands
QUOTA_WINDOW = timedelta(hours=24)
FIND_SLACK = timedelta(minutes=5)  # clocks differ: look a little before the container was made
PROFILE_FIELDS = "id,username,name,threads_profile_picture_url"
POST_FIELDS = "id,text,timestamp,media_type,permalink,is_reply"
#: `shares` exists too, but a reading has no place for it (reposts are Threads' reposts).
INSIGHT_METRICS = "views,likes,replies,reposts,quotes"
INSIGHTS_PERMISSION = "threads_manage_insights"
PUBLISH_PERMISSION = "threads_content_publish"

OPTIONS = (
    OptionSpec(
        "reply_control",
        OptionKind.CHOICE,
        "Who can reply: everyone, accounts you follow, or only accounts you mention",
        ("everyone", "accounts_you_follow", "mentioned_only"),
    ),
    OptionSpec(
        "topic_tag",
        OptionKind.TEXT,
        "A topic the post is filed under on Threads (1–50 characters, no . or &)",
        max_length=TOPIC_TAG_MAX,
    ),
)


class ThreadsAdapter(OAuthAppAdapter):
    """The Threads API for one Threads profile."""

    network: ClassVar[Network] = Network.THREADS
    idempotent_publish: ClassVar[bool] = True  # by container checkpoints: see the module docstring
    can_find_posts: ClassVar[bool] = True
    refresh_margin: ClassVar[timedelta] = REFRESH_WHEN_LEFT
    can_read_metrics: ClassVar[bool] = True
    can_list_posts: ClassVar[bool] = True
    first_comment: ClassVar[FirstCommentKind | None] = "self_reply"

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        clock: Clock,
        api_base: str | None = None,
        media_host: MediaHost | None = None,
        poll_s: float = POLL_S,
        wait_max_s: float = WAIT_MAX_S,
    ) -> None:
        """Make the adapter; `poll_s` is the first wait between container checks (tests shorten it)."""
        super().__init__(client, clock=clock, api_base=api_base, media_host=media_host)
        self._threads_tokens = ThreadsTokens(client, clock=clock)
        self._containers = Containers(self._authorised, poll_s=poll_s, wait_max_s=wait_max_s)

    # -- rules ---------------------------------------------------------------------------------

    async def capabilities(self, ctx: AccountContext | None) -> Capabilities:
        """500 characters (emoji count their UTF-8 bytes), images/video/carousels, threads."""
        return Capabilities(
            network=Network.THREADS,
            max_length=threads_text.MAX_LENGTH,
            length_unit=threads_text.LENGTH_UNIT,
            count_length=threads_text.count_length,
            media=RULES[Network.THREADS],
            max_alt_text=MAX_ALT_TEXT,
            supports_threads=True,
            options=OPTIONS,
        )

    def validate(self, post: Post, target: Target, account: Account, caps: Capabilities) -> list[Problem]:
        """The common rules, plus: at most 5 links per part, a usable topic tag, a media host."""
        problems = validate_target(post, target, account, caps)
        common = {"network": Network.THREADS.value, "account": account.ref}
        for index, text in enumerate(post.parts_for(target)):
            found = threads_text.links(text)
            if len(found) > threads_text.MAX_LINKS:
                field = (
                    ("text" if target.text_override is None else f"--text-for {account.ref}")
                    if index == 0
                    else (f"thread[{index}]")
                )
                problems.append(
                    Problem(
                        field=field,
                        rule="max_links",
                        limit=threads_text.MAX_LINKS,
                        actual=len(found),
                        message=f"{field}: {len(found)} different links for {account.ref}, but Threads takes "
                        f"at most {threads_text.MAX_LINKS} per post. Remove some, or move them to another "
                        f"part of the thread.",
                        **common,
                    )
                )
        tag = target.options.get("topic_tag")
        if isinstance(tag, str) and (not tag.strip() or "." in tag or "&" in tag):
            problems.append(
                Problem(
                    field="--option threads.topic_tag",
                    rule="topic_tag",
                    actual=tag,
                    message=f"--option threads.topic_tag: {tag!r} cannot be a Threads topic "
                    f"(1–50 characters, without . or &).",
                    **common,
                )
            )
        if post.all_media and not self._media_host_for(account).configured:
            problems.append(
                Problem(
                    field="media_host",
                    rule="media_host",
                    message=f"media_host: Threads fetches photos and videos from a public address, and no "
                    f"media host is set, so {account.ref} cannot get the attached files: {SET_MEDIA_HOST}. "
                    f"Text-only posts need none.",
                    **common,
                )
            )
        return problems

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
        """Sign in on threads.com, paste the address back, trade the token for a 60-day one."""
        short = await self._sign_in(app, open_url, ask_pasted=ask_pasted)
        assert app is not None  # _sign_in refused otherwise
        if not app.client_secret:
            raise ValidationError.single(
                "client_secret",
                "client_secret: Threads needs your app's Threads app secret to finish signing in; set it "
                "with `outpost apps set threads --client-id ID --client-secret-stdin --redirect-url URL`.",
            )
        credentials = await self._threads_tokens.long_lived(self._api, short, app.client_secret)
        return await self._verified(credentials, None)

    async def add_account(self, request: AddAccountRequest) -> VerifiedAccount:
        """Accept a long-lived token made elsewhere, once `GET /me` confirms whose it is."""
        if not request.access_token:
            raise ValidationError.single(
                "--access-token",
                "--access-token: give a long-lived Threads user access token (from your Meta app's "
                "Threads use case), or run `outpost accounts connect threads` to sign in through the "
                "browser.",
            )
        if request.refresh_token:
            raise ValidationError.single(
                "--refresh-token",
                "--refresh-token: Threads has no refresh tokens; Outpost renews the access token itself. "
                "Leave --refresh-token out.",
            )
        credentials = {"access_token": request.access_token}
        if request.expires_at is not None:
            credentials["expires_at"] = request.expires_at.astimezone(UTC).isoformat()
        return await self._verified(credentials, local_api(request.service_url))

    async def _verified(self, credentials: dict[str, str], base: str | None) -> VerifiedAccount:
        """Who the token belongs to, and the health of the new account."""
        api = base or self._api
        response = await self._request(
            "GET", f"/{GRAPH_VERSION}/me", token=credentials["access_token"], base=api,
            params={"fields": PROFILE_FIELDS},
        )  # fmt: skip
        user_id = read_id(response, Network.THREADS, "id")
        username = read_id(response, Network.THREADS, "username")
        me = read(response, Network.THREADS, kind=dict)
        credentials = {**credentials, "user_id": user_id}
        health = await self._health(credentials, api, user_id)
        return VerifiedAccount(
            handle=username,
            display_name=text_or_none(me.get("name")) or username,
            service_url=base,
            credentials=credentials,
            health=health,
            target_id=user_id,
            avatar_url=text_or_none(me.get("threads_profile_picture_url")),
        )

    async def verify_credentials(self, ctx: AccountContext) -> HealthReport:
        """Renew the token if due, `GET /me`, and read the publishing quota for the card."""
        await self._authorised(ctx, "GET", "/me", params={"fields": "id"})
        credentials = await ctx.credentials()
        return await self._health(credentials, self._base(ctx), self._user(ctx))

    async def _health(self, credentials: dict[str, str], api: str, user_id: str) -> HealthReport:
        """Sign-in end, the quota left today, and whether the sign-in may publish at all."""
        now = self.clock.now()
        quota = await self._quota(credentials["access_token"], api, user_id)
        missing: tuple[str, ...] = () if quota is not None else (PUBLISH_PERMISSION,)
        ends = expires_at(credentials)
        report = HealthReport.summarise(
            token_has_scopes=not missing,
            missing_permissions=missing,
            quota=quota,
            checked_at=now,
            sign_in_ends_at=ends,
        )
        if missing:
            message = (
                "This sign-in cannot publish: it lacks threads_content_publish. Add that permission to "
                "your Meta app's Threads use case, then reconnect the account and allow it."
            )
        elif report.sign_in_ending and ends is not None:
            message = (
                f"The Threads sign-in ends on {ends:%Y-%m-%d} and Outpost could not renew it yet; "
                f"reconnect the account before then."
            )
        elif quota is not None and quota.left == 0:
            message = (
                f"All {quota.limit} posts Threads allows in 24 hours are used; more become possible as "
                f"the oldest of them pass 24 hours."
            )
        else:
            return report
        return report.model_copy(update={"message": message})

    async def revoke(self, ctx: AccountContext) -> str:
        """Threads offers apps no way to revoke their own access: say where the person can."""
        return (
            "Threads offers no way for Outpost to revoke its own access; remove it in Threads: "
            "Settings → Account → Website permissions → Active, then Remove next to your app."
        )

    # -- media ---------------------------------------------------------------------------------

    async def upload_media(
        self, ctx: AccountContext, media: MediaAsset, progress: Progress | None = None
    ) -> UploadedMedia:
        """Nothing leaves the computer yet: files go to the media host in `publish`.

        Threads fetches each file from the media host while it processes the post's container,
        and the file is deleted right after (threads_containers.py). Putting it there now
        could leave it behind if a later file of the post failed, so this only checks that a
        media host is set.
        """
        if not self._media_host_for(ctx.account).configured:
            raise ValidationError.single(
                "media_host", f"Threads fetches photos and videos from a public address: {SET_MEDIA_HOST}."
            )
        if progress is not None:
            progress(media.size, media.size)
        return UploadedMedia(media, remote_id=media.id)

    # -- publishing ----------------------------------------------------------------------------

    async def publish(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        """One post or reply: quota, container, FINISHED, `threads_publish`, permalink."""
        name = _checkpoint(part)
        saved = await ctx.checkpoint(name)
        if saved is not None:
            resumed = await self._resume(ctx, part, saved)
            if resumed is not None:
                return resumed
        if part.index == 0:
            await self._refuse_if_quota_used(ctx)
        made_at = self.clock.now()
        container = await self._make_container(ctx, part)
        await ctx.save_checkpoint(name, f"{container} {made_at.isoformat()}")
        await self._containers.wait(ctx, container, "the post")
        return await self._publish_container(ctx, part, container, made_at)

    async def _make_container(self, ctx: AccountContext, part: PartRequest) -> str:
        fields: dict[str, str] = {}
        if part.text:
            fields["text"] = part.text
        if part.reply_to is not None:
            fields["reply_to_id"] = part.reply_to.platform_post_id
        control = part.options.get("reply_control")
        if isinstance(control, str) and control:
            fields["reply_control"] = control
        tag = part.options.get("topic_tag")
        if part.index == 0 and isinstance(tag, str) and tag.strip():
            fields["topic_tag"] = tag.strip()
        user = self._user(ctx)
        files = [m.asset for m in part.media]
        if files:
            host = self._media_host_for(ctx.account)
            return await self._containers.media(ctx, user, files, fields, host)
        return await self._containers.create(ctx, user, {"media_type": "TEXT", **fields})

    async def _publish_container(
        self, ctx: AccountContext, part: PartRequest, container: str, made_at: datetime
    ) -> PublishedPart:
        """`threads_publish`; a lost or unclear answer is settled by asking the container."""
        try:
            response = await self._send(
                ctx, "POST", f"/{self._user(ctx)}/threads_publish", data={"creation_id": container}
            )
        except PublishError as exc:  # the answer was lost: Threads may have published
            return await self._settled_or_retry(ctx, part, container, made_at, exc)
        if not response.is_success:
            error = self._error(response)
            # A 5xx, or code 10, which Threads sends for some publishes that went through
            # (tirthpatell/threads-api posts_publish_recovery.rs): ask the container.
            unclear = error.may_have_taken_effect or GraphError.parse(response).code == 10
            if not unclear:
                raise error  # a clear refusal: the container is unpublished and stays usable
            return await self._settled_or_retry(ctx, part, container, made_at, error)
        media_id = read_id(response, Network.THREADS, "id")
        return PublishedPart(platform_post_id=media_id, permalink=await self._permalink(ctx, media_id))

    async def _settled_or_retry(
        self, ctx: AccountContext, part: PartRequest, container: str, made_at: datetime, cause: PublishError
    ) -> PublishedPart:
        settled = await self._settle(ctx, part, container, made_at)
        if settled is None:
            raise NetworkUnavailable(
                f"{cause} Threads has not shown the post as published yet; on the next try Outpost asks "
                f"its container again and publishes it only if Threads has not (never twice).",
                may_have_taken_effect=True,
            ) from None
        return settled

    async def _resume(self, ctx: AccountContext, part: PartRequest, saved: str) -> PublishedPart | None:
        """A try after one that made a container: publish it, find it, or start again (None)."""
        container, _, when = saved.partition(" ")
        made_at = _time(when) or self.clock.now() - QUOTA_WINDOW
        status = await self._containers.status(ctx, container)
        if status.value == "PUBLISHED":
            return await self._found_or_raise(ctx, part, made_at)
        if status.value in ("ERROR", "EXPIRED"):
            log.info("container %s of %s is %s; making a new one", container, ctx.account.ref, status.value)
            await ctx.forget_checkpoint(_checkpoint(part))
            return None
        await self._containers.wait(ctx, container, "the post")
        return await self._publish_container(ctx, part, container, made_at)

    async def _settle(
        self, ctx: AccountContext, part: PartRequest, container: str, made_at: datetime
    ) -> PublishedPart | None:
        """After an unclear publish: the post if the container says PUBLISHED, else None."""
        try:
            status = await self._containers.status(ctx, container)
        except PublishError:
            status = None
        if status is None or status.value != "PUBLISHED":
            return None
        return await self._found_or_raise(ctx, part, made_at)

    async def _found_or_raise(
        self, ctx: AccountContext, part: PartRequest, made_at: datetime
    ) -> PublishedPart:
        """The published part, found among the account's posts; else a retryable error (never a resend)."""
        why = "it does not show among the account's recent posts yet"
        try:
            found = await self._find(ctx, part.text, made_at - FIND_SLACK, reply=part.reply_to is not None)
        except PublishError as exc:
            found, why = None, f"reading the account's recent posts failed ({exc})"
        if found is not None:
            return found
        raise ServerError(
            f"Threads published part {part.index + 1} on {ctx.account.ref}, but {why}, so Outpost cannot "
            f"tell its address. It will not publish it again: retry later to look once more.",
            may_have_taken_effect=False,
        )

    async def _permalink(self, ctx: AccountContext, media_id: str) -> str | None:
        """The post's address; a failure here never turns a published post into a failed one."""
        try:
            response = await self._authorised(
                ctx, "GET", f"/{quote(media_id, safe='')}", params={"fields": "permalink"}
            )
        except PublishError as exc:
            log.warning("published %s on Threads but could not read its permalink: %s", media_id, exc)
            return None
        return text_or_none(read(response, Network.THREADS, kind=dict).get("permalink"))

    # -- the quota -----------------------------------------------------------------------------

    async def _quota(self, token: str, api: str, user_id: str) -> QuotaLeft | None:
        """`GET /{user}/threads_publishing_limit`: posts used of the 24-hour allowance (250).

        None when the sign-in lacks `threads_content_publish`, which reading it needs (overview).
        """
        response = await self._raw(
            "GET", f"/{GRAPH_VERSION}/{user_id}/threads_publishing_limit", token=token, base=api,
            params={"fields": "quota_usage,config"},
        )  # fmt: skip
        if _lacks_permission(response):
            return None
        if not response.is_success:
            raise self._error(response)
        entries = read(response, Network.THREADS, "data", kind=list)
        entry = entries[0] if entries and isinstance(entries[0], dict) else {}
        used, config = entry.get("quota_usage"), entry.get("config")
        total = config.get("quota_total") if isinstance(config, dict) else None
        if not isinstance(used, int) or not isinstance(total, int):
            raise ServerError("Threads answered its publishing limit without quota_usage and quota_total.")
        return QuotaLeft(used=used, limit=total, unit="posts")

    async def _refuse_if_quota_used(self, ctx: AccountContext) -> None:
        """Threads counts 250 API posts per rolling 24 hours; say so before anything is made."""
        token = await self._threads_tokens.access_token(ctx, self._base(ctx))
        quota = await self._quota(token, self._base(ctx), self._user(ctx))
        if quota is None or quota.left > 0:
            return  # without the permission to read it, the create request says what is wrong
        now = self.clock.now()
        retry_at = await self._next_free_slot(ctx) or now + QUOTA_WINDOW
        raise RateLimited(
            f"{ctx.account.ref} has used all {quota.limit} posts Threads allows within 24 hours; nothing "
            f"was sent. The next one is possible around {retry_at:%Y-%m-%d %H:%M} UTC.",
            retry_at=retry_at,
            retry_after_s=max(0.0, (retry_at - now).total_seconds()),
        )

    async def _next_free_slot(self, ctx: AccountContext) -> datetime | None:
        """When the oldest post of the last 24 hours drops out of the window (an estimate)."""
        since = self.clock.now() - QUOTA_WINDOW
        try:
            posts = await self._recent(ctx, "threads", since) or []
        except PublishError:
            return None
        times = [t for t in (_time(p.get("timestamp")) for p in posts) if t is not None and t >= since]
        return min(times) + QUOTA_WINDOW if times else None

    # -- finding posts -------------------------------------------------------------------------

    async def find_published(self, ctx: AccountContext, text: str, since: datetime) -> PublishedPart | None:
        """The account's post or reply with this text since `since` (`/me/threads`, `/me/replies`)."""
        return await self._find(ctx, text, since, reply=None)

    async def _find(
        self, ctx: AccountContext, text: str, since: datetime, *, reply: bool | None
    ) -> PublishedPart | None:
        """Match by text (normalised); a post without text matches only if it is the one there is."""
        edges = ("threads",) if reply is False else ("replies",) if reply else ("threads", "replies")
        wanted = _comparable(text)
        for edge in edges:
            posts = await self._recent(ctx, edge, since)
            if posts is None:
                log.info("cannot read the %s of %s (a permission is missing)", edge, ctx.account.ref)
                continue
            same = [p for p in posts if _comparable(str(p.get("text") or "")) == wanted]
            if wanted or len(same) == 1:
                for post in same:
                    return PublishedPart(
                        platform_post_id=str(post["id"]), permalink=text_or_none(post.get("permalink"))
                    )
        return None

    async def _recent(self, ctx: AccountContext, edge: str, since: datetime) -> list[dict[str, Any]] | None:
        """The account's threads or replies made since `since`, newest first (one page of 100).

        None when the sign-in may not read them (`/me/replies` needs threads_read_replies).
        """
        response = await self._send(
            ctx,
            "GET",
            f"/me/{edge}",
            params={"fields": POST_FIELDS, "since": str(int(since.timestamp())), "limit": "100"},
        )
        if _lacks_permission(response):
            return None
        if not response.is_success:
            raise self._error(response)
        items = read(response, Network.THREADS, "data", kind=list)
        return [item for item in items if isinstance(item, dict) and "id" in item]

    # -- after publishing: numbers, the account's posts, read-back, the first comment ----------
    # developers.facebook.com/documentation/threads/insights (updated 2026-01-30): media insights
    # `views, likes, replies, reposts, quotes, shares` and the user metric `followers_count`, both
    # needing threads_manage_insights; "an empty array will be returned for REPOST_FACADE posts".
    # Threads documents no multi-id read, so a reading is one request per post.

    async def read_metrics(self, ctx: AccountContext, parts: Sequence[PublishedPart]) -> list[MetricReading]:
        """Each post's media insights; a post Threads no longer has is left out."""
        readings = []
        for part in parts:
            response = await self._send(
                ctx, "GET", f"/{quote(part.platform_post_id, safe='')}/insights",
                params={"metric": INSIGHT_METRICS},
            )  # fmt: skip
            if is_gone(response):
                continue
            self._raise_unless_read(response, ctx, "the numbers of its posts")
            values = insight_values(read(response, Network.THREADS, kind=dict))
            readings.append(
                MetricReading(
                    platform_post_id=part.platform_post_id,
                    read_at=self.clock.now(),
                    impressions=values.get("views"),  # "times your post was played or displayed"
                    likes=values.get("likes"),
                    replies=values.get("replies"),
                    reposts=values.get("reposts"),
                    quotes=values.get("quotes"),
                )
            )
        return readings

    async def follower_count(self, ctx: AccountContext) -> int | None:
        """`GET /{user}/threads_insights?metric=followers_count` (a total, not per day)."""
        response = await self._send(
            ctx, "GET", f"/{self._user(ctx)}/threads_insights", params={"metric": "followers_count"}
        )
        self._raise_unless_read(response, ctx, "its follower count")
        return insight_values(read(response, Network.THREADS, kind=dict)).get("followers_count")

    async def recent_posts(
        self, ctx: AccountContext, since: datetime, *, limit: int = 100
    ) -> list[RemotePost]:
        """The profile's own threads since `since` (`/me/threads`, every page), reposts left out."""
        found: list[RemotePost] = []
        after: str | None = None
        while len(found) < limit:
            params = {"fields": POST_FIELDS, "since": str(int(since.timestamp())), "limit": "100"}
            if after:
                params["after"] = after
            response = await self._authorised(ctx, "GET", "/me/threads", params=params)
            items, after = page_of(read(response, Network.THREADS, kind=dict))
            for item in items:
                made = _time(item.get("timestamp"))
                if made is None or made < since or item.get("media_type") == "REPOST_FACADE":
                    continue  # a repost is someone else's post shown on the profile
                found.append(
                    RemotePost(
                        platform_post_id=str(item["id"]),
                        permalink=text_or_none(item.get("permalink")),
                        text=str(item.get("text") or ""),
                        created_at=made,
                        is_reply=item.get("is_reply") is True,
                    )
                )
            if after is None:
                break
        found.sort(key=lambda p: p.created_at, reverse=True)
        return found[:limit]

    async def look_up(self, ctx: AccountContext, part: PublishedPart) -> bool | None:
        """`GET /{media-id}`: there → True; "does not exist" (deleted) → False."""
        response = await self._send(
            ctx, "GET", f"/{quote(part.platform_post_id, safe='')}", params={"fields": "id"}
        )
        if is_gone(response):
            return False
        if not response.is_success:
            raise self._error(response)
        return True

    async def post_comment(
        self, ctx: AccountContext, on: PublishedPart, text: str, idempotency_key: str
    ) -> PublishedPart:
        """The author's reply to the post: a reply container (`reply_to_id`), then publish.

        Replying under one's own root post needs no other permission (…/retrieve-and-manage-
        replies/create-replies: "You are the owner of the root thread post"). It goes through
        `publish`, so the container is checkpointed by `idempotency_key` and never published twice.
        """
        part = PartRequest(
            index=1, text=text, media=(), options={}, idempotency_key=idempotency_key, reply_to=on, root=on
        )
        return await self.publish(ctx, part)

    def _raise_unless_read(self, response: httpx.Response, ctx: AccountContext, what: str) -> None:
        """A refusal as its error; a missing permission named, with how to get it."""
        if response.is_success:
            return
        if lacks_permission(response):
            raise MissingPermission(
                f"Threads will not tell Outpost {what} for {ctx.account.ref}: the sign-in lacks "
                f"{INSIGHTS_PERMISSION} ({GraphError.parse(response).codes}). Add it to your Meta app's "
                f"Threads use case (Permissions), then reconnect the account and allow it.",
                INSIGHTS_PERMISSION,
            )
        raise self._error(response)

    # -- after publishing: delete (issue #24) ----------------------------------------------------
    # developers.facebook.com/docs/threads/posts/delete-posts: `DELETE /{threads-media-id}` with
    # the `threads_delete` permission answers {"success": true, "deleted_id": …}; 100 deletes a
    # day per account. The API has no edit: an edit deletes the post and publishes it again.
    can_delete = True
    edit_kind = "repost"
    edit_unavailable = (
        "Threads cannot edit a published post through its API: it is deleted and posted again (its "
        "likes, replies and link are lost)."
    )

    async def delete_published(self, ctx: AccountContext, part: PublishedPart) -> None:
        """`DELETE /{threads-media-id}`; a post already gone (Meta's code 100, subcode 33) is deleted."""
        response = await self._send(ctx, "DELETE", f"/{quote(part.platform_post_id, safe='')}")
        if response.is_success:
            return
        error = GraphError.parse(response)
        if error.code == 100 and error.subcode == 33:
            return
        raise self._error(response)

    # -- plumbing ------------------------------------------------------------------------------

    async def _authorised(
        self, ctx: AccountContext, method: str, path: str, **content: Any
    ) -> httpx.Response:
        """A Graph request for the account (`/v1.0` + `path`); a refusal raised as its `PublishError`."""
        response = await self._send(ctx, method, path, **content)
        if not response.is_success:
            raise self._error(response)
        return response

    async def _send(self, ctx: AccountContext, method: str, path: str, **content: Any) -> httpx.Response:
        """The same, returning a refusal for the caller to read (transport failures still raise).

        The token is renewed first when due. A 190 after another Outpost process renewed it (the
        window and `outpost run` share the keyring) is sent once more with the token now kept:
        Threads did nothing with a request it refused for its token.
        """
        base = self._base(ctx)
        token = await self._threads_tokens.access_token(ctx, base)
        url_path = f"/{GRAPH_VERSION}{path}"
        response = await self._raw(method, url_path, token=token, base=base, **content)
        if GraphError.parse(response).code in AUTH_CODES:
            stored = (await ctx.credentials()).get("access_token")
            if stored and stored != token:
                response = await self._raw(method, url_path, token=stored, base=base, **content)
        return response

    async def _raw(self, method: str, path: str, *, token: str, base: str, **content: Any) -> httpx.Response:
        """`path` at `base` with the token as a Bearer header, any answer returned."""
        request = self.client.build_request(
            method, f"{base.rstrip('/')}{path}", headers={"Authorization": f"Bearer {token}"}, **content
        )
        return await send(self.client, request, network=Network.THREADS, clock=self.clock, check=False)

    def _base(self, ctx: AccountContext) -> str:
        """The API origin for this account: Threads, or the sandbox's simulation of it."""
        return local_api(ctx.account.service_url) or self._api

    def _media_host_for(self, account: Account) -> MediaHost:
        """The creator's media host; for a sandbox account, the simulated network itself."""
        local = local_api(account.service_url)
        if local is not None:
            return LocalMediaHost(self.client, local, self.clock.now())
        return self.media_host

    def _user(self, ctx: AccountContext) -> str:
        if not ctx.account.target_id:
            raise ValidationError.single(
                "account", f"{ctx.account.ref} has no Threads user id; reconnect the account."
            )
        return quote(ctx.account.target_id, safe="")

    def _error(self, response: httpx.Response) -> PublishError:
        """Threads' own markers first, then the Graph API's codes (meta_errors.py)."""
        error = GraphError.parse(response)
        if "THREADS_API__LINK_LIMIT_EXCEEDED" in error.body:
            return Rejected(
                f"Threads refuses posts with more than {threads_text.MAX_LINKS} different links "
                f"({error.codes}); remove some links."
            )
        if "at most 500 characters" in error.body:
            return Rejected(
                f"Threads refuses the text: it is over 500 characters as Threads counts ({error.codes})."
            )
        if error.is_media_problem and ("fetch" in error.said.lower() or error.subcode == 2207052):
            return Rejected(
                f"Threads could not fetch the file from your media host: {error.said} ({error.codes}). Check "
                f"that the bucket's links open from the internet: `outpost media-host test`.",
                code=ErrorCode.MEDIA_REJECTED,
            )
        return graph_error(response, network=Network.THREADS, now=self.clock.now())


def _lacks_permission(response: httpx.Response) -> bool:
    """A refusal for a permission the sign-in or the app lacks (Graph codes 10 and 200–299)."""
    if response.is_success:
        return False
    code = GraphError.parse(response).code
    return code == 10 or (code is not None and 200 <= code <= 299)


def _checkpoint(part: PartRequest) -> str:
    """Where the container of this part is remembered (its idempotency key is stable per part)."""
    return f"threads-container:{part.idempotency_key}"


def _comparable(text: str) -> str:
    """A text as Threads may show it back: same characters, whitespace not minded."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _time(value: object) -> datetime | None:
    """A Graph timestamp (`2026-12-01T09:00:00+0000`) or ISO-8601 text, as a UTC datetime."""
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"  # +0000 → +00:00 (Python 3.11 reads only the latter)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


__all__ = ["GRAPH_VERSION", "ThreadsAdapter"]
