"""The media library (issue #24): every attached file kept once, reusable, and fetched by URL safely."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from outpost.domain.errors import InvalidStateError, ValidationError
from outpost.domain.models import Account
from outpost.engine import Engine, MediaInput, PostInput
from outpost.engine.url_fetch import download
from tests import media_fixtures
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio


def loopback_only(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A test's download policy: its own loopback server counts as "public", nothing else private."""
    return address.is_loopback or address.is_global


class Web:
    """A tiny web server: a photo, a page, a big file and redirects."""

    def __init__(self, photo: bytes) -> None:
        self.photo = photo

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/photo.png":
            return httpx.Response(200, content=self.photo, headers={"content-type": "image/png"})
        if path == "/page.html":
            return httpx.Response(
                200, content=b"<html>not a picture</html>", headers={"content-type": "text/html"}
            )
        if path == "/big.bin":
            return httpx.Response(200, content=b"\0" * 300_000)
        if path == "/to-inside":
            return httpx.Response(302, headers={"location": "http://10.1.2.3/photo.png"})
        if path == "/to-photo":
            return httpx.Response(302, headers={"location": "/photo.png"})
        return httpx.Response(404)


@pytest.fixture
def web(tmp_path: Path) -> Iterator[str]:
    photo = media_fixtures.image(tmp_path / "web.png", 640, 480).read_bytes()
    with LoopbackServer(Web(photo).handle, scheme="http") as server:
        yield f"http://127.0.0.1:{server.port}"


async def test_an_attached_file_is_in_the_library_once_and_outlives_its_original(
    engine: Engine, alice: Account, tmp_path: Path
) -> None:
    original = media_fixtures.image(tmp_path / "beach.jpg", 1200, 800)
    first = await engine.posts.create(
        PostInput(text="Beach", accounts=(alice.id,), media=(MediaInput(str(original), "Waves at dusk"),))
    )
    renamed = original.rename(tmp_path / "beach-copy.jpg")
    second = await engine.posts.create(
        PostInput(text="Again", accounts=(alice.id,), media=(MediaInput(str(renamed)),))
    )

    [item] = await engine.library.list()
    assert item.name == "beach.jpg" and item.alt_text == "Waves at dusk"
    assert set(item.used_by) == {first.id, second.id}
    kept = Path(item.path)
    assert kept.parent == engine.data_dir / "library" and kept.exists()
    assert kept.stat().st_mode & 0o077 == 0  # private, like everything in the data folder

    renamed.unlink()  # the creator tidies their downloads folder
    third = await engine.posts.create(
        PostInput(text="Reused", accounts=(alice.id,), media=(MediaInput(item.path, item.alt_text),))
    )
    assert third.media[0].sha256 == item.sha256
    assert [i.sha256 for i in await engine.library.list()] == [item.sha256]


async def test_search_by_name_alt_text_and_tag(engine: Engine, alice: Account, tmp_path: Path) -> None:
    cat = media_fixtures.image(tmp_path / "cat.png", 300, 300)
    dog = media_fixtures.image(tmp_path / "dog.png", 320, 300)
    await engine.posts.create(
        PostInput(text="x", accounts=(alice.id,), media=(MediaInput(str(cat), "A ginger cat asleep"),))
    )
    await engine.posts.create(
        PostInput(text="y", accounts=(alice.id,), media=(MediaInput(str(dog), "Puppy"),))
    )
    [dog_item] = await engine.library.list("dog")
    await engine.library.tag(dog_item.sha256, ["pets", " pets ", "summer"])

    assert [i.name for i in await engine.library.list("ginger asleep")] == ["cat.png"]
    assert [i.name for i in await engine.library.list(tag="Summer")] == ["dog.png"]
    assert (await engine.library.get(dog_item.sha256)).tags == ("pets", "summer")
    assert await engine.library.list("horse") == []


async def test_a_file_a_post_still_needs_cannot_be_deleted(
    engine: Engine, alice: Account, tmp_path: Path
) -> None:
    photo = media_fixtures.image(tmp_path / "p.png", 200, 200)
    post = await engine.posts.create(
        PostInput(text="x", accounts=(alice.id,), media=(MediaInput(str(photo)),))
    )
    [item] = await engine.library.list()

    with pytest.raises(InvalidStateError, match="remove it from that post first"):
        await engine.library.forget(item.sha256)
    await engine.posts.delete(post.id)
    await engine.library.forget(item.sha256)

    assert await engine.library.list() == []
    assert not Path(item.path).exists()
    assert photo.exists()  # the creator's own file is never touched


async def test_a_file_from_the_web_is_checked_and_kept(engine: Engine, web: str) -> None:
    engine.library.allowed = loopback_only
    item = await engine.library.add_url(f"{web}/to-photo", alt_text="From the web")

    assert (item.width, item.height, item.mime_type) == (640, 480, "image/png")
    assert item.source_url == f"{web}/to-photo" and item.name == "photo.png"
    assert Path(item.path).parent == engine.data_dir / "library"
    assert list((engine.data_dir / "library" / ".incoming").iterdir()) == []  # nothing half-left


async def test_private_addresses_are_never_fetched(engine: Engine, web: str) -> None:
    with pytest.raises(ValidationError, match=r"127\.0\.0\.1, an address inside a private network"):
        await engine.library.add_url(f"{web}/photo.png")  # the default policy: public internet only
    engine.library.allowed = loopback_only
    with pytest.raises(ValidationError, match=r"10\.1\.2\.3, an address inside a private network"):
        await engine.library.add_url(f"{web}/to-inside")  # a redirect is checked too
    with pytest.raises(ValidationError, match="not an http"):
        await engine.library.add_url("file:///etc/passwd")
    assert await engine.library.list() == []


async def test_what_is_not_media_or_too_big_is_refused_and_left_nowhere(
    engine: Engine, web: str, tmp_path: Path
) -> None:
    engine.library.allowed = loopback_only
    with pytest.raises(ValidationError) as refused:
        await engine.library.add_url(f"{web}/page.html", field="URL")
    assert refused.value.problems[0].field == "URL"
    async with httpx.AsyncClient() as client:
        with pytest.raises(ValidationError, match="larger than 0 MB"):
            await download(
                f"{web}/big.bin", tmp_path / "in", client=client, allowed=loopback_only, max_bytes=100_000
            )
    assert not (tmp_path / "in").exists() or list((tmp_path / "in").iterdir()) == []
    assert list((engine.data_dir / "library" / ".incoming").iterdir()) == []
