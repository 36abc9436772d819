"""imrlint check --fix, --unsafe-fixes and --diff on real letters with injected defects: the
letters written back exactly (encoding, byte-order mark, line breaks kept; atomically; PDF and
Word never), re-linting them reports none of the fixed findings, the summary and the exit
statuses; and the fixes in the JSON, SARIF and HTML reports."""

from __future__ import annotations

import json
import re
import shutil

import jsonschema
import pytest

from conftest import CORPUS, DATA, EXAMPLES, PDFS, SEEDS, SHAPES, edited, run

MRI = CORPUS / "CM16-0213037.txt"
SEED_000 = SEEDS / "000_8aa5183601f98bf9.txt"
SEED_004 = SEEDS / "004_2a473cbf33bb0773.txt"
SENTENCE = "There is no \nevidence of any red flag conditions. "
DOUBLED = ("an MRI of \nthe shoulder. However", "an MRI of the \nthe shoulder. However")
REPEATED = (SENTENCE, SENTENCE + "There is no evidence of any red flag conditions. ")


def codes(out: str) -> list[str]:
    return [re.search(r": (IMR\d+) \[", line).group(1) for line in out.splitlines() if not line.startswith("Checked ")]


@pytest.fixture
def letters(tmp_path):
    """Real letters with defects a safe fix corrects, and what each should read once fixed."""
    folder = tmp_path / "letters"
    folder.mkdir()
    mri = MRI.read_text(encoding="utf-8")
    (folder / "doubled.txt").write_text(edited(MRI, DOUBLED, REPEATED), encoding="utf-8")
    shutil.copy(SEED_004, folder / "seed_004.txt")
    shutil.copy(MRI, folder / "clean.txt")
    expected = {
        "doubled.txt": edited(MRI, (DOUBLED[0], "an MRI of the \nshoulder. However")),
        "seed_004.txt": SEED_004.read_text(encoding="utf-8")
        .replace("Omepraxole 20mg", "Omeprazole 20mg")
        .replace("60, 61, 76-78, 88,89, 80, 81.", "60, 61, 76-78, 80, 81, 88, 89."),
        "clean.txt": mri,
    }
    return folder, expected


def test_fix_writes_the_letters_and_reports_what_remains(capsys, letters):
    folder, expected = letters
    status, out, err = run(capsys, "check", "--fix", str(folder))
    for name, text in expected.items():
        assert (folder / name).read_text(encoding="utf-8") == text, name
    assert status == 0
    assert out.splitlines()[-1] == "Checked 3 letters: 0 errors, 0 warnings, 0 info (0 with errors)."
    assert err == (
        "Fixed 4 findings in 2 letters (1 IMR210 item-name-misspelt, 1 IMR312 pages-out-of-order, 1 IMR603 "
        "doubled-word, 1 IMR605 repeated-sentence).\n"
    )
    assert not [path for path in folder.iterdir() if path.name.startswith(".")]  # no temporary file left
    status, out, err = run(capsys, "check", "--fix", str(folder))
    assert (status, err) == (0, "")  # nothing left to fix


