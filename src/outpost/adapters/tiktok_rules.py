"""TikTok's rules for one creator: what creator_info allows, how a caption counts, how a file is cut.

Pure values and functions (no I/O), so the adapter (adapters/tiktok.py) stays about requests.
Sources: ../shared/platforms/meta-linkedin-tiktok-youtube.md §5, checked against
developers.tiktok.com/doc/content-posting-api-reference-direct-post (post_info, privacy levels),
…/content-posting-api-reference-query-creator-info (the creator's options),
…/content-posting-api-media-transfer-guide (chunk restrictions) and
…/content-sharing-guidelines (the "Post to TikTok" screen: no default privacy level,
interactions off until the creator turns them on, commercial content disclosure, and
"Branded content visibility cannot be set to private").
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from outpost.adapters.tokens import expires_at
from outpost.domain.capabilities import OptionKind, OptionSpec
from outpost.domain.media_rules import MB, MediaRules, MiB
from outpost.domain.models import HealthReport, Post

# -- captions --------------------------------------------------------------------------------

#: "title … The maximum length is 2200 in UTF-16 runes" (Direct Post reference). Photo
#: descriptions may be longer (4000), but one limit keeps the composer's counter honest.
MAX_CAPTION = 2200


def caption_length(text: str) -> int:
    """The caption's length as TikTok counts it: UTF-16 code units (an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


# -- chunks ------------------------------------------------------------------------------------

#: "Each chunk must be at least 5 MB but no greater than 64 MB, except for the final chunk, which
#: can be greater than chunk_size (up to 128 MB)". TikTok does not say whether a MB is 10^6 or
#: 2^20 bytes, so Outpost keeps inside both readings: at least 5 MiB, at most 64 MB.
MIN_CHUNK = 5 * MiB
MAX_CHUNK = 64 * MB
MAX_LAST_CHUNK = 128 * MB
MAX_CHUNKS = 1000
#: What Outpost sends per chunk: ten requests per 100 MB, each small enough to hold in memory.
DEFAULT_CHUNK = 10 * MiB


@dataclass(frozen=True)
class ChunkPlan:
    """How a video of `size` bytes goes to TikTok: `count` chunks of `chunk_size`, the last longer.

    `chunk_size` and `count` are what the init request declares (`total_chunk_count` is
    `video_size // chunk_size`, rounded down); the last chunk carries the remainder.
    """

    size: int
    chunk_size: int
    count: int

    def ranges(self) -> list[tuple[int, int]]:
        """(first byte, last byte) of each chunk, inclusive, in the order they must be sent."""
        starts = [index * self.chunk_size for index in range(self.count)]
        ends = [*(start - 1 for start in starts[1:]), self.size - 1]
        return list(zip(starts, ends, strict=True))


