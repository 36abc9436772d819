"""Reviewer rules: credentials as a block (2016-17 letters) and in prose (seed 001)."""

from __future__ import annotations

from conftest import CORPUS, SEEDS, findings_of, found

MRI = CORPUS / "CM16-0213037.txt"
SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"


def test_block_and_prose_credentials_pass(lint_letter):
    for letter in (MRI, SEED_001):
        findings = lint_letter(letter)
        assert [f for f in findings if f.code in ("IMR401", "IMR402")] == []


def test_missing_licensure_line(lint_letter):
    findings = lint_letter(MRI, ("State(s) of Licensure: California,North Carolina \n", ""))
    assert found(findings, "IMR401") == [
        (
            "IMR401",
            "9:1-9:41",
            "the reviewer's licensure is not stated; add 'State(s) of Licensure: <states>' under 'The Expert Reviewer "
            "has the following credentials:'",
        )
    ]
    assert findings_of(findings, "IMR402") == []


def test_empty_specialty(lint_letter):
    findings = lint_letter(MRI, ("Certification(s)/Specialty: Family Practice", "Certification(s)/Specialty:"))
    assert found(findings, "IMR402") == [
        (
            "IMR402",
            "21:1-21:28",
            "the reviewer's specialty is not stated; add 'Certification(s)/Specialty: <specialties>' under 'The Expert "
            "Reviewer has the following credentials:'",
        )
    ]


def test_prose_without_credentials(lint_letter):
    findings = lint_letter(
        SEED_001,
        (
            "The expert \n\nreviewer is Board Certified in Internal Medicine, has a subspecialty in Emergency "
            "Medicine and \n\nis licensed to practice in Florida.",
            "The expert reviewer has a subspecialty.",
        ),
    )
    assert [(f.code, f.span.line, f.span.column) for f in findings if f.code in ("IMR401", "IMR402")] == [
        ("IMR401", 1, 2),
        ("IMR402", 1, 2),
    ]
