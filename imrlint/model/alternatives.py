"""Patterns of word lists that the regex engine reads fast."""

from __future__ import annotations

import re
from collections.abc import Collection


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
