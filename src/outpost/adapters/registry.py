"""Which networks Outpost can talk to, and how to make their adapters."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx

from outpost.adapters.base import NetworkAdapter
from outpost.domain.enums import Network
from outpost.domain.errors import NetworkNotAvailableError

AdapterFactory = Callable[[httpx.AsyncClient], NetworkAdapter]


class AdapterRegistry:
    """Network → adapter factory; adapters are made once per engine and share its HTTP client."""

    def __init__(self, factories: Mapping[Network, AdapterFactory]) -> None:
        self._factories = dict(factories)

    @property
    def networks(self) -> list[Network]:
        """The networks with an adapter, in INTERFACE.md order."""
        return [n for n in Network if n in self._factories]

    def supports(self, network: Network) -> bool:
        """Whether Outpost can talk to `network`."""
        return network in self._factories

    def create(self, network: Network, client: httpx.AsyncClient) -> NetworkAdapter:
        """A new adapter for `network`.

        Raises:
            NetworkNotAvailableError: Outpost has no adapter for it yet.
        """
        try:
            factory = self._factories[network]
        except KeyError:
            raise NetworkNotAvailableError(network) from None
        return factory(client)


def default_registry() -> AdapterRegistry:
    """The adapters shipped with this version (the real networks arrive one issue at a time)."""
    from outpost.adapters.bluesky import BlueskyAdapter
    from outpost.adapters.linkedin import LinkedInAdapter
    from outpost.adapters.mastodon import MastodonAdapter
    from outpost.adapters.x import XAdapter

    return AdapterRegistry(
        {
            Network.MASTODON: MastodonAdapter,
            Network.BLUESKY: BlueskyAdapter,
            Network.X: XAdapter,
            Network.LINKEDIN: LinkedInAdapter,
        }
    )
