"""`engine.media`: looking at files, thumbnails, fixed copies, and tidying the media cache.

The window and the command line reach media work only through this service (never `media/`
directly), so the CPU-bound work runs where the engine's owner chose (the window's worker process,
or the command's own process) and the cache is swept by the one owner that knows which posts
still need their files.
"""

from __future__ import annotations

from pathlib import Path

from outpost.domain.media_rules import MediaRules
from outpost.domain.models import MediaAsset
from outpost.engine.core import EngineCore
from outpost.media.inspect import MediaInfo
from outpost.media.pipeline import MediaPipeline, Progress


class MediaService:
    """Media for posts: inspect, thumbnail, fix, prepare for a network, sweep the cache."""

    def __init__(self, core: EngineCore, pipeline: MediaPipeline) -> None:
        self._core = core
        self._pipeline = pipeline

    @property
    def in_process(self) -> bool:
        """Whether media work runs in this process (commands), not a worker process (the window)."""
        return self._pipeline.in_process

    def warm_up(self) -> None:
        """Have the media worker started and ready before the first file comes (the window, once up).

        A cold worker (a new interpreter loading Pillow) made the first photo dropped on the
        composer take over a second to show (issue #26). Does nothing for a command.
        """
        self._pipeline.warm_up()

    async def inspect(self, path: str, *, field: str = "media") -> MediaInfo:
        """What the file is (ValidationError naming `field` if it is not usable media)."""
        return await self._pipeline.inspect(path, field=field)

    async def thumbnail(self, info: MediaInfo) -> Path | None:
        """A cached JPEG thumbnail (a video's first frame); None for documents."""
        return await self._pipeline.thumbnail(info)

    async def fixed_copy(
        self,
        info: MediaInfo,
        rules: MediaRules,
        folder: Path,
        *,
        focus: tuple[float, float],
        progress: Progress | None = None,
    ) -> Path:
        """A visible, fixed copy of `info` that fits `rules` (the composer's one-click fix).

        A video is re-encoded in the media worker; `progress` hears (frames done, frames in all).
        """
        return await self._pipeline.fixed_copy(info, rules, folder, focus=focus, progress=progress)

    @staticmethod
    def asset(info: MediaInfo, alt_text: str = "", *, focus: tuple[float, float] = (0.5, 0.5)) -> MediaAsset:
        """The `MediaAsset` a post keeps for an inspected file."""
        return MediaPipeline.asset(info, alt_text, focus=focus)

    async def prepare(
        self, asset: MediaAsset, rules: MediaRules | None, progress: Progress | None = None
    ) -> MediaAsset:
        """The asset to upload to a network with `rules` (Rejected if it cannot go there).

        A video a re-encode fixes is re-encoded in the media worker; `progress` hears
        (frames done, frames in all) while it is.
        """
        return await self._pipeline.prepare(asset, rules, progress)

    async def sweep_unused(self) -> int:
        """Remove derived copies and thumbnails that no post which may still go out needs."""
        keep = await self._core.db.run(self._core.store.posts.live_media_hashes)
        return await self._pipeline.sweep(keep)

    def close(self) -> None:
        """Stop the media worker process, if one was started, and wait until it has exited."""
        self._pipeline.close()
