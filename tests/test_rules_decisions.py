"""Decision rules on real letters and on copies with one defect each."""

from __future__ import annotations

import pytest

from conftest import CORPUS, SEEDS, edited, findings_of, found

MRI = CORPUS / "CM16-0213037.txt"
PRE_OP = CORPUS / "CM17-0010420.txt"
SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"
SEED_003 = SEEDS / "003_3ed032a11a9024b6.txt"
DECISION_CODES = ("IMR201", "IMR202", "IMR203", "IMR204", "IMR205", "IMR206", "IMR207", "IMR213")


@pytest.mark.parametrize(
    "letter",
    [MRI, PRE_OP, SEED_001, SEED_003, CORPUS / "CM16-0243394.txt", CORPUS / "CM17-0014438.txt"],
    ids=lambda path: path.stem,
)
def test_consistent_real_letters_pass(lint_letter, letter):
    findings = lint_letter(letter)
    assert [f for f in findings if f.code in DECISION_CODES] == []


def test_missing_label_keeps_colons_of_the_item_name(lint_letter):
    findings = lint_letter(PRE_OP, ("Pre-op labs: CBC: Overturned", "Pre-op labs: CBC"))
    assert found(findings, "IMR201") == [
        (
            "IMR201",
            "65:1-65:17",
            "item 'Pre-op labs: CBC' has no decision label; end its heading with ': Upheld' or ': Overturned'",
        )
    ]
    assert findings_of(findings, "IMR202") == []


def test_invalid_label(lint_letter):
    findings = lint_letter(MRI, ("without contrast: Upheld", "without contrast: Denied"))
    assert found(findings, "IMR202") == [
        (
            "IMR202",
            "50:45-50:51",
            "decision label 'Denied' is not one of the two IMR outcomes; write 'Upheld' (UR denial stands) or "
            "'Overturned' (treatment is medically necessary)",
        )
    ]
    assert findings_of(findings, "IMR201") == []


def test_empty_maximus_guideline(lint_letter):
    findings = lint_letter(
        MRI,
        (
            "MAXIMUS guideline: Decision based on MTUS Shoulder Complaints 2004, Section(s): \nSpecial Studies.",
            "MAXIMUS guideline:",
        ),
    )
    assert found(findings, "IMR203") == [
        (
            "IMR203",
            "54:1-54:19",
            "item 'MRI of the right shoulder without contrast' has an empty 'MAXIMUS guideline:'; state the guideline "
            "the decision rests on, or that none was cited",
        )
    ]


def test_item_without_guidelines_and_an_empty_rationale(lint_letter):
    findings = lint_letter(
        MRI,
        (
            "Decision rationale: CA MTUS/ACOEM Guidelines state that unequivocal objective findings \nthat identify",
            "Decision rationale: \n\nMRI of the knee: Upheld\n\nDecision rationale: that identify",
        ),
    )
    assert found(findings, "IMR204") == [
        (
            "IMR204",
            "57:1-57:20",
            "item 'MRI of the right shoulder without contrast' has an empty 'Decision rationale:'; explain the "
            "decision for this item",
        )
    ]
    assert [(f.span.line, f.message) for f in findings_of(findings, "IMR203")] == [
        (
            59,
            "item 'MRI of the knee' has no 'Claims Administrator guideline:'; state the guideline the decision rests "
            "on, or that none was cited",
        ),
        (
            59,
            "item 'MRI of the knee' has no 'MAXIMUS guideline:'; state the guideline the decision rests on, or that "
            "none was cited",
        ),
    ]


def test_rationale_without_conclusion(lint_letter):
    findings = lint_letter(
        MRI,
        (
            "warranting an MRI. Therefore the request for an MRI of the shoulder is determined to be not "
            "\nmedically necessary.",
            "warranting an MRI.",
        ),
    )
    assert found(findings, "IMR205") == [
        (
            "IMR205",
            "57:21-65:19",
            "the rationale for 'MRI of the right shoulder without contrast' states no medical-necessity conclusion; "
            "end it with, e.g., 'the request for MRI of the right shoulder without contrast is not medically "
            "necessary' (Labor Code 4610.6(c))",
        )
    ]
    assert findings_of(findings, "IMR213") == []


