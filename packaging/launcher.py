"""Entry point of the frozen bundle: the same `outpost` command as the installed package."""

import multiprocessing

from outpost.cli import run

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the media worker process is spawned from this executable
    run()
