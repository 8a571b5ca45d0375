"""Reading what Meta's Graph APIs say after publishing: insight values, pages, gone objects.

Threads (graph.threads.net), Instagram (graph.instagram.com) and Facebook (graph.facebook.com)
answer insights, lists and missing objects in one dialect, so the three adapters share these
readers (each keeps its own requests and error sentences):

- Insights come as `{"data": [{"name": "likes", "period": "lifetime", "values": [{"value": 3}]}]}`
  (media insights: developers.facebook.com/documentation/threads/insights,
  …/instagram-platform/reference/instagram-media/insights) or, for user-level metrics such as
  Threads' `followers_count`, with `"total_value": {"value": 3}` instead of `values`. A metric
  missing from `data` is one the network did not report: the reading keeps it None, never 0
  (Instagram: "If insights data you are requesting does not exist or is currently unavailable,
  the API returns an empty data set instead of 0").
- Lists are cursor-paged: `{"data": [...], "paging": {"cursors": {"after": "…"}, "next": "…"}}`;
  there is no `next` on the last page (Graph API "Paginated Results").
- An object that is gone (deleted) answers code 100 with subcode 33, "Unsupported get request.
  Object with ID '…' does not exist, cannot be loaded due to missing permissions, or does not
  support this operation" (Graph API error-handling guide); a multi-id read (`?ids=a,b`) with a
  gone id answers "(#100) Some of the aliases you requested do not exist: a".
"""

from __future__ import annotations

import re
from typing import Any

import httpx

#: Graph's subcode for "Object with ID '…' does not exist".
GONE_SUBCODE = 33
_ALIASES = re.compile(r"aliases you requested do not exist:\s*(.+)$", re.IGNORECASE)


def insight_values(payload: object) -> dict[str, int]:
    """The metrics an insights answer (or an `insights` field expansion) gives, by name.

    A metric with no number (an empty `values`, a breakdown object) is left out, so it reads None.
    """
    data = payload.get("data") if isinstance(payload, dict) else None
    found: dict[str, int] = {}
    for entry in data if isinstance(data, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        total = entry.get("total_value")
        values = entry.get("values")
        value: object = None
        if isinstance(total, dict):
            value = total.get("value")
        elif isinstance(values, list) and values and isinstance(values[-1], dict):
            value = values[-1].get("value")  # the latest period's value
        if isinstance(value, int) and not isinstance(value, bool):
            found[entry["name"]] = value
    return found


def summary_count(node: dict[str, Any], edge: str) -> int | None:
    """`reactions.summary(total_count)` and the like: the edge's `summary.total_count`, if given."""
    value = node.get(edge)
    summary = value.get("summary") if isinstance(value, dict) else None
    count = summary.get("total_count") if isinstance(summary, dict) else None
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def page_of(payload: object) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a list: its items and the cursor of the next page (None on the last one)."""
    if not isinstance(payload, dict):
        return [], None
    data = payload.get("data")
    items = [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []
    paging = payload.get("paging")
    if not isinstance(paging, dict) or not paging.get("next"):
        return items, None
    cursors = paging.get("cursors")
    after = cursors.get("after") if isinstance(cursors, dict) else None
    return items, after if isinstance(after, str) and after else None


def _error_of(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def is_gone(response: httpx.Response) -> bool:
    """The answer says the object does not exist (deleted, or never was)."""
    if response.is_success:
        return False
    error = _error_of(response)
    message = str(error.get("message") or "")
    return error.get("code") == 100 and (
        error.get("error_subcode") == GONE_SUBCODE or "does not exist" in message
    )


def gone_aliases(response: httpx.Response) -> set[str]:
    """The ids a multi-id read (`?ids=`) named as not existing; empty for any other answer."""
    if response.is_success:
        return set()
    found = _ALIASES.search(str(_error_of(response).get("message") or ""))
    if found is None:
        return set()
    return {part.strip() for part in found.group(1).split(",") if part.strip()}


def lacks_permission(response: httpx.Response) -> bool:
    """A refusal for a permission the sign-in or the app lacks (Graph codes 10 and 200–299).

    Instagram also answers code 10 for "(#10) Not enough viewers for the media to show insights",
    which is not about permissions: see `too_few_viewers`.
    """
    if response.is_success or too_few_viewers(response):
        return False
    code = _error_of(response).get("code")
    return isinstance(code, int) and (code == 10 or 200 <= code <= 299)


def too_few_viewers(response: httpx.Response) -> bool:
    """Instagram's "(#10) Not enough viewers for the media to show insights" (no numbers yet)."""
    return "not enough viewers" in str(_error_of(response).get("message") or "").lower()


__all__ = [
    "GONE_SUBCODE",
    "gone_aliases",
    "insight_values",
    "is_gone",
    "lacks_permission",
    "page_of",
    "summary_count",
    "too_few_viewers",
]
