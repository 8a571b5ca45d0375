"""Tabbed previews, one per chosen network, re-rendered through a short throttle while typing.

Each tab carries its network's logo; the text is drawn in colours that read on the window's
palette (light or dark), and a theme switch renders the previews again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from outpost.domain.enums import Network
from outpost.domain.models import Account
from outpost.engine import PostInput
from outpost.gui.icons import network_icon
from outpost.gui.previews.renderers import PreviewMedia, PreviewPost, Tone, grid_cell_aspect, render
from outpost.gui.qt import (
    QImage,
    QSize,
    Qt,
    QTabWidget,
    QTextBrowser,
    QTextDocument,
    QTimer,
    QUrl,
    QWidget,
)
from outpost.gui.theme import Colours, on_theme_change

THROTTLE_MS = 120
CELL_PX = 180


@dataclass(frozen=True)
class PreviewSource:
    """What the composer hands over: one entry per chosen network."""

    posts: tuple[PreviewPost, ...]
    thumbnails: tuple[tuple[str, str], ...]  # (thumbnail path, kind) of the attached media, in order
    #: The files of thread parts 2, 3, … as (path, kind), drawn under their part (issue #24).
    part_files: tuple[tuple[tuple[str, str], ...], ...] = ()

    @classmethod
    def of(
        cls, accounts: Sequence[Account], request: PostInput, thumbnails: tuple[tuple[str, str], ...]
    ) -> PreviewSource:
        """The post as each chosen network gets it (its own text, its options), once per network."""
        own = dict(request.text_for)
        posts: dict[Network, PreviewPost] = {}
        for account in accounts:
            if account.network not in posts:
                options = {k: v for n, k, v in request.options if n == account.network.value}
                first = own.get(account.network.value, request.text)
                name = account.display_name or account.handle
                thread = dict(request.thread_for).get(account.network.value, request.thread)
                parts = (first, *thread)  # a network's own thread (issue #24) replaces the post's
                posts[account.network] = PreviewPost(
                    account.network, name, account.handle, parts, options=options
                )
        part_files = tuple(tuple((m.path, "image") for m in files) for files in request.thread_media)
        return cls(tuple(posts.values()), thumbnails, part_files)


class PreviewTabs(QTabWidget):
    """One tab per chosen network; text is rendered as text (escaped), never as markup."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previews")
        self.setIconSize(QSize(16, 16))
        self._pending: PreviewSource | None = None
        self._wanted: Network | None = None  # the network whose tab stays in front across renders
        self._rendering = False
        self.currentChanged.connect(self._chosen)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(THROTTLE_MS)
        self._timer.timeout.connect(self._render)
        self._colours: Colours | None = None
        on_theme_change(self, self._recolour)

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
        index = self._index_of(network)
        widget = self.widget(index) if index >= 0 else None
        return widget if isinstance(widget, QTextBrowser) else None

    def show_network(self, network: Network) -> None:
        """Bring `network`'s preview to the front (now, or when it is first rendered)."""
        self._wanted = network
        index = self._index_of(network)
        if index >= 0:
            self.setCurrentIndex(index)

    @property
    def current_network(self) -> Network | None:
        """The network whose preview is in front."""
        return next((n for n in Network if n.label == self.tabText(self.currentIndex())), None)

    def _recolour(self, colours: Colours) -> None:
        """Render again in the new theme's colours."""
        self._colours = colours
        if self._pending is not None:
            self._timer.start()

    def _index_of(self, network: Network) -> int:
        return next((i for i in range(self.count()) if self.tabText(i) == network.label), -1)

    def _chosen(self, index: int) -> None:
        if not self._rendering and index >= 0:
            self._wanted = self.current_network or self._wanted

    def _tone(self) -> Tone:
        """The preview's colours from the theme's (links of dark brands lightened on a dark window)."""
        c = self._colours
        if c is None:
            return Tone()
        return Tone(c.muted, c.border, c.notice_background, ink=c.text, lighten=0.35 if c.dark else 0.0)

    def _render(self) -> None:
        source = self._pending
        if source is None:
            return
        self._rendering = True
        try:
            self._fill(source)
        finally:
            self._rendering = False

    def _fill(self, source: PreviewSource) -> None:
        self.clear()
        tone = self._tone()
        if not source.posts:
            hint = QTextBrowser()
            hint.setHtml(
                f"<p style='color:{tone.muted}; margin:12px'>Choose an account above to see the post "
                "as that network will show it.</p>"
            )
            self.addTab(hint, "Preview")
            return
        ink = tone.ink
        for post in source.posts:
            view = QTextBrowser()
            view.setOpenLinks(False)
            media = self._register(view.document(), post.network, source.thumbnails)
            part_media = tuple(
                self._register(view.document(), post.network, files, name=f"part{index}")
                for index, files in enumerate(source.part_files, start=2)
            )
            view.setHtml(
                render(
                    PreviewPost(
                        post.network,
                        post.display_name,
                        post.handle,
                        post.parts,
                        media,
                        post.options,
                        part_media=part_media,
                    ),
                    tone,
                )
            )
            self.addTab(view, network_icon(post.network, text_colour=ink), post.network.label)
            if post.network is self._wanted:
                self.setCurrentWidget(view)

    def _register(
        self,
        document: QTextDocument,
        network: Network,
        thumbnails: tuple[tuple[str, str], ...],
        *,
        name: str = "",
    ) -> tuple[PreviewMedia, ...]:
        aspect = grid_cell_aspect(network, len(thumbnails))
        media = []
        for index, (path, kind) in enumerate(thumbnails):  # renderers show what fits ("+N more", dots)
            image = QImage(path)
            if image.isNull():
                continue
            image = _crop(image, aspect).scaled(
                CELL_PX if len(thumbnails) > 1 else CELL_PX * 2,
                CELL_PX * 2,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            url = f"thumb://{network.value}/{name}{index}"
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
