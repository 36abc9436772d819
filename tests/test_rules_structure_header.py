"""Header block rules (IMR105, IMR106) and the reviewer's anonymity (IMR403), on real letters and
on copies with one defect each."""

from __future__ import annotations

import pytest

from conftest import CORPUS, SEEDS, edited, findings_of, found, real_letters

MRI = CORPUS / "CM16-0213037.txt"
SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"
CODES = ("IMR105", "IMR106", "IMR403")


def _ours(findings):
    return [finding for finding in findings if finding.code in CODES]


@pytest.mark.corpus
def test_real_letters_have_no_header_or_anonymity_findings(lint_text):
    for path in real_letters():
        assert _ours(lint_text(path.read_text(encoding="utf-8"), str(path))) == [], path.name


def test_case_number_with_a_digit_missing(lint_letter):
    findings = lint_letter(MRI, ("Case Number: CM16-0213037", "Case Number: CM16-021303"))
    assert found(findings, "IMR105") == [
        (
            "IMR105",
            "2:14-2:25",
            "case number 'CM16-021303' is not in the DWC form; write it as CM16-0213037 (CM, two-digit year, hyphen, "
            "seven digits)",
        )
    ]


def test_case_number_the_header_pattern_does_not_read(lint_letter):
    findings = lint_letter(MRI, ("Case Number: CM16-0213037", "Case Number: 16-0213037"))
    assert found(findings, "IMR105") == [
        (
            "IMR105",
            "2:14-2:24",
            "case number '16-0213037' is not in the DWC form; write it as CM16-0213037 (CM, two-digit year, hyphen, "
            "seven digits)",
        )
    ]


def test_header_block_without_a_case_number(lint_letter):
    findings = lint_letter(MRI, ("Case Number: CM16-0213037", ""))
    assert [(f.span.line, f.message) for f in findings_of(findings, "IMR105")] == [
        (3, "the header block has no case number; write it as CM16-0213037 (CM, two-digit year, hyphen, seven digits)")
    ]


def test_case_number_pattern_is_an_option(linter_with):
    linter = linter_with("rules:\n  case-number-format:\n    options:\n      pattern: 'CM\\d{2}-\\d{6,7}'\n")
    assert findings_of(linter(edited(MRI, ("Case Number: CM16-0213037", "Case Number: CM16-021303"))), "IMR105") == []


def test_decision_before_assignment(lint_letter):
    findings = lint_letter(MRI, ("Decision Date: 12/09/2016", "Decision Date: 11/08/2016"))
    assert found(findings, "IMR106") == [
        (
            "IMR106",
            "4:16-4:26",
            "Decision Date 11/08/2016 is before Date Assigned 11/09/2016 (line 3); correct whichever date is wrong",
        )
    ]


def test_reviewer_named_in_the_credentials_block(lint_letter):
    findings = lint_letter(
        MRI,
        (
            "Certification(s)/Specialty: Family Practice",
            "Certification(s)/Specialty: Family Practice, Dr. John Smith",
        ),
    )
    assert found(findings, "IMR403") == [
        (
            "IMR403",
            "21:46-21:60",
            "'Dr. John Smith' names a person where the reviewer is described; the reviewer's identity is confidential "
            "(Labor Code 4610.6(f)): state only licensure and specialty",
        )
    ]


def test_reviewer_named_with_a_degree_in_prose(lint_letter):
    findings = lint_letter(
        SEED_001,
        (
            "The expert \n\nreviewer is Board Certified",
            "The expert \n\nreviewer, Jane Q. Doe, M.D., is Board Certified",
        ),
    )
    assert [f.message.split("'")[1] for f in findings_of(findings, "IMR403")] == ["Jane Q. Doe, M.D."]


def test_specialties_are_not_names(lint_text):
    text = edited(
        MRI, ("Certification(s)/Specialty: Family Practice", "Certification(s)/Specialty: Osteopathic Medicine, DO")
    )
    assert findings_of(lint_text(text), "IMR403") == []
