"""PDF and Word letters end to end: the same letter as PDF, DOCX and text gives the same findings.

Six published letters (tests/data/letters/corpus/pdf) are read closely (AES-encrypted with an empty user password,
as the DWC distributes them; produced by Word 2007/2013 and by Adobe PDF Library) beside their
corpus text.  The DOCX versions are built here with python-docx from the text, one
paragraph per line, so a finding's line is its paragraph's number.  Real letters lint clean, so a
probe rule reports every passage the rules key on (header fields, credentials, summary, each
item's heading, label, guidelines and rationale) to compare positions across formats; a letter
with genuine errors is also built as text, DOCX and a (generated) multi-page PDF.

The last test reads all 63 published PDFs and compares them with their text.
"""

from __future__ import annotations

import bisect
import io
import json
import subprocess
import sys

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from imrlint.cli.main import main
from imrlint.config.layers import load_config
from imrlint.input.document import Document
from imrlint.lint.linter import Linter
from imrlint.model.letter import build_letter
from imrlint.plugins.hookspecs import hookimpl
from imrlint.plugins.manager import load_rule_set, plugin_manager
from imrlint.rules.base import rule

from conftest import CORPUS, PDFS, REPO

STEMS = ["CM16-0213037", "CM16-0238352", "CM17-0002181", "CM17-0002198", "CM17-0007142", "CM17-0014449"]
LABEL_WORDS = 6


# --- building the other versions of a letter -------------------------------------------------


def docx_from_text(text: str) -> bytes:
    """A Word document with one paragraph per line of ``text``."""
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_string(line: str) -> bytes:
    escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("cp1252") + b")"


