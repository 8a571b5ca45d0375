"""How an account is named in the window: one place, so chips, rows, cards and tooltips agree.

The command line names accounts by `network:handle` (`Account.ref`); the window speaks to people,
so it names them as the networks do: the account's display name, with its @handle beside it, and
"You (sandbox)" for the simulated accounts, whose handles carry a loopback address (issue #17:
the queue showed `mastodon:you@127.0.0.1:34927` while the chips said "Sandbox Mastodon · you").
Where a network's logo is drawn beside the name, the network need not be spelled out; where it
is not, `account_label` says it.
"""

from __future__ import annotations

from outpost.domain.accounts import is_sandbox
from outpost.domain.enums import Network
from outpost.domain.models import Account

__all__ = ["SANDBOX_NAME", "account_handle", "account_label", "account_name", "account_tooltip"]

#: What a sandbox account is called (its handle is a loopback address nobody should read).
SANDBOX_NAME = "You (sandbox)"

# Networks whose people write a handle with "@" (LinkedIn's is a slug nobody types).
_AT_HANDLES = {
    Network.MASTODON,
    Network.BLUESKY,
    Network.X,
    Network.THREADS,
    Network.INSTAGRAM,
    Network.TIKTOK,
}


def account_name(account: Account) -> str:
    """The name people know the account by: its display name, else its handle."""
    if is_sandbox(account):
        return SANDBOX_NAME
    return account.display_name.strip() or account.handle


def account_handle(account: Account) -> str:
    """The handle as the network shows it (`@alice@mastodon.social`, `@alice.bsky.social`).

    Empty for sandbox accounts: their handle is a loopback address, not something to read.
    """
    if is_sandbox(account):
        return ""
    return f"@{account.handle}" if account.network in _AT_HANDLES else account.handle


def account_label(account: Account) -> str:
    """The name with its network, for text without a logo beside it ("Mastodon · Studio Dyes")."""
    if is_sandbox(account):
        return f"Sandbox {account.network.label} · you"
    return f"{account.network.label} · {account_name(account)}"


def account_tooltip(account: Account) -> str:
    """Everything that tells two accounts apart: network, name, handle (and the sandbox's note)."""
    if is_sandbox(account):
        return f"{account.network.label} · {SANDBOX_NAME} — a simulated account: nothing leaves this computer"
    handle = account_handle(account)
    name = account_name(account)
    if not handle:
        shown = name
    elif handle.lstrip("@") == name:
        shown = handle  # no display name: the handle says it all
    else:
        shown = f"{name} ({handle})"
    return f"{account.network.label} · {shown}"
