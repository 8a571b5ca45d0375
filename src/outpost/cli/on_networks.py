"""`post delete --on-networks` and `post edit --on-networks [--repost]`: a published post on its networks.

JSON: the post (as `post show`), plus `results`: one `{account_id, network, outcome, message,
permalink}` per account, `outcome` one of deleted | edited | reposted | unavailable | failed |
skipped. Exit 1 when any network failed (running the command again retries only those).
"""

from __future__ import annotations

import argparse

from outpost.cli.outcome import Outcome
from outpost.cli.render import post_json
from outpost.cli.requests import PostEditRequest
from outpost.domain.errors import ValidationError
from outpost.engine import Engine, NetworkWork

_MARKS = {"deleted": "✓", "edited": "✓", "reposted": "✓", "unavailable": "!", "failed": "✗", "skipped": "-"}


async def delete(engine: Engine, args: argparse.Namespace) -> Outcome:
    """Delete the post from every network that allows it; the local post stays, marked deleted."""
    work = await engine.networks.delete_everywhere(args.post)
    return _outcome(work, "Deleted on the networks")


async def edit(engine: Engine, request: PostEditRequest, *, repost: bool) -> Outcome:
    """Edit a published post in place where the network allows it, else (with --repost) post it anew."""
    if request.accounts is not None or request.options is not None:
        raise ValidationError.single(
            "--on-networks",
            "--on-networks: a published post keeps its accounts and settings; change its text, thread "
            "or media (--text, --text-for, --thread, --media, --alt).",
        )
    if request.at or request.now or request.draft or request.tz:
        raise ValidationError.single(
            "--on-networks",
            "--on-networks: a published post is out already; leave out --at, --tz, --now, --draft.",
        )
    work = await engine.networks.edit_published(request.post, request.changes(), repost=repost)
    return _outcome(work, "Edited on the networks")


def _outcome(work: NetworkWork, title: str) -> Outcome:
    document = post_json(work.post) | {"results": [r.as_json() for r in work.results]}
    lines = [f"{title}: {work.post.id}"]
    for result in work.results:
        link = f" {result.permalink}" if result.permalink and result.outcome != "deleted" else ""
        lines.append(f"  {_MARKS[result.outcome]} {result.network} {result.outcome}: {result.message}{link}")
    if work.failed:
        lines.append("Run the same command again to retry the networks that failed.")
    return Outcome(document, "\n".join(lines), exit_code=1 if work.failed else 0)