def pdf_from_pages(pages: list[list[str]]) -> bytes:
    """A minimal text PDF: one page per list of lines, one Tj per line in Helvetica.

    pypdf extracts each page as its lines joined with "\\n", except that a line with no text at
    all is dropped: give blank lines as " ".
    """
    objects: list[bytes] = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    pages_number = 2 + 2 * len(pages)
    kids = []
    for lines in pages:
        assert all(lines), "pypdf drops empty lines; use ' '"
        stream = (
            b"BT /F1 10 Tf 12 TL 40 760 Td\n" + b"\nT* ".join(_pdf_string(line) + b" Tj" for line in lines) + b"\nET"
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 1 0 R >> >> /Contents "
            b"%d 0 R >>" % (pages_number, len(objects))
        )
        kids.append(len(objects))
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % kid for kid in kids), len(kids)))
    objects.append(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_number)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, len(objects), xref)
    return bytes(out)


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text as pypdf extracts it (the reference corpus was made this way)."""
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    return [page.extract_text() for page in reader.pages]


def offset_of(text: str, line: int, column: int) -> int:
    return sum(len(row) + 1 for row in text.split("\n")[: line - 1]) + column - 1


def page_of(pages: list[str], offset: int) -> int:
    """The 1-based page holding ``offset`` of the pages joined with "\\n"."""
    starts, position = [], 0
    for page in pages:
        starts.append(position)
        position += len(page) + 1
    return bisect.bisect_right(starts, offset)


# --- a probe rule that reports every passage the rules key on ---------------------------------

PROBE_DECLARATION = {
    "rules": [
        {
            "code": "TST901",
            "name": "probe",
            "severity": "info",
            "enabled": True,
            "message": "{what}: {text}",
            "options": {},
        }
    ]
}


@rule("TST901", "probe")
def probe(letter, context):
    """Reports every passage the built-in rules key on, so positions can be compared."""

    def found(passage, what, item=None):
        return context.finding(passage, item=item, what=what, text=" ".join(passage.text.split()[:4]))

    for name, field in letter.header.items():
        yield found(field.value or field.key, f"header {name}")
    if letter.credentials is not None:
        for what in ("licensure", "specialty"):
            if getattr(letter.credentials, what) is not None:
                yield found(getattr(letter.credentials, what), what)
    if letter.summary is not None:
        yield found(letter.summary, "summary")
    for item in letter.items:
        yield found(item.heading, "heading", item)
        if item.label is not None:
            yield found(item.label, "label", item)
        for what, guideline in (("claims guideline", item.claims), ("maximus guideline", item.maximus)):
            if guideline is not None:
                yield found(guideline.content, what, item)
        if item.rationale is not None:
            yield found(item.rationale, "rationale", item)


class Probe:
    @hookimpl
    def imrlint_rules(self):
        return [probe]

    @hookimpl
    def imrlint_rule_declarations(self):
        return [PROBE_DECLARATION]


@pytest.fixture(scope="module")
def probe_linter():
    """The built-in rules plus the probe."""
    rule_set = load_rule_set(plugin_manager([Probe()], entry_points=False))
    return Linter(rule_set, load_config(rule_set.defaults, None))


def compared(findings) -> list[tuple]:
    """What must agree between formats: code, item, position and message (not the path)."""
    return [
        (f.code, f.item, f.span.line, f.span.column, f.span.end_line, f.span.end_column, f.message) for f in findings
    ]


def lint_formats(linter, stem: str, text: str, pdf: bytes) -> dict[str, list]:
    return {
        "txt": linter.lint_bytes(text.encode("utf-8"), f"{stem}.txt").findings,
        "pdf": linter.lint_bytes(pdf, f"{stem}.pdf").findings,
        "docx": linter.lint_bytes(docx_from_text(text), f"{stem}.docx").findings,
    }


# --- the real letters in tests/data/pdf ---------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_real_letter_as_pdf_docx_and_text_gives_the_same_findings(probe_linter, stem):
    text = (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")
    by_format = lint_formats(probe_linter, stem, text, (PDFS / f"{stem}.pdf").read_bytes())

    expected = compared(by_format["txt"])
    assert len(expected) >= 10
    assert not [f for f in by_format["pdf"] + by_format["docx"] if f.code in ("IMR001", "IMR007")]
    assert compared(by_format["pdf"]) == expected
    assert compared(by_format["docx"]) == expected
    assert {f.path for f in by_format["pdf"]} == {f"{stem}.pdf"}


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_findings_name_the_page_they_are_on(probe_linter, stem):
    data = (PDFS / f"{stem}.pdf").read_bytes()
    pages = pdf_pages(data)
    text = "\n".join(pages)
    findings = probe_linter.lint_bytes(data, f"{stem}.pdf").findings

    assert {f.unit_kind for f in findings} == {"page"}
    for finding in findings:
        page = page_of(pages, offset_of(text, finding.span.line, finding.span.column))
        assert finding.unit == (page, str(page)), finding
    assert {1, 2} <= {f.unit[0] for f in findings}  # every letter's items go on to page 2


def test_a_guideline_after_a_page_break_is_on_page_two(probe_linter):
    findings = probe_linter.lint_bytes((PDFS / "CM17-0002181.pdf").read_bytes(), "letter.pdf").findings
    pages = {f.message.split(":")[0]: f.unit[0] for f in findings if f.code == "TST901"}

    assert pages["heading"] == pages["label"] == 1
    assert pages["claims guideline"] == pages["maximus guideline"] == pages["rationale"] == 2


@pytest.mark.parametrize("stem", STEMS)
def test_docx_findings_point_at_their_paragraph_and_offset(probe_linter, stem):
    lines = (CORPUS / f"{stem}.txt").read_text(encoding="utf-8").split("\n")
    findings = probe_linter.lint_bytes(docx_from_text("\n".join(lines)), f"{stem}.docx").findings

    assert findings
    for finding in findings:
        paragraph = lines[finding.span.line - 1]
        assert finding.unit_kind == "paragraph"
        assert finding.unit == (finding.span.line, " ".join(paragraph.split()[:LABEL_WORDS]))
        assert finding.unit_offset == finding.span.column - 1


def test_docx_paragraph_with_line_breaks_keeps_its_number_and_offset(probe_linter):
    """Shift+Enter line breaks stay inside one paragraph: lines and paragraphs then differ."""
    lines = (CORPUS / "CM17-0002181.txt").read_text(encoding="utf-8").split("\n")
    heading = next(number for number, line in enumerate(lines) if line.startswith("original request, Two refills"))
    document = docx.Document()
    for number, line in enumerate(lines):
        if number in (heading - 2, heading - 1):  # the heading's first two lines: breaks, not paragraphs
            document.add_paragraph().add_run(line).add_break()
        else:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)

    findings = probe_linter.lint_bytes(buffer.getvalue(), "draft.docx").findings
    label = next(f for f in findings if f.message.startswith("label:"))

    # Each break adds a line ("X\n" + "") so the text has two more lines than paragraphs here.
    assert label.span.line == heading + 1 + 2
    assert label.unit[0] == heading + 1
    assert label.unit_offset == lines[heading].index("Upheld")


def test_docx_header_laid_out_as_a_table_is_read(linter):
    """Word drafts often lay the header block out as a table; its cells are read row by row."""
    text = (CORPUS / "CM17-0002181.txt").read_text(encoding="utf-8")
    body = text[text.index("HOW THE IMR FINAL DETERMINATION WAS MADE") :]
    document = docx.Document()
    rows = [
        ("Case Number:", "CM17-0002181", "", ""),
        ("Date Assigned:", "01/09/2017", "Date of Injury:", "10/11/2016"),
        ("Decision Date:", "01/31/2017", "UR Denial Date:", "12/27/2016"),
        ("Priority:", "Standard", "Application Received:", "01/03/2017"),
    ]
    table = document.add_table(rows=len(rows), cols=4)
    for row, values in zip(table.rows, rows, strict=False):
        for cell, value in zip(row.cells, values, strict=False):
            cell.text = value
    document.add_paragraph("")
    for line in body.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)

    from imrlint.input.read import read_bytes

    from_docx = build_letter(read_bytes(buffer.getvalue(), "draft.docx").document)
    from_text = build_letter(Document("letter.txt", text))

    def header(letter):
        return {name: field.value.text if field.value else None for name, field in letter.header.items()}

    assert header(from_docx) == header(from_text)
    assert len(header(from_docx)) == 7 and None not in header(from_docx).values()
    assert [(f.code, f.item) for f in linter.lint_bytes(buffer.getvalue(), "draft.docx").findings] == [
        (f.code, f.item) for f in linter.lint_document(Document("letter.txt", text)).findings
    ]


# --- a letter with genuine errors, as text, DOCX and a generated PDF ------------------------

ERRORS = [
    ("State(s) of Licensure: California,North Carolina", "State(s) of Licensure:"),
    ("cervical spine without contrast: Upheld", "cervical spine without contrast: Overturned"),
    (
        "MAXIMUS guideline: Decision based on MTUS Neck and Upper Back Complaints 2004",
        "MAXIMUS guideline: Decision based on MTUS Neck and Upper Back Complaints 2001",
    ),
]
PAGE_BREAK = 60
"""The generated PDF's page 2 starts at this line (0-based), between the two items."""


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    """CM16-0213037 with three errors, as .txt, .docx and a two-page .pdf of the same text."""
    text = (CORPUS / "CM16-0213037.txt").read_text(encoding="utf-8")
    for old, new in ERRORS:
        assert old in text
        text = text.replace(old, new, 1)
    lines = [line if line else " " for line in text.split("\n")]  # pypdf cannot extract an empty line
    text = "\n".join(lines)
    folder = tmp_path_factory.mktemp("faulty")
    (folder / "letter.txt").write_text(text, encoding="utf-8")
    (folder / "letter.docx").write_bytes(docx_from_text(text))
    (folder / "letter.pdf").write_bytes(pdf_from_pages([lines[:PAGE_BREAK], lines[PAGE_BREAK:]]))
    assert "\n".join(pdf_pages((folder / "letter.pdf").read_bytes())) == text
    return folder


