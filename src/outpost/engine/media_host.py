"""`engine.media_host`: the creator's public media host (issue #18): set, show, test, remove.

Where the bucket is lives in a private file in the data folder (`media-host.json`, 0600: no
secret in it, but nobody else's business); the secret access key lives in the OS keyring only,
like a developer app's client secret. The host in force is handed to every adapter through
`Connections.use_media_host`: at open (from the file), and again whenever it is set or removed.

At start the engine sweeps the bucket for Outpost's leftovers older than a day (a crash between
upload and delete), in the background: start-up never waits on the network for it.
"""

from __future__ import annotations

import json
import logging
import os
from typing import TYPE_CHECKING

from outpost.adapters.base import NoMediaHost
from outpost.domain.errors import InvalidStateError, KnownError, NotFoundError, ValidationError
from outpost.engine.core import EngineCore
from outpost.engine.events import SettingsDidChange
from outpost.private_files import write_private

if TYPE_CHECKING:  # the bucket's code loads only where one is set (issue #26: a command's start)
    from outpost.adapters.s3_host import S3MediaHost
    from outpost.domain.media_host import BucketSettings, MediaHostCheck

log = logging.getLogger("outpost.engine.media_host")

CONFIG_FILE = "media-host.json"
#: Where the secret access key is kept in the keyring.
SECRET_REF = "mediahost/s3"
#: The key `SettingsDidChange` names when the media host was set or removed (the composer checks again).
CHANGED = "media_host"
_HOW_TO_SET = (
    "outpost media-host set --endpoint URL --bucket NAME --access-key-id ID --secret-stdin "
    "(or Settings → Media host)"
)


class MediaHostService:
    """The media host: where it is (a private file), its secret (the keyring), the one in force."""

    def __init__(self, core: EngineCore) -> None:
        self._core = core
        self._path = core.data_dir / CONFIG_FILE

    @property
    def endpoint_override(self) -> str | None:
        """The endpoint `OUTPOST_MEDIA_HOST_URL` puts in place of the one set, if any."""
        from outpost.adapters.s3_host import ENDPOINT_OVERRIDE

        return os.environ.get(ENDPOINT_OVERRIDE, "").strip() or None

    def install(self) -> None:
        """Hand the adapters the host set in the data folder (or none): at open, after set/remove.

        Reads one small file: the secret is read from the keyring only when a file is uploaded.
        """
        settings = self._load()
        if settings is None:
            self._core.connections.use_media_host(NoMediaHost())
            return
        self._core.connections.use_media_host(self._host(settings))

    def _host(self, settings: BucketSettings) -> S3MediaHost:
        from outpost.adapters.s3_host import S3MediaHost, endpoint_in_use

        async def read_secret() -> str | None:
            stored = await self._core.secrets.read(SECRET_REF)
            return (stored or {}).get("secret_access_key") or None

        return S3MediaHost(
            self._core.connections.client, endpoint_in_use(settings), read_secret, clock=self._core.clock
        )

    # -- what the window and the command line call ------------------------------------------------

    async def set(self, settings: BucketSettings, secret: str | None = None) -> BucketSettings:
        """Keep `settings` (and the secret, in the keyring), and use this host from now on.

        `secret` may be left out to keep the one in the keyring (the window's Save without
        retyping it); a first setting needs it.

        Raises:
            ValidationError: no secret given and none kept.
            SecretStoreError: no usable keyring; nothing was saved.
        """
        secret = (secret or "").strip()
        if not secret and not await self.has_secret():
            raise ValidationError.single(
                "secret_access_key",
                "secret_access_key: give the secret access key that goes with the access key id "
                "(it is kept in your system's keyring, never in a file).",
            )
        if secret:
            await self._core.secrets.write(SECRET_REF, {"secret_access_key": secret})
        write_private(self._path, json.dumps(settings.as_json(), indent=1).encode())
        self.install()
        self._core.events.emit(SettingsDidChange((CHANGED,)))
        log.info("media host set: bucket %s at %s", settings.bucket, settings.endpoint)
        return settings

    async def show(self) -> BucketSettings | None:
        """The media host set, if any (its secret stays in the keyring)."""
        return self._load()

    async def has_secret(self) -> bool:
        """Whether the keyring holds the secret access key."""
        return bool(((await self._core.secrets.read(SECRET_REF)) or {}).get("secret_access_key"))

    async def test(self) -> MediaHostCheck:
        """Upload a small file, fetch it through the URL a network would get, delete it.

        Raises:
            InvalidStateError: no media host is set.
            MediaHostError: a step failed: which, and why in plain words (wrong key, wrong region,
                no such bucket, a clock that is off, the endpoint unreachable).
        """
        settings = self._load()
        if settings is None:
            raise InvalidStateError(
                f"No media host is set, so there is nothing to test; set one: {_HOW_TO_SET}."
            )
        result = await self._host(settings).check()
        log.info("media host test passed: bucket %s", settings.bucket)
        return result

    async def remove(self) -> BucketSettings:
        """Forget the media host and its secret; networks that need one refuse until one is set.

        Raises:
            NotFoundError: none was set.
        """
        settings = self._load()
        if settings is None:
            raise NotFoundError("No media host is set, so there is nothing to remove.")
        await self._core.secrets.delete(SECRET_REF)
        self._path.unlink(missing_ok=True)
        self.install()
        self._core.events.emit(SettingsDidChange((CHANGED,)))
        log.info("media host removed: bucket %s", settings.bucket)
        return settings

    async def sweep_leftovers(self) -> list[str]:
        """Delete Outpost's objects older than a day from the bucket (at start, in the background).

        A failure is logged and never stops anything: the next start tries again, and the bucket's
        lifecycle rule (docs/networks.md) is the backstop.
        """
        settings = self._load()
        if settings is None:
            return []
        try:
            swept = await self._host(settings).sweep()
        except KnownError as exc:
            log.warning("the media host's leftovers could not be swept: %s", exc)
            return []
        if swept:
            log.info("swept %d leftover file(s) from the media host", len(swept))
        return swept

    def _load(self) -> BucketSettings | None:
        try:
            raw = json.loads(self._path.read_bytes())
            from outpost.domain.media_host import BucketSettings

            return BucketSettings.from_json(raw)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning(
                "the media host's settings in %s cannot be read (%s); set the media host again",
                self._path,
                exc,
            )
            return None