@pytest.mark.parametrize(
    ("conclusion", "found", "column"),
    [
        (
            "Therefore the request would not be supported by the guidelines, as such the request is not necessary.",
            "as such the request is not necessary",
            84,
        ),
        (
            "For these reasons, the current request for an MRI of the shoulder is not medically appropriate.",
            "the current request for an MRI of the shoulder is not medically appropriate",
            39,
        ),
    ],
)
def test_conclusion_in_other_words_is_reported_as_wording_not_as_missing(lint_text, conclusion, found, column):
    text = edited(
        MRI,
        ("Therefore the request for an MRI of the shoulder is determined to be not \nmedically necessary.", conclusion),
    )
    findings = lint_text(text)
    assert findings_of(findings, "IMR205") == [] and findings_of(findings, "IMR206") == []
    assert [(f.code, f.span.line, f.span.column, f.severity, f.message) for f in findings_of(findings, "IMR213")] == [
        (
            "IMR213",
            65,
            column,
            "info",
            f"the rationale for 'MRI of the right shoulder without contrast' concludes \"{found}\" but does not say "
            "whether the "
            "request is medically necessary; state it in those words, e.g. 'the request for MRI of the right shoulder "
            "without contrast is not medically necessary' (Labor Code 4610.6(c))",
        ),
    ]
    flipped = lint_text(text.replace("without contrast: Upheld", "without contrast: Overturned", 1))
    assert [(f.code, f.item) for f in flipped if f.code == "IMR206"] == [("IMR206", 1)]


def test_statement_about_another_subject_in_other_words_is_no_conclusion(lint_text):
    text = edited(
        MRI,
        (
            "Therefore the request for an MRI of the shoulder is determined to be not \nmedically necessary.",
            "Surgery is not indicated.",
        ),
    )
    assert [f.code for f in lint_text(text) if f.item == 1 and f.code.startswith("IMR2")] == ["IMR205"]


@pytest.mark.parametrize("label", ["Upheld", "Overturned"])
def test_a_guideline_criterion_after_the_conclusion_is_not_the_conclusion(lint_text, label):
    conclusion = "the request is not medically necessary" if label == "Upheld" else "the request is medically necessary"
    text = edited(
        MRI,
        (
            "Therefore the request for an MRI of the shoulder is determined to be not \nmedically necessary.",
            f"Therefore {conclusion}. ACOEM states that an MRI is medically necessary when red flags are present, and "
            "not medically necessary for patients without them.",
        ),
        ("without contrast: Upheld", f"without contrast: {label}"),
    )
    assert [f for f in lint_text(text) if f.code in ("IMR205", "IMR206") and f.item == 1] == []


def test_overturned_label_against_negative_conclusion(lint_letter):
    findings = lint_letter(SEED_003, ("Norflex 100mg 60 count:  Upheld", "Norflex 100mg 60 count:  Overturned"))
    assert found(findings, "IMR206") == [
        (
            "IMR206",
            "35:26-35:36",
            "label 'Overturned' contradicts the rationale's conclusion \"the request cannot be considered medically "
            "necessary\" (not medically necessary); label the item 'Upheld' or correct the rationale's conclusion "
            "(line 53)",
        )
    ]


def test_upheld_label_against_positive_noun_conclusion(lint_letter):
    findings = lint_letter(SEED_001, ("Overturned", "Upheld"))
    assert found(findings, "IMR206") == [
        (
            "IMR206",
            "184:1-184:7",
            "label 'Upheld' contradicts the rationale's conclusion \"the record does document the medical necessity\" "
            "(medically necessary); label the item 'Overturned' or correct the rationale's conclusion (line 231)",
        )
    ]


