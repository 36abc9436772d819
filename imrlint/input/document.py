"""A letter's text as the user has it, and positions within it.

Every position imrlint reports is a 1-based line and column in the text the user sees in an
editor: lines end at "\\n", "\\r\\n" or a lone "\\r"; a byte-order mark is not a column; a column
counts characters (code points), not bytes.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field

_LINE_BREAK = re.compile(r"\r\n?|\n")
# Word and typesetting replace the quotes and hyphens typed on a keyboard: curly quotes, primes,
# en and em dashes, the minus sign, non-breaking and soft-wrap hyphens.  Each reads as the ASCII
# character it stands for, one character for one, so every offset stays the user's.
_TYPOGRAPHY = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
}
_LONE_CR = re.compile(r"\r(?!\n)")


def _plain_typography(text: str) -> str:
    """``text`` with its typographic quotes and dashes read as ASCII.  One ``str.replace`` per
    character the text holds: scans in C, where ``str.translate`` with a table looks up every
    character of the letter in Python (0.7 ms a Word draft, a quarter of a second on 5 MB)."""
    for typographic, plain in _TYPOGRAPHY.items():
        if typographic in text:
            text = text.replace(typographic, plain)
    return text


def _line_starts(text: str) -> tuple[int, ...]:
    """Offsets at which the lines of ``text`` begin."""
    if _LONE_CR.search(text):
        return (0, *(match.end() for match in _LINE_BREAK.finditer(text)))
    # Every line break ends in "\n" (LF or CRLF): splitting there is several times faster than
    # a regex scan of the whole letter.
    return tuple(itertools.accumulate((len(line) + 1 for line in text.split("\n")[:-1]), initial=0))


@dataclass(frozen=True, order=True)
class Span:
    """A region of a file: 1-based lines and columns, the end column exclusive (as in SARIF)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Document:
    """One letter's decoded text, with where its pages (PDF) or paragraphs (DOCX) begin.

    ``text`` is the letter as decoded, with typographic quotes and dashes read as their ASCII
    forms (a Word draft's "worker’s" is the PDF's "worker's"); one character stands for one, so
    lines and columns are those of the file as the user has it.

    ``units`` are (offset, label) pairs: a PDF's pages ("1", "2", …) or a DOCX's paragraphs (their
    first words); empty for plain text.  ``unit_kind`` names them ("page", "paragraph") for
    messages and reports.
    """

    path: str
    text: str
    kind: str = "text"
    unit_kind: str = ""
    units: tuple[tuple[int, str], ...] = ()
    line_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.text.isascii():
            object.__setattr__(self, "text", _plain_typography(self.text))
        object.__setattr__(self, "line_starts", _line_starts(self.text))

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset, clamped to the text.

        The offset between a CRLF's two characters is the line's end, like the one before the CR.
        """
        offset = max(0, min(offset, len(self.text)))
        if 0 < offset < len(self.text) and self.text[offset] == "\n" and self.text[offset - 1] == "\r":
            offset -= 1
        line_index = bisect.bisect_right(self.line_starts, offset) - 1
        return line_index + 1, offset - self.line_starts[line_index] + 1

    def offset(self, line: int, column: int) -> int:
        """The character offset of a 1-based line and column: the inverse of :meth:`position`
        (a line outside the text is read as its nearest one)."""
        return self.line_starts[min(max(line, 1), len(self.line_starts)) - 1] + column - 1

    def span(self, start: int, end: int) -> Span:
        """The Span of the character range [start, end)."""
        line, column = self.position(start)
        end_line, end_column = self.position(max(start, end))
        return Span(line, column, end_line, end_column)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def unit_at(self, offset: int) -> tuple[int, str] | None:
        """The 1-based number and label of the page or paragraph holding ``offset``."""
        if not self.units:
            return None
        starts = [start for start, _ in self.units]
        index = max(0, bisect.bisect_right(starts, offset) - 1)
        return index + 1, self.units[index][1]

    def unit_offset(self, offset: int) -> int | None:
        """How many characters of its page or paragraph come before ``offset`` (0-based)."""
        unit = self.unit_at(offset)
        if unit is None:
            return None
        return max(0, offset - self.units[unit[0] - 1][0])
