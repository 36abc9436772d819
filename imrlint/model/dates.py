"""Dates as IMR letters write them, found in text with their offsets.

Formats seen in the letters: "4/17/2009", "05/12/08", "01-03-2002", "10-13-16", "(12-21-16)",
"October 10, 2015", "Oct. 10, 2015", "December 6th, 2016".  A numeric date is month/day/year
(the letters are Californian); a two-digit year is read 20YY up to :data:`PIVOT`, else 19YY.
A date-shaped token that names no calendar day ("02/30/2016", "13/05/2016") is kept with
``date`` None, so a rule can report it.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from imrlint.model.alternatives import letter_tree, places

# Two-digit years up to this one are 20YY; later ones 19YY ("05/12/08" is 2008, "3/7/98" 1998).
PIVOT = 49

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

# m/d/y or m-d-y with the same separator twice, not part of a longer run of numbers ("7.5/10/12",
# "10/325/5"); the boundaries are checked after matching, since a pattern that opens with a
# look-behind scans text several times slower (and :func:`_numeric_matches` finds where to try it).
_NUMERIC_CORE = r"(?P<month>\d{1,2})(?P<sep>[/-])(?P<day>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"
_NUMERIC = rf"(?<![\w/.\-]){_NUMERIC_CORE}(?![\w/\-]|[.,]\d)"


# Month names capitalised ("October", "OCTOBER", "Oct."), so that "may" the verb is no month.
_MONTH_NAMES = {form for name in MONTHS for form in (name.capitalize(), name.upper())}
_NAMED_CORE = (
    r"(?P<month_name>"
    + letter_tree(_MONTH_NAMES)
    + r")\.?\s+(?P<named_day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<named_year>(?:19|20)\d\d)\b"
)
_NAMED = rf"\b{_NAMED_CORE}"
DATE_PATTERN = re.compile(f"{_NUMERIC}|{_NAMED}")
_WHOLE = re.compile(rf"\s*(?:{_NUMERIC}|{_NAMED})\s*")
_NUMERIC_SCAN = re.compile(_NUMERIC_CORE)
_NAMED_SCAN = re.compile(_NAMED_CORE)
_BEFORE_NUMERIC = frozenset("/.-_")
_AFTER_NUMERIC = frozenset("/-_")


@dataclass(frozen=True)
class DateMention:
    """A date written in a text: ``text[start:end]``; ``date`` is None when no such day exists."""

    date: datetime.date | None
    start: int
    end: int
    text: str


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= PIVOT else 1900
    return year


def _day(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def date_of_match(match: re.Match[str]) -> datetime.date | None:
    """The day a match of :data:`DATE_PATTERN` (or of :func:`parse_date`'s pattern) names, or
    None when there is no such day."""
    month, day, year = match.group("month", "day", "year")
    if month is not None:
        return _day(_year(year), int(month), int(day))
    month_name, day, year = match.group("month_name", "named_day", "named_year")
    return _day(int(year), MONTHS[month_name.lower()], int(day))


def _numeric_matches(text: str, start: int, end: int) -> list[re.Match[str]]:
    """The matches ``_NUMERIC_SCAN.finditer(text, start, end)`` gives, found faster.

    A match has its first separator one or two characters after its start, where a digit is.
    The few separators of a text are found by ``str.find`` far faster than a scan tries the
    pattern at every digit; the pattern is then tried only where a match can start, in order,
    each try after the previous match as ``finditer`` does."""
    matches = []
    resume = start
    for separator in places(text, "/-", start + 1, end):
        # str.isdigit accepts every character \d does (and a few more): a cheap first test
        for candidate in (separator - 2, separator - 1):
            if candidate >= resume and text[candidate].isdigit():
                match = _NUMERIC_SCAN.match(text, candidate, end)
                if match is not None:
                    matches.append(match)
                    resume = match.end()
    return matches


def _named_matches(text: str, start: int, end: int) -> list[re.Match[str]]:
    """The matches of :data:`_NAMED_SCAN` in ``text[start:end]`` that open a word, in order.

    Every match ends in a year, "19.." or "20.." after whitespace.  Those are found by
    ``str.find`` far faster than a scan tries the pattern at every capital letter, and the pattern
    is tried only in the stretch before each.  Two matches never overlap (no month name starts
    inside another), so the matches found stretch by stretch are those of one scan."""
    found: dict[int, re.Match[str]] = {}
    for century in ("19", "20"):
        year = text.find(century, start + 1, end)
        while year >= 0:
            if text[year - 1].isspace():
                earliest = _earliest_named_start(text, start, year)
                if earliest is not None:
                    for match in _NAMED_SCAN.finditer(text, earliest, min(end, year + 5)):
                        found[match.start()] = match
            year = text.find(century, year + 1, end)
    matches = []
    for first in sorted(found):
        if first == 0 or not (text[first - 1].isalnum() or text[first - 1] == "_"):
            matches.append(found[first])
    return matches


def _earliest_named_start(text: str, start: int, year: int) -> int | None:
    """Where a named date ending in the year at ``year`` can start at the earliest (no earlier
    than ``start``), reading back over "<month>. <day>th, "; None when no day can be there."""
    index = year - 1
    while index > start and text[index - 1].isspace():
        index -= 1
    day_end = index
    if index > start and not (text[index - 1].isdigit() or text[index - 1] in "tdh,"):
        return None  # a day ends in a digit, "st", "nd", "rd", "th" or a comma: "in 2016" has none
    while index > start and not text[index - 1].isspace():
        index -= 1
        if day_end - index > len("31st,"):
            return None
    while index > start and text[index - 1].isspace():
        index -= 1
    return max(start, index - len("September."))


def _date_matches(text: str, start: int, end: int) -> list[re.Match[str]]:
    """The matches of the date patterns in ``text[start:end]``, in order of place."""
    length = len(text)
    found = []
    for match in _numeric_matches(text, start, end):
        first, last = match.span()
        before = text[first - 1] if first > 0 else " "
        after = text[last] if last < length else " "
        if before.isalnum() or before in _BEFORE_NUMERIC or after.isalnum() or after in _AFTER_NUMERIC:
            continue
        if after in ".," and last + 1 < length and text[last + 1].isdigit():
            continue
        found.append(match)
    named = _named_matches(text, start, end)
    if found and named:
        return sorted(found + named, key=lambda match: match.start())
    return found or named


def _date_of(match: re.Match[str]) -> datetime.date | None:
    """The day a match of :func:`_date_matches` names, or None when there is no such day."""
    if match.re is _NUMERIC_SCAN:
        month, _, day, year = match.groups()
        return _day(_year(year), int(month), int(day))
    month_name, day, year = match.groups()
    return _day(int(year), MONTHS[month_name.lower()], int(day))


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Every date in ``text[start:end]``, in order, with offsets into ``text``."""
    end = len(text) if end is None else end
    return [
        DateMention(_date_of(match), match.start(), match.end(), match.group())
        for match in _date_matches(text, start, end)
    ]


def find_invalid_dates(text: str) -> list[DateMention]:
    """The dates :func:`find_dates` finds in ``text`` that name no calendar day."""
    return [
        DateMention(None, match.start(), match.end(), match.group())
        for match in _date_matches(text, 0, len(text))
        if _date_of(match) is None
    ]


def parse_date(text: str) -> datetime.date | None:
    """The date ``text`` consists of (surrounding spaces allowed), or None."""
    match = _WHOLE.fullmatch(text)
    return date_of_match(match) if match else None
