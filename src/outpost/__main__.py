"""`python -m outpost`: the same entry point as the `outpost` command."""

import multiprocessing

from outpost.cli import run

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the media worker process, in a frozen bundle
    run()
