"""Logging: named loggers per area, a rotating log file in the data folder, secrets redacted."""

from __future__ import annotations

import logging
import os
import re
from io import TextIOWrapper
from pathlib import Path

from outpost.private_files import make_data_folder_private, open_private, private_dir

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


class RotatingFile(logging.FileHandler):
    """`outpost.log`, moved to `.1` … `.N` when it would pass `max_bytes` (the oldest is dropped).

    Does what `logging.handlers.RotatingFileHandler` does for us, without importing
    `logging.handlers` (socket, pickle, queue…: ~8 ms before the first window).
    """

    def __init__(self, path: Path, *, max_bytes: int, backups: int) -> None:
        super().__init__(path, encoding="utf-8")
        self.max_bytes, self.backups = max_bytes, backups

    def _open(self) -> TextIOWrapper:
        """The log file, created 0600 whatever the umask (a rotation creates a new one too)."""
        descriptor = open_private(Path(self.baseFilename), os.O_WRONLY | os.O_APPEND)
        return open(descriptor, "a", encoding=self.encoding, errors=self.errors)

    def emit(self, record: logging.LogRecord) -> None:
        """Format once (redaction included), rotate first if the line would pass the limit, write."""
        try:
            line = self.format(record) + self.terminator
            if self.stream is None:
                self.stream = self._open()
            if self.stream.tell() + len(line) > self.max_bytes:
                self._rotate()
            self.stream.write(line)
            self.flush()
        except (OSError, ValueError):
            self.handleError(record)

    def _rotate(self) -> None:
        if self.stream is not None:
            self.stream.close()
        base = Path(self.baseFilename)
        for number in range(self.backups - 1, 0, -1):
            older = base.with_name(f"{base.name}.{number}")
            if older.exists():
                older.replace(base.with_name(f"{base.name}.{number + 1}"))
        base.replace(base.with_name(f"{base.name}.1"))
        self.stream = self._open()


def setup_logging(log_folder: Path, *, verbose: bool = False) -> Path:
    """Log to `log_folder/outpost.log` (rotated, 5 × 2 MB) and warnings to stderr.

    `log_folder` is in the data folder (`paths.log_dir`). This is the first thing to touch the
    data folder, so it makes it private here (issue #25) — once its own handler is in place, so
    that the log says when an open folder was tightened.
    """
    private_dir(log_folder)
    path = log_folder / "outpost.log"
    root = logging.getLogger("outpost")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        if getattr(handler, "_outpost", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = RotatingFile(path, max_bytes=2_000_000, backups=5)
    file_handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    file_handler._outpost = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    root.propagate = False
    make_data_folder_private(log_folder.parent)
    return path
