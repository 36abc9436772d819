"""A letter means the same in every shape it arrives in, and so do its findings.

The 63 published letters are bundled in six shapes (tests/data/letters/corpus): the pypdf text the
rules are written against, and the shapes users have: Word drafts (a paragraph per part, no empty
paragraphs, the header block in a table), their text a paragraph a line, pdftotext's default
output (no blank lines, header labels before their values, form feeds), pdftotext -layout (two
columns, centred titles) and pdfminer.six (header labels and values apart).  Every shape gives the
hand-checked items and the same findings (rule codes and items) as the pypdf text; reshaping a
letter at random changes nothing; and a defect put into a letter of any shape is found at the item
it was put into.
"""

from __future__ import annotations

import copy
import io
import random
import re
import textwrap
from collections import Counter
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imrlint.input.document import Document
from imrlint.input.read import read_bytes, read_path
from imrlint.model.letter import build_letter
from imrlint.parsing.letter import parse_letter

from conftest import CORPUS, EXPECTED_ITEMS, SHAPES

pytestmark = pytest.mark.corpus  # every bundled letter: `pytest -m 'not corpus'` leaves it out

SHAPE_NAMES = ("docx", "draft", "poppler", "layout", "pdfminer")
STEMS = sorted(path.stem for path in CORPUS.glob("*.txt"))
UNPAIRED = "IMR107"

# Findings of the pypdf text that a shape cannot give, and why.  pdfminer prints some letters'
# Date of Injury above its label and the application date above its split label: those values
# cannot be paired with their labels (IMR107 says so), so what rests on them is not checked.
NOT_IN_SHAPE = {
    ("pdfminer", "CM16-0233794"): [("IMR504", None)],  # the header's Date of Injury against the summary's
    ("pdfminer", "CM16-0231745"): [("IMR507", None)],  # the header's UR Denial Date against the summary's
}


def shape_path(shape: str, stem: str) -> Path:
    return SHAPES / shape / f"{stem}.{'docx' if shape == 'docx' else 'txt'}"


