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
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx

from outpost.adapters import facebook_auth
from outpost.adapters.base import (
    AccountContext,
    AddAccountRequest,
    Credentials,
    DeveloperApp,
    MediaHost,
    NativeSchedule,
    NetworkAdapter,
    PartRequest,
    Progress,
    UploadedMedia,
    VerifiedAccount,
)
from outpost.adapters.facebook_auth import REQUIRED_PERMISSIONS, Page
from outpost.adapters.facebook_errors import Usage
from outpost.adapters.facebook_graph import Graph
from outpost.adapters.facebook_video import SentVideo, Uploads
from outpost.adapters.http import read, read_id, text_or_none
from outpost.adapters.oauth_app import local_api
from outpost.adapters.tokens import expires_at, missing_app_message, with_overrides
from outpost.auth.oauth import AskAddress, OpenUrl
from outpost.auth.providers import PROVIDERS
from outpost.domain.accounts import AccountTarget
from outpost.domain.capabilities import Capabilities, OptionKind, OptionSpec
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.errors import AuthExpired, Problem, PublishError, Rejected, ValidationError
from outpost.domain.media_rules import RULES
from outpost.domain.models import Account, HealthReport, MediaAsset, Post, PublishedPart, QuotaLeft, Target
from outpost.domain.text import SpanKind, find_spans
from outpost.domain.validation import validate_target

log = logging.getLogger("outpost.adapters.facebook")

#: "Post text ≤ 63,206 characters" (§3.4).
MAX_LENGTH = 63_206
#: Reels: 3 to 90 seconds (Reels Publishing guide, §3.2).
REEL_SECONDS = (3.0, 90.0)
WEB = "https://www.facebook.com"

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
        ask_address: AskAddress | None = None,
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
