"""Baselines: record today's findings, report only new ones; fingerprints ignore line numbers."""

from __future__ import annotations

import json
import pathlib
import textwrap

import pytest

from imrlint.filter.baseline import Baseline, Entry, fingerprint, text_context
from imrlint.input.document import Document, Span
from imrlint.rules.findings import Finding

from conftest import EXAMPLES, run

MRI = EXAMPLES / "CM16-0213037.txt"
CONFIG = r"""
select: [conclusion-contradicts-label, HS101]
custom-rules:
  - code: HS101
    name: no-claimant
    type: forbidden-pattern
    scope: rationale
    pattern: '\bclaimant\b'
    severity: error
"""


def findings(out: str) -> list[str]:
    """'path:line:col: CODE' of each finding line."""
    return [line.split(" [")[0] for line in out.splitlines() if not line.startswith("Checked ")]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository whose letter has four defects: two labels contradicting their rationales
    (IMR206, on the item headings) and 'claimant' in both rationales (HS101)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "letters").mkdir()
    (tmp_path / ".imrlint.yaml").write_text(CONFIG, encoding="utf-8")
    letter = tmp_path / "letters" / "mri.txt"
    letter.write_text(
        MRI.read_text(encoding="utf-8").replace("without contrast: Upheld", "without contrast: Overturned"),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(repo, old: str, new: str, count: int = 1) -> None:
    letter = repo / "letters" / "mri.txt"
    text = letter.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    letter.write_text(text.replace(old, new, count), encoding="utf-8")


def reflow(text: str, first: str, last: str, width: int, occurrence: int = 0) -> str:
    """``text`` with the lines from the ``occurrence``-th one starting ``first`` to the next one
    ending ``last`` re-wrapped to ``width`` columns."""
    lines = text.split("\n")
    start = [index for index, line in enumerate(lines) if line.startswith(first)][occurrence]
    end = next(index for index, line in enumerate(lines) if index >= start and line.rstrip().endswith(last))
    paragraph = " ".join(line.strip() for line in lines[start : end + 1])
    return "\n".join(lines[:start] + textwrap.wrap(paragraph, width) + lines[end + 1 :])


def write_baseline(capsys) -> list[dict]:
    status, out, err = run(capsys, "check", "--write-baseline", "baseline.json", "letters")
    assert status == 0  # recording a baseline is not a failure
    assert findings(out) == [
        "letters/mri.txt:50:45: IMR206",
        "letters/mri.txt:62:53: HS101",
        "letters/mri.txt:68:45: IMR206",
        "letters/mri.txt:84:84: HS101",
    ]
    assert err == "imrlint: wrote 4 findings to the baseline baseline.json\n"
    return json.loads(pathlib.Path("baseline.json").read_text(encoding="utf-8"))["findings"]


def test_write_baseline_records_every_finding(repo, capsys):
    entries = write_baseline(capsys)
    assert [(entry["path"], entry["code"], entry["name"]) for entry in entries] == [
        ("letters/mri.txt", "IMR206", "conclusion-contradicts-label"),
        ("letters/mri.txt", "HS101", "no-claimant"),
        ("letters/mri.txt", "IMR206", "conclusion-contradicts-label"),
        ("letters/mri.txt", "HS101", "no-claimant"),
    ]
    assert len({entry["fingerprint"] for entry in entries}) == 4
    assert entries[0]["message"].startswith("label 'Overturned' contradicts the rationale's conclusion")
    document = json.loads((repo / "baseline.json").read_text(encoding="utf-8"))
    assert document["version"] == 1


def test_baseline_hides_recorded_findings(repo, capsys):
    write_baseline(capsys)
    status, out, err = run(capsys, "check", "--baseline", "baseline.json", "letters")
    assert (status, findings(out), err) == (0, [], "")
    assert out.endswith("Checked 1 letter: 0 errors, 0 warnings, 0 info (0 with errors).\n")


def test_editing_text_above_and_reflowing_keep_findings_matched(repo, capsys):
    write_baseline(capsys)
    edit(
        repo,
        "CLINICAL CASE SUMMARY \n",
        "CLINICAL CASE SUMMARY \nThis summary was revised on 12/01/2016 after the\nreviewer received further "
        "records.\n\n",
    )
    letter = repo / "letters" / "mri.txt"
    text = letter.read_text(encoding="utf-8")
    text = reflow(text, "The injured worker is a 48 year old", "not medically necessary.", 60)
    text = reflow(text, "Decision rationale: ", "necessary.", 50, occurrence=0)
    text = reflow(text, "Decision rationale: ", "necessary.", 110, occurrence=1)
    letter.write_text(text, encoding="utf-8")
    # Every finding moved (other lines, other columns) ...
    status, out, _ = run(capsys, "check", "letters")
    moved = findings(out)
    assert len(moved) == 4 and not set(moved) & {
        "letters/mri.txt:50:45: IMR206",
        "letters/mri.txt:62:53: HS101",
        "letters/mri.txt:84:84: HS101",
    }
    # ... and is still the baseline's.
    status, out, err = run(capsys, "check", "--baseline", "baseline.json", "letters")
    assert (status, findings(out), err) == (0, [], "")


def test_a_new_defect_of_the_same_rule_in_the_same_letter_is_reported(repo, capsys):
    write_baseline(capsys)
    edit(
        repo,
        "There is no \nevidence of any red flag conditions.",
        "There is no \nevidence of any red flag conditions in the claimant.",
    )
    status, out, _ = run(capsys, "check", "--baseline", "baseline.json", "letters")
    assert status == 1
    assert findings(out) == ["letters/mri.txt:64:44: HS101"]
    # The same words again elsewhere in the letter: another context, another finding.
    edit(
        repo,
        "There is no \nevidence of any red flag conditions in the claimant.",
        "There is no \nevidence of any red flag conditions in the claimant. Nor in the claimant.",
    )
    status, out, _ = run(capsys, "check", "--baseline", "baseline.json", "letters")
    assert findings(out) == ["letters/mri.txt:64:44: HS101", "letters/mri.txt:64:65: HS101"]


def test_stale_entries_are_reported_on_stderr(repo, capsys):
    write_baseline(capsys)
    edit(
        repo,
        "MRI of the right shoulder without contrast: Overturned",
        "MRI of the right shoulder without contrast: Upheld",
    )
    status, out, err = run(capsys, "check", "--baseline", "baseline.json", "letters")
    assert (status, findings(out)) == (0, [])
    assert err.splitlines() == [
        "imrlint: baseline.json: 1 baseline entry no longer matches a finding (fixed, or the text changed); rewrite "
        "the baseline with --write-baseline to drop it:",
        "  letters/mri.txt: IMR206 conclusion-contradicts-label: label 'Overturned' contradicts the rationale's "
        'conclusion "Therefore the request for an MRI of the shoulder is determined to be not medically necessary" '
        "(not medically necessary); label the item 'Upheld' or correct the rationale's conclusion (line 65)",
    ]
    # Rewriting the baseline drops the stale entry.
    run(capsys, "check", "--baseline", "baseline.json", "--write-baseline", "baseline.json", "letters")
    assert len(json.loads((repo / "baseline.json").read_text(encoding="utf-8"))["findings"]) == 3
    assert run(capsys, "check", "--baseline", "baseline.json", "letters")[2] == ""


def test_entries_of_letters_not_linted_are_not_stale_unless_the_letter_is_gone(repo, capsys):
    (repo / "letters" / "other.txt").write_text(
        (repo / "letters" / "mri.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    status, _, _ = run(capsys, "check", "--write-baseline", "baseline.json", "letters")
    # A pre-commit hook lints only the changed letter: the other letter's entries are not judged.
    status, _out, err = run(capsys, "check", "--baseline", "baseline.json", "letters/mri.txt")
    assert (status, err) == (0, "")
    (repo / "letters" / "other.txt").unlink()
    status, _out, err = run(capsys, "check", "--baseline", "baseline.json", "letters/mri.txt")
    assert status == 0 and "4 baseline entries no longer match" in err and "letters/other.txt: IMR206" in err


def test_paths_are_relative_to_the_baseline_file(repo, capsys, monkeypatch, tmp_path):
    write_baseline(capsys)
    monkeypatch.chdir(repo / "letters")
    status, out, err = run(capsys, "check", "--baseline", "../baseline.json", "mri.txt")
    assert (status, findings(out), err) == (0, [], "")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not json", "not a baseline (invalid JSON"),
        ('{"version": 2, "findings": []}', "version: baseline version 2 is not supported"),
        ('{"version": 1, "findings": [{"path": "a.txt"}]}', "findings.0: 'code' is a required property"),
        (None, "cannot read the baseline"),
    ],
)
def test_an_invalid_baseline_is_a_configuration_error(repo, capsys, content, reason):
    if content is not None:
        (repo / "baseline.json").write_text(content, encoding="utf-8")
    status, out, err = run(capsys, "check", "--baseline", "baseline.json", "letters")
    assert (status, out) == (2, "")
    assert err.startswith("imrlint: error: baseline.json: ") and reason in err, err


def test_fingerprint_does_not_depend_on_line_numbers_or_line_breaks():
    def finding_at(document: Document, word: str) -> Finding:
        start = document.text.index(word)
        return Finding("a.txt", document.span(start, start + len(word)), "HS101", "x", "error", "m")

    first = Document("a.txt", "The request is for\nan MRI of the\nshoulder; the claimant was seen.\n")
    moved = Document(
        "a.txt", "A new line.\nAnother.\nThe request is for an MRI of the shoulder;\nthe   claimant was\nseen.\n"
    )
    assert text_context(first, finding_at(first, "claimant")) == text_context(moved, finding_at(moved, "claimant"))
    assert text_context(first, finding_at(first, "claimant")) == "the shoulder; the [claimant] was seen."
    other = Document("a.txt", "The request is for an MRI of the knee; the claimant was seen.\n")
    assert text_context(other, finding_at(other, "claimant")) != text_context(first, finding_at(first, "claimant"))
    assert (
        fingerprint("HS101", "MRI  of the Knee", "c")
        == fingerprint("HS101", "mri of the knee", "c")
        != fingerprint("HS102", "mri of the knee", "c")
    )


def test_identical_findings_are_counted():
    baseline = Baseline("baseline.json", [Entry("a.txt", "HS101", "f1"), Entry("a.txt", "HS101", "f1")])

    class Report:
        path = "a.txt"

    report = Report()
    report.findings = [
        Finding("a.txt", Span(line, 1, line, 2), "HS101", "x", "error", "m", fingerprint="f1") for line in (1, 2, 3)
    ]
    baseline.filter(report)
    assert [finding.span.line for finding in report.findings] == [3]
    assert baseline.stale() == []


def test_baseline_in_a_parallel_run(repo, capsys):
    """Fingerprints are made where the letter is linted (a worker) and matched in the parent."""
    for index in range(3):
        (repo / "letters" / f"copy{index}.txt").write_bytes((repo / "letters" / "mri.txt").read_bytes())
    assert run(capsys, "check", "--jobs", "2", "--write-baseline", "baseline.json", "letters")[0] == 0
    assert len(json.loads((repo / "baseline.json").read_text(encoding="utf-8"))["findings"]) == 16
    edit(
        repo,
        "There is no \nevidence of any red flag conditions.",
        "There is no \nevidence of any red flag conditions in the claimant.",
    )
    status, out, err = run(capsys, "check", "--jobs", "2", "--baseline", "baseline.json", "letters")
    assert (status, findings(out), err) == (1, ["letters/mri.txt:64:44: HS101"], "")
