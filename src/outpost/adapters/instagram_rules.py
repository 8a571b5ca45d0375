"""What Instagram takes beyond the common rules: its options, kinds of post, and their checks.

From the IG User media reference (developers.facebook.com/documentation/instagram-platform/
instagram-graph-api/reference/ig-user/media, fetched 2026-09-11): `collaborators` "for Feed image,
Reels and Carousels only … up to 3 instagram usernames … Not supported for Stories"; `share_to_feed`
and `thumb_offset` for Reels; `alt_text` "up to 1000 character", images only; a caption of at most
2,200 characters, 30 hashtags and 20 @ tags; Reels "cannot appear in carousels".
"""

from __future__ import annotations

import re

from outpost.adapters import instagram_text
from outpost.adapters.base import SET_MEDIA_HOST
from outpost.domain.capabilities import OptionKind, OptionSpec
from outpost.domain.errors import Problem
from outpost.domain.models import Account, Options, Post, Target

MAX_COLLABORATORS = 3  # IG User media reference, `collaborators`: "a list of up to 3 instagram usernames"
MAX_ALT_TEXT = 1000  # `alt_text`: "up to 1000 character"
_USERNAME = re.compile(r"^[A-Za-z0-9._]{1,30}$")

OPTIONS = (
    OptionSpec(
        "content_type",
        OptionKind.CHOICE,
        "What to post: a feed post (two or more files make a carousel), a Reel or a story",
        ("feed", "reels", "story"),
    ),
    OptionSpec("share_to_feed", OptionKind.BOOL, "Show a Reel in the feed too, not only in the Reels tab"),
    OptionSpec(
        "collaborators",
        OptionKind.LIST,
        "Instagram usernames invited as collaborators (up to 3; not on stories)",
    ),
    OptionSpec(
        "thumb_offset",
        OptionKind.TEXT,
        "The frame of a Reel shown as its cover, in milliseconds from the start",
        max_length=9,
    ),
)


def content_type(options: Options) -> str:
    """`feed`, `reels` or `story` (feed unless the post says otherwise)."""
    value = options.get("content_type")
    return value if value in ("reels", "story") else "feed"


class InstagramRules:
    """Instagram's rules beyond the common ones, for one post to one account."""

    def __init__(self, post: Post, target: Target, account: Account, needs_host: bool) -> None:
        self.post, self.target, self.account = post, target, account
        self.kind = content_type(target.options)
        self.needs_host = needs_host

    def problem(self, field: str, rule: str, message: str, **details: int | str) -> Problem:
        """One broken rule, worded `field: message`."""
        return Problem(
            field=field,
            network="instagram",
            account=self.account.ref,
            rule=rule,
            message=f"{field}: {message}",
            **details,
        )

    def problems(self) -> list[Problem]:
        """Every Instagram rule the post breaks for this account."""
        found = [*self._media(), *self._caption(), *self._options()]
        if self.needs_host and self.post.media:
            found.append(
                self.problem(
                    "media_host",
                    "media_host",
                    f"Instagram fetches pictures and videos from a public address, so {self.account.ref} "
                    f"needs one: {SET_MEDIA_HOST}.",
                )
            )
        return found

    def _media(self) -> list[Problem]:
        media = self.post.media
        videos = [m for m in media if m.kind == "video"]
        if not media:
            return [
                self.problem(
                    "media",
                    "media_required",
                    f"Instagram posts need a picture or a video; attach one for {self.account.ref}.",
                )
            ]
        if self.kind == "reels" and (len(videos) != 1 or len(media) > 2):
            return [
                self.problem(
                    "media",
                    "reel_media",
                    "a Reel is one video, optionally with one picture as its cover "
                    f"({len(videos)} video(s) and {len(media) - len(videos)} picture(s) attached).",
                )
            ]
        return []  # counts over the kind's maximum: the common rules say so already

    def _caption(self) -> list[Problem]:
        text = self.post.text_for(self.target)
        field = "text" if self.target.text_override is None else f"--text-for {self.account.ref}"
        found = []
        for counted, limit, what in (
            (instagram_text.hashtags(text), instagram_text.MAX_HASHTAGS, "hashtags"),
            (instagram_text.mentions(text), instagram_text.MAX_MENTIONS, "@mentions"),
        ):
            if counted > limit:
                found.append(
                    self.problem(
                        field,
                        f"max_{what.lstrip('@')}",
                        f"{counted} {what} for {self.account.ref}, over Instagram's limit of {limit} per "
                        f"caption by {counted - limit}; remove some.",
                        limit=limit,
                        actual=counted,
                    )
                )
        return found

    def _options(self) -> list[Problem]:
        options, found = self.target.options, []
        single_video = len(self.post.media) == 1 and self.post.media[0].kind == "video"
        reel = self.kind == "reels" or (self.kind == "feed" and single_video)
        if "share_to_feed" in options and not reel:
            found.append(
                self.problem(
                    "--option instagram.share_to_feed",
                    "reels_only",
                    "only a Reel can be shared to the feed; remove the option or choose "
                    "instagram.content_type=reels.",
                )
            )
        collaborators = options.get("collaborators")
        if isinstance(collaborators, list) and collaborators:
            field = "--option instagram.collaborators"
            if self.kind == "story":
                found.append(self.problem(field, "no_collaborators", "stories cannot have collaborators."))
            if len(collaborators) > MAX_COLLABORATORS:
                found.append(
                    self.problem(
                        field,
                        "max_collaborators",
                        f"{len(collaborators)} collaborators, Instagram takes at most {MAX_COLLABORATORS}.",
                        limit=MAX_COLLABORATORS,
                        actual=len(collaborators),
                    )
                )
            bad = [str(c) for c in collaborators if not _USERNAME.match(str(c).lstrip("@"))]
            if bad:
                found.append(
                    self.problem(
                        field,
                        "username",
                        f"{', '.join(bad)} is not an Instagram username (letters, "
                        "digits, . and _, at most 30).",
                    )
                )
        offset = options.get("thumb_offset")
        if offset is not None:
            field = "--option instagram.thumb_offset"
            if not reel:
                found.append(self.problem(field, "reels_only", "only a Reel has a cover frame."))
            elif not (isinstance(offset, str) and offset.isdigit()):
                found.append(
                    self.problem(field, "milliseconds", f"{offset!r} is not a number of milliseconds.")
                )
            elif any(m.kind == "image" for m in self.post.media):
                found.append(
                    self.problem(
                        field, "cover_twice", "the attached picture is the cover already; remove one."
                    )
                )
            elif (duration := self.post.media[0].duration_s) and int(offset) >= duration * 1000:
                found.append(
                    self.problem(
                        field,
                        "within_video",
                        f"{offset} ms is past the end of the {duration:.1f} s video; pick a frame inside it.",
                    )
                )
        return found


__all__ = ["MAX_ALT_TEXT", "MAX_COLLABORATORS", "OPTIONS", "InstagramRules", "content_type"]
