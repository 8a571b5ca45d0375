"""Pinterest (API v5) with the creator's own developer app: a Pin on a board, from a picture or a video.

Contract notes: `../shared/platforms/meta-linkedin-tiktok-youtube.md` §7, checked against
Pinterest's own OpenAPI description (github.com/pinterest/api-description, v5 5.23.0, "spec"
below) and its quickstart (github.com/pinterest/api-quickstart). What matters here:

- Sign-in is OAuth 2.0 authorization code with the app's id and secret as HTTP Basic at
  `POST /v5/oauth/token`; the quickstart redirects to a plain-http loopback address, so the
  loopback redirect works. Access tokens live 30 days; the continuous refresh token (60 days)
  comes back renewed with every refresh, and Outpost keeps the newest (adapters/tokens.py).
- The post's text is the Pin's description (spec `PinCreate.description`: 800 characters);
  `pinterest.title` (100), `pinterest.link` (2048, a web address) and the file's alt text (500)
  go with it. The board is required: `pinterest.board_id` is a board id, or `BOARD/SECTION`
  for a board section, as `outpost accounts targets` lists them.
- A picture travels inside the create request (`media_source.source_type=image_base64`), so no
  media host is needed. A video is registered (`POST /v5/media`), posted to the upload address
  Pinterest hands out with the form fields it gives (an S3 form upload: never with the
  Pinterest token), polled (`GET /v5/media/{id}`) until `succeeded`, then pinned with
  `source_type=video_id` and a cover frame (`cover_image_key_frame_time`).
- `POST /v5/pins` has no idempotency key. Before each create Outpost notes the board in a
  checkpoint, so a create whose answer was lost can be looked for among that board's Pins
  (`find_published`) instead of being sent twice.
- Errors are `{"code": int, "message": str}` (spec `Error`); docs/networks.md says what each
  means for the creator.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, ClassVar, cast
from urllib.parse import quote, urlsplit

import httpx

from outpost.adapters import pinterest_after as after
from outpost.adapters import pinterest_errors
from outpost.adapters.base import (
    AccountContext,
    AddAccountRequest,
    DeveloperApp,
    MediaHost,
    PartRequest,
    Progress,
    UploadedMedia,
    VerifiedAccount,
)
from outpost.adapters.http import read, read_id, send, text_or_none, time_or_none
from outpost.adapters.oauth_app import OAuthAppAdapter, local_api
from outpost.adapters.pinterest_errors import REQUIRED_SCOPES, reset_time
from outpost.adapters.tokens import expires_at
from outpost.auth.oauth import AskPasted, OpenUrl
from outpost.domain.accounts import AccountTarget
from outpost.domain.capabilities import Capabilities, OptionKind, OptionSpec
from outpost.domain.clock import Clock
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import AuthExpired, Problem, PublishError, Rejected
from outpost.domain.media_rules import RULES
from outpost.domain.metrics import MetricReading, RemotePost
from outpost.domain.models import Account, HealthReport, MediaAsset, Post, PublishedPart, Target
from outpost.domain.validation import validate_target
from outpost.media.stream import ProgressReader

log = logging.getLogger("outpost.adapters.pinterest")

MAX_DESCRIPTION = 800  # spec PinCreate.description maxLength
MAX_TITLE = 100  # spec PinCreate.title maxLength
MAX_LINK = 2048  # spec PinCreate.link maxLength
MAX_ALT_TEXT = 500  # spec PinCreate.alt_text maxLength
PAGE_SIZE = 250  # the largest page the spec allows (page_size maximum)
MAX_PAGES = 20  # 5,000 boards or sections: more than any account has
# The newest 500 Pins: where a Pin whose answer was lost minutes ago is. Lists come newest first,
# as a board shows its Pins (Pinterest's docs do not say; UNCONFIRMED).
RECENT_PAGES = 2
REFRESH_MARGIN = timedelta(days=7)  # of a 30-day access token
PROCESSING_POLL_S = 3.0
PROCESSING_MAX_S = 15 * 60.0
_BOARD = re.compile(r"^(\d+)(?:/(\d+))?$")

OPTIONS = (
    OptionSpec(
        "board_id",
        OptionKind.TEXT,
        "The board to pin to: its id, or BOARD_ID/SECTION_ID for a board section "
        "(`outpost accounts targets ACCOUNT` lists them)",
        max_length=64,
        required=True,
    ),
    OptionSpec(
        "title", OptionKind.TEXT, "The Pin's title, shown above its description", max_length=MAX_TITLE
    ),
    OptionSpec("link", OptionKind.TEXT, "The web address the Pin leads to (https://…)", max_length=MAX_LINK),
)


def permalink(pin_id: str) -> str:
    """Where a Pin can be seen."""
    return f"https://www.pinterest.com/pin/{pin_id}/"


class PinterestAdapter(OAuthAppAdapter):
    """Pinterest's API v5 for one account, through the creator's own developer app."""

    network: ClassVar[Network] = Network.PINTEREST
    idempotent_publish: ClassVar[bool] = False
    can_find_posts: ClassVar[bool] = True
    refresh_margin: ClassVar[timedelta] = REFRESH_MARGIN
    basic_auth_with_secret: ClassVar[bool] = True
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
        poll_s: float = PROCESSING_POLL_S,
    ) -> None:
        """Make the adapter; `poll_s` is the wait between video status checks (tests shorten it)."""
        super().__init__(client, clock=clock, api_base=api_base, media_host=media_host)
        self._poll_s = poll_s

    # -- rules ---------------------------------------------------------------------------------

    async def capabilities(self, ctx: AccountContext | None) -> Capabilities:
        """An 800-character description, one picture or video, alt text ≤ 500, a board."""
        return Capabilities(
            network=Network.PINTEREST,
            max_length=MAX_DESCRIPTION,
            length_unit="characters of description",
            count_length=len,
            media=RULES[Network.PINTEREST],
            max_alt_text=MAX_ALT_TEXT,
            supports_threads=False,
            options=OPTIONS,
        )

    def validate(self, post: Post, target: Target, account: Account, caps: Capabilities) -> list[Problem]:
        """The common rules, plus: a picture or video, a board id of the right shape, a real link.

        The common "required option" problem for the board is replaced by one that says where
        the board ids are (`outpost accounts targets`).
        """
        problems = [
            p
            for p in validate_target(post, target, account, caps)
            if not (p.rule == "required_option" and p.field == "--option pinterest.board_id")
        ]
        found = (
            _board_problem(target, account),
            _link_problem(target, account),
            _media_problem(post, account),
        )
        return problems + [p for p in found if p is not None]

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
        """Sign in on pinterest.com with the creator's app (loopback redirect)."""
        return await self._verified(await self._sign_in(app, open_url))

    async def add_account(self, request: AddAccountRequest) -> VerifiedAccount:
        """Accept tokens made elsewhere, once `GET /v5/user_account` says whose they are."""
        credentials = self._hand_made_credentials(
            request, access_hint="a Pinterest access token of your app (pina_…)"
        )
        return await self._verified(credentials, local_api(request.service_url))

    async def _verified(self, credentials: dict[str, str], base: str | None = None) -> VerifiedAccount:
        response = await self._request(
            "GET", "/v5/user_account", token=credentials["access_token"], base=base
        )
        username = read_id(response, Network.PINTEREST, "username")
        me = read(response, Network.PINTEREST, kind=dict)
        return VerifiedAccount(
            handle=username,
            display_name=text_or_none(me.get("business_name")) or username,
            service_url=base,
            credentials=credentials,
            health=self._health(credentials, response),
            target_id=text_or_none(str(me.get("id") or "")),
            avatar_url=text_or_none(me.get("profile_image")),
        )

    async def verify_credentials(self, ctx: AccountContext) -> HealthReport:
        """`GET /v5/user_account` (renewing the token first if it ends within a week)."""
        response = await self._authorised(ctx, "GET", "/v5/user_account")
        return self._health(await ctx.credentials(), response)

    def _health(self, credentials: dict[str, str], response: httpx.Response) -> HealthReport:
        now = self.clock.now()
        granted = set(credentials.get("scope", "").replace(",", " ").split())
        missing = tuple(sorted(REQUIRED_SCOPES - granted)) if granted else ()
        ends = expires_at(
            credentials, "refresh_expires_at" if credentials.get("refresh_token") else "expires_at"
        )
        exhausted = response.headers.get("x-ratelimit-remaining", "").strip() == "0"
        reset = reset_time(response, now) if exhausted else None
        report = HealthReport.summarise(
            token_has_scopes=not missing,
            missing_permissions=missing,
            rate_limited=exhausted,
            rate_limit_reset_at=reset,
            checked_at=now,
            sign_in_ends_at=ends,
        )
        if missing:
            message = (
                f"The Pinterest sign-in lacks {', '.join(missing)}; reconnect the account and allow "
                f"every permission Outpost asks for."
            )
        elif exhausted:
            when = f" until {reset:%H:%M} UTC" if reset else ""
            message = f"Pinterest's request limit for this app is used up{when}."
        elif report.sign_in_ending and ends is not None:
            message = f"The Pinterest sign-in ends on {ends:%Y-%m-%d}; reconnect before then."
        else:
            return report
        return report.model_copy(update={"message": message})

    async def list_targets(self, ctx: AccountContext) -> list[AccountTarget]:
        """The account's boards (`GET /v5/boards`) and each board's sections."""
        found: list[AccountTarget] = []
        for board in await self._all_pages(ctx, "/v5/boards"):
            board_id, name = str(board.get("id") or ""), text_or_none(board.get("name")) or "(no name)"
            if not board_id.isdigit():
                continue
            found.append(AccountTarget(id=board_id, name=name, kind="board"))
            for section in await self._all_pages(ctx, f"/v5/boards/{board_id}/sections"):
                section_id = str(section.get("id") or "")
                if section_id.isdigit():
                    label = text_or_none(section.get("name")) or "(no name)"
                    found.append(
                        AccountTarget(id=f"{board_id}/{section_id}", name=f"{name} › {label}", kind="section")
                    )
        return found

    async def _all_pages(
        self, ctx: AccountContext, path: str, max_pages: int = MAX_PAGES
    ) -> list[dict[str, Any]]:
        """The items of a paginated list (`bookmark` → the next page, spec `Paginated`)."""
        items: list[dict[str, Any]] = []
        bookmark: str | None = None
        for _ in range(max_pages):
            params = {"page_size": str(PAGE_SIZE), **({"bookmark": bookmark} if bookmark else {})}
            response = await self._authorised(ctx, "GET", path, params=params)
            items += [i for i in read(response, Network.PINTEREST, "items", kind=list) if isinstance(i, dict)]
            bookmark = text_or_none(response.json().get("bookmark"))
            if bookmark is None:
                break
        return items

    # -- media ---------------------------------------------------------------------------------

    async def upload_media(
        self, ctx: AccountContext, media: MediaAsset, progress: Progress | None = None
    ) -> UploadedMedia:
        """A picture stays on disk (it goes inside the create request); a video is uploaded."""
        if media.kind != "video":
            if progress is not None:
                progress(media.size, media.size)
            return UploadedMedia(media, remote_id=media.path)
        started = await self._authorised(ctx, "POST", "/v5/media", json={"media_type": "video"})
        media_id = read_id(started, Network.PINTEREST, "media_id")
        upload_url = read(started, Network.PINTEREST, "upload_url", kind=str)
        fields = read(started, Network.PINTEREST, "upload_parameters", kind=dict)
        await self._upload_file(upload_url, fields, media, progress)
        await self._wait_processed(ctx, media_id)
        return UploadedMedia(media, remote_id=media_id)

    async def _upload_file(
        self, url: str, fields: dict[str, Any], media: MediaAsset, progress: Progress | None
    ) -> None:
        """The form upload to Pinterest's storage: its fields, then the file (last, as S3 wants).

        No Pinterest token goes with it: the address is a third party's (Amazon S3), and the
        signed `policy` among the fields is the permission.
        """
        data = {str(k): str(v) for k, v in fields.items()}
        with open(media.path, "rb") as handle:  # noqa: ASYNC230 - httpx streams it in chunks
            # httpx reads the file part with `read(n)` only: the wrapper is file enough for it.
            reader = cast(IO[bytes], ProgressReader(handle, media.size, progress))
            request = self.client.build_request(
                "POST", url, data=data, files={"file": (Path(media.path).name, reader, media.mime_type)}
            )
            response = await send(
                self.client, request, network=Network.PINTEREST, clock=self.clock, check=False
            )
        if not response.is_success:
            raise pinterest_errors.upload_error(response)

    async def _wait_processed(self, ctx: AccountContext, media_id: str) -> None:
        """Poll `GET /v5/media/{id}` until `succeeded` (spec MediaUploadStatus)."""
        waited = 0.0
        while True:
            status = await self._authorised(ctx, "GET", f"/v5/media/{quote(media_id, safe='')}")
            state = read(status, Network.PINTEREST, "status", kind=str)
            if state == "succeeded":
                return
            if state == "failed":
                raise Rejected(
                    "Pinterest could not process the video (its upload ended in status “failed”). "
                    "Check that it is an MP4 or MOV of 4 seconds to 15 minutes and plays, then try again.",
                    code=ErrorCode.MEDIA_REJECTED,
                )
            if waited >= PROCESSING_MAX_S:
                raise PublishError(
                    f"Pinterest was still processing the video after {PROCESSING_MAX_S / 60:.0f} minutes "
                    f"(status “{state}”); Outpost will try again.",
                    may_have_taken_effect=False,
                )
            # A real-time pause for Pinterest's own processing, on asyncio time, so a test's
            # clock standing still cannot make it spin (tests shorten `poll_s`).
            await asyncio.sleep(self._poll_s)
            waited += max(self._poll_s, PROCESSING_POLL_S)

    # -- publishing ----------------------------------------------------------------------------

    async def publish(self, ctx: AccountContext, part: PartRequest) -> PublishedPart:
        """`POST /v5/pins`: the text as description, the board (and section), the picture or video."""
        board, section = _board(part.options)
        body: dict[str, Any] = {"board_id": board, "media_source": await _media_source(part)}
        if section:
            body["board_section_id"] = section
        if part.text.strip():
            body["description"] = part.text
        for key in ("title", "link"):
            value = part.options.get(key)
            if isinstance(value, str) and value.strip():
                body[key] = value.strip()
        alt = part.media[0].asset.alt_text if part.media else ""
        if alt:
            body["alt_text"] = alt
        note = _where_note(part.text)
        await ctx.save_checkpoint(note, board)  # where to look if the answer gets lost
        try:
            response = await self._authorised(ctx, "POST", "/v5/pins", json=body)
        except PublishError as exc:
            if not exc.may_have_taken_effect:
                await ctx.forget_checkpoint(note)
            raise
        pin_id = read_id(response, Network.PINTEREST, "id")
        await ctx.forget_checkpoint(note)
        return PublishedPart(platform_post_id=pin_id, permalink=permalink(pin_id))

    async def find_published(self, ctx: AccountContext, text: str, since: datetime) -> PublishedPart | None:
        """The Pin with this description made since `since`, among the board's newest Pins.

        The board comes from the note `publish` left; without one, the account's own Pins
        (`GET /v5/pins`) are looked through instead. One request, two for a very busy board.
        """
        board = await ctx.checkpoint(_where_note(text))
        path = f"/v5/boards/{quote(board, safe='')}/pins" if board else "/v5/pins"
        wanted = _comparable(text)
        for pin in await self._all_pages(ctx, path, max_pages=RECENT_PAGES):
            made = time_or_none(pin.get("created_at"), naive_is_utc=True)
            pin_id = str(pin.get("id") or "")
            same = _comparable(str(pin.get("description") or "")) == wanted
            if same and made is not None and made >= since and pin_id.isdigit():
                if board:
                    await ctx.forget_checkpoint(_where_note(text))
                return PublishedPart(platform_post_id=pin_id, permalink=permalink(pin_id))
        return None

    # -- after publishing: numbers, followers, own Pins (adapters/pinterest_after.py) ----------

    async def look_up(self, ctx: AccountContext, part: PublishedPart) -> bool:
        """`GET /v5/pins/{id}`: 404 once the Pin is deleted."""
        found = await self._reading(ctx, f"/v5/pins/{quote(part.platform_post_id, safe='')}", {})
        return found is not None

    async def read_metrics(self, ctx: AccountContext, parts: Sequence[PublishedPart]) -> list[MetricReading]:
        """`GET /v5/pins/{id}/analytics` per Pin over the last 90 days; deleted Pins are left out."""
        readings: list[MetricReading] = []
        for pin_id in dict.fromkeys(p.platform_post_id for p in parts):
            params = {**after.window(self.clock.now()), "metric_types": after.METRICS, "app_types": "ALL"}
            response = await self._reading(ctx, f"/v5/pins/{quote(pin_id, safe='')}/analytics", params)
            if response is not None:
                readings.append(after.reading(pin_id, response.json(), self.clock.now()))
        return readings

    async def follower_count(self, ctx: AccountContext) -> int | None:
        """`follower_count` of `GET /v5/user_account`."""
        response = await self._reading(ctx, "/v5/user_account", {})
        count = read(response, Network.PINTEREST, kind=dict).get("follower_count") if response else None
        return count if isinstance(count, int) and not isinstance(count, bool) else None

    async def recent_posts(
        self, ctx: AccountContext, since: datetime, *, limit: int = 100
    ) -> list[RemotePost]:
        """The account's own Pins (`GET /v5/pins?pin_filter=exclude_repins`), without numbers.

        Pinterest's numbers take one request per Pin (`read_metrics`), so the listing carries none.
        """

        async def authorised(method: str, path: str, **content: object) -> httpx.Response:
            response = await self._reading(ctx, path, cast(dict[str, str], content.get("params") or {}))
            if response is None:
                raise Rejected("Pinterest answered 404 to the list of the account's Pins.")
            return response

        return await after.own_pins(authorised, since, limit)

    async def _reading(self, ctx: AccountContext, path: str, params: dict[str, str]) -> httpx.Response | None:
        """A GET that only reads: None for Pinterest's 404, the scopes named for its code 3."""
        try:
            return await self._authorised(ctx, "GET", path, params=params)
        except Rejected as exc:
            if "HTTP 404" in str(exc):
                return None
            raise
        except AuthExpired as exc:
            if "(code 3)" not in str(exc):
                raise
            needed = "user_accounts:read" if path == "/v5/user_account" else "boards:read and pins:read"
            raise Rejected(
                f"Pinterest refused to show this (code 3, missing permission): reading it needs "
                f"{needed}. Reconnect {ctx.account.ref} and allow every permission Outpost asks for."
            ) from exc

    # -- after publishing: edit and delete (issue #24) -------------------------------------------
    # developers.pinterest.com/docs/api/v5/pins-delete: `DELETE /v5/pins/{pin_id}` answers 204
    # (404 "Pin not found" once gone); pins-update: `PATCH /v5/pins/{pin_id}` takes title,
    # description, link and alt_text (pins:write), answering the Pin. The picture stays.
    can_delete = True
    edit_kind = "in_place"
    edit_unavailable = "Pinterest edits the Pin's description, title and link in place; the picture stays."

    async def delete_published(self, ctx: AccountContext, part: PublishedPart) -> None:
        """`DELETE /v5/pins/{pin_id}`; a Pin already gone (404) is deleted."""
        try:
            await self._authorised(ctx, "DELETE", f"/v5/pins/{quote(part.platform_post_id, safe='')}")
        except Rejected as exc:
            if "HTTP 404" not in str(exc):
                raise

    async def edit_published(
        self, ctx: AccountContext, part: PublishedPart, new: PartRequest
    ) -> PublishedPart:
        """`PATCH /v5/pins/{pin_id}` with the description, and the title and link from the options."""
        body: dict[str, Any] = {"description": new.text}
        for key in ("title", "link"):
            value = new.options.get(key)
            if isinstance(value, str) and value.strip():
                body[key] = value.strip()
        await self._authorised(ctx, "PATCH", f"/v5/pins/{quote(part.platform_post_id, safe='')}", json=body)
        return part

    # -- plumbing ------------------------------------------------------------------------------

    def _error(self, response: httpx.Response) -> PublishError:
        """Pinterest's `{"code", "message"}` answers in Outpost's words (pinterest_errors.py)."""
        return pinterest_errors.api_error(response, self.clock.now())


