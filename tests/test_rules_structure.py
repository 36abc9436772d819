"""Structure rules on real letters and on copies with one defect each."""

from __future__ import annotations

from conftest import CORPUS, findings_of, found

MRI = CORPUS / "CM16-0213037.txt"
ORDER = "'HOW THE IMR FINAL DETERMINATION WAS MADE', 'CLINICAL CASE SUMMARY', 'IMR ISSUES, DECISIONS AND RATIONALES'"


def test_real_letter_has_no_structure_findings(lint_letter):
    findings = lint_letter(MRI)
    assert [f for f in findings if f.code.startswith("IMR1") or f.code == "IMR001"] == []


def test_missing_summary_points_after_the_previous_section(lint_letter):
    findings = lint_letter(MRI, ("CLINICAL CASE SUMMARY", "CLINICAL SUMMARY"))
    assert found(findings, "IMR101") == [
        (
            "IMR101",
            "9:1-9:41",
            f"the section 'CLINICAL CASE SUMMARY' is missing; a Final Determination has the sections {ORDER}",
        )
    ]


def test_missing_first_section_points_at_the_start(lint_letter):
    findings = lint_letter(MRI, ("HOW THE IMR FINAL DETERMINATION WAS MADE", "HOW THE DECISION WAS MADE"))
    assert [(f.code, f.span.line, f.span.column) for f in findings_of(findings, "IMR101")] == [("IMR101", 1, 1)]
    # Without its section, the credentials block is out of place: reported, not a traceback.
    assert next((f.span.line, f.message) for f in findings_of(findings, "IMR001")) == (
        19,
        "'The Expert Reviewer has the following credentials:' is out of place here; expected a section title or text",
    )


def test_sections_out_of_order(lint_text):
    text = MRI.read_text(encoding="utf-8")
    how_start = text.index("HOW THE IMR FINAL DETERMINATION WAS MADE")
    summary_start = text.index("CLINICAL CASE SUMMARY")
    issues_start = text.index("IMR ISSUES, DECISIONS AND RATIONALES")
    swapped = text[:how_start] + text[summary_start:issues_start] + text[how_start:summary_start] + text[issues_start:]
    findings = lint_text(swapped)
    order = findings_of(findings, "IMR102")
    assert len(order) == 1
    assert (
        order[0].message
        == "the section 'HOW THE IMR FINAL DETERMINATION WAS MADE' comes after 'CLINICAL CASE SUMMARY'; the order is "
        f"{ORDER}"
    )
    assert swapped.splitlines()[order[0].span.line - 1].strip() == "HOW THE IMR FINAL DETERMINATION WAS MADE"


def test_duplicate_section(lint_text):
    text = MRI.read_text(encoding="utf-8") + "\nCLINICAL CASE SUMMARY\nA second summary.\n"
    findings = lint_text(text)
    assert found(findings, "IMR103") == [
        ("IMR103", "91:1-91:22", "the section 'CLINICAL CASE SUMMARY' appears again (first at line 23); merge the two")
    ]


def test_issues_section_without_items(lint_text):
    text = MRI.read_text(encoding="utf-8")
    cut = text[: text.index("MRI of the right shoulder without contrast: Upheld")]
    findings = lint_text(cut)
    assert found(findings, "IMR104") == [
        (
            "IMR104",
            "46:1-46:37",
            "the section 'IMR ISSUES, DECISIONS AND RATIONALES' decides no disputed item; each item needs a heading "
            "ending in ': Upheld' or ': Overturned'",
        )
    ]
