"""Tabbed previews, one per chosen network, re-rendered through a short throttle while typing."""

from __future__ import annotations

from dataclasses import dataclass

from outpost.domain.enums import Network
from outpost.gui.previews.renderers import PreviewMedia, PreviewPost, grid_cell_aspect, render
from outpost.gui.qt import QImage, Qt, QTabWidget, QTextBrowser, QTextDocument, QTimer, QUrl, QWidget

THROTTLE_MS = 120
CELL_PX = 180


@dataclass(frozen=True)
class PreviewSource:
    """What the composer hands over: one entry per chosen account."""

    posts: tuple[PreviewPost, ...]
    thumbnails: tuple[tuple[str, str], ...]  # (thumbnail path, kind) of the attached media, in order


class PreviewTabs(QTabWidget):
    """One tab per chosen network; text is rendered as text (escaped), never as markup."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previews")
        self._pending: PreviewSource | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(THROTTLE_MS)
        self._timer.timeout.connect(self._render)

    def show_source(self, source: PreviewSource) -> None:
        """Render `source` soon (coalescing keystrokes; typing never waits on rendering)."""
        self._pending = source
        self._timer.start()

    def flush(self) -> None:
        """Render now (tests, screenshots)."""
        self._timer.stop()
        self._render()

    def browser(self, network: Network) -> QTextBrowser | None:
        """The preview of `network`, if shown."""
        for index in range(self.count()):
            if self.tabText(index) == network.label:
                widget = self.widget(index)
                return widget if isinstance(widget, QTextBrowser) else None
        return None

    def _render(self) -> None:
        source = self._pending
        if source is None:
            return
        current = self.tabText(self.currentIndex()) if self.count() else None
        self.clear()
        if not source.posts:
            hint = QTextBrowser()
            hint.setHtml(
                "<p style='color:#667; margin:12px'>Choose an account above to see the post as that "
                "network will show it.</p>"
            )
            self.addTab(hint, "Preview")
            return
        for post in source.posts:
            view = QTextBrowser()
            view.setOpenLinks(False)
            media = self._register(view.document(), post.network, source.thumbnails)
            view.setHtml(
                render(
                    PreviewPost(post.network, post.display_name, post.handle, post.parts, media, post.options)
                )
            )
            self.addTab(view, post.network.label)
            if post.network.label == current:
                self.setCurrentWidget(view)

    def _register(
        self, document: QTextDocument, network: Network, thumbnails: tuple[tuple[str, str], ...]
    ) -> tuple[PreviewMedia, ...]:
        aspect = grid_cell_aspect(network, len(thumbnails))
        media = []
        for index, (path, kind) in enumerate(thumbnails[:4]):
            image = QImage(path)
            if image.isNull():
                continue
            image = _crop(image, aspect).scaled(
                CELL_PX if len(thumbnails) > 1 else CELL_PX * 2,
                CELL_PX * 2,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            url = f"thumb://{network.value}/{index}"
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), image)
            media.append(PreviewMedia(url, kind))
        return tuple(media)


def _crop(image: QImage, aspect: float) -> QImage:
    """Crop to the feed's cell shape (centred), as the network does; 0 keeps the whole image."""
    if aspect <= 0:
        return image
    width, height = image.width(), image.height()
    if width / height > aspect:
        new_width = int(height * aspect)
        return image.copy((width - new_width) // 2, 0, new_width, height)
    new_height = int(width / aspect)
    return image.copy(0, (height - new_height) // 2, width, new_height)
