"""The engine: the one async facade the window and the command line both drive."""

from outpost.engine.accounts import AccountsService, Removal
from outpost.engine.composer import MediaInput, PostChanges, PostInput, When
from outpost.engine.engine import Engine
from outpost.engine.posts import PostsService

__all__ = [
    "AccountsService",
    "Engine",
    "MediaInput",
    "PostChanges",
    "PostInput",
    "PostsService",
    "Removal",
    "When",
]
