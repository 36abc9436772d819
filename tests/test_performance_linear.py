"""Work grows linearly with the letter for what the whole letter is compared with: a fix is
checked against the legal wording (labels, conclusions) of the items it falls in only, not of every item.
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


def test_a_fix_is_guarded_by_the_legal_wording_of_its_own_item_only(linter, monkeypatch):
    read = []
    original = legal_wording._item_legal_spans

    def counting(letter, position, reader):
        read.append(position)
        return original(letter, position, reader)

    monkeypatch.setattr(legal_wording, "_item_legal_spans", counting)
    # the conclusion of the second item (Fexmid, before the 200 added ones) doubles a word
    text = letter_with_items(200).replace("the record does not document", "the the record does not document", 1)
    findings = findings_of(linter.lint_document(Document("letter.txt", text)).findings, "IMR603")
    assert [finding.fix.applicability for finding in findings] == ["display-only"]
    # and the last item's (the stimulator's), which holds the seed's page-footer fragment (IMR601)
    assert sorted(read) == [1, 202]
