"""Security properties a person relies on without seeing them: secrets never in logs, logs that
do not grow without end, a media cache no input can write outside of, and huge texts refused
with a reason instead of hanging or crashing.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outpost.adapters import bluesky_text, linkedin_text, x_text
from outpost.adapters.base import AddAccountRequest
from outpost.adapters.mastodon import count_length
from outpost.domain.enums import Network
from outpost.domain.errors import ValidationError
from outpost.engine import Engine, PostInput
from outpost.log import redact, setup_logging
from outpost.media.cache import MediaCache
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry

# Token-like strings; the prefix keeps a secret from being a word of the text around it.
SECRETS = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", min_size=12, max_size=60
).map(lambda text: "zq9" + text)


@pytest.fixture
def restore_logging() -> object:
    """`setup_logging` configures the process's "outpost" logger; put it back afterwards."""
    logger = logging.getLogger("outpost")
    handlers, level, propagate = list(logger.handlers), logger.level, logger.propagate
    yield
    for handler in list(logger.handlers):
        if handler not in handlers:
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(level)
    logger.propagate = propagate


@given(secret=SECRETS)
def test_every_shape_of_secret_is_redacted(secret: str) -> None:
    shapes = [
        f"Authorization: Bearer {secret}",
        f"authorization: DPoP {secret}",
        f'{{"access_token": "{secret}", "scope": "x"}}',
        f"refresh_token={secret}&grant_type=refresh_token",
        f"'refresh_jwt': '{secret}'",
        f"client_secret={secret}",
        f'{{"app_password": "{secret}"}}',
        f"password: {secret}",
    ]
    for shape in shapes:
        assert secret not in redact(shape), shape


@pytest.mark.usefixtures("restore_logging")
def test_the_log_file_never_holds_a_token_even_from_an_exception(tmp_path: Path) -> None:
    path = setup_logging(tmp_path / "logs")
    log = logging.getLogger("outpost.test")
    token = "tok_ABCDEF1234567890secret"
    try:
        raise RuntimeError(f"request failed: {{'access_token': '{token}'}} Authorization: Bearer {token}")
    except RuntimeError:
        log.warning("publishing failed", exc_info=True)
    log.warning("sent form refresh_token=%s&client_secret=%s", token, token)
    for handler in logging.getLogger("outpost").handlers:
        handler.flush()
    written = path.read_text()
    assert "publishing failed" in written and "[redacted]" in written and token not in written


@pytest.mark.usefixtures("restore_logging")
def test_logs_rotate_and_stay_bounded(tmp_path: Path) -> None:
    path = setup_logging(tmp_path / "logs")
    log = logging.getLogger("outpost.test")
    line = "x" * 1000
    for _ in range(16_000):  # ~16 MB of log lines
        log.info(line)
    files = sorted((tmp_path / "logs").glob("outpost.log*"))
    assert path in files and len(files) == 6  # the current file and 5 rotated ones
    assert all(f.stat().st_size <= 2_100_000 for f in files)


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/etc/passwd", "a" * 64 + "/../x", "ABCDEF0123456789", "", "0" * 65]
)
def test_no_name_can_put_a_cache_file_outside_the_cache(tmp_path: Path, name: str) -> None:
    cache = MediaCache(tmp_path / "cache")
    with pytest.raises(ValueError):
        cache.derived_path(name, "0123456789abcdef", "image/png")
    with pytest.raises(ValueError):
        cache.derived_path("0123456789abcdef", name, "image/png")
    with pytest.raises(ValueError):
        cache.thumb_path(name)
    with pytest.raises(ValueError, match="outside the media cache"):
        cache.write(tmp_path / "elsewhere.png", b"data")
    assert not (tmp_path / "elsewhere.png").exists()


HUGE = "word " * 200_000  # one megabyte


@pytest.mark.parametrize(
    "count",
    [x_text.weighted_length, bluesky_text.display_length, linkedin_text.count_length, count_length],
    ids=["x", "bluesky", "linkedin", "mastodon"],
)
def test_counters_handle_a_megabyte(count: object) -> None:
    assert callable(count)
    assert count(HUGE) >= 1_000_000 * 0.9


@pytest.mark.asyncio
async def test_a_megabyte_post_is_refused_with_the_limit_and_nothing_is_stored(tmp_path: Path) -> None:
    engine = Engine.open(
        tmp_path / "d", registry=fake_registry(FakeNetwork()), secrets=MemorySecretStore(), clock=FakeClock()
    )
    try:
        account = await engine.accounts.add(Network.MASTODON, AddAccountRequest(access_token="good-token"))
        with pytest.raises(ValidationError) as caught:
            await engine.posts.create(PostInput(text=HUGE, accounts=(account.id,)))
        problem = caught.value.problems[0]
        assert problem.limit is not None and problem.actual is not None and problem.actual > problem.limit
        assert await engine.posts.list() == []
    finally:
        await engine.close()