def test_fix_reports_the_findings_it_cannot_fix_and_exits_1(capsys, tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(
        edited(MRI, DOUBLED, ("without contrast: Upheld", "without contrast: Overturned")), encoding="utf-8"
    )
    status, out, err = run(capsys, "check", "--fix", str(letter))
    assert (status, codes(out)) == (1, ["IMR206"])
    assert err.startswith("Fixed 1 finding in 1 letter (1 IMR603 doubled-word).")


def test_fix_keeps_the_encoding_the_byte_order_mark_and_the_line_breaks(capsys, tmp_path):
    text = edited(MRI, DOUBLED).replace("\n", "\r\n")
    fixed = edited(MRI, (DOUBLED[0], "an MRI of the \nshoulder. However")).replace("\n", "\r\n")
    utf8 = tmp_path / "bom.txt"
    utf8.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    utf8.chmod(0o640)
    status, _, err = run(capsys, "check", "--fix", str(utf8), str(utf16))
    assert status == 0 and err.startswith("Fixed 2 findings in 2 letters")
    assert utf8.read_bytes() == b"\xef\xbb\xbf" + fixed.encode("utf-8")
    assert utf16.read_bytes() == b"\xfe\xff" + fixed.encode("utf-16-be")
    assert utf8.stat().st_mode & 0o777 == 0o640


def test_fix_writes_through_a_link_and_keeps_it(capsys, tmp_path):
    target = tmp_path / "letter.txt"
    target.write_text(edited(MRI, DOUBLED), encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert run(capsys, "check", "--fix", str(link))[0] == 0
    assert link.is_symlink() and "an MRI of the \nshoulder" in target.read_text(encoding="utf-8")


def test_pdf_word_and_undecodable_letters_are_never_changed(capsys, tmp_path):
    pdf = tmp_path / "CM16-0213037.pdf"
    shutil.copy(PDFS / "CM16-0213037.pdf", pdf)
    docx = tmp_path / "CM16-0213037.docx"
    shutil.copy(SHAPES / "docx" / "CM16-0213037.docx", docx)
    latin = tmp_path / "latin.txt"
    latin.write_bytes(edited(MRI, DOUBLED).replace("MRI of the right", "MRI of the r\xe9ght", 1).encode("cp1252"))
    before = {path: path.read_bytes() for path in (pdf, docx, latin)}
    status, out, err = run(capsys, "check", "--fix", "--extend-select", "IMR604", str(pdf), str(docx), str(latin))
    assert {path: path.read_bytes() for path in before} == before
    assert codes(out).count("IMR604") == 3 and "IMR603" in codes(out)
    assert status == 0
    assert err.splitlines() == [
        "2 fixes not applied: PDF and Word letters are never changed.",
        "2 fixes not applied: a letter that is not UTF-8 (or UTF-16) is never changed: save it as UTF-8.",
    ]


def test_diff_shows_the_change_and_writes_nothing(capsys, letters):
    folder, _ = letters
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    status, out, err = run(capsys, "check", "--diff", str(folder / "seed_004.txt"))
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    assert status == 1
    path = folder / "seed_004.txt"
    assert out.splitlines()[:3] == [f"--- {path}", f"+++ {path}", "@@ -88,7 +88,7 @@"]
    assert "-Omepraxole 20mg #60 for 30 days: Upheld \n+Omeprazole 20mg #60 for 30 days: Upheld \n" in out
    assert err == "Would fix 2 findings in 1 letter (1 IMR210 item-name-misspelt, 1 IMR312 pages-out-of-order).\n"
    status, out, err = run(capsys, "check", "--diff", str(folder / "clean.txt"))
    assert (status, out, err) == (0, "", "")


def test_diff_of_a_letter_on_standard_input(capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(SEED_000.read_bytes())))
    status, out, _ = run(capsys, "check", "--diff", "--stdin-filename", "draft.txt", "-")
    assert status == 1
    assert "-Opioids Page(s): 91, 76-78.   \n+Opioids Page(s): 76-78, 91.   \n" in out


def test_unsafe_fixes_only_when_asked(capsys, tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_text(
        edited(SEED_000, ("Opioids Page(s): 91, 76-78.", "Opioids Page(s): 78-76, 91.")), encoding="utf-8"
    )
    _, out, err = run(capsys, "check", "--fix", str(letter))
    assert "IMR302" in codes(out) and "1 more finding can be fixed with --unsafe-fixes." in err.splitlines()
    _, out, err = run(capsys, "check", "--fix", "--unsafe-fixes", str(letter))
    assert "IMR302" not in codes(out) and "Opioids Page(s): 76-78, 91." in letter.read_text(encoding="utf-8")


def test_legal_wording_is_never_rewritten(capsys, tmp_path):
    letter = tmp_path / "letter.txt"
    text = edited(MRI, ("Therefore the request for an MRI", "Therefore the request for an an MRI"))
    letter.write_text(text, encoding="utf-8")
    _, out, err = run(capsys, "check", "--fix", "--unsafe-fixes", str(letter))
    assert letter.read_text(encoding="utf-8") == text
    assert codes(out) == ["IMR603"] and err == ""


def test_a_letter_that_cannot_be_written_is_an_error(capsys, letters, monkeypatch):
    from imrlint.fix import session
    from imrlint.report.output import OutputError

    def refuse(path, data):
        raise OutputError(path, "Read-only file system")

    monkeypatch.setattr(session, "write_atomically", refuse)
    folder, _ = letters
    status, _, err = run(capsys, "check", "--fix", "-j", "1", str(folder / "seed_004.txt"))
    assert status == 2
    assert err.splitlines()[0] == f"imrlint: error: cannot write {folder / 'seed_004.txt'}: Read-only file system"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--unsafe-fixes"], "--unsafe-fixes applies fixes: give it with --fix or --diff"),
        (["--diff", "--redact"], "--diff shows letter text; it cannot be used with --redact"),
        (["--fix", "-"], "--fix changes letter files in place; for a letter on standard input use --diff"),
    ],
)
def test_fix_options_that_do_not_go_together(capsys, arguments, message):
    paths = [] if "-" in arguments else [str(MRI)]
    status, _, err = run(capsys, "check", *arguments, *paths)
    assert (status, err) == (2, f"imrlint: error: {message}\n")


