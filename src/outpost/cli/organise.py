"""Organising posts on the command line (issue #24): titles, tags, campaigns, per-network threads.

`outpost campaigns add|list|edit|remove`, and the `post create`/`post edit` options that file a
post (`--title`, `--tag`, `--campaign`) or give each part and network its own content
(`--thread-for`, `--media-part`, `--alt-part`). The parser's half lives in `add_*` here too, so
the two stay together.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from outpost.cli.outcome import Handler, Outcome
from outpost.domain.errors import Problem, ValidationError

if TYPE_CHECKING:
    from outpost.cli.requests import MediaItem
    from outpost.domain.campaigns import Campaign
    from outpost.engine import Engine


# -- the parser -----------------------------------------------------------------------------------


def add_post_options(parser: argparse.ArgumentParser, *, editing: bool) -> None:
    """`--title`, `--tag`, `--campaign`, `--thread-for`, `--media-part`, `--alt-part`."""
    replaces = "; replaces the post's" if editing else ""
    parser.add_argument(
        "--title",
        metavar="TEXT",
        help="a title for your own lists (queue, calendar); never published"
        + ("; '' removes it" if editing else ""),
    )
    parser.add_argument(
        "--tag",
        dest="tags",
        action="append",
        metavar="TAG",
        help=f"a tag to filter by (repeat for several{replaces}"
        + ("; --tag '' removes them all)" if editing else ")"),
    )
    parser.add_argument(
        "--campaign",
        metavar="NAME",
        help="the campaign the post belongs to (`outpost campaigns list`)"
        + ("; '' takes it out of its campaign" if editing else ""),
    )
    parser.add_argument(
        "--thread-for",
        action="append",
        metavar="ACCOUNT_OR_NETWORK=TEXT",
        help="one further thread part for one account or network instead of --thread, in order "
        "(repeat: x=2/… x=3/…); its first part is its --text-for text. 'mastodon=' alone makes it "
        "a single post there",
    )
    parser.add_argument(
        "--media-part",
        action="append",
        metavar="N=PATH",
        help="a file for thread part N (2 is the first reply; --media is part 1's), e.g. 2=chart.png "
        f"(repeat for several{replaces} part files)",
    )
    parser.add_argument(
        "--alt-part",
        action="append",
        metavar="N=TEXT",
        help="the alt text of part N's files, in the same order as its --media-part files",
    )


def add_campaigns(parser: argparse.ArgumentParser, leaf: Any) -> None:
    """`outpost campaigns add|list|edit|remove`, on the `campaigns` command's parser."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    leaf(actions, "list", "every campaign with its colour, dates and number of posts")
    add = leaf(actions, "add", "add a campaign")
    add.add_argument("name", metavar="NAME", help="its name (unique; case does not count)")
    edit = leaf(actions, "edit", "change a campaign's name, colour or dates")
    edit.add_argument("name", metavar="NAME", help="the campaign's name or id")
    edit.add_argument("--name", dest="new_name", metavar="NEW_NAME", help="its new name")
    for command in (add, edit):
        command.add_argument(
            "--colour", metavar="#RRGGBB", help="the colour the calendar marks its posts with, e.g. #f97316"
        )
        command.add_argument(
            "--from", dest="starts_on", metavar="DATE", help="the day it starts, e.g. 2026-12-01"
        )
        command.add_argument("--to", dest="ends_on", metavar="DATE", help="the day it ends (included)")
    remove = leaf(actions, "remove", "remove a campaign; its posts stay, without a campaign")
    remove.add_argument("name", metavar="NAME", help="the campaign's name or id")


# -- post create / edit ---------------------------------------------------------------------------


def post_fields(args: argparse.Namespace, *, editing: bool) -> dict[str, Any]:
    """The organising and per-part fields of a `PostCreateRequest`/`PostEditRequest` from `args`.

    For an edit, an option left out is None (kept); for a create, it is left out.
    """
    fields: dict[str, Any] = {
        "title": args.title,
        "tags": None if args.tags is None else [t for t in args.tags if t.strip()],
        "campaign": args.campaign,
        "thread_for": _thread_for(args.thread_for),
        "part_media": _part_media(args.media_part, args.alt_part),
    }
    return fields if editing else {k: v for k, v in fields.items() if v is not None}


def _split(value: str, option: str, form: str) -> tuple[str, str]:
    key, sep, text = value.partition("=")
    if not sep or not key.strip():
        raise ValidationError.single(option, f"{option}: {value!r} needs the form {form}.")
    return key.strip(), text


def _thread_for(values: list[str] | None) -> dict[str, list[str]] | None:
    if values is None:
        return None
    threads: dict[str, list[str]] = {}
    for value in values:
        key, text = _split(value, "--thread-for", "ACCOUNT_OR_NETWORK=TEXT, e.g. x=2/ the second part")
        threads.setdefault(key, [])
        if text.strip():
            threads[key].append(text)
    return threads


def _part_number(raw: str, option: str) -> int:
    if not raw.isdigit() or int(raw) < 2:
        raise ValidationError.single(
            option,
            f"{option}: {raw!r} is not a thread part; parts are numbered from 2 (the first reply), "
            "and the post's own files are --media.",
            actual=raw,
        )
    return int(raw)


