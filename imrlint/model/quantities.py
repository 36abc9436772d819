"""Quantities as IMR letters write them in item headings, rationales and summaries.

Three kinds are read, each with its offsets in the text:

- ``count``: how many units are dispensed: "#120", "# 180", "#60 grams", "60 count",
  "QTY: 2", "Qty 2", "x 12" / "x12" / "×12" (after a name, not inside "2x4");
- ``sessions``: how many visits or sessions: "six sessions", "Eight physical therapy sessions",
  "(24 sessions)", "12 visits", "times 12", and frequency by duration: "2 times a week for
  6 weeks" (12), "two times a week times 2 weeks" (4), "3x4" (12), "1 times 8" (8); a total in
  brackets right after a frequency ("2 times a week for 3 weeks (6)") is the same quantity;
- ``refills``: "with 2 refills", "Three refills of ...".

Ranges ("12-18 sessions", "two to three times a week for six to eight weeks") are not single
quantities and are skipped.  Nothing here decides whether a quantity is right; the rules do.
"""

from __future__ import annotations

import functools
import heapq
import re
from dataclasses import dataclass

WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "eighteen": 18,
    "twenty": 20,
    "twenty-four": 24,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
}
# The number words grouped by first letter, longest first within a group ("s(?:ixteen|even|ixty|ix)"):
# an alternation tries each branch in turn, so one branch per letter is cheaper.
NUMBER_WORDS_PATTERN = "|".join(
    first
    + "(?:"
    + "|".join(sorted((re.escape(word[1:]) for word in WORD_NUMBERS if word[0] == first), key=len, reverse=True))
    + ")"
    for first in sorted({word[0] for word in WORD_NUMBERS})
)
_NUMBER = rf"(?:\d+|{NUMBER_WORDS_PATTERN})"
# A number that is not one end of a range ("12-18", "two to three", "six to eight").
_SINGLE = rf"(?<![\d.\-/])(?<!\bto\s)(?<!\bor\s){_NUMBER}(?![\d.]|\s*(?:-|–|to\b|or\b)\s*\d|\s+(?:to|or)\s+{_NUMBER}\b)"

# What a number can start with, as a look-ahead that opens the patterns starting with one: it is
# redundant, but the regex compiler gives a case-insensitive pattern no such shortcut of its own,
# and most places fail that one test, several times cheaper than the pattern.
_NUMBER_START = r"(?=[\d" + "".join(sorted({word[0] for word in WORD_NUMBERS})) + "])"

_PER_WEEK = r"(?:times?|x|visits?|sessions?)\s*(?:a|per|/)\s*week|times?\s+weekly|(?:times?|x)\s*/\s*wk"

# Each pattern (case-insensitive) with its cues, words one of which every match contains (in lower
# case): a text without any of them is not scanned.  Case-insensitive matching also folds a few
# non-ASCII letters onto ASCII ones (the Kelvin sign onto "k"), so the words are only relied on in
# ASCII text.  A pattern is compiled when a text first holds one of its cues: most letters need
# few of them, and compiling them all would cost every run milliseconds.
_PATTERNS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    # "2 times a week for 6 weeks", "two times a week times 2 weeks", "3 times weekly for 4 weeks"
    (
        "sessions",
        ("week",),
        rf"{_NUMBER_START}\b(?P<a>{_SINGLE})\s*(?:{_PER_WEEK})\s*(?:,\s*)?(?:for|times|x)\s+(?P<b>{_SINGLE})\s+weeks?\b(?:\s*\((?P<total>\d+)(?:\s+(?:sessions?|visits?))?\))?",
    ),
    # "twice a week for 3 weeks"
    (
        "sessions",
        ("twice",),
        rf"\btwice\s+(?:a|per)\s+week\s+(?:for|times|x)\s+(?P<b>{_SINGLE})\s+weeks?\b",
    ),
    # "2x4", "3 x 2" (frequency by weeks, as in "physical therapy 2x4"); "1 times 8"
    (
        "sessions",
        ("x", "×", "times"),
        rf"{_NUMBER_START}(?:(?<![\w#.])(?P<a>\d)\s*[x×]\s*(?P<b>\d{{1,2}})(?![\w.%/])|\b(?P<a2>{_SINGLE})\s+times\s+(?P<b2>{_SINGLE})\b(?!\s*(?:a|per)\s+(?:day|week|month)))",
    ),
    # "(24 sessions)", "six sessions", "Eight physical therapy sessions", "12 visits", "18 treatments"
    (
        "sessions",
        ("session", "visit", "treatments"),
        rf"{_NUMBER_START}\b(?P<n>{_SINGLE})\s+(?:[A-Za-z/\-]+\s+){{0,3}}?(?:sessions?|visits?|treatments)\b",
    ),
    # "times 12" (a number of sessions after a procedure)
    ("sessions", ("times",), r"(?<![\d\s])\s+times\s+(?P<n>\d+)\b(?!\s*(?:a|per)\s)"),
    # "#120", "# 180", "#60 grams", "#1 box"
    ("count", ("#",), r"#\s?(?P<n>\d+)(?![\d./])"),
    # "60 count", "90 count"
    ("count", ("count",), r"\b(?P<n>\d+)\s+count\b"),
    # "QTY: 2", "Qty 2", "quantity of 30"
    ("count", ("qty", "quantity"), r"\b(?:QTY|quantity)\s*(?::|of)?\s*(?P<n>\d+)\b"),
    # "x 12", "x12", "×12" after a word (not "2x4")
    ("count", ("x", "×"), r"(?<=[A-Za-z)\]])\s+[x×]\s?(?P<n>\d+)\b(?!\s*(?:a|per)\s)"),
    # "with 2 refills", "Three refills of ..."
    ("refills", ("refill",), rf"{_NUMBER_START}\b(?P<n>{_SINGLE})\s+refills?\b"),
)


