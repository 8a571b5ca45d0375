"""`engine.library`: the media library — every attached file kept once, findable and reusable.

Filled as posts are saved (the window's composer, the command line, an assistant), and by
downloads (`add_url`). The library keeps its own copy of each file in `library/` of the data
folder — a hard link where the file system allows, so a photo costs its space once — so a
reused photo works after the original was moved. Deleting is for files no post that may still
go out needs; published posts keep their record either way.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import mimetypes
import os
import shutil
from pathlib import Path

from outpost.domain.errors import InvalidStateError, NotFoundError
from outpost.domain.library import LibraryItem, matches
from outpost.domain.models import Post
from outpost.engine.core import EngineCore
from outpost.engine.media import MediaService
from outpost.engine.url_fetch import AddressPolicy, download, is_public
from outpost.media.probe import EXTENSIONS
from outpost.private_files import private_dir

LIBRARY_DIR = "library"


class LibraryService:
    """Browse, search, reuse, download into and tidy the media library."""

    def __init__(self, core: EngineCore, media: MediaService, *, allowed: AddressPolicy = is_public) -> None:
        self._core = core
        self._media = media
        #: Which addresses downloads may reach (public ones; a test serving on loopback widens it).
        self.allowed = allowed
        self.folder = core.data_dir / LIBRARY_DIR

    async def remember(self, post: Post) -> None:
        """Put the post's files in the library (new ones copied in; known ones marked as used)."""
        for asset in post.all_media:
            if not asset.sha256:
                continue
            kept = await asyncio.to_thread(self._keep, Path(asset.path), asset.sha256, asset.mime_type)
            await self._core.db.run(
                self._core.store.library.remember,
                asset,
                kept_path=str(kept),
                name=Path(asset.path).name,
                now=self._core.clock.now(),
            )

    async def list(self, search: str | None = None, tag: str | None = None) -> builtins.list[LibraryItem]:
        """Items, most recently used first; `search` words must all appear (name, alt text, tags)."""
        items = await self._core.db.run(self._core.store.library.all)
        if search:
            items = [i for i in items if matches(i, search)]
        if tag:
            items = [i for i in items if tag.casefold() in (t.casefold() for t in i.tags)]
        return items

    async def get(self, sha256: str) -> LibraryItem:
        """One item (NotFoundError with what to do if the library has no such file)."""
        item = await self._core.db.run(self._core.store.library.get, sha256)
        if item is None:
            raise NotFoundError(
                f"The media library has no file {sha256[:12]}…; `outpost media library` lists them."
            )
        return item

    async def tag(self, sha256: str, tags: builtins.list[str]) -> LibraryItem:
        """Replace an item's tags (trimmed, without repeats)."""
        await self.get(sha256)
        clean = tuple(dict.fromkeys(t.strip() for t in tags if t.strip()))
        await self._core.db.run(self._core.store.library.set_tags, sha256, clean)
        return await self.get(sha256)

    async def add_url(self, url: str, *, alt_text: str = "", field: str = "media") -> LibraryItem:
        """Download a file from the public internet into the library, checked like a file on disk.

        Raises:
            ValidationError: naming `field` — a private address, too large, not media, unreachable.
        """
        incoming = self.folder / ".incoming"
        await asyncio.to_thread(private_dir, self.folder)
        fetched = await download(
            url, incoming, client=self._core.connections.client, allowed=self.allowed, field=field
        )
        try:
            info = await self._media.inspect(str(fetched.path), field=field)
            kept = await asyncio.to_thread(self._move_in, fetched.path, info.sha256, info.mime_type)
        finally:
            await asyncio.to_thread(fetched.path.unlink, missing_ok=True)
        asset = self._media.asset(info, alt_text)
        item = LibraryItem(
            sha256=info.sha256,
            path=str(kept),
            name=fetched.name,
            mime_type=asset.mime_type,
            kind=asset.kind,
            size=asset.size,
            width=asset.width,
            height=asset.height,
            duration_s=asset.duration_s,
            alt_text=alt_text,
            source_url=url,
            added_at=self._core.clock.now(),
        )
        await self._core.db.run(self._core.store.library.add, item)
        return await self.get(info.sha256)

    async def forget(self, sha256: str) -> None:
        """Delete an item and its copy; refused while a post that may still go out carries it."""
        item = await self.get(sha256)
        live = await self._core.db.run(self._core.store.posts.live_media_hashes)
        if sha256 in live:
            raise InvalidStateError(
                f"{item.name} is on a post that has not gone out yet ({', '.join(item.used_by[:3])}); "
                f"remove it from that post first."
            )
        await self._core.db.run(self._core.store.library.forget, sha256)
        await asyncio.to_thread(self._delete_copy, Path(item.path))

    # -- files ----------------------------------------------------------------------------------

    def _target(self, sha256: str, mime_type: str) -> Path:
        known = EXTENSIONS.get(mime_type)
        extension = f".{known}" if known else mimetypes.guess_extension(mime_type) or ".bin"
        return self.folder / f"{sha256}{extension}"

    def _keep(self, source: Path, sha256: str, mime_type: str) -> Path:
        """The library's copy of `source` (made now if missing); the original if none can be made."""
        target = self._target(sha256, mime_type)
        if target.exists():
            return target
        if source.resolve() == target.resolve() or not source.exists():
            return source
        private_dir(self.folder)
        partial = target.with_name(f".{target.name}.partial")
        try:
            try:
                os.link(source, partial)  # the same bytes, no second copy (same file system)
            except OSError:
                shutil.copyfile(source, partial)
            os.chmod(partial, 0o600)
            os.replace(partial, target)
        except OSError:
            with contextlib.suppress(OSError):
                partial.unlink()
            return source
        return target

    def _delete_copy(self, copy: Path) -> None:
        if self.folder.resolve() in copy.resolve().parents:  # never a creator's original
            copy.unlink(missing_ok=True)

    def _move_in(self, downloaded: Path, sha256: str, mime_type: str) -> Path:
        target = self._target(sha256, mime_type)
        if not target.exists():
            os.replace(downloaded, target)
        return target
