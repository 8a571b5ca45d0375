"""What a person (or an assistant) asks of the posts, as pydantic models both fronts validate with.

The command line turns its options into these; `outpost mcp` receives them as JSON and publishes
their JSON schema as each tool's input schema (`model_json_schema()`), so the two cannot disagree
about what a post request is. Each model turns itself into the engine's request types. The
requests only `outpost mcp` takes are in `tool_requests.py` (a one-shot command builds none).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from outpost.domain.links import links_in
from outpost.engine import MediaInput, PostChanges, PostInput, When


class Request(BaseModel):
    """What every request model shares: strict, frozen; its validator built on first use."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class MediaItem(Request):
    """A file to attach, with its alt text."""

    path: str = Field(description="Path of an image or video file on this computer.")
    alt: str = Field("", description="Alt text describing the file for people who cannot see it.")


def _option_keys(options: dict[str, str]) -> dict[str, str]:
    for key in options:
        network, dot, name = key.partition(".")
        if not dot or not network or not name:
            raise ValueError(f"{key!r} needs the form NETWORK.KEY, e.g. mastodon.visibility")
    return options


def _split(key: str) -> tuple[str, str]:
    network, _, name = key.partition(".")
    return network, name


class _PostContent(Request):
    """The parts of a post a person writes; the same names as `post create`'s options."""

    text_for: dict[str, str] | None = Field(
        None, description="Per-network or per-account text, e.g. {'x': 'Shorter text for X'}."
    )
    media: list[MediaItem] | None = Field(None, description="Files to attach, in order.")
    thread: list[str] | None = Field(None, description="Further parts of a thread, in order.")
    options: dict[str, str] | None = Field(
        None,
        description="Network settings as NETWORK.KEY: VALUE, e.g. {'mastodon.visibility': 'unlisted', "
        "'youtube.title': 'My video'}.",
    )
    # -- organising and per-part threads (issue #24) --
    title: str | None = Field(
        None, description="A title for your own lists (queue, calendar); never published. '' removes it."
    )
    tags: list[str] | None = Field(None, description="Tags to filter by, e.g. ['launch', 'video'].")
    campaign: str | None = Field(
        None, description="A campaign's name or id (campaigns_list shows them); '' takes the post out of one."
    )
    thread_for: dict[str, list[str]] | None = Field(
        None,
        description="A network's or account's own further thread parts instead of `thread`, e.g. "
        "{'x': ['2/ more', '3/ the end'], 'mastodon': []} (an empty list: a single post there).",
    )
    part_media: dict[int, list[MediaItem]] | None = Field(
        None, description="Files for thread part N (2 is the first reply), e.g. {2: [{'path': 'b.jpg'}]}."
    )
    at: str | None = Field(
        None, description="When to publish, ISO-8601 (local time with tz, or with an offset). Omit: a draft."
    )
    tz: str | None = Field(None, description="IANA zone of `at` when it has no offset, e.g. Europe/Berlin.")
    now: bool = Field(False, description="Publish at once (the command line's --now).")
    # Issue #22: the posting schedule's next free slot, and evergreen posts.
    next_slot: bool = Field(
        False,
        description="Schedule into the next posting-schedule slot free for every chosen account "
        "(see slots_list).",
    )
    evergreen: bool | None = Field(
        None,
        description="Evergreen: queued again into a free slot of an account with nothing queued. "
        "Omit to keep as it is.",
    )

    @field_validator("options")
    @classmethod
    def _options_named(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        return None if value is None else _option_keys(value)

    def when(self) -> When:
        """Draft, now, or at a time; `tz` without `at` is refused as on the command line."""
        if self.tz and not self.at:
            from outpost.domain.errors import ValidationError

            raise ValidationError.single("tz", "tz: give `at` too; `tz` says which zone `at` is in.")
        if self.now:
            return When.now()
        if self.at:
            return When.scheduled(self.at, self.tz)
        return When.draft()

    def _media(self) -> tuple[MediaInput, ...] | None:
        return None if self.media is None else tuple(MediaInput(m.path, m.alt) for m in self.media)

    @field_validator("part_media")
    @classmethod
    def _parts_numbered(cls, value: dict[int, list[MediaItem]] | None) -> dict[int, list[MediaItem]] | None:
        for part in value or {}:
            if part < 2:
                raise ValueError(
                    f"part {part}: thread parts are numbered from 2 (the first reply); "
                    "the post's own files are `media`"
                )
        return value

    def _thread_for(self) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
        if self.thread_for is None:
            return None
        return tuple((key, tuple(p for p in parts if p.strip())) for key, parts in self.thread_for.items())

    def _thread_media(self) -> tuple[tuple[MediaInput, ...], ...] | None:
        if self.part_media is None:
            return None
        last = max(self.part_media, default=1)
        return tuple(
            tuple(MediaInput(m.path, m.alt) for m in self.part_media.get(part, ()))
            for part in range(2, last + 1)
        )

    def _options(self) -> tuple[tuple[str, str, str], ...] | None:
        if self.options is None:
            return None
        return tuple((*_split(key), value) for key, value in self.options.items())


class PostCreateRequest(_PostContent):
    """`post create` / the `post_create` tool: a new post, kept as a draft unless `at` or `now`."""

    text: str = Field("", description="The post's text (each network's own text can differ: text_for).")
    accounts: list[str] = Field(description="Accounts to post to: ids or NETWORK:handle (see accounts_list).")
    repeat: str | None = Field(
        None,
        description="Recurring: daily, weekly, monthly or cron:EXPR, at the wall-clock time of `at` in "
        "its zone; each occurrence is a post of its own.",
    )
    repeat_until: str | None = Field(None, description="The last day (or time) an occurrence may fall on.")
    repeat_count: int | None = Field(None, description="How many occurrences in all, the first included.")

    first_comment: str = Field(
        "", description="Posted right after the post as its first comment (or the author's own reply)."
    )
    utm_links: list[str] | None = Field(
        None,
        description='Links to tag with the UTM parameters of the settings (utm_for…), or ["all"] for every '
        "link in the post; others are never tagged.",
    )

    def to_input(self) -> PostInput:
        """The engine's request."""
        return PostInput(
            utm_links=self._chosen_links(),
            first_comment=self.first_comment,
            text=self.text,
            accounts=tuple(self.accounts),
            text_for=tuple((self.text_for or {}).items()),
            media=self._media() or (),
            thread=tuple(self.thread or ()),
            options=self._options() or (),
            title=self.title,
            tags=tuple(self.tags or ()),
            campaign=self.campaign,
            thread_for=self._thread_for() or (),
            thread_media=self._thread_media() or (),
        )

    def _chosen_links(self) -> tuple[str, ...]:
        chosen = self.utm_links or []
        if "all" not in chosen:
            return tuple(chosen)
        texts = [self.text, *(self.thread or ()), *(self.text_for or {}).values(), self.first_comment]
        return tuple(dict.fromkeys(link for text in texts for link in links_in(text)))


class PostEditRequest(_PostContent):
    """`post edit` / the `post_edit` tool: every field left out keeps what the post has."""

    post: str = Field(description="The post's id (post_list shows them).")
    text: str | None = Field(None, description="The new text.")
    accounts: list[str] | None = Field(None, description="The new list of accounts (replaces the old one).")
    draft: bool = Field(False, description="Turn the post back into a draft.")
    series: bool = Field(
        False, description="Apply the content changes to this occurrence and every later one of its series."
    )
    first_comment: str | None = Field(None, description='The new first comment ("" removes it).')

    def changes(self) -> PostChanges:
        """The engine's edit."""
        return PostChanges(
            first_comment=self.first_comment,
            text=self.text,
            accounts=None if self.accounts is None else tuple(self.accounts),
            text_for=None if self.text_for is None else tuple(self.text_for.items()),
            media=self._media(),
            thread=None if self.thread is None else tuple(self.thread),
            options=self._options(),
            title=self.title,
            tags=None if self.tags is None else tuple(self.tags),
            campaign=self.campaign,
            thread_for=self._thread_for(),
            thread_media=self._thread_media(),
        )

    def new_when(self) -> When | None:
        """The post's new time, or None to keep it."""
        if self.draft:
            return When.draft()
        return self.when() if (self.at or self.now) else None
