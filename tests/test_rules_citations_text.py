"""malformed-regulation-citation (IMR316) and chapter-region-differs (IMR317) on real letters
and edited copies."""

from __future__ import annotations

from conftest import CORPUS, edited, findings_of, found

THERAPY = CORPUS / "CM17-0005177.txt"  # rationale line 54
KNEE_MRI = CORPUS / "CM16-0249320.txt"  # "Left knee MRI without contrast", MAXIMUS line 45: Low Back Complaints 2004
NERVE_STUDY = CORPUS / "CM17-0000859.txt"  # "EMG and NCS of the right lower extremity", under Low Back Complaints
NECK_MRI = CORPUS / "CM16-0235991.txt"  # "MRI ... of the cervical spine", under Neck and Upper Back Complaints
FIVE_SESSIONS = "The patient has completed at least five sessions of physical therapy to date."


def with_citation(citation: str) -> str:
    return edited(
        THERAPY, (FIVE_SESSIONS, f"Functional improvement is not documented as defined in {citation}. {FIVE_SESSIONS}")
    )


def test_a_subdivision_the_codes_cannot_have(lint_text, lint_letter):
    assert findings_of(lint_letter(THERAPY), "IMR316") == []
    findings = lint_text(with_citation("Section 9792.20(ef)"))
    assert found(findings, "IMR316") == [
        (
            "IMR316",
            "60:79-60:90",
            "'9792.20(ef)' cannot be looked up: '(ef)' is not a subdivision (they run (a), (1), (A), (i), then (aa)); "
            "cite the subdivision as the regulation numbers it",
        )
    ]
    assert findings_of(findings, "IMR316")[0].item == 1


def test_subdivisions_as_the_codes_number_them(lint_text):
    for citation in (
        "Section 9792.20(e)",
        "8 CCR 9792.10.1(b)(1)",
        "Labor Code section 4610.5(c)(2)",
        "section 9792.6.1(aa)",
        "§ 4610(c)(2)(A)(ii)",
        "9792.24.2 (July 28, 2016)",
    ):
        assert findings_of(lint_text(with_citation(citation)), "IMR316") == [], citation
    assert [
        f.message.split(":")[0] for f in findings_of(lint_text(with_citation("Labor Code section 4610(2b)")), "IMR316")
    ] == ["'4610(2b)' cannot be looked up"]
    # a four-digit number in parentheses with no code named is not a citation
    assert findings_of(lint_text(with_citation("ICD 7291(xy)")), "IMR316") == []


def test_an_item_decided_under_another_region_s_chapter(lint_text, lint_letter):
    findings = lint_letter(KNEE_MRI)
    assert found(findings, "IMR317") == [
        (
            "IMR317",
            "45:43-45:62",
            "'Left knee MRI without contrast' concerns the body region of Knee Complaints, but of the clinical-topic "
            "chapters "
            "the MAXIMUS guideline cites only Low Back Complaints; cite the chapter for the item's region",
        )
    ]
    fixed = edited(
        KNEE_MRI,
        (
            "MAXIMUS guideline: Decision based on MTUS Low Back Complaints 2004",
            "MAXIMUS guideline: Decision based on MTUS Knee Complaints 2004",
        ),
    )
    assert findings_of(lint_text(fixed), "IMR317") == []
    both = edited(
        KNEE_MRI, ("Left knee MRI without contrast: Upheld", "Lumbar spine and left knee MRI without contrast: Upheld")
    )
    assert findings_of(lint_text(both), "IMR317") == []


def test_items_of_no_one_region_and_matching_chapters_are_quiet(lint_text, lint_letter):
    for path in (NERVE_STUDY, NECK_MRI):
        assert findings_of(lint_letter(path), "IMR317") == [], path.name
    hip = edited(KNEE_MRI, ("Left knee MRI without contrast: Upheld", "Left hip MRI without contrast: Upheld"))
    assert findings_of(lint_text(hip), "IMR317") == []
    # "Hand-held" is not the hand
    held = edited(KNEE_MRI, ("Left knee MRI without contrast: Upheld", "Hand-held massager: Upheld"))
    assert findings_of(lint_text(held), "IMR317") == []


def test_a_postsurgical_section_for_the_item_s_region_covers_it(lint_text):
    text = edited(
        KNEE_MRI,
        (
            "MAXIMUS guideline: Decision based on MTUS Low Back Complaints 2004, Section(s): \nSpecial Studies.",
            "MAXIMUS guideline: Decision based on MTUS Low Back Complaints 2004, Section(s): \nSpecial Studies, and "
            "Postsurgical Treatment 2009, Section(s): Knee.",
        ),
    )
    assert findings_of(lint_text(text), "IMR317") == []
    shoulder = edited(
        KNEE_MRI,
        (
            "MAXIMUS guideline: Decision based on MTUS Low Back Complaints 2004, Section(s): \nSpecial Studies.",
            "MAXIMUS guideline: Decision based on MTUS Low Back Complaints 2004, Section(s): \nSpecial Studies, and "
            "Postsurgical Treatment 2009, Section(s): Shoulder.",
        ),
    )
    assert [f.span.line for f in findings_of(lint_text(shoulder), "IMR317")] == [45]
