"""The engine's problems in the window's words: which account, what is wrong, where to click.

The engine words its problems for the command line ("--text-for bluesky:you.sandbox.local: 363
characters (graphemes; …)"), naming flags and `network:handle` refs. The window speaks to people
(issue #17): it names accounts as the chips do and says which button or tab fixes the problem.
Each problem is phrased from its fields (`rule`, `network`, `account`, `limit`, `actual`); an
unknown one falls back to its message with every command-line name rewritten, so no window
message ever shows a flag.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from zoneinfo import ZoneInfo

from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import KnownError, Problem, ValidationError
from outpost.domain.models import Account, Post
from outpost.gui.names import account_label

__all__ = ["FLAG", "error_text", "outcome", "problem_text", "together", "window_words"]

#: A command-line flag as it may appear in a message (`--text-for`, `--at`).
FLAG = re.compile(r"(?<![\w-])--[a-z][\w-]*")

_FIELD_PREFIX = re.compile(r"^(?:--[\w-]+(?: [\w.:@-]+)?|[\w.]+(?:\[\d+\])?|default time zone): ")
_COMMAND = re.compile(r"`outpost ([a-z]+)[^`]*`")
_COMMAND_PLACES = {"accounts": "“Add account…” in Accounts", "settings": "Settings", "apps": "Settings"}


def problem_text(problem: Problem, accounts: Sequence[Account], *, files: Sequence[str] = ()) -> str:
    """One problem as a sentence for the window.

    Args:
        problem: as the engine reported it.
        accounts: the accounts the composer knows, to name the one the problem is about.
        files: the attached files' paths in order, to name `media[i]` by its file name.
    """
    phrase = _PHRASES.get(problem.rule or "") or _PHRASES.get(problem.field)
    text = phrase(_Context(problem, accounts, files)) if phrase is not None else None
    return _sentence(text or window_words(_without_field(problem), accounts, files=files))


def error_text(error: KnownError, accounts: Sequence[Account] = (), *, files: Sequence[str] = ()) -> str:
    """A failure's first problem (or first line) for the status bar, with how many more there are."""
    if isinstance(error, ValidationError):
        first = problem_text(error.problems[0], accounts, files=files)
        more = len(error.problems) - 1
        return first if not more else f"{first} (and {more} more problem{'s' if more > 1 else ''})"
    return _sentence(window_words(error.text().splitlines()[0], accounts, files=files))


def window_words(text: str, accounts: Sequence[Account] = (), *, files: Sequence[str] = ()) -> str:
    """`text` with command-line names replaced by the window's: accounts, files, flags, commands."""
    for account in sorted(accounts, key=lambda a: len(a.ref), reverse=True):
        text = text.replace(account.ref, account_label(account))
    for path in files:  # a file by its name, as the media strip shows it, not by its whole path
        for spelling in {path, str(Path(path).expanduser().resolve())}:
            text = text.replace(spelling, f"“{PurePath(path).name}”")
    text = _FIELD_PREFIX.sub("", text)
    text = _COMMAND.sub(lambda m: _COMMAND_PLACES.get(m.group(1), "the window"), text)
    text = re.sub(
        r"(?:its own )?(single )?text with --text-for", r"its own \1text in its Customise tab", text
    )
    text = re.sub(r"--option (\w+)\.(\w+)(=…)?", lambda m: f"its “{m.group(2)}” option", text)
    text = text.replace("use --now to publish at once", "publish it now")
    text = text.replace("with --account", "under “Post to”")
    text = re.sub(r"\(with --tz [\w/]+\)", "", text)
    text = FLAG.sub("", text)  # whatever flag is left names nothing a person can click
    return re.sub(r"  +", " ", text).strip()


def outcome(post: Post, accounts: Sequence[Account] = ()) -> str:
    """What happened to a post just published or scheduled, in a sentence for the status bar."""
    if post.status is PostStatus.SCHEDULED and post.scheduled_at is not None:
        zone = post.timezone or "UTC"
        return f"Scheduled for {post.scheduled_at.astimezone(ZoneInfo(zone)):%a %d %b %Y, %H:%M} ({zone})."
    if post.status is PostStatus.PUBLISHED:
        return "Published."
    if post.status is PostStatus.PARTIALLY_PUBLISHED:
        return "Published to some accounts only: the Queue says what happened to the others."
    failed = next((t for t in post.targets if t.error is not None), None)
    if post.status is PostStatus.FAILED and failed is not None and failed.error is not None:
        account = next((a for a in accounts if a.id == failed.account_id), None)
        who = account_label(account) if account else failed.network.label
        reason = window_words(failed.error.message, accounts).rstrip(".")
        return f"Not published to {who}: {reason}. The Queue has the post."
    return f"{post.status.value.replace('_', ' ').capitalize()}."


def together(names: Sequence[str]) -> str:
    """Names joined as a sentence: "Mastodon, Bluesky and X" (each once)."""
    unique = list(dict.fromkeys(names))
    if len(unique) < 2:
        return "".join(unique)
    return f"{', '.join(unique[:-1])} and {unique[-1]}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _without_field(problem: Problem) -> str:
    message = problem.message
    if problem.field and message.startswith(f"{problem.field}: "):
        return message[len(problem.field) + 2 :]
    return message


