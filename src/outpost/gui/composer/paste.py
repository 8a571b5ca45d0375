"""Pasting and dropping media into the composer's text fields: files and pictures attach, text pastes.

Qt's text fields paste whatever text the clipboard offers, so Ctrl+V with a picture did nothing
and a file copied in a file manager pasted "file:///…/photo.jpg" (issue #17). The post's text
fields (`PostTextEdit`) and its one-line fields (`MediaPasteFilter`) hand media to the composer
instead, and paste plain text as before. Tab leaves a post's text rather than typing a tab, so a
keyboard user is never trapped in it.
"""

from __future__ import annotations

from dataclasses import dataclass

from outpost.gui.qt import (
    QApplication,
    QEvent,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMimeData,
    QObject,
    QPixmap,
    QPlainTextEdit,
    QWidget,
    Signal,
)

__all__ = ["MediaPasteFilter", "Pasted", "PostTextEdit", "pasted_media"]


@dataclass(frozen=True)
class Pasted:
    """Media found on the clipboard or in a drop: local files, or one picture without a file."""

    files: tuple[str, ...] = ()
    image: QImage | None = None


def pasted_media(mime: QMimeData | None) -> Pasted | None:
    """The media in `mime`, or None when it holds only text (which then pastes as text).

    Local files win over a picture: a file manager offers both for a copied photo, and the file
    keeps its name and quality. Web addresses are text (a link in the post), not attachments.
    """
    if mime is None:
        return None
    files = tuple(url.toLocalFile() for url in mime.urls() if url.isLocalFile()) if mime.hasUrls() else ()
    if files:
        return Pasted(files=files)
    if mime.hasImage():
        image = _image_of(mime.imageData())
        if image is not None and not image.isNull():
            return Pasted(image=image)
    return None


def _image_of(data: object) -> QImage | None:
    if isinstance(data, QImage):
        return data
    if isinstance(data, QPixmap):
        return data.toImage()
    return None


class PostTextEdit(QPlainTextEdit):
    """A post's text field: media pasted or dropped into it is attached, not typed as a path.

    Signals:
        media_pasted(Pasted): files or a picture arrived by paste or drop.
    """

    media_pasted = Signal(object)

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTabChangesFocus(True)  # Tab moves on (issue #17): a post rarely needs a tab character

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        """Media is welcome too (Qt asks before a drop and to enable Paste)."""
        return pasted_media(source) is not None or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Hand media to the composer; paste or drop text as text."""
        found = pasted_media(source)
        if found is None:
            super().insertFromMimeData(source)
        else:
            self.media_pasted.emit(found)


class MediaPasteFilter(QObject):
    """Catches Ctrl+V in one-line fields (alt text, options) when the clipboard holds media.

    Signals:
        media_pasted(Pasted): what was on the clipboard.
    """

    media_pasted = Signal(object)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Take a Paste key press that would otherwise type a file's address into the field."""
        keyed = event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
        if keyed and isinstance(event, QKeyEvent) and event.matches(QKeySequence.StandardKey.Paste):
            found = pasted_media(QApplication.clipboard().mimeData())
            if found is not None:
                if event.type() == QEvent.Type.KeyPress:
                    self.media_pasted.emit(found)
                event.accept()  # the field must not paste the file's address as text
                return True
        return super().eventFilter(watched, event)
