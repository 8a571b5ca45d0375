"""Turning sandbox mode on: start the simulated networks and connect one sandbox account to each."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from outpost.domain.accounts import is_sandbox
from outpost.domain.errors import InvalidStateError
from outpost.domain.models import Account
from outpost.engine import Engine
from outpost.sandbox.server import SandboxServer

log = logging.getLogger("outpost.sandbox")

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
        """Start the networks (unless they run) and connect a sandbox account to each supported one.

        Every network Outpost supports gets one, with that network's real rules (its adapter's),
        so a newcomer sees every preview. Their made-up credentials stay out of the keyring
        (`engine.accounts.add(…, sandbox=True)`): this works on a computer without one.
        Networks that already have a sandbox account are left as they are.

        Returns:
            The accounts connected now.
        """
        if self.server is None:
            self.server = SandboxServer()
            await self.server.start()
        present = {a.network for a in await self._engine.accounts.list() if is_sandbox(a)}
        added = []
        for network in self._engine.accounts.networks:
            simulation = self.server.simulations.get(network)
            if simulation is None:  # tests/unit/sandbox fails first: every network needs one
                log.warning("the sandbox does not simulate %s yet", network.label)
            elif network not in present:
                added.append(await self._engine.accounts.add(network, simulation.sign_in(), sandbox=True))
        return added

    async def resume(self) -> bool:
        """If sandbox accounts exist, start the simulated network again on their port; True if so.

        Raises:
            InvalidStateError: the port is taken now (remove the sandbox accounts and start again).
        """
        accounts = [a for a in await self._engine.accounts.list() if is_sandbox(a)]
        if not accounts or self.server is not None:
            return bool(accounts)
        # A simulation may live under a path of the server (`…:PORT/facebook`): read the port only.
        port = urlsplit(accounts[0].service_url or "").port or 0
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
