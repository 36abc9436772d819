"""Citation rules of the first rule set on real letters and on copies with one defect each."""

from __future__ import annotations

import pytest

from conftest import CORPUS, SEEDS, edited, findings_of, found, located

SEED_000 = SEEDS / "000_8aa5183601f98bf9.txt"
SEED_004 = SEEDS / "004_2a473cbf33bb0773.txt"
IBUPROFEN = CORPUS / "CM17-0002181.txt"
MRI = CORPUS / "CM16-0213037.txt"
SURGERY = CORPUS / "CM17-0014449.txt"
CITATION_CODES = ("IMR301", "IMR302", "IMR303", "IMR304", "IMR305", "IMR306", "IMR307")


def test_seed_000_page_102_is_outside_its_topic(lint_letter):
    findings = lint_letter(SEED_000)
    assert located([f for f in findings if f.code in CITATION_CODES]) == [
        (
            "IMR303",
            109,
            44,
            109,
            47,
            "page 102 is outside 'NSAIDs, GI symptoms & cardiovascular risk' (pages 68-69) in the Chronic Pain Medical "
            "Treatment Guidelines (2009); check the page",
        )
    ]


def test_pages_of_a_broader_topic_are_accepted(lint_letter):
    # "Medications for chronic pain, criteria for use of opioids Page(s): 60, 61, 76-78, 88,89, 80, 81":
    # 88-89 and 81 belong to Opioids (74-96), which holds "criteria for use of opioids".
    findings = lint_letter(SEED_004)
    assert [f for f in findings if f.code in ("IMR301", "IMR303")] == []


def test_page_outside_the_document_and_reversed_range(lint_letter):
    findings = lint_letter(SEED_000, ("Page(s): 63.", "Page(s): 163."), ("Page(s): 91, 76-78.", "Page(s): 91, 78-76."))
    assert found(findings, "IMR301") == [
        (
            "IMR301",
            "79:20-79:23",
            "page 163 does not exist in the Chronic Pain Medical Treatment Guidelines (2009) (pages 1-127)",
        )
    ]
    assert found(findings, "IMR302") == [("IMR302", "137:22-137:27", "page range 78-76 runs backwards; write 76-78")]


def test_low_back_chapter_pages(lint_letter):
    seed_001 = SEEDS / "001_4c5777553f12bddd.txt"
    assert findings_of(lint_letter(seed_001), "IMR301") == []
    findings = lint_letter(seed_001, ("Low Back Complaints \n\nPage(s): 308", "Low Back Complaints \n\nPage(s): 380"))
    assert [(f.code, f.message) for f in findings_of(findings, "IMR301")] == [
        ("IMR301", "page 380 does not exist in the Low Back Complaints (2004) (pages 286-326)")
    ]


def test_unknown_edition(lint_letter):
    assert [f for f in lint_letter(IBUPROFEN) if f.code in CITATION_CODES] == []
    findings = lint_letter(
        IBUPROFEN,
        (
            "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016",
            "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2012",
        ),
    )
    assert found(findings, "IMR306") == [
        (
            "IMR306",
            "50:74-50:78",
            "'Chronic Pain Medical Treatment 2012' does not exist; the MTUS has Chronic Pain Medical Treatment 2009 or "
            "2016",
        )
    ]


def test_unknown_chapter_with_suggestion(lint_letter):
    findings = lint_letter(
        IBUPROFEN,
        (
            "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016",
            "MAXIMUS guideline: Decision based on MTUS Chronic Pane Medical Treatment 2016",
        ),
    )
    assert found(findings, "IMR305") == [
        (
            "IMR305",
            "50:43-50:73",
            "'Chronic Pane Medical Treatment' is not an MTUS chapter; did you mean 'Chronic Pain Medical Treatment "
            "Guidelines'?",
        )
    ]


def test_maximus_line_citing_nothing(lint_letter):
    findings = lint_letter(
        MRI,
        (
            "MAXIMUS guideline: Decision based on MTUS Shoulder Complaints 2004, Section(s): \nSpecial Studies.",
            "MAXIMUS guideline: The Expert Reviewer did not cite any medical evidence for its decision.",
        ),
    )
    assert found(findings, "IMR307") == [
        (
            "IMR307",
            "54:20-54:91",
            "the MAXIMUS guideline for 'MRI of the right shoulder without contrast' cites no standard; name the MTUS "
            "(or lower-ranked) standard the decision rests on, or state why none applies (Labor Code 4610.5(c)(2))",
        )
    ]


def test_ancillary_services_say_why_no_standard_is_cited(lint_text):
    text = SURGERY.read_text(encoding="utf-8")
    assert text.count("MAXIMUS guideline: The Expert Reviewer did not cite any medical evidence") == 14
    assert findings_of(lint_text(text), "IMR307") == []


def test_a_second_topic_of_an_old_style_chapter_is_read_as_its_topic(lint_text):
    """ "... Guidelines Muscle Relaxants Page(s): 63, Acetaminophen Page(s): 40": Acetaminophen is
    a topic of the Chronic Pain guidelines, not a chapter, and its page is checked against it."""
    text = edited(SEED_000, ("Relaxants Page(s): 63.", "Relaxants Page(s): 63, Acetaminophen Page(s): 40."))
    findings = [f for f in lint_text(text) if f.code.startswith("IMR3") and f.span.line == 79]
    assert [(f.code, f.span.column, f.span.end_column, f.message) for f in findings] == [
        (
            "IMR304",
            47,
            49,
            "page 40 may be outside 'Acetaminophen' (pages 11-12, unverified) in the Chronic Pain Medical "
            "Treatment Guidelines (2009)",
        )
    ]


def test_a_name_that_is_no_topic_after_an_old_style_chapter_stays_a_chapter(lint_text):
    # and no chapter is suggested for it by the words all guideline names share ("Guidelines")
    text = edited(SEED_000, ("Relaxants Page(s): 63.", "Relaxants Page(s): 63, Hip Guidelines Page(s): 40."))
    assert [(f.span.line, f.message) for f in findings_of(lint_text(text), "IMR305")] == [
        (79, "'Hip Guidelines' is not an MTUS chapter")
    ]


def test_a_non_mtus_reference_after_the_chapters_is_no_chapter(lint_text):
    text = edited(
        SEED_000,
        (
            "Relaxants Page(s): 63.",
            "Relaxants Page(s): 63, and Non-MTUS Citation Official Disability Guidelines, Pain (Chronic).",
        ),
    )
    assert [f for f in lint_text(text) if f.code.startswith("IMR3") and f.span.line == 79] == []


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("Low Bak Complaints", "; did you mean 'Low Back Complaints'?"),
        ("Sholder Complaints", "; did you mean 'Shoulder Complaints'?"),
        ("Opiods Treatment Guidelines", "; did you mean 'Opioids Treatment Guidelines'?"),
        ("Hip Complaints", ""),  # not "Knee Complaints": the body region differs
        ("Neck Guidelines", ""),
    ],
)
def test_an_unknown_chapter_suggests_a_chapter_only_by_its_own_words(lint_text, name, suggestion):
    text = edited(SEED_000, ("MTUS Chronic Pain Treatment Guidelines Muscle", f"MTUS {name} Muscle"))
    text = text.replace(f"{name} Muscle \n\nRelaxants Page(s)", f"{name} Page(s)")
    assert [f.message for f in findings_of(lint_text(text), "IMR305")] == [
        f"'{name}' is not an MTUS chapter{suggestion}"
    ]
