"""The engine: the one async facade the window and the command line both drive."""

from outpost.engine.composer import MediaInput, PostChanges, PostInput, When
from outpost.engine.engine import Engine, Removal

__all__ = ["Engine", "MediaInput", "PostChanges", "PostInput", "Removal", "When"]
