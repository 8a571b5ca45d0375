"""LinkedIn (Posts API, Images/Videos/Documents APIs) with the person's own developer app.

Contract notes: `../shared/platforms/meta-linkedin-tiktok-youtube.md` §4, from Microsoft Learn
(posts-api, images-api, videos-api, documents-api, little-text-format, organization-access-
control-by-role, programmatic-refresh-tokens) and linkedin-api-python-client / linkedctl.

- Every call carries `LinkedIn-Version` (one constant, `LINKEDIN_VERSION`) and
  `X-Restli-Protocol-Version: 2.0.0`. LinkedIn retires versions on a rolling basis and answers
  HTTP 426 for a retired one: that becomes a clear "update Outpost" error.
- Members post as `urn:li:person:{sub}` (`/v2/userinfo`); organizations the member administers
  (`/rest/organizationAcls`) are separate accounts chosen with `--target urn:li:organization:…`.
- Commentary is escaped for the little text format (adapters/linkedin_text.py); the 3000-character
  limit is checked on the escaped text, which is what LinkedIn receives.
- Images and documents are one PUT each (never chunked: a second PUT overwrites the object);
  videos follow `uploadInstructions` byte range by byte range, keep each part's `ETag`, then
  `finalizeUpload`. Media must be AVAILABLE before the post is created.
- The post's URN comes back in the `x-restli-id` header; the permalink is built from it.
- No idempotency key exists for `POST /rest/posts`: `idempotent_publish` is False.
- Access tokens live 60 days. Refresh tokens exist only for apps LinkedIn approved for them;
  without one the health check warns a week before the sign-in ends.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from outpost.adapters import linkedin_after as after
from outpost.adapters import linkedin_text
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
from outpost.adapters.http import read, read_id, retry_after, send, server_message, text_or_none
from outpost.adapters.oauth_app import OAuthAppAdapter, local_api
from outpost.adapters.tokens import (
    expires_at,
)
from outpost.auth.oauth import AskPasted, OpenUrl
from outpost.domain.accounts import AccountTarget
from outpost.domain.capabilities import Capabilities, OptionKind, OptionSpec
from outpost.domain.clock import Clock
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import (
    AuthExpired,
    InvalidStateError,
    Problem,
    PublishError,
    RateLimited,
    Rejected,
    ServerError,
    ValidationError,
)
from outpost.domain.media_rules import RULES
from outpost.domain.metrics import MetricReading, RemotePost
from outpost.domain.models import Account, HealthReport, MediaAsset, Post, PublishedPart, Target
from outpost.domain.validation import validate_target

log = logging.getLogger("outpost.adapters.linkedin")

#: The Posts API version Outpost speaks (YYYYMM). Postiz sends 202601; LinkedIn keeps a version
#: for about a year, then answers 426 — change it here, in one place.
LINKEDIN_VERSION = "202601"
RESTLI_PROTOCOL = "2.0.0"
# r_organization_social reads the page's posts (history, read-back); rw_organization_admin its
# statistics and followers (issue #21).
ORGANIZATION_SCOPES = ("w_organization_social", "r_organization_social", "rw_organization_admin")
REFRESH_MARGIN = timedelta(days=7)
PROCESSING_POLL_S = 2.0
PROCESSING_MAX_S = 900.0
_ORGANIZATION = re.compile(r"^urn:li:organization:(\d+)$")

OPTIONS = (
    OptionSpec(
        "visibility",
        OptionKind.CHOICE,
        "Who sees the post: anyone (PUBLIC) or your connections only (CONNECTIONS, members only)",
        ("PUBLIC", "CONNECTIONS"),
    ),
    OptionSpec("document_title", OptionKind.TEXT, "The title shown on a PDF document post", max_length=400),
)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "member"


class LinkedInAdapter(OAuthAppAdapter):
    """LinkedIn's versioned REST API for one member or one organization page."""

    network: ClassVar[Network] = Network.LINKEDIN
    idempotent_publish: ClassVar[bool] = False
    refresh_margin: ClassVar[timedelta] = REFRESH_MARGIN
    can_read_metrics: ClassVar[bool] = True
    can_list_posts: ClassVar[bool] = True
    #: Pages comment; a personal profile cannot (`post_comment` decides by the account's author).
    first_comment: ClassVar[FirstCommentKind | None] = "comment"
    first_comment_unavailable: ClassVar[str | None] = after.PERSONAL_NO_COMMENT

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        clock: Clock,
        api_base: str | None = None,
        media_host: MediaHost | None = None,
        poll_s: float = PROCESSING_POLL_S,
    ) -> None:
        """Make the adapter; `poll_s` is the wait between media status checks (tests shorten it)."""
        super().__init__(client, clock=clock, api_base=api_base, media_host=media_host)
        self._poll_s = poll_s

    # -- rules ---------------------------------------------------------------------------------

    async def capabilities(self, ctx: AccountContext | None) -> Capabilities:
        """3000 characters as sent (escapes count), images/video/PDF, no threads."""
        return Capabilities(
            network=Network.LINKEDIN,
            max_length=linkedin_text.MAX_LENGTH,
            length_unit="characters as sent (each of \\ | { } @ [ ] ( ) < > # * _ ~ outside links, "
            "hashtags and mentions counts 2, because it is escaped)",
            count_length=linkedin_text.count_length,
            media=RULES[Network.LINKEDIN],
            max_alt_text=4086,
            supports_threads=False,
            options=OPTIONS,
        )

    def validate(self, post: Post, target: Target, account: Account, caps: Capabilities) -> list[Problem]:
        """The common rules, plus: organization pages post publicly only."""
        problems = validate_target(post, target, account, caps)
        organization = bool(account.target_id and _ORGANIZATION.match(account.target_id))
        if organization and target.options.get("visibility") == "CONNECTIONS":
            problems.append(
                Problem(
                    field="linkedin.visibility",
                    message=f"linkedin.visibility: {account.ref} is an organization page, whose posts "
                    f"are public; remove the option or choose PUBLIC.",
                    network=Network.LINKEDIN.value,
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
        """Sign in on linkedin.com; with `target_id` (an organization URN) ask for page scopes too."""
        scopes = ORGANIZATION_SCOPES if target_id is not None else ()
        credentials = await self._sign_in(app, open_url, scopes, ask_pasted=ask_pasted)
        return await self._verified(credentials, target_id)

    async def add_account(self, request: AddAccountRequest) -> VerifiedAccount:
        """Accept a token made elsewhere, after LinkedIn confirms whose it is (and the page)."""
        credentials = self._hand_made_credentials(
            request,
            access_hint="a LinkedIn access token with w_member_social (and w_organization_social for a page)",
        )
        return await self._verified(credentials, request.target_id, local_api(request.service_url))

    async def _verified(
        self, credentials: dict[str, str], target_id: str | None, base: str | None = None
    ) -> VerifiedAccount:
        token = credentials["access_token"]
        answer = await self._request("GET", "/v2/userinfo", token=token, base=base)
        member = read_id(answer, Network.LINKEDIN, "sub")
        me = read(answer, Network.LINKEDIN, kind=dict)
        given = " ".join(part for key in ("given_name", "family_name") if (part := text_or_none(me.get(key))))
        name = text_or_none(me.get("name")) or given or member
        health = self._health(credentials)
        if target_id is None:
            return VerifiedAccount(
                handle=_slug(name),
                display_name=name,
                avatar_url=text_or_none(me.get("picture")),
                service_url=base,
                credentials=credentials,
                health=health,
                target_id=f"urn:li:person:{member}",
            )
        organizations = await self.organizations(token)
        if target_id not in organizations:
            listed = "; ".join(f"{urn} ({label})" for urn, label in organizations.items()) or "none"
            raise ValidationError.single(
                "--target",
                f"--target: {name} is not an approved administrator of {target_id} on LinkedIn. "
                f"Pages this sign-in administers: {listed}.",
            )
        org_id = target_id.rsplit(":", 1)[1]
        org = read(
            await self._request("GET", f"/rest/organizations/{org_id}", token=token),
            Network.LINKEDIN,
            kind=dict,
        )
        return VerifiedAccount(
            handle=text_or_none(org.get("vanityName")) or f"org-{org_id}",
            display_name=text_or_none(org.get("localizedName")) or organizations[target_id],
            service_url=None,
            credentials=credentials,
            health=health,
            target_id=target_id,
        )

    async def list_targets(self, ctx: AccountContext) -> list[AccountTarget]:
        """The member's own profile, then every page they administer (issue #24: picked, not typed).

        A sign-in without the organization permissions lists the profile only.
        """
        token = await self._tokens.access_token(ctx)
        account = ctx.account
        found = [
            AccountTarget(id=account.target_id or account.handle, name=account.display_name, kind="profile")
        ]
        granted = set((await ctx.credentials()).get("scope", "").replace(",", " ").split())
        if granted and "rw_organization_admin" not in granted and "w_organization_social" not in granted:
            return found
        for urn, name in (await self.organizations(token)).items():
            if name == urn:  # the access list names pages by URN only: ask the page for its name
                org = read(
                    await self._request("GET", f"/rest/organizations/{urn.rsplit(':', 1)[1]}", token=token),
                    Network.LINKEDIN,
                    kind=dict,
                )
                name = text_or_none(org.get("localizedName")) or urn
            found.append(AccountTarget(id=urn, name=name, kind="organization"))
        return found

    async def organizations(self, token: str) -> dict[str, str]:
        """Organization URN → name, for every page the member administers (approved roles)."""
        response = await self._request(
            "GET",
            "/rest/organizationAcls",
            token=token,
            params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"},
        )
        found: dict[str, str] = {}
        for element in read(response, Network.LINKEDIN, "elements", kind=list):
            if not isinstance(element, dict):
                continue
            urn = element.get("organization") or element.get("organizationTarget")
            if isinstance(urn, str) and _ORGANIZATION.match(urn):
                found[urn] = text_or_none(element.get("organizationName")) or urn
        return found

    async def verify_credentials(self, ctx: AccountContext) -> HealthReport:
        """`GET /v2/userinfo` (free), and how long the sign-in has left."""
        token = await self._tokens.access_token(ctx)
        await self._request("GET", "/v2/userinfo", token=token, base=local_api(ctx.account.service_url))
        return self._health(await ctx.credentials())

    def _health(self, credentials: dict[str, str]) -> HealthReport:
        now = self.clock.now()
        ends = expires_at(credentials)
        if credentials.get("refresh_token"):
            ends = expires_at(credentials, "refresh_expires_at")
        granted = set(credentials.get("scope", "").replace(",", " ").split())
        scopes_ok = not granted or bool({"w_member_social", "w_organization_social"} & granted)
        report = HealthReport.summarise(token_has_scopes=scopes_ok, checked_at=now, sign_in_ends_at=ends)
        if not scopes_ok:
            message = "The sign-in cannot post (no w_member_social); add “Share on LinkedIn” to the app."
        elif report.sign_in_ending and ends is not None:
            message = f"The LinkedIn sign-in ends on {ends:%Y-%m-%d}; reconnect before then."
        else:
            return report
        return report.model_copy(update={"message": message})

    async def revoke(self, ctx: AccountContext) -> str:
        """`POST /oauth/v2/revoke` with the app's client id and secret."""
        credentials = await ctx.credentials()
        if not (credentials.get("client_id") and credentials.get("client_secret")):
            return (
                "Outpost has no client secret for this token, so it cannot revoke it; remove Outpost's "
                "app at https://www.linkedin.com/mypreferences/d/data-sharing-for-permitted-services."
            )
        await self._endpoint.revoke(self.client, credentials, self.clock)
        return "Outpost's access was revoked at LinkedIn."

    # -- media ---------------------------------------------------------------------------------

    async def upload_media(
        self, ctx: AccountContext, media: MediaAsset, progress: Progress | None = None
    ) -> UploadedMedia:
        """Images/documents: initializeUpload → one PUT. Videos: parts by instructions → finalize."""
        owner = self._author(ctx)
        if media.kind == "video":
            urn = await self._upload_video(ctx, media, owner, progress)
            kind = "videos"
        else:
            kind = "documents" if media.kind == "document" else "images"
            started = await self._authorised(
                ctx,
                "POST",
                f"/rest/{kind}",
                params={"action": "initializeUpload"},
                json={"initializeUploadRequest": {"owner": owner}},
            )
            urn = read_id(started, Network.LINKEDIN, "value", "document" if kind == "documents" else "image")
            upload_url = read_id(started, Network.LINKEDIN, "value", "uploadUrl")
            data = await asyncio.to_thread(_read_all, media.path)
            await self._put(ctx, upload_url, data, media.mime_type)
            if progress is not None:
                progress(media.size, media.size)
        await self._wait_available(ctx, kind, urn)
        return UploadedMedia(media, remote_id=urn)

    async def _upload_video(
        self, ctx: AccountContext, media: MediaAsset, owner: str, progress: Progress | None
    ) -> str:
        started = await self._authorised(
            ctx,
            "POST",
            "/rest/videos",
            params={"action": "initializeUpload"},
            json={
                "initializeUploadRequest": {
                    "owner": owner,
                    "fileSizeBytes": media.size,
                    "uploadCaptions": False,
                    "uploadThumbnail": False,
                }
            },
        )
        video = read_id(started, Network.LINKEDIN, "value", "video")
        upload_token = str(read(started, Network.LINKEDIN, "value", kind=dict).get("uploadToken") or "")
        instructions = _instructions(started, media.size)
        etags: list[str] = []
        sent = 0
        with open(media.path, "rb") as handle:  # noqa: ASYNC230 - reads happen in a thread below
            for url, first, last in instructions:
                handle.seek(first)
                part = await asyncio.to_thread(handle.read, last - first + 1)
                response = await self._put(ctx, url, part, "application/octet-stream")
                etag = response.headers.get("etag")
                if not etag:
                    raise ServerError(
                        "LinkedIn accepted a video part without an ETag; Outpost will upload again.",
                        may_have_taken_effect=False,
                    )
                etags.append(etag)
                sent += len(part)
                if progress is not None:
                    progress(sent, media.size)
        await self._authorised(
            ctx,
            "POST",
            "/rest/videos",
            params={"action": "finalizeUpload"},
            json={
                "finalizeUploadRequest": {
                    "video": video,
                    "uploadToken": upload_token,
                    "uploadedPartIds": etags,
                }
            },
        )
        return video

    async def _put(self, ctx: AccountContext, url: str, data: bytes, mime_type: str) -> httpx.Response:
        """PUT bytes to an upload URL LinkedIn handed out (with the token, as its docs show)."""
        token = await self._tokens.access_token(ctx)
        request = self.client.build_request(
            "PUT", url, content=data, headers={"Authorization": f"Bearer {token}", "Content-Type": mime_type}
        )
        response = await send(self.client, request, network=Network.LINKEDIN, clock=self.clock, check=False)
        if not response.is_success:
            raise self._error(response)
        return response

    async def _wait_available(self, ctx: AccountContext, kind: str, urn: str) -> None:
        """Poll the asset until AVAILABLE; a member token may not read images/documents (403)."""
        waited = 0.0
        while True:
            try:
                status = await self._authorised(ctx, "GET", f"/rest/{kind}/{quote(urn, safe='')}")
            except Rejected as exc:
                if "HTTP 403" in str(exc) and kind != "videos":
                    return  # member tokens cannot read images/documents; they are ready in seconds
                raise
            state = read(status, Network.LINKEDIN, "status")
            if state == "AVAILABLE":
                return
            if state == "PROCESSING_FAILED":
                reason = status.json().get("processingFailureReason") or "no reason given"
                raise Rejected(
                    f"LinkedIn could not process the file: {reason}.", code=ErrorCode.MEDIA_REJECTED
                )
            if waited >= PROCESSING_MAX_S:
                raise PublishError(
                    f"LinkedIn was still processing the file after {PROCESSING_MAX_S:.0f} s; "
                    f"Outpost will try again.",
                    may_have_taken_effect=False,
                )
            # A real-time pause for LinkedIn's own processing, not a rule about the time: asyncio
            # time, so a test's clock standing still cannot make it spin (tests shorten `poll_s`).
            await asyncio.sleep(self._poll_s)
            waited += max(self._poll_s, PROCESSING_POLL_S)

    # -- publishing ----------------------------------------------------------------------------

    async def publish(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        """`POST /rest/posts`; the new post's URN is in the `x-restli-id` header."""
        body: dict[str, Any] = {
            "author": self._author(ctx),
            "commentary": linkedin_text.escape(part.text),
            "visibility": str(part.options.get("visibility") or "PUBLIC"),
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        content = self._content(part)
        if content is not None:
            body["content"] = content
        response = await self._authorised(ctx, "POST", "/rest/posts", json=body)
        urn = response.headers.get("x-restli-id")
        if not urn:
            raise ServerError(
                "LinkedIn accepted the post but did not say its id (no x-restli-id header).",
                may_have_taken_effect=True,
            )
        return PublishedPart(platform_post_id=urn, permalink=f"https://www.linkedin.com/feed/update/{urn}")

    def _content(self, part: PartRequest) -> dict[str, Any] | None:
        if not part.media:
            return None
        first = part.media[0]
        if first.asset.kind in ("video", "document"):
            title = part.options.get("document_title") or first.asset.path.rsplit("/", 1)[-1]
            return {"media": {"id": first.remote_id, "title": str(title)}}
        images = [
            {"id": m.remote_id, **({"altText": m.asset.alt_text} if m.asset.alt_text else {})}
            for m in part.media
        ]
        if len(images) == 1:
            return {"media": images[0]}
        return {"multiImage": {"images": images}}

    # -- after publishing: numbers, followers, own posts, first comment (linkedin_after.py) -----

    async def look_up(self, ctx: AccountContext, part: PublishedPart) -> bool:
        """`GET /rest/posts/{urn}`: 404 once the post is deleted."""
        found = await self._reading(ctx, f"/rest/posts/{quote(part.platform_post_id, safe='')}")
        return found is not None

    async def read_metrics(self, ctx: AccountContext, parts: Sequence[PublishedPart]) -> list[MetricReading]:
        """Share statistics for a page's posts, social metadata for a member's; 50 posts a request."""
        author = self._author(ctx)
        urns = list(dict.fromkeys(p.platform_post_id for p in parts))
        readings: list[MetricReading] = []
        for start in range(0, len(urns), after.BATCH):
            batch = urns[start : start + after.BATCH]
            if after.is_page(author):
                query = after.share_statistics_query(author, batch)
                response = await self._reading(ctx, f"/rest/organizationalEntityShareStatistics?{query}")
                found = after.page_readings(_body(response), self.clock.now())
            else:
                path = f"/rest/socialMetadata?ids={after.restli_list(batch)}"
                found = after.member_readings(_body(await self._reading(ctx, path)), batch, self.clock.now())
            readings += found
        return readings

    async def follower_count(self, ctx: AccountContext) -> int | None:
        """A page's followers (`networkSizes`); None for a personal profile (LinkedIn does not say)."""
        author = self._author(ctx)
        if not after.is_page(author):
            return None
        path = f"/rest/networkSizes/{quote(author, safe='')}?edgeType=COMPANY_FOLLOWED_BY_MEMBER"
        size = _body(await self._reading(ctx, path)).get("firstDegreeSize")
        return size if isinstance(size, int) and not isinstance(size, bool) else None

    async def recent_posts(
        self, ctx: AccountContext, since: datetime, *, limit: int = 100
    ) -> list[RemotePost]:
        """The author's posts newest first (`posts?q=author&sortBy=CREATED`), reshares left out."""
        author = quote(self._author(ctx), safe="")
        posts: list[RemotePost] = []
        start = 0
        while len(posts) < limit:
            query = f"q=author&author={author}&sortBy=CREATED&count={after.PAGE}&start={start}"
            elements = _body(await self._reading(ctx, f"/rest/posts?{query}")).get("elements") or []
            found, older = after.remote_posts(elements, since)
            posts += found[: limit - len(posts)]
            if older or len(elements) < after.PAGE:
                break
            start += after.PAGE
        return posts

    async def post_comment(
        self, ctx: AccountContext, on: PublishedPart, text: str, idempotency_key: str
    ) -> PublishedPart:
        """A comment by the page on its post (`POST /rest/socialActions/{urn}/comments`).

        Personal profiles cannot (see `first_comment_unavailable`). No idempotency key: the
        engine keeps the result so a crash never comments twice.
        """
        author = self._author(ctx)
        if not after.is_page(author):
            raise InvalidStateError(self.first_comment_unavailable or "")
        body = {"actor": author, "object": on.platform_post_id, "message": {"text": text}}
        path = f"/rest/socialActions/{quote(on.platform_post_id, safe='')}/comments"
        response = await self._authorised(ctx, "POST", path, json=body)
        made = _body(response)
        comment_id = response.headers.get("x-restli-id") or str(made.get("id") or "")
        if not comment_id:
            raise ServerError(
                "LinkedIn accepted the comment but did not say its id.", may_have_taken_effect=True
            )
        urn = str(made.get("commentUrn") or f"urn:li:comment:({on.platform_post_id},{comment_id})")
        where = f"https://www.linkedin.com/feed/update/{on.platform_post_id}"
        return PublishedPart(platform_post_id=urn, permalink=f"{where}?commentUrn={quote(urn, safe='')}")

    async def _reading(self, ctx: AccountContext, path: str) -> httpx.Response | None:
        """A GET that only reads: None for LinkedIn's 404, the permission named for its 403."""
        try:
            return await self._authorised(ctx, "GET", path)
        except Rejected as exc:
            if "HTTP 404" in str(exc):
                return None
            if "HTTP 403" not in str(exc):
                raise
            page = after.is_page(ctx.account.target_id)
            needed = (
                "r_organization_social (posts) or rw_organization_admin (statistics, followers) for the page"
                if page
                else "r_member_social, which LinkedIn grants to select developers only"
            )
            raise Rejected(
                f"LinkedIn refused to show this for {ctx.account.ref} (HTTP 403): reading it needs "
                f"{needed}. Add the product that grants it to your LinkedIn app, then reconnect."
            ) from exc

    # -- plumbing ------------------------------------------------------------------------------

    def _author(self, ctx: AccountContext) -> str:
        if not ctx.account.target_id:
            raise ValidationError.single(
                "--target",
                f"{ctx.account.ref} has no LinkedIn author (person or organization); add it again.",
            )
        return ctx.account.target_id

    def _headers(self) -> dict[str, str]:
        """Every LinkedIn call names the API version it speaks (§4.3)."""
        return {"LinkedIn-Version": LINKEDIN_VERSION, "X-Restli-Protocol-Version": RESTLI_PROTOCOL}

    def _error(self, response: httpx.Response) -> PublishError:
        """LinkedIn's answers in Outpost's words (§4.7)."""
        status, said = response.status_code, server_message(response) or ""
        where = f"LinkedIn answered HTTP {status}"
        if status == 401:
            return AuthExpired(f"{where}: {said or 'not authorised'}. Reconnect the account in Outpost.")
        if status == 403:
            return Rejected(
                f"{where}: {said or 'forbidden'}. Check that your LinkedIn app has the product this "
                f"needs (“Share on LinkedIn”; for pages, the Community Management API) and that you "
                f"are an administrator of the page."
            )
        if status == 426:
            return Rejected(
                f"{where}: LinkedIn retired API version {LINKEDIN_VERSION}, which this Outpost speaks. "
                f"Update Outpost to publish to LinkedIn again; your post is kept."
            )
        if status == 429:
            now = self.clock.now()
            retry_at = retry_after(response, now)
            wait = None if retry_at is None else max(0.0, (retry_at - now).total_seconds())
            return RateLimited(
                f"{where}: too many requests. {said}".strip(), retry_at=retry_at, retry_after_s=wait
            )
        if status in (409, 422) and "duplicate" in said.lower():
            return Rejected(
                f"{where}: LinkedIn refuses duplicate content ({said}); change the text to post it again.",
                code=ErrorCode.DUPLICATE,
            )
        if status == 413:
            return Rejected(f"{where}: the file is too large. {said}".strip(), code=ErrorCode.MEDIA_REJECTED)
        if 400 <= status < 500:
            return Rejected(f"{where}: {said or 'the request was refused'}.")
        return ServerError(
            f"{where}: LinkedIn failed on its side. {said}".strip(), may_have_taken_effect=True
        )


def _body(response: httpx.Response | None) -> dict[str, Any]:
    """A JSON object answer (nothing for a 404 or an empty body)."""
    if response is None or not response.content:
        return {}
    try:
        value = response.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _instructions(started: httpx.Response, size: int) -> list[tuple[str, int, int]]:
    """The byte ranges LinkedIn asks for, checked: together they must cover the file exactly."""

    def malformed() -> ServerError:
        return ServerError(
            "LinkedIn's video upload instructions do not cover the file (a malformed answer); "
            "Outpost will start the upload again.",
            may_have_taken_effect=False,
        )

    ranges: list[tuple[str, int, int]] = []
    for item in read(started, Network.LINKEDIN, "value", "uploadInstructions", kind=list):
        if not isinstance(item, dict):
            raise malformed()
        url, first, last = item.get("uploadUrl"), item.get("firstByte"), item.get("lastByte")
        if not (isinstance(url, str) and isinstance(first, int) and isinstance(last, int)):
            raise malformed()
        ranges.append((url, first, last))
    next_byte = 0
    for first, last in sorted((first, last) for _, first, last in ranges):
        if first != next_byte or last < first:
            raise malformed()
        next_byte = last + 1
    if not ranges or next_byte != size:
        raise malformed()
    return ranges


def _read_all(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


__all__ = ["LINKEDIN_VERSION", "LinkedInAdapter"]
