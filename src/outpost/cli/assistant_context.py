"""What `outpost mcp` offers an assistant besides tools: resources to read and a prompt to start from.

Resources: the account list and the posting schedule (the slots `post_create`'s `next_slot` and
the composer's "Add to queue" fill). Prompt: "draft a post for my networks", which carries each
chosen network's own limits, counted the way that network counts them, so a draft fits before
it is checked.
"""

from __future__ import annotations

import json
from typing import Any

from outpost.cli import commands
from outpost.domain.capabilities import Capabilities
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account
from outpost.engine import Engine

ACCOUNTS_URI = "outpost://accounts"
SCHEDULE_URI = "outpost://schedule"

RESOURCES: dict[str, tuple[str, str]] = {
    ACCOUNTS_URI: ("accounts", "The creator's connected accounts and their health (as accounts_list)."),
    SCHEDULE_URI: ("posting-schedule", "The weekly posting slots and the next free one (as slots_list)."),
}

DRAFT_PROMPT = "draft_post"
DRAFT_PROMPT_DESCRIPTION = (
    "Draft a post for some of my networks, within each network's own limits (accounts: comma-separated "
    "ids or NETWORK:handle; topic: what the post is about)."
)


async def read_resource(engine: Engine, uri: str) -> Any:
    """The JSON of one resource."""
    if uri == ACCOUNTS_URI:
        return (await commands.list_accounts(engine)).document
    if uri == SCHEDULE_URI:
        return await schedule_document(engine)
    raise ValidationError.single(
        "uri", f"uri: Outpost has no resource {uri!r}; it has {', '.join(RESOURCES)}."
    )


async def schedule_document(engine: Engine) -> dict[str, Any]:
    """The posting schedule and its next free slot (None with the reason when there is none)."""
    settings = engine.settings
    document: dict[str, Any] = {"weekly": dict(settings.posting_schedule), "next_free": None, "message": None}
    try:
        at, zone = await engine.slots.next_free()
    except ValidationError as error:
        document["message"] = error.text()
    else:
        document["next_free"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        document["timezone"] = zone
    return document


async def draft_prompt(engine: Engine, arguments: dict[str, str]) -> str:
    """The prompt's text: the topic, then each chosen account's network and its limits."""
    refs = [r.strip() for r in arguments.get("accounts", "").split(",") if r.strip()]
    accounts = [await engine.accounts.get(r) for r in refs] if refs else await engine.accounts.list()
    if not accounts:
        raise ValidationError.single(
            "accounts", "accounts: there are no accounts yet; the creator adds them in Outpost first."
        )
    lines = [
        f"Draft a social media post about: {arguments.get('topic') or 'a topic the creator gives you'}.",
        "It goes to these accounts; keep within each network's limits below. Where one text cannot "
        "fit all, give the shorter networks their own text (post_create's text_for). Then save it "
        "with post_create as a draft and show the creator its warnings.",
        "",
    ]
    for account in accounts:
        lines.append(_limits_line(account, await engine.accounts.capabilities(account)))
    return "\n".join(lines)


def _limits_line(account: Account, caps: Capabilities) -> str:
    parts = [f"at most {caps.max_length:,} {caps.length_unit}"]
    media = caps.max_media
    parts.append(f"up to {media} media file(s)" if media else "text only, no media")
    if caps.max_alt_text:
        parts.append(f"alt text up to {caps.max_alt_text:,} characters")
    parts.append("threads as replies" if caps.supports_threads else "no threads")
    required = [f"{account.network.value}.{o.key}" for o in caps.options if o.required]
    if required:
        parts.append("required options: " + ", ".join(required))
    return f"- {account.network.label} ({account.ref}, id {account.id}): " + "; ".join(parts) + "."


def as_text(document: Any) -> str:
    """A resource's JSON as its text contents."""
    return json.dumps(document, ensure_ascii=False, indent=2)
