"""`outpost media-host set|show|test|remove`: the public bucket Instagram and Threads fetch from.

INTERFACE.md, "Public media host". The secret access key is read from standard input
(`--secret-stdin`, one line), goes to the keyring, and is never printed: `show` says only whether
the keyring holds it. `test` uploads, fetches through a presigned URL and deletes, and exits 1
with the reason in plain words when a step fails.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from outpost.cli.outcome import Handler, Outcome
from outpost.cli.secret_input import read_secret_line
from outpost.domain.media_host import BucketSettings

if TYPE_CHECKING:
    from outpost.engine import Engine

SECRET_FLAG = "--secret-stdin"
_HOW_TO_SET = (
    "outpost media-host set --endpoint URL --bucket NAME [--region R] --access-key-id ID --secret-stdin"
)


async def _document(engine: Engine, settings: BucketSettings) -> dict[str, Any]:
    """The media host as JSON: where it is, whether the keyring holds its secret (never the secret)."""
    return {
        "configured": True,
        **settings.as_json(),
        "has_secret": await engine.media_host.has_secret(),
        "endpoint_override": engine.media_host.endpoint_override,
    }


def _describe(settings: BucketSettings) -> str:
    style = "path-style" if settings.path_style else "virtual-host style"
    where = f"bucket {settings.bucket} at {settings.endpoint} (region {settings.region}, {style})"
    if settings.public_base_url:
        where += f", public at {settings.public_base_url}"
    return where


async def _set(engine: Engine, args: argparse.Namespace) -> Outcome:
    settings = BucketSettings.checked(
        endpoint=args.endpoint,
        bucket=args.bucket,
        region=args.region,
        access_key_id=args.access_key_id,
        path_style=args.path_style,
        public_base_url=args.public_base_url,
    )
    secret = await read_secret_line(SECRET_FLAG)
    await engine.media_host.set(settings, secret)
    return Outcome(
        await _document(engine, settings),
        f"Saved the media host: {_describe(settings)}; the secret access key is in the keyring. "
        "Try it with: outpost media-host test",
    )


async def _show(engine: Engine, args: argparse.Namespace) -> Outcome:
    settings = await engine.media_host.show()
    if settings is None:
        return Outcome(
            {"configured": False},
            f"No media host is set. Instagram and Threads need one; set it with: {_HOW_TO_SET}",
        )
    document = await _document(engine, settings)
    lines = [
        f"Media host: {_describe(settings)}",
        f"  access key id {settings.access_key_id}; secret access key "
        + ("in the keyring" if document["has_secret"] else "MISSING from the keyring: set the host again"),
        f"  Outpost's files go under {document['prefix']} and are deleted once the network fetched them",
    ]
    if document["endpoint_override"]:
        lines.append(f"  OUTPOST_MEDIA_HOST_URL sends requests to {document['endpoint_override']} instead")
    return Outcome(document, "\n".join(lines))


async def _test(engine: Engine, args: argparse.Namespace) -> Outcome:
    check = await engine.media_host.test()  # a MediaHostError (exit 1) names the step and the cause
    minutes = check.expires_in_s // 60
    return Outcome(
        check.as_json(),
        f"The media host works: Outpost uploaded a test file to bucket {check.bucket}, fetched it back "
        f"through the kind of address networks get (from {check.url_host}, valid {minutes} min) "
        "and deleted it.",
    )


async def _remove(engine: Engine, args: argparse.Namespace) -> Outcome:
    settings = await engine.media_host.remove()
    return Outcome(
        {"removed": True, "bucket": settings.bucket, "endpoint": settings.endpoint},
        f"Removed the media host ({_describe(settings)}) and its secret from the keyring. The bucket "
        "itself is untouched; Instagram and Threads cannot publish media until a host is set again.",
    )


HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("media-host", "set"): _set,
    ("media-host", "show"): _show,
    ("media-host", "test"): _test,
    ("media-host", "remove"): _remove,
}
