"""unknown-section (IMR308) on real letters whose "Section(s):" lists hold names with commas,
brackets and numbers, as the guidelines' tables of contents spell them; and its severity, which
follows how much of the cited edition's table of contents rules/mtus.yaml records.

Each letter is a bundled real letter with its guideline line edited to cite the list in question,
as letters the linter has not seen cite it (the lists are the guidelines' own headings)."""

from __future__ import annotations

from conftest import CORPUS, SEEDS, edited, findings_of, found

IBUPROFEN = CORPUS / "CM17-0002181.txt"  # MAXIMUS line 50: Chronic Pain Medical Treatment 2016
OPIOIDS = CORPUS / "CM16-0247802.txt"  # MAXIMUS line 128: Opioid Treatment 2016, 3.3.9
REFERRAL = CORPUS / "CM17-0007142.txt"  # MAXIMUS line 128: General Approaches 2004
THERAPY = CORPUS / "CM17-0002198.txt"  # Claims Administrator line 83: Low Back Complaints 2004
SEED_002 = SEEDS / "002_a1ae487a7b68567a.txt"  # MAXIMUS line 105: Chronic Pain Medical Treatment 2009

IBUPROFEN_SECTION = "Section(s): Anti-inflammatory medications."
OPIOIDS_SECTION = (
    "Section(s): 3.3.9 \nOpioids for Chronic Pain and Chronic Opioid Treatment: Maintenance of "
    "Chronic "
    "Opioid \nTreatment."
)


def citing_2016(sections: str) -> str:
    return edited(IBUPROFEN, (IBUPROFEN_SECTION, f"Section(s): {sections}."))


def citing_opioids(sections: str) -> str:
    return edited(OPIOIDS, (OPIOIDS_SECTION, f"Section(s): {sections}."))


def test_a_name_with_commas_in_brackets_is_one_section(lint_text):
    # Split on every comma, this was six unknown sections: "Naproxen (Naprosyn", "EC-Naprosyn", ...
    text = citing_2016(
        "Naproxen (Naprosyn, EC-Naprosyn, Anaprox, Anaprox DS [otc]; Naprelan), NSAIDs (non-steroidal "
        "anti-inflammatory drugs)"
    )
    assert findings_of(lint_text(text), "IMR308") == []


def test_names_whose_second_part_is_lower_case_are_kept_whole(lint_text):
    for sections in (
        "Work conditioning, work hardening",
        "Topical analgesics, compounded",
        "Lidoderm (lidocaine patch), Topical analgesics",
    ):
        assert findings_of(lint_text(citing_2016(sections)), "IMR308") == [], sections


def test_chronic_pain_2016_sections_letters_cite(lint_text):
    sections = (
        "Compound drugs, Flector patch (diclofenac epolamine), Gabapentin (Neurontin), Insomnia treatment, Celebrex "
        "(celecoxib), "
        "Antiepilepsy drugs (AEDs) for pain, Antiemetics (for opioid nausea), Psychological evaluations, Psychological "
        "treatment, "
        "Diabetic neuropathy, Introduction"
    )
    assert findings_of(lint_text(citing_2016(sections)), "IMR308") == []


def test_a_2009_heading_cited_without_its_abbreviation(lint_text):
    text = edited(
        SEED_002,
        (
            "Section(s): Opioids for chronic pain, Opioids for neuropathic pain.",
            "Section(s): Barbiturate-containing analgesic agents.",
        ),
    )
    assert findings_of(lint_text(text), "IMR308") == []