def test_fix_in_worker_processes(capsys, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for index in range(24):
        shutil.copy(SEED_004 if index % 2 else SEED_000, folder / f"letter_{index:02}.txt")
    status, out, err = run(capsys, "check", "--fix", "-j", "2", "--select", "IMR312,IMR210", str(folder))
    assert (status, codes(out)) == (0, [])
    assert err == "Fixed 36 findings in 24 letters (12 IMR210 item-name-misspelt, 24 IMR312 pages-out-of-order).\n"


def test_the_fix_in_json_jsonl_and_sarif(capsys):
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "IMR312", str(SEED_004))
    (finding,) = json.loads(out)
    assert finding["fix"] == {
        "applicability": "safe",
        "message": "list the pages in order, each once",
        "edits": [
            {"line": 91, "column": 68, "end_line": 91, "end_column": 96, "replacement": "60, 61, 76-78, 80, 81, 88, 89"}
        ],
    }
    _, out, _ = run(capsys, "check", "--format", "jsonl", "--select", "IMR312", str(SEED_004))
    assert json.loads(out)["fix"] == finding["fix"]
    _, out, _ = run(capsys, "check", "--format", "sarif", str(SEED_004), str(EXAMPLES / "001_4c5777553f12bddd.txt"))
    document = json.loads(out)
    schema = json.loads((DATA / "sarif-2.1.0-rtm.5.schema.json").read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    fixes = {result["ruleId"]: result["fixes"] for result in document["runs"][0]["results"] if "fixes" in result}
    assert fixes["IMR312"] == [
        {
            "description": {"text": "list the pages in order, each once"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": SEED_004.as_uri()},
                    "replacements": [
                        {
                            "deletedRegion": {"startLine": 91, "startColumn": 68, "endLine": 91, "endColumn": 96},
                            "insertedContent": {"text": "60, 61, 76-78, 80, 81, 88, 89"},
                        }
                    ],
                }
            ],
            "properties": {"applicability": "safe"},
        }
    ]
    assert fixes["IMR601"][0]["artifactChanges"][0]["replacements"] == [
        {"deletedRegion": {"startLine": 216, "startColumn": 79, "endLine": 216, "endColumn": 85}}
    ]


def test_a_redacted_report_carries_no_fix(capsys):
    _, out, _ = run(capsys, "check", "--format", "json", "--redact", str(SEED_004))
    assert all("fix" not in finding for finding in json.loads(out))


def test_the_html_report_shows_the_fix_before_and_after(capsys):
    _, out, _ = run(capsys, "check", "--format", "html", "--select", "IMR210", str(SEED_004))
    assert (
        '<p class="where">Fix — safe fix (imrlint check --fix): spell the name as the summary and the rationale do</p>'
        '<pre class="fix"><del>Omepraxole</del><ins>Omeprazole</ins> 20mg #60 for 30 days: Upheld </pre>'
    ) in out
