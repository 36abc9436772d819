"""The letter grammar's line terminals match exactly what their plain wording says, at every line of
any text: the item-heading terminal (a regular expression written to fail fast) against the
heading rule spelled out line by line below, and every other line terminal against its wording
with the leading blank lines read one by one."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imrlint.input.read import read_path
from imrlint.parsing.letter import letter_parser
from imrlint.parsing.normalise import normalise

from conftest import SHAPES, real_letters

KEYS = (
    "claims administrator guideline:",
    "maximus guideline:",
    "decision rationale:",
    "state(s) of licensure:",
    "certification(s)/specialty:",
    "the expert reviewer has the following credentials:",
)
TITLE = re.compile(
    r"(?:HOW THE IMR FINAL DETERMINATION WAS MADE|CLINICAL CASE SUMMARY"
    r"|IMR ISSUES,? DECISIONS,? AND RATIONALES?)[ \t]*",
    re.I,
)
LABELS = ("upheld", "overturned")
MAX_LINES = 12


def _lines_after(text: str, position: int) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line after the line break at ``position``."""
    lines = []
    start = position + 1
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if text[start:end].strip(" \t"):
            lines.append((start, end))
        start = end + 1
    return lines


def _is_key(line: str) -> bool:
    return line.lstrip(" \t").lower().startswith(KEYS)


def _is_title(line: str) -> bool:
    return TITLE.fullmatch(line.lstrip(" \t")) is not None


def _ends_sentence(line: str) -> bool:
    """The line ends a sentence (".", "?", "!", maybe then a closing quote or bracket) or
    introduces what follows ("set forth below:", "the following:", "as follows:")."""
    visible = line.rstrip(" \t")
    if visible.endswith(("below:", "following:", "follows:")):
        return True
    if visible[-1:] in "\"')]":
        visible = visible[:-1]
    return visible[-1:] in (".", "?", "!")


def _continues_heading(line: str) -> bool:
    """A line that may stand before a heading's last line: no key line or title, no line ending
    in a label word, and no line that ends a sentence unless the partial-authorization form."""
    lowered = line.rstrip(" \t").lower()
    if _is_key(line) or _is_title(line) or lowered.endswith(LABELS):
        return False
    return not _ends_sentence(line) or lowered.endswith(("original request.", "claims administrator."))


def _label_end(text: str, lines: list[tuple[int, int]], index: int) -> int | None:
    """Where the heading ends if line ``index`` is its last: at the end of the line of its label,
    which is on the line (after a colon) or alone on the next line (after a line ending in a colon);
    else None."""
    start, end = lines[index]
    line = text[start:end]
    if _is_key(line):
        return None
    visible = line.rstrip(" \t")
    for label in LABELS:
        if visible.lower().endswith(label) and visible[: -len(label)].rstrip(" \t").endswith(":"):
            return end
    if visible.endswith(":") and index + 1 < len(lines):
        next_start, next_end = lines[index + 1]
        following = text[next_start:next_end].strip(" \t")
        if following.lower() in LABELS and text[end:next_start].strip(" \t\n") == "":
            return next_end
    return None


def _unlabelled_end(text: str, lines: list[tuple[int, int]], index: int) -> int | None:
    """Where the heading ends if line ``index`` is an unlabelled last line: a line that ends in no
    sentence and no colon, directly followed by a "Claims Administrator guideline:" line."""
    start, end = lines[index]
    line = text[start:end]
    if _is_key(line) or _is_title(line) or _ends_sentence(line) or line.rstrip(" \t").endswith(":"):
        return None
    if index + 1 < len(lines):
        following = text[lines[index + 1][0] : lines[index + 1][1]]
        if following.lstrip(" \t").lower().startswith("claims administrator guideline:"):
            return end
    return None


def plain_heading(text: str, position: int) -> str | None:
    """The item heading starting at the line break at ``position``, by the rule the grammar states."""
    lines = _lines_after(text, position)
    for index in range(min(MAX_LINES, len(lines))):
        end = _label_end(text, lines, index) or _unlabelled_end(text, lines, index)
        if end is not None:
            return text[position:end]
        if not _continues_heading(text[lines[index][0] : lines[index][1]]):
            return None
    return None


# The line terminals other than ITEM_HEADING and TEXT start "\n[ \t\n]*"; their plain wording
# reads the blank lines, then the line's leading space.
LINE_TERMINALS = (
    "HOW_TITLE",
    "SUMMARY_TITLE",
    "ISSUES_TITLE",
    "CREDENTIALS_INTRO",
    "LICENSURE",
    "SPECIALTY",
    "CLAIMS_GUIDELINE",
    "MAXIMUS_GUIDELINE",
    "RATIONALE",
)


def _terminal(name: str) -> re.Pattern[str]:
    terminal = next(t for t in letter_parser().terminals if t.name == name)
    return re.compile(terminal.pattern.to_regexp())


def _plain_line_terminal(name: str) -> re.Pattern[str]:
    pattern = _terminal(name).pattern
    lead = "\n[ \t\n]*"
    assert lead in pattern, name
    return re.compile(pattern.replace(lead, "\n(?:[ \t]*\n)*[ \t]*", 1))


HEADING = _terminal("ITEM_HEADING")
PAIRS = [(_plain_line_terminal(name), _terminal(name)) for name in LINE_TERMINALS]

