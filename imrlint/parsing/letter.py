"""Parsing: normalised letter text to a Lark syntax tree, with located parse errors.

The grammar (grammars/letter.lark) is LALR(1) with Lark's contextual lexer, compiled once per
process.  A letter that does not fit it is not rejected: each unexpected line is recorded as a
ParseError and, where plain text is allowed at that point, parsed as text, so the rest of the
letter still yields a tree and the structural rules can still run.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from imrlint.parsing.choice import lean_parsing
from imrlint.parsing.grammars import compiled_grammar, lean_tables
from imrlint.parsing.lalr import LeanParser
from imrlint.parsing.normalise import normalise
from imrlint.parsing.tree import Token, Tree, from_lark

if TYPE_CHECKING:
    import lark

# What each terminal looks like to a person reading a parse error.
TERMINAL_DESCRIPTIONS = {
    "HOW_TITLE": "the section title 'HOW THE IMR FINAL DETERMINATION WAS MADE'",
    "SUMMARY_TITLE": "the section title 'CLINICAL CASE SUMMARY'",
    "ISSUES_TITLE": "the section title 'IMR ISSUES, DECISIONS AND RATIONALES'",
    "CREDENTIALS_INTRO": "'The Expert Reviewer has the following credentials:'",
    "LICENSURE": "'State(s) of Licensure:'",
    "SPECIALTY": "'Certification(s)/Specialty:'",
    "ITEM_HEADING": "an item heading ending in ': Upheld' or ': Overturned'",
    "CLAIMS_GUIDELINE": "'Claims Administrator guideline:'",
    "MAXIMUS_GUIDELINE": "'MAXIMUS guideline:'",
    "RATIONALE": "'Decision rationale:'",
    "TEXT": "text",
    "_TRAILER": "the end of the letter",
    "$END": "the end of the letter",
}


_SECTION_TITLES = {"HOW_TITLE", "SUMMARY_TITLE", "ISSUES_TITLE"}
_ENDINGS = {"$END", "_TRAILER"}


@dataclass(frozen=True)
class ParseError:
    """A line that does not fit the grammar: where (offsets in the letter) and what was expected."""

    start: int
    end: int
    found: str
    expected: tuple[str, ...]

    @property
    def message(self) -> str:
        names = set(self.expected)
        wanted = []
        if names & _SECTION_TITLES:
            wanted.append("a section title")
        wanted += sorted(
            {TERMINAL_DESCRIPTIONS.get(name, name) for name in names - _SECTION_TITLES - _ENDINGS - {"TEXT"}}
        )
        if "TEXT" in names:
            wanted.append("text")
        if not wanted and names & _ENDINGS:
            wanted.append("the end of the letter")
        return (
            f"{TERMINAL_DESCRIPTIONS.get(self.found, self.found)} is out of place here; expected "
            f"{' or '.join(wanted) or 'nothing more'}"
        )


@dataclass(frozen=True)
class ParseResult:
    """A letter's syntax tree and the lines that do not fit the grammar."""

    tree: Tree
    errors: tuple[ParseError, ...]


OPTIONS = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": False}


@functools.lru_cache(maxsize=1)
def letter_parser() -> lark.Lark:
    """The letter grammar compiled by Lark (built, or loaded from the grammar cache, once per
    process): for the letters the lean loop does not accept, and ``--parser lark``."""
    return compiled_grammar("letter.lark", **OPTIONS)


@functools.lru_cache(maxsize=1)
def lean_letter_parser() -> LeanParser | None:
    """The letter grammar's tables run without Lark (imrlint.parsing.lalr), or None where the
    installed Lark's tables cannot be read."""
    tables = lean_tables("letter.lark", **OPTIONS)
    return None if tables is None else LeanParser(tables, {"ITEM_HEADING": headings_ruled_out})


# What an item heading (ITEM_HEADING in grammars/letter.lark) ends at: a line whose last word is a
# label, or the line before a "Claims Administrator guideline:" line; every line of it before the
# last continues its sentence, so none ends one (in ".", "?" or "!", perhaps followed by a closing
# quote or bracket), except a line ending in "original request." or "Claims Administrator.".
# Matched as the grammar matches them: case-insensitively (re's folding of "i" and "s" included).
_LABELS = ("upheld", "overturned")
_GUIDELINE_LINE = re.compile(r"[ \t]*claims administrator guideline:", re.IGNORECASE)
_CONTINUED_AFTER_FULL_STOP = re.compile(r"(?:original request|claims administrator)\.\Z", re.IGNORECASE)
_SENTENCE_ENDS = (".", "?", "!")
_CLOSERS = "\"')]"


