"""Tests for the PDF and DOCX readers in imrlint.input.

Three published letters are read as PDF (AES-encrypted with an empty user password, as the DWC
distributes them) and compared with their corpus text (tests/data/letters/corpus); the reader must
reproduce that text exactly, since every rule is written against it. Broken, protected and
blank files are built inside the tests.
"""

from __future__ import annotations

import io
import logging
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from imrlint.input import pdf as pdf_reader
from imrlint.input.docx import extract_docx
from imrlint.input.extracted import Extracted, ExtractionError
from imrlint.input.pdf import extract_pdf

from conftest import CORPUS, PDFS

REPO_ROOT = Path(__file__).resolve().parents[1]
LETTERS = ["CM16-0238352", "CM17-0002181", "CM17-0002198"]
NOISE = random.Random(0).randbytes(4096)


def letter_pdf(stem: str) -> bytes:
    return (PDFS / f"{stem}.pdf").read_bytes()


def letter_text(stem: str) -> str:
    return (CORPUS / f"{stem}.txt").read_bytes().decode("utf-8")


def written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def extraction_error(extract, data: bytes) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        extract(data)
    return caught.value


@pytest.mark.parametrize("stem", LETTERS)
def test_pdf_text_equals_corpus_text(stem):
    assert extract_pdf(letter_pdf(stem)).text == letter_text(stem)


@pytest.mark.parametrize("stem", LETTERS)
def test_pdf_units_are_pages(stem):
    extracted = extract_pdf(letter_pdf(stem))
    reader = PdfReader(io.BytesIO(letter_pdf(stem)))
    pages = [page.extract_text() for page in reader.pages]

    assert extracted.unit_labels == tuple(str(n) for n in range(1, len(pages) + 1))
    assert extracted.unit_starts[0] == 0
    for number, page in enumerate(pages):
        start = extracted.unit_starts[number]
        assert extracted.text[start : start + len(page)] == page
    for number in range(1, len(pages)):
        previous_end = extracted.unit_starts[number - 1] + len(pages[number - 1])
        assert extracted.text[previous_end] == "\n"
        assert extracted.unit_starts[number] == previous_end + 1


def test_pdf_page_two_starts_where_the_printed_page_does():
    extracted = extract_pdf(letter_pdf("CM17-0002181"))
    page_one_end = extracted.unit_starts[1] - 1

    assert extracted.text[:page_one_end].rstrip().endswith("Ibuprofen 600mg #90 is:  Upheld")
    assert (
        extracted.text[extracted.unit_starts[1] :]
        .lstrip()
        .startswith("Claims Administrator guideline: Decision based on MTUS")
    )


def test_pdf_with_a_real_password_is_encrypted():
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(letter_pdf("CM17-0002181"))))
    writer.encrypt("secret")

    assert extraction_error(extract_pdf, written(writer)).kind == "encrypted"


def test_pdf_with_only_a_blank_page_has_no_text():
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)

    assert extraction_error(extract_pdf, written(writer)).kind == "no-text"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(NOISE, id="random-bytes"),
        pytest.param(b"", id="empty"),
        pytest.param(letter_pdf("CM17-0002181")[:12000], id="truncated"),
        pytest.param(letter_pdf("CM17-0002181")[:-2000], id="tail-cut"),
    ],
)
def test_damaged_pdf_is_corrupt(data):
    error = extraction_error(extract_pdf, data)

    assert error.kind == "corrupt"
    assert "\n" not in error.message


def test_pdf_longer_than_the_page_limit_is_corrupt(monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 1)

    error = extraction_error(extract_pdf, letter_pdf("CM17-0002181"))

    assert error.kind == "corrupt"
    assert "2 pages" in error.message


def test_pypdf_warnings_are_not_logged(caplog):
    logger = logging.getLogger("pypdf")
    level = logger.level
    caplog.set_level(logging.DEBUG)

    extraction_error(extract_pdf, letter_pdf("CM17-0002181")[:12000])

    assert [r for r in caplog.records if r.name.startswith("pypdf")] == []
    assert logger.level == level


def test_pdf_without_pypdf_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdf", None)

    error = extraction_error(extract_pdf, letter_pdf("CM17-0002181"))

    assert error.kind == "missing-extra"
    assert "pip install 'imrlint[pdf]'" in error.message


def test_aes_pdf_without_cryptography_names_the_extra():
    script = (
        "import sys; sys.modules['cryptography'] = None\n"
        "from imrlint.input.pdf import ExtractionError, extract_pdf\n"
        "try:\n"
        "    extract_pdf(sys.stdin.buffer.read())\n"
        "except ExtractionError as error:\n"
        "    print(error.kind, error.message)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=letter_pdf("CM17-0002181"),
        capture_output=True,
        cwd=REPO_ROOT,
        check=True,
    )

    assert result.stdout.decode().startswith("missing-extra ")
    assert "pip install 'imrlint[pdf]'" in result.stdout.decode()
    assert result.stderr == b""


