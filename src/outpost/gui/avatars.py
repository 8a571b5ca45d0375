"""Accounts' pictures for the window (account cards; chips may use them too), fetched once each.

`engine.accounts.avatar` fetches a picture from the network and keeps it in the data folder; this
reads the kept file off the Qt thread and holds the pixmap by address, so every widget that shows
an account asks here and the network is asked at most once per picture.
"""

from __future__ import annotations

import asyncio

from outpost.domain.models import Account
from outpost.engine import Engine
from outpost.gui.qt import QObject, QPixmap, Signal
from outpost.gui.tasks import run_op


class Avatars(QObject):
    """Pixmaps of accounts' pictures, by picture address; read in the background when first asked.

    Signals:
        did_load(str): the picture of this account id is ready (`get` now returns it).
    """

    did_load = Signal(str)

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._pixmaps: dict[str, QPixmap | None] = {}  # None while fetched, or if there is none

    def get(self, account: Account) -> QPixmap | None:
        """The account's picture if fetched; the first call for a picture starts fetching it."""
        url = account.avatar_url
        if not url:
            return None
        if url not in self._pixmaps:
            self._pixmaps[url] = None
            run_op(self._read(account), on_success=lambda data: self._loaded(account, data))
        return self._pixmaps[url]

    async def _read(self, account: Account) -> bytes | None:
        path = await self.engine.accounts.avatar(account)
        return None if path is None else await asyncio.to_thread(path.read_bytes)

    def _loaded(self, account: Account, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data is None or not pixmap.loadFromData(data) or account.avatar_url is None:
            self._pixmaps.pop(account.avatar_url or "", None)  # asked again at the next refresh
            return
        self._pixmaps[account.avatar_url] = pixmap
        self.did_load.emit(account.id)