def test_letter_with_errors_gives_the_same_findings_in_every_format(linter, faulty):
    findings = {
        suffix: linter.lint_path(str(faulty / f"letter.{suffix}")).findings for suffix in ("txt", "pdf", "docx")
    }

    assert [(f.code, f.item) for f in findings["txt"]] == [("IMR401", None), ("IMR206", 2), ("IMR306", 2)]
    assert compared(findings["pdf"]) == compared(findings["txt"])
    assert compared(findings["docx"]) == compared(findings["txt"])
    assert [f.unit[0] for f in findings["pdf"]] == [1, 2, 2]
    assert [f.unit[0] for f in findings["docx"]] == [f.span.line for f in findings["txt"]]


def test_text_output_locates_pdf_findings_by_page_and_docx_by_paragraph(faulty, capsys):
    status = main(["check", str(faulty / "letter.pdf"), str(faulty / "letter.docx"), str(faulty / "letter.txt")])
    out = capsys.readouterr().out.splitlines()
    locations = [line.split(": IMR")[0] for line in out[:-1]]
    pdf, docx_file, txt = (str(faulty / f"letter.{suffix}") for suffix in ("pdf", "docx", "txt"))

    assert status == 1
    assert locations == [
        f"{pdf}:page 1:20:1",
        f"{pdf}:page 2:68:45",
        f"{pdf}:page 2:73:74",
        f"{docx_file}:20:1",
        f"{docx_file}:68:45",
        f"{docx_file}:73:74",
        f"{txt}:20:1",
        f"{txt}:68:45",
        f"{txt}:73:74",
    ]
    assert out[3].endswith('(paragraph 20, offset 0: "State(s) of Licensure:")')
    assert out[4].startswith(f"{docx_file}:68:45: IMR206 [error] label 'Overturned' contradicts")
    assert out[4].endswith('(paragraph 68, offset 44: "MRI of the cervical spine without")')
    assert out[1].split(": ", 1)[1] == out[7].split(": ", 1)[1]  # same message for PDF and text
    assert out[-1] == "Checked 3 letters: 9 errors, 0 warnings, 0 info (3 with errors)."


