"""What a network accepts: each adapter declares its `Capabilities`, the validator checks them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from outpost.domain.enums import Network
from outpost.domain.media_rules import MediaRules


class OptionKind(StrEnum):
    """The type of a network option's value."""

    CHOICE = "choice"
    TEXT = "text"
    BOOL = "bool"
    LIST = "list"


@dataclass(frozen=True)
class OptionSpec:
    """One network setting a post can carry (e.g. Mastodon `visibility`).

    Attributes:
        key: the name used in `--option NETWORK.KEY=VALUE`.
        kind: how the value is read.
        choices: the allowed values, for `CHOICE` (and each item of `LIST`, if given).
        max_length: the longest allowed text, for `TEXT`.
        required: a post to this network cannot go out without it.
        description: one line for help texts and the GUI.
    """

    key: str
    kind: OptionKind
    description: str
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    required: bool = False


@dataclass(frozen=True)
class Capabilities:
    """The rules one network (or one server of it) applies to a post.

    Attributes:
        network: the network these rules are for.
        max_length: the longest text, as `count_length` counts it.
        length_unit: how length is counted, in words for error messages.
        count_length: counts a text the way the network does.
        media: what files the network takes (`domain.media_rules`); None: text only.
        max_alt_text: the longest alt text.
        supports_threads: whether a thread can be published as a reply chain.
        options: the network settings a post may carry.
        extended_length: (bool option, longer limit) — e.g. X Premium's 25,000 characters,
            allowed only for a post that sets the option.
    """

    network: Network
    max_length: int
    length_unit: str
    count_length: Callable[[str], int]
    media: MediaRules | None = None
    max_alt_text: int | None = None
    supports_threads: bool = False
    options: tuple[OptionSpec, ...] = field(default=())
    extended_length: tuple[str, int] | None = None

    def length_limit(self, options: Mapping[str, object]) -> int:
        """The longest text for a post carrying `options`."""
        if self.extended_length is not None and options.get(self.extended_length[0]) is True:
            return self.extended_length[1]
        return self.max_length

    @property
    def max_media(self) -> int:
        """How many attachments one post may carry (0: text only)."""
        return self.media.max_items if self.media else 0

    def option(self, key: str) -> OptionSpec | None:
        """The spec of option `key`, or None if the network has no such option."""
        return next((o for o in self.options if o.key == key), None)