def _part_media(paths: list[str] | None, alts: list[str] | None) -> dict[int, list[MediaItem]] | None:
    from outpost.cli.requests import MediaItem  # the engine's types: not needed to build the parser

    if paths is None:
        if alts:
            raise ValidationError.single(
                "--alt-part", "--alt-part: give the part's files with --media-part too."
            )
        return None
    files: dict[int, list[str]] = {}
    for value in paths:
        raw, path = _split(value, "--media-part", "N=PATH, e.g. 2=chart.png")
        files.setdefault(_part_number(raw, "--media-part"), []).append(path)
    texts: dict[int, list[str]] = {}
    for value in alts or ():
        raw, text = _split(value, "--alt-part", "N=TEXT, e.g. '2=A bar chart'")
        texts.setdefault(_part_number(raw, "--alt-part"), []).append(text)
    problems = [
        Problem(
            field="--alt-part",
            rule="alt_pairs",
            limit=len(files.get(part, [])),
            actual=len(given),
            message=f"--alt-part: {len(given)} alt texts for part {part}'s {len(files.get(part, []))} "
            "file(s); they pair with its --media-part files in order.",
        )
        for part, given in texts.items()
        if len(given) > len(files.get(part, []))
    ]
    if problems:
        raise ValidationError(problems)
    return {
        part: [
            MediaItem(path=p, alt=texts.get(part, [])[i] if i < len(texts.get(part, [])) else "")
            for i, p in enumerate(ps)
        ]
        for part, ps in sorted(files.items())
    }


# -- JSON and text --------------------------------------------------------------------------------


def campaign_json(campaign: Campaign, posts: int | None = None) -> dict[str, Any]:
    """A campaign as `campaigns list --json` shows it (and a post's `campaign`, without `posts`)."""
    shown: dict[str, Any] = {
        "id": campaign.id,
        "name": campaign.name,
        "colour": campaign.colour,
        "starts_on": None if campaign.starts_on is None else campaign.starts_on.isoformat(),
        "ends_on": None if campaign.ends_on is None else campaign.ends_on.isoformat(),
    }
    if posts is not None:
        shown["posts"] = posts
    return shown


def campaign_text(campaign: Campaign, posts: int) -> str:
    """A campaign in one line, for people."""
    dates = ""
    if campaign.starts_on or campaign.ends_on:
        dates = f"  {campaign.starts_on or '…'} to {campaign.ends_on or '…'}"
    return f"{campaign.id}  {campaign.name}  {campaign.colour}{dates}  {posts} post(s)"


async def campaigns_by_id(engine: Engine) -> Mapping[str, Campaign]:
    """Every campaign by id (for a post's JSON)."""
    return {c.id: c for c in await engine.campaigns.list()}


# -- campaigns ------------------------------------------------------------------------------------


def _day(value: str | None, option: str) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError.single(
            option, f"{option}: {value!r} is not a date like 2026-12-01.", actual=value
        ) from None


async def _list(engine: Engine, args: argparse.Namespace) -> Outcome:
    campaigns = await engine.campaigns.list()
    counts = await engine.campaigns.post_counts()
    text = "\n".join(campaign_text(c, counts.get(c.id, 0)) for c in campaigns) or (
        "No campaigns yet. Add one with `outpost campaigns add NAME`."
    )
    return Outcome([campaign_json(c, counts.get(c.id, 0)) for c in campaigns], text)


async def _add(engine: Engine, args: argparse.Namespace) -> Outcome:
    campaign = await engine.campaigns.add(
        args.name,
        colour=args.colour,
        starts_on=_day(args.starts_on, "--from"),
        ends_on=_day(args.ends_on, "--to"),
    )
    return Outcome(campaign_json(campaign, 0), f"Added campaign {campaign.name} ({campaign.colour}).")


async def _edit(engine: Engine, args: argparse.Namespace) -> Outcome:
    current = await engine.campaigns.get(args.name)
    dates = None
    if args.starts_on is not None or args.ends_on is not None:
        start = current.starts_on if args.starts_on is None else _day(args.starts_on, "--from")
        end = current.ends_on if args.ends_on is None else _day(args.ends_on, "--to")
        dates = (start, end)
    campaign = await engine.campaigns.edit(current.id, name=args.new_name, colour=args.colour, dates=dates)
    counts = await engine.campaigns.post_counts()
    return Outcome(campaign_json(campaign, counts.get(campaign.id, 0)), f"Changed campaign {campaign.name}.")


async def _remove(engine: Engine, args: argparse.Namespace) -> Outcome:
    removal = await engine.campaigns.remove(args.name)
    return Outcome(
        {**campaign_json(removal.campaign, removal.posts), "removed": True},
        f"Removed campaign {removal.campaign.name}; its {removal.posts} post(s) stay, without a campaign.",
    )


HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("campaigns", "list"): _list,
    ("campaigns", "add"): _add,
    ("campaigns", "edit"): _edit,
    ("campaigns", "remove"): _remove,
}