def test_json_output_adds_page_and_paragraph_keys(faulty, capsys):
    main(
        [
            "check",
            "--format",
            "json",
            str(faulty / "letter.pdf"),
            str(faulty / "letter.docx"),
            str(faulty / "letter.txt"),
        ]
    )
    records = json.loads(capsys.readouterr().out)
    pdf, docx_records, txt = records[:3], records[3:6], records[6:]

    assert [record["page"] for record in pdf] == [1, 2, 2]
    assert [(record["paragraph"], record["paragraph_offset"]) for record in docx_records] == [
        (20, 0),
        (68, 44),
        (73, 73),
    ]
    assert not any("page" in record or "paragraph" in record for record in txt)
    assert not any("paragraph_offset" in record for record in pdf)
    stable = ("line", "column", "end_line", "end_column", "code", "name", "severity", "message", "item")
    for records_of_format in (pdf, docx_records):
        assert [{key: r.get(key) for key in stable} for r in records_of_format] == [
            {key: r.get(key) for key in stable} for r in txt
        ]


def test_paragraph_note_of_an_empty_paragraph_has_no_words():
    from imrlint.input.document import Span
    from imrlint.report.base import paragraph_note
    from imrlint.rules.findings import Finding

    def finding(unit, unit_kind, unit_offset):
        return Finding(
            path="d.docx",
            span=Span(3, 1, 3, 1),
            code="IMR001",
            name="parse-error",
            severity="error",
            message="m",
            unit=unit,
            unit_kind=unit_kind,
            unit_offset=unit_offset,
        )

    assert paragraph_note(finding((3, ""), "paragraph", 0)) == "paragraph 3, offset 0"
    assert (
        paragraph_note(finding((3, "Decision rationale: The request"), "paragraph", 5))
        == 'paragraph 3, offset 5: "Decision rationale: The request"'
    )
    assert paragraph_note(finding((1, "1"), "page", 0)) == ""


# --- documents that cannot be read: one finding each, the run goes on -----------------------