class _Context:
    """What a phrase needs: the problem, the account's and network's names, the file's name."""

    def __init__(self, problem: Problem, accounts: Sequence[Account], files: Sequence[str]) -> None:
        self.problem = problem
        account = next((a for a in accounts if a.ref == problem.account), None)
        self.network = _network(problem.network) or (account.network if account else None)
        self.label = self.network.label if self.network else "This network"
        self.who = account_label(account) if account else self.label
        self.accounts = accounts
        self.files = files

    @property
    def customise(self) -> str:
        return f"“Customise {self.label}”"

    @property
    def part(self) -> int | None:
        """The thread part (1 is the post itself) a text problem is about."""
        found = re.fullmatch(r"thread\[(\d+)\]", self.problem.field)
        return int(found.group(1)) + 1 if found else None

    @property
    def file(self) -> str:
        found = re.fullmatch(r"media\[(\d+)\]", self.problem.field)
        index = int(found.group(1)) - 1 if found else -1
        if 0 <= index < len(self.files):
            return f"“{PurePath(self.files[index]).name}”"
        return f"file {index + 1}" if found else "the file"

    def after(self, marker: str) -> str:
        """The engine's own words after `marker` (its reason), in the window's words."""
        _, found, rest = self.problem.message.partition(marker)
        return window_words(rest, self.accounts).rstrip(".") if found else ""


def _network(value: str | None) -> Network | None:
    try:
        return Network(value) if value else None
    except ValueError:
        return None


def _too_long(c: _Context) -> str:
    over = int(c.problem.actual or 0) - int(c.problem.limit or 0)
    counted = f"{c.problem.actual} of {c.problem.limit} characters ({over} over)"
    if c.problem.field.startswith("--text-for"):
        return f"{c.who}: its own text is {counted}. Shorten it under {c.customise}."
    if c.problem.field == "--first-comment":  # issue #22: counted as the network counts a post
        return f"{c.who}: the first comment is {counted}. Shorten it."
    where = f"Thread part {c.part} for {c.who}" if c.part else c.who
    return (
        f"{where}: {counted}. Shorten it, split it into a thread, or give {c.label} its own text "
        f"under {c.customise}."
    )


def _empty(c: _Context) -> str | None:
    if c.problem.field.startswith("media"):
        return None  # an empty file: the engine's words, with the file's name, say it
    if c.part:
        return f"Thread part {c.part} is empty: write it or remove it."
    return f"The post to {c.who} has no text and no media: write something or attach a file."


def _media_count(c: _Context) -> str:
    if c.problem.limit == 0:
        return f"{c.label} takes no attached files here: remove them, or untick {c.who} under “Post to”."
    return (
        f"{c.problem.actual} files attached, but {c.label} takes at most {c.problem.limit} per post: "
        "remove some, or put them in a thread."
    )


def _required_option(c: _Context) -> str:
    found = re.search(r"needs (.+?) for ", c.problem.message)
    what = found.group(1) if found else "a setting"
    return f"{c.label} needs {what}: fill it in under {c.customise}."


def _option_value(c: _Context) -> str:
    key = c.problem.field.rpartition(".")[2]
    return f"{c.label}'s “{key}” option: {window_words(_without_field(c.problem), c.accounts)}"


def _no_schedule(c: _Context) -> str:
    if "taken" in c.problem.message:
        return (
            "Every slot of your posting schedule in the next weeks is taken: add slots in Settings, "
            "or pick a time with “Schedule…”."
        )
    return "Set up a posting schedule in Settings first: “Add to queue” fills its time slots in order."


_PHRASES: dict[str, Callable[[_Context], str | None]] = {
    "required": lambda c: "Choose at least one account under “Post to”.",
    "connected_account": lambda c: (
        f"{c.who} was removed from Outpost: untick it under “Post to”, or connect it again in Accounts."
    ),
    "known_account": lambda c: (
        "One of the chosen accounts is no longer connected: untick it under “Post to”, or connect it "
        "again in Accounts."
    ),
    "max_length": _too_long,
    "not_empty": _empty,
    "threads": lambda c: (
        f"{c.label} cannot publish threads: remove the thread parts, or give {c.label} its own single "
        f"text under {c.customise}."
    ),
    "media_count": _media_count,
    "video_alone": lambda c: f"{c.label} takes a video only on its own: post the video separately.",
    "media_compatible": lambda c: f"{c.file} cannot go to {c.label}: {c.after(f'to {c.label}: ')}.",
    "alt_text_length": lambda c: (
        f"The alt text of {c.file} is {c.problem.actual} characters, over {c.label}'s limit of "
        f"{c.problem.limit}: shorten it."
    ),
    "required_option": _required_option,
    "known_option": lambda c: f"{c.label} has no option “{c.problem.actual}”.",
    "option_choice": _option_value,
    "option_bool": _option_value,
    "option_text": _option_value,
    "option_list": _option_value,
    "in_future": lambda c: "That time is in the past: pick a later time, or publish it now.",
    # Networks that fetch media from a public address (Threads; Instagram).
    "media_host": lambda c: (
        f"{c.label} fetches photos and videos from a public address: set a media host in Settings → "
        f"Media host, or remove the files for {c.who}. Text-only posts need none."
    ),
    "max_links": lambda c: (
        f"{f'Thread part {c.part} for {c.who}' if c.part else c.who} has {c.problem.actual} different "
        f"links; {c.label} takes at most {c.problem.limit} per post. Remove some, or move them to "
        f"another part of the thread."
    ),
    "posting_schedule": _no_schedule,
}
