"""Keep PySide6's import hook from caching the source of every module Outpost imports.

Once PySide6 is imported, shiboken replaces `__import__` with its `__feature_import__`: for each
newly imported module it asks whether the module's source mentions "PySide6" (so that
`from __feature__ import snake_case` can be switched per module), and it asks with
`inspect.getsource`, which reads the whole file into `linecache` and keeps it there for the life
of the process. For the ~380 modules the window and engine import that is ~180,000 lines and
~18 MB of resident memory (measured, docs/benchmarks.md) that nothing ever reads again.

`stop_source_caching` answers the same question by reading the file's bytes once, without
keeping them. The hook is PySide's internal (`shibokensupport.feature._mod_uses_pyside`, PySide6
6.4–6.12), so this is defensive: where the name is missing, nothing changes and Outpost merely
uses more memory.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

_MARK = "_outpost_reads_without_caching"


def stop_source_caching() -> bool:
    """Swap PySide6's "does this module use PySide6?" check for one that caches nothing.

    Call right after the first PySide6 import. Returns whether the swap was made (False when
    PySide6 is not loaded yet, or this PySide6 has no such check).
    """
    feature = sys.modules.get("shibokensupport.feature")
    original: Callable[[ModuleType], bool] | None = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or original is None:
        return False
    if getattr(original, _MARK, False):
        return True

    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)  # built-in, extension or bundled module: no source to cache
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return False  # as PySide's own check answers for a module without readable source

    setattr(mod_uses_pyside, _MARK, True)
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[attr-defined]
    return True
