"""Format variations of real letters: positions stay exact in the file as the user has it."""

from __future__ import annotations

import pytest

from imrlint.input.document import Document
from imrlint.model.letter import build_letter

from conftest import CORPUS, SEEDS

SEED_000 = SEEDS / "000_8aa5183601f98bf9.txt"
SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"
PRE_OP = CORPUS / "CM17-0010420.txt"


def letter_of(text: str):
    return build_letter(Document("letter.txt", text))


def labels(letter):
    return [(item.label.span.line, item.label.span.column, item.decision) for item in letter.items]


def test_label_positions_in_double_spaced_seed():
    letter = letter_of(SEED_000.read_text(encoding="utf-8"))
    assert labels(letter) == [(65, 32, "Upheld"), (97, 31, "Upheld"), (131, 29, "Upheld")]
    span = letter.items[0].label.span
    assert (span.end_line, span.end_column) == (65, 38)


def test_label_alone_on_a_later_line():
    letter = letter_of(SEED_001.read_text(encoding="utf-8"))
    item = letter.items[2]
    assert item.name.text == "PERMANENT IMPLANTATION OF LUMBAR SPINAL CORD STIMULATOR (SCS)"
    assert (item.label.span.line, item.label.span.column, item.decision) == (184, 1, "Overturned")


def test_colons_inside_item_names():
    letter = letter_of(PRE_OP.read_text(encoding="utf-8"))
    names = [item.name.text for item in letter.items]
    assert names[1:4] == ["Pre-op labs: CBC", "Pre-op labs: CMP", "Pre-op labs: PT/PTT"]
    assert labels(letter)[1] == (65, 19, "Overturned")


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda text: "\ufeff" + text, id="bom"),
        pytest.param(lambda text: "\ufeff" + text.replace("\n", "\r\n"), id="bom-crlf"),
        pytest.param(lambda text: text.replace("\n \n", "\n\f\n"), id="form-feeds"),
        pytest.param(lambda text: text.replace("\n", "  \n"), id="trailing-spaces"),
        pytest.param(lambda text: text.replace(" ", "\u00a0", 40), id="non-breaking-spaces"),
    ],
)
def test_positions_survive_line_ends_bom_and_spacing(transform):
    original = letter_of(PRE_OP.read_text(encoding="utf-8"))
    changed = letter_of(transform(PRE_OP.read_text(encoding="utf-8")))
    assert changed.parse_errors == ()
    assert [(item.name.text, item.decision) for item in changed.items] == [
        (item.name.text, item.decision) for item in original.items
    ]
    assert [(line, column) for line, column, _ in labels(changed)] == [
        (line, column) for line, column, _ in labels(original)
    ]


def test_crlf_label_end_column_excludes_the_carriage_return():
    letter = letter_of(PRE_OP.read_text(encoding="utf-8").replace("\n", "\r\n"))
    span = letter.items[0].label.span
    assert (span.line, span.column, span.end_line, span.end_column) == (44, 21, 44, 31)


def test_leading_spaces_and_page_break_between_heading_and_guideline():
    text = PRE_OP.read_text(encoding="utf-8").replace(
        "Pre-op chest x-ray: Overturned \n", "   Pre-op chest x-ray: Overturned \n\n\n\n\n"
    )
    letter = letter_of(text)
    assert letter.parse_errors == ()
    assert letter.items[0].name.text == "Pre-op chest x-ray"
    assert (letter.items[0].label.span.line, letter.items[0].label.span.column) == (44, 24)
    assert letter.items[0].claims.keyword.span.line == 51


def test_lone_carriage_returns_are_line_breaks():
    text = PRE_OP.read_text(encoding="utf-8").replace("\n", "\r")
    letter = letter_of(text)
    assert labels(letter)[0] == (44, 21, "Overturned")
