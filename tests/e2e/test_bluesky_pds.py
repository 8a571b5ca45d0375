"""Bluesky end to end against a real PDS (with its own PLC directory) on loopback."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from PIL import Image

from outpost.adapters.base import AddAccountRequest, PartRequest
from outpost.adapters.bluesky import BlueskyAdapter
from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account
from outpost.engine import Engine, MediaInput, PostInput, When
from tests.e2e.servers import Pds
from tests.fakes import FakeClock, MemorySecretStore

pytestmark = [pytest.mark.asyncio, pytest.mark.slow]


@pytest_asyncio.fixture
async def engine(tmp_path: Path, secrets: MemorySecretStore) -> AsyncIterator[Engine]:
    eng = Engine.open(tmp_path / "data", secrets=secrets, clock=FakeClock())
    yield eng
    await eng.close()


@pytest_asyncio.fixture
async def account(engine: Engine, pds: Pds, bsky_account: tuple[str, str]) -> Account:
    handle, app_password = bsky_account
    return await engine.accounts.add(
        Network.BLUESKY, AddAccountRequest(handle=handle, app_password=app_password, service_url=pds.url)
    )


def record(pds: Pds, uri: str) -> dict[str, object]:
    _, _, did, collection, rkey = uri.split("/")
    return pds.get("com.atproto.repo.getRecord", repo=did, collection=collection, rkey=rkey)


def post_count(pds: Pds, did: str) -> int:
    return len(pds.get("com.atproto.repo.listRecords", repo=did, collection="app.bsky.feed.post")["records"])  # type: ignore[arg-type]


async def test_app_password_sign_in_keeps_the_session_in_the_keyring(
    account: Account, secrets: MemorySecretStore, bsky_account: tuple[str, str], pds: Pds
) -> None:
    assert account.handle == bsky_account[0] and account.service_url == pds.url
    stored = secrets.secrets[account.secret_ref]
    assert {"did", "access_jwt", "refresh_jwt", "pds"} <= set(stored) and stored["did"].startswith("did:plc:")


async def test_wrong_app_password_is_refused_with_the_servers_reason(
    engine: Engine, pds: Pds, bsky_account: tuple[str, str]
) -> None:
    with pytest.raises(ValidationError, match="Invalid identifier or password"):
        await engine.accounts.add(
            Network.BLUESKY,
            AddAccountRequest(
                handle=bsky_account[0], app_password="aaaa-bbbb-cccc-dddd", service_url=pds.url
            ),
        )


async def test_image_with_alt_text_is_fitted_under_the_blob_limit(
    engine: Engine, account: Account, pds: Pds, tmp_path: Path
) -> None:
    big = tmp_path / "noise.jpg"
    Image.effect_noise((1600, 1200), 90).convert("RGB").save(big, quality=98)
    assert big.stat().st_size > 1_000_000
    post = await engine.posts.create(
        PostInput(
            text="A noisy picture", accounts=(account.id,), media=(MediaInput(str(big), "Grey noise"),)
        ),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    value = record(pds, post.targets[0].platform_post_id or "")["value"]
    [image] = value["embed"]["images"]  # type: ignore[index]
    assert image["alt"] == "Grey noise" and image["image"]["size"] <= 1_000_000
    assert image["aspectRatio"]["width"] * 3 == image["aspectRatio"]["height"] * 4
    blob = httpx.get(
        f"{pds.url}/xrpc/com.atproto.sync.getBlob",
        params={
            "did": post.targets[0].platform_post_id.split("/")[2],  # type: ignore[union-attr]
            "cid": image["image"]["ref"]["$link"],
        },
    )
    assert blob.status_code == 200 and blob.content[:3] == b"\xff\xd8\xff"


async def test_thread_of_three_has_root_and_parent_references(
    engine: Engine, account: Account, pds: Pds
) -> None:
    post = await engine.posts.create(
        PostInput(text="one", accounts=(account.id,), thread=("two", "three")), When.now()
    )
    target = post.targets[0]
    first, second, third = (record(pds, u) for u in [target.platform_post_id, *target.thread_post_ids])  # type: ignore[list-item]
    root = {"uri": first["uri"], "cid": first["cid"]}
    assert "reply" not in first["value"]  # type: ignore[operator]
    assert second["value"]["reply"] == {"root": root, "parent": root}  # type: ignore[index]
    assert third["value"]["reply"] == {"root": root, "parent": {"uri": second["uri"], "cid": second["cid"]}}  # type: ignore[index]


async def test_over_300_graphemes_is_refused_before_sending(
    engine: Engine, account: Account, pds: Pds, secrets: MemorySecretStore
) -> None:
    with pytest.raises(ValidationError) as caught:
        await engine.posts.create(PostInput(text="é" * 301, accounts=(account.id,)), When.now())
    assert (caught.value.problems[0].limit, caught.value.problems[0].actual) == (300, 301)
    assert post_count(pds, secrets.secrets[account.secret_ref]["did"]) == 0


async def test_links_mentions_and_tags_become_facets_at_byte_offsets(
    engine: Engine, account: Account, pds: Pds, bsky_account: tuple[str, str]
) -> None:
    friend, _ = pds.create_account("palofalice")
    friend_did = pds.get("com.atproto.identity.resolveHandle", handle=friend)["did"]
    text = f"Grüße @{friend} → https://example.com/a/very/long/path/that/keeps/going #release"
    post = await engine.posts.create(
        PostInput(text=text, accounts=(account.id,), options=(("bluesky", "link_card", "false"),)), When.now()
    )
    value = record(pds, post.targets[0].platform_post_id or "")["value"]
    shown = value["text"].encode()  # type: ignore[index]
    facets = {f["features"][0]["$type"].rsplit("#", 1)[1]: f for f in value["facets"]}  # type: ignore[index]
    cut = lambda f: shown[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode()  # noqa: E731
    assert cut(facets["mention"]) == f"@{friend}" and facets["mention"]["features"][0]["did"] == friend_did
    assert cut(facets["link"]) == "example.com/a/very/long/path/…"
    assert facets["link"]["features"][0]["uri"] == "https://example.com/a/very/long/path/that/keeps/going"
    assert cut(facets["tag"]) == "#release" and facets["tag"]["features"][0]["tag"] == "release"


async def test_expired_access_token_is_refreshed_and_the_new_session_kept(
    engine: Engine, account: Account, pds: Pds, secrets: MemorySecretStore
) -> None:
    before = dict(secrets.secrets[account.secret_ref])
    expired = pds.expired(before["access_jwt"])
    secrets.secrets[account.secret_ref] = {**before, "access_jwt": expired}
    post = await engine.posts.create(PostInput(text="after a long nap", accounts=(account.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    after = secrets.secrets[account.secret_ref]
    assert after["refresh_jwt"] != before["refresh_jwt"] and after["access_jwt"] != expired
    [checked] = await engine.accounts.check(account.id)
    assert checked.health.state.value == "ok"


async def test_resending_the_same_part_never_makes_a_second_post(
    account: Account, pds: Pds, secrets: MemorySecretStore
) -> None:
    import asyncio

    from outpost.adapters.base import AccountContext
    from outpost.auth.secrets import SecretVault

    async with httpx.AsyncClient() as client:
        adapter = BlueskyAdapter(client, clock=FakeClock())
        ctx = AccountContext(account, SecretVault(secrets), asyncio.Lock())
        part = PartRequest(
            index=0,
            text="exactly once",
            media=(),
            options={},
            idempotency_key="0006424f8b2c1d00aabbccddeeff0011-0",
        )
        first = await adapter.publish(ctx, part)
        again = await adapter.publish(ctx, part)  # e.g. the answer to the first was lost
    assert again.platform_post_id == first.platform_post_id
    assert post_count(pds, secrets.secrets[account.secret_ref]["did"]) == 1


@pytest.fixture
def page() -> Iterator[str]:
    """A web page with OpenGraph tags and an image, served on loopback."""
    picture = Image.new("RGB", (120, 63), (20, 120, 200))
    import io

    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    png = buffer.getvalue()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/card.png":
                body, kind = png, "image/png"
            else:
                body = (
                    b"<html><head><title>Fallback</title><meta property='og:title' content='Launch day'>"
                    b"<meta property='og:description' content='All about it.'>"
                    b"<meta property='og:image' content='/card.png'></head><body>hi</body></html>"
                )
                kind = "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/launch"
    server.shutdown()
    server.server_close()


async def test_a_link_without_images_gets_a_card_from_the_pages_opengraph(
    engine: Engine, account: Account, pds: Pds, page: str
) -> None:
    post = await engine.posts.create(PostInput(text=f"Read this {page}", accounts=(account.id,)), When.now())
    external = record(pds, post.targets[0].platform_post_id or "")["value"]["embed"]["external"]  # type: ignore[index]
    assert (external["uri"], external["title"], external["description"]) == (
        page,
        "Launch day",
        "All about it.",
    )
    assert external["thumb"]["mimeType"] == "image/png"
