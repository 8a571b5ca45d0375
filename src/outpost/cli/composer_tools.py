"""`outpost snippets` and `outpost costs`: issue #22's composer tools on the command line.

Snippets are the composer's reusable texts (signatures, hashtag groups) with per-network
variants; `post create --snippet NAME` adds one the way the composer's picker does. `costs`
says what the scheduled posts of a period will cost on X's pay-per-use API, and what this
month's posts cost so far, at the prices in Settings (`x_prices`).
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from outpost.cli.outcome import Handler, Outcome
from outpost.domain.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from outpost.cli.requests import PostCreateRequest
    from outpost.domain.snippets import Snippet
    from outpost.engine import Engine


def add_snippets(snippets: argparse.ArgumentParser, leaf: Any) -> None:
    """The grammar of `snippets …`."""
    actions = snippets.add_subparsers(dest="action", metavar="ACTION", required=True)
    leaf(actions, "list", "every snippet with its trigger and per-network variants")
    set_one = leaf(actions, "set", "add a snippet, or change the one with this name")
    set_one.add_argument("name", metavar="NAME", help="what the picker and --snippet call it")
    set_one.add_argument("--text", required=True, help="the text it adds")
    set_one.add_argument(
        "--trigger", default="", help="typed in the composer, it becomes the snippet (e.g. ;sig)"
    )
    set_one.add_argument(
        "--variant",
        action="append",
        metavar="NETWORK=TEXT",
        help="the text one network gets instead, e.g. x=#naturaldye (repeat for several)",
    )
    remove = leaf(actions, "remove", "forget a snippet")
    remove.add_argument("name", metavar="NAME", help="the snippet's name")


def add_costs(costs: argparse.ArgumentParser) -> None:
    """The grammar of `costs`."""
    costs.add_argument("--from", dest="start", metavar="DATE", help="first day (default: today)")
    costs.add_argument(
        "--to", dest="end", metavar="DATE", help="last day, included (default: 6 days after --from)"
    )


def snippet_json(snippet: Snippet) -> dict[str, Any]:
    """A snippet as the command line prints it."""
    return {
        "id": snippet.id,
        "name": snippet.name,
        "trigger": snippet.trigger,
        "text": snippet.text,
        "variants": dict(snippet.variants),
    }


async def _list(engine: Engine, args: argparse.Namespace) -> Outcome:
    found = await engine.tools.snippets()
    lines = [
        f"{s.name}{f' ({s.trigger})' if s.trigger else ''}: {s.text}"
        + "".join(f"\n  {network}: {text}" for network, text in s.variants.items())
        for s in found
    ]
    return Outcome(
        [snippet_json(s) for s in found],
        "\n".join(lines) or "No snippets yet: add one with `outpost snippets set`.",
    )


async def _set(engine: Engine, args: argparse.Namespace) -> Outcome:
    variants: dict[str, str] = {}
    for value in args.variant or ():
        network, sep, text = value.partition("=")
        if not sep or not network.strip():
            raise ValidationError.single(
                "--variant", f"--variant: {value!r} needs the form NETWORK=TEXT, e.g. x=#dye."
            )
        variants[network.strip()] = text
    existing = await _by_name(engine, args.name, missing_ok=True)
    snippet = await engine.tools.save_snippet(
        name=args.name,
        text=args.text,
        trigger=args.trigger,
        variants=variants,
        snippet_id=existing.id if existing else None,
    )
    return Outcome(snippet_json(snippet), f"Saved the snippet {snippet.name}.")


async def _remove(engine: Engine, args: argparse.Namespace) -> Outcome:
    found = await _by_name(engine, args.name)
    assert found is not None
    await engine.tools.delete_snippet(found.id)
    return Outcome({"id": found.id, "removed": True}, f"Removed the snippet {found.name}.")


async def _by_name(engine: Engine, name: str, *, missing_ok: bool = False) -> Snippet | None:
    for snippet in await engine.tools.snippets():
        if snippet.name.casefold() == name.strip().casefold():
            return snippet
    if missing_ok:
        return None
    raise NotFoundError(f"No snippet named {name!r}; `outpost snippets list` shows them.")


async def with_snippets(engine: Engine, request: PostCreateRequest, names: list[str]) -> PostCreateRequest:
    """The post with each named snippet added on a line of its own (each network's variant where it has one).

    The composer's picker does the same: the main text gets the snippet's text, and a network with
    a variant gets its own text (`text_for`) with the variant instead.
    """
    if not names:
        return request
    chosen = []
    for name in names:
        found = await _by_name(engine, name)
        assert found is not None
        chosen.append(found)
    text_for = dict(request.text_for or {})
    varying = {network for s in chosen for network in s.variants}
    for network in varying:
        base = text_for.get(network, request.text)
        text_for[network] = _joined(base, [s.variants.get(network, s.text) for s in chosen])
    text = _joined(request.text, [s.text for s in chosen])
    return request.model_copy(update={"text": text, "text_for": text_for or None})


def _joined(text: str, pieces: list[str]) -> str:
    return "\n\n".join([text.rstrip(), *pieces]) if text.strip() else "\n\n".join(pieces)


def _day(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError.single(flag, f"{flag}: {value!r} is not a date like 2026-12-01.") from None


async def _costs(engine: Engine, args: argparse.Namespace) -> Outcome:
    from outpost.domain.costs import money  # only `costs` prints money

    today = engine.clock.now().astimezone(UTC).date()
    start = _day(args.start, "--from") or today
    end = _day(args.end, "--to") or start + timedelta(days=6)
    if end < start:
        raise ValidationError.single("--to", "--to: the last day comes before --from.")
    window = (datetime.combine(start, time(), UTC), datetime.combine(end + timedelta(days=1), time(), UTC))
    upcoming = await engine.tools.x_upcoming(*window)
    spent, count = await engine.tools.x_month()
    total = round(sum(cost.usd for _, cost in upcoming), 6)
    document: dict[str, Any] = {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "posts": [
            {
                "id": post.id,
                "scheduled_at": post.scheduled_at.strftime("%Y-%m-%dT%H:%M:%SZ")
                if post.scheduled_at
                else None,
                "usd": cost.usd,
                "summary": cost.summary(),
            }
            for post, cost in upcoming
        ],
        "total_usd": total,
        "month": {"spent_usd": spent, "posts": count},
    }
    lines = [f"{entry['id']} at {entry['scheduled_at']}: {entry['summary']}" for entry in document["posts"]]
    lines.append(f"{start} to {end}: {money(total)} on X for {len(upcoming)} scheduled post(s).")
    lines.append(
        f"This month so far: {money(spent)} for {count} post(s) (prices from Settings → Links & costs)."
    )
    return Outcome(document, "\n".join(lines))


HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("snippets", "list"): _list,
    ("snippets", "set"): _set,
    ("snippets", "remove"): _remove,
    ("costs", None): _costs,
}
