"""The editions a letter cites: edition-not-in-force (IMR310) on each guideline line and in the
rationale, and rationale-edition-differs (IMR315), on real letters and edited copies."""

from __future__ import annotations

from conftest import CORPUS, SEEDS, edited, findings_of, found

ACUPUNCTURE = CORPUS / "CM17-0007857.txt"  # both lines: Acupuncture Treatment 2007
THERAPY = CORPUS / "CM16-0231745.txt"  # UR date 11/30/2016; MAXIMUS line 53: Chronic Pain Medical Treatment 2016
SEED_000 = SEEDS / "000_8aa5183601f98bf9.txt"

ACUPUNCTURE_RATIONALE = "Decision rationale: MTUS states,"
THERAPY_LINE = (
    "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, \nSection(s): "
    "Physical "
    "medicine treatment."
)
THERAPY_RATIONALE = "Decision rationale: The California MTUS 2016 Chronic Pain Guidelines recommend up to 10"


def therapy_saying(rationale: str, *replacements: tuple[str, str]) -> str:
    """THERAPY with its rationale opening "Decision rationale: <rationale>" (and the other replacements made)."""
    return edited(THERAPY, (THERAPY_RATIONALE, f"Decision rationale: {rationale}"), *replacements)


def acupuncture_saying(rationale: str) -> str:
    """ACUPUNCTURE with its rationale opening "Decision rationale: <rationale>"."""
    return edited(ACUPUNCTURE, (ACUPUNCTURE_RATIONALE, f"Decision rationale: {rationale}"))


OUTDATED_SEED_000 = (
    ("On 12/16/2014, Utilization Review", "On 12/16/2016, Utilization Review"),
    ("On 12/29/2014, the injured", "On 12/29/2016, the injured"),
)


def test_claims_administrator_line_records_ur_s_citation_so_it_is_not_the_letter_s_error(lint_letter):
    # Seed 000 with its UR decision moved after July 2016: the reviewer's old-style 2009 citations
    # (lines 77, 107, 141) are warnings; UR's (69, 101, 135) are what UR cited, reported as it was.
    findings = lint_letter(SEED_000, *OUTDATED_SEED_000)
    assert [(f.span.line, f.severity) for f in findings_of(findings, "IMR310")] == [
        (77, "warning"),
        (107, "warning"),
        (141, "warning"),
    ]
    assert findings_of(findings, "IMR310")[0].message == (
        "the Chronic Pain Medical Treatment Guidelines (2009) was not in force at the UR date 12/16/2016: it was "
        "replaced on 2016-07-28; "
        "cite Chronic Pain Medical Treatment Guidelines 2016"
    )


def test_claims_administrator_line_reported_as_information_on_request(linter_with):
    lint = linter_with("rules:\n  edition-not-in-force:\n    options:\n      claims_line: true\n")
    findings = lint(edited(SEED_000, *OUTDATED_SEED_000))
    assert [(f.span.line, f.severity) for f in findings_of(findings, "IMR310")] == [
        (69, "info"),
        (77, "warning"),
        (101, "info"),
        (107, "warning"),
        (135, "info"),
        (141, "warning"),
    ]
    assert findings_of(findings, "IMR310")[0].message == (
        "the Chronic Pain Medical Treatment Guidelines (2009), which utilization review cited, was not in force at the "
        "UR date 12/16/2016: "
        "it was replaced on 2016-07-28; the line records UR's citation: keep it as UR made it"
    )


def test_an_edition_not_in_force_named_in_the_rationale(lint_text, lint_letter):
    assert findings_of(lint_letter(THERAPY), "IMR310") == []
    text = therapy_saying(
        "The California MTUS 2009 Chronic Pain Guidelines recommend up to 10",
        (
            THERAPY_LINE,
            "MAXIMUS guideline: Decision based on MTUS Low Back Complaints 2004, \nSection(s): Physical Methods.",
        ),
    )
    assert found(lint_text(text), "IMR310") == [
        (
            "IMR310",
            "56:41-56:45",
            "the Chronic Pain Medical Treatment Guidelines (2009), which the rationale names, was not in force at the "
            "UR date 11/30/2016: "
            "it was replaced on 2016-07-28; name Chronic Pain Medical Treatment Guidelines 2016",
        )
    ]


