"""The engine: the one async facade the window and the command line both drive.

Besides the engine and its services, this names the plain values a caller hands to them or gets
back (an `AddAccountRequest`, a `DeveloperApp`, a `MediaInfo`), so the window and the command line
import from here and never from `adapters/` or `media/` (docs/architecture.md, the import contracts).
"""

from outpost.domain.accounts import AccountTarget, AddAccountRequest, DeveloperApp
from outpost.domain.media_host import BucketSettings, MediaHostCause, MediaHostCheck, MediaHostError
from outpost.domain.media_info import MediaInfo, MediaKind
from outpost.engine.accounts import AccountsService, Removal
from outpost.engine.composer import MediaInput, PostChanges, PostInput, When
from outpost.engine.engine import Engine
from outpost.engine.media_host import MediaHostService
from outpost.engine.on_networks import NetworkPlan, NetworkResult, NetworksService, NetworkWork
from outpost.engine.posts import PostsService

__all__ = [
    "AccountTarget",
    "AccountsService",
    "AddAccountRequest",
    "BucketSettings",
    "DeveloperApp",
    "Engine",
    "MediaHostCause",
    "MediaHostCheck",
    "MediaHostError",
    "MediaHostService",
    "MediaInfo",
    "MediaInput",
    "MediaKind",
    "NetworkPlan",
    "NetworkResult",
    "NetworkWork",
    "NetworksService",
    "PostChanges",
    "PostInput",
    "PostsService",
    "Removal",
    "When",
]
