"""`imrlint check -`: a letter piped on stdin (for editors and scripts), named by --stdin-filename.

The suffix of --stdin-filename chooses the reader (.txt, .pdf, .docx) and the name appears in
findings; without it the input is read as text and named "<stdin>".  Run as a subprocess, as an
editor would.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

import docx
import pytest

from conftest import EXAMPLES, PDFS, REPO, edited

MRI = EXAMPLES / "CM16-0213037.txt"
PDF = PDFS / "CM17-0002181.pdf"
CONTRADICTION = ("without contrast: Upheld", "without contrast: Overturned")


def imrlint(*args: str, stdin: bytes) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "imrlint", *args], input=stdin, capture_output=True, cwd=REPO, timeout=120, check=False
    )


def lines(result: subprocess.CompletedProcess) -> list[str]:
    return result.stdout.decode("utf-8").splitlines()


@pytest.fixture(scope="module")
def faulty() -> bytes:
    """The MRI example letter with a label that contradicts its rationale (IMR206, line 50)."""
    return edited(MRI, CONTRADICTION).encode("utf-8")


def test_stdin_is_linted_as_the_given_name(faulty, tmp_path):
    on_disk = tmp_path / "letter.txt"
    on_disk.write_bytes(faulty)

    piped = imrlint("check", "-", "--stdin-filename", "drafts/letter.txt", stdin=faulty)
    from_file = imrlint("check", str(on_disk), stdin=b"")

    assert piped.returncode == 1
    assert piped.stderr == b""
    assert lines(piped)[0].startswith("drafts/letter.txt:50:45: IMR206 [error] label 'Overturned' contradicts")
    assert [line.replace(str(on_disk), "drafts/letter.txt") for line in lines(from_file)] == lines(piped)


def test_stdin_without_a_name_is_text_named_stdin(faulty):
    result = imrlint("check", "-", stdin=faulty)

    assert result.returncode == 1
    assert lines(result)[0].startswith("<stdin>:50:45: IMR206 [error]")
    assert lines(result)[-1] == "Checked 1 letter: 1 error, 0 warnings, 0 info (1 with errors)."


def test_clean_letter_on_stdin_exits_0():
    result = imrlint("check", "-", "--stdin-filename", "letter.txt", stdin=MRI.read_bytes())

    assert (result.returncode, lines(result)) == (
        0,
        ["Checked 1 letter: 0 errors, 0 warnings, 0 info (0 with errors)."],
    )


def test_pdf_on_stdin_is_read_as_a_pdf_when_named_so():
    as_pdf = imrlint("check", "--format", "json", "-", "--stdin-filename", "CM17-0002181.PDF", stdin=PDF.read_bytes())
    as_text = imrlint("check", "-", stdin=PDF.read_bytes())

    assert (as_pdf.returncode, json.loads(as_pdf.stdout)) == (0, [])
    assert as_text.returncode == 1
    assert lines(as_text)[0].startswith("<stdin>:1:1: IMR003 [error] binary data")


def test_docx_on_stdin_names_the_paragraph(faulty):
    document = docx.Document()
    for line in faulty.decode("utf-8").split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)

    result = imrlint("check", "-", "--stdin-filename", "draft.docx", stdin=buffer.getvalue())

    assert result.returncode == 1
    assert lines(result)[0].startswith("draft.docx:50:45: IMR206 [error]")
    assert lines(result)[0].endswith('(paragraph 50, offset 44: "MRI of the right shoulder without")')


def test_unreadable_document_on_stdin_is_a_finding():
    result = imrlint("check", "-", "--stdin-filename", "letter.pdf", stdin=PDF.read_bytes()[:12000])

    assert result.returncode == 1
    assert (
        lines(result)[0]
        == "letter.pdf:1:1: IMR007 [error] not a readable PDF (PdfStreamError: Stream has ended unexpectedly)"
    )


def test_stdin_among_files_keeps_the_order_given(faulty, tmp_path):
    (tmp_path / "z.txt").write_bytes(faulty)
    (tmp_path / "a.txt").write_bytes(faulty)
    paths = [str(tmp_path / "z.txt"), "-", str(MRI), str(tmp_path / "a.txt")]
    result = imrlint("check", "--stdin-filename", "piped.txt", *paths, stdin=faulty)

    assert result.returncode == 1
    assert [line.split(":")[0] for line in lines(result)[:-1]] == [paths[0], "piped.txt", paths[3]]
    assert lines(result)[-1] == "Checked 4 letters: 3 errors, 0 warnings, 0 info (3 with errors)."


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [
        (b"", "<stdin>:1:1: IMR004 [error] the letter is empty"),
        (b"x" * 2000, "<stdin>:1:1: IMR005 [error] file is over the 1,000-byte limit (--max-bytes)"),
    ],
)
def test_empty_and_oversized_stdin_are_findings(stdin, expected):
    result = imrlint("check", "--max-bytes", "1000", "-", stdin=stdin)

    assert (result.returncode, lines(result)[0]) == (1, expected)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", "-"], "imrlint: error: '-' (standard input) can be given only once"),
        (
            [str(MRI), "--stdin-filename", "letter.txt"],
            "imrlint: error: --stdin-filename names the letter piped on stdin; give '-' as a PATH",
        ),
    ],
)
def test_stdin_usage_errors_exit_2(args, message):
    result = imrlint("check", *args, stdin=MRI.read_bytes())

    assert result.returncode == 2
    assert result.stderr.decode("utf-8").strip() == message
    assert result.stdout == b""
