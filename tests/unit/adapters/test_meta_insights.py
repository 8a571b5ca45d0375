"""Reading Meta's insight answers, pages and "does not exist" errors (adapters/meta_insights.py)."""

from __future__ import annotations

import httpx

from outpost.adapters.meta_insights import (
    gone_aliases,
    insight_values,
    is_gone,
    lacks_permission,
    page_of,
    summary_count,
    too_few_viewers,
)


def _error(code: int, message: str, subcode: int | None = None) -> httpx.Response:
    error: dict[str, object] = {"code": code, "message": message, "type": "OAuthException"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return httpx.Response(400, json={"error": error})


def test_values_and_totals_are_read_and_anything_without_a_number_stays_out() -> None:
    payload = {
        "data": [
            {"name": "views", "period": "lifetime", "values": [{"value": 4523}]},
            {"name": "followers_count", "period": "day", "total_value": {"value": 87}},
            {"name": "likes", "period": "lifetime", "values": []},
            {"name": "saved", "values": [{"value": True}]},
            {"name": "reach", "values": [{"value": {"paid": 1, "organic": 2}}]},
            {"values": [{"value": 3}]},
        ]
    }
    assert insight_values(payload) == {"views": 4523, "followers_count": 87}
    assert insight_values({"data": []}) == {} and insight_values(None) == {}


def test_summaries_and_pages() -> None:
    node = {"reactions": {"data": [], "summary": {"total_count": 12}}, "comments": {"data": []}}
    assert (summary_count(node, "reactions"), summary_count(node, "comments")) == (12, None)
    more = {"data": [{"id": "1"}, "junk"], "paging": {"cursors": {"after": "QVFI"}, "next": "https://x"}}
    assert page_of(more) == ([{"id": "1"}], "QVFI")
    last = {"data": [{"id": "2"}], "paging": {"cursors": {"after": "QVFJ"}}}  # no `next`: the end
    assert page_of(last) == ([{"id": "2"}], None)


def test_gone_objects_missing_permissions_and_too_few_viewers_are_told_apart() -> None:
    gone = _error(100, "Unsupported get request. Object with ID '1' does not exist", subcode=33)
    aliases = _error(100, "(#100) Some of the aliases you requested do not exist: 2001_1,2001_2")
    permission = _error(10, "(#10) Application does not have permission for this action")
    viewers = _error(10, "(#10) Not enough viewers for the media to show insights")
    assert is_gone(gone) and not is_gone(permission) and not is_gone(httpx.Response(200, json={}))
    assert gone_aliases(aliases) == {"2001_1", "2001_2"} and gone_aliases(gone) == set()
    assert lacks_permission(permission) and lacks_permission(_error(200, "(#200) Requires x"))
    assert not lacks_permission(viewers) and too_few_viewers(viewers)
