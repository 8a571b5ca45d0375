"""`outpost`: open the app, or run one headless command over the same engine (INTERFACE.md).

Exit codes: 0 done; 1 the operation ran but did not succeed; 2 bad input (usage or validation).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from outpost import paths, tls
from outpost.log import setup_logging

if TYPE_CHECKING:  # the window starts faster without these; commands import them when they run
    import argparse

    from outpost.domain.errors import KnownError
    from outpost.engine import Engine

#: Opens the engine over a data folder; `Engine.open` (which picks the networks, the keyring and
#: the clock) unless a test or an embedding program hands in its own.
OpenEngine = Callable[[Path], "Engine"]

log = logging.getLogger("outpost.cli")

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def run() -> NoReturn:
    """The `outpost` program itself (the installed command, `python -m outpost`, the bundle).

    `main`, and then, after a one-shot command, the process ends without tearing its modules
    down: Python's own teardown of ~500 modules took longer than the command's network work
    (issue #26). Output is flushed and exit handlers run first; see `_end_now`.

    Python's cycle collector is off while the program loads (see `_collect_from_now`).
    """
    gc.disable()
    _skip_unused_imports()
    tls.prepare()  # the trust store loads in a thread while Python imports the rest
    code = main(as_process=True)
    raise SystemExit(code)


def _collect_from_now() -> None:
    """Turn the cycle collector back on, for the objects made from now on.

    While ~500 modules load, the collector ran again and again over a heap that only grows (and
    holds almost no cycles to free): ~6 % of a one-shot command's time (issue #26). What was
    loaded is set aside (`gc.freeze`) so later collections skip it; the command, the window and
    `outpost run` then run with the collector on, as usual.
    """
    gc.freeze()
    gc.enable()


def _skip_unused_imports() -> None:
    """Keep libraries from loading what Outpost never uses (issue #26: every command pays for it).

    - httpx imports its own command-line client (click, rich and pygments, when installed: a
      third of httpx's import) from its package; marked absent, httpx skips it as it does when
      they are not installed.
    - pydantic scans every installed package's entry points for plugins on the first model it
      builds; Outpost uses none.
    """
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def main(
    argv: Sequence[str] | None = None,
    *,
    open_engine: OpenEngine | None = None,
    as_process: bool = False,
) -> int:
    """Run `outpost` with `argv`; `open_engine` is the seam for tests and embedding.

    `as_process`: the caller is the process itself (`run`): the cycle collector is turned back on
    once the program is loaded, and after a headless command the process ends here, once its
    output and logs are out.
    """
    given = sys.argv[1:] if argv is None else list(argv)
    leading = _leading_options(given)
    if leading is not None and not leading.rest:  # only the window: no argparse, no command tree
        from outpost.app import run_app  # Qt is imported only when the window is wanted

        if as_process:
            _collect_from_now()
        return run_app(paths.data_dir(leading.data_dir))
    from outpost.cli.parser import build_parser

    args = build_parser(leading.command if leading else None).parse_args(given)
    data_dir = paths.data_dir(args.data_dir)
    if args.command is None:
        from outpost.app import run_app

        if as_process:
            _collect_from_now()
        return run_app(data_dir)
    try:
        setup_logging(paths.log_dir(data_dir))
    except OSError as exc:
        message = (
            f"cannot write to the data folder {data_dir}: {exc.strerror}. Make it writable (or pick "
            f"another with --data-dir); nothing in it was changed."
        )
        print(f"outpost: {message}", file=sys.stderr)
        if args.json:
            _print_json({"error": {"code": "store_error", "message": message}})
        return EXIT_FAILED
    import asyncio  # not needed to open the window: imported here, where commands run

    code = asyncio.run(_headless(args, data_dir, open_engine, collect_once_open=as_process))
    if as_process:
        _end_now(code)
    return code


def _end_now(code: int) -> None:
    """End the process with `code` now, as Python would at exit but without tearing modules down.

    What an orderly exit does that matters is done here: standard output and error flushed, the
    exit handlers run (weakref finalizers, temporary folders), log files flushed and closed. A
    thread still running (none should be: the engine is closed) keeps the orderly exit, so its
    work is not cut short; then this returns and the caller exits as usual.
    """
    import atexit
    import threading

    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        log.warning("a thread is still running after the command; exiting the slow way")
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing left to save
            stream.flush()
    atexit._run_exitfuncs()
    logging.shutdown()
    os._exit(code)


@dataclass(frozen=True)
class _Leading:
    """What the global options at the front (`[--data-dir DIR] [--json]`) say, and what follows."""

    data_dir: str | None
    rest: list[str]

    @property
    def command(self) -> str | None:
        """The argument that names the command, if the next one does (an option does not)."""
        return self.rest[0] if self.rest and not self.rest[0].startswith("-") else None


def _leading_options(argv: list[str]) -> _Leading | None:
    """The global options at the front of `argv`, read without argparse; None if one is malformed.

    Nothing after them is the common start, the window, kept fast; otherwise they name the
    command, whose options alone the parser builds. A missing value goes to the whole parser,
    which words the error.
    """
    data_dir: str | None = None
    rest = list(argv)
    while rest:
        arg = rest[0]
        if arg == "--json":
            del rest[0]
        elif arg.startswith("--data-dir="):
            data_dir = arg.removeprefix("--data-dir=")
            del rest[0]
        elif arg == "--data-dir":
            if len(rest) < 2 or rest[1].startswith("-"):
                return None
            data_dir = rest[1]
            del rest[:2]
        else:
            break
    return _Leading(data_dir, rest)


def command_named(argv: list[str]) -> str | None:
    """The argument that names the command in `argv` (after the global options), if any."""
    leading = _leading_options(argv)
    return leading.command if leading else None


async def _headless(
    args: argparse.Namespace,
    data_dir: Path,
    open_engine: OpenEngine | None,
    *,
    collect_once_open: bool = False,
) -> int:
    from outpost.cli.commands import dispatch
    from outpost.domain.errors import KnownError
    from outpost.engine import Engine

    try:
        # No window to keep smooth: media work runs in this process, no worker to start (#26).
        async with (open_engine or (lambda d: Engine.open(d, media_in_process=True)))(data_dir) as engine:
            if collect_once_open:
                _collect_from_now()
            outcome = await dispatch(engine, args)
    except KnownError as error:
        return _fail(args, error)
    except Exception as error:
        log.exception("bug while running %s", args.command)
        print(
            f"outpost: internal error ({type(error).__name__}: {error}). Details are in "
            f"{paths.log_dir(data_dir) / 'outpost.log'}; please report it.",
            file=sys.stderr,
        )
        if args.json:
            _print_json({"error": {"code": "internal_error", "message": str(error)}})
        return EXIT_FAILED
    for warning in outcome.warnings:
        print(f"outpost: {warning}", file=sys.stderr)
    if outcome.quiet:
        return outcome.exit_code
    if args.json:
        _print_json(outcome.document)
    else:
        print(outcome.text)
    return outcome.exit_code


def _fail(args: argparse.Namespace, error: KnownError) -> int:
    from outpost.domain.errors import ValidationError

    code, exit_code = _classify(error)
    if isinstance(error, ValidationError) and len(error.problems) > 1:
        print(f"outpost: {len(error.problems)} problems:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem.message}", file=sys.stderr)
    else:
        print(f"outpost: {error.text()}", file=sys.stderr)
    if args.json:
        from outpost.cli.render import error_json

        _print_json(error_json(error, code))
    return exit_code


def _classify(error: KnownError) -> tuple[str, int]:
    from outpost.domain.errors import (
        InvalidStateError,
        NetworkNotAvailableError,
        NotFoundError,
        PublishError,
        ValidationError,
    )

    if isinstance(error, ValidationError):
        return "validation_error", EXIT_BAD_INPUT
    if isinstance(error, NotFoundError):
        return "not_found", EXIT_BAD_INPUT
    if isinstance(error, InvalidStateError):
        return "invalid_state", EXIT_BAD_INPUT
    if isinstance(error, NetworkNotAvailableError):
        return "network_not_available", EXIT_BAD_INPUT
    if isinstance(error, PublishError):
        return error.code.value, EXIT_FAILED
    return type(error).__name__.removesuffix("Error").lower() or "error", EXIT_FAILED


def _print_json(document: object) -> None:
    import json

    print(json.dumps(document, ensure_ascii=False, indent=2))