def _encrypted_with_a_password() -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO((PDFS / "CM17-0002181.pdf").read_bytes())))
    writer.encrypt("secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _scan() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _docx_without_text() -> bytes:
    document = docx.Document()
    document.add_paragraph("   ")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


UNREADABLE = [
    (
        "protected.pdf",
        _encrypted_with_a_password,
        "IMR007 [error] the PDF is password-protected; save an unprotected copy and lint that",
    ),
    (
        "scan.pdf",
        _scan,
        "IMR007 [error] the PDF has no text layer (a scanned image?); run OCR on it or lint the source document",
    ),
    (
        "truncated.pdf",
        lambda: (PDFS / "CM17-0002181.pdf").read_bytes()[:12000],
        "IMR007 [error] not a readable PDF (PdfStreamError: Stream has ended unexpectedly)",
    ),
    (
        "renamed.pdf",
        lambda: b"Case Number: CM17-0002181\n",
        "IMR007 [error] not a PDF file (no %PDF- header at its start)",
    ),
    ("zero.pdf", lambda: b"", "IMR004 [error] the file is empty (0 bytes)"),
    (
        "old-word.docx",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "IMR007 [error] not a readable DOCX file (BadZipFile: File is not a zip file)",
    ),
    ("blank.docx", _docx_without_text, "IMR007 [error] the DOCX file has no text in its body"),
]


def test_unreadable_documents_are_one_line_findings_and_other_files_are_linted(tmp_path, capsys):
    for name, build, _ in UNREADABLE:
        (tmp_path / name).write_bytes(build())
    good = tmp_path / "z-good.pdf"
    good.write_bytes((PDFS / "CM17-0002181.pdf").read_bytes())

    status = main(["check", str(tmp_path)])
    captured = capsys.readouterr()

    expected = {f"{tmp_path / name}:1:1: {finding}" for name, _, finding in UNREADABLE}
    assert status == 1
    assert captured.err == ""
    assert set(captured.out.splitlines()[:-1]) == expected
    assert (
        captured.out.splitlines()[-1]
        == f"Checked {len(UNREADABLE) + 1} letters: {len(UNREADABLE)} errors, 0 warnings, 0 info ({len(UNREADABLE)} "
        "with errors)."
    )


def test_unreadable_document_in_json(tmp_path, capsys):
    (tmp_path / "scan.pdf").write_bytes(_scan())
    status = main(["check", "--format", "json", str(tmp_path / "scan.pdf")])
    (record,) = json.loads(capsys.readouterr().out)

    assert status == 1
    assert record["code"] == "IMR007" and record["name"] == "unreadable-document"
    assert (record["line"], record["column"]) == (1, 1)
    assert "page" not in record


MISSING = """\
import sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None  # as if the package were not installed: importing it fails
from imrlint.cli.main import main
sys.exit(main(["check", *sys.argv[2:]]))
"""


@pytest.mark.parametrize(
    ("hidden", "files", "message"),
    [
        ("pypdf", ["CM17-0002181.pdf"], "reading PDF files needs pypdf; install it with pip install 'imrlint[pdf]'"),
        (
            "cryptography",
            ["CM17-0002181.pdf"],
            "this PDF is AES-encrypted and needs the cryptography package; install it with pip install 'imrlint[pdf]'",
        ),
        ("docx", ["letter.docx"], "reading DOCX files needs python-docx; install it with pip install 'imrlint[docx]'"),
    ],
)
def test_missing_extra_names_the_install_command(tmp_path, hidden, files, message):
    (tmp_path / "letter.docx").write_bytes(docx_from_text((CORPUS / "CM17-0002181.txt").read_text(encoding="utf-8")))
    paths = [str(PDFS / name) if name.endswith(".pdf") else str(tmp_path / name) for name in files]
    text_letter = str(CORPUS / "CM17-0002181.txt")

    result = subprocess.run(
        [sys.executable, "-c", MISSING, hidden, *paths, text_letter],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )

    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"{paths[0]}:1:1: IMR007 [error] {message}",
        "Checked 2 letters: 1 error, 0 warnings, 0 info (1 with errors).",
    ]


# --- finding letters in directories ---------------------------------------------------------


def test_directories_yield_pdf_and_docx_letters_but_not_word_lock_files(tmp_path, capsys):
    text = (CORPUS / "CM17-0002181.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.PDF").write_bytes((PDFS / "CM17-0002181.pdf").read_bytes())
    (tmp_path / "c.docx").write_bytes(docx_from_text(text))
    (tmp_path / "~$c.docx").write_bytes(b"\x0bWord owner file" + bytes(150))  # Word's lock file
    (tmp_path / "notes.md").write_text("not a letter", encoding="utf-8")

    status = main(["check", str(tmp_path)])

    assert (status, capsys.readouterr().out) == (
        0,
        "Checked 3 letters: 0 errors, 0 warnings, 0 info (0 with errors).\n",
    )


# --- all 63 published letters -----------------------------------------------------------------


@pytest.mark.corpus
def test_all_published_pdfs_parse_and_match_their_text(probe_linter):
    """Every published PDF parses (no parse or extraction error) and its findings, probe
    included, equal those of its text version: code, item, line, column, message."""
    pdfs = sorted(PDFS.glob("*.pdf"))
    assert len(pdfs) == 63
    differences = {}
    failures = {}
    item_passages = 0
    for pdf in pdfs:
        text_path = CORPUS / f"{pdf.stem}.txt"
        from_pdf = probe_linter.lint_path(str(pdf)).findings
        from_text = probe_linter.lint_path(str(text_path)).findings
        failed = [f"{f.code} {f.message}" for f in from_pdf if f.code in ("IMR001", "IMR007", "IMR900")]
        if failed:
            failures[pdf.name] = failed
        if compared(from_pdf) != compared(from_text):
            differences[pdf.name] = (compared(from_pdf), compared(from_text))
        assert all(f.path == str(pdf) and f.unit_kind == "page" for f in from_pdf)
        item_passages += sum(1 for f in from_pdf if f.code == "TST901" and f.item is not None)
    assert failures == {}
    assert differences == {}
    assert item_passages == 143 * 5  # 143 items: heading, label, both guidelines, rationale
