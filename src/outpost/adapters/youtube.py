"""YouTube (Data API v3) with the creator's own Google project: videos, Shorts, and `publishAt`.

Contract notes: `../shared/platforms/meta-linkedin-tiktok-youtube.md` §6, from Google's pages
(identity/protocols/oauth2/native-app, youtube/v3/docs/videos/insert, guides/using_resumable_
upload_protocol, youtube/data/determine_quota_cost) and the `video` resource's property texts.

- Sign-in: Google's installed-app flow with the creator's "Desktop app" client (PKCE, loopback
  redirect, offline access; providers.py). Access tokens live an hour and are renewed with the
  refresh token, which Google does not rotate (tokens.py keeps it when an answer has none).
- A post is one video: the post's text is its description, `youtube.title` its title. The upload
  is the create: the resumable session (adapters/youtube_upload.py) is checkpointed under the
  target's idempotency key and resumed, never started twice, so `idempotent_publish` is True.
- `upload_media` sends nothing: the bytes can only go with the video's metadata, in `publish`
  (the progress callback it was handed is used there). A second, image attachment becomes the
  video's custom thumbnail (`thumbnails.set`, after the upload): YouTube allows it only for
  verified channels, so a refusal there is logged and noted on the result, not a failed post —
  the video exists by then.
- Quota: every request is counted per Google project per Pacific day (adapters/youtube_quota.py)
  and refused before it would exceed the allowance; the health card shows what is left.
- YouTube's own scheduler: `schedule_on_network` uploads the video private with `status.publishAt`
  (YouTube makes it public then); rescheduling is `videos.update`; cancelling *deletes* the video
  (it was never public, and keeping a private copy would leave one more after every edit, which
  is a cancel and a new hand-over); confirming reads its `privacyStatus`.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx

from outpost.adapters import youtube_after as after
from outpost.adapters import youtube_rules as rules
from outpost.adapters import youtube_text
from outpost.adapters import youtube_videos as videos
from outpost.adapters.base import (
    AccountContext,
    AddAccountRequest,
    DeveloperApp,
    FirstCommentKind,
    MediaHost,
    NativeSchedule,
    PartRequest,
    Progress,
    UploadedMedia,
    VerifiedAccount,
)
from outpost.adapters.http import retry_after, send, text_or_none
from outpost.adapters.oauth_app import OAuthAppAdapter, local_api
from outpost.adapters.tokens import expires_at
from outpost.adapters.youtube_errors import QuotaExceeded, youtube_error
from outpost.adapters.youtube_quota import COSTS, DAILY_UNITS, QuotaLedger, project_key
from outpost.adapters.youtube_upload import (
    DEFAULT_CHUNK_BYTES,
    SessionNote,
    Upload,
    VideoResource,
    upload_video,
)
from outpost.auth.oauth import AskPasted, OpenUrl
from outpost.domain.accounts import AccountTarget
from outpost.domain.capabilities import Capabilities
from outpost.domain.clock import Clock
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import (
    AuthExpired,
    InvalidStateError,
    Problem,
    PublishError,
    Rejected,
    ValidationError,
)
from outpost.domain.media_rules import RULES
from outpost.domain.metrics import MetricReading, RemotePost
from outpost.domain.models import Account, HealthReport, MediaAsset, Post, PublishedPart, QuotaLeft, Target
from outpost.domain.validation import validate_target

log = logging.getLogger("outpost.adapters.youtube")

SCOPE = "https://www.googleapis.com/auth/"
UPLOAD, READONLY, FORCE_SSL = (
    f"{SCOPE}youtube.upload",
    f"{SCOPE}youtube.readonly",
    f"{SCOPE}youtube.force-ssl",
)
MANAGE = f"{SCOPE}youtube"  # "manage your YouTube account": covers all three
REFRESH_MARGIN = timedelta(minutes=5)
UNVERIFIED_MAX_S = 15 * 60  # channels without phone verification: videos up to 15 minutes
PRIVATE_ONLY = "private-only"  # network checkpoint: this project's uploads come out private


class YouTubeAdapter(OAuthAppAdapter):
    """YouTube Data API v3 for one channel, through the creator's own Google project."""

    network: ClassVar[Network] = Network.YOUTUBE
    #: A re-sent publish resumes the checkpointed session (or returns the video it made): safe.
    idempotent_publish: ClassVar[bool] = True
    can_find_posts: ClassVar[bool] = True
    refresh_margin: ClassVar[timedelta] = REFRESH_MARGIN
    #: `publishAt`: YouTube keeps the video private and makes it public itself. A quarter of an
    #: hour ahead at least, so the upload itself has time before the moment passes.
    native_schedule: ClassVar[NativeSchedule | None] = NativeSchedule(min_ahead=timedelta(minutes=15))
    can_read_metrics: ClassVar[bool] = True  # free, but each call counts in the daily quota
    can_list_posts: ClassVar[bool] = True
    first_comment: ClassVar[FirstCommentKind | None] = "comment"

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        clock: Clock,
        api_base: str | None = None,
        media_host: MediaHost | None = None,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
        retry_s: float = 1.0,
        daily_units: int = DAILY_UNITS,
    ) -> None:
        """Make the adapter; tests use small chunks, short pauses between retries, a small quota."""
        super().__init__(client, clock=clock, api_base=api_base, media_host=media_host)
        self._chunk_bytes = chunk_bytes
        self._retry_s = retry_s
        self.quota = QuotaLedger(clock, daily_units)
        #: account id → whether the channel may upload videos over 15 minutes (from its last check).
        self._long_uploads: dict[str, bool] = {}
        #: (account id, file) → the engine's progress callback, from `upload_media` to `publish`.
        self._progress: dict[tuple[str, str], Progress] = {}

    # -- rules ---------------------------------------------------------------------------------

    async def capabilities(self, ctx: AccountContext | None) -> Capabilities:
        """5,000 bytes of description, one video (and its thumbnail), the options YouTube needs."""
        media = RULES[Network.YOUTUBE]
        if ctx is not None and self._long_uploads.get(ctx.account.id) is False and media.video:
            media = dataclasses.replace(
                media, video=dataclasses.replace(media.video, max_duration_s=UNVERIFIED_MAX_S)
            )
        return Capabilities(
            network=Network.YOUTUBE,
            max_length=youtube_text.MAX_DESCRIPTION_BYTES,
            length_unit="bytes of description (UTF-8: accented letters count 2, emoji 4)",
            count_length=youtube_text.description_length,
            media=media,
            supports_threads=False,
            options=rules.OPTIONS,
        )

    def validate(self, post: Post, target: Target, account: Account, caps: Capabilities) -> list[Problem]:
        """The common rules, plus YouTube's: one video, the title's and tags' rules, no < or >."""
        problems = validate_target(post, target, account, caps)
        problems += rules.media_problems(post, account)
        problems += rules.word_problems(post.text_for(target), target.options, account)
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
        """Sign in with Google in the browser; `target_id` names the channel if the sign-in has several."""
        return await self._verified(await self._sign_in(app, open_url), target_id)

    async def add_account(self, request: AddAccountRequest) -> VerifiedAccount:
        """Accept tokens made elsewhere, after `channels.list` confirms the channel."""
        base = local_api(request.service_url)
        if base is None and request.app is None:
            raise ValidationError.single(
                "client_id",
                "YouTube needs your Google project's OAuth client first: Outpost renews tokens with "
                "it and counts the project's daily quota. Run `outpost apps set youtube --client-id "
                "ID --client-secret-stdin` (or Settings → Developer apps), then add the account.",
                network=Network.YOUTUBE.value,
            )
        if base is None and not request.refresh_token:
            raise ValidationError.single(
                "--refresh-token",
                "--refresh-token: Google's access tokens last an hour; give the refresh token that came "
                "with it (or run `outpost accounts connect youtube` to sign in in the browser).",
            )
        credentials = self._hand_made_credentials(
            request, access_hint="a Google OAuth access token with the YouTube scopes"
        )
        return await self._verified(credentials, request.target_id, base)

    async def _verified(
        self, credentials: dict[str, str], target_id: str | None, base: str | None = None
    ) -> VerifiedAccount:
        # Not counted in the quota: no account exists yet to count it for (one unit).
        response = await self._request(
            "GET",
            "/youtube/v3/channels",
            token=credentials["access_token"],
            base=base,
            params={"part": "snippet,status", "mine": "true"},
        )
        channels = videos.channels(response)
        if not channels:
            raise ValidationError.single(
                "credentials",
                "This Google account has no YouTube channel yet: create one at "
                "https://www.youtube.com/create_channel, then connect again.",
            )
        chosen = (
            channels[0] if target_id is None else next((c for c in channels if c["id"] == target_id), None)
        )
        if chosen is None:
            listed = "; ".join(f"{c['id']} ({videos.title_of(c)})" for c in channels)
            raise ValidationError.single(
                "--target",
                f"--target: this sign-in does not reach the channel {target_id}. It reaches: {listed}. "
                "To publish to a Brand Account's channel, choose that channel on Google's sign-in page.",
            )
        snippet = videos.dict_of(chosen.get("snippet"))
        picture = videos.dict_of(videos.dict_of(snippet.get("thumbnails")).get("default"))
        return VerifiedAccount(
            handle=text_or_none(snippet.get("customUrl")) or chosen["id"],
            display_name=videos.title_of(chosen),
            service_url=base,
            credentials=credentials,
            health=self._health(credentials, None),
            target_id=chosen["id"],
            avatar_url=text_or_none(picture.get("url")),
        )

    async def verify_credentials(self, ctx: AccountContext) -> HealthReport:
        """`channels.list` (1 unit; a token refresh, free, once the day's quota is gone), and the quota."""
        if await self.quota.can_spend(ctx, "channels.list"):
            response = await self._call(
                ctx, "channels.list", "GET", "/youtube/v3/channels", params={"part": "status", "mine": "true"}
            )
            channel = next(iter(videos.channels(response)), {})
            long_uploads = videos.dict_of(channel.get("status")).get("longUploadsStatus")
            if isinstance(long_uploads, str):
                self._long_uploads[ctx.account.id] = long_uploads == "allowed"
            credentials = await ctx.credentials()
        elif (await ctx.credentials()).get("refresh_token"):
            credentials = await self._tokens.refresh_now(ctx)
        else:
            credentials = await ctx.credentials()
        report = self._health(credentials, await self.quota.left(ctx))
        if report.message is None and await ctx.network_checkpoint(await self._private_only_key(ctx)):
            report = report.model_copy(
                update={
                    "message": "YouTube keeps this Google project's uploads private until Google audits "
                    "the project (projects created after July 2020); see docs/networks.md."
                }
            )
        return report

    def _health(self, credentials: dict[str, str], quota: QuotaLeft | None) -> HealthReport:
        granted = set(credentials.get("scope", "").split())
        missing: list[str] = []
        if granted and MANAGE not in granted:
            missing = [s.removeprefix(SCOPE) for s in (UPLOAD, FORCE_SSL) if s not in granted]
            if READONLY not in granted and FORCE_SSL not in granted:
                missing.append(READONLY.removeprefix(SCOPE))
        ends = expires_at(credentials, "refresh_expires_at") if credentials.get("refresh_token") else None
        used_up = quota is not None and quota.left == 0  # nothing can be sent until the reset
        report = HealthReport.summarise(
            token_has_scopes=not missing,
            missing_permissions=tuple(missing),
            checked_at=self.clock.now(),
            sign_in_ends_at=ends,
            quota=quota,
            rate_limited=used_up,
            rate_limit_reset_at=quota.resets_at if quota is not None and used_up else None,
        )
        message = None
        if missing:
            message = (
                f"The sign-in lacks {', '.join(missing)}; reconnect and leave every YouTube permission "
                f"ticked on Google's page."
            )
        elif not credentials.get("refresh_token") and credentials.get("client_id"):
            message = "No refresh token: Google's access tokens last an hour; reconnect the account."
        elif report.sign_in_ending and ends is not None:
            message = (
                f"Google ends this sign-in on {ends:%Y-%m-%d} (apps in Testing get 7 days); reconnect "
                f"before then, or publish the app in the Google Cloud console."
            )
        elif quota is not None and quota.left < COSTS["videos.insert"]:
            message = (
                f"{quota.left} of {quota.limit} quota units left today: not enough for an upload "
                f"(1,600) until midnight Pacific time."
            )
        return report.model_copy(update={"message": message}) if message else report

    async def list_targets(self, ctx: AccountContext) -> list[AccountTarget]:
        """The channels this sign-in reaches (`channels.list?mine=true`, 1 unit)."""
        response = await self._call(
            ctx, "channels.list", "GET", "/youtube/v3/channels", params={"part": "snippet", "mine": "true"}
        )
        return [
            AccountTarget(id=c["id"], name=videos.title_of(c), kind="channel")
            for c in videos.channels(response)
        ]

    async def revoke(self, ctx: AccountContext) -> str:
        """`POST oauth2.googleapis.com/revoke` with the refresh token: ends the whole grant."""
        if local_api(ctx.account.service_url) is not None:
            return "A sandbox account: there was no access to revoke."
        credentials = await ctx.credentials()
        token = credentials.get("refresh_token") or credentials.get("access_token")
        if not token:
            return "Outpost holds no token for this account any more; nothing to revoke."
        await self._endpoint.revoke(self.client, {**credentials, "access_token": token}, self.clock)
        return "Outpost's access was revoked at Google."

    # -- media ---------------------------------------------------------------------------------

    async def upload_media(
        self, ctx: AccountContext, media: MediaAsset, progress: Progress | None = None
    ) -> UploadedMedia:
        """Nothing goes yet: YouTube takes a video's bytes only with its metadata, in `publish`."""
        if progress is not None:
            self._progress[(ctx.account.id, media.path)] = progress
        return UploadedMedia(media, remote_id=media.id)

    # -- publishing ----------------------------------------------------------------------------

    async def publish(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        """The resumable upload with the video's metadata; the last byte makes the video."""
        return await self._upload(ctx, part, publish_at=None)

    async def schedule_on_network(
        self, ctx: AccountContext, part: PartRequest, at: datetime
    ) -> PublishedPart:
        """Upload the video private with `status.publishAt`: YouTube makes it public at `at`.

        Raises:
            InvalidStateError: the post asks for an unlisted or private video (YouTube's
                scheduler only ever makes videos public), so Outpost must publish it itself.
        """
        privacy = part.options.get("privacy_status") or "public"
        if privacy != "public":
            raise InvalidStateError(
                f"YouTube's own scheduler only makes videos public; this one is to be {privacy}, so "
                f"Outpost publishes it itself at its time."
            )
        return await self._upload(ctx, part, publish_at=at)

    async def _upload(
        self, ctx: AccountContext, part: PartRequest, publish_at: datetime | None
    ) -> PublishedPart:
        clips = [m for m in part.media if m.asset.kind == "video"]
        images = [m for m in part.media if m.asset.kind == "image"]
        if len(clips) != 1:
            raise Rejected(
                "YouTube publishes one video per post; attach exactly one.", code=ErrorCode.MEDIA_REJECTED
            )
        video = clips[0].asset
        metadata = rules.metadata(part, publish_at)
        notify = part.options.get("notify_subscribers") != "false"
        job = Upload(
            ctx=ctx,
            name=f"upload:{part.idempotency_key}",
            video=video,
            start=lambda: self._start_session(ctx, video, metadata, notify=notify),
            find_lost=lambda note: self._find_lost(ctx, note, metadata["snippet"]),
            still_there=lambda video_id: self._exists(ctx, video_id),
            progress=self._progress.pop((ctx.account.id, video.path), None),
            chunk_bytes=self._chunk_bytes,
            retry_s=self._retry_s,
        )
        resource = await upload_video(self, job)
        video_id = str(resource["id"])
        extra: dict[str, str] = {}
        await self._note_private_only(ctx, resource, metadata)
        if images:
            thumbnail = await self._set_thumbnail(ctx, video_id, images[0].asset)
            if thumbnail:
                extra["thumbnail"] = thumbnail
        return PublishedPart(platform_post_id=video_id, permalink=f"{videos.WATCH}{video_id}", extra=extra)

    async def _start_session(
        self, ctx: AccountContext, video: MediaAsset, metadata: dict[str, Any], *, notify: bool
    ) -> str:
        """`POST /upload/youtube/v3/videos?uploadType=resumable` (videos.insert, 1,600 units)."""
        response = await self._call(
            ctx,
            "videos.insert",
            "POST",
            "/upload/youtube/v3/videos",
            params={
                "uploadType": "resumable",
                "part": "snippet,status",
                "notifySubscribers": "true" if notify else "false",
            },
            json=metadata,
            headers={
                "X-Upload-Content-Length": str(video.size),
                "X-Upload-Content-Type": video.mime_type,
            },
        )
        location = str(response.headers.get("location", ""))
        if not location.startswith(("https://", "http://")):
            raise PublishError(
                "YouTube started the upload without saying where to send it (no Location header); "
                "Outpost will try again.",
                code=ErrorCode.SERVER_ERROR,
            )
        return location

    async def _set_thumbnail(self, ctx: AccountContext, video_id: str, image: MediaAsset) -> str | None:
        """`thumbnails.set` (50 units), best effort: the video exists already. Returns a note if it failed."""
        try:
            data = await videos.read_small(image.path)
            await self._call(
                ctx,
                "thumbnails.set",
                "POST",
                "/upload/youtube/v3/thumbnails/set",
                params={"videoId": video_id, "uploadType": "media"},
                content=data,
                headers={"Content-Type": image.mime_type},
            )
        except PublishError as exc:
            log.warning("the video %s is on YouTube, but its thumbnail was not set: %s", video_id, exc)
            return f"not set: {exc}"
        return "set"

    async def _note_private_only(
        self, ctx: AccountContext, resource: VideoResource, metadata: dict[str, Any]
    ) -> None:
        """An unaudited project's uploads come back private whatever was asked: remember it for the card."""
        asked = metadata["status"]["privacyStatus"]
        kept = videos.dict_of(resource.get("status")).get("privacyStatus")
        if kept == "private" and asked != "private" and "publishAt" not in metadata["status"]:
            log.warning("YouTube kept video %s private (an unaudited Google project)", resource.get("id"))
            await ctx.save_network_checkpoint(await self._private_only_key(ctx), "1")

    async def _private_only_key(self, ctx: AccountContext) -> str:
        return f"{PRIVATE_ONLY}:{project_key((await ctx.credentials()).get('client_id', ''))}"

    # -- finding videos ------------------------------------------------------------------------

    async def find_published(self, ctx: AccountContext, text: str, since: datetime) -> PublishedPart | None:
        """The channel's upload since `since` whose description is `text` (2 units)."""
        for item in await videos.recent_uploads(self._caller(ctx), since):
            if videos.same_words(item.get("description"), text):
                return videos.watched(str(item["videoId"]))
        return None

    async def _find_lost(
        self, ctx: AccountContext, note: SessionNote, snippet: dict[str, Any]
    ) -> VideoResource | None:
        """The video a session made after its last answer was lost (same title and description)."""
        since = datetime.fromisoformat(note.started_at) - timedelta(minutes=5)
        for item in await videos.recent_uploads(self._caller(ctx), since):
            same_title = videos.same_words(item.get("title"), snippet["title"])
            if same_title and videos.same_words(item.get("description"), snippet.get("description", "")):
                return {"id": item["videoId"]}
        return None

    async def _exists(self, ctx: AccountContext, video_id: str) -> bool:
        return await videos.status(self._caller(ctx), video_id) is not None

    # -- YouTube's own scheduler (adapters/youtube_videos.py) ----------------------------------

    async def reschedule_on_network(
        self, ctx: AccountContext, scheduled: PublishedPart, at: datetime
    ) -> None:
        """`videos.update` of the status with the new `publishAt`."""
        await videos.reschedule(self._caller(ctx), scheduled.platform_post_id, at)

    async def cancel_on_network(self, ctx: AccountContext, scheduled: PublishedPart) -> None:
        """Delete the scheduled, still private video; fine if it is gone already."""
        await videos.cancel(self._caller(ctx), scheduled.platform_post_id)

    async def confirm_on_network(self, ctx: AccountContext, scheduled: PublishedPart) -> PublishedPart | None:
        """After its time: the video once public, None while still private."""
        return await videos.confirm(self._caller(ctx), scheduled.platform_post_id)

    # -- after publishing: numbers, subscribers, uploads, first comment (adapters/youtube_after.py)

    async def look_up(self, ctx: AccountContext, part: PublishedPart) -> bool:
        """`videos.list` (1 unit): a deleted video is absent from `items`."""
        return await self._exists(ctx, part.platform_post_id)

    async def read_metrics(self, ctx: AccountContext, parts: Sequence[PublishedPart]) -> list[MetricReading]:
        """`videos.list?part=statistics`, 50 videos a unit of quota."""
        ids = [p.platform_post_id for p in parts]
        return await after.statistics(self._caller(ctx), ids, self.clock.now())

    async def follower_count(self, ctx: AccountContext) -> int | None:
        """The channel's subscribers (`channels.list?part=statistics`, 1 unit)."""
        return await after.subscribers(self._caller(ctx))

    async def recent_posts(
        self, ctx: AccountContext, since: datetime, *, limit: int = 100
    ) -> list[RemotePost]:
        """The channel's uploads since `since` with their numbers (1 unit a page of 50, 1 per 50 read)."""
        return await after.uploads(self._caller(ctx), since, limit, self.clock.now())

    async def post_comment(
        self, ctx: AccountContext, on: PublishedPart, text: str, idempotency_key: str
    ) -> PublishedPart:
        """A top-level comment by the channel (`commentThreads.insert`, 50 units; no idempotency key).

        Only the `youtube.force-ssl` scope (or the whole `youtube` one) may comment: a sign-in
        without it is told which scope to allow rather than sent to fail.
        """
        granted = set((await ctx.credentials()).get("scope", "").split())
        if granted and not granted & {FORCE_SSL, MANAGE}:
            raise Rejected(self._comment_scope_missing(ctx))
        channel = ctx.account.target_id
        if not channel:
            raise ValidationError.single("account", f"{ctx.account.ref} has no channel id; reconnect it.")
        try:
            return await after.comment(self._caller(ctx), channel, on, text)
        except AuthExpired as exc:
            if "insufficient" not in str(exc).lower():
                raise
            raise Rejected(self._comment_scope_missing(ctx)) from exc

    @staticmethod
    def _comment_scope_missing(ctx: AccountContext) -> str:
        return (
            f"YouTube takes comments only from a sign-in with the youtube.force-ssl scope, which "
            f"{ctx.account.ref}'s sign-in lacks; reconnect it and leave \"See, edit, and permanently delete "
            f"your YouTube videos, ratings, comments and captions\" ticked on Google's page."
        )

    # -- after publishing: edit and delete (issue #24) -------------------------------------------
    # developers.google.com/youtube/v3/docs/videos/delete (50 units; 404 videoNotFound once gone)
    # and videos/update with part=snippet (50 units): the snippet is replaced whole, so the title,
    # category and tags are sent again with the new description. Each counts in the daily quota.
    can_delete = True
    edit_kind = "in_place"
    edit_unavailable = (
        "YouTube edits the video's description and title in place (50 units of the daily quota); the "
        "video itself stays."
    )

    async def delete_published(self, ctx: AccountContext, part: PublishedPart) -> None:
        """`videos.delete` (50 units); a video already gone (videoNotFound) is deleted."""
        try:
            await self._call(
                ctx, "videos.delete", "DELETE", "/youtube/v3/videos", params={"id": part.platform_post_id}
            )
        except Rejected as exc:
            if "videoNotFound" not in str(exc) and "no such video" not in str(exc):
                raise

    async def edit_published(
        self, ctx: AccountContext, part: PublishedPart, new: PartRequest
    ) -> PublishedPart:
        """`videos.update?part=snippet` (50 units) with the new description and the options' title."""
        snippet = rules.metadata(new, None)["snippet"]
        await self._call(
            ctx,
            "videos.update",
            "PUT",
            "/youtube/v3/videos",
            params={"part": "snippet"},
            json={"id": part.platform_post_id, "snippet": snippet},
        )
        return part

    # -- plumbing ------------------------------------------------------------------------------

    def _caller(self, ctx: AccountContext) -> videos.Call:
        """`_call` for one account (what adapters/youtube_videos.py sends its requests with)."""
        return functools.partial(self._call, ctx)

    async def _call(
        self, ctx: AccountContext, method: str, verb: str, path: str, **content: Any
    ) -> httpx.Response:
        """An authorised request, counted in the project's quota first (refused if it would not fit)."""
        await self.quota.spend(ctx, method)
        try:
            return await self._authorised(ctx, verb, path, **content)
        except QuotaExceeded:
            raise await self.quota.used_up(ctx) from None

    async def _request(
        self, method: str, path: str, *, token: str, base: str | None = None, **content: Any
    ) -> httpx.Response:
        """As for every OAuth network, with the request's own headers added (uploads need some)."""
        headers = {"Authorization": f"Bearer {token}", **content.pop("headers", {})}
        url = f"{(base or self._api).rstrip('/')}{path}"
        request = self.client.build_request(method, url, headers=headers, **content)
        response = await send(self.client, request, network=self.network, clock=self.clock, check=False)
        if response.is_success:
            return response
        raise self._error(response)

    def _error(self, response: httpx.Response) -> PublishError:
        """Google's error answers in Outpost's words (adapters/youtube_errors.py)."""
        return youtube_error(response, self.clock.now(), retry_after(response, self.clock.now()))

    # The resumable upload's view of this adapter (youtube_upload.UploadIO).

    async def access_token(self, ctx: AccountContext) -> str:
        """A working access token for the account."""
        return await self._tokens.access_token(ctx)

    async def token_after_401(self, ctx: AccountContext, rejected: str) -> str:
        """A fresh token after Google refused `rejected`."""
        if not (await ctx.credentials()).get("refresh_token"):
            raise AuthExpired(
                f"Google refused {ctx.account.ref}'s access token and Outpost has no refresh token to "
                f"renew it. Reconnect the account in Outpost."
            )
        return await self._tokens.after_unauthorized(ctx, rejected)

    def answer_error(self, response: httpx.Response) -> PublishError:
        """YouTube's error answer in Outpost's words."""
        return self._error(response)


__all__ = ["YouTubeAdapter"]
