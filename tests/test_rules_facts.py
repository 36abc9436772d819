"""Dates and patient facts (IMR501-IMR508), on real letters and on copies with one defect each;
and the date reading they rest on (imrlint.model.dates, imrlint.model.facts)."""

from __future__ import annotations

import datetime

import pytest

from imrlint.model.dates import find_dates, parse_date

from conftest import CORPUS, SEEDS, edited, findings_of, found

MRI = CORPUS / "CM16-0213037.txt"
EMG = CORPUS / "CM16-0235991.txt"
SEED_000 = SEEDS / "000_8aa5183601f98bf9.txt"
SEED_004 = SEEDS / "004_2a473cbf33bb0773.txt"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4/17/2009", datetime.date(2009, 4, 17)),
        ("05/12/08", datetime.date(2008, 5, 12)),
        ("01-03-2002", datetime.date(2002, 1, 3)),
        ("10-13-16", datetime.date(2016, 10, 13)),
        ("3/7/98", datetime.date(1998, 3, 7)),
        ("October 10, 2015", datetime.date(2015, 10, 10)),
        ("Oct. 10, 2015", datetime.date(2015, 10, 10)),
        ("December 6th, 2016", datetime.date(2016, 12, 6)),
        ("02/30/2016", None),
        ("13/05/2016", None),
    ],
)
def test_dates_in_every_format_seen(text, expected):
    (mention,) = find_dates(f"On {text}, the request")
    assert (mention.text, mention.date) == (text, expected)
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["rated 7.5/10/12", "Norco 10/325/5", "4/5 strength", "she may 5, 2016", "(1/2/2016.5)", "12/12/2016,3"]
)
def test_numbers_that_are_not_dates(text):
    assert find_dates(text) == []


def test_date_inside_brackets(lint_text):
    assert [mention.text for mention in find_dates("On (12-21-16) the injured worker")] == ["12-21-16"]


def test_invalid_date(lint_letter):
    assert findings_of(lint_letter(MRI), "IMR501") == []
    findings = lint_letter(MRI, ("On 11-3-16, utilization review", "On 11-31-16, utilization review"))
    assert found(findings, "IMR501") == [
        ("IMR501", "43:13-43:21", "'11-31-16' is not a date (dates are month/day/year); write the day that was meant")
    ]


def test_header_dates_out_of_order(lint_letter):
    findings = lint_letter(MRI, ("UR Denial Date:  11/03/2016", "UR Denial Date:  10/03/2016"))
    assert found(findings, "IMR502") == [
        (
            "IMR502",
            "4:44-4:54",
            "in the header, the UR decision (10/03/2016) is before the date of injury (10/13/2016, line 3); the order "
            "is injury, UR decision, IMR application, IMR decision",
        )
    ]


def test_summary_dates_out_of_order(lint_letter):
    assert findings_of(lint_letter(SEED_000), "IMR502") == []
    findings = lint_letter(
        SEED_000, ("On 12/29/2014, the injured worker submitted", "On 12/09/2014, the injured worker submitted")
    )
    assert found(findings, "IMR502") == [
        (
            "IMR502",
            "53:11-53:21",
            "in the summary, the IMR application (12/09/2014) is before the UR decision (12/16/2014, line 47); the "
            "order is injury, UR decision, IMR application, IMR decision",
        )
    ]


def test_late_imr_application(lint_letter):
    assert findings_of(lint_letter(EMG), "IMR503") == []  # 29 days
    assert (
        findings_of(lint_letter(EMG, ("\n12/07/2016", "\n12/13/2016")), "IMR503") == []
    )  # 35 days: 30 + 5 for mailing
    findings = lint_letter(EMG, ("\n12/07/2016", "\n12/15/2016"))
    assert found(findings, "IMR503") == [
        (
            "IMR503",
            "7:1-7:11",
            "the IMR application was received 37 days after the UR decision of 11/08/2016; IMR must be requested "
            "within 30 days of service of the UR decision (8 CCR 9792.10.1(b)(1)); check the dates",
        )
    ]


def test_late_imr_application_is_info_on_one_real_letter(lint_letter):
    path = CORPUS / "CM17-0007151.txt"
    assert [(f.severity, f.span.line, f.message.split(";")[0]) for f in findings_of(lint_letter(path), "IMR503")] == [
        ("info", 7, "the IMR application was received 36 days after the UR decision of 12/05/2016")
    ]


def test_late_application_limit_is_an_option(linter_with):
    lint = linter_with("rules:\n  late-imr-application:\n    options: {mailing_days: 0}\n")
    assert [f.code for f in lint(edited(EMG, ("\n12/07/2016", "\n12/10/2016"))) if f.code == "IMR503"] == ["IMR503"]


def test_injury_date_header_against_summary(lint_letter):
    findings = lint_letter(CORPUS / "CM16-0219557.txt")
    assert found(findings, "IMR504") == [
        (
            "IMR504",
            "28:52-28:68",
            "date of injury October 10, 2015 in the summary differs from 10/10/2016 in the header's Date of Injury "
            "(line 3); state one date of injury",
        )
    ]


def test_injury_date_in_a_rationale(lint_letter):
    # Seed 004 states the date as 03-07-2001 in the summary and 03/07/01 in each rationale: the same day.
    assert findings_of(lint_letter(SEED_004), "IMR504") == []
    findings = lint_letter(SEED_004, ("date of injury is 03/07/01. Diagnoses", "date of injury is 03/07/02. Diagnoses"))
    assert found(findings, "IMR504") == [
        (
            "IMR504",
            "100:19-100:27",
            "date of injury 03/07/02 in the rationale for 'Norco 10/325mg #120 for 30 days' differs from 03-07-2001 in "
            "the summary (line 37); state one date of injury",
        )
    ]


