"""`outpost stats collect|post|summary|best-times|export`: the creator's statistics.

INTERFACE.md "Analytics".

The numbers are `engine.stats`'s, the same the window shows; JSON is `model_dump(mode="json")`
of the domain's shapes (`domain/stats.py`), and the text form is for reading in a terminal.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from outpost.cli.outcome import Handler, Outcome
from outpost.domain.errors import ValidationError
from outpost.domain.stats import BestTimes, PlatformStats, PostStats, StatsSummary

if TYPE_CHECKING:
    from outpost.engine import Engine


def _day(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError.single(flag, f"{flag}: {value!r} is not a date like 2026-12-01.") from None


def _n(value: int | float | None, *, percent: bool = False) -> str:
    if value is None:
        return "—"
    if percent:
        return f"{value:.2f}%"  # rates are percents already (seed 004: 1.8 means 1.8 %)
    return f"{value:,}"


async def _collect(engine: Engine, args: argparse.Namespace) -> Outcome:
    results = await engine.stats.collect(args.account, args.backfill)
    lines = []
    for r in results:
        if r.skipped:
            lines.append(f"{r.account.ref}: not read. {r.skipped}")
            continue
        line = f"{r.account.ref}: {r.read} post(s) read"
        if args.backfill is not None:
            line += f", {r.imported} imported from the last {args.backfill} days"
        if r.followers is not None:
            line += f", {r.followers:,} followers"
        lines.append(line)
        lines.extend(f"  {problem}" for problem in r.problems)
    failed = any(r.problems for r in results)
    return Outcome(
        {"accounts": [r.as_json() for r in results]},
        "\n".join(lines) or "No accounts are connected.",
        exit_code=1 if failed else 0,
    )


def _platform_line(p: PlatformStats) -> str:
    parts = [f"{p.platform} {p.account_id}:"]
    if p.posts is not None:
        parts.append(f"{p.posts} posts,")
    parts.append(f"{_n(p.engagements)} engagements ({_n(p.likes)} likes, {_n(p.reposts)} reposts, ")
    parts.append(f"{_n(p.replies)} replies, {_n(p.quotes)} quotes),")
    parts.append(f"{_n(p.impressions)} impressions, rate {_n(p.engagement_rate, percent=True)}")
    if p.followers_gained is not None:
        parts.append(f", {p.followers_gained:+,} followers")
    return "  " + " ".join(parts).replace(" ,", ",")


def _post_text(stats: PostStats) -> str:
    t = stats.total
    lines = [
        f"Post {stats.post_id}",
        f"  {_n(t.engagements)} engagements: {_n(t.likes)} likes, {_n(t.shares)} shares, "
        f"{_n(t.comments)} comments; {_n(t.impressions)} impressions; "
        f"rate {_n(t.engagement_rate, percent=True)}",
    ]
    lines.extend(_platform_line(p) for p in stats.by_platform)
    if stats.timeseries:
        lines.append("  Over time:")
        lines.extend(
            f"    {point.timestamp:%Y-%m-%d %H:%M} UTC  {_n(point.engagements)} engagements, "
            f"{_n(point.impressions)} impressions"
            for point in stats.timeseries
        )
    else:
        lines.append("  No numbers read yet (the first read is an hour after publishing).")
    return "\n".join(lines)


async def _post(engine: Engine, args: argparse.Namespace) -> Outcome:
    return await post_stats(engine, args.post)


async def post_stats(engine: Engine, post_id: str) -> Outcome:
    """`stats post`, for the command line and the `stats_post` tool alike."""
    stats = await engine.stats.post(post_id)
    return Outcome(stats.model_dump(mode="json"), _post_text(stats))


def _summary_text(summary: StatsSummary) -> str:
    s = summary.summary
    lines = [
        f"{summary.period.start} to {summary.period.end}: {s.total_posts} posts, "
        f"{_n(s.total_engagements)} engagements, {_n(s.total_impressions)} impressions, "
        f"average rate {_n(s.avg_engagement_rate, percent=True)}, "
        f"followers {'—' if s.followers_gained is None else f'{s.followers_gained:+,}'}",
    ]
    lines.extend(_platform_line(p) for p in summary.by_platform)
    if summary.top_posts:
        lines.append("Top posts:")
        lines.extend(f"  {_n(p.engagements)} engagements  {p.title}  ({p.id})" for p in summary.top_posts)
    return "\n".join(lines)


async def _summary(engine: Engine, args: argparse.Namespace) -> Outcome:
    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    return await stats_summary(engine, start, end, args.account, args.network, args.tag, args.campaign)


async def stats_summary(
    engine: Engine,
    start: date | None,
    end: date | None,
    account: str | None,
    network: str | None,
    tag: str | None = None,
    campaign: str | None = None,
) -> Outcome:
    """`stats summary`, for the command line and the `stats_summary` tool alike."""
    summary = await engine.stats.summary(start, end, account, network, tag=tag, campaign=campaign)
    return Outcome(summary.model_dump(mode="json"), _summary_text(summary))


def _best_times_text(best: BestTimes) -> str:
    lines: list[str] = []
    if best.recommendations:
        lines.append(f"Best times (from {best.based_on_posts} of your posts):")
        for day in best.recommendations:
            lines.extend(f"  {day.day.capitalize()} {t.time}: {t.reason}" for t in day.times)
    if best.avoid:
        lines.append("Times that did worse:")
        for day in best.avoid:
            lines.extend(f"  {day.day.capitalize()} {t.time}: {t.reason}" for t in day.times)
    if best.message:
        lines.append(best.message)
    return "\n".join(lines)


async def _best_times(engine: Engine, args: argparse.Namespace) -> Outcome:
    return await best_times(engine, args.account, args.network, args.tz)


async def best_times(engine: Engine, account: str | None, network: str | None, tz: str | None) -> Outcome:
    """`stats best-times`, for the command line and the `best_times` tool alike."""
    best = await engine.stats.best_times(account, network, tz)
    return Outcome(best.model_dump(mode="json"), _best_times_text(best))


async def _export(engine: Engine, args: argparse.Namespace) -> Outcome:
    rows = await engine.stats.export(args.file, _day(args.start, "--from"), _day(args.end, "--to"))
    return Outcome({"path": args.file, "rows": rows}, f"Wrote {rows} reading(s) to {args.file}.")


HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("stats", "collect"): _collect,
    ("stats", "post"): _post,
    ("stats", "summary"): _summary,
    ("stats", "best-times"): _best_times,
    ("stats", "export"): _export,
}
