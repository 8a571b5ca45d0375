"""Splitting long text into a thread that fits every chosen network (pure; no Qt)."""

from __future__ import annotations

import re
from collections.abc import Callable

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def split_into_thread(
    text: str, *, limit: int, count: Callable[[str], int], numbering: bool = False
) -> list[str]:
    """Break `text` into parts of at most `limit` (as `count` counts).

    Parts break at sentence ends where possible, else between words, else inside a word that
    is longer than a part. With `numbering`, each part ends in ` i/n`, counted in the limit.

    Returns:
        The parts in order; a text that already fits is one part, unnumbered.
    """
    text = text.strip()
    if not text:
        return []
    if count(text) <= limit:
        return [text]
    budget = max(1, limit - (count(" 99/99") if numbering else 0))
    parts: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if _fits(parts, sentence, budget, count):
            parts[-1] = f"{parts[-1]} {sentence}"
        elif count(sentence) <= budget:
            parts.append(sentence)
        else:
            _add_words(parts, sentence, budget, count)
    if numbering:
        parts = [f"{part} {index}/{len(parts)}" for index, part in enumerate(parts, start=1)]
    return parts


def _fits(parts: list[str], piece: str, budget: int, count: Callable[[str], int]) -> bool:
    return bool(parts) and count(f"{parts[-1]} {piece}") <= budget


def _add_words(parts: list[str], sentence: str, budget: int, count: Callable[[str], int]) -> None:
    for word in sentence.split():
        if _fits(parts, word, budget, count):
            parts[-1] = f"{parts[-1]} {word}"
        elif count(word) <= budget:
            parts.append(word)
        else:
            parts.extend(_cut(word, budget, count))


def _cut(word: str, budget: int, count: Callable[[str], int]) -> list[str]:
    """A word longer than a part, in pieces that each fit (by the network's own count)."""
    pieces, piece = [], ""
    for char in word:
        if piece and count(piece + char) > budget:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece] if piece else pieces