def plan_chunks(size: int, chunk_bytes: int = DEFAULT_CHUNK) -> ChunkPlan:
    """The chunks for a video of `size` bytes, within every rule of the media transfer guide.

    A file smaller than two chunks goes whole (a file under 5 MB must; one up to 64 MB may), so
    the whole-file case never exceeds 64 MB: `chunk_bytes` is at most half of that.
    """
    if size <= 0:
        raise ValueError("a video has at least one byte")
    if not MIN_CHUNK <= chunk_bytes <= MAX_CHUNK // 2:
        raise ValueError(f"chunk size {chunk_bytes} is outside {MIN_CHUNK}..{MAX_CHUNK // 2}")
    if size < 2 * chunk_bytes:
        return ChunkPlan(size, size, 1)
    chunk = max(chunk_bytes, math.ceil(size / MAX_CHUNKS))  # at most 1000 chunks (≤ 10 GB at 10 MiB)
    return ChunkPlan(size, chunk, size // chunk)


# -- the creator -------------------------------------------------------------------------------

#: Every privacy level TikTok knows, with the words the composer shows (creator_info reference).
PRIVACY_LEVELS: dict[str, str] = {
    "PUBLIC_TO_EVERYONE": "everyone",
    "MUTUAL_FOLLOW_FRIENDS": "followers you follow back",
    "FOLLOWER_OF_CREATOR": "your followers",
    "SELF_ONLY": "only you",
}
PRIVATE = "SELF_ONLY"
REQUIRED_SCOPES = ("user.info.basic", "video.publish")
UNAUDITED = (
    "TikTok has not audited your developer app yet, so it takes only private posts "
    f"({PRIVATE}) from TikTok accounts set to private"
)


@dataclass(frozen=True)
class CreatorInfo:
    """What `creator_info/query` says about the creator right now.

    Attributes:
        privacy_levels: the levels TikTok offers this creator (a private account gets no
            PUBLIC_TO_EVERYONE); the creator picks one, there is no default.
        comment_disabled / duet_disabled / stitch_disabled: turned off in the creator's TikTok
            settings, so a post cannot turn them on.
        max_duration_s: the longest video this creator may post (3, 5 or 10 minutes).
    """

    username: str
    nickname: str
    privacy_levels: tuple[str, ...]
    comment_disabled: bool = False
    duet_disabled: bool = False
    stitch_disabled: bool = False
    max_duration_s: int | None = None
    avatar_url: str | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CreatorInfo:
        """Read the `data` object of the answer.

        Raises:
            ValueError: the answer lacks the username or the privacy levels.
        """
        username = data.get("creator_username")
        levels = data.get("privacy_level_options")
        if not isinstance(username, str) or not username:
            raise ValueError("creator_username")
        if not isinstance(levels, list) or not levels or not all(isinstance(v, str) for v in levels):
            raise ValueError("privacy_level_options")
        duration = data.get("max_video_post_duration_sec")
        nickname = data.get("creator_nickname")
        avatar = data.get("creator_avatar_url")
        return cls(
            username=username,
            nickname=nickname if isinstance(nickname, str) and nickname else username,
            privacy_levels=tuple(levels),
            comment_disabled=data.get("comment_disabled") is True,
            duet_disabled=data.get("duet_disabled") is True,
            stitch_disabled=data.get("stitch_disabled") is True,
            max_duration_s=duration if isinstance(duration, int) and duration > 0 else None,
            avatar_url=avatar if isinstance(avatar, str) and avatar else None,
        )

    def disabled(self, interaction: str) -> bool:
        """Whether the creator's settings turn off `interaction` (comment, duet or stitch)."""
        return bool(getattr(self, f"{interaction}_disabled"))


@dataclass(frozen=True)
class AccountRules:
    """What validation needs to know about one TikTok account beyond its Capabilities.

    Attributes:
        creator: creator_info's answer (None while TikTok could not be asked).
        unaudited_since: when TikTok said the creator's developer app is not audited yet
            (`unaudited_client_can_only_post_to_private_accounts`); None if it never did.
        media_host: whether a public media host is set (photo posts need one).
    """

    creator: CreatorInfo | None
    unaudited_since: datetime | None = None
    media_host: bool = False


INTERACTIONS = (("comment", "comments"), ("duet", "duets"), ("stitch", "stitches"))


def options(rules: AccountRules | None) -> tuple[OptionSpec, ...]:
    """The options the composer offers for this account, exactly as creator_info allows.

    The privacy level lists what TikTok offers (no default: the creator must pick), the
    interaction switches the creator turned off in TikTok are left out (a post cannot turn them
    on), and both commercial content disclosures are offered.
    """
    creator = rules.creator if rules else None
    levels = creator.privacy_levels if creator else tuple(PRIVACY_LEVELS)
    where = f"on {creator.nickname}'s TikTok" if creator else "on TikTok"
    privacy = (
        f"Who can watch it {where} (required, no default: "
        + "; ".join(f"{level} = {PRIVACY_LEVELS.get(level, level.lower())}" for level in levels)
        + ")"
    )
    if rules is not None and rules.unaudited_since is not None:
        privacy += f" — your TikTok app is not audited yet, so only {PRIVATE} goes through"
    specs = [OptionSpec("privacy_level", OptionKind.CHOICE, privacy, levels, required=True)]
    for interaction, plural in INTERACTIONS:
        if creator is not None and creator.disabled(interaction):
            continue
        specs.append(
            OptionSpec(
                f"disable_{interaction}",
                OptionKind.BOOL,
                f"Turn {plural} off (they stay off unless you set this to false: TikTok asks that "
                f"you turn them on yourself)",
            )
        )
    specs += [
        OptionSpec(
            "brand_organic_toggle",
            OptionKind.BOOL,
            "Your brand: this promotes yourself or your own business (TikTok labels it "
            "“Promotional content”)",
        ),
        OptionSpec(
            "brand_content_toggle",
            OptionKind.BOOL,
            "Branded content: a paid partnership promoting someone else (TikTok labels it "
            "“Paid partnership”; it cannot be private)",
        ),
    ]
    return tuple(specs)


def media_rules(base: MediaRules, creator: CreatorInfo | None) -> MediaRules:
    """TikTok's media rules with the creator's own longest video (3, 5 or 10 minutes)."""
    if creator is None or creator.max_duration_s is None or base.video is None:
        return base
    video = dataclasses.replace(base.video, max_duration_s=float(creator.max_duration_s))
    return dataclasses.replace(base, video=video)


def interaction_settings(options: Mapping[str, object], creator: CreatorInfo | None) -> dict[str, bool]:
    """`disable_comment`/`disable_duet`/`disable_stitch` as sent: off unless the creator allowed them.

    TikTok's guidelines: "Users must manually turn on these interaction settings and none should
    be checked by default", and a switch the creator's settings turn off stays off.
    """
    settings = {}
    for interaction, _ in INTERACTIONS:
        key = f"disable_{interaction}"
        allowed = options.get(key) is False and not (creator is not None and creator.disabled(interaction))
        settings[key] = not allowed
    return settings


def health_report(
    credentials: Mapping[str, str], rules: AccountRules | None, handle: str, now: datetime
) -> HealthReport:
    """The account's health: permissions by name, when the sign-in ends, what limits its posts."""
    granted = set(credentials.get("scope", "").replace(",", " ").split())
    missing = tuple(s for s in REQUIRED_SCOPES if granted and s not in granted)
    renewable = bool(credentials.get("refresh_token"))
    ends = expires_at(dict(credentials), "refresh_expires_at" if renewable else "expires_at")
    report = HealthReport.summarise(
        token_has_scopes=not missing, missing_permissions=missing, checked_at=now, sign_in_ends_at=ends
    )
    if missing:
        message = f"The sign-in lacks {', '.join(missing)}; reconnect and allow every permission."
    elif rules is not None and rules.unaudited_since is not None:
        message = (
            f"{UNAUDITED} (TikTok said so on {rules.unaudited_since:%Y-%m-%d}): posts to @{handle} "
            f"must be {PRIVATE}, and the account must be private. Apply for TikTok's audit to post "
            f"publicly."
        )
    elif not renewable and ends is not None:
        message = (
            f"No refresh token: the TikTok sign-in ends at {ends:%Y-%m-%d %H:%M} UTC; reconnect the "
            f"account then (or add it with --refresh-token)."
        )
    elif report.sign_in_ending and ends is not None:
        message = f"The TikTok sign-in ends on {ends:%Y-%m-%d}; reconnect before then."
    else:
        return report
    return report.model_copy(update={"message": message})


def is_photo_post(post: Post) -> bool:
    """A post of still images (a TikTok photo post) rather than one video."""
    return bool(post.media) and all(m.kind == "image" for m in post.media)


__all__ = [
    "DEFAULT_CHUNK",
    "MAX_CAPTION",
    "MAX_CHUNK",
    "MAX_CHUNKS",
    "MAX_LAST_CHUNK",
    "MIN_CHUNK",
    "PRIVACY_LEVELS",
    "PRIVATE",
    "REQUIRED_SCOPES",
    "UNAUDITED",
    "AccountRules",
    "ChunkPlan",
    "CreatorInfo",
    "caption_length",
    "health_report",
    "interaction_settings",
    "is_photo_post",
    "media_rules",
    "options",
    "plan_chunks",
]
