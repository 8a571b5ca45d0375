"""Test harness: headless Qt, strict logs, fakes wired into a real engine over real SQLite files.

Qt runs offscreen (set before any Qt import). Tests that use `qapp`/`qtbot` get the `gui` marker
automatically. Any ERROR log from Outpost fails the test: those are logged bugs (a failed publish
is a WARNING, an exception caught by a safety net is an ERROR) — learned from qutebrowser's
`tests/helpers/logfail.py`.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import pytest_asyncio
from hypothesis import settings

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.domain.models import Account
from outpost.engine import Engine
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.support.s3 import s3  # noqa: F401 - the session's S3-compatible server, for any test that asks

# CI explores the same inputs on every run, so a landing never hinges on a lucky draw; on a
# developer's machine each run explores new ones (and the example database replays failures).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if {"qapp", "qtbot"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


class _FailOnErrors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def fail_on_error_logs(request: pytest.FixtureRequest) -> object:
    handler = _FailOnErrors()
    logger = logging.getLogger("outpost")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    if handler.records and not request.node.get_closest_marker("allow_error_logs"):
        messages = "\n".join(r.getMessage() for r in handler.records)
        pytest.fail(f"Outpost logged errors (bugs):\n{messages}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[object]:
    """After a GUI test, delete its Qt objects on the Qt thread (`tests.gui.helpers.release_qt_objects`).

    Only once the whole test is over, when pytest has let go of its fixture values too (after
    pytest-qt closed the registered widgets). Other tests never load Qt for this.
    """
    try:
        return (yield)
    finally:
        if item.get_closest_marker("gui") is not None:
            from tests.gui.helpers import release_qt_objects

            release_qt_objects()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_error_logs: the test provokes a logged bug on purpose")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def secrets() -> MemorySecretStore:
    return MemorySecretStore()


@pytest.fixture
def remote() -> FakeNetwork:
    return FakeNetwork()


EngineFactory = Callable[..., Engine]


@pytest.fixture
def make_engine(
    data_dir: Path, clock: FakeClock, secrets: MemorySecretStore, remote: FakeNetwork
) -> EngineFactory:
    """Open an engine over `data_dir` (again, to simulate a restart) with the fakes."""

    def make(*remotes: FakeNetwork) -> Engine:
        return Engine.open(
            data_dir, registry=fake_registry(*(remotes or (remote,))), secrets=secrets, clock=clock
        )

    return make


@pytest_asyncio.fixture
async def engine(make_engine: EngineFactory) -> AsyncIterator[Engine]:
    eng = make_engine()
    yield eng
    await eng.close()


@pytest_asyncio.fixture
async def alice(engine: Engine) -> Account:
    return await engine.accounts.add(
        Network.MASTODON, AddAccountRequest(service_url="https://fake.example", access_token="good-token")
    )


async def until(condition: Callable[[], bool | Awaitable[bool]], timeout: float = 5.0) -> None:
    """Wait (really) until `condition` holds; fail the test after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while True:
            value = condition()
            if not isinstance(value, bool):
                value = await value
            if value:
                return
            await asyncio.sleep(0.005)
