"""Secrets from standard input instead of the command line (INTERFACE.md, Accounts).

A secret typed as an argument is visible to every local user in the process list and stays in
the shell's history. Any secret option given as `-` is read from standard input instead: one line
per such option, in the order they appear on the command line; the line break is not part of
the secret. On a terminal the line is asked for without echo.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence
from typing import Any

from outpost.domain.errors import ValidationError

STDIN = "-"
#: Where the parser notes which secret options asked for standard input, in command-line order.
PENDING = "secrets_from_stdin"
#: What the help of every secret option says.
HELP = "- reads it from standard input (recommended: then it is not in the process list or history)"


class SecretOption(argparse.Action):
    """Stores a secret option's value; `-` also notes the option, so its line is read in order."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        """Called by argparse for each occurrence of the option (the last one counts)."""
        setattr(namespace, self.dest, values)
        pending: list[tuple[str, str]] = list(getattr(namespace, PENDING, None) or [])
        pending = [p for p in pending if p[0] != self.dest]
        if values == STDIN:
            pending.append((self.dest, option_string or self.dest))
        setattr(namespace, PENDING, pending)


def add_secret_option(parser: argparse.ArgumentParser, flag: str, metavar: str, what: str) -> None:
    """A secret option (`--access-token TOKEN`) that also takes `-`, with help that recommends it."""
    parser.add_argument(flag, metavar=metavar, action=SecretOption, help=f"{what}; {HELP}")


async def resolve_secrets(args: argparse.Namespace) -> None:
    """Replace every secret option given as `-` by a line read from standard input, in order."""
    for dest, flag in getattr(args, PENDING, None) or []:
        if getattr(args, dest) == STDIN:
            setattr(args, dest, await read_secret_line(flag))


async def read_secret_line(flag: str) -> str:
    """One line from standard input (hidden on a terminal), without its line break.

    Raises:
        ValidationError: nothing came (an empty line or the end of the input), naming `flag`.
    """
    if sys.stdin.isatty():
        line: str = await asyncio.to_thread(getpass.getpass, f"{flag}: ", sys.stderr)
    else:
        line = await asyncio.to_thread(sys.stdin.readline)
    secret = line.removesuffix("\n").removesuffix("\r")
    if not secret:
        raise ValidationError.single(
            flag,
            f"{flag}: nothing came on standard input; pipe the secret in on its own line, "
            f"e.g. printf '%s\\n' \"$SECRET\" | outpost … {flag}{'' if flag.endswith('-stdin') else ' -'}",
        )
    return secret
