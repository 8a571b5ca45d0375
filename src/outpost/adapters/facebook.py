"""Facebook Pages (Graph API) with the creator's own Meta app: posts, photos, videos, Reels.

Contract notes: `../shared/platforms/meta-linkedin-tiktok-youtube.md` §3 and §3.6 (Meta's Pages API
posts guide, the Photo and Page feed references, the Video API and Reels Publishing guides, the
error-handling and rate-limiting guides). What matters here:

- One account is one Page. Outpost publishes with the **Page's own token** (a user token gets
  Facebook's error 200 on a Page's feed); it keeps the person's long-lived user token beside it
  only to list their Pages (`accounts targets`) and check the permissions granted.
- Text and link posts are `POST /{page}/feed` (`message`, and `link` for the first address of a
  text without media, so Facebook shows its preview). Photos — one or several — are uploaded
  first with `published=false` (`POST /{page}/photos`, with `alt_text_custom`) and attached to one
  `/feed` post with `attached_media`: the create is a single request, whatever the photo count.
- Videos and Reels go up in phases and only `finish` publishes (adapters/facebook_video.py). Which
  of the two a video becomes is the post's option `facebook.content_type`, which only `publish`
  sees, so their bytes go up there (before the one create request), with the engine's progress.
- No idempotency key exists for creates: `idempotent_publish` is False. A create whose answer was
  lost is settled by `find_published` (the Page's recent posts, matched by their message).
- Facebook schedules by itself (`published=false` + `scheduled_publish_time`, 10 minutes to 30
  days ahead: Facebook answers "(#100) The specified scheduled publish time is invalid" outside
  it), so `native_schedule` is set and the `*_on_network` methods hand a post over (issue #20).
"""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx

from outpost.adapters import facebook_auth
from outpost.adapters.base import (
    AccountContext,
    AddAccountRequest,
    Credentials,
    DeveloperApp,
    FirstCommentKind,
    MediaHost,
    NativeSchedule,
    NetworkAdapter,
    PartRequest,
    Progress,
    UploadedMedia,
    VerifiedAccount,
)
from outpost.adapters.facebook_auth import REQUIRED_PERMISSIONS, Page
from outpost.adapters.facebook_errors import Usage, graph_error
from outpost.adapters.facebook_graph import Graph
from outpost.adapters.facebook_video import SentVideo, Uploads
from outpost.adapters.http import read, read_id, send, text_or_none
from outpost.adapters.instagram_errors import MissingPermission
from outpost.adapters.meta_insights import (
    gone_aliases,
    insight_values,
    is_gone,
    lacks_permission,
    page_of,
    summary_count,
)
from outpost.adapters.oauth_app import local_api
from outpost.adapters.tokens import expires_at, missing_app_message, with_overrides
from outpost.auth.oauth import AskPasted, OpenUrl
from outpost.auth.providers import PROVIDERS
from outpost.domain.accounts import AccountTarget
from outpost.domain.capabilities import Capabilities, OptionKind, OptionSpec
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.errors import AuthExpired, Problem, PublishError, Rejected, ValidationError
from outpost.domain.media_rules import RULES
from outpost.domain.metrics import MetricReading, RemotePost
from outpost.domain.models import Account, HealthReport, MediaAsset, Post, PublishedPart, QuotaLeft, Target
from outpost.domain.text import SpanKind, find_spans
from outpost.domain.validation import validate_target

log = logging.getLogger("outpost.adapters.facebook")

#: "Post text ≤ 63,206 characters" (§3.4).
MAX_LENGTH = 63_206
#: Reels: 3 to 90 seconds (Reels Publishing guide, §3.2).
REEL_SECONDS = (3.0, 90.0)
WEB = "https://www.facebook.com"
#: Graph's multiple-id lookup takes at most 50 ids.
MAX_IDS = 50
INSIGHTS_PERMISSION = "read_insights"
COMMENT_PERMISSION = "pages_manage_engagement"
_COUNTERS = "reactions.limit(0).summary(true),comments.limit(0).summary(true)"
READ_FIELDS = (
    f"id,shares,{_COUNTERS},insights.metric(post_media_view,post_total_media_view_unique,post_clicks)"
)
VIDEO_FIELDS = f"id,{_COUNTERS}"
LIST_FIELDS = f"id,message,created_time,permalink_url,parent_id,shares,{_COUNTERS}"