def test_visit_dates_are_not_injury_dates(lint_letter):
    # "two weeks after the injury on 11/16/16" dates a clinic note, not the injury.
    assert findings_of(lint_letter(CORPUS / "CM16-0244053.txt"), "IMR504") == []


def test_age_mismatch(lint_letter):
    assert findings_of(lint_letter(SEED_004), "IMR505") == []
    findings = lint_letter(
        SEED_004, ("Decision rationale: The 55 year old patient", "Decision rationale: The 45 year old patient")
    )
    assert found(findings, "IMR505") == [
        (
            "IMR505",
            "94:25-94:27",
            "the rationale for 'Norco 10/325mg #120 for 30 days' gives the patient's age as 45, the summary as 55 "
            "(line 37); correct the age",
        )
    ]


def test_ages_from_history_are_not_the_patients(lint_letter):
    # "migraine headaches since 13 years old" is history, not the patient's age.
    assert findings_of(lint_letter(CORPUS / "CM16-0236906.txt"), "IMR505") == []


def test_sex_mismatch_by_pronoun_on_a_real_letter(lint_letter):
    path = CORPUS / "CM17-0007886.txt"
    findings = lint_letter(path)
    assert found(findings, "IMR506") == [
        (
            "IMR506",
            "53:11-53:14",
            "'His' in the rationale for 'Twelve physical therapy sessions, three times weekly, for the right e…' "
            "describes a male patient, but the summary describes a female one (line 27); correct the words that are "
            "wrong",
        )
    ]
    assert findings_of(lint_letter(path, ("10-20-16. His diagnoses", "10-20-16. Her diagnoses")), "IMR506") == []


def test_sex_mismatch_by_description(lint_letter):
    findings = lint_letter(
        SEED_004,
        ("Decision rationale: The 55 year old patient", "Decision rationale: The 55 year old male patient"),
    )
    assert [(f.span.line, f.message.split(",")[0]) for f in findings_of(findings, "IMR506")] == [
        (94, "'male' in the rationale for 'Norco 10/325mg #120 for 30 days' describes a male patient")
    ]


def test_pronouns_after_other_people_are_not_the_patients(lint_letter):
    # "The attending provider reiterated his request" (CM17-0019011, a female worker) is the provider's.
    assert findings_of(lint_letter(CORPUS / "CM17-0019011.txt"), "IMR506") == []


# --- IMR507 ur-date-mismatch, IMR508 request-after-ur-decision ---------------------------------

REVIEW_DATE = CORPUS / "CM16-0231745.txt"  # "A prior review dated 11/13/2016", UR Denial Date 11/30/2016
LATE_RFA = CORPUS / "CM17-0011517.txt"  # "Request for Authorization is dated 1-17-17", UR Denial Date 01/13/2017


def test_summary_dates_the_ur_decision_otherwise_than_the_header(lint_letter):
    findings = lint_letter(REVIEW_DATE)
    assert [
        (f.code, f.span.line, f.span.column, f.span.end_column, f.severity, f.message)
        for f in findings_of(findings, "IMR507")
    ] == [
        (
            "IMR507",
            37,
            75,
            85,
            "info",
            "the summary dates the UR decision 11/13/2016, the header's UR Denial Date is 11/30/2016 (line 4); state "
            "the UR decision's date in both",
        )
    ]
    assert (
        findings_of(
            lint_letter(REVIEW_DATE, ("A prior review dated 11/13/2016", "A prior review dated 11/30/2016")),
            "IMR507",
        )
        == []
    )


def test_dates_of_the_ur_decision_compare_by_day(lint_text, lint_letter):
    text = edited(REVIEW_DATE, ("A prior review dated 11/13/2016", "A prior review dated 11-30-16"))
    assert findings_of(lint_text(text), "IMR507") == []
    assert findings_of(lint_letter(MRI), "IMR507") == []


def test_request_dated_after_the_ur_decision(lint_letter):
    findings = lint_letter(LATE_RFA)
    assert [
        (f.code, f.span.line, f.span.column, f.span.end_column, f.severity, f.message)
        for f in findings_of(findings, "IMR508")
    ] == [
        (
            "IMR508",
            62,
            36,
            43,
            "info",
            "the summary dates the request's basis 1-17-17, after the UR decision of 01/13/2017 (line 4); check the "
            "dates, or describe the request UR decided",
        )
    ]
    assert (
        findings_of(
            lint_letter(
                LATE_RFA,
                ("Request for Authorization is dated 1-17-17", "Request for Authorization is dated 1-07-17"),
            ),
            "IMR508",
        )
        == []
    )


def test_a_later_date_outside_the_request_s_account_is_not_reported(lint_text):
    # the IMR application follows the UR decision; so may a visit that no request rests on
    text = edited(
        LATE_RFA,
        ("Request for Authorization is dated 1-17-17", "application for Independent Medical Review is dated 1-17-17"),
    )
    assert findings_of(lint_text(text), "IMR508") == []
    text = edited(LATE_RFA, ("Request for Authorization is dated 1-17-17", "The patient was seen again on 1-17-17"))
    assert findings_of(lint_text(text), "IMR508") == []