def test_rationale_naming_another_edition_than_the_line(lint_text, lint_letter):
    assert findings_of(lint_letter(ACUPUNCTURE), "IMR315") == []
    text = acupuncture_saying("California Medical Treatment Utilization Schedule 2009 Acupuncture Guidelines state,")
    assert found(lint_text(text), "IMR315") == [
        (
            "IMR315",
            "53:71-53:75",
            "the rationale names the 2009 edition of the Acupuncture Medical Treatment Guidelines, but the MAXIMUS "
            "guideline cites its 2007 edition; name one edition",
        )
    ]
    same = acupuncture_saying("California Medical Treatment Utilization Schedule 2007 Acupuncture Guidelines state,")
    assert findings_of(lint_text(same), "IMR315") == []


def test_a_year_after_the_name_and_a_date_in_brackets(lint_text):
    text = therapy_saying("The Chronic Pain Medical Treatment Guidelines (July 18, 2009) recommend up to 10")
    assert [(f.span.line, f.message) for f in findings_of(lint_text(text), "IMR315")] == [
        (
            56,
            "the rationale names the 2009 edition of the Chronic Pain Medical Treatment Guidelines, but the MAXIMUS "
            "guideline cites its 2016 edition; name one edition",
        )
    ]
    after = therapy_saying("The Chronic Pain Medical Treatment Guidelines 2016 recommend up to 10")
    assert findings_of(lint_text(after), "IMR315") == []


def test_rationales_that_compare_editions_or_speak_of_ur_s_basis(lint_text):
    comparing = therapy_saying(
        "The MTUS Chronic Pain Medical Treatment Guidelines 2009 are replaced here by the 2016 "
        "text; the California MTUS 2016 Chronic Pain Guidelines recommend up to 10"
    )
    assert findings_of(lint_text(comparing), "IMR315") == []
    also_cited = therapy_saying(
        "The California MTUS 2009 Chronic Pain Guidelines recommend up to 10",
        (
            THERAPY_LINE,
            "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016, \nSection(s): Physical "
            "medicine treatment, and Chronic Pain Medical Treatment 2009.",
        ),
    )
    assert findings_of(lint_text(also_cited), "IMR315") == []
    about_ur = therapy_saying(
        "Utilization review applied the MTUS 2009 Chronic Pain Guidelines, which recommend up to 10"
    )
    assert findings_of(lint_text(about_ur), "IMR315") == []
    compared = therapy_saying(
        "The MTUS Chronic Pain Medical Treatment Guidelines 2016 is silent, while the MTUS "
        "Chronic Pain Medical Treatment Guidelines 2009 recommend up to 10",
        (
            THERAPY_LINE,
            "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment 2009, \nSection(s): Physical "
            "medicine.",
        ),
    )
    findings = lint_text(compared)
    assert findings_of(findings, "IMR315") == []
    assert [(f.span.line, f.severity) for f in findings_of(findings, "IMR310")] == [(53, "warning")]


def test_the_elbow_chapter_of_2004_existed_until_its_2007_revision(lint_letter):
    elbow = CORPUS / "CM16-0240259.txt"  # MAXIMUS line 55: Elbow Complaints 2007; UR Denial Date 12/06/2016
    findings = lint_letter(
        elbow,
        (
            "MAXIMUS guideline: Decision based on MTUS Elbow Complaints 2007",
            "MAXIMUS guideline: Decision based on MTUS Elbow Complaints 2004",
        ),
    )
    assert findings_of(findings, "IMR306") == []
    assert [(f.span.line, f.severity, f.message.split(":")[0]) for f in findings_of(findings, "IMR310")] == [
        (55, "warning", "the Elbow Complaints (2004) was not in force at the UR date 12/06/2016")
    ]
