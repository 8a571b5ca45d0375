"""What a person gives to add an account, and the plain facts about accounts every layer shares.

These live in the domain (not in `adapters/base.py`) so the window and the command line can build
an `AddAccountRequest` without importing an adapter: they hand it to `engine.accounts`, and only
the engine passes it on to a network (docs/architecture.md, the import contracts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the hint: this module stays light for the start-up path (auth/providers)
    from outpost.domain.models import Account

Credentials = dict[str, str]

#: The loopback port of the OAuth redirect (`http://127.0.0.1:PORT/callback`) unless the person
#: registered another with their developer app.
DEFAULT_REDIRECT_PORT = 8765

#: The Bluesky-like sandbox account's handle (the sandbox's Mastodon-like one is `you@127.0.0.1:PORT`).
SANDBOX_BLUESKY_HANDLE = "you.sandbox.local"
#: The X-like sandbox account's username (letters, digits and _ only, as on X).
SANDBOX_X_HANDLE = "you_sandbox"
#: The LinkedIn-like sandbox account's handle (LinkedIn handles are made from the member's name).
SANDBOX_LINKEDIN_HANDLE = "you-sandbox"
#: The Instagram-like sandbox account's username (letters, digits, . and _ only, as on Instagram).
SANDBOX_INSTAGRAM_HANDLE = "you.sandbox"
#: The Facebook-like sandbox Page's username (Page usernames: letters, digits and periods).
SANDBOX_FACEBOOK_HANDLE = "you.sandbox.page"
#: The TikTok-like sandbox account's username (letters, digits, _ and . as on TikTok).
SANDBOX_TIKTOK_HANDLE = "you.sandbox"
#: The Pinterest-like sandbox account's username.
SANDBOX_PINTEREST_HANDLE = "you_sandbox_pins"
#: The YouTube-like sandbox channel's handle (YouTube handles start with @).
SANDBOX_YOUTUBE_HANDLE = "@you-sandbox"
_SANDBOX_HANDLES = frozenset(
    {
        SANDBOX_BLUESKY_HANDLE,
        SANDBOX_X_HANDLE,
        SANDBOX_LINKEDIN_HANDLE,
        SANDBOX_INSTAGRAM_HANDLE,
        SANDBOX_FACEBOOK_HANDLE,
        SANDBOX_TIKTOK_HANDLE,
        SANDBOX_PINTEREST_HANDLE,
        SANDBOX_YOUTUBE_HANDLE,
    }
)


@dataclass(frozen=True)
class AccountTarget:
    """One thing an account can publish to (`outpost accounts targets`): a Page, a board.

    Attributes:
        id: what `--target` takes (a Facebook Page id, a LinkedIn organization URN, a board id).
        name: the name people know it by.
        kind: `profile`, `page`, `organization`, `channel`, `board` or `section`.
    """

    id: str
    name: str
    kind: str

    def as_dict(self) -> dict[str, str]:
        """The contract's JSON shape: {id, name, kind}."""
        return {"id": self.id, "name": self.name, "kind": self.kind}


@dataclass(frozen=True)
class DeveloperApp:
    """The person's own developer app at a network (kept in the keyring as `devapp/<network>`).

    Attributes:
        redirect_port: the port of the loopback redirect registered with the app
            (`http://127.0.0.1:PORT/callback`); X and LinkedIn match it exactly.
        pkce: the network enabled PKCE for this app where it is optional (LinkedIn does so on
            request for native apps); networks that always use PKCE ignore it.
        redirect_url: the https address registered with the app, for networks that refuse
            loopback redirects (Threads, Instagram, Facebook): the browser ends there and the
            person pastes that address back into Outpost ("" where the loopback port is used).
    """

    client_id: str
    client_secret: str = field(default="", repr=False)
    redirect_port: int = DEFAULT_REDIRECT_PORT
    pkce: bool = False
    redirect_url: str = ""

    @classmethod
    def from_secret(cls, stored: Credentials) -> DeveloperApp:
        """Read what `engine.accounts.set_app` stored."""
        port = stored.get("redirect_port", "")
        return cls(
            stored["client_id"],
            stored.get("client_secret", ""),
            int(port) if port.isdigit() else DEFAULT_REDIRECT_PORT,
            stored.get("pkce") == "1",
            stored.get("redirect_url", ""),
        )


@dataclass(frozen=True)
class AddAccountRequest:
    """What a person gave to add an account (`outpost accounts add …`). Holds secrets: never log it."""

    service_url: str | None = None
    handle: str | None = None
    app_password: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None
    target_id: str | None = None
    #: The person's developer app for networks that need one (lets a refresh token be used).
    app: DeveloperApp | None = None


def is_sandbox(account: Account) -> bool:
    """Whether an account lives on the local simulated network (sandbox mode), not a real one."""
    return bool(account.service_url and account.service_url.startswith("http://127.0.0.1:")) and (
        account.handle.startswith("you@127.0.0.1:") or account.handle in _SANDBOX_HANDLES
    )