@pytest.mark.parametrize(
    ("conclusion", "label"),
    [
        ("Therefore, the request is not medically necessary.", "Upheld"),
        ("The request was not medically necessary, medically appropriate, or indicated here.", "Upheld"),
        ("The request is determined to not be medically necessary.", "Upheld"),
        ("The request is not-medically necessary.", "Upheld"),
        ("The MRI is not supported by the provided records as being medically necessary at this time.", "Upheld"),
        ("The request cannot be considered medically necessary.", "Upheld"),
        ("Therefore, the record does not demonstrate medical necessity for Norco.", "Upheld"),
        ("Medical necessity has not been established.", "Upheld"),
        ("Medical necessity cannot be established at this time.", "Upheld"),
        ("Likewise, the medical necessity of this request is not established.", "Upheld"),
        ("Additional physical therapy is not a medical necessity to the patient at this time.", "Upheld"),
        ("Therefore, the record does document the medical necessity for the stimulator.", "Overturned"),
        ("As such, the requested surgical intervention is medically necessary.", "Overturned"),
    ],
)
def test_every_conclusion_phrasing_agrees_with_its_label(lint_text, conclusion, label):
    text = edited(
        MRI,
        ("Therefore the request for an MRI of the shoulder is determined to be not \nmedically necessary.", conclusion),
        ("without contrast: Upheld", f"without contrast: {label}"),
    )
    findings = lint_text(text)
    assert [f for f in findings if f.code in ("IMR205", "IMR206") and f.item == 1] == []
    other = "Overturned" if label == "Upheld" else "Upheld"
    flipped = lint_text(text.replace(f"without contrast: {label}", f"without contrast: {other}", 1))
    assert [(f.code, f.item) for f in flipped if f.code == "IMR206"] == [("IMR206", 1)]


@pytest.mark.parametrize(
    ("opening", "label"),
    [("No, the MTUS guidelines state", "Upheld"), ("Yes, the MTUS guidelines state", "Overturned")],
)
def test_rationale_opening_with_yes_or_no(lint_text, opening, label):
    text = edited(
        MRI,
        ("Decision rationale: CA MTUS/ACOEM Guidelines state", f"Decision rationale: {opening}"),
        ("Therefore the request for an MRI of the shoulder is determined to be not \nmedically necessary.", ""),
        ("without contrast: Upheld", f"without contrast: {label}"),
    )
    assert [f for f in lint_text(text) if f.code in ("IMR205", "IMR206") and f.item == 1] == []
    other = "Overturned" if label == "Upheld" else "Upheld"
    flipped = lint_text(text.replace(f"without contrast: {label}", f"without contrast: {other}", 1))
    assert [(f.code, f.span.line, f.span.column) for f in flipped if f.code == "IMR206"] == [("IMR206", 50, 45)]
    assert [
        (f.code, f.span.line, f.span.column, f.message.split(" but ")[0]) for f in lint_text(text) if f.code == "IMR213"
    ] == [
        (
            "IMR213",
            57,
            21,
            f"the rationale for 'MRI of the right shoulder without contrast' concludes \"{opening.split(',')[0]}\"",
        )
    ]


def test_statements_that_are_not_conclusions_are_ignored(lint_text):
    letter = CORPUS / "CM17-0014438.txt"
    text = letter.read_text(encoding="utf-8")
    assert "This medical necessity \ndecision should not be interpreted" in text
    assert [f for f in lint_text(text) if f.code == "IMR206"] == []


def test_item_decided_twice(lint_letter):
    findings = lint_letter(
        MRI,
        (
            "MRI of the cervical spine without contrast: Upheld",
            "MRI of the right shoulder without contrast: Upheld",
        ),
    )
    assert found(findings, "IMR207") == [
        (
            "IMR207",
            "68:1-68:51",
            "item 'MRI of the right shoulder without contrast' is decided twice (first at line 50); decide each "
            "disputed item once",
        )
    ]
