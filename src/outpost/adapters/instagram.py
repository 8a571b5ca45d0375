"""Instagram (Instagram API with Instagram Login): feed posts, carousels, Reels and stories.

Professional accounts only; a post is published as the token's own user. Contract notes:
../shared/platforms/meta-linkedin-tiktok-youtube.md §2 and §3.6, checked against Meta's pages
(developers.facebook.com/documentation/instagram-platform/…): content-publishing,
instagram-graph-api/reference/ig-user/media (fetched 2026-09-11), ig-container, media_publish,
content_publishing_limit, error-codes (2026-06-02), business-login, refresh_access_token.

- Instagram never receives file bytes: it downloads each file from a public URL ("We cURL media
  used in publishing attempts"). Files go to the creator's media host (`self.media_host`); each
  is deleted once Instagram has it (its container FINISHED) or the post failed. Instagram's
  resumable `rupload` upload is "available only for apps that have implemented Facebook Login for
  Business" (resumable-uploads page, 2026-03-15), so videos go through the media host too.
- Publishing is container → wait until FINISHED (never publish before) → `media_publish`.
  Making containers publishes nothing, so a failure before `media_publish` can always be retried;
  `media_publish` is the one create request of `publish`. Before it the container id is kept as a
  checkpoint, so a lost answer is settled by asking the container (`PUBLISHED`?) and finding the
  post among the account's recent media — never by publishing again.
- Two or more files make a carousel (2–10, pictures and videos mixed); a single video goes out
  as a Reel (Instagram stopped taking feed videos in 2023). `content_type=reels` takes one video
  and optionally one picture as its cover; `story` one picture or video, with no caption.
- `content_publishing_limit` is read before publishing: when the 24-hour quota is used up the post
  is refused as rate limited with the time a slot frees, before anything is made.
- Tokens are long-lived (60 days) and renewed before they end (adapters/instagram_auth.py).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from outpost.adapters import instagram_auth, instagram_errors, instagram_text
from outpost.adapters.base import (
    AccountContext,
    AddAccountRequest,
    DeveloperApp,
    FirstCommentKind,
    MediaHost,
    NetworkAdapter,
    PartRequest,
    Progress,
    UploadedMedia,
    VerifiedAccount,
)
from outpost.adapters.http import count_or_none, read, read_id, send, text_or_none
from outpost.adapters.instagram_containers import POLL_S, Containers
from outpost.adapters.instagram_errors import CONTENT_PUBLISH, MANAGE_COMMENTS, MissingPermission
from outpost.adapters.instagram_hosting import HostedFiles
from outpost.adapters.instagram_rules import MAX_ALT_TEXT, OPTIONS, InstagramRules, content_type
from outpost.adapters.meta_insights import insight_values, is_gone, lacks_permission, page_of, too_few_viewers
from outpost.adapters.oauth_app import local_api
from outpost.adapters.tokens import expires_at, missing_app_message, with_overrides
from outpost.auth.oauth import AskPasted, OpenUrl
from outpost.auth.providers import PROVIDERS
from outpost.domain.capabilities import Capabilities
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.errors import (
    InvalidStateError,
    NetworkUnavailable,
    Problem,
    PublishError,
    RateLimited,
    ServerError,
    ValidationError,
)
from outpost.domain.media_rules import INSTAGRAM_REELS, INSTAGRAM_STORY, RULES, MediaRules
from outpost.domain.metrics import MetricReading, RemotePost
from outpost.domain.models import (
    Account,
    HealthReport,
    MediaAsset,
    Options,
    Post,
    PublishedPart,
    QuotaLeft,
    Target,
)
from outpost.domain.validation import validate_target

log = logging.getLogger("outpost.adapters.instagram")

#: The Graph API version Outpost speaks ("The latest API version is: v25.0", IG User media
#: reference); Meta keeps a version two years. Change it here, in one place.
API_VERSION = "v25.0"
REQUIRED_PERMISSIONS = (instagram_errors.BASIC, CONTENT_PUBLISH)
#: Feed posts and Reels; stories have replies instead of likes, comments and saves.
MEDIA_METRICS = "views,reach,likes,comments,saved,shares"
STORY_METRICS = "views,reach,replies,shares"
LIST_FIELDS = "id,caption,permalink,timestamp,media_product_type,like_count,comments_count"


class InstagramAdapter(NetworkAdapter):
    """Instagram's Graph API (graph.instagram.com) for one professional account."""

    network: ClassVar[Network] = Network.INSTAGRAM
    idempotent_publish: ClassVar[bool] = False
    can_find_posts: ClassVar[bool] = True
    can_read_metrics: ClassVar[bool] = True
    can_list_posts: ClassVar[bool] = True
    first_comment: ClassVar[FirstCommentKind | None] = "comment"

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        clock: Clock,
        api_base: str | None = None,
        media_host: MediaHost | None = None,
        poll_s: float = POLL_S,
    ) -> None:
        """Make the adapter; `poll_s` is the wait between container checks (tests shorten it)."""
        self.provider = with_overrides(PROVIDERS[Network.INSTAGRAM])
        api = (api_base or self.provider.api_url or "https://graph.instagram.com").rstrip("/")
        super().__init__(client, clock=clock, api_base=api, media_host=media_host)
        self._api = api
        self._poll_s = poll_s
        self._tokens = instagram_auth.InstagramTokens(client, clock)
        self._files = HostedFiles(self.media_host, client, clock)

    # -- rules ---------------------------------------------------------------------------------

    async def capabilities(self, ctx: AccountContext | None) -> Capabilities:
        """2,200 characters, pictures and videos (JPEG only), no threads."""
        return Capabilities(
            network=Network.INSTAGRAM,
            max_length=instagram_text.MAX_LENGTH,
            length_unit="characters",
            count_length=instagram_text.count_length,
            media=RULES[Network.INSTAGRAM],
            max_alt_text=MAX_ALT_TEXT,
            supports_threads=False,
            options=OPTIONS,
        )

    def media_rules(self, caps: Capabilities, options: Options) -> MediaRules | None:
        """Stories and Reels take other files than feed posts (any shape; longer videos)."""
        kind = content_type(options)
        if kind == "story":
            return INSTAGRAM_STORY
        if kind == "reels":
            return INSTAGRAM_REELS
        return caps.media

    def validate(self, post: Post, target: Target, account: Account, caps: Capabilities) -> list[Problem]:
        """The common rules for the chosen kind of post, then Instagram's own (see `_rules`)."""
        caps = replace(caps, media=self.media_rules(caps, target.options))
        problems = validate_target(post, target, account, caps)
        problems += InstagramRules(post, target, account, self._needs_media_host(account)).problems()
        return problems

    def _needs_media_host(self, account: Account) -> bool:
        """True when files have nowhere to go (the sandbox's simulated Instagram keeps its own)."""
        return not self._files.configured and local_api(account.service_url) is None

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
        """Business Login for Instagram with the person's app; they paste the address they end on."""
        if app is None:
            raise ValidationError.single("client_id", missing_app_message(self.provider), network="instagram")
        if not app.client_secret:
            raise ValidationError.single(
                "client_secret",
                "client_secret: Instagram needs your app's Instagram app secret to finish signing in; set "
                "it with `outpost apps set instagram --client-id ID --client-secret-stdin`.",
                network="instagram",
            )
        ask = instagram_auth.require_ask(ask_pasted)
        credentials = await instagram_auth.sign_in(
            self.client, self.provider, self._api, app, open_url, ask, clock=self.clock
        )
        return await self._verified(credentials, None, target_id)

    async def add_account(self, request: AddAccountRequest) -> VerifiedAccount:
        """Accept a long-lived token made elsewhere, once Instagram says whose it is."""
        if not request.access_token:
            raise ValidationError.single(
                "--access-token",
                "--access-token: give a long-lived Instagram user access token (Instagram API with "
                "Instagram Login, with instagram_business_basic and instagram_business_content_publish), "
                "or run `outpost accounts connect instagram` to sign in through the browser.",
            )
        credentials = {"access_token": request.access_token}
        if request.expires_at is not None:
            credentials["expires_at"] = request.expires_at.astimezone(UTC).isoformat()
        return await self._verified(credentials, local_api(request.service_url), request.target_id)

    async def _verified(
        self, credentials: dict[str, str], base: str | None, target_id: str | None
    ) -> VerifiedAccount:
        api = base or self._api
        me = read(
            await self._with_token(
                credentials["access_token"],
                api,
                "GET",
                "/me",
                params={"fields": "user_id,username,name,account_type,profile_picture_url"},
                needs=instagram_errors.BASIC,
            ),
            Network.INSTAGRAM,
            kind=dict,
        )
        user_id = str(me.get("user_id") or me.get("id") or "")
        username = text_or_none(me.get("username"))
        if not user_id or not username:
            raise ServerError("Instagram did not say whose token this is (no user id or username).")
        if target_id is not None and target_id != user_id:
            raise ValidationError.single(
                "--target",
                f"--target: this token publishes as @{username} (Instagram user id {user_id}), not "
                f"{target_id}; Instagram Login tokens reach one account only.",
            )
        if me.get("account_type") == "PERSONAL":
            raise ValidationError.single(
                "credentials",
                f"@{username} is a personal Instagram account; the API publishes only to professional "
                f"accounts. Switch it to Business or Creator in Instagram's settings, then add it again.",
            )
        credentials["user_id"] = user_id
        if expires_at(credentials) is None:  # an end nobody told us: renewing says it (60 days)
            renewed = await instagram_auth.renew(self.client, api, credentials["access_token"], self.clock)
            credentials |= renewed or {}
        health = await self._health(credentials, api)
        return VerifiedAccount(
            handle=username,
            display_name=text_or_none(me.get("name")) or username,
            service_url=base,
            credentials=credentials,
            health=health,
            target_id=user_id,
            avatar_url=text_or_none(me.get("profile_picture_url")),
        )

    async def verify_credentials(self, ctx: AccountContext) -> HealthReport:
        """`GET /me` (the token works), renewed if due, with the permissions and the quota left."""
        api = self._base(ctx)
        await self._tokens.access_token(ctx, api)
        credentials = await ctx.credentials()
        await self._with_token(
            credentials["access_token"],
            api,
            "GET",
            "/me",
            params={"fields": "user_id,username"},
            needs=instagram_errors.BASIC,
        )
        return await self._health(credentials, api)

    async def _health(self, credentials: dict[str, str], api: str) -> HealthReport:
        granted = {p for p in credentials.get("scope", "").replace(" ", ",").split(",") if p}
        missing = [p for p in REQUIRED_PERMISSIONS if granted and p not in granted]
        quota: QuotaLeft | None = None
        user_id = credentials.get("user_id", "me")
        try:
            quota = await self._quota(credentials["access_token"], api, user_id)
        except MissingPermission:
            missing = sorted({*missing, CONTENT_PUBLISH})
        except (RateLimited, ServerError, NetworkUnavailable) as exc:
            log.info("Instagram's publishing quota could not be read now: %s", exc)
        report = HealthReport.summarise(
            token_has_scopes=not missing,
            checked_at=self.clock.now(),
            sign_in_ends_at=expires_at(credentials),
            missing_permissions=tuple(missing),
            quota=quota,
        )
        if missing:
            message = (
                f"The Instagram sign-in lacks {', '.join(missing)}: reconnect and allow "
                f"{'it' if len(missing) == 1 else 'them'} (your Meta app needs them too)."
            )
        elif quota is not None and quota.left == 0:
            message = f"Instagram's limit of {quota.limit} posts in 24 hours is used up for now."
        elif report.sign_in_ending and report.sign_in_ends_at is not None:
            message = (
                f"The Instagram sign-in ends on {report.sign_in_ends_at:%Y-%m-%d} and Outpost could not "
                f"renew it; reconnect before then."
            )
        else:
            return report
        return report.model_copy(update={"message": message})

    async def revoke(self, ctx: AccountContext) -> str:
        """Instagram Login offers apps no way to revoke their own token: say where the person can."""
        return (
            "Instagram offers Outpost no way to revoke its access; remove it in Instagram under "
            "Settings → Website permissions → Apps and websites."
        )

    # -- media ---------------------------------------------------------------------------------

    async def upload_media(
        self, ctx: AccountContext, media: MediaAsset, progress: Progress | None = None
    ) -> UploadedMedia:
        """Put the (prepared) file on the media host; Instagram fetches it from the presigned URL."""
        sandbox = local_api(ctx.account.service_url)
        if sandbox is not None and not self._files.configured:
            return await self._files.put_in_sandbox(sandbox, media)
        return await self._files.put(media, progress)

    async def aclose(self) -> None:
        """Delete files still on the media host (uploads of a publish that did not get that far)."""
        await self._files.close()

    # -- publishing ----------------------------------------------------------------------------

    async def publish(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        """Quota → containers (until FINISHED) → delete the hosted files → `media_publish`."""
        user_id = self._user_id(ctx)
        try:
            await self._check_quota(ctx, user_id)
            container = await Containers(self, ctx, user_id, poll_s=self._poll_s).prepare(part)
        except PublishError as exc:
            exc.may_have_taken_effect = False  # containers publish nothing: always safe to try again
            raise
        finally:
            await self._files.forget(part.media)
        checkpoint = _checkpoint(part.text)
        await ctx.save_checkpoint(checkpoint, f"{container} {content_type(part.options)}")
        try:
            response = await self.call(
                ctx, "POST", f"/{user_id}/media_publish", data={"creation_id": container}
            )
        except PublishError as exc:
            if not exc.may_have_taken_effect:
                await ctx.forget_checkpoint(checkpoint)
                raise
            found = await self._settle(ctx, user_id, container, part.text, content_type(part.options))
            if found is None:
                raise
            await ctx.forget_checkpoint(checkpoint)
            return found
        media_id = read_id(response, Network.INSTAGRAM, "id")
        await ctx.forget_checkpoint(checkpoint)
        return PublishedPart(platform_post_id=media_id, permalink=await self._permalink(ctx, media_id))

    async def _permalink(self, ctx: AccountContext, media_id: str) -> str | None:
        """The post's address; the post is out either way, so a failure here only loses the link."""
        try:
            response = await self.call(ctx, "GET", f"/{media_id}", params={"fields": "permalink"})
            return text_or_none(response.json().get("permalink"))
        except (PublishError, ValueError, AttributeError) as exc:
            log.info("Instagram published %s but did not give its address now: %s", media_id, exc)
            return None

    async def _check_quota(self, ctx: AccountContext, user_id: str) -> None:
        """Refuse before making anything when the 24-hour publishing quota is used up."""
        token = await self._tokens.access_token(ctx, self._base(ctx))
        quota = await self._quota(token, self._base(ctx), user_id)
        if quota is None or quota.left > 0:
            return
        frees = await self._quota_frees_at(ctx, user_id)
        raise RateLimited(
            f"Instagram's limit of {quota.limit} posts in 24 hours is used up for {ctx.account.ref}; nothing "
            f"was sent. A post can go out again from about {frees:%Y-%m-%d %H:%M} UTC.",
            retry_at=frees,
            retry_after_s=max(0.0, (frees - self.clock.now()).total_seconds()),
        )

    async def _quota(self, token: str, api: str, user_id: str) -> QuotaLeft | None:
        """`content_publishing_limit`: posts used and allowed in the moving 24-hour window."""
        response = await self._with_token(
            token,
            api,
            "GET",
            f"/{user_id}/content_publishing_limit",
            params={"fields": "quota_usage,config"},
        )
        try:
            entry = response.json()["data"][0]
            used, config = int(entry["quota_usage"]), entry["config"]
            return QuotaLeft(used=used, limit=int(config["quota_total"]), unit="posts")
        except (ValueError, KeyError, IndexError, TypeError):
            log.info("Instagram answered content_publishing_limit in an unknown shape; not checked")
            return None

    async def _quota_frees_at(self, ctx: AccountContext, user_id: str) -> datetime:
        """When the oldest post of the last 24 hours leaves the window (else 24 hours from now)."""
        now = self.clock.now()
        since = now - timedelta(hours=24)
        try:
            items = await self._recent(ctx, user_id, "media", since, "timestamp")
        except PublishError:
            items = []
        stamps = sorted(t for t in (_timestamp(i.get("timestamp")) for i in items) if t is not None)
        return stamps[0] + timedelta(hours=24) if stamps else now + timedelta(hours=24)

    # -- finding a post whose answer was lost --------------------------------------------------

    async def find_published(self, ctx: AccountContext, text: str, since: datetime) -> PublishedPart | None:
        """Ask the container Outpost kept (PUBLISHED?) and look for the post by its caption.

        Without a kept container, the account's media since `since` are compared by caption.
        """
        user_id = self._user_id(ctx)
        saved = await ctx.checkpoint(_checkpoint(text))
        if saved is None:
            return await self._by_caption(ctx, user_id, text, since)
        container, _, kind = saved.partition(" ")
        status = await self.status(ctx, container)
        if status.get("status_code") != "PUBLISHED":
            await ctx.forget_checkpoint(_checkpoint(text))
            return None  # FINISHED, ERROR or EXPIRED: never published, nothing to find
        found = await self._find_published_media(ctx, user_id, text, since, story=kind == "story")
        if found is None:
            raise InvalidStateError(
                f"Instagram says the post was published (container {container}) but does not show it among "
                f"{ctx.account.ref}'s recent media yet; look at the account, then mark it done or try later."
            )
        await ctx.forget_checkpoint(_checkpoint(text))
        return found

    async def _settle(
        self, ctx: AccountContext, user_id: str, container: str, text: str, kind: str
    ) -> PublishedPart | None:
        """A `media_publish` whose answer was lost: the post, if the container says it went out."""
        try:
            status = await self.status(ctx, container)
            if status.get("status_code") != "PUBLISHED":
                return None
            since = self.clock.now() - timedelta(hours=1)
            return await self._find_published_media(ctx, user_id, text, since, story=kind == "story")
        except PublishError as exc:
            log.info("could not ask Instagram about container %s: %s", container, exc)
            return None

    async def _find_published_media(
        self, ctx: AccountContext, user_id: str, text: str, since: datetime, *, story: bool
    ) -> PublishedPart | None:
        if not story:
            return await self._by_caption(ctx, user_id, text, since)
        stories = await self._recent(ctx, user_id, "stories", since, "id,permalink,timestamp")
        newest = max(stories, key=lambda s: _timestamp(s.get("timestamp")) or since, default=None)
        if newest is None or not newest.get("id"):
            return None
        return PublishedPart(
            platform_post_id=str(newest["id"]), permalink=text_or_none(newest.get("permalink"))
        )

    async def _by_caption(
        self, ctx: AccountContext, user_id: str, text: str, since: datetime
    ) -> PublishedPart | None:
        wanted = _comparable(text)
        for item in await self._recent(ctx, user_id, "media", since, "id,caption,permalink,timestamp"):
            if _comparable(str(item.get("caption") or "")) == wanted and item.get("id"):
                return PublishedPart(
                    platform_post_id=str(item["id"]), permalink=text_or_none(item.get("permalink"))
                )
        return None

    async def _recent(
        self, ctx: AccountContext, user_id: str, edge: str, since: datetime, fields: str
    ) -> list[dict[str, Any]]:
        """The account's media (or stories) since `since`, newest first (one page: 50)."""
        response = await self.call(
            ctx,
            "GET",
            f"/{user_id}/{edge}",
            params={"fields": fields, "since": str(int(since.timestamp())), "limit": "50"},
        )
        items = read(response, Network.INSTAGRAM, "data", kind=list)
        return [item for item in items if isinstance(item, dict)]

    async def status(self, ctx: AccountContext, container: str) -> dict[str, Any]:
        """A container's `status_code` (IN_PROGRESS, FINISHED, ERROR, EXPIRED, PUBLISHED) and `status`."""
        response = await self.call(ctx, "GET", f"/{container}", params={"fields": "status_code,status"})
        found: dict[str, Any] = read(response, Network.INSTAGRAM, kind=dict)
        return found

    # -- after publishing: numbers, the account's media, read-back, the first comment -----------
    # developers.facebook.com/documentation/instagram-platform/reference/instagram-media/insights
    # (updated 2026-06-18) and …/instagram-platform/insights: `GET /{media}/insights?metric=…`
    # with instagram_business_manage_insights. `impressions` (and `plays`, `video_views`) are gone
    # for media made after 2024-07-02 ("will return an error"): `views` replaces them. Stories
    # take other metrics than feed posts and Reels; album children have none. graph.instagram.com
    # documents no multi-id read, so a reading is two requests per media: its counters and type
    # (instagram_business_basic), then its insights.

    async def read_metrics(self, ctx: AccountContext, parts: Sequence[PublishedPart]) -> list[MetricReading]:
        """Each media's insights; a media Instagram no longer has is left out."""
        readings = []
        for part in parts:
            media_id = quote(part.platform_post_id, safe="")
            node = await self._unchecked(
                ctx, f"/{media_id}", {"fields": "id,media_product_type,like_count,comments_count"}
            )
            if is_gone(node):
                continue
            if not node.is_success:
                raise instagram_errors.error_for(node, now=self.clock.now(), needs=instagram_errors.BASIC)
            about = read(node, Network.INSTAGRAM, kind=dict)
            story = about.get("media_product_type") == "STORY"
            metrics = STORY_METRICS if story else MEDIA_METRICS
            answer = await self._unchecked(ctx, f"/{media_id}/insights", {"metric": metrics})
            if is_gone(answer):
                continue
            if too_few_viewers(answer):  # "(#10) Not enough viewers for the media to show insights"
                values: dict[str, int] = {}
            elif not answer.is_success:
                raise self._insights_error(ctx, answer)
            else:
                values = insight_values(read(answer, Network.INSTAGRAM, kind=dict))
            readings.append(
                MetricReading(
                    platform_post_id=part.platform_post_id,
                    read_at=self.clock.now(),
                    impressions=values.get("views"),
                    reach=values.get("reach"),
                    likes=values.get("likes", count_or_none(about.get("like_count"))),
                    replies=values.get(
                        "replies" if story else "comments", count_or_none(about.get("comments_count"))
                    ),
                    reposts=values.get("shares"),
                    saves=values.get("saved"),
                )
            )
        return readings

    async def follower_count(self, ctx: AccountContext) -> int | None:
        """The account's `followers_count` field (instagram_business_basic)."""
        response = await self.call(
            ctx, "GET", "/me", params={"fields": "followers_count"}, needs=instagram_errors.BASIC
        )
        return count_or_none(read(response, Network.INSTAGRAM, kind=dict).get("followers_count"))

    async def recent_posts(
        self, ctx: AccountContext, since: datetime, *, limit: int = 100
    ) -> list[RemotePost]:
        """The account's own media since `since` (`/{user}/media`, every page), with likes and comments.

        The media edge lists the account's own posts, Reels and albums; stories (24 hours) are not
        in it. The listing carries `like_count` and `comments_count`, kept as a partial reading.
        """
        user_id = self._user_id(ctx)
        found: list[RemotePost] = []
        after: str | None = None
        while len(found) < limit:
            params = {"fields": LIST_FIELDS, "since": str(int(since.timestamp())), "limit": "50"}
            if after:
                params["after"] = after
            response = await self.call(
                ctx, "GET", f"/{user_id}/media", params=params, needs=instagram_errors.BASIC
            )
            items, after = page_of(read(response, Network.INSTAGRAM, kind=dict))
            for item in items:
                made = _timestamp(item.get("timestamp"))
                if made is None or made < since or not item.get("id"):
                    continue
                media_id = str(item["id"])
                found.append(
                    RemotePost(
                        platform_post_id=media_id,
                        permalink=text_or_none(item.get("permalink")),
                        text=str(item.get("caption") or ""),
                        created_at=made,
                        reading=MetricReading(
                            platform_post_id=media_id,
                            read_at=self.clock.now(),
                            likes=count_or_none(item.get("like_count")),
                            replies=count_or_none(item.get("comments_count")),
                        ),
                    )
                )
            if after is None:
                break
        found.sort(key=lambda p: p.created_at, reverse=True)
        return found[:limit]

    async def look_up(self, ctx: AccountContext, part: PublishedPart) -> bool | None:
        """`GET /{media-id}`: there → True; "does not exist" (deleted) → False."""
        response = await self._unchecked(ctx, f"/{quote(part.platform_post_id, safe='')}", {"fields": "id"})
        if is_gone(response):
            return False
        if not response.is_success:
            raise instagram_errors.error_for(response, now=self.clock.now(), needs=instagram_errors.BASIC)
        return True

    async def post_comment(
        self, ctx: AccountContext, on: PublishedPart, text: str, idempotency_key: str
    ) -> PublishedPart:
        """Comment `text` under the account's own post (`POST /{ig-media-id}/comments`).

        Comments take no idempotency key, so the key is kept as a checkpoint while the request is
        out: a retry after a lost answer (or a crash) first looks for the comment among the post's
        comments, by the account's username and the text, and never comments twice.
        """
        media_id = quote(on.platform_post_id, safe="")
        checkpoint = f"comment:{idempotency_key}"
        if await ctx.checkpoint(checkpoint) is not None:
            found = await self._own_comment(ctx, media_id, text)
            if found is not None:
                await ctx.forget_checkpoint(checkpoint)
                return found
        await ctx.save_checkpoint(checkpoint, on.platform_post_id)
        try:
            response = await self.call(
                ctx, "POST", f"/{media_id}/comments", data={"message": text}, needs=MANAGE_COMMENTS
            )
        except PublishError as exc:
            if exc.may_have_taken_effect:
                found = await self._settled_comment(ctx, media_id, text)
                if found is not None:
                    await ctx.forget_checkpoint(checkpoint)
                    return found
            else:
                await ctx.forget_checkpoint(checkpoint)
            raise
        await ctx.forget_checkpoint(checkpoint)
        return PublishedPart(platform_post_id=read_id(response, Network.INSTAGRAM, "id"))

    async def _settled_comment(self, ctx: AccountContext, media_id: str, text: str) -> PublishedPart | None:
        try:
            return await self._own_comment(ctx, media_id, text)
        except PublishError as exc:
            log.info("could not look for the comment on %s: %s", media_id, exc)
            return None

    async def _own_comment(self, ctx: AccountContext, media_id: str, text: str) -> PublishedPart | None:
        """The account's comment with this text under the media, if Instagram shows one."""
        response = await self.call(
            ctx, "GET", f"/{media_id}/comments", params={"fields": "id,text,username"},
            needs=MANAGE_COMMENTS,
        )  # fmt: skip
        items, _ = page_of(read(response, Network.INSTAGRAM, kind=dict))
        for item in items:
            if item.get("username") == ctx.account.handle and _comparable(str(item.get("text") or "")) == (
                _comparable(text)
            ):
                return PublishedPart(platform_post_id=str(item["id"]))
        return None

    async def _unchecked(self, ctx: AccountContext, path: str, params: dict[str, str]) -> httpx.Response:
        """A GET whose refusal is returned for the caller to read (a gone media is an answer here)."""
        api = self._base(ctx)
        token = await self._tokens.access_token(ctx, api)
        request = self.client.build_request(
            "GET", f"{api}/{API_VERSION}{path}", params=params, headers={"Authorization": f"Bearer {token}"}
        )
        return await send(self.client, request, network=Network.INSTAGRAM, clock=self.clock, check=False)

    def _insights_error(self, ctx: AccountContext, response: httpx.Response) -> PublishError:
        if lacks_permission(response):
            return MissingPermission(
                f"Instagram will not tell Outpost the numbers of {ctx.account.ref}'s posts: the sign-in "
                f"lacks {instagram_errors.MANAGE_INSIGHTS}. Add it to your Meta app's Instagram use case, "
                f"then reconnect the account and allow it.",
                instagram_errors.MANAGE_INSIGHTS,
            )
        return instagram_errors.error_for(
            response, now=self.clock.now(), needs=instagram_errors.MANAGE_INSIGHTS
        )

    # -- after publishing: no edit or delete (issue #24) -------------------------------------------
    # The Instagram Platform's IG Media node has no DELETE, and `POST /{ig-media-id}` changes only
    # `comment_enabled` (developers.facebook.com/docs/instagram-platform/reference/instagram-media).
    delete_unavailable = "Instagram's API cannot delete posts; delete it in the Instagram app."
    edit_unavailable = (
        "Instagram's API cannot change a published post's caption or media; edit it in the Instagram app."
    )

    # -- plumbing ------------------------------------------------------------------------------

    def _base(self, ctx: AccountContext) -> str:
        """Instagram's API, or the sandbox's simulation of it (an address on this computer)."""
        return local_api(ctx.account.service_url) or self._api

    def _user_id(self, ctx: AccountContext) -> str:
        if not ctx.account.target_id:
            raise ValidationError.single(
                "account", f"{ctx.account.ref} has no Instagram user id; add the account again."
            )
        return ctx.account.target_id

    async def call(
        self, ctx: AccountContext, method: str, path: str, *, needs: str = CONTENT_PUBLISH, **content: Any
    ) -> httpx.Response:
        """A Graph request with the account's token (renewed first when due)."""
        api = self._base(ctx)
        token = await self._tokens.access_token(ctx, api)
        return await self._with_token(token, api, method, path, needs=needs, **content)

    async def _with_token(
        self, token: str, api: str, method: str, path: str, *, needs: str = CONTENT_PUBLISH, **content: Any
    ) -> httpx.Response:
        """`path` under the pinned version; the token in a header, never in the address."""
        request = self.client.build_request(
            method, f"{api}/{API_VERSION}{path}", headers={"Authorization": f"Bearer {token}"}, **content
        )
        response = await send(self.client, request, network=Network.INSTAGRAM, clock=self.clock, check=False)
        if response.is_success:
            return response
        raise instagram_errors.error_for(response, now=self.clock.now(), needs=needs)


def _checkpoint(text: str) -> str:
    """The checkpoint naming a post's container while `media_publish` is on the wire."""
    return "container:" + hashlib.sha256(_comparable(text).encode()).hexdigest()[:16]


def _comparable(text: str) -> str:
    """A caption as Instagram gives it back: line ends unified, outer whitespace gone."""
    return text.replace("\r\n", "\n").strip()


def _timestamp(value: object) -> datetime | None:
    """Instagram's `timestamp` ("2026-12-01T09:00:00+0000") as an aware datetime."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)
    except ValueError:
        return None


__all__ = ["API_VERSION", "InstagramAdapter", "content_type"]
