"""The creator's public media host: an S3-compatible bucket (AWS S3, Cloudflare R2, Backblaze B2, MinIO).

Instagram and Threads fetch media from a URL instead of receiving bytes (issue #18). An adapter
`put`s the file here and hands the network the returned URL: a presigned GET that expires within
the hour (or the object's address under the bucket's public base URL, when the creator has one);
it `delete`s the object once the network has fetched it or the post failed. `sweep` removes what
a crash left behind: Outpost's own objects under `outpost/` older than a day (the engine runs it
at start).

Requests go over the engine's shared httpx client, signed with AWS Signature Version 4 by
botocore (`s3_signing`, imported on first use). Uploads stream from disk in chunks with
progress; nothing here reads the machine's clock (the engine's clock signs).

S3 API references: PutObject, DeleteObject, ListObjectsV2
(docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html, …/API_DeleteObject.html,
…/API_ListObjectsV2.html); addressing: docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
import xml.etree.ElementTree as ElementTree
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlencode, urlsplit

import httpx

from outpost.adapters.base import HostedFile, Progress
from outpost.adapters.s3_errors import media_host_error
from outpost.adapters.s3_signing import UNSIGNED_PAYLOAD, presign_get, sign_request
from outpost.domain.clock import Clock
from outpost.domain.media_host import PREFIX, BucketSettings, MediaHostCause, MediaHostCheck, MediaHostError
from outpost.domain.models import MediaAsset

#: Replaces the endpoint of the media host that is set (INTERFACE.md, Environment): tests point
#: Outpost at a local S3-compatible server with it.
ENDPOINT_OVERRIDE = "OUTPOST_MEDIA_HOST_URL"
#: How long a URL handed to a network stays valid: networks fetch within minutes.
EXPIRES_IN = timedelta(hours=1)
#: Outpost's leftovers older than this are swept at start.
LEFTOVER_AGE = timedelta(days=1)
CHUNK = 256 * 1024
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
#: The keys Outpost makes (`new_key`); the sweep deletes only these, never a file the creator put
#: under the prefix themselves.
OUTPOST_KEY = re.compile(re.escape(PREFIX) + r"[A-Za-z0-9_-]{32}(\.[a-z0-9]{1,8})?")
_TEST_BODY = b"Outpost media host test: safe to delete.\n"

SecretSource = Callable[[], Awaitable[str | None]]


def endpoint_in_use(settings: BucketSettings) -> BucketSettings:
    """`settings` with the endpoint `OUTPOST_MEDIA_HOST_URL` names, if it is set."""
    override = os.environ.get(ENDPOINT_OVERRIDE, "").strip().rstrip("/")
    return replace(settings, endpoint=override) if override else settings


def new_key(path: str) -> str:
    """A random object key under the prefix (192 random bits: unguessable), keeping the file's suffix."""
    suffix = Path(path).suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ""
    return f"{PREFIX}{secrets.token_urlsafe(24)}{suffix}"


@dataclass(frozen=True)
class StoredObject:
    """One object in the bucket, as a listing shows it."""

    key: str
    last_modified: datetime
    size: int


