"""Is this machine on a network at all? Decides whether a failed connection is an outage or offline.

A request that cannot connect is either the network's server being down (count it against the
retry horizon) or this machine having no network (a laptop on a train: wait for connectivity,
burn no tries). The probe asks the operating system for a route to the internet: a UDP socket's
`connect` picks a route and sends nothing, so it costs no traffic and works without DNS.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Protocol

#: Well-known anycast resolvers; only the routing table is consulted, no packet is sent.
_PROBES: tuple[tuple[int, str], ...] = (
    (socket.AF_INET, "1.1.1.1"),
    (socket.AF_INET6, "2606:4700:4700::1111"),
)


class Connectivity(Protocol):
    """Tells whether the machine can reach the internet at all."""

    async def online(self) -> bool:
        """True when the machine has a route to the internet."""


class RouteProbe:
    """`Connectivity` from the routing table: online when a default route exists (IPv4 or IPv6)."""

    async def online(self) -> bool:
        """Ask the OS for a route, off the event loop (a socket call may block briefly)."""
        return await asyncio.to_thread(_has_route)


def _has_route() -> bool:
    for family, address in _PROBES:
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as probe:
                probe.connect((address, 53))
                return True
        except OSError:
            continue
    return False
