"""The engine: the one async facade the window and the command line both drive.

Besides the engine and its services, this names the plain values a caller hands to them or gets
back (an `AddAccountRequest`, a `DeveloperApp`, a `MediaInfo`), so the window and the command line
import from here and never from `adapters/` or `media/` (docs/architecture.md, the import contracts).
"""

import importlib
from typing import TYPE_CHECKING, Any

from outpost.domain.accounts import AccountTarget, AddAccountRequest, DeveloperApp
from outpost.domain.media_info import MediaInfo, MediaKind
from outpost.engine.accounts import AccountsService, Removal
from outpost.engine.composer import MediaInput, PostChanges, PostInput, When
from outpost.engine.engine import Engine
from outpost.engine.media_host import MediaHostService
from outpost.engine.posts import PostsService

if TYPE_CHECKING:
    from outpost.domain.media_host import BucketSettings, MediaHostCause, MediaHostCheck, MediaHostError
    from outpost.engine.on_networks import NetworkPlan, NetworkResult, NetworksService, NetworkWork

#: Names whose module loads when one of them is first asked for (issue #26: a one-shot command
#: that never edits a published post does not import how to).
_LATER = {
    **dict.fromkeys(
        ("NetworkPlan", "NetworkResult", "NetworksService", "NetworkWork"), "outpost.engine.on_networks"
    ),
    **dict.fromkeys(
        ("BucketSettings", "MediaHostCause", "MediaHostCheck", "MediaHostError"), "outpost.domain.media_host"
    ),
}


def __getattr__(name: str) -> Any:
    """`from outpost.engine import NetworkPlan` and the like: imported on first use."""
    if name in _LATER:
        return getattr(importlib.import_module(_LATER[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
