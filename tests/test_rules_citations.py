"""Citation rules of the first rule set on real letters and on copies with one defect each."""

from __future__ import annotations

from conftest import CORPUS, SEEDS, edited, findings_of, located

SEED_000 = SEEDS / "000_8aa5183601f98bf9.txt"
SEED_004 = SEEDS / "004_2a473cbf33bb0773.txt"
IBUPROFEN = CORPUS / "CM17-0002181.txt"
MRI = CORPUS / "CM16-0213037.txt"
SURGERY = CORPUS / "CM17-0014449.txt"
CITATION_CODES = ("IMR301", "IMR302", "IMR303", "IMR304", "IMR305", "IMR306", "IMR307")


def test_seed_000_page_102_is_outside_its_topic(lint_text):
    findings = lint_text(SEED_000.read_text(encoding="utf-8"))
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


def test_pages_of_a_broader_topic_are_accepted(lint_text):
    # "Medications for chronic pain, criteria for use of opioids Page(s): 60, 61, 76-78, 88,89, 80, 81":
    # 88-89 and 81 belong to Opioids (74-96), which holds "criteria for use of opioids".
    findings = lint_text(SEED_004.read_text(encoding="utf-8"))
    assert [f for f in findings if f.code in ("IMR301", "IMR303")] == []


def test_page_outside_the_document_and_reversed_range(lint_text):
    findings = lint_text(
        edited(SEED_000, ("Page(s): 63.", "Page(s): 163."), ("Page(s): 91, 76-78.", "Page(s): 91, 78-76."))
    )
    assert located(findings_of(findings, "IMR301")) == [
        (
            "IMR301",
            79,
            20,
            79,
            23,
            "page 163 does not exist in the Chronic Pain Medical Treatment Guidelines (2009) (pages 1-127)",
        )
    ]
    assert located(findings_of(findings, "IMR302")) == [
        ("IMR302", 137, 22, 137, 27, "page range 78-76 runs backwards; write 76-78")
    ]


def test_low_back_chapter_pages(lint_text):
    seed_001 = SEEDS / "001_4c5777553f12bddd.txt"
    assert findings_of(lint_text(seed_001.read_text(encoding="utf-8")), "IMR301") == []
    findings = lint_text(
        edited(seed_001, ("Low Back Complaints \n\nPage(s): 308", "Low Back Complaints \n\nPage(s): 380"))
    )
    assert [(f.code, f.message) for f in findings_of(findings, "IMR301")] == [
        ("IMR301", "page 380 does not exist in the Low Back Complaints (2004) (pages 286-326)")
    ]


def test_unknown_edition(lint_text):
    assert [f for f in lint_text(IBUPROFEN.read_text(encoding="utf-8")) if f.code in CITATION_CODES] == []
    findings = lint_text(
        edited(
            IBUPROFEN,
            (
                "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016",
                "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2012",
            ),
        )
    )
    assert located(findings_of(findings, "IMR306")) == [
        (
            "IMR306",
            50,
            74,
            50,
            78,
            "'Chronic Pain Medical Treatment 2012' does not exist; the MTUS has Chronic Pain Medical Treatment 2009 or "
            "2016",
        )
    ]


def test_unknown_chapter_with_suggestion(lint_text):
    findings = lint_text(
        edited(
            IBUPROFEN,
            (
                "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016",
                "MAXIMUS guideline: Decision based on MTUS Chronic Pane Medical Treatment 2016",
            ),
        )
    )
    assert located(findings_of(findings, "IMR305")) == [
        (
            "IMR305",
            50,
            43,
            50,
            73,
            "'Chronic Pane Medical Treatment' is not an MTUS chapter; did you mean 'Chronic Pain Medical Treatment "
            "Guidelines'?",
        )
    ]


def test_maximus_line_citing_nothing(lint_text):
    findings = lint_text(
        edited(
            MRI,
            (
                "MAXIMUS guideline: Decision based on MTUS Shoulder Complaints 2004, Section(s): \nSpecial Studies.",
                "MAXIMUS guideline: The Expert Reviewer did not cite any medical evidence for its decision.",
            ),
        )
    )
    assert located(findings_of(findings, "IMR307")) == [
        (
            "IMR307",
            54,
            20,
            54,
            91,
            "the MAXIMUS guideline for 'MRI of the right shoulder without contrast' cites no standard; name the MTUS "
            "(or lower-ranked) standard the decision rests on, or state why none applies (Labor Code 4610.5(c)(2))",
        )
    ]


def test_ancillary_services_say_why_no_standard_is_cited(lint_text):
    text = SURGERY.read_text(encoding="utf-8")
    assert text.count("MAXIMUS guideline: The Expert Reviewer did not cite any medical evidence") == 14
    assert findings_of(lint_text(text), "IMR307") == []
