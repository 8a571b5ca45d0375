"""YouTube's rules for a video's words, counted the way YouTube counts them.

From the `video` resource's property descriptions (developers.google.com/youtube/v3/docs/videos,
quoted in the generated API clients):

- `snippet.title`: "a maximum length of 100 characters and may contain all valid UTF-8
  characters except < and >"; required.
- `snippet.description` (the post's text): "a maximum length of 5000 bytes and may contain all
  valid UTF-8 characters except < and >" — bytes, so an emoji counts 4.
- `snippet.tags`: "a maximum length of 500 characters … commas between items in the list count
  toward the limit … If a tag contains a space, the API server handles the tag value as though it
  were wrapped in quotation marks, and the quotation marks count toward the character limit. So
  … the tag Foo-Baz contains seven characters, but the tag Foo Baz contains nine characters."
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_TITLE = 100
MAX_DESCRIPTION_BYTES = 5000
MAX_TAGS = 500
FORBIDDEN = frozenset("<>")


def description_length(text: str) -> int:
    """The description's length as YouTube limits it: UTF-8 bytes."""
    return len(text.encode("utf-8"))


def title_length(title: str) -> int:
    """The title's length in characters (code points)."""
    return len(title)


def tags_length(tags: Sequence[str]) -> int:
    """The tags' length as YouTube counts it.

    Commas between tags count, and a tag with a space counts two more (YouTube wraps it in
    quotation marks).
    """
    if not tags:
        return 0
    return sum(len(tag) + (2 if " " in tag else 0) for tag in tags) + len(tags) - 1


def forbidden_characters(text: str) -> str:
    """The characters YouTube refuses in titles, descriptions and tags that `text` contains ("" if none)."""
    return "".join(sorted(FORBIDDEN & set(text)))


__all__ = [
    "MAX_DESCRIPTION_BYTES",
    "MAX_TAGS",
    "MAX_TITLE",
    "description_length",
    "forbidden_characters",
    "tags_length",
    "title_length",
]
