"""Downloading a file a person names by URL, without letting the URL reach inside their network.

"Attach by URL" must not become a way to read the creator's router page, a cloud metadata
service (169.254.169.254) or anything else on a private network: every address the name
resolves to — at the first request and at every redirect — must be a public one, or nothing is
fetched. The size is capped while streaming (a server may lie about Content-Length or send none).

Known limit: the name is resolved once to check it and again by the HTTP client to connect; a
DNS server that answers differently the second time (rebinding) is not caught here.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from outpost.domain.errors import ValidationError

#: The largest file Outpost downloads for a post (YouTube takes more; download those yourself).
MAX_BYTES = 512 * 1024 * 1024
MAX_REDIRECTS = 5

AddressPolicy = Callable[[ipaddress.IPv4Address | ipaddress.IPv6Address], bool]


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is on the public internet (not private, loopback, link-local, reserved…)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return is_public(address.ipv4_mapped)
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class Downloaded:
    """A fetched file in a temporary place, and what the server called it."""

    path: Path
    name: str
    url: str


async def download(
    url: str,
    folder: Path,
    *,
    client: httpx.AsyncClient,
    allowed: AddressPolicy = is_public,
    max_bytes: int = MAX_BYTES,
    field: str = "media",
) -> Downloaded:
    """Fetch `url` into a new file in `folder` (the caller moves or deletes it).

    Raises:
        ValidationError: naming `field`, for a URL that is not http(s), names a private
            address, redirects too often, answers with an error, or sends more than `max_bytes`.
    """
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        await _require_public(current, allowed, field)
        request = client.build_request("GET", current)
        try:
            response = await client.send(request, stream=True, follow_redirects=False)
        except httpx.HTTPError as error:
            raise ValidationError.single(field, f"{field}: could not download {url}: {error}.") from None
        try:
            if response.is_redirect and "location" in response.headers:
                current = urljoin(current, response.headers["location"])
                continue
            if response.status_code != 200:
                raise ValidationError.single(
                    field, f"{field}: {url} answered HTTP {response.status_code}; check the address."
                )
            return await _save(response, url, folder, max_bytes, field)
        finally:
            await response.aclose()
    raise ValidationError.single(
        field, f"{field}: {url} redirected more than {MAX_REDIRECTS} times; not fetched."
    )


async def _require_public(url: str, allowed: AddressPolicy, field: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError.single(field, f"{field}: {url!r} is not an http(s) address of a file.")
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except OSError:
        raise ValidationError.single(field, f"{field}: the name {parts.hostname} does not resolve.") from None
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if not allowed(address):
            raise ValidationError.single(
                field,
                f"{field}: {url} leads to {address}, an address inside a private network; Outpost only "
                f"downloads from the public internet. Save the file and attach it from disk instead.",
            )


def _new_file(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=".download-")  # 0600
    os.close(descriptor)
    return Path(name)


async def _save(response: httpx.Response, url: str, folder: Path, max_bytes: int, field: str) -> Downloaded:
    declared = response.headers.get("content-length")
    too_big = (
        f"{field}: {url} is larger than {max_bytes // (1024 * 1024)} MB, the most Outpost downloads; "
        f"download it yourself and attach the file."
    )
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ValidationError.single(field, too_big)
    # Disk work off the event loop: in the window, this loop is the GUI's (qasync).
    path = await asyncio.to_thread(_new_file, folder)
    received = 0
    try:
        with open(path, "wb") as handle:  # noqa: ASYNC230 - each write below runs in a thread
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > max_bytes:
                    raise ValidationError.single(field, too_big)
                await asyncio.to_thread(handle.write, chunk)
    except BaseException:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise
    return Downloaded(path, Path(urlsplit(str(response.url)).path).name or "download", url)