def _key(name: str) -> str:
    """An item name compared across shapes: pdftotext joins a word hyphenated at a line's end
    ("anti-" / "inflammatory"), which pypdf keeps apart."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _codes_and_items(findings) -> Counter:
    return Counter((finding.code, finding.item) for finding in findings if finding.code != UNPAIRED)


@pytest.fixture(scope="module")
def text_findings(linter):
    return {stem: linter.lint_path(str(CORPUS / f"{stem}.txt")).findings for stem in STEMS}


def test_every_letter_is_bundled_in_every_shape():
    for shape in SHAPE_NAMES:
        assert sorted(path.stem for path in (SHAPES / shape).iterdir()) == STEMS, shape


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_every_shape_gives_the_hand_checked_items(shape):
    for stem in STEMS:
        letter = build_letter(read_path(str(shape_path(shape, stem))).document)
        assert letter.parse_errors == (), (shape, stem)
        assert [section.kind for section in letter.sections] == ["how", "summary", "issues"], (shape, stem)
        expected = [(_key(entry["name"]), entry["label"]) for entry in EXPECTED_ITEMS[f"corpus/{stem}.txt"]]
        assert [(_key(item.name.text), item.decision) for item in letter.items] == expected, (shape, stem)
        assert all(item.claims and item.maximus and item.rationale for item in letter.items), (shape, stem)


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_every_shape_gives_the_findings_of_the_text(linter, text_findings, shape):
    differences = {}
    for stem in STEMS:
        findings = linter.lint_path(str(shape_path(shape, stem))).findings
        assert not [f for f in findings if f.code in ("IMR001", "IMR101")], (shape, stem)
        expected = _codes_and_items(text_findings[stem]) - Counter(NOT_IN_SHAPE.get((shape, stem), []))
        if _codes_and_items(findings) != expected:
            differences[stem] = (_codes_and_items(findings), expected)
    assert differences == {}


@pytest.mark.parametrize("shape", SHAPE_NAMES)
def test_header_values_are_those_of_the_text_or_said_to_be_unpaired(shape):
    unpaired_letters = {}
    for stem in STEMS:
        reference = build_letter(read_path(str(CORPUS / f"{stem}.txt")).document)
        letter = build_letter(read_path(str(shape_path(shape, stem))).document)
        expected = {name: field.value.text for name, field in reference.header.items()}
        assert len(expected) == 7 and all(expected.values()), stem
        found = {name: field.value.text for name, field in letter.header.items()}
        unpaired = [field.name for field in letter.unpaired_header]
        assert found == {name: value for name, value in expected.items() if name not in unpaired}, (shape, stem)
        if unpaired:
            unpaired_letters[stem] = unpaired
    if shape == "pdfminer":
        assert len(unpaired_letters) == 29
        assert set(map(tuple, unpaired_letters.values())) == {
            ("date-of-injury", "ur-denial-date", "application-received"),
            ("application-received",),
        }
    else:
        assert unpaired_letters == {}


def test_unpaired_header_values_are_reported_once(linter):
    findings = [f for f in linter.lint_path(str(shape_path("pdfminer", "CM16-0233794"))).findings if f.code == UNPAIRED]
    assert [(f.code, f.span.line, f.span.column, f.severity, f.message) for f in findings] == [
        (
            "IMR107",
            12,
            1,
            "info",
            "the header's values for Date of Injury, UR Denial Date and Application Received cannot be paired with "
            "their labels in this "
            "text's layout, so they are not checked; lint the PDF itself or text extracted with its layout kept",
        ),
    ]


# --- reshaping a letter at random ------------------------------------------------------------


def _parts(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each part of a letter: a key line, heading or section title with the
    text lines that continue it, the header block, a section's text."""
    tree = parse_letter(text).tree
    parts: list[list[int]] = []
    previous = None
    for token in tree.tokens():
        start = token.start_pos - 1 + len(token) - len(token.lstrip("\n \t"))
        end = token.end_pos - 1
        if token.type == "TEXT" and previous is not None and not previous.endswith("_TITLE"):
            parts[-1][1] = end
        else:
            parts.append([start, end])
        previous = token.type
    return [(start, end) for start, end in parts]


LETTER_TEXTS = [(CORPUS / f"{stem}.txt").read_text(encoding="utf-8") for stem in STEMS]


@st.composite
def reshaped(draw):
    """A letter of the corpus reshaped: its blank lines removed or doubled, some parts' lines joined
    into one or wrapped at another width, some lines indented, form feeds put before some lines."""
    index = draw(st.integers(0, len(STEMS) - 1))
    text = LETTER_TEXTS[index]
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    pieces = []
    position = 0
    for start, end in _parts(text):
        pieces.append(text[position:start])
        part = text[start:end]
        choice = rng.random()
        if choice < 0.3:
            part = " ".join(part.split())
        elif choice < 0.6:
            part = textwrap.fill(
                " ".join(part.split()), width=rng.randrange(60, 160), break_long_words=False, break_on_hyphens=False
            )
        pieces.append(part)
        position = end
    pieces.append(text[position:])
    lines = "".join(pieces).split("\n")
    blank_lines = draw(st.sampled_from(["keep", "remove", "double"]))
    if blank_lines == "remove":
        lines = [line for line in lines if line.strip()]
    elif blank_lines == "double":
        lines = [piece for line in lines for piece in (line, "")]
    indent, form_feeds = rng.random() * 0.3, rng.random() * 0.1
    lines = [
        ("\f" if rng.random() < form_feeds else "")
        + (" " * rng.randrange(1, 12) if rng.random() < indent else "")
        + line
        for line in lines
    ]
    return STEMS[index], "\n".join(lines)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(reshaped())
def test_reshaping_a_letter_never_changes_its_findings(linter, text_findings, letter):
    stem, text = letter
    findings = linter.lint_document(Document(f"{stem}.txt", text)).findings
    assert _codes_and_items(findings) == _codes_and_items(text_findings[stem])


# --- defects put into letters of every shape ---------------------------------------------------

