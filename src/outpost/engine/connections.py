"""The engine's live connections: one adapter per network, one lock per account."""

from __future__ import annotations

import asyncio

import httpx

from outpost.adapters.base import AccountContext, CredentialVault, NetworkAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.models import Account


class Connections:
    """Makes adapters on first use (one shared HTTP client, the engine's clock); hands out contexts."""

    def __init__(
        self, registry: AdapterRegistry, client: httpx.AsyncClient, vault: CredentialVault, clock: Clock
    ) -> None:
        self.registry = registry
        self.client = client
        self.vault = vault
        self.clock = clock
        self._adapters: dict[Network, NetworkAdapter] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def adapter(self, network: Network) -> NetworkAdapter:
        """The adapter for `network` (NetworkNotAvailableError if there is none)."""
        if network not in self._adapters:
            self._adapters[network] = self.registry.create(network, self.client, clock=self.clock)
        return self._adapters[network]

    def context(self, account: Account) -> AccountContext:
        """What an adapter needs to act for `account`; the lock is shared by all its requests."""
        lock = self._locks.setdefault(account.id, asyncio.Lock())
        return AccountContext(account, self.vault, lock)

    async def aclose(self) -> None:
        """Close every adapter and the HTTP client."""
        for adapter in self._adapters.values():
            await adapter.aclose()
        self._adapters.clear()
        await self.client.aclose()