class S3MediaHost:
    """`MediaHost` over an S3-compatible bucket.

    Args:
        client: the engine's shared HTTP client.
        settings: where the bucket is.
        secret: reads the secret access key (from the keyring) when first needed.
        clock: the engine's clock; it dates signatures and URL expiry.
        expires_in: how long a URL handed to a network stays valid (an hour at most).
        page_size: how many objects one listing page holds (S3's most, 1000, unless a test asks less).
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: BucketSettings,
        secret: SecretSource,
        *,
        clock: Clock,
        expires_in: timedelta = EXPIRES_IN,
        page_size: int = 1000,
    ) -> None:
        if not timedelta(seconds=1) <= expires_in <= EXPIRES_IN:
            raise ValueError("a media host URL expires within the hour")
        self.client = client
        self.settings = settings
        self.clock = clock
        self.expires_in = expires_in
        self.page_size = page_size
        self._secret = secret

    @property
    def configured(self) -> bool:
        """Always: this host exists because the creator set it."""
        return True

    # -- the MediaHost protocol -------------------------------------------------------------------

    async def put(self, asset: MediaAsset, progress: Progress | None = None) -> HostedFile:
        """Upload `asset` (streamed from disk) under a random key; its URL expires within the hour."""
        key = new_key(asset.path)
        size, digest = await asyncio.to_thread(_size_and_sha256, asset.path)
        content_type = asset.mime_type or "application/octet-stream"
        await self._upload(key, _file_chunks(asset.path, size, progress), size, digest, content_type)
        return await self._hosted(key)

    async def delete(self, hosted: HostedFile) -> None:
        """Remove the object; an object already gone is fine (S3 answers 204 either way)."""
        await self._delete_key(hosted.key)

    # -- what the engine uses ---------------------------------------------------------------------

    async def sweep(self, older_than: timedelta = LEFTOVER_AGE) -> list[str]:
        """Delete Outpost's objects under the prefix last written before `older_than` ago.

        Only keys Outpost makes are touched (`OUTPOST_KEY`); anything else in the bucket stays.

        Returns:
            The keys deleted.
        """
        cutoff = self.clock.now() - older_than
        # The whole listing first, then the deletions: a listing is not promised to hold still
        # while the objects it has shown go away.
        gone = [
            stored.key
            async for stored in self.objects()
            if OUTPOST_KEY.fullmatch(stored.key) and stored.last_modified < cutoff
        ]
        for key in gone:
            await self._delete_key(key)
        return gone

    async def objects(self) -> AsyncIterator[StoredObject]:
        """Every object under the prefix (ListObjectsV2, page by page)."""
        token: str | None = None
        while True:
            params = {"list-type": "2", "prefix": PREFIX, "max-keys": str(self.page_size)}
            if token:
                params["continuation-token"] = token
            url = f"{self._bucket_url()}?{urlencode(sorted(params.items()), quote_via=quote, safe='-_.~')}"
            response = await self._signed("GET", url, {}, _EMPTY_SHA256, action="list its files")
            page, token = _listing(response.content)
            for stored in page:
                yield stored
            if token is None:
                return

    async def check(self) -> MediaHostCheck:
        """Upload a small file, fetch it through the URL a network would get, delete it.

        Raises:
            MediaHostError: a step failed; its message says which and why, in plain words.
        """
        key = new_key("test.txt")
        digest = hashlib.sha256(_TEST_BODY).hexdigest()
        await self._upload(key, _bytes_chunks(_TEST_BODY), len(_TEST_BODY), digest, "text/plain")
        try:
            hosted = await self._hosted(key)
            fetched = await self._fetch(hosted.url)
        finally:
            await self._delete_key(key)
        if fetched != _TEST_BODY:
            raise MediaHostError(
                "The media host handed back other bytes than Outpost uploaded through the file's "
                "address; check the public base URL (it must serve this bucket's objects).",
                MediaHostCause.URL_REFUSED,
            )
        return MediaHostCheck(
            endpoint=self.settings.endpoint,
            bucket=self.settings.bucket,
            url_host=urlsplit(hosted.url).netloc,
            size=len(_TEST_BODY),
            expires_in_s=int(self.expires_in.total_seconds()),
        )

    # -- requests ---------------------------------------------------------------------------------

    async def _upload(
        self, key: str, chunks: AsyncIterator[bytes], size: int, digest: str, content_type: str
    ) -> None:
        headers = {"Content-Type": content_type}
        signed = await self._sign("PUT", self._object_url(key), headers, digest)
        # Content-Length, so httpx sends the stream as it is (S3 refuses chunked uploads: 411).
        request = self.client.build_request(
            "PUT", self._object_url(key), headers={**signed, "Content-Length": str(size)}, content=chunks
        )
        await self._send(request, action="upload a file")

    async def _delete_key(self, key: str) -> None:
        await self._signed(
            "DELETE", self._object_url(key), {}, _EMPTY_SHA256, action="delete a file", ok=(404,)
        )

    async def _hosted(self, key: str) -> HostedFile:
        now = self.clock.now()
        public = self.settings.public_base_url
        if public:
            url = f"{public}/{_quoted(key)}"
        else:
            secret = await self._read_secret()
            url = presign_get(
                self._object_url(key),
                access_key_id=self.settings.access_key_id,
                secret=secret,
                region=self.settings.region,
                now=now,
                expires_s=int(self.expires_in.total_seconds()),
            )
        return HostedFile(url=url, key=key, expires_at=now + self.expires_in)

    async def _fetch(self, url: str) -> bytes:
        """GET `url` as a network would: no credentials, only the address."""
        request = self.client.build_request("GET", url)
        response = await self._send(request, action="let a network fetch the file through its address")
        return response.content

    async def _signed(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        digest: str,
        *,
        action: str,
        ok: tuple[int, ...] = (),
    ) -> httpx.Response:
        signed = await self._sign(method, url, headers, digest)
        return await self._send(self.client.build_request(method, url, headers=signed), action=action, ok=ok)

    async def _sign(self, method: str, url: str, headers: dict[str, str], digest: str) -> dict[str, str]:
        secret = await self._read_secret()
        return sign_request(
            method,
            url,
            headers,
            access_key_id=self.settings.access_key_id,
            secret=secret,
            region=self.settings.region,
            now=self.clock.now(),
            payload_sha256=digest or UNSIGNED_PAYLOAD,
        )

    async def _send(self, request: httpx.Request, *, action: str, ok: tuple[int, ...] = ()) -> httpx.Response:
        host = request.url.netloc.decode("ascii")
        try:
            response = await self.client.send(request)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise MediaHostError(
                f"The media host at {host} cannot be reached to {action} ({_reason(exc)}); check the "
                "endpoint's address and the internet connection.",
                MediaHostCause.UNREACHABLE,
            ) from None
        except httpx.TransportError as exc:
            raise MediaHostError(
                f"The connection to the media host at {host} broke while trying to {action} "
                f"({_reason(exc)}); Outpost will try again.",
                MediaHostCause.UNREACHABLE,
                may_have_taken_effect=True,
            ) from None
        if response.is_success or response.status_code in ok:
            return response
        raise media_host_error(response, action=action, settings=self.settings)

    async def _read_secret(self) -> str:
        secret = await self._secret()
        if not secret:
            raise MediaHostError(
                "The media host's secret access key is not in the keyring (it was removed, or this is "
                "another computer); set the media host again with its secret.",
                MediaHostCause.NO_SECRET,
            )
        return secret

    # -- addresses --------------------------------------------------------------------------------

    def _bucket_url(self) -> str:
        """The bucket's address: ENDPOINT/BUCKET (path style) or SCHEME://BUCKET.HOST (virtual host)."""
        endpoint = self.settings.endpoint
        if self.settings.path_style:
            return f"{endpoint}/{self.settings.bucket}"
        parts = urlsplit(endpoint)
        return f"{parts.scheme}://{self.settings.bucket}.{parts.netloc}"

    def _object_url(self, key: str) -> str:
        return f"{self._bucket_url()}/{_quoted(key)}"