def headings_ruled_out(source: str) -> list[int]:
    """The line breaks of ``source`` (the parser's input) after which no item heading can start:
    those from which the next line that ends a sentence comes before any line a heading can end
    at.  The lexer does not try the item heading's regex there (the one that costs most to try,
    at every line of a summary or a rationale).

    Read from the last line up, once, looking only at the two ends of each line.
    Leaving the heading's twelve-line limit and its other conditions aside only rules out fewer
    places; tests/test_lalr.py checks on every real letter and on random text that the regex
    never matches where this rules it out."""
    ruled_out = []
    heading_ahead = False  # whether a line below could end a heading, with no sentence ended before it
    end = len(source)
    for line in reversed(source.split("\n")):
        start = end - len(line)
        content = line.rstrip(" \t")
        if content:
            last = content[-1]
            labelled = last in "dD" and content.lower().endswith(_LABELS)
            if labelled or (line.lstrip(" \t")[:1] in ("c", "C") and _GUIDELINE_LINE.match(line)):
                heading_ahead = True  # a heading can end here, or on the line before this guideline line
            elif last in _SENTENCE_ENDS:
                if last != "." or _CONTINUED_AFTER_FULL_STOP.search(content) is None:
                    heading_ahead = False
            elif last in _CLOSERS and content[-2:-1] in _SENTENCE_ENDS:
                heading_ahead = False
        if not heading_ahead and start:
            ruled_out.append(start - 1)
        end = start - 1
    ruled_out.reverse()
    return ruled_out


def token_start(token: Token) -> int:
    """A token's offset in the parser's input."""
    return token.start_pos


def line_bounds(token: Token) -> tuple[int, int]:
    """Offsets in the letter of a line token's visible content (its leading blank lines skipped).

    Tokens carry the line break and blank lines before the line; the parser input is the letter
    with one "\\n" prepended, hence the shift by one.  Trailing spaces (and the carriage return
    of a CRLF line end, a space once normalised) are not part of the content.
    """
    offset = token_start(token) - 1
    return offset + token.rfind("\n") + 1, offset + len(token.rstrip())


def parse_letter(text: str) -> ParseResult:
    """Parse a letter's text; never raises for any input string.

    A letter that fits the grammar is parsed by the lean loop; one that does not is parsed again
    by Lark's parser, whose error recovery locates each line out of place.  With
    ``IMRLINT_PARSER=lark`` every letter is parsed by Lark's parser."""
    source = "\n" + normalise(text)
    lean = lean_letter_parser() if lean_parsing() else None
    tree = lean.tree(source) if lean is not None else None
    if tree is not None:
        return ParseResult(tree, ())
    return _parse_with_lark(source, len(text))


def _parse_with_lark(source: str, size: int) -> ParseResult:
    """The tree and the errors of a letter (``source``, "\\n" and ``size`` characters) by Lark's
    parser, whose error recovery goes on past each line out of place."""
    import lark
    from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

    errors: list[ParseError] = []

    def recover(error: UnexpectedInput) -> bool:
        if isinstance(error, UnexpectedToken):
            token = error.token
            if token.type == "$END":
                return False
            start, end = line_bounds(cast(Token, from_lark(token)))
            errors.append(ParseError(start, end, token.type, tuple(sorted(error.accepts or error.expected))))
            if "TEXT" in (error.accepts or error.expected):
                error.interactive_parser.feed_token(lark.Token.new_borrow_pos("TEXT", str(token), token))
            return True
        if isinstance(error, UnexpectedCharacters):
            position = max(0, (error.pos_in_stream or 0) - 1)
            errors.append(ParseError(position, position + 1, "character", tuple(sorted(error.allowed))))
            return True
        return False

    try:
        tree = from_lark(letter_parser().parse(source, on_error=recover))
    except UnexpectedInput as error:
        position = max(0, min(size, getattr(error, "pos_in_stream", 0) or 0) - 1)
        errors.append(ParseError(position, position, "$END", tuple(sorted(getattr(error, "expected", ()) or ()))))
        tree = Tree("start", [])
    assert isinstance(tree, Tree)  # the start rule is never inlined
    return ParseResult(tree, tuple(errors))
