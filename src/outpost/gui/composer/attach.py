"""Getting files into the media strip: the file dialog, paste and drop, each file looked at by the engine.

Files are looked at one after the other, off the Qt thread (`engine.media`), so the strip keeps
the order they were chosen in, and a file that is not media says so without stopping the others.
A pasted picture has no file, so it is saved in the private data folder first, like a dropped one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from outpost.domain.errors import KnownError
from outpost.engine import Engine
from outpost.gui.composer.media_strip import Attached, MediaStrip
from outpost.gui.composer.paste import Pasted, pasted_media
from outpost.gui.composer.words import error_text
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import QApplication, QFileDialog, QImage, QObject, QWidget
from outpost.gui.tasks import run_op
from outpost.private_files import private_dir, tighten

__all__ = ["MEDIA_FILTER", "MediaAttacher"]

MEDIA_FILTER = (
    "Images, videos and PDFs (*.jpg *.jpeg *.png *.gif *.webp *.heic *.heif *.mp4 *.mov *.m4v *.webm "
    "*.pdf);;All files (*)"
)
_Found = list[tuple[str, Attached | KnownError]]


class MediaAttacher(QObject):
    """Adds files to `strip` from the file dialog, the clipboard or a drop."""

    def __init__(self, engine: Engine, strip: MediaStrip, messages: MessageBridge, parent: QWidget) -> None:
        super().__init__(parent)
        self.engine = engine
        self.strip = strip
        self.messages = messages
        self.folder: str | None = None  # where the file dialog opens: where the last files came from

    def choose(self) -> None:
        """The system's file dialog, several files at once, images, videos and PDFs first."""
        parent = self.parent()
        files, _ = QFileDialog.getOpenFileNames(
            parent if isinstance(parent, QWidget) else None, "Add media", self._start_folder(), MEDIA_FILTER
        )
        self.attach_all(files)
        if files:
            self.folder = str(Path(files[-1]).parent)

    def paste(self) -> bool:
        """Attach the clipboard's files or picture; False if it holds neither."""
        found = pasted_media(QApplication.clipboard().mimeData())
        if found is not None:
            self.attach_pasted(found)
        return found is not None

    def attach_pasted(self, found: Pasted) -> None:
        """Attach what was pasted or dropped: files as they are, a picture saved as a file first."""
        paths = list(found.files)
        if found.image is not None:
            paths.append(str(self._save_picture(found.image)))
        self.attach_all(paths)

    def attach_all(self, paths: list[str], alt_text: str = "") -> None:
        """Attach files in the order given."""
        if paths:
            run_op(self._inspect_all(paths, alt_text), on_success=self._attached)

    def _start_folder(self) -> str:
        if self.folder is not None:
            return self.folder
        pictures = Path.home() / "Pictures"
        return str(pictures if pictures.is_dir() else Path.home())

    def saved_picture(self, image: QImage) -> Path:
        """A pasted picture saved as a file in the data folder (a thread part's, issue #24)."""
        return self._save_picture(image)

    def _save_picture(self, image: QImage) -> Path:
        folder = self.engine.data_dir / "pasted"
        private_dir(folder)
        scratch = folder / ".pasting.png"
        image.save(str(scratch))
        tighten(scratch)  # Qt saves with the umask's leave; the data folder is private (#25)
        path = folder / f"{hashlib.sha256(scratch.read_bytes()).hexdigest()[:20]}.png"
        scratch.replace(path)
        return path

    async def _inspect_all(self, paths: list[str], alt_text: str) -> _Found:
        found: _Found = []
        for path in paths:
            try:
                info = await self.engine.media.inspect(path)
                thumbnail = await self.engine.media.thumbnail(info)
            except KnownError as error:  # the other files still come: one bad file stops nothing
                found.append((path, error))
                continue
            found.append((path, Attached(info, alt_text, str(thumbnail) if thumbnail else None)))
        return found

    def _attached(self, found: _Found) -> None:
        for path, result in found:
            if isinstance(result, KnownError):
                self.messages.error(error_text(result, files=[path]))
            else:
                self.strip.add(result)