@functools.cache
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source, re.IGNORECASE)


_CUES = frozenset(cue for _, cues, _ in _PATTERNS for cue in cues)

# Every quantity states a number: a digit or a number word, which contains one of these (the
# words that contain no other: "six" stands for "sixteen" and "sixty").
_NUMBER_WORD_CUES = tuple(
    word for word in WORD_NUMBERS if not any(other != word and other in word for other in WORD_NUMBERS)
)


@dataclass(frozen=True)
class Quantity:
    """A quantity written in a text: ``text[start:end]`` means ``value`` of ``kind``."""

    kind: str  # "count", "sessions" or "refills"
    value: int
    start: int
    end: int


def number(text: str) -> int | None:
    """The value of "12" or "twelve" (any case), else None."""
    text = text.lower()
    return int(text) if text.isdigit() else WORD_NUMBERS.get(text)


def _holds_number(text: str, lower: str) -> bool:
    """Whether ``text`` (ASCII; ``lower`` is it in lower case) holds a digit or a number word:
    a test much cheaper than looking for quantities."""
    return any(digit in text for digit in "0123456789") or any(cue in lower for cue in _NUMBER_WORD_CUES)


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, in order; where two readings overlap the first pattern wins
    (a frequency by duration over the numbers inside it)."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []  # the spans of ``found``: disjoint, in order
    present = None  # the cues the text contains, when they can be relied on
    if text.isascii():
        lower = text.lower()
        if not _holds_number(text, lower):
            return found
        present = {cue for cue in _CUES if cue in lower}
    for kind, cues, source in _PATTERNS:
        if present is not None and present.isdisjoint(cues):
            continue
        pattern = _compiled(source)
        # A pattern's matches come in order, so one pass over the spans taken finds each overlap:
        # the first span ending after a match starts is the only one that can overlap it.
        added: list[tuple[int, int]] = []
        next_taken = 0
        for match in pattern.finditer(text):
            start, end = match.span()
            while next_taken < len(taken) and taken[next_taken][1] <= start:
                next_taken += 1
            if next_taken < len(taken) and taken[next_taken][0] < end:
                continue
            value = _value(match)
            if value is None or value <= 0:
                continue
            found.append(Quantity(kind, value, start, end))
            added.append((start, end))
        if added:
            taken = list(heapq.merge(taken, added))
    found.sort(key=lambda quantity: quantity.start)
    return found


def _value(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    if groups.get("n") is not None:
        return number(groups["n"])
    if groups.get("total") is not None:
        return int(groups["total"])
    first = groups.get("a") or groups.get("a2")
    second = groups.get("b") or groups.get("b2")
    if second is None:
        return None
    per_week = 2 if first is None else number(first)  # "twice a week"
    weeks = number(second)
    return per_week * weeks if per_week is not None and weeks is not None else None


def quantities_by_kind(text: str) -> dict[str, list[Quantity]]:
    """The quantities of ``text`` grouped by kind."""
    grouped: dict[str, list[Quantity]] = {}
    for quantity in find_quantities(text):
        grouped.setdefault(quantity.kind, []).append(quantity)
    return grouped
