"""Reviewer rules: credentials as a block (2016-17 letters) and in prose (seed 001)."""

from __future__ import annotations

from conftest import CORPUS, SEEDS, edited, findings_of, located

MRI = CORPUS / "CM16-0213037.txt"
SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"


def test_block_and_prose_credentials_pass(lint_text):
    for letter in (MRI, SEED_001):
        findings = lint_text(letter.read_text(encoding="utf-8"))
        assert [f for f in findings if f.code in ("IMR401", "IMR402")] == []


def test_missing_licensure_line(lint_text):
    findings = lint_text(edited(MRI, ("State(s) of Licensure: California,North Carolina \n", "")))
    assert located(findings_of(findings, "IMR401")) == [
        (
            "IMR401",
            9,
            1,
            9,
            41,
            "the reviewer's licensure is not stated; add 'State(s) of Licensure: <states>' under 'The Expert Reviewer "
            "has the following credentials:'",
        )
    ]
    assert findings_of(findings, "IMR402") == []


def test_empty_specialty(lint_text):
    findings = lint_text(edited(MRI, ("Certification(s)/Specialty: Family Practice", "Certification(s)/Specialty:")))
    assert located(findings_of(findings, "IMR402")) == [  # at the empty field
        (
            "IMR402",
            21,
            1,
            21,
            28,
            "the reviewer's specialty is not stated; add 'Certification(s)/Specialty: <specialties>' under 'The Expert "
            "Reviewer has the following credentials:'",
        )
    ]


def test_prose_without_credentials(lint_text):
    findings = lint_text(
        edited(
            SEED_001,
            (
                "The expert \n\nreviewer is Board Certified in Internal Medicine, has a subspecialty in Emergency "
                "Medicine and \n\nis licensed to practice in Florida.",
                "The expert reviewer has a subspecialty.",
            ),
        )
    )
    assert [(f.code, f.span.line, f.span.column) for f in findings if f.code in ("IMR401", "IMR402")] == [
        ("IMR401", 1, 2),
        ("IMR402", 1, 2),
    ]
