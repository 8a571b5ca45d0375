"""Turning sandbox mode on: start the simulated network and connect two sandbox accounts to it."""

from __future__ import annotations

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.domain.errors import InvalidStateError
from outpost.domain.models import Account
from outpost.engine import Engine
from outpost.sandbox.server import APP_PASSWORD, BLUESKY_HANDLE, TOKEN, SandboxServer

SANDBOX_LABEL = "Sandbox — nothing leaves this computer"


def is_sandbox(account: Account) -> bool:
    """Whether an account lives on the local simulated network."""
    return bool(account.service_url and account.service_url.startswith("http://127.0.0.1:")) and (
        account.handle.startswith("you@127.0.0.1:") or account.handle == BLUESKY_HANDLE
    )


async def resume_sandbox(engine: Engine, server: SandboxServer) -> bool:
    """If sandbox accounts exist, start the simulated network again on their port; True if so.

    Raises:
        InvalidStateError: the port is taken now (remove the sandbox accounts and start again).
    """
    accounts = [a for a in await engine.accounts.list() if is_sandbox(a)]
    if not accounts:
        return False
    port = int((accounts[0].service_url or "").rsplit(":", 1)[1])
    server.port = port
    await server.start()
    if server.port != port:
        await server.stop()
        raise InvalidStateError(
            f"The sandbox network could not start on port {port} (another program uses it). Remove the "
            f"sandbox accounts in the Accounts tab and choose “Try it without accounts” again."
        )
    return True


async def start_sandbox(engine: Engine, server: SandboxServer) -> list[Account]:
    """Start `server` and connect a Mastodon-like and a Bluesky-like sandbox account to it."""
    await server.start()
    accounts = [
        await engine.accounts.add(
            Network.MASTODON, AddAccountRequest(service_url=server.url, access_token=TOKEN)
        ),
        await engine.accounts.add(
            Network.BLUESKY,
            AddAccountRequest(handle=BLUESKY_HANDLE, app_password=APP_PASSWORD, service_url=server.url),
        ),
    ]
    return accounts