def test_docx_paragraphs_and_tables_in_document_order():
    lines = letter_text("CM17-0002181").split("\n")
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Left cell"
    table.cell(0, 1).text = "Right cell"
    document.add_paragraph("After the table")

    extracted = extract_docx(saved(document))

    paragraphs = [*lines, "Left cell", "Right cell", "After the table"]
    assert extracted.text == "\n".join(paragraphs)
    assert len(extracted.unit_starts) == len(paragraphs)
    for start, paragraph in zip(extracted.unit_starts, paragraphs, strict=False):
        assert extracted.text[start : start + len(paragraph)] == paragraph
    assert extracted.unit_starts[-3] == len("\n".join(lines)) + 1
    assert extracted.unit_labels[1] == "Case Number: CM17-0002181"
    assert extracted.unit_labels[2] == "Date Assigned: 01/09/2017 Date of Injury:"
    assert extracted.unit_labels[-3:] == ("Left cell", "Right cell", "After the table")


def test_docx_merged_cell_is_read_once():
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Case Number: CM17-0002181"
    table.cell(1, 0).text = "Priority:"
    table.cell(1, 1).text = "Standard"

    extracted = extract_docx(saved(document))

    assert extracted.text == "Case Number: CM17-0002181\nPriority:\nStandard"


def test_docx_without_text_has_no_text():
    document = docx.Document()
    document.add_paragraph("")

    assert extraction_error(extract_docx, saved(document)).kind == "no-text"


def test_zip_that_is_not_a_docx_is_corrupt():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("letter.txt", letter_text("CM17-0002181"))

    assert extraction_error(extract_docx, buffer.getvalue()).kind == "corrupt"


@pytest.mark.parametrize(
    "data",
    [pytest.param(NOISE, id="random-bytes"), pytest.param(b"", id="empty")],
)
def test_non_zip_is_corrupt_docx(data):
    assert extraction_error(extract_docx, data).kind == "corrupt"


def test_docx_without_python_docx_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "docx", None)

    error = extraction_error(extract_docx, b"")

    assert error.kind == "missing-extra"
    assert "pip install 'imrlint[docx]'" in error.message


def test_extracted_from_units_records_offsets():
    extracted = Extracted.from_units(["ab", "", "c"], ["1", "2", "3"])

    assert extracted == Extracted("ab\n\nc", (0, 3, 4), ("1", "2", "3"))


def test_unknown_error_kind_is_rejected():
    with pytest.raises(ValueError, match="unknown extraction error kind 'unreadable'"):
        ExtractionError("unreadable", "message")


def test_read_bytes_chooses_the_reader_by_suffix_in_any_case():
    from imrlint.input.read import read_bytes

    result = read_bytes(letter_pdf("CM17-0002181"), "LETTER.PDF")

    assert result.problems == ()
    assert (result.document.kind, result.document.unit_kind) == ("pdf", "page")
    assert result.document.text == letter_text("CM17-0002181")
    assert [label for _, label in result.document.units] == ["1", "2"]


@pytest.mark.parametrize("name", ["letter.pdf", "draft.docx"])
def test_zero_byte_document_is_an_empty_letter(name):
    from imrlint.input.read import read_bytes

    result = read_bytes(b"", name)

    assert result.document is None
    assert [(problem.rule, problem.message) for problem in result.problems] == [
        ("empty-letter", "the file is empty (0 bytes)")
    ]


def test_document_unit_and_offset_within_it():
    from imrlint.input.document import Document

    document = Document(
        "d.docx", "ab\n\ncde", kind="docx", unit_kind="paragraph", units=((0, "ab"), (3, ""), (4, "cde"))
    )

    assert [(document.unit_at(offset), document.unit_offset(offset)) for offset in (0, 1, 3, 4, 6)] == [
        ((1, "ab"), 0),
        ((1, "ab"), 1),
        ((2, ""), 0),
        ((3, "cde"), 0),
        ((3, "cde"), 2),
    ]
    assert Document("t.txt", "abc").unit_offset(1) is None


def test_document_offset_is_the_inverse_of_position():
    from imrlint.input.document import Document

    document = Document("t.txt", "ab\r\ncd\ref\n\ngh")
    for offset in range(len(document.text) + 1):
        if document.text[offset - 1 : offset + 1] == "\r\n":
            continue  # the place between a CRLF's two characters is the line's end, as before the CR
        assert document.offset(*document.position(offset)) == offset
    # a line outside the text is read as its nearest one
    assert (document.offset(0, 2), document.offset(99, 2)) == (1, document.line_starts[-1] + 1)
