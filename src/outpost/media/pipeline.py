"""The media pipeline, async: inspect → check per network → derive a copy that fits → upload.

Decoding, hashing and re-encoding run in one worker process for the window, or in a thread of
Outpost's own process for one-shot commands (`in_process`); disk work runs in threads. Either way
the engine's loop never waits on a decoder. Derived copies and thumbnails live in the
content-addressed cache and are swept when no post that may still be published needs them.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from outpost.domain.compatibility import AUDIO_BITRATE, Compatibility, FixPlan, Verdict, check
from outpost.domain.enums import ErrorCode
from outpost.domain.errors import Rejected, ValidationError
from outpost.domain.ids import new_id
from outpost.domain.media_rules import MediaRules
from outpost.domain.models import MediaAsset
from outpost.media.cache import MediaCache
from outpost.media.inspect import MediaInfo, MediaKind, inspect, pillow
from outpost.media.probe import probe
from outpost.media.worker import die_with_parent, inspect_and_thumbnail, ready, thumbnail_bytes
from outpost.private_files import private_dir, write_private

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger("outpost.media")

T = TypeVar("T")
#: Called with (frames done, frames in all) while a video is re-encoded for a network.
Progress = Callable[[int, int], None]
_KEPT_THUMBNAILS = 32  # made while looking at a file, kept until asked for (~20 KB each)


def _stop_resource_tracker() -> None:
    """Reap multiprocessing's resource tracker, which starting the worker process also started.

    Nothing else stops it: it exits only when it notices Outpost's process is gone, so for a
    moment after Outpost exited a child of it was still running (issue #26). The pool's
    semaphores are collected first, so the tracker has nothing left to clean up, and a late
    finaliser cannot start it again. `_stop` is private but present since CPython 3.8; without
    it the tracker still ends, only a moment later.
    """
    import gc
    from multiprocessing import resource_tracker

    gc.collect()
    stop = getattr(resource_tracker._resource_tracker, "_stop", None)
    if stop is not None:
        stop()


def _real_stat(path: str) -> tuple[str, os.stat_result]:
    """The file's real path (as `inspect` names it: user folder expanded, links followed) and stat."""
    real = os.path.realpath(os.path.expanduser(path))
    return real, os.stat(real)


def _remove(path: Path) -> None:
    """Delete a leftover; an encoder still writing it (a cancelled job) may keep it open on Windows."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.warning("media: could not remove %s (still in use?)", path.name)


def _private_scratch(target: Path) -> Path:
    """An empty owner-only file beside `target` (the fixed-copies folder is private, issue #25)."""
    import tempfile

    private_dir(target.parent)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    os.close(fd)
    return Path(name)


class MediaPipeline:
    """Inspects files, reports compatibility, prepares per-network copies, makes thumbnails.

    Where the CPU-bound work runs is the composition root's choice (`in_process`):

    - The window (default): one spawned worker process. Decoding, hashing and re-encoding in
      threads compete with the window's thread for the GIL and made it stall for 100+ ms while
      publishing (benchmarks/gui_stalls_bench.py); a process keeps the window's loop free.
    - One-shot commands (`in_process=True`): a thread of this process. There is no window to
      keep smooth, and spawning an interpreter that imports Pillow cost a small photo post half
      a second (issue #26). The same functions run, so the copies are the same bytes.

    Attributes:
        cache: the content-addressed cache of derived copies and thumbnails.
        in_process: whether media work runs in this process (no worker is ever started).
    """

    #: Worker pools running in this process (the resource tracker they share stops with the last).
    _workers: ClassVar[int] = 0

    def __init__(self, cache_root: Path, *, in_process: bool = False, progress_poll_s: float = 0.25) -> None:
        self.cache = MediaCache(cache_root)
        self.in_process = in_process
        self._progress_poll_s = progress_poll_s
        self._seen: dict[tuple[str, int, int], MediaInfo] = {}
        self._thumbnails: dict[str, bytes] = {}  # sha256 → JPEG, made by the worker while looking
        self._pool: ProcessPoolExecutor | None = None

    @property
    def has_worker(self) -> bool:
        """Whether a worker process is running now (it starts with the first media work)."""
        return self._pool is not None

    async def _cpu(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run CPU-bound media work in the worker process, or in a thread when `in_process`."""
        if self.in_process:
            return await asyncio.to_thread(fn, *args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker(), functools.partial(fn, *args, **kwargs))

    def _worker(self) -> ProcessPoolExecutor:
        """The one worker process, started on first use; spawned, not forked: Qt has threads."""
        if self._pool is None:
            import multiprocessing  # only the window pays for it (the command line never spawns)
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=die_with_parent
            )
            MediaPipeline._workers += 1
        return self._pool

    def close(self) -> None:
        """Stop the worker process (if one was started) and reap every process its start made."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            MediaPipeline._workers -= 1
            if MediaPipeline._workers == 0:
                _stop_resource_tracker()

    def warm_up(self) -> None:
        """Start the worker process now, with Pillow loaded, so the first file does not wait for it.

        For the window, once it is up: a cold worker (a new interpreter, Pillow) took longer than
        the 300 ms a dropped photo may take to show (issue #26). Nothing to do in-process.
        """
        if not self.in_process and self._pool is None:
            self._worker().submit(ready)

    async def inspect(self, path: str, *, field: str = "media") -> MediaInfo:
        """What the file is (ValidationError naming `field` if it is not usable media).

        Remembered per (file, size, mtime), so checking a post as it is typed never decodes or
        hashes the same file twice; a changed file is looked at again. The file is its real path:
        the command line's `photo.png` and the post's absolute path to it are one file, looked
        at once (a photo post was decoded and hashed twice, issue #26).
        """
        try:
            real, stat = await asyncio.to_thread(_real_stat, path)
        except OSError:
            return await asyncio.to_thread(inspect, path, field=field)  # let inspect word the error
        key = (real, stat.st_size, stat.st_mtime_ns)
        if key not in self._seen:
            self._seen[key] = await self._look(path, field)
        return self._seen[key]

    async def _look(self, path: str, field: str) -> MediaInfo:
        """Inspect a file; the window's worker also makes a picture's thumbnail on the way.

        The window looks at a file to show it, and one decoding then serves both; a command
        wants no thumbnail, so its in-process look makes none.
        """
        if self.in_process:
            return await self._cpu(inspect, path, field=field)
        info, thumbnail = await self._cpu(inspect_and_thumbnail, path, field)
        if thumbnail is not None:
            self._thumbnails[info.sha256] = thumbnail
            while len(self._thumbnails) > _KEPT_THUMBNAILS:
                del self._thumbnails[next(iter(self._thumbnails))]  # the oldest
        return info

    @staticmethod
    def asset(info: MediaInfo, alt_text: str = "", *, focus: tuple[float, float] = (0.5, 0.5)) -> MediaAsset:
        """The `MediaAsset` a post keeps for an inspected file."""
        return MediaAsset(
            id=new_id("med"),
            path=info.path,
            mime_type=info.mime_type,
            size=info.size,
            width=info.width,
            height=info.height,
            duration_s=info.duration_s,
            alt_text=alt_text,
            kind=info.kind.value,
            sha256=info.sha256,
            frame_rate=info.frame_rate,
            video_codec=info.video_codec,
            focus_x=focus[0],
            focus_y=focus[1],
        )

    async def prepare(
        self, asset: MediaAsset, rules: MediaRules | None, progress: Progress | None = None
    ) -> MediaAsset:
        """The asset to upload to a network with `rules`.

        Images are always re-derived upright and without location data (and fixed to fit); a
        video the network does not take as it is but a re-encode fixes becomes an H.264 MP4 copy
        (`progress` hears how far it is); other media go as they are.

        Raises:
            Rejected: the file cannot go to that network (code `media_rejected`).
        """
        if rules is not None and asset.kind == MediaKind.VIDEO:
            return await self._prepare_video(asset, rules, progress)
        if rules is None or asset.kind != MediaKind.IMAGE:
            if rules is not None:
                self._require_compatible(asset, check(asset, rules))
            return asset
        current = await self.inspect(asset.path, field=asset.path)  # the file may have changed since
        fresh = self.asset(current, asset.alt_text, focus=(asset.focus_x, asset.focus_y)).model_copy(
            update={"id": asset.id}
        )
        verdict = check(fresh, rules)
        self._require_compatible(fresh, verdict)
        plan = verdict.plan or FixPlan()
        variant = plan.key() + f"{int(fresh.focus_x * 100):02x}{int(fresh.focus_y * 100):02x}"
        assert fresh.sha256 is not None
        for mime in (plan.to_mime, fresh.mime_type, "image/jpeg"):
            cached = self.cache.derived_path(fresh.sha256, variant, mime or "image/jpeg")
            if cached.exists():
                return await self._derived_asset(fresh, cached, mime or "image/jpeg")
        from outpost.media.images import derive  # Pillow, on first use

        try:
            fitted = await self._cpu(
                derive, fresh.path, plan, focus=(fresh.focus_x, fresh.focus_y), seen=current
            )
        except ValidationError as exc:
            raise Rejected(str(exc), code=ErrorCode.MEDIA_REJECTED) from None
        path = self.cache.derived_path(fresh.sha256, variant, fitted.mime_type)
        await asyncio.to_thread(self.cache.write, path, fitted.data)
        return fresh.model_copy(
            update={
                "path": str(path),
                "mime_type": fitted.mime_type,
                "size": len(fitted.data),
                "width": fitted.width,
                "height": fitted.height,
            }
        )

    async def _prepare_video(
        self, asset: MediaAsset, rules: MediaRules, progress: Progress | None
    ) -> MediaAsset:
        """The video as it is if it fits, else its re-encoded copy from the cache (made if missing).

        The copy is checked against the rules again: an encoder that overshot a byte limit must
        not hand the network a file it refuses after minutes of uploading.
        """
        current = await self.inspect(asset.path, field=asset.path)  # the file may have changed since
        fresh = self.asset(current, asset.alt_text).model_copy(update={"id": asset.id})
        verdict = check(fresh, rules)
        self._require_compatible(fresh, verdict)
        if verdict.status is Compatibility.COMPATIBLE or verdict.plan is None:
            return asset
        assert fresh.sha256 is not None
        path = self.cache.derived_path(fresh.sha256, verdict.plan.key(), "video/mp4")
        if not path.exists():
            try:
                await self._transcode(fresh.path, path, verdict.plan, progress, scratch=self.cache.scratch)
            except ValidationError as exc:
                raise Rejected(str(exc), code=ErrorCode.MEDIA_REJECTED) from None
        copy = await self.inspect(str(path), field=fresh.path)
        fixed = fresh.model_copy(
            update={
                "path": copy.path,
                "mime_type": copy.mime_type,
                "size": copy.size,
                "width": copy.width,
                "height": copy.height,
                "duration_s": copy.duration_s,
                "frame_rate": copy.frame_rate,
                "video_codec": copy.video_codec,
            }
        )
        after = check(fixed, rules)
        if after.status is not Compatibility.COMPATIBLE:
            raise Rejected(
                f"{fresh.path}: the re-encoded copy still does not fit {rules.network.label}: "
                f"{after.reason}. Export the video again within these limits.",
                code=ErrorCode.MEDIA_REJECTED,
            )
        return fixed

    async def _transcode(
        self,
        source: str,
        target: Path,
        plan: FixPlan,
        progress: Progress | None,
        *,
        scratch: Callable[[Path], Path],
    ) -> None:
        """Re-encode `source` to `target` by `plan` in the worker, reporting frames done while it runs.

        The worker writes its progress to a file beside the copy, polled here every
        `progress_poll_s`: nothing crosses the process boundary but the finished file.
        """
        from outpost.media.video import read_progress, transcode

        temporary = await asyncio.to_thread(scratch, target)
        progress_file = temporary.with_name(temporary.name + ".progress")
        job = asyncio.ensure_future(
            self._cpu(
                transcode,
                source,
                str(temporary),
                width=plan.width or 0,
                height=plan.height or 0,
                frame_rate=plan.frame_rate,
                max_video_bitrate=plan.video_bitrate,
                audio_bitrate=AUDIO_BITRATE,
                progress_file=str(progress_file),
            )
        )
        last: tuple[int, int] | None = None
        try:
            while True:
                done, _ = await asyncio.wait({job}, timeout=self._progress_poll_s)
                seen = await asyncio.to_thread(read_progress, progress_file)
                if progress is not None and seen is not None and seen != last:
                    last = seen
                    progress(*seen)
                if done:
                    break
            await job
            await asyncio.to_thread(os.replace, temporary, target)
        finally:
            if not job.done():
                job.cancel()
            for leftover in (temporary, progress_file):
                await asyncio.to_thread(_remove, leftover)

    async def fixed_copy(
        self,
        info: MediaInfo,
        rules: MediaRules,
        folder: Path,
        *,
        focus: tuple[float, float],
        progress: Progress | None = None,
    ) -> Path:
        """A visible, fixed copy of `info` for a network (the one-click fix in the composer).

        It lives in `folder` (not the cache, which is swept), named after the original. A video
        is re-encoded to an MP4; `progress` hears (frames done, frames in all) while it is.

        Raises:
            ValidationError: nothing to fix, or the fix cannot keep the quality floor.
        """
        verdict = check(self.asset(info), rules)
        if verdict.status is not Compatibility.FIXABLE or verdict.plan is None:
            raise ValidationError.single("media", f"{info.path} needs no fix for {rules.network.label}.")
        if info.kind is MediaKind.VIDEO:
            target = folder / f"{Path(info.path).stem}-for-{rules.network.value}.mp4"
            await self._transcode(info.path, target, verdict.plan, progress, scratch=_private_scratch)
            return target
        from outpost.media.images import derive

        fitted = await self._cpu(derive, info.path, verdict.plan, focus=focus)
        extension = {"image/png": "png", "image/gif": "gif", "image/webp": "webp"}.get(
            fitted.mime_type, "jpg"
        )
        target = folder / f"{Path(info.path).stem}-for-{rules.network.value}.{extension}"
        await asyncio.to_thread(write_private, target, fitted.data)  # data_dir/fixed: private (#25)
        return target

    async def _derived_asset(self, asset: MediaAsset, path: Path, mime: str) -> MediaAsset:
        def measure() -> tuple[int, int, int]:
            found = probe(path)  # a PNG's, GIF's or JPEG's header says its size: no Pillow (#26)
            if found.width and found.height:
                return found.size, found.width, found.height
            pillow()
            from PIL import Image

            with Image.open(path) as image:
                return path.stat().st_size, image.width, image.height

        size, width, height = await asyncio.to_thread(measure)
        return asset.model_copy(
            update={"path": str(path), "mime_type": mime, "size": size, "width": width, "height": height}
        )

    @staticmethod
    def _require_compatible(asset: MediaAsset, verdict: Verdict) -> None:
        if verdict.status is Compatibility.INCOMPATIBLE:
            raise Rejected(f"{asset.path}: {verdict.reason}.", code=ErrorCode.MEDIA_REJECTED)

    async def thumbnail(self, info: MediaInfo) -> Path | None:
        """A cached JPEG thumbnail (a video's first frame); None for documents."""
        if info.kind is MediaKind.DOCUMENT:
            return None
        path = self.cache.thumb_path(info.sha256)
        # The copy made while inspecting serves once, and only now: kept longer, it would outlive
        # the file (a picture deleted and swept from the cache must not come back from memory).
        data = self._thumbnails.pop(info.sha256, None)
        if not path.exists():
            if data is None:
                data = await self._cpu(thumbnail_bytes, info)
            await asyncio.to_thread(self.cache.write, path, data)
        return path

    async def sweep(self, keep: set[str]) -> int:
        """Remove cached files no live post needs."""
        removed = await asyncio.to_thread(self.cache.sweep, keep)
        if removed:
            log.info("media cache: removed %d file(s) no post needs", removed)
        return removed