def _problem(account: Account, field: str, rule: str, message: str, actual: str | None = None) -> Problem:
    return Problem(
        field=field,
        rule=rule,
        network=Network.PINTEREST.value,
        account=account.ref,
        actual=actual,
        message=f"{field}: {message}",
    )


def _board_problem(target: Target, account: Account) -> Problem | None:
    board, field = target.options.get("board_id"), "--option pinterest.board_id"
    targets = f"`outpost accounts targets {account.ref}`"
    if board is None:
        return _problem(
            account,
            field,
            "required_option",
            f"Pinterest needs a board to pin to for {account.ref}; run {targets} to see your boards "
            f"and their ids, then add --option pinterest.board_id=ID.",
        )
    if isinstance(board, str) and not _BOARD.match(board.strip()):
        return _problem(
            account,
            field,
            "option_text",
            f"{board!r} is not a board id (digits, or BOARD_ID/SECTION_ID for a section); run "
            f"{targets} to see them.",
            board,
        )
    return None


def _link_problem(target: Target, account: Account) -> Problem | None:
    link = target.options.get("link")
    if not isinstance(link, str) or _is_web_address(link):
        return None
    return _problem(
        account,
        "--option pinterest.link",
        "option_text",
        f"{link!r} is not a web address; Pinterest takes a full http:// or https:// address.",
        link,
    )


