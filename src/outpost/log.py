"""Logging: named loggers per area, a rotating log file in the data folder, secrets redacted."""

from __future__ import annotations

import logging
import re
from pathlib import Path

_SECRET_PATTERNS = (
    re.compile(r"(?i)(authorization:\s*(?:bearer|dpop)\s+)[^\s'\"]+"),
    re.compile(r"(?i)((?:access|refresh)_?(?:token|jwt)[\"']?\s*[:=]\s*[\"']?)[^\s'\",}]+"),
    re.compile(r"(?i)((?:app_?password|client_secret|password)[\"']?\s*[:=]\s*[\"']?)[^\s'\",}]+"),
)


def redact(text: str) -> str:
    """`text` with bearer tokens, passwords and client secrets replaced by `[redacted]`."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


class RedactingFormatter(logging.Formatter):
    """A formatter that never writes a secret it can recognise."""

    def format(self, record: logging.LogRecord) -> str:
        """Format, then redact."""
        return redact(super().format(record))


def setup_logging(log_folder: Path, *, verbose: bool = False) -> Path:
    """Log to `log_folder/outpost.log` (rotated, 5 × 2 MB) and warnings to stderr."""
    import logging.handlers  # socket, pickle and friends: loaded here, not at import

    log_folder.mkdir(parents=True, exist_ok=True)
    path = log_folder / "outpost.log"
    root = logging.getLogger("outpost")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        if getattr(handler, "_outpost", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    file_handler._outpost = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    root.propagate = False
    return path
