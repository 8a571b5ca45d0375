"""Where Outpost keeps its files: one data folder (store, media cache, logs, settings)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "Outpost"
APP_ID = "io.github.outpost_app.Outpost"  # reverse-DNS id of the .desktop file and AppStream metainfo
RESOURCES = Path(__file__).resolve().parent / "resources"


def resource(relative: str) -> Path:
    """A file shipped with Outpost (icons…), wherever it is installed (source, wheel, bundle)."""
    return RESOURCES / relative


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: `--data-dir`, else `$OUTPOST_DATA_DIR`, else the platform's user data folder."""
    chosen = explicit or os.environ.get("OUTPOST_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve()
    import platformdirs  # only when the platform's folder is what is wanted

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir(data: Path) -> Path:
    """Where logs go (inside the data folder, so `--data-dir` isolates everything)."""
    return data / "logs"


def run_dir(data: Path) -> Path:
    """Lock files of running engines."""
    return data / "run"
