"""What every engine service shares: the store and its worker, the clock, events, connections.

One object, built by `Engine`, handed to each service (`engine.accounts`, `engine.posts`, …), so
the services need not reach back into `Engine` and none of them owns another's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from outpost.auth.secrets import SecretVault
from outpost.config.settings import Settings, save_settings
from outpost.engine.clock import Clock
from outpost.engine.connections import Connections
from outpost.engine.events import EventBus
from outpost.engine.worker import StoreWorker
from outpost.store import Store


@dataclass
class EngineCore:
    """The engine's shared parts.

    Attributes:
        data_dir: the data folder.
        store: the SQLite store; touched only through `db` (one worker thread).
        db: runs store calls off the event loop, one at a time.
        clock: the engine's time (a fake one in tests).
        events: where changes are reported.
        secrets: the keyring, through the vault that serialises access per key.
        connections: adapters (one per network) and per-account contexts.
        settings: the settings in force; replaced as a whole when they change.
    """

    data_dir: Path
    store: Store
    db: StoreWorker
    clock: Clock
    events: EventBus
    secrets: SecretVault
    connections: Connections
    settings: Settings

    def save_settings(self) -> None:
        """Write the settings in force to the data folder (atomically)."""
        save_settings(self.data_dir, self.settings)