def _media_problem(post: Post, account: Account) -> Problem | None:
    if post.media:
        return None
    return _problem(
        account, "media", "media_required", f"a Pin is a picture or a video; attach one for {account.ref}."
    )


async def _media_source(part: PartRequest) -> dict[str, Any]:
    """`media_source` of the create request: the picture's bytes, or the processed video."""
    if not part.media:
        raise Rejected("A Pin needs a picture or a video; attach one.", code=ErrorCode.VALIDATION_ERROR)
    uploaded = part.media[0]
    asset = uploaded.asset
    if asset.kind == "video":
        # A frame of the video as its cover (spec PinMediaSourceVideoID): a second in, past a
        # black first frame, or the first frame of a very short clip.
        second = 1 if (asset.duration_s or 0) >= 2 else 0
        return {
            "source_type": "video_id",
            "media_id": uploaded.remote_id,
            "cover_image_key_frame_time": second,
        }
    data = await asyncio.to_thread(Path(uploaded.remote_id).read_bytes)
    return {
        "source_type": "image_base64",
        "content_type": asset.mime_type,
        "data": base64.b64encode(data).decode("ascii"),
    }


def _board(options: dict[str, Any]) -> tuple[str, str | None]:
    """(board id, section id or None) from `pinterest.board_id` (validation checked its shape)."""
    match = _BOARD.match(str(options.get("board_id") or "").strip())
    if match is None:
        raise Rejected(
            "pinterest.board_id is missing or not a board id; run `outpost accounts targets ACCOUNT`.",
            code=ErrorCode.VALIDATION_ERROR,
        )
    return match.group(1), match.group(2)


def _is_web_address(value: str) -> bool:
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and "." in parts.netloc and " " not in value.strip()


def _where_note(text: str) -> str:
    """The checkpoint naming the board a Pin with this description went to (no text in it)."""
    return "pin-board:" + hashlib.sha256(_comparable(text).encode()).hexdigest()[:32]


def _comparable(text: str) -> str:
    """A description as Pinterest may give it back: surrounding and repeated spaces do not matter."""
    return " ".join(text.split())


__all__ = ["PinterestAdapter", "permalink"]
