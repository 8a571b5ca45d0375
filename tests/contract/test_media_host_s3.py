"""The S3-compatible media host against a real S3 server on loopback (moto behind a strict front).

What a network sees is what these tests check: a plain GET of the URL handed to it returns the
file's bytes until the URL expires, and afterwards nothing is left in the bucket.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.s3_host import OUTPOST_KEY, S3MediaHost
from outpost.domain.media_host import MediaHostCause, MediaHostError
from outpost.domain.models import MediaAsset
from tests import media_fixtures
from tests.fakes import FakeClock
from tests.support.loopback import LoopbackTransport
from tests.support.s3 import S3Server

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as http:
        yield http


@pytest.fixture
def now_clock(s3: S3Server) -> Iterator[FakeClock]:
    """The engine's clock at the real time, shared with the server's front (as the world shares one)."""
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    with s3.clock(clock.now):
        yield clock


def _asset(path: Path, mime: str = "image/jpeg") -> MediaAsset:
    return MediaAsset(id="med_1", path=str(path), mime_type=mime, size=path.stat().st_size)


async def test_a_file_put_is_fetched_by_its_url_and_deleting_it_leaves_the_bucket_empty(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock, tmp_path: Path
) -> None:
    bucket = s3.new_bucket()
    host = s3.host(client, now_clock, bucket)
    photo = media_fixtures.image(tmp_path / "Holiday Photo.JPG", 900, 600)
    seen: list[tuple[int, int]] = []

    hosted = await host.put(_asset(photo), progress=lambda sent, total: seen.append((sent, total)))

    size = photo.stat().st_size
    assert seen[-1] == (size, size) and all(total == size for _, total in seen)
    assert OUTPOST_KEY.fullmatch(hosted.key) and hosted.key.endswith(".jpg")
    assert hosted.expires_at == now_clock.now() + timedelta(hours=1)
    assert s3.keys(bucket) == [hosted.key]
    fetched = await client.get(hosted.url)  # as a network does: no credentials, only the URL
    assert fetched.status_code == 200, fetched.text
    assert fetched.content == photo.read_bytes()
    assert fetched.headers["content-type"] == "image/jpeg"
    assert "X-Amz-Expires=3600" in hosted.url and s3.outpost.secret not in hosted.url

    await host.delete(hosted)
    assert s3.keys(bucket) == []
    await host.delete(hosted)  # already gone: fine
    assert (await client.get(hosted.url)).status_code == 404


async def test_keys_are_random_and_unguessable(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock, tmp_path: Path
) -> None:
    bucket = s3.new_bucket()
    host = s3.host(client, now_clock, bucket)
    photo = media_fixtures.image(tmp_path / "a.png", 50, 50)
    first, second = [await host.put(_asset(photo, "image/png")) for _ in range(2)]
    assert first.key != second.key and "a.png" not in first.key
    assert len(first.key.removeprefix("outpost/").removesuffix(".png")) == 32  # 192 random bits
    for hosted in (first, second):
        await host.delete(hosted)
    assert s3.keys(bucket) == []


async def test_an_expired_url_is_refused(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock, tmp_path: Path
) -> None:
    bucket = s3.new_bucket()
    photo = media_fixtures.image(tmp_path / "p.jpg", 40, 40)
    host = s3.host(client, now_clock, bucket)
    hosted = await host.put(_asset(photo))
    assert (await client.get(hosted.url)).status_code == 200

    now_clock.advance(timedelta(hours=1, seconds=1))  # the world's time passes the URL's expiry
    refused = await client.get(hosted.url)
    assert refused.status_code == 403 and "<Code>AccessDenied</Code>" in refused.text
    assert "Request has expired" in refused.text
    # Signed an hour and a minute ago (the signer's clock moved back), refused at once.
    past = FakeClock(now_clock.now() - timedelta(hours=1, minutes=1))
    old = await S3MediaHost(host.client, host.settings, lambda: _secret(s3), clock=past)._hosted(hosted.key)
    assert (await client.get(old.url)).status_code == 403
    await host.delete(hosted)
    assert s3.keys(bucket) == []


async def _secret(s3: S3Server) -> str:
    return s3.outpost.secret


async def test_a_tampered_url_is_refused(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock, tmp_path: Path
) -> None:
    bucket = s3.new_bucket()
    host = s3.host(client, now_clock, bucket)
    hosted = await host.put(_asset(media_fixtures.image(tmp_path / "p.jpg", 40, 40)))
    longer = hosted.url.replace("X-Amz-Expires=3600", "X-Amz-Expires=7200")
    answer = await client.get(longer)
    assert answer.status_code == 403 and "SignatureDoesNotMatch" in answer.text
    await host.delete(hosted)


async def test_the_sweep_deletes_only_outposts_objects_older_than_a_day(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock, tmp_path: Path
) -> None:
    bucket = s3.new_bucket()
    host = s3.host(client, now_clock, bucket)
    photo = media_fixtures.image(tmp_path / "p.jpg", 40, 40)
    left = [await host.put(_asset(photo)) for _ in range(3)]
    mine = ["outpost/my-notes.txt", "elsewhere/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.jpg", "outposts/x.jpg"]
    for key in mine:
        s3.put(bucket, key)

    assert await host.sweep() == []  # all younger than a day
    now_clock.advance(timedelta(hours=23))
    assert await host.sweep() == []
    now_clock.advance(timedelta(hours=1, minutes=1))
    with s3.clock(lambda: now_clock.now()):
        swept = await host.sweep()
    assert sorted(swept) == sorted(h.key for h in left)
    assert s3.keys(bucket) == sorted(mine)


async def test_the_sweep_reads_every_page_of_a_long_listing(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock
) -> None:
    bucket = s3.new_bucket()
    host = s3.host(client, now_clock, bucket)
    host.page_size = 2  # as S3's 1000 a page, with fewer objects to make
    keys = [f"outpost/{'A' * 31}{n}.jpg" for n in range(5)]
    for key in keys:
        s3.put(bucket, key)
    now_clock.advance(timedelta(days=1, minutes=1))
    assert sorted(await host.sweep()) == keys
    assert s3.keys(bucket) == []


async def test_virtual_host_addressing_puts_the_bucket_in_the_host_name(
    s3: S3Server, now_clock: FakeClock, tmp_path: Path
) -> None:
    bucket = s3.new_bucket()
    port = int(s3.url.rpartition(":")[2])
    # Names under .test resolve nowhere: the transport sends them to the server, keeping the Host.
    async with httpx.AsyncClient(transport=LoopbackTransport(port)) as client:
        host = s3.host(client, now_clock, bucket, path_style=False, endpoint="http://s3.test")
        hosted = await host.put(_asset(media_fixtures.image(tmp_path / "p.jpg", 40, 40)))
        assert hosted.url.startswith(f"http://{bucket}.s3.test/outpost/")
        assert (await client.get(hosted.url)).status_code == 200
        await host.delete(hosted)
    assert s3.keys(bucket) == []


async def test_a_public_base_url_is_handed_out_instead_of_a_presigned_one(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock, tmp_path: Path
) -> None:
    bucket = s3.new_bucket()
    host = s3.host(client, now_clock, bucket, public_base_url="https://media.example.org/")
    hosted = await host.put(_asset(media_fixtures.image(tmp_path / "p.jpg", 40, 40)))
    assert hosted.url == f"https://media.example.org/{hosted.key}"
    await host.delete(hosted)
    assert s3.keys(bucket) == []


# -- what goes wrong, in plain words --------------------------------------------------------------


async def _refusal(host: S3MediaHost, tmp_path: Path) -> MediaHostError:
    with pytest.raises(MediaHostError) as caught:
        await host.put(_asset(media_fixtures.image(tmp_path / "p.jpg", 40, 40)))
    return caught.value


async def test_a_wrong_secret_says_so(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock, tmp_path: Path
) -> None:
    bucket = s3.new_bucket()
    error = await _refusal(s3.host(client, now_clock, bucket, secret="not-the-secret"), tmp_path)
    assert error.cause is MediaHostCause.WRONG_SECRET and error.service_code == "SignatureDoesNotMatch"
    assert "secret access key does not belong" in str(error) and not error.retryable
    assert "not-the-secret" not in str(error)
    assert s3.keys(bucket) == []


async def test_an_unknown_key_says_so(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock, tmp_path: Path
) -> None:
    bucket = s3.new_bucket()
    error = await _refusal(s3.host(client, now_clock, bucket, access_key_id="AKIANOSUCHKEY"), tmp_path)
    assert error.cause is MediaHostCause.WRONG_KEY and "AKIANOSUCHKEY" in str(error)


async def test_a_missing_bucket_says_so(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock, tmp_path: Path
) -> None:
    host = s3.host(
        client,
        now_clock,
        "outpost-test-missing",
        access_key_id=s3.admin.access_key_id,
        secret=s3.admin.secret,
    )
    error = await _refusal(host, tmp_path)
    assert error.cause is MediaHostCause.NO_BUCKET and "no bucket named outpost-test-missing" in str(error)


async def test_a_wrong_region_says_which_is_right(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock, tmp_path: Path
) -> None:
    bucket = s3.new_bucket(region="eu-west-1")
    error = await _refusal(s3.host(client, now_clock, bucket), tmp_path)
    assert error.cause is MediaHostCause.WRONG_REGION and "eu-west-1, not us-east-1" in str(error)
    error_free = s3.host(client, now_clock, bucket, region="eu-west-1")
    hosted = await error_free.put(_asset(media_fixtures.image(tmp_path / "q.jpg", 40, 40)))
    assert (await client.get(hosted.url)).status_code == 200
    await error_free.delete(hosted)


async def test_a_clock_that_is_off_says_so(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock, tmp_path: Path
) -> None:
    bucket = s3.new_bucket()
    wrong = FakeClock(now_clock.now() - timedelta(minutes=20))
    error = await _refusal(s3.host(client, wrong, bucket), tmp_path)
    assert error.cause is MediaHostCause.CLOCK_SKEW and "clock" in str(error)


async def test_a_key_without_rights_on_the_bucket_says_which_permissions_it_needs(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock, tmp_path: Path
) -> None:
    host = s3.host(client, now_clock, s3.new_bucket())
    with pytest.raises(MediaHostError) as caught:  # outside outpost/: the least-privilege policy refuses
        await host._delete_key("elsewhere/file.jpg")
    assert caught.value.cause is MediaHostCause.ACCESS_DENIED and "s3:PutObject" in str(caught.value)


async def test_an_endpoint_that_cannot_be_reached_says_so(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock, tmp_path: Path
) -> None:
    host = s3.host(client, now_clock, "outpost-test-x", endpoint="http://127.0.0.1:9")  # discard port: closed
    error = await _refusal(host, tmp_path)
    assert error.cause is MediaHostCause.UNREACHABLE and error.retryable and "127.0.0.1:9" in str(error)


async def test_the_check_uploads_fetches_and_deletes(
    s3: S3Server, client: httpx.AsyncClient, now_clock: FakeClock
) -> None:
    bucket = s3.new_bucket()
    fetched_before = len(s3.fetched)
    result = await s3.host(client, now_clock, bucket).check()
    assert result.as_json()["ok"] is True and result.bucket == bucket
    assert len(s3.fetched) == fetched_before + 1  # really fetched through the presigned URL
    assert s3.keys(bucket) == []
