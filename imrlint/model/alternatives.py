"""Patterns of word lists that the regex engine reads fast, and places of literals found faster than by a pattern."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable


def letter_tree(words: Collection[str]) -> str:
    """A pattern matching any of ``words``, the longest first where one begins another, written
    as a tree of their letters ("Ju(?:ne?|ly?)"): the regex engine follows one branch per
    letter instead of trying each word in turn."""
    branches = []
    for first in sorted({word[0] for word in words}):
        rests = {word[1:] for word in words if word[0] == first}
        longer = {rest for rest in rests if rest}
        if not longer:
            branches.append(re.escape(first))
        elif "" in rests:
            branches.append(f"{re.escape(first)}(?:{letter_tree(longer)})?")
        else:
            branches.append(re.escape(first) + letter_tree(longer))
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def places(text: str, literals: Iterable[str], start: int = 0, end: int | None = None) -> list[int]:
    """Where each of ``literals`` occurs in ``text[start:end]``, in order: ``str.find`` finds a
    literal several times faster than a regex scan tries a pattern at every character, so the
    few places a pattern can match at are found first, and it is tried only there."""
    end = len(text) if end is None else end
    found = []
    for literal in literals:
        index = text.find(literal, start, end)
        while index >= 0:
            found.append(index)
            index = text.find(literal, index + 1, end)
    found.sort()
    return found
