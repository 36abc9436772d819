"""The findings on the bundled real letters are exactly those docs/corpus-findings.md lists and
justifies: a change in what imrlint reports on real letters must be reviewed and documented."""

from __future__ import annotations

import re

import pytest

from conftest import LETTERS, REPO, real_letters

pytestmark = pytest.mark.corpus  # every bundled letter: `pytest -m 'not corpus'` leaves it out

DOC = REPO / "docs" / "corpus-findings.md"
ROW = re.compile(
    r"^\| (?P<letter>(?:seeds|corpus/text)/[\w.-]+) \| (?P<line>\d+) \| (?P<code>[A-Z]+\d+) \| "
    r"(?P<severity>error|warning|info) \| (?P<why>.+) \|$"
)


def _documented():
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("<!-- corpus-findings: start -->") : text.index("<!-- corpus-findings: end -->")]
    rows = [ROW.match(line) for line in table.splitlines() if line.startswith(("| seeds/", "| corpus/"))]
    assert all(rows), "a row of the findings table is malformed"
    return rows


def test_corpus_findings_are_the_documented_ones(lint_text):
    found = []
    for path in real_letters():
        name = str(path.relative_to(LETTERS))
        for finding in lint_text(path.read_text(encoding="utf-8"), str(path)):
            found.append((name, finding.span.line, finding.code, finding.severity))
    documented = [(row["letter"], int(row["line"]), row["code"], row["severity"]) for row in _documented()]
    assert sorted(found) == sorted(documented)


def test_every_documented_finding_says_why(lint_text):
    assert all(len(row["why"]) > 40 for row in _documented())


def test_no_error_finding_on_real_letters():
    assert [row["letter"] for row in _documented() if row["severity"] == "error"] == []


def test_the_summary_line_counts_the_table():
    rows = _documented()
    counts = {severity: sum(row["severity"] == severity for row in rows) for severity in ("error", "warning", "info")}
    summary = f"**{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info** in 68 letters"
    assert summary in DOC.read_text(encoding="utf-8")
