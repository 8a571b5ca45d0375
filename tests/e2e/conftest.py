"""Fixtures that run the real servers: a fresh snac2 per test (it starts in well under a second)
and one Bluesky PDS per session (it takes a few seconds), with a fresh account per test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.servers import Pds, Snac

_names = itertools.count(1)


@pytest.fixture
def snac(tmp_path: Path) -> Iterator[Snac]:
    server = Snac(tmp_path / "snac").create()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pds]:
    server = Pds(tmp_path_factory.mktemp("pds")).start()
    yield server
    server.stop()


@pytest.fixture
def bsky_account(pds: Pds, request: pytest.FixtureRequest) -> tuple[str, str]:
    """(handle, app password) of a new account on the PDS."""
    return pds.create_account(f"user{next(_names)}x{abs(hash(request.node.name)) % 10_000}")
