"""Outpost's embedded SQLite store: the only place that speaks SQL."""

from outpost.store.db import Database
from outpost.store.store import Store

__all__ = ["Database", "Store"]