OPTIONS = (
    OptionSpec(
        "content_type",
        OptionKind.CHOICE,
        "What the post becomes on the Page: a feed post (text, link, photos or a video) or a Reel "
        "(one vertical video, 3–90 seconds)",
        ("post", "reel"),
    ),
)


class FacebookAdapter(NetworkAdapter):
    """A Facebook Page, published to with the Page's own token."""

    network: ClassVar[Network] = Network.FACEBOOK
    idempotent_publish: ClassVar[bool] = False
    can_find_posts: ClassVar[bool] = True
    native_schedule: ClassVar[NativeSchedule | None] = NativeSchedule(
        min_ahead=timedelta(minutes=10), max_ahead=timedelta(days=30)
    )
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
    ) -> None:
        self.provider = with_overrides(PROVIDERS[Network.FACEBOOK])
        self.graph = Graph(client, clock, api_base)
        super().__init__(client, clock=clock, api_base=self.graph.api, media_host=media_host)
        #: Progress callbacks of videos whose bytes go up in `publish`, by (account, media) id.
        self._progress: dict[tuple[str, str], Progress] = {}

    # -- rules ---------------------------------------------------------------------------------

    async def capabilities(self, ctx: AccountContext | None) -> Capabilities:
        """63,206 characters, photos or one video, no threads; `content_type` picks post or Reel."""
        return Capabilities(
            network=Network.FACEBOOK,
            max_length=MAX_LENGTH,
            length_unit="characters",
            count_length=len,
            media=RULES[Network.FACEBOOK],
            supports_threads=False,
            options=OPTIONS,
        )

    def validate(self, post: Post, target: Target, account: Account, caps: Capabilities) -> list[Problem]:
        """The common rules, plus what a Reel needs: exactly one video of 3 to 90 seconds."""
        problems = validate_target(post, target, account, caps)
        if target.options.get("content_type") != "reel":
            return problems

        def problem(message: str, rule: str) -> Problem:
            return Problem(
                field="facebook.content_type",
                message=f"facebook.content_type=reel: {message} ({account.ref}).",
                network=Network.FACEBOOK.value,
                account=account.ref,
                rule=rule,
            )

        videos = [m for m in post.media if m.kind == "video"]
        if len(post.media) != 1 or len(videos) != 1:
            problems.append(
                problem("a Reel is exactly one video; attach one video and nothing else", "reel_media")
            )
        elif (
            videos[0].duration_s is not None
            and not REEL_SECONDS[0] <= videos[0].duration_s <= REEL_SECONDS[1]
        ):
            problems.append(
                problem(
                    f"a Reel lasts 3 to 90 seconds, this video {videos[0].duration_s:.1f}; trim it, or "
                    f"post it as a feed video (facebook.content_type=post)",
                    "reel_duration",
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
        """Facebook Login with the creator's app; `target_id` is the Page (the only one if omitted)."""
        if app is None or not app.client_secret:
            raise ValidationError.single(
                "client_id", missing_app_message(self.provider), network=Network.FACEBOOK.value
            )
        short = await facebook_auth.browser_sign_in(self.graph, self.provider, app, open_url)
        return await self._from_user_token(short, app, target_id, None)

    async def add_account(self, request: AddAccountRequest) -> VerifiedAccount:
        """A user or Page token made elsewhere (`accounts add facebook --access-token T --target PAGE`)."""
        if not request.access_token:
            raise ValidationError.single(
                "--access-token",
                "--access-token: give a Facebook user or Page access token with pages_manage_posts, or run "
                "`outpost accounts connect facebook` to sign in through the browser.",
            )
        base = local_api(request.service_url)
        who, name, kind = await facebook_auth.me(self.graph, request.access_token, base=base)
        if kind != "page":
            return await self._from_user_token(request.access_token, request.app, request.target_id, base)
        if request.target_id not in (None, who):
            raise ValidationError.single(
                "--target",
                f"--target: that is the Page token of {name} ({who}), not of {request.target_id}; give "
                f"--target {who}, or a token of the Page you mean.",
            )
        credentials: Credentials = {"access_token": request.access_token, **_app_keys(request.app)}
        answer = await self.graph.call(
            "GET", f"/{who}", request.access_token, base=base, params={"fields": "id,name,username"}
        )
        about = read(answer, Network.FACEBOOK, kind=dict)
        page = Page(
            id=who,
            name=text_or_none(about.get("name")) or name or who,
            token=request.access_token,
            username=text_or_none(about.get("username")),
        )
        return self._verified(page, credentials, base, await self._checked(page.token, who, base))

    async def _from_user_token(
        self, user_token: str, app: DeveloperApp | None, target_id: str | None, base: str | None
    ) -> VerifiedAccount:
        """The Page's own token from a person's token, made long-lived first where the app allows."""
        credentials: Credentials = _app_keys(app)
        note = None
        if app is not None and app.client_secret:
            user_token, ends = await facebook_auth.long_lived(self.graph, app, user_token, base=base)
            if ends is not None:
                credentials["user_expires_at"] = ends.isoformat()
        else:
            note = (
                "Outpost has no Facebook app secret, so it could not make this sign-in long-lived: if the "
                "token was a short-lived one, the Page's token ends with it (within hours). Set the app "
                "(`outpost apps set facebook …`) and add the account again to be sure."
            )
        _, person, _ = await facebook_auth.me(self.graph, user_token, base=base)
        granted = await facebook_auth.granted_permissions(self.graph, user_token, base=base)
        missing = tuple(p for p in REQUIRED_PERMISSIONS if p not in granted)
        pages = await facebook_auth.managed_pages(self.graph, user_token, base=base)
        page = facebook_auth.choose_page(pages, target_id, who=person or "this sign-in", missing=missing)
        credentials |= {"access_token": page.token, "user_token": user_token}
        health = await self._checked(page.token, page.id, base, missing=missing)
        if note and health.message is None:
            health = health.model_copy(update={"message": note})
        return self._verified(page, credentials, base, health)

    def _verified(
        self, page: Page, credentials: Credentials, base: str | None, health: HealthReport
    ) -> VerifiedAccount:
        return VerifiedAccount(
            handle=page.username or page.id,
            display_name=page.name,
            service_url=base,
            credentials=credentials,
            health=health,
            target_id=page.id,
            avatar_url=page.picture,
        )

    async def verify_credentials(self, ctx: AccountContext) -> HealthReport:
        """The Page token works (`GET /{page}`); which permissions the person's sign-in still grants."""
        credentials = await ctx.credentials()
        token, page_id, base = await self._page(ctx)
        missing: tuple[str, ...] = ()
        note = None
        user_token = credentials.get("user_token")
        ends = expires_at(credentials, "user_expires_at")
        if user_token and (ends is None or ends > self.clock.now()):
            try:
                granted = await facebook_auth.granted_permissions(self.graph, user_token, base=base)
            except AuthExpired:
                note = (
                    "Your Facebook sign-in ended; the Page can still be posted to, but its permissions "
                    "were not checked."
                )
            else:
                missing = tuple(p for p in REQUIRED_PERMISSIONS if p not in granted)
        report = await self._checked(token, page_id, base, missing=missing)
        if note and report.message is None:
            report = report.model_copy(update={"message": note})
        return report

    async def _checked(
        self, page_token: str, page_id: str | None, base: str | None, *, missing: tuple[str, ...] = ()
    ) -> HealthReport:
        """Ask for the Page with its token; the answer's usage headers give the budget used."""
        answer = await self.graph.call(
            "GET", f"/{page_id or 'me'}", page_token, base=base, params={"fields": "id,name"}
        )
        usage = Usage.of(answer)
        quota = None
        if usage.percents:
            quota = QuotaLeft(used=usage.highest, limit=100, unit="% of Facebook's hourly call budget")
        report = HealthReport.summarise(
            token_has_scopes=not missing,
            missing_permissions=missing,
            rate_limited=usage.highest >= 100,
            checked_at=self.clock.now(),
            quota=quota,
        )
        if missing:
            message = (
                f"The Facebook sign-in lacks {', '.join(missing)}; reconnect the account and allow "
                f"{'them' if len(missing) > 1 else 'it'}."
            )
            return report.model_copy(update={"message": message})
        return report

    async def list_targets(self, ctx: AccountContext) -> list[AccountTarget]:
        """The Pages the person manages (`/me/accounts`), or this account's Page alone."""
        credentials = await ctx.credentials()
        user_token = credentials.get("user_token")
        if user_token:
            try:
                pages = await facebook_auth.managed_pages(
                    self.graph, user_token, base=local_api(ctx.account.service_url)
                )
            except AuthExpired:
                log.info("the Facebook sign-in behind %s ended; listing its Page only", ctx.account.ref)
            else:
                return [AccountTarget(p.id, p.name, "page") for p in pages]
        account = ctx.account
        return [
            AccountTarget(account.target_id or account.handle, account.display_name or account.handle, "page")
        ]

    async def revoke(self, ctx: AccountContext) -> str:
        """Nothing is revoked: the person's one grant to the app also serves their other Pages."""
        return (
            "Outpost did not revoke its access at Facebook, because the same sign-in may serve your other "
            "Pages; to cut it everywhere, remove your app under Settings → Business integrations on "
            "facebook.com."
        )

    # -- media ---------------------------------------------------------------------------------

    async def upload_media(
        self, ctx: AccountContext, media: MediaAsset, progress: Progress | None = None
    ) -> UploadedMedia:
        """Photos: `POST /{page}/photos` unpublished, with alt text. Videos go up in `publish`."""
        if media.kind == "video":
            if progress is not None:
                self._progress[(ctx.account.id, media.id)] = progress
            return UploadedMedia(media, remote_id=f"pending:{media.id}")
        token, page_id, base = await self._page(ctx)
        data = await _read(media.path)
        form = {"published": "false"}
        if media.alt_text:
            form["alt_text_custom"] = media.alt_text
        answer = await self.graph.call(
            "POST",
            f"/{page_id}/photos",
            token,
            base=base,
            data=form,
            files={"source": (media.path.rsplit("/", 1)[-1], data, media.mime_type)},
        )
        if progress is not None:
            progress(media.size, media.size)
        return UploadedMedia(media, remote_id=read_id(answer, Network.FACEBOOK, "id"))

    # -- publishing ----------------------------------------------------------------------------

    async def publish(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        """One create request: a feed post (text, link, photos), or a video's or Reel's `finish`."""
        return await self._create(ctx, part, None)

    async def schedule_on_network(
        self, ctx: AccountContext, part: PartRequest, at: datetime
    ) -> PublishedPart:
        """The same create, unpublished, with `scheduled_publish_time`: Facebook publishes it at `at`."""
        return await self._create(ctx, part, at)

    async def _create(self, ctx: AccountContext, part: PartRequest, at: datetime | None) -> PublishedPart:
        token, page_id, base = await self._page(ctx)
        videos = [m for m in part.media if m.asset.kind == "video"]
        if videos or part.options.get("content_type") == "reel":
            if not videos:
                raise Rejected("facebook.content_type=reel needs one video; nothing was sent.")
            return await self._video(ctx, part, videos[0].asset, at)
        body: dict[str, Any] = {"message": part.text}
        if part.media:
            body["attached_media"] = [{"media_fbid": m.remote_id} for m in part.media]
        elif link := _first_link(part.text):
            body["link"] = link
        if at is not None:
            body |= {"published": False, "scheduled_publish_time": _unix(at)}
        answer = await self.graph.call(
            "POST", f"/{page_id}/feed", token, base=base, params={"fields": "id,permalink_url"}, json=body
        )
        post_id = read_id(answer, Network.FACEBOOK, "id")
        permalink = _absolute(read(answer, Network.FACEBOOK, kind=dict).get("permalink_url"))
        return PublishedPart(platform_post_id=post_id, permalink=permalink or f"{WEB}/{post_id}")

    async def _video(
        self, ctx: AccountContext, part: PartRequest, media: MediaAsset, at: datetime | None
    ) -> PublishedPart:
        token, page_id, base = await self._page(ctx)
        uploads = Uploads(self.graph, ctx, page_id, token, base)
        progress = self._progress.pop((ctx.account.id, media.id), None)
        reel = part.options.get("content_type") == "reel"
        sent: SentVideo = await (
            uploads.reel(media, progress) if reel else uploads.feed_video(media, progress)
        )
        await ctx.forget_checkpoint(sent.checkpoint)  # before the create: nothing fallible after it
        if reel:
            form = {"upload_phase": "finish", "video_id": sent.video_id, "description": part.text}
            form["video_state"] = "PUBLISHED" if at is None else "SCHEDULED"
            permalink = f"{WEB}/reel/{sent.video_id}"
            path = f"/{page_id}/video_reels"
        else:
            form = {
                "upload_phase": "finish",
                "upload_session_id": sent.session_id or "",
                "description": part.text,
            }
            form["published"] = "true" if at is None else "false"
            permalink = f"{WEB}/{page_id}/videos/{sent.video_id}"
            path = f"/{page_id}/videos"
        if at is not None:
            form["scheduled_publish_time"] = str(_unix(at))
        answer = await self.graph.call("POST", path, token, base=base, data=form)
        if read(answer, Network.FACEBOOK, kind=dict).get("success") is not True:
            raise PublishError(
                "Facebook answered the video's finish without confirming it; Outpost cannot tell whether "
                "it was published.",
                may_have_taken_effect=True,
            )
        return PublishedPart(platform_post_id=sent.video_id, permalink=permalink)

    async def find_published(self, ctx: AccountContext, text: str, since: datetime) -> PublishedPart | None:
        """The Page's posts since `since` (`GET /{page}/posts`), matched by their message.

        Facebook's feed of a Page is complete for its own recent posts, but a post may show there a
        little late: not finding one is not proof it never went out (engine/review.py says so).
        """
        if not _comparable(text):
            return None  # a post without text (photos only) cannot be told apart by its message
        token, page_id, base = await self._page(ctx)
        answer = await self.graph.call(
            "GET",
            f"/{page_id}/posts",
            token,
            base=base,
            params={
                "fields": "id,message,created_time,permalink_url",
                "since": str(_unix(since)),
                "limit": "50",
            },
        )
        wanted = _comparable(text)
        for item in read(answer, Network.FACEBOOK, "data", kind=list):
            if isinstance(item, dict) and _comparable(str(item.get("message") or "")) == wanted:
                post_id = str(item.get("id"))
                return PublishedPart(
                    platform_post_id=post_id,
                    permalink=_absolute(item.get("permalink_url")) or f"{WEB}/{post_id}",
                )
        return None

    # -- Facebook's own scheduler ----------------------------------------------------------------

    async def reschedule_on_network(
        self, ctx: AccountContext, scheduled: PublishedPart, at: datetime
    ) -> None:
        """Move a handed-over post (`POST /{id}` with a new `scheduled_publish_time`)."""
        scheduled_id = scheduled.platform_post_id
        token, _, base = await self._page(ctx)
        await self.graph.call(
            "POST", f"/{scheduled_id}", token, base=base, data={"scheduled_publish_time": str(_unix(at))}
        )

    async def cancel_on_network(self, ctx: AccountContext, scheduled: PublishedPart) -> None:
        """Delete the unpublished post; one already gone is fine, one already out is left alone."""
        scheduled_id = scheduled.platform_post_id
        found = await self._state(ctx, scheduled_id)
        if found is None:
            return
        if found.get("published"):
            raise Rejected(
                f"The post {scheduled_id} is already out on Facebook, so Outpost did not delete it; "
                f"delete it on the Page yourself if you want it gone."
            )
        token, _, base = await self._page(ctx)
        await self.graph.call("DELETE", f"/{scheduled_id}", token, base=base)

    async def confirm_on_network(self, ctx: AccountContext, scheduled: PublishedPart) -> PublishedPart | None:
        """The post as published (`is_published`, `permalink_url`), or None while it waits."""
        scheduled_id = scheduled.platform_post_id
        found = await self._state(ctx, scheduled_id)
        if found is None:
            raise Rejected(
                f"The scheduled post {scheduled_id} is no longer on the Page (deleted on Facebook); it will "
                f"not go out.",
            )
        if not found.get("published"):
            return None
        permalink = _absolute(found.get("permalink_url")) or f"{WEB}/{scheduled_id}"
        return PublishedPart(platform_post_id=scheduled_id, permalink=permalink)

    async def _state(self, ctx: AccountContext, item_id: str) -> dict[str, Any] | None:
        """Whether a post (`PAGE_POST` id) or video is published, and its permalink; None if gone."""
        token, _, base = await self._page(ctx)
        post = "_" in item_id
        fields = "is_published,permalink_url" if post else "published,permalink_url"
        try:
            answer = await self.graph.call("GET", f"/{item_id}", token, base=base, params={"fields": fields})
        except Rejected as exc:
            if "does not exist" in str(exc):
                return None
            raise
        body = read(answer, Network.FACEBOOK, kind=dict)
        return {
            "published": body.get("is_published" if post else "published") is True,
            "permalink_url": body.get("permalink_url"),
        }

    # -- after publishing: numbers, the Page's posts, read-back, the first comment -------------
    # Post insights (developers.facebook.com/docs/graph-api/reference/insights, read_insights
    # and a Page token of someone with the ANALYZE task): post_impressions* were retired for all
    # versions in 2025 (…/pages-api/platforminsights/page/deprecated-metrics: "post_impressions_unique
    # (Alternative: post_total_media_view_unique)"; the 2025-08-15 blog: impressions "replaced by the
    # views metric"), so views are `post_media_view` and reach `post_total_media_view_unique`.
    # Reactions, comments and shares are fields of the post (pages_read_engagement). One request
    # reads up to 50 posts: a multi-id read (`GET /?ids=a,b`) with the insights as a field
    # expansion (Graph API "Using the Graph API": field expansion, multiple-id lookup).

    async def read_metrics(self, ctx: AccountContext, parts: Sequence[PublishedPart]) -> list[MetricReading]:
        """The posts' numbers, 50 per request; a post Facebook no longer has is left out."""
        token, _, base = await self._page(ctx)
        wanted = list(dict.fromkeys(p.platform_post_id for p in parts))
        nodes: dict[str, dict[str, Any]] = {}
        for posts in (True, False):
            ids = [i for i in wanted if ("_" in i) == posts]
            for start in range(0, len(ids), MAX_IDS):
                nodes |= await self._many(ctx, token, base, ids[start : start + MAX_IDS], posts=posts)
        now = self.clock.now()
        readings = []
        for item_id in wanted:
            node = nodes.get(item_id)
            if node is None:
                continue
            values = insight_values(node.get("insights"))
            shares = node.get("shares")
            readings.append(
                MetricReading(
                    platform_post_id=item_id,
                    read_at=now,
                    impressions=values.get("post_media_view"),
                    reach=values.get("post_total_media_view_unique"),
                    clicks=values.get("post_clicks"),
                    likes=summary_count(node, "reactions"),
                    replies=summary_count(node, "comments"),
                    # Graph leaves `shares` out of a post nobody shared; videos have no such field.
                    reposts=_shares(shares) if "_" in item_id else None,
                )
            )
        return readings

    async def _many(
        self, ctx: AccountContext, token: str, base: str | None, ids: list[str], *, posts: bool
    ) -> dict[str, dict[str, Any]]:
        """One multi-id read; ids Facebook says do not exist (deleted) are dropped and it is asked again."""
        while ids:
            response = await self._unchecked(
                "GET",
                "/",
                token,
                base,
                params={"ids": ",".join(ids), "fields": READ_FIELDS if posts else VIDEO_FIELDS},
            )
            gone = gone_aliases(response) & set(ids)
            if gone:
                ids = [i for i in ids if i not in gone]
                continue
            if lacks_permission(response):
                raise MissingPermission(
                    f"Facebook will not tell Outpost the numbers of {ctx.account.ref}'s posts: the "
                    f"sign-in lacks {INSIGHTS_PERMISSION} (or your Page role lacks the Analyze task). "
                    f"Reconnect the account and allow {INSIGHTS_PERMISSION}.",
                    INSIGHTS_PERMISSION,
                )
            if not response.is_success:
                raise graph_error(response, now=self.clock.now())
            body = read(response, Network.FACEBOOK, kind=dict)
            return {str(k): v for k, v in body.items() if isinstance(v, dict)}
        return {}

    async def follower_count(self, ctx: AccountContext) -> int | None:
        """The Page's `followers_count` field."""
        token, page_id, base = await self._page(ctx)
        answer = await self.graph.call(
            "GET", f"/{page_id}", token, base=base, params={"fields": "followers_count"}
        )
        count = read(answer, Network.FACEBOOK, kind=dict).get("followers_count")
        return count if isinstance(count, int) and not isinstance(count, bool) else None

    async def recent_posts(
        self, ctx: AccountContext, since: datetime, *, limit: int = 100
    ) -> list[RemotePost]:
        """The Page's own posts since `since` (`/{page}/posts`, every page) with their counters.

        `/posts` holds only what the Page itself posted; a post that shares someone else's
        (it has a `parent_id`) is a repost and left out.
        """
        token, page_id, base = await self._page(ctx)
        found: list[RemotePost] = []
        after: str | None = None
        while len(found) < limit:
            params = {"fields": LIST_FIELDS, "since": str(_unix(since)), "limit": "100"}
            if after:
                params["after"] = after
            answer = await self.graph.call("GET", f"/{page_id}/posts", token, base=base, params=params)
            items, after = page_of(read(answer, Network.FACEBOOK, kind=dict))
            for item in items:
                made = _graph_time(item.get("created_time"))
                if made is None or made < since or item.get("parent_id") or not item.get("id"):
                    continue
                post_id = str(item["id"])
                found.append(
                    RemotePost(
                        platform_post_id=post_id,
                        permalink=_absolute(item.get("permalink_url")) or f"{WEB}/{post_id}",
                        text=str(item.get("message") or ""),
                        created_at=made,
                        reading=MetricReading(
                            platform_post_id=post_id,
                            read_at=self.clock.now(),
                            likes=summary_count(item, "reactions"),
                            replies=summary_count(item, "comments"),
                            reposts=_shares(item.get("shares")),
                        ),
                    )
                )
            if after is None:
                break
        found.sort(key=lambda p: p.created_at, reverse=True)
        return found[:limit]

    async def look_up(self, ctx: AccountContext, part: PublishedPart) -> bool | None:
        """`GET /{post-id}`: there → True; "does not exist" (deleted) → False."""
        token, _, base = await self._page(ctx)
        response = await self._unchecked(
            "GET", f"/{part.platform_post_id}", token, base, params={"fields": "id"}
        )
        if is_gone(response):
            return False
        if not response.is_success:
            raise graph_error(response, now=self.clock.now())
        return True

    async def post_comment(
        self, ctx: AccountContext, on: PublishedPart, text: str, idempotency_key: str
    ) -> PublishedPart:
        """Comment as the Page under its post (`POST /{post-id}/comments`, pages_manage_engagement).

        No idempotency key exists, so the key is a checkpoint while the request is out: a retry
        after a lost answer (or a crash) first looks for the Page's own comment with this text.
        """
        token, _, base = await self._page(ctx)
        checkpoint = f"comment:{idempotency_key}"
        if await ctx.checkpoint(checkpoint) is not None:
            found = await self._own_comment(ctx, on.platform_post_id, text)
            if found is not None:
                await ctx.forget_checkpoint(checkpoint)
                return found
        await ctx.save_checkpoint(checkpoint, on.platform_post_id)
        try:
            response = await self._unchecked(
                "POST", f"/{on.platform_post_id}/comments", token, base,
                params={"fields": "id,permalink_url"}, data={"message": text},
            )  # fmt: skip
            if lacks_permission(response):
                raise MissingPermission(
                    f"Facebook refused the first comment on {ctx.account.ref}'s post: the sign-in lacks "
                    f"{COMMENT_PERMISSION}. Reconnect the account and allow it.",
                    COMMENT_PERMISSION,
                )
            if not response.is_success:
                raise graph_error(response, now=self.clock.now())
        except PublishError as exc:
            if not exc.may_have_taken_effect:  # a clear refusal (or nothing sent): no comment exists
                await ctx.forget_checkpoint(checkpoint)
                raise
            found = await self._settled_comment(ctx, on.platform_post_id, text)
            if found is None:
                raise  # the checkpoint stays: the next try looks for the comment first
            await ctx.forget_checkpoint(checkpoint)
            return found
        await ctx.forget_checkpoint(checkpoint)
        body = read(response, Network.FACEBOOK, kind=dict)
        comment_id = read_id(response, Network.FACEBOOK, "id")
        return PublishedPart(platform_post_id=comment_id, permalink=_absolute(body.get("permalink_url")))

    async def _settled_comment(self, ctx: AccountContext, post_id: str, text: str) -> PublishedPart | None:
        try:
            return await self._own_comment(ctx, post_id, text)
        except PublishError as exc:
            log.info("could not look for the comment on %s: %s", post_id, exc)
            return None

    async def _own_comment(self, ctx: AccountContext, post_id: str, text: str) -> PublishedPart | None:
        """The Page's own comment with this text under the post, newest first, if Facebook shows one."""
        token, page_id, base = await self._page(ctx)
        params = {"fields": "id,message,from,permalink_url", "order": "reverse_chronological", "limit": "50"}
        answer = await self.graph.call("GET", f"/{post_id}/comments", token, base=base, params=params)
        items, _ = page_of(read(answer, Network.FACEBOOK, kind=dict))
        wanted = _comparable(text)
        for item in items:
            author = item.get("from")
            mine = isinstance(author, dict) and str(author.get("id")) == page_id
            if mine and _comparable(str(item.get("message") or "")) == wanted:
                return PublishedPart(
                    platform_post_id=str(item["id"]), permalink=_absolute(item.get("permalink_url"))
                )
        return None

    async def _unchecked(
        self, method: str, path: str, token: str, base: str | None, **content: Any
    ) -> httpx.Response:
        """A Graph request whose refusal is returned for the caller to read (transport failures raise)."""
        request = self.client.build_request(
            method, self.graph.url(path, base), headers={"Authorization": f"Bearer {token}"}, **content
        )
        return await send(self.client, request, network=Network.FACEBOOK, clock=self.clock, check=False)

    # -- after publishing: edit and delete (issue #24) -------------------------------------------
    # developers.facebook.com/docs/graph-api/reference/post: "Deleting" `DELETE /{post-id}` and
    # "Updating" `POST /{post-id}` with `message`, both answering {"success": true}, with the
    # Page token (pages_manage_posts). Only the words change: photos and videos stay.
    can_delete = True
    edit_kind = "in_place"
    edit_unavailable = "Facebook edits the Page post's text in place; photos and videos stay as published."

    async def delete_published(self, ctx: AccountContext, part: PublishedPart) -> None:
        """`DELETE /{post-id}`; a post already gone ("does not exist") is deleted."""
        token, _, base = await self._page(ctx)
        try:
            await self.graph.call("DELETE", f"/{part.platform_post_id}", token, base=base)
        except Rejected as exc:
            if "does not exist" not in str(exc):
                raise

    async def edit_published(
        self, ctx: AccountContext, part: PublishedPart, new: PartRequest
    ) -> PublishedPart:
        """`POST /{post-id}` with the new `message`."""
        token, _, base = await self._page(ctx)
        answer = await self.graph.call(
            "POST", f"/{part.platform_post_id}", token, base=base, json={"message": new.text}
        )
        if read(answer, Network.FACEBOOK, kind=dict).get("success") is not True:
            raise Rejected(
                f"Facebook did not change the post {part.platform_post_id}; check it at {part.permalink}."
            )
        return part

    # -- plumbing ------------------------------------------------------------------------------

    async def _page(self, ctx: AccountContext) -> tuple[str, str, str | None]:
        """(Page token, Page id, the simulated API's address or None) for the account."""
        token = (await ctx.credentials()).get("access_token")
        if not token:
            raise AuthExpired(
                f"No Facebook Page token for {ctx.account.ref} in the keyring; reconnect the account."
            )
        page_id = ctx.account.target_id
        if not page_id:
            raise ValidationError.single(
                "--target", f"{ctx.account.ref} has no Facebook Page id; add the account again with --target."
            )
        return token, page_id, local_api(ctx.account.service_url)


def _app_keys(app: DeveloperApp | None) -> Credentials:
    """The app's id and secret, kept with the account (the account keeps working if the app changes)."""
    if app is None:
        return {}
    return {"client_id": app.client_id, **({"client_secret": app.client_secret} if app.client_secret else {})}


def _shares(value: object) -> int:
    """A post's `shares` field (`{"count": 3}`); absent means nobody shared it."""
    count = value.get("count") if isinstance(value, dict) else None
    return count if isinstance(count, int) and not isinstance(count, bool) else 0


def _graph_time(value: object) -> datetime | None:
    """Graph's `created_time` ("2026-12-01T09:00:00+0000") as an aware datetime."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)
    except ValueError:
        return None


def _first_link(text: str) -> str | None:
    return next((s.value for s in find_spans(text) if s.kind is SpanKind.LINK), None)


def _unix(when: datetime) -> int:
    return int(when.astimezone(UTC).timestamp())


def _absolute(value: object) -> str | None:
    """Facebook's `permalink_url`, which is sometimes a path on facebook.com (videos)."""
    link = text_or_none(value)
    if link is None:
        return None
    return link if link.startswith("http") else f"{WEB}/{link.lstrip('/')}"


def _comparable(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


async def _read(path: str) -> bytes:
    def read_all() -> bytes:
        with open(path, "rb") as handle:
            return handle.read()

    return await asyncio.to_thread(read_all)


__all__ = ["MAX_LENGTH", "FacebookAdapter"]