PIECES = [
    ":",
    " ",
    "\t",
    "\n",
    "\n\n",
    "Upheld",
    "overturned",
    "Claims Administrator guideline:",
    "x",
    "word ",
    "MAXIMUS guideline:",
    "Decision rationale:",
    "was the original request.",
    "by the Claims Administrator.",
    ".",
    "?",
    ".)",
    '."',
    "set forth below:",
    "as follows:",
    "Norco 10/325mg #120",
    "  \n",
    "State(s) of Licensure:",
    "CLINICAL CASE SUMMARY",
    "IMR ISSUES, DECISIONS AND RATIONALES",
]
# Whole lines: the ones a heading is made of or stopped by, and runs long enough to pass its limit.
LINES = [
    "\nThe Final Determination was based on decisions for the disputed items/services set forth below:",
    "\nNorco 10/325mg #120",
    "\nMRI of the knee: Upheld",
    "\nLabs to include:",
    "\nOverturned",
    "\nTherefore the request is not medically necessary.",
    "\nNorco 10/325mg #60 was the original request.",
    "\nNorco 10/325mg #25 was authorized by the Claims Administrator.",
    "\nClaims Administrator guideline: MTUS",
    "\n(Retro)",
    "\n\f\n",
    "\nIMR ISSUES, DECISIONS AND RATIONALES",
    "\n  indented wrapped text",
    '\nas "quoted."',
    "\n" + "\nopen line" * 11,
    "\n" + "\nopen line" * 12,
]


def _assert_same_matches(text: str, where: str = "") -> None:
    """At every line break of ``text`` (as the parser sees it: normalised), each terminal matches
    what its plain wording does."""
    for newline in re.finditer("\n", text):
        position = newline.start()
        actual = HEADING.match(text, position)
        assert plain_heading(text, position) == (actual and actual.group()), (where, position)
        for plain, current in PAIRS:
            expected, actual = plain.match(text, position), current.match(text, position)
            assert (expected and expected.group()) == (actual and actual.group()), (
                where,
                current.pattern[:40],
                position,
            )


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40))
def test_terminals_match_as_their_plain_wording_does(pieces):
    _assert_same_matches("\n" + normalise("".join(pieces)))


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(LINES + PIECES), min_size=1, max_size=25))
def test_terminals_match_as_their_plain_wording_does_on_lines(pieces):
    _assert_same_matches(normalise("".join(pieces)))


@pytest.mark.corpus
def test_terminals_match_as_their_plain_wording_does_on_real_letters():
    for path in real_letters() + sorted(SHAPES.glob("[!d]*/*.txt")):
        _assert_same_matches("\n" + normalise(path.read_text(encoding="utf-8")), path.name)


def test_terminals_match_as_their_plain_wording_does_on_word_drafts():
    for path in sorted((SHAPES / "docx").glob("*.docx"))[:20]:
        _assert_same_matches("\n" + normalise(read_path(str(path)).document.text), path.name)


HEADING_FORMS = [
    # (the lines after a rationale's conclusion, the heading the grammar reads)
    ("MRI of the knee: Upheld", "MRI of the knee: Upheld"),
    ("Voltaren gel 1%, DOS:\n11/11/2016: Upheld", "Voltaren gel 1%, DOS:\n11/11/2016: Upheld"),
    ("PERMANENT SPINAL CORD STIMULATOR (SCS):\n\nOverturned", "PERMANENT SPINAL CORD STIMULATOR (SCS):\n\nOverturned"),
    (
        "Norco 10/325mg #60 was the original request.\nNorco 10/325mg #25 was authorized by the Claims Administrator.\n"
        "The remaining IMR eligible portion of the original request, Norco 10/325mg #35 is:\nUpheld",
        "Norco 10/325mg #60 was the original request.\nNorco 10/325mg #25 was authorized by the Claims Administrator.\n"
        "The remaining IMR eligible portion of the original request, Norco 10/325mg #35 is:\nUpheld",
    ),
    (
        "The original request, twelve sessions of physical therapy,\n\f\n  is: Overturned",
        "The original request, twelve sessions of physical therapy,\n\f\n  is: Overturned",
    ),
    ("Tramadol 50mg #60\nClaims Administrator guideline: MTUS", "Tramadol 50mg #60"),
    ("Tramadol 50mg #60: Denied\nClaims Administrator guideline: MTUS", "Tramadol 50mg #60: Denied"),
    # not headings: a sentence's end, the "set forth below" line and a section title stop a heading
    ("Therefore it is not medically\nnecessary.\nNorco #60: Upheld", "Norco #60: Upheld"),
    (
        "The Final Determination was based on decisions for the disputed items/services set\nforth below:\nNorco #60: "
        "Upheld",
        "Norco #60: Upheld",
    ),
    ("IMR ISSUES, DECISIONS AND RATIONALES\nNorco #60: Upheld", "Norco #60: Upheld"),
    ("The request is not medically necessary.\nClaims Administrator guideline: MTUS", None),
    ("The UR decision was Upheld\nNorco #60: Upheld", "Norco #60: Upheld"),
]


@pytest.mark.parametrize(("lines", "heading"), HEADING_FORMS)
def test_heading_forms(lines, heading):
    """The first heading in ``lines`` (after a closed sentence), as the lexer finds it: tried at each
    line in turn, the first match wins."""
    text = "\nThe previous rationale is not medically necessary.\n" + normalise(lines)
    found = None
    for newline in re.finditer("\n", text):
        match = HEADING.match(text, newline.start())
        if match:
            found = match.group().strip("\n ")
            break
    assert found == (heading and normalise(heading).strip("\n "))
    assert plain_heading(text, newline.start()) == (match and match.group())
