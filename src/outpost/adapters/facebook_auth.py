"""Signing in to Facebook with the creator's own Meta app, and finding the Page tokens a sign-in gives.

The chain (meta-linkedin-tiktok-youtube.md §3.1; Meta's "Manually Build a Login Flow" and
"Long-Lived Access Tokens" guides):

1. Facebook Login in the browser, back to `http://localhost:PORT/callback`. Meta allows
   `http://localhost` redirects **while the app is in development mode** ("http://localhost
   redirects are automatically allowed while in development mode only and do not need to be added
   here", the notice on Facebook Login → Settings). A creator's own app stays in development mode:
   people with a role on the app (the creator) can use every permission there without App Review.
   So Outpost listens on 127.0.0.1 and names the address `localhost`, which Facebook accepts.
2. The code → a short-lived user token (`GET /oauth/access_token`, with the app secret).
3. → a long-lived user token (`grant_type=fb_exchange_token`, about 60 days).
4. → the Page's own token from `GET /me/accounts` (`access_token` of the Page). A Page token got
   from a long-lived user token has no expiry ("does not expire unless you change your password,
   lose the Page role or remove the app", §3.1): Outpost publishes with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from outpost.adapters.base import DeveloperApp
from outpost.adapters.facebook_graph import Graph
from outpost.adapters.http import read, read_id, text_or_none
from outpost.auth.oauth import LoopbackRedirect, OpenUrl, new_state
from outpost.auth.providers import OAuthProvider, authorize_url
from outpost.domain.enums import Network
from outpost.domain.errors import ValidationError

#: What Outpost needs to publish to a Page and read its posts back (Page feed reference: a Page
#: token with the CREATE_CONTENT task, pages_manage_posts, pages_read_engagement, pages_show_list).
REQUIRED_PERMISSIONS = ("pages_manage_posts", "pages_read_engagement", "pages_show_list")
#: The Page role tasks that allow creating posts (`tasks` of `/me/accounts`).
POSTING_TASK = "CREATE_CONTENT"


@dataclass(frozen=True)
class Page:
    """A Page the signed-in person manages, as `/me/accounts` lists it."""

    id: str
    name: str
    token: str = field(repr=False)
    tasks: frozenset[str] = frozenset()
    username: str | None = None
    picture: str | None = None

    @property
    def can_post(self) -> bool:
        """Whether the person's role on the Page lets them create posts."""
        return not self.tasks or POSTING_TASK in self.tasks


def localhost(uri: str) -> str:
    """The loopback redirect as Facebook accepts it: `localhost`, not `127.0.0.1`."""
    return uri.replace("://127.0.0.1:", "://localhost:", 1)


async def browser_sign_in(graph: Graph, provider: OAuthProvider, app: DeveloperApp, open_url: OpenUrl) -> str:
    """Facebook Login in the browser; returns a short-lived user token."""
    state = new_state()
    async with LoopbackRedirect(app.redirect_port) as redirect:
        redirect_uri = localhost(redirect.uri)
        await open_url(authorize_url(provider, app.client_id, redirect_uri, state, None))
        code = await redirect.code(state)
        answer = await graph.call(
            "GET",
            "/oauth/access_token",
            None,
            params={
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "redirect_uri": redirect_uri,
                "code": code,
            },
        )
    return str(read(answer, Network.FACEBOOK, "access_token", kind=str, secret=True))


async def long_lived(
    graph: Graph, app: DeveloperApp, user_token: str, *, base: str | None = None
) -> tuple[str, datetime | None]:
    """A long-lived user token for `user_token` (about 60 days), and when it ends if Facebook said."""
    asked_at = graph.clock.now()
    answer = await graph.call(
        "GET",
        "/oauth/access_token",
        None,
        base=base,
        params={
            "grant_type": "fb_exchange_token",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "fb_exchange_token": user_token,
        },
    )
    token = str(read(answer, Network.FACEBOOK, "access_token", kind=str, secret=True))
    seconds = read(answer, Network.FACEBOOK, kind=dict).get("expires_in")
    ends = asked_at + timedelta(seconds=seconds) if isinstance(seconds, int) and seconds > 0 else None
    return token, ends


