"""Turning sandbox mode on: start the simulated network and connect two sandbox accounts to it."""

from __future__ import annotations

from outpost.domain.accounts import SANDBOX_BLUESKY_HANDLE, is_sandbox
from outpost.domain.enums import Network
from outpost.domain.errors import InvalidStateError
from outpost.domain.models import Account
from outpost.engine import AddAccountRequest, Engine
from outpost.sandbox.server import APP_PASSWORD, TOKEN, SandboxServer

SANDBOX_LABEL = "Sandbox — nothing leaves this computer"


class Sandbox:
    """Sandbox mode for one engine: the simulated network, started when asked, stopped at the end.

    The composition root (`app.py`) makes one and hands it to the window, which only asks it to
    `start` (the welcome's "Try it without accounts") or `resume` (at start-up); the app calls
    `stop` after the engine closed. So the window never imports this package, and the server's
    life belongs to the same place as the engine's (docs/architecture.md).

    Attributes:
        server: the running simulated network, None while sandbox mode is off.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.server: SandboxServer | None = None

    async def start(self) -> list[Account]:
        """Start the network (unless it runs) and connect a Mastodon-like and a Bluesky-like account."""
        if self.server is None:
            self.server = SandboxServer()
            await self.server.start()
        url = self.server.url
        return [
            await self._engine.accounts.add(
                Network.MASTODON, AddAccountRequest(service_url=url, access_token=TOKEN)
            ),
            await self._engine.accounts.add(
                Network.BLUESKY,
                AddAccountRequest(handle=SANDBOX_BLUESKY_HANDLE, app_password=APP_PASSWORD, service_url=url),
            ),
        ]

    async def resume(self) -> bool:
        """If sandbox accounts exist, start the simulated network again on their port; True if so.

        Raises:
            InvalidStateError: the port is taken now (remove the sandbox accounts and start again).
        """
        accounts = [a for a in await self._engine.accounts.list() if is_sandbox(a)]
        if not accounts or self.server is not None:
            return bool(accounts)
        port = int((accounts[0].service_url or "").rsplit(":", 1)[1])
        server = SandboxServer(port=port)
        await server.start()
        if server.port != port:
            await server.stop()
            raise InvalidStateError(
                f"The sandbox network could not start on port {port} (another program uses it). Remove the "
                f"sandbox accounts in the Accounts tab and choose “Try it without accounts” again."
            )
        self.server = server
        return True

    async def stop(self) -> None:
        """Stop the simulated network if it runs (the accounts stay, for `resume` next time)."""
        if self.server is not None:
            await self.server.stop()
            self.server = None
