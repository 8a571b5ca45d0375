"""What every simulated network is made of: requests, answers, shared state, the base class.

Each network's simulation subclasses `Simulation` (sandbox/networks.py has the first four; a
network added later brings its own module, `sandbox/sim_<network>.py`, and one line in
`SIMULATIONS`).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar

from outpost.domain.accounts import AddAccountRequest
from outpost.domain.enums import Network


@dataclass(frozen=True)
class Request:
    """One HTTP request as the sandbox received it (header names in lower case)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON ({} when empty)."""
        return json.loads(self.body or b"{}")

    def bearer(self) -> str:
        """The token of `Authorization: Bearer …` ("" without one)."""
        return self.headers.get("authorization", "").removeprefix("Bearer ")


@dataclass(frozen=True)
class Answer:
    """What the sandbox answers: a status, a JSON payload, and any headers a network adds."""

    status: int
    payload: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> bytes:
        """The payload as JSON bytes (empty for None)."""
        return b"" if self.payload is None else json.dumps(self.payload).encode()


@dataclass
class Received:
    """What the sandbox network got: one post."""

    network: str
    text: str
    reply_to: str | None
    media: int


@dataclass
class Shared:
    """What all simulations share: the server's address, the posts received, fresh ids."""

    url: str = ""
    posts: list[Received] = field(default_factory=list)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def new_id(self) -> str:
        """A new id, unique across the simulated networks."""
        return str(next(self.ids))


class Simulation:
    """One simulated network: which paths it answers, how to answer, how to sign in to it."""

    network: ClassVar[Network]
    prefixes: ClassVar[tuple[str, ...]]

    def __init__(self, shared: Shared) -> None:
        self.shared = shared

    def handles(self, path: str) -> bool:
        """Whether `path` belongs to this network's API."""
        return path.startswith(self.prefixes)

    def answer(self, request: Request) -> Answer:  # pragma: no cover - every subclass answers
        """The network's answer to `request`."""
        raise NotImplementedError

    def sign_in(self) -> AddAccountRequest:  # pragma: no cover - every subclass signs in
        """What connects the sandbox account (made-up credentials for this simulation only)."""
        raise NotImplementedError
