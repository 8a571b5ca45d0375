"""What a YouTube post is made of and must respect: its options, its checks, its metadata.

A post to YouTube is one video (and at most one image, its custom thumbnail); the post's text is
the description; the options hold the title and the rest (INTERFACE.md "Network options"). The
limits are the `video` resource's (adapters/youtube_text.py), checked here before anything is sent,
each problem naming its field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from outpost.adapters import youtube_text
from outpost.adapters.base import PartRequest
from outpost.domain.capabilities import OptionKind, OptionSpec
from outpost.domain.enums import Network
from outpost.domain.errors import Problem
from outpost.domain.models import Account, Post

DEFAULT_CATEGORY = "22"  # People & Blogs, as Google's own upload sample uses

OPTIONS = (
    OptionSpec(
        "title",
        OptionKind.TEXT,
        "The video's title (up to 100 characters, no < or >)",
        required=True,
        max_length=youtube_text.MAX_TITLE,
    ),
    OptionSpec(
        "made_for_kids",
        OptionKind.CHOICE,
        "Whether the video is made for kids: true or false (every creator must say which)",
        ("true", "false"),
        required=True,
    ),
    OptionSpec(
        "privacy_status",
        OptionKind.CHOICE,
        "Who can watch it: public (the default), unlisted (anyone with the link) or private",
        ("public", "unlisted", "private"),
    ),
    OptionSpec("tags", OptionKind.LIST, "Tags (500 characters in all, as YouTube counts them)"),
    OptionSpec(
        "category_id", OptionKind.TEXT, "YouTube's category number (22 People & Blogs, 27 Education…)"
    ),
    OptionSpec(
        "notify_subscribers",
        OptionKind.CHOICE,
        "Tell subscribers about the new video: true (the default) or false",
        ("true", "false"),
    ),
)


def metadata(part: PartRequest, publish_at: datetime | None) -> dict[str, Any]:
    """The `video` resource sent when the session starts: snippet and status."""
    options = part.options
    snippet: dict[str, Any] = {
        "title": str(options.get("title") or ""),
        "description": part.text,
        "categoryId": str(options.get("category_id") or DEFAULT_CATEGORY),
    }
    tags = options.get("tags")
    if isinstance(tags, list) and tags:
        snippet["tags"] = [str(t) for t in tags]
    status: dict[str, Any] = {
        "privacyStatus": str(options.get("privacy_status") or "public"),
        "selfDeclaredMadeForKids": options.get("made_for_kids") == "true",
    }
    if publish_at is not None:
        status |= {"privacyStatus": "private", "publishAt": iso(publish_at)}
    return {"snippet": snippet, "status": status}


def iso(at: datetime) -> str:
    """`at` as YouTube writes times (UTC, seconds, `Z`)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def media_problems(post: Post, account: Account) -> list[Problem]:
    """One video per post, and at most one image (its thumbnail)."""
    videos = [m for m in post.media if m.kind == "video"]
    images = [m for m in post.media if m.kind == "image"]
    common = {"network": Network.YOUTUBE.value, "account": account.ref}
    if not videos:
        return [
            Problem(
                field="media",
                rule="video_required",
                message=f"media: YouTube publishes videos: attach one video for {account.ref} (and, if "
                "you like, one image as its thumbnail).",
                **common,
            )
        ]
    problems = []
    if len(videos) > 1:
        problems.append(
            Problem(
                field="media",
                rule="one_video",
                limit=1,
                actual=len(videos),
                message=f"media: {len(videos)} videos attached; a YouTube post is one video. Post the "
                "others separately.",
                **common,
            )
        )
    if len(images) > 1:
        problems.append(
            Problem(
                field="media",
                rule="one_thumbnail",
                limit=1,
                actual=len(images),
                message=f"media: {len(images)} images attached; YouTube takes one, as the video's thumbnail.",
                **common,
            )
        )
    return problems


def word_problems(text: str, options: dict[str, Any], account: Account) -> list[Problem]:
    """The title, description, tags and category as YouTube checks them."""
    problems: list[Problem] = []

    def problem(field: str, rule: str, message: str, **details: Any) -> None:
        problems.append(
            Problem(
                field=field,
                rule=rule,
                message=f"{field}: {message}",
                network="youtube",
                account=account.ref,
                **details,
            )
        )

    title = options.get("title")
    if isinstance(title, str):
        if not title.strip():
            problem("--option youtube.title", "not_empty", "the title is empty; YouTube needs one.")
        if bad := youtube_text.forbidden_characters(title):
            problem(
                "--option youtube.title",
                "characters",
                f"YouTube refuses {' and '.join(bad)} in titles; remove them.",
            )
    if bad := youtube_text.forbidden_characters(text):
        problem("text", "characters", f"YouTube refuses {' and '.join(bad)} in descriptions; remove them.")
    tags = options.get("tags")
    if isinstance(tags, list):
        words = [str(t) for t in tags]
        length = youtube_text.tags_length(words)
        if length > youtube_text.MAX_TAGS:
            problem(
                "--option youtube.tags",
                "max_length",
                f"{length} characters as YouTube counts them (commas count, and a tag with a space "
                f"counts 2 more), over the limit of {youtube_text.MAX_TAGS}. Remove some tags.",
                limit=youtube_text.MAX_TAGS,
                actual=length,
            )
        if bad := youtube_text.forbidden_characters("".join(words)):
            problem("--option youtube.tags", "characters", f"YouTube refuses {' and '.join(bad)} in tags.")
    category = options.get("category_id")
    if isinstance(category, str) and not category.isdigit():
        problem(
            "--option youtube.category_id",
            "category",
            f"{category!r} is not a category number (e.g. 22 for People & Blogs, 27 for Education).",
        )
    return problems


__all__ = ["DEFAULT_CATEGORY", "OPTIONS", "iso", "media_problems", "metadata", "word_problems"]
