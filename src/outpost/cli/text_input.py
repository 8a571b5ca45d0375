"""A post's text (and a thread's parts) from standard input or a file, not only an argument.

A long text cannot be an argument: the OS limits a command line (a few hundred KB to 2 MB) and
every local user can read it in the process list. `--text -` reads the text from standard input,
`--text-file PATH` from a UTF-8 file, `--thread-file PATH` the further parts of a thread (`-` for
standard input). Line breaks at the end of a text are dropped (an editor ends a file with one);
Windows line breaks become plain ones.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from outpost.domain.errors import ValidationError

STDIN = "-"
#: A line with only this on it separates a thread file's parts.
THREAD_SEPARATOR = "---"


async def read_text(args: argparse.Namespace) -> str | None:
    """The post's text from `--text` (`-`: standard input) or `--text-file`; None if neither is given."""
    if args.text_file is not None:
        return _tidy(await _read_file(args.text_file, "--text-file"))
    if args.text == STDIN:
        return _tidy(await _read_stdin("--text", "the post's text"))
    text: str | None = args.text
    return text


async def read_thread(args: argparse.Namespace) -> tuple[str, ...] | None:
    """The thread's further parts from `--thread` or `--thread-file`; None if neither is given."""
    if args.thread_file is None:
        return None if args.thread is None else tuple(args.thread)
    if args.thread_file == STDIN:
        if args.text == STDIN:
            raise ValidationError.single(
                "--thread-file",
                f"--thread-file: standard input already holds the post's text (--text {STDIN}); "
                f"give the thread as a file, or the text with --text-file.",
            )
        content = await _read_stdin("--thread-file", "the thread's further parts")
    else:
        content = await _read_file(args.thread_file, "--thread-file")
    return split_thread(content)


def split_thread(content: str) -> tuple[str, ...]:
    """A thread file's parts: separated by lines with only `---`; empty parts are skipped."""
    parts: list[list[str]] = [[]]
    for line in content.replace("\r\n", "\n").split("\n"):
        if line.strip() == THREAD_SEPARATOR:
            parts.append([])
        else:
            parts[-1].append(line)
    tidied = (_tidy("\n".join(lines)).lstrip("\n") for lines in parts)
    return tuple(part for part in tidied if part.strip())


def _tidy(text: str) -> str:
    return text.replace("\r\n", "\n").rstrip("\n")


async def _read_file(path: str, flag: str) -> str:
    try:
        data = await asyncio.to_thread(_read_bytes, path)
    except OSError as exc:
        raise ValidationError.single(
            flag,
            f"{flag}: cannot read {path}: {exc.strerror or exc}. Give the path of a text file you can read.",
            actual=path,
        ) from None
    return _decode(data, flag, path)


def _read_bytes(path: str) -> bytes:
    return Path(path).expanduser().read_bytes()


async def _read_stdin(flag: str, what: str) -> str:
    if sys.stdin.isatty():
        eof = "Ctrl+Z, then Enter" if sys.platform == "win32" else "Ctrl+D"
        print(f"Type {what}, then press {eof} on a line of its own:", file=sys.stderr, flush=True)
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text stream without bytes underneath (an embedding program's, a test's)
        text: str = await asyncio.to_thread(sys.stdin.read)
        return text
    data: bytes = await asyncio.to_thread(buffer.read)
    return _decode(data, flag, "standard input")


def _decode(data: bytes, flag: str, source: str) -> str:
    try:
        return data.decode("utf-8-sig")  # a byte-order mark, as some Windows editors write, is not text
    except UnicodeDecodeError as exc:
        raise ValidationError.single(
            flag,
            f"{flag}: {source} is not UTF-8 text (byte {exc.start + 1} cannot be read); save it as "
            f"UTF-8 and try again.",
            actual=source,
        ) from None
