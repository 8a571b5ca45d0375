"""The engine's live connections: one adapter per network, one lock per account."""

from __future__ import annotations

import asyncio

import httpx

from outpost.adapters.base import (
    AccountContext,
    CheckpointStore,
    CredentialVault,
    HostedFile,
    MediaHost,
    NetworkAdapter,
    NoMediaHost,
    Progress,
)
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.models import Account, MediaAsset


class Connections:
    """Makes adapters on first use (one shared HTTP client, the engine's clock); hands out contexts."""

    def __init__(
        self,
        registry: AdapterRegistry,
        client: httpx.AsyncClient,
        vault: CredentialVault,
        clock: Clock,
        media_host: MediaHost | None = None,
        checkpoints: CheckpointStore | None = None,
    ) -> None:
        self.registry = registry
        self.checkpoints = checkpoints
        #: The creator's public bucket (Instagram, Threads); `NoMediaHost` until one is set.
        #: Replace it with `use_media_host`, so adapters made earlier see the new one too.
        self.media_host = _CurrentMediaHost(media_host or NoMediaHost())
        self.client = client
        self.vault = vault
        self.clock = clock
        self._adapters: dict[Network, NetworkAdapter] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def adapter(self, network: Network) -> NetworkAdapter:
        """The adapter for `network` (NetworkNotAvailableError if there is none)."""
        if network not in self._adapters:
            self._adapters[network] = self.registry.create(
                network, self.client, clock=self.clock, media_host=self.media_host
            )
        return self._adapters[network]

    def use_media_host(self, host: MediaHost) -> None:
        """Make `host` the media host every adapter uses from now on (set, changed or removed)."""
        self.media_host.current = host

    def context(self, account: Account) -> AccountContext:
        """What an adapter needs to act for `account`; the lock is shared by all its requests."""
        lock = self._locks.setdefault(account.id, asyncio.Lock())
        return AccountContext(account, self.vault, lock, self.checkpoints)

    async def aclose(self) -> None:
        """Close every adapter and the HTTP client."""
        for adapter in self._adapters.values():
            await adapter.aclose()
        self._adapters.clear()
        await self.client.aclose()


class _CurrentMediaHost:
    """The media host in force, behind one object adapters keep (so a change reaches them all)."""

    def __init__(self, host: MediaHost) -> None:
        self.current = host

    @property
    def configured(self) -> bool:
        """Whether the host in force is a real one."""
        return self.current.configured

    async def put(self, asset: MediaAsset, progress: Progress | None = None) -> HostedFile:
        """Upload through the host in force."""
        return await self.current.put(asset, progress)

    async def delete(self, hosted: HostedFile) -> None:
        """Delete through the host in force."""
        await self.current.delete(hosted)
