"""Mastodon end to end against a real Mastodon-API server (snac2) on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.auth.oauth import AuthorizationError
from outpost.domain.enums import ErrorCode, Network, PostStatus
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account
from outpost.engine import Engine, MediaInput, PostInput, When
from tests.e2e.servers import Snac
from tests.fakes import FakeClock, MemorySecretStore
from tests.media_fixtures import png_bytes

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]


@pytest_asyncio.fixture
async def engine(tmp_path: Path, secrets: MemorySecretStore) -> AsyncIterator[Engine]:
    # No keep-alive against snac: it may reset a reused connection (ENVIRONMENT.md §5b).
    no_keepalive = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    eng = Engine.open(tmp_path / "data", secrets=secrets, clock=FakeClock(), transport=no_keepalive)
    yield eng
    await eng.close()


async def connect(engine: Engine, snac: Snac, **sign_in: str) -> Account:
    async def browser(url: str) -> None:
        await asyncio.to_thread(snac.sign_in, url, **sign_in)

    return await engine.accounts.connect(Network.MASTODON, instance=snac.url, open_url=browser)


def statuses_of(snac: Snac, account_id: str, token: str) -> list[dict[str, object]]:
    with snac.client() as client:
        response = client.get(
            f"/api/v1/accounts/{account_id}/statuses", headers={"Authorization": f"Bearer {token}"}
        )
        response.raise_for_status()
        return list(response.json())


def status(snac: Snac, status_id: str, token: str) -> dict[str, object]:
    with snac.client() as client:
        response = client.get(f"/api/v1/statuses/{status_id}", headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        return dict(response.json())


async def test_sign_in_through_the_browser_then_post_an_image_with_alt_text(
    engine: Engine, snac: Snac, secrets: MemorySecretStore, tmp_path: Path
) -> None:
    account = await connect(engine, snac)
    assert account.handle == f"alice@127.0.0.1:{snac.port}" and account.service_url == snac.url
    assert set(secrets.secrets[account.secret_ref]) == {"access_token", "client_id", "client_secret"}
    image = tmp_path / "dot.png"
    image.write_bytes(png_bytes(12, 8))
    post = await engine.posts.create(
        PostInput(
            text="Hello from Outpost", accounts=(account.id,), media=(MediaInput(str(image), "A red dot"),)
        ),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    published = status(
        snac, post.targets[0].platform_post_id or "", secrets.secrets[account.secret_ref]["access_token"]
    )
    assert "Hello from Outpost" in str(published["content"])
    [attachment] = published["media_attachments"]  # type: ignore[misc]
    assert attachment["description"] == "A red dot"


async def test_thread_of_three_is_a_reply_chain_on_the_server(engine: Engine, snac: Snac) -> None:
    account = await connect(engine, snac)
    bearer = await token(engine, account)
    post = await engine.posts.create(
        PostInput(text="1/3 start", accounts=(account.id,), thread=("2/3 middle", "3/3 end")), When.now()
    )
    target = post.targets[0]
    ids = [target.platform_post_id, *target.thread_post_ids]
    chain = [status(snac, i or "", bearer) for i in ids]
    assert [s["in_reply_to_id"] for s in chain] == [None, ids[0], ids[1]]
    assert [
        "start" in str(chain[0]["content"]),
        "middle" in str(chain[1]["content"]),
        "end" in str(chain[2]["content"]),
    ] == [True] * 3


async def test_over_the_instance_limit_is_refused_before_anything_is_sent(engine: Engine, snac: Snac) -> None:
    account = await connect(engine, snac)  # snac announces max_characters = 100000
    with pytest.raises(ValidationError) as caught:
        await engine.posts.create(PostInput(text="a" * 100_001, accounts=(account.id,)), When.now())
    assert caught.value.problems[0].limit == 100_000
    with snac.client() as client:
        me = client.get(
            "/api/v1/accounts/verify_credentials",
            headers={"Authorization": f"Bearer {await token(engine, account)}"},
        ).json()
    assert statuses_of(snac, me["id"], await token(engine, account)) == []


async def token(engine: Engine, account: Account) -> str:
    return engine._core.secrets.store.get(account.secret_ref)["access_token"]  # type: ignore[index]


async def test_server_down_fails_clearly_and_the_post_is_kept_for_retry(engine: Engine, snac: Snac) -> None:
    account = await connect(engine, snac)
    snac.stop()
    post = await engine.posts.create(PostInput(text="while down", accounts=(account.id,)), When.now())
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None
    assert error.code is ErrorCode.NETWORK_UNAVAILABLE and "cannot connect to 127.0.0.1" in error.message
    assert [p.id for p in await engine.posts.list([PostStatus.FAILED])] == [post.id]
    snac.start()
    retried = await engine.posts.retry(post.id)
    assert retried.status is PostStatus.PUBLISHED
    assert "while down" in str(
        status(snac, retried.targets[0].platform_post_id or "", await token(engine, account))["content"]
    )


async def test_a_sign_in_answer_with_a_forged_state_is_refused(engine: Engine, snac: Snac) -> None:
    with pytest.raises(AuthorizationError, match="state mismatch"):
        await connect(engine, snac, state="forged")
    assert await engine.accounts.list() == []