async def managed_pages(graph: Graph, user_token: str, *, base: str | None = None) -> list[Page]:
    """Every Page the user manages, with its own token and the user's tasks on it."""
    pages: list[Page] = []
    params: dict[str, str] | None = {"fields": "id,name,username,access_token,tasks,picture", "limit": "100"}
    path = "/me/accounts"
    while params is not None:
        answer = await graph.call("GET", path, user_token, base=base, params=params)
        for item in read(answer, Network.FACEBOOK, "data", kind=list, secret=True):
            if not isinstance(item, dict) or not isinstance(item.get("access_token"), str):
                continue
            picture = ((item.get("picture") or {}).get("data") or {}).get("url")
            listed = item.get("tasks")
            tasks: list[object] = listed if isinstance(listed, list) else []
            pages.append(
                Page(
                    id=str(item.get("id")),
                    name=text_or_none(item.get("name")) or str(item.get("id")),
                    token=item["access_token"],
                    tasks=frozenset(str(t) for t in tasks),
                    username=text_or_none(item.get("username")),
                    picture=text_or_none(picture),
                )
            )
        paging = read(answer, Network.FACEBOOK, kind=dict, secret=True).get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        has_next = bool(paging.get("next"))
        params = {**params, "after": str(after)} if has_next and after else None
    return pages


async def granted_permissions(graph: Graph, user_token: str, *, base: str | None = None) -> set[str]:
    """The permissions the person granted the app (`GET /me/permissions`, status `granted`)."""
    answer = await graph.call("GET", "/me/permissions", user_token, base=base)
    return {
        str(item.get("permission"))
        for item in read(answer, Network.FACEBOOK, "data", kind=list)
        if isinstance(item, dict) and item.get("status") == "granted"
    }


def choose_page(pages: list[Page], target_id: str | None, *, who: str, missing: tuple[str, ...]) -> Page:
    """The Page `--target` names (or the only one), refused with the Pages there are if it is not one."""
    listed = "; ".join(f"{p.id} ({p.name})" for p in pages) or "none"
    hint = (
        f" The sign-in lacks {', '.join(missing)}: reconnect and allow it, or Facebook lists no Pages."
        if "pages_show_list" in missing
        else ""
    )
    if target_id is None:
        if len(pages) == 1:
            return pages[0]
        raise ValidationError.single(
            "--target",
            f"--target: {who} manages {len(pages)} Facebook Pages; choose one with --target PAGE_ID "
            f"(`outpost accounts targets` lists them later). Pages: {listed}.{hint}",
            network=Network.FACEBOOK.value,
        )
    page = next((p for p in pages if p.id == target_id or p.username == target_id), None)
    if page is None:
        raise ValidationError.single(
            "--target",
            f"--target: {who} does not manage the Facebook Page {target_id} (or the sign-in was not "
            f"allowed to see it). Pages this sign-in reaches: {listed}.{hint}",
            network=Network.FACEBOOK.value,
        )
    if not page.can_post:
        raise ValidationError.single(
            "--target",
            f"--target: {who}'s role on {page.name} cannot create posts (tasks: "
            f"{', '.join(sorted(page.tasks))}); ask a Page admin for a role with "
            f"“Create content” (Facebook's {POSTING_TASK} task).",
            network=Network.FACEBOOK.value,
        )
    return page


async def me(graph: Graph, token: str, *, base: str | None = None) -> tuple[str, str, str]:
    """(id, name, type) of whoever `token` speaks for: a person ("user") or a Page ("page").

    `metadata=1` makes Graph say which kind of node `/me` is (a Page token's `/me` is the Page).
    """
    answer = await graph.call("GET", "/me", token, base=base, params={"fields": "id,name", "metadata": "1"})
    body = read(answer, Network.FACEBOOK, kind=dict)
    kind = str((body.get("metadata") or {}).get("type") or "user")
    return read_id(answer, Network.FACEBOOK, "id"), str(body.get("name") or ""), kind
