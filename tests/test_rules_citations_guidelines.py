"""Citation rules IMR308-IMR314 on real letters and on copies with one defect each, and the MTUS
knowledge base extended from a user's configuration (``mtus:``), end to end."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imrlint.model.letter import lowered
from imrlint.rules.citations.rationale_pages import _PAGE_REFERENCE, _page_reference_intros

from conftest import CORPUS, SEEDS, edited, findings_of, found

SEED_000 = SEEDS / "000_8aa5183601f98bf9.txt"
SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"
SEED_002 = SEEDS / "002_a1ae487a7b68567a.txt"
SEED_004 = SEEDS / "004_2a473cbf33bb0773.txt"
THERAPY = CORPUS / "CM17-0002198.txt"
IBUPROFEN = CORPUS / "CM17-0002181.txt"
MRI = CORPUS / "CM16-0213037.txt"
FACETS = CORPUS / "CM16-0219557.txt"
ARTHROGRAM = CORPUS / "CM17-0008177.txt"


def test_unknown_section_with_suggestion_on_a_real_letter(lint_letter):
    findings = lint_letter(THERAPY)
    assert found(findings, "IMR308") == [
        (
            "IMR308",
            "83:13-83:24",
            "'Inital Care' is not a known section of the Low Back Complaints (2004); did you mean 'Initial Care'?",
        )
    ]
    assert findings_of(lint_letter(THERAPY, ("Section(s): Inital Care", "Section(s): Initial Care")), "IMR308") == []


def test_unknown_section_without_a_close_name(lint_letter):
    findings = lint_letter(MRI, ("Section(s): \nSpecial Studies.", "Section(s): \nImaging Wishes."))
    assert [(f.span.line, f.severity, f.message) for f in findings_of(findings, "IMR308")] == [
        (
            55,
            "info",
            "'Imaging Wishes' is not a known section of the Shoulder Complaints (2004); only part of its table of "
            "contents is recorded, so check the name against the guideline",
        )
    ]


def test_section_that_is_a_number(lint_letter):
    elbow = CORPUS / "CM16-0240259.txt"
    assert findings_of(lint_letter(elbow), "IMR309") == []
    findings = lint_letter(elbow, ("Diagnostic Criteria, and Forearm", "326, and Forearm"))
    assert found(findings, "IMR309") == [
        (
            "IMR309",
            "56:1-56:4",
            "'326' is a number, not a section of Elbow Complaints; name the section (a page belongs in 'Page(s):')",
        )
    ]
    assert findings_of(findings, "IMR308") == []


def test_edition_replaced_before_the_ur_date(lint_letter):
    findings = lint_letter(
        IBUPROFEN,
        (
            "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016",
            "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2009",
        ),
    )
    assert found(findings, "IMR310") == [
        (
            "IMR310",
            "50:74-50:78",
            "the Chronic Pain Medical Treatment Guidelines (2009) was not in force at the UR date 12/27/2016: it was "
            "replaced on 2016-07-28; cite Chronic Pain Medical Treatment Guidelines 2016",
        )
    ]


def test_edition_not_yet_in_force(lint_letter):
    assert findings_of(lint_letter(SEED_002), "IMR310") == []  # 2009 cited, UR in 2015
    findings = lint_letter(
        SEED_002,
        (
            "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2009",
            "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016",
        ),
    )
    assert [(f.span.line, f.message) for f in findings_of(findings, "IMR310")] == [
        (
            105,
            "the Chronic Pain Medical Treatment Guidelines (2016) was not in force at the UR date 08-18-2015: it took "
            "effect on 2016-07-28; cite Chronic Pain Medical Treatment Guidelines 2009",
        )
    ]


@pytest.mark.corpus
def test_non_mtus_only_without_a_reason(lint_text, lint_letter):
    for path in sorted(CORPUS.glob("*.txt")) + sorted(SEEDS.glob("*.txt")):
        assert findings_of(lint_text(path.read_text(encoding="utf-8"), str(path)), "IMR311") == [], path.name
    findings = lint_letter(
        ARTHROGRAM,
        (
            "Decision rationale: CA MTUS does not specifically address MR arthrograms of the shoulder. ",
            "Decision rationale: ",
        ),
    )
    assert [(f.span.line, f.severity, f.message) for f in findings_of(findings, "IMR311")] == [
        (
            57,
            "warning",
            "the reviewer cites only non-MTUS sources for 'MR Arthrogram of the right shoulder', though UR applied the "
            "MTUS (Shoulder Complaints 2004); apply the MTUS or state why it does not address the item (Labor Code "
            "4610.5(c)(2))",
        )
    ]


def test_pages_out_of_order_on_the_seeds(lint_letter):
    findings = lint_letter(SEED_004)
    assert found(findings, "IMR312") == [
        (
            "IMR312",
            "91:90-91:92",
            "page 80 comes after page 89; list the pages in order, each once: 60, 61, 76-78, 80, 81, 88, 89",
        )
    ]
    assert findings_of(findings, "IMR312")[0].severity == "info"
    assert [(f.span.line, f.message) for f in findings_of(lint_letter(SEED_000), "IMR312")] == [
        (137, "pages 76-78 come after page 91; list the pages in order, each once: 76-78, 91")
    ]


def test_page_cited_twice(lint_letter):
    assert findings_of(lint_letter(SEED_001), "IMR312") == []
    findings = lint_letter(SEED_001, ("Page(s): 41-42, 63-66.", "Page(s): 41-42, 42, 63-66."))
    assert [(f.span.line, f.message) for f in findings_of(findings, "IMR312")] == [
        (141, "page 42 is cited again; list the pages in order, each once: 41-42, 42, 63-66")
    ]


def test_rationale_pages_on_real_letters_are_quiet(lint_letter):
    # Seed 004 quotes "pages 88 and 89", "page 78", "p77", "p90", "p80, 81", "page 63", "pg 69",
    # "pg 111-113"; CM16-0219557 "page 82" (2016), "Table 12-8, page 309" and the non-MTUS "page 607".
    for path in (SEED_004, FACETS, CORPUS / "CM16-0240259.txt", CORPUS / "CM17-0019011.txt"):
        findings = lint_letter(path)
        assert [f for f in findings if f.code in ("IMR313", "IMR314")] == [], path.name


def test_rationale_page_outside_the_document(lint_letter):
    findings = lint_letter(SEED_004, ("MTUS p90 states", "MTUS p190 states"))
    assert found(findings, "IMR313") == [
        (
            "IMR313",
            "126:57-126:61",
            "page 190 does not exist in the Chronic Pain Medical Treatment Guidelines (2009) (pages 1-127); quote the "
            "page where the guideline says it",
        )
    ]
    findings = lint_letter(
        FACETS, ("ACOEM Chapter 12, Table 12-8, page 309 notes", "ACOEM Chapter 12, Table 12-8, page 409 notes")
    )
    assert [(f.span.line, f.message.split(";")[0]) for f in findings_of(findings, "IMR313")] == [
        (69, "page 409 does not exist in the Low Back Complaints (2004) (pages 286-326)")
    ]


def test_rationale_page_outside_the_named_topic(lint_letter):
    findings = lint_letter(SEED_004, ("MTUS Guidelines page 63 states", "MTUS Guidelines page 36 states"))
    assert found(findings, "IMR314") == [
        (
            "IMR314",
            "203:57-203:64",
            "page 36 is outside 'Muscle relaxants' (pages 63-66) in the Chronic Pain Medical Treatment Guidelines "
            "(2009); check the page",
        )
    ]
    findings = lint_letter(SEED_004, ("MTUS pg 69, NSAIDs", "MTUS pg 96, NSAIDs"))
    assert [(f.span.line, f.message.split(" in the ")[0]) for f in findings_of(findings, "IMR314")] == [
        (282, "page 96 is outside 'NSAIDs, GI symptoms & cardiovascular risk' (pages 68-69)")
    ]


def test_user_mtus_additions_reach_every_rule(linter_with):
    config = """