def test_numbered_opioid_sections_split_only_before_the_next_number(lint_text):
    # Before, the catalogue knew four numbered sections and split these titles at their commas.
    part = "Opioids for Chronic Pain and Chronic Opioid Treatment"
    sections = (
        f"3.3.7.2 {part}: Monitoring Effectiveness of Chronic Opioid Treatment: Clinically Meaningful Improvement of "
        "Pain and Function, "
        f"3.3.9 {part}: Maintenance of Chronic Opioid Treatment, 4.1 Tapering Opioids: Indications for Tapering "
        "Opioids, "
        "4.2 Tapering Opioids: Methods for Tapering Opioids, "
        f"3.3.7.1 {part}: Monitoring Effectiveness of Chronic Opioid Treatment: Tracking Pain and Function to Monitor "
        "Effectiveness of Chronic Opioid Treatment"
    )
    assert findings_of(lint_text(citing_opioids(sections)), "IMR308") == []
    others = (
        "1.3 Opioids for Acute Pain: Severe Acute Injuries, 2. Opioids for Subacute Pain, "
        f"3. {part}: Overview of Recommendations Regarding Chronic Opioid Treatment, 3.1 {part}: Comprehensive "
        "Evaluation and Assessment of Patient, "
        f"3.3.1.3 {part}: Screening for Risk of Addiction or Adverse Events, Prior to Chronic Opioid Treatment: "
        "Screening for Additional "
        f"Psychosocial Factors Contributing to Substance Misuse/Abuse, 3.3.4 {part}: Use of CURES to Ensure Safe and "
        "Effective Opioid Use, "
        f"3.3.8 {part}: Opioid Titration and Dosing Threshold"
    )
    assert findings_of(lint_text(citing_opioids(others)), "IMR308") == []


def test_a_numbered_section_whose_title_is_another_number_s(lint_text):
    # A title written whole carries more than its number: the number is taken for the slip.
    part = "Opioids for Chronic Pain and Chronic Opioid Treatment"
    for number in ("3.3.9", "3.3.10"):
        findings = lint_text(citing_opioids(f"{number} {part}: Opioid Titration and Dosing Threshold"))
        assert [(f.span.line, f.severity, f.message) for f in findings_of(findings, "IMR308")] == [
            (
                128,
                "warning",
                f"'{number} {part}: Opioid Titration and Dosing Threshold' is not a known section of the Opioids "
                f"Treatment Guidelines (2016); did you mean '3.3.8 {part}: Opioid Titration and Dosing Threshold'?",
            )
        ]


def test_a_numbered_section_with_a_title_of_no_section_suggests_the_section_of_its_number(lint_text):
    part = "Opioids for Chronic Pain and Chronic Opioid Treatment"
    findings = lint_text(citing_opioids(f"3.3.9 {part}: Maintenance of Opioid Therapy"))
    assert [f.message.split("did you mean ")[1] for f in findings_of(findings, "IMR308")] == [
        f"'3.3.9 {part}: Maintenance of Chronic Opioid Treatment'?"
    ]


def test_an_unlisted_section_of_a_partly_recorded_edition_is_information(lint_text):
    findings = lint_text(citing_2016("Ketorolac (Toradol)"))
    assert [(f.code, f.severity) for f in findings_of(findings, "IMR308")] == [("IMR308", "info")]
    assert found(findings, "IMR308") == [
        (
            "IMR308",
            "51:13-51:32",
            "'Ketorolac (Toradol)' is not a known section of the Chronic Pain Medical Treatment Guidelines (2016); "
            "only part of its table of contents is recorded, so check the name against the guideline",
        )
    ]


def test_a_misspelt_section_of_a_partly_recorded_edition_is_a_warning(lint_text, lint_letter):
    findings = lint_letter(THERAPY)
    assert [(f.span.line, f.severity, f.message) for f in findings_of(findings, "IMR308")] == [
        (
            83,
            "warning",
            "'Inital Care' is not a known section of the Low Back Complaints (2004); did you mean 'Initial Care'?",
        )
    ]
    text = edited(THERAPY, ("Section(s): Inital Care", "Section(s): Diagnositc Criteria"))
    assert [(f.severity, f.message) for f in findings_of(lint_text(text), "IMR308")] == [
        (
            "warning",
            "'Diagnositc Criteria' is not a known section of the Low Back Complaints (2004); did you mean 'Diagnostic "
            "Criteria'?",
        )
    ]


def test_a_section_missing_from_a_complete_table_of_contents_is_a_warning(lint_text, lint_letter):
    assert findings_of(lint_letter(REFERRAL), "IMR308") == []
    text = edited(
        REFERRAL,
        (
            "Section(s): \nCornerstones of Disability Prevention and Management.",
            "Section(s): \nReturn to Work Planning.",
        ),
    )
    assert found(lint_text(text), "IMR308") == [
        ("IMR308", "129:1-129:24", "'Return to Work Planning' is not a known section of the General Approaches (2004)")
    ]
    assert [f.severity for f in findings_of(lint_text(text), "IMR308")] == ["warning"]
