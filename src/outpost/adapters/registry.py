"""Which networks Outpost can talk to, and how to make their adapters.

A network's adapter module is imported the first time an adapter for it is made, not when the
registry is built: a command pays only for the networks it uses (`outpost post list` for none),
so each network added does not slow every start. `networks` and `supports` never import.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from outpost.domain.enums import Network
from outpost.domain.errors import NetworkNotAvailableError

if TYPE_CHECKING:
    import httpx

    from outpost.adapters.base import NetworkAdapter

#: Makes a network's adapter from the engine's shared HTTP client (and keywords such as a clock).
AdapterFactory = Callable[..., "NetworkAdapter"]

#: The adapters shipped with this version, as "module:attribute" paths imported on first use.
SHIPPED: dict[Network, str] = {
    Network.MASTODON: "outpost.adapters.mastodon:MastodonAdapter",
    Network.BLUESKY: "outpost.adapters.bluesky:BlueskyAdapter",
    Network.X: "outpost.adapters.x:XAdapter",
    Network.LINKEDIN: "outpost.adapters.linkedin:LinkedInAdapter",
    Network.INSTAGRAM: "outpost.adapters.instagram:InstagramAdapter",
    Network.FACEBOOK: "outpost.adapters.facebook:FacebookAdapter",
    Network.TIKTOK: "outpost.adapters.tiktok:TikTokAdapter",
    Network.PINTEREST: "outpost.adapters.pinterest:PinterestAdapter",
    Network.THREADS: "outpost.adapters.threads:ThreadsAdapter",
    Network.YOUTUBE: "outpost.adapters.youtube:YouTubeAdapter",
}


class AdapterRegistry:
    """Network → adapter factory; adapters are made once per engine and share its HTTP client.

    A factory is either a callable or a `"module:attribute"` path to one, imported the first
    time that network's adapter is made (then kept).
    """

    def __init__(self, factories: Mapping[Network, AdapterFactory | str]) -> None:
        self._factories: dict[Network, AdapterFactory | str] = dict(factories)

    @property
    def networks(self) -> list[Network]:
        """The networks with an adapter, in INTERFACE.md order (imports nothing)."""
        return [n for n in Network if n in self._factories]

    def supports(self, network: Network) -> bool:
        """Whether Outpost can talk to `network` (imports nothing)."""
        return network in self._factories

    def factory(self, network: Network) -> AdapterFactory:
        """What makes `network`'s adapter, importing its module if this is the first use.

        Raises:
            NetworkNotAvailableError: Outpost has no adapter for it yet.
        """
        try:
            found = self._factories[network]
        except KeyError:
            raise NetworkNotAvailableError(network) from None
        if isinstance(found, str):
            found = self._factories[network] = _load(found)
        return found

    def create(self, network: Network, client: httpx.AsyncClient, **kw: Any) -> NetworkAdapter:
        """A new adapter for `network`; keywords go to its factory unchanged.

        Raises:
            NetworkNotAvailableError: Outpost has no adapter for it yet.
        """
        return self.factory(network)(client, **kw)


def _load(path: str) -> AdapterFactory:
    """The object a `"module:attribute"` path names."""
    module_name, _, attribute = path.partition(":")
    factory: AdapterFactory = getattr(importlib.import_module(module_name), attribute)
    return factory


def default_registry() -> AdapterRegistry:
    """The adapters shipped with this version (each network's module is imported on first use)."""
    return AdapterRegistry(SHIPPED)