DEFECT_LETTERS = ["CM16-0235869", "CM16-0239569", "CM16-0243394", "CM17-0010420", "CM16-0235991", "CM17-0020728"]


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def damaged_docx(data: bytes, defect: str, item: int) -> bytes:
    """The Word draft with one defect: paragraphs edited, removed or copied as an editor would.
    The paragraphs are found with the model of the undamaged draft."""
    extracted = read_bytes(data, "letter.docx").document
    letter = build_letter(extracted)
    target = letter.items[item - 1]
    document = docx.Document(io.BytesIO(data))
    paragraphs = document.paragraphs

    def paragraph_at(offset: int) -> int:
        number, _ = extracted.unit_at(offset)
        starts = [start for start, _ in extracted.units] + [len(extracted.text) + 1]
        text = extracted.text[starts[number - 1] : starts[number] - 1]
        return next(index for index, paragraph in enumerate(paragraphs) if Document("", paragraph.text).text == text)

    if defect in ("flipped-label", "missing-label"):
        paragraph = paragraphs[paragraph_at(target.label.start)]
        run = next(run for run in paragraph.runs if target.decision in run.text)
        replacement = (
            ": " + ("Overturned" if target.decision == "Upheld" else "Upheld") if defect == "flipped-label" else ""
        )
        run.text = re.sub(rf":\s*{target.decision}\s*$", replacement, run.text)
    elif defect == "missing-rationale":
        rationale = paragraphs[paragraph_at(target.rationale.start)]._p
        rationale.getparent().remove(rationale)
    elif defect == "duplicated-item":
        first, last = paragraph_at(target.heading.start), paragraph_at(target.rationale.start)
        anchor = paragraphs[last]._p
        for paragraph in paragraphs[first : last + 1]:
            clone = copy.deepcopy(paragraph._p)
            anchor.addnext(clone)
            anchor = clone
    elif defect == "missing-section-title":
        title = paragraphs[paragraph_at(letter.section("issues").title.start)]._p
        title.getparent().remove(title)
    return _saved(document)


def damaged_text(text: str, defect: str, item: int) -> str:
    """The text letter with one defect, located with the model of the undamaged letter."""
    letter = build_letter(Document("letter.txt", text))
    target = letter.items[item - 1]
    if defect == "flipped-label":
        start, end = target.label.trimmed()
        return text[:start] + ("Overturned" if target.decision == "Upheld" else "Upheld") + text[end:]
    if defect == "missing-label":
        start, end = target.label.trimmed()
        colon = text.rindex(":", 0, start)
        return text[:colon] + text[end:]
    if defect == "missing-rationale":
        start = target.rationale.start - len("Decision rationale:")
        end = target.rationale.trimmed()[1]
        return text[:start] + text[end:]
    if defect == "duplicated-item":
        start, end = target.heading.trimmed()[0], target.rationale.trimmed()[1]
        return text[:end] + "\n" + text[start:end] + text[end:]
    if defect == "missing-section-title":
        title = letter.section("issues").title
        start, end = title.trimmed()
        return text[:start] + text[end:]
    raise ValueError(defect)


DEFECTS = {
    # defect: (the rule that finds it, which item it is reported at: 0 = the damaged one, 1 = the next)
    "flipped-label": ("IMR206", 0),
    "missing-label": ("IMR201", 0),
    "missing-rationale": ("IMR204", 0),
    "duplicated-item": ("IMR207", 1),
}


