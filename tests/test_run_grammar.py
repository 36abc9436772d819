"""The letter grammar's terminals are written for speed (bench/, README "Performance"): the
item-heading terminal fails fast on ordinary text lines, and every line terminal reads its
leading blank lines as one run of blank space.  Each must match exactly what its plain wording
matches, at every line of any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import real_letters
from imrlint.parse import letter_parser

NOT_KEY = r"(?![ \t]*(?:Claims\ Administrator\ guideline|MAXIMUS\ guideline|Decision\ rationale):)"
LABEL = r"(?:[^\n]*:[ \t]*(?:Upheld|Overturned)[ \t]*|[^\n]*:[ \t]*(?:[\n][ \t]*)+(?:Upheld|Overturned)[ \t]*)"
# The plain wording of ITEM_HEADING: a partial-authorization paragraph, then any other heading.
ORIGINAL_FIRST = (
    r"[\n](?:[ \t]*[\n])+"
    r"(?=(?:[^\n]*[\n]){0,3}?[^\n]*was\ the\ original)"
    rf"(?:{NOT_KEY}[ \t]*\S[^\n]*[\n]){{1,7}}?"
    r"(?:[ \t]*[\n])+"
    rf"(?:{NOT_KEY}[ \t]*\S[^\n]*[\n]){{0,7}}?"
    rf"{LABEL}"
    r"(?=[\n]|\Z)"
)
ORIGINAL_SECOND = (
    r"[\n](?:[ \t]*[\n])*"
    rf"(?:{NOT_KEY}[ \t]*\S[^\n]*[\n]){{0,7}}?"
    rf"(?:{LABEL[3:-1]}"
    rf"|{NOT_KEY}[ \t]*\S[^\n]*(?=(?:[\n][ \t]*)*[\n][ \t]*Claims\ Administrator\ guideline:))"
    r"(?=[\n]|\Z)"
)
ORIGINAL = re.compile(f"(?ix:{ORIGINAL_FIRST}|{ORIGINAL_SECOND})")

# The line terminals other than ITEM_HEADING and TEXT start "\n[ \t\n]*"; their plain wording
# reads the blank lines, then the line's leading space.
LINE_TERMINALS = ("HOW_TITLE", "SUMMARY_TITLE", "ISSUES_TITLE", "CREDENTIALS_INTRO", "LICENSURE", "SPECIALTY",
                  "CLAIMS_GUIDELINE", "MAXIMUS_GUIDELINE", "RATIONALE")


def _terminal(name: str) -> re.Pattern[str]:
    terminal = next(t for t in letter_parser().terminals if t.name == name)
    return re.compile(terminal.pattern.to_regexp())


def _plain_line_terminal(name: str) -> re.Pattern[str]:
    pattern = _terminal(name).pattern
    lead = "\n[ \t\n]*"
    assert lead in pattern, name
    return re.compile(pattern.replace(lead, "\n(?:[ \t]*\n)*[ \t]*", 1))


CURRENT = _terminal("ITEM_HEADING")
PAIRS = [(ORIGINAL, CURRENT)] + [(_plain_line_terminal(name), _terminal(name)) for name in LINE_TERMINALS]

PIECES = [":", " ", "\t", "\n", "\n\n", "Upheld", "overturned", "Claims Administrator guideline:", "x", "word ", "MAXIMUS guideline:",
          "Decision rationale:", "was the original", "was", " the original", "WAS THE ORIGINAL request.", ": Upheld\n",
          "Norco 10/325mg #120", "  \n", "State(s) of Licensure:", "CLINICAL CASE SUMMARY", "IMR ISSUES, DECISIONS AND RATIONALES"]


def _assert_same_matches(text: str, where: str = "") -> None:
    for newline in re.finditer("\n", text):
        for original, current in PAIRS:
            expected, actual = original.match(text, newline.start()), current.match(text, newline.start())
            assert (expected and expected.group()) == (actual and actual.group()), (where, current.pattern[:40], newline.start())


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40))
def test_terminals_match_as_their_plain_wording_does(pieces):
    _assert_same_matches("\n" + "".join(pieces))


def test_terminals_match_as_their_plain_wording_does_on_real_letters():
    from imrlint.normalise import normalise

    for path in real_letters():
        _assert_same_matches("\n" + normalise(path.read_text(encoding="utf-8")), path.name)
