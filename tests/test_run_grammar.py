"""The letter grammar's item-heading terminal was rewritten for speed (bench/, README
"Performance"): its look-aheads test for the following "Claims Administrator guideline:" line
once, at the start of a line, instead of at every character while backtracking.  It must match
exactly what the original wording matched, at every line of any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from imrlint.parse import letter_parser

NOT_KEY = r"(?![ \t]*(?:Claims\ Administrator\ guideline|MAXIMUS\ guideline|Decision\ rationale):)"
# The original second alternative of ITEM_HEADING (the first is unchanged).
ORIGINAL_SECOND = (
    r"[\n](?:[ \t]*[\n])*"
    rf"(?:{NOT_KEY}[ \t]*\S[^\n]*[\n]){{0,7}}?"
    r"(?:[^\n]*:[ \t]*(?:Upheld|Overturned)[ \t]*"
    r"|[^\n]*:[ \t]*(?:[\n][ \t]*)+(?:Upheld|Overturned)[ \t]*"
    rf"|{NOT_KEY}[ \t]*\S[^\n]*(?=(?:[\n][ \t]*)*[\n][ \t]*Claims\ Administrator\ guideline:))"
    r"(?=[\n]|\Z)"
)


def _terminal() -> re.Pattern[str]:
    terminal = next(t for t in letter_parser().terminals if t.name == "ITEM_HEADING")
    return re.compile(terminal.pattern.to_regexp())


CURRENT = _terminal()
# The first alternative as the grammar has it, then the original second one.
FIRST = CURRENT.pattern[CURRENT.pattern.index("[\n](?:[ \t]*[\n])+") : CURRENT.pattern.index("\n  |[\n]")]
ORIGINAL = re.compile(f"(?ix:{FIRST}|{ORIGINAL_SECOND})")

PIECES = [":", " ", "\t", "\n", "\n\n", "Upheld", "overturned", "Claims Administrator guideline:", "x", "word ", "MAXIMUS guideline:",
          "Decision rationale:", "was the original", ": Upheld\n", "Norco 10/325mg #120", "  \n"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40))
def test_item_heading_matches_as_the_original_did(pieces):
    text = "\n" + "".join(pieces)
    for newline in re.finditer("\n", text):
        original, current = ORIGINAL.match(text, newline.start()), CURRENT.match(text, newline.start())
        assert (original and original.group()) == (current and current.group())


def test_item_heading_matches_as_the_original_did_on_real_letters(shared):
    from imrlint.normalise import normalise

    letters = sorted((shared / "corpus" / "text").glob("*.txt")) + sorted((shared / "seeds").glob("*.txt"))
    for path in letters:
        text = "\n" + normalise(path.read_text(encoding="utf-8"))
        for newline in re.finditer("\n", text):
            original, current = ORIGINAL.match(text, newline.start()), CURRENT.match(text, newline.start())
            assert (original and original.group()) == (current and current.group()), (path.name, newline.start())