@pytest.mark.parametrize("shape", ["text", *SHAPE_NAMES])
@pytest.mark.parametrize("defect", [*list(DEFECTS), "missing-section-title"])
def test_a_defect_in_any_shape_is_found_at_its_item(linter, shape, defect):
    for stem in DEFECT_LETTERS:
        path = CORPUS / f"{stem}.txt" if shape == "text" else shape_path(shape, stem)
        original = linter.lint_path(str(path)).findings
        item = len(
            EXPECTED_ITEMS[f"corpus/{stem}.txt"]
        )  # the last item: its damage must not be taken for another item's
        if shape == "docx":
            findings = linter.lint_bytes(damaged_docx(path.read_bytes(), defect, item), f"{stem}.docx").findings
        else:
            text = read_path(str(path)).document.text
            findings = linter.lint_document(Document(f"{stem}.txt", damaged_text(text, defect, item))).findings
        added = _codes_and_items(findings) - _codes_and_items(original)
        if defect == "missing-section-title":
            missing = [f for f in findings if f.code == "IMR101"]
            assert [f.message.split("'")[1] for f in missing] == ["IMR ISSUES, DECISIONS AND RATIONALES"], (shape, stem)
            assert not [f for f in findings if f.code == "IMR001"], (shape, stem)
            assert added == Counter({("IMR101", None): 1}), (shape, stem)
        else:
            code, offset = DEFECTS[defect]
            assert (code, item + offset) in added, (shape, stem, added)
            # and nothing at another item (a heading cut short by a missing label may read as a
            # sentence cut at a line break: a text artefact, of no item)
            assert all(
                found_item == item + offset or found_code.startswith("IMR6") for found_code, found_item in added
            ), (shape, stem, added)


# --- what Word puts in a draft -----------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _element(tag: str, text: str | None = None, **attributes):
    from docx.oxml import OxmlElement

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(f"{_W}{name}", value)
    if text is not None:
        element.text = text
        element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return element


def _run(*contents):
    run = _element("w:r")
    for content in contents:
        run.append(content)
    return run


def word_draft(data: bytes) -> bytes:
    """The Word draft as an editor's Word leaves it: typographic quotes and dashes, a non-breaking
    space and a tab after labels, long paragraphs broken by soft line breaks and a page break,
    tracked changes (a deletion, an insertion), item headings as numbered-list paragraphs, and an
    empty paragraph after every paragraph."""
    document = docx.Document(io.BytesIO(data))
    for paragraph in list(document.paragraphs):
        text = paragraph.text
        if not text:
            continue
        text = text.replace("'", "\u2019").replace(" - ", " \u2013 ").replace('"', "\u201d")
        text = re.sub(r"^(Decision rationale|MAXIMUS guideline):\s*", "\\1:\u00a0", text)
        text = re.sub(r":\s*(Upheld|Overturned)$", ":\t\\1", text)
        for run in list(paragraph._p.findall(f"{_W}r")):
            paragraph._p.remove(run)
        words = text.split(" ")
        lines = [" ".join(words[index : index + 14]) for index in range(0, len(words), 14)]
        for number, line in enumerate(lines):
            if number:
                paragraph._p.append(
                    _run(_element("w:br", type="page" if number == 1 and len(lines) > 3 else "textWrapping"))
                )
            if number == 0 and len(lines) > 2:
                deleted = _element("w:del", id="1", author="Editor", date="2017-01-01T00:00:00Z")
                deleted.append(_run(_element("w:delText", "an earlier wording ")))
                inserted = _element("w:ins", id="2", author="Editor", date="2017-01-01T00:00:00Z")
                inserted.append(_run(_element("w:t", line)))
                paragraph._p.append(deleted)
                paragraph._p.append(inserted)
            else:
                paragraph._p.append(_run(_element("w:t", line)))
        if re.search(r":\t(Upheld|Overturned)$", text):
            properties = paragraph._p.get_or_add_pPr()
            numbering = _element("w:numPr")
            numbering.append(_element("w:ilvl", val="0"))
            numbering.append(_element("w:numId", val="1"))
            properties.append(numbering)
        paragraph._p.addnext(_element("w:p"))
    return _saved(document)


@pytest.mark.parametrize("stem", DEFECT_LETTERS)
def test_a_word_draft_as_word_leaves_it_gives_the_findings_of_the_text(linter, text_findings, stem):
    data = word_draft(shape_path("docx", stem).read_bytes())
    document = read_bytes(data, f"{stem}.docx").document
    assert "an earlier wording" not in document.text and "\u2019" not in document.text
    letter = build_letter(document)
    expected = [(_key(entry["name"]), entry["label"]) for entry in EXPECTED_ITEMS[f"corpus/{stem}.txt"]]
    assert [(_key(item.name.text), item.decision) for item in letter.items] == expected
    assert _codes_and_items(linter.lint_bytes(data, f"{stem}.docx").findings) == _codes_and_items(text_findings[stem])
