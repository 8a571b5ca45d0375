"""What makes a post unfit for one TikTok account, said before anything is sent.

The common rules (domain/validation.py) come first; this adds TikTok's own, in words about the
creator's account: a post is a video or photos, the privacy level is one TikTok offers the
creator right now, an unaudited developer app posts privately only, branded content is never
private, photos need a public media host, duets and stitches are for videos. Where a common
problem says the same thing less well (a missing privacy level, a level not offered), this one
replaces it, so each problem is reported once.
"""

from __future__ import annotations

from collections.abc import Iterator

from outpost.adapters.base import SET_MEDIA_HOST
from outpost.adapters.tiktok_rules import (
    INTERACTIONS,
    PRIVACY_LEVELS,
    PRIVATE,
    UNAUDITED,
    AccountRules,
    is_photo_post,
)
from outpost.domain.capabilities import Capabilities
from outpost.domain.enums import Network
from outpost.domain.errors import Problem
from outpost.domain.models import Account, Post, Target
from outpost.domain.validation import validate_target

NETWORK = Network.TIKTOK.value


def problems(
    post: Post, target: Target, account: Account, caps: Capabilities, rules: AccountRules | None
) -> list[Problem]:
    """Every problem with the part of `post` going to the TikTok account `account`."""
    replaced = {f"--option {NETWORK}.privacy_level"} | {
        f"--option {NETWORK}.disable_{interaction}" for interaction, _ in INTERACTIONS
    }
    found = [p for p in validate_target(post, target, account, caps) if p.field not in replaced]
    return [*found, *_own(post, target, account, caps, rules)]


def _own(
    post: Post, target: Target, account: Account, caps: Capabilities, rules: AccountRules | None
) -> Iterator[Problem]:
    who = f"@{account.handle}"
    if not post.media:
        yield _problem(
            "media",
            account,
            "media_required",
            f"media: TikTok posts are a video or photos; attach a video (or up to 35 photos) for "
            f"{account.ref}.",
        )
    elif is_photo_post(post) and not (rules and rules.media_host):
        yield _problem(
            "media",
            account,
            "media_host",
            f"media: TikTok takes photos only from a public address on a domain verified with "
            f"TikTok, so photo posts need a media host: {SET_MEDIA_HOST}, and verify its domain "
            f"in your TikTok app (URL properties). Videos need none.",
        )
    yield from _privacy(target, account, caps, rules, who)
    yield from _interactions(post, target, account, rules, who)


def _privacy(
    target: Target, account: Account, caps: Capabilities, rules: AccountRules | None, who: str
) -> Iterator[Problem]:
    field = f"--option {NETWORK}.privacy_level"
    spec = caps.option("privacy_level")
    offered = spec.choices if spec else tuple(PRIVACY_LEVELS)
    listed = ", ".join(f"{level} ({PRIVACY_LEVELS.get(level, level.lower())})" for level in offered)
    unaudited = rules is not None and rules.unaudited_since is not None
    level = target.options.get("privacy_level")
    if level is None:
        hint = f" {UNAUDITED}: choose {PRIVATE}." if unaudited else ""
        yield _problem(
            field,
            account,
            "required_option",
            f"{field}: TikTok asks the creator to choose who can watch each post (there is no "
            f"default). TikTok offers {who}: {listed}; add {field}=….{hint}",
        )
        return
    if level not in offered:
        private_account = "PUBLIC_TO_EVERYONE" not in offered
        why = " (the account is private, so TikTok offers no public level)" if private_account else ""
        yield _problem(
            field,
            account,
            "option_choice",
            f"{field}: TikTok does not offer {level!s} to {who} now{why}; it offers {listed}.",
            actual=str(level),
        )
        return
    if unaudited and level != PRIVATE:
        assert rules is not None and rules.unaudited_since is not None
        yield _problem(
            field,
            account,
            "unaudited_app",
            f"{field}: {UNAUDITED} (TikTok said so on {rules.unaudited_since:%Y-%m-%d}). Choose "
            f"{PRIVATE} and set {who} to private in the TikTok app, or have TikTok audit the app "
            f"(TikTok for Developers → your app → Content Posting API → audit).",
            actual=str(level),
        )
    elif unaudited and "PUBLIC_TO_EVERYONE" in offered:
        # TikTok offers the public level only to public accounts (a private one gets no
        # PUBLIC_TO_EVERYONE), and an unaudited app may post only from private accounts.
        yield _problem(
            field,
            account,
            "unaudited_app",
            f"{field}: {UNAUDITED}, and {who} is public. Set the account to private in the TikTok "
            f"app (Settings and privacy → Privacy → Private account), or have TikTok audit the app.",
            actual=str(level),
        )
    if level == PRIVATE and target.options.get("brand_content_toggle") is True:
        yield _problem(
            field,
            account,
            "branded_private",
            f"{field}: branded content cannot be private on TikTok; choose who can watch it, or "
            f"set --option {NETWORK}.brand_content_toggle=false.",
            actual=str(level),
        )


def _interactions(
    post: Post, target: Target, account: Account, rules: AccountRules | None, who: str
) -> Iterator[Problem]:
    creator = rules.creator if rules else None
    photos = is_photo_post(post)
    for interaction, plural in INTERACTIONS:
        key = f"disable_{interaction}"
        field = f"--option {NETWORK}.{key}"
        value = target.options.get(key)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            value = value.lower() == "true"  # left as text where the creator's settings drop the option
        if value is None:
            continue
        if not isinstance(value, bool):
            yield _problem(field, account, "option_bool", f"{field}: {value!r} is not true or false.")
        elif photos and interaction != "comment":
            yield _problem(
                field,
                account,
                "video_only",
                f"{field}: {plural} exist for videos only; remove the option for a photo post.",
            )
        elif creator is not None and creator.disabled(interaction) and value is False:
            yield _problem(
                field,
                account,
                "disabled_by_creator",
                f"{field}: {plural} are turned off in {who}'s TikTok settings, so a post cannot turn "
                f"them on; remove the option, or allow {plural} in the TikTok app first.",
            )


def _problem(field: str, account: Account, rule: str, message: str, *, actual: str | None = None) -> Problem:
    return Problem(
        field=field, message=message, network=NETWORK, account=account.ref, rule=rule, actual=actual
    )


__all__ = ["problems"]
