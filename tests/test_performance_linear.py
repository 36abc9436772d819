"""Work grows linearly with the letter for what the whole letter is compared with: a fix is
checked against the legal wording (labels, conclusions) of its own lines only, not of every item.
Counted in comparisons made, never timed."""

from __future__ import annotations

import pytest
from test_hardening_linear import letter_with_items

from imrlint.input.document import Document
from imrlint.rules import legal_wording

from conftest import findings_of


@pytest.fixture
def comparisons(monkeypatch):
    counted = [0]
    original = legal_wording._overlaps

    def counting(edit, region):
        counted[0] += 1
        return original(edit, region)

    monkeypatch.setattr(legal_wording, "_overlaps", counting)
    return counted


def test_fixes_are_guarded_in_work_linear_in_the_letter(linter, comparisons):
    def guard(count: int) -> int:
        # each item's conclusion doubles a word: a doubled-word finding (IMR603) whose fix would
        # rewrite the conclusion, so it is only shown
        text = letter_with_items(count).replace("based upon the Guidelines", "based upon the the Guidelines")
        comparisons[0] = 0
        findings = linter.lint_document(Document("letter.txt", text)).findings
        shown = [finding for finding in findings_of(findings, "IMR603") if finding.fix.applicability == "display-only"]
        assert len(shown) >= count
        return comparisons[0]

    small, large = guard(150), guard(300)
    assert large < 2.3 * small
