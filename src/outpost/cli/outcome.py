"""What a command hands back to `cli.main` to print: one shape for every command module."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from outpost.engine import Engine


@dataclass
class Outcome:
    """What a command produced: a JSON document, its text form, and the exit code."""

    document: Any
    text: str
    exit_code: int = 0
    warnings: list[str] = field(default_factory=list)
    quiet: bool = False  # print nothing (the command already spoke on stdout: `outpost mcp`)


Handler = Callable[["Engine", argparse.Namespace], Awaitable[Outcome]]