mtus:
  chapters:
    - id: low-back
      editions:
        - year: 2004
          sections: ["Inital Care"]
    - id: hip
      name: Hip and Groin Complaints
      aliases: [Hip]
      editions:
        - year: 2017
          effective: 2017-12-01
          sections: [Diagnostic Studies]
    - id: chronic-pain
      editions:
        - year: 2009
          topics:
            - {name: Ketamine, pages: [[56, 56]], confidence: high}
"""
    lint = linter_with(config)
    # A section added to a known edition is known.
    assert findings_of(lint(THERAPY.read_text(encoding="utf-8")), "IMR308") == []
    # A new chapter is a chapter; its sections and dates are checked like the shipped ones.
    hip = edited(
        IBUPROFEN,
        (
            "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016",
            "MAXIMUS guideline: Decision based on MTUS Hip 2017, Section(s): Diagnostic Studies. Decision based on "
            "MTUS Chronic Pain Medical Treatment 2016",
        ),
    )
    findings = lint(hip)
    assert [f for f in findings if f.code in ("IMR305", "IMR306", "IMR308")] == []
    assert [f.message for f in findings_of(findings, "IMR310")] == [
        "the Hip and Groin Complaints (2017) was not in force at the UR date 12/27/2016: it took effect on 2017-12-01"
    ]
    # A new topic's pages are checked on guideline lines and in rationales.
    ketamine = edited(SEED_000, ("Muscle \n\nRelaxants Page(s): 63.", "Ketamine Page(s): 63."))
    assert [f.message.split(";")[0] for f in findings_of(lint(ketamine), "IMR303") if "Ketamine" in f.message] == [
        "page 63 is outside 'Ketamine' (pages 56) in the Chronic Pain Medical Treatment Guidelines (2009)"
    ]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="pPaAgGeEsS.,-0123456789 \n\u0130\u212a", max_size=30))
def test_page_references_are_found_where_a_plain_scan_finds_them(text):
    assert [match.span() for match in _page_reference_intros(text, lowered(text))] == [
        match.span() for match in _PAGE_REFERENCE.finditer(text)
    ]