def _quoted(key: str) -> str:
    """A key as S3 signs it in a path: every byte but unreserved characters and / percent-encoded."""
    return quote(key, safe="/-_.~")


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _size_and_sha256(path: str) -> tuple[int, str]:
    """The file's size and SHA-256 (read in a worker thread: files can be large)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


async def _file_chunks(path: str, size: int, progress: Progress | None) -> AsyncIterator[bytes]:
    """The file in chunks, each read in a worker thread, reporting the bytes sent so far."""
    handle: BinaryIO = await asyncio.to_thread(open, path, "rb")
    try:
        sent = 0
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            sent += len(chunk)
            yield chunk
            if progress is not None:
                progress(sent, size)
    finally:
        handle.close()


async def _bytes_chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


def _listing(body: bytes) -> tuple[list[StoredObject], str | None]:
    """One ListObjectsV2 page: its objects, and the token for the next page (None at the end)."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise MediaHostError(
            "The media host answered a listing that is not S3's XML; is the endpoint an S3-compatible "
            "service?",
            MediaHostCause.OTHER,
        ) from None
    found = []
    token = None
    truncated = False
    for child in root:
        tag = child.tag.rpartition("}")[2]
        if tag == "Contents":
            fields = {part.tag.rpartition("}")[2]: (part.text or "") for part in child}
            found.append(
                StoredObject(
                    key=fields.get("Key", ""),
                    last_modified=datetime.fromisoformat(fields.get("LastModified", "")),
                    size=int(fields.get("Size") or 0),
                )
            )
        elif tag == "IsTruncated":
            truncated = (child.text or "").strip() == "true"
        elif tag == "NextContinuationToken":
            token = child.text
    return found, token if truncated and token else None
