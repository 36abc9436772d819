"""Each item's quantity and name (IMR208-IMR212, IMR214), on real letters and on copies with one defect each; and the
quantity reading they rest on (imrlint.model.quantities)."""

from __future__ import annotations

import pytest

from imrlint.input.document import Document
from imrlint.model.letter import Passage, lowered
from imrlint.model.quantities import find_quantities
from imrlint.rules.decisions.names import _similar_in, _similar_words
from imrlint.rules.decisions.quantities import _NUMBER

from conftest import CORPUS, SEEDS, edited, findings_of, found, real_letters

SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"
SEED_002 = SEEDS / "002_a1ae487a7b68567a.txt"
SEED_004 = SEEDS / "004_2a473cbf33bb0773.txt"
NORCO_PARTIAL = CORPUS / "CM16-0234202.txt"
THERAPY = CORPUS / "CM17-0015198.txt"


QUANTITY_FORMS = [
    ("Norco 10/325mg #120", [("count", 120)]),
    ("(Retro) Flexeril 7.5mg # 180", [("count", 180)]),
    ("Norflex 100mg 60 count", [("count", 60)]),
    ("NCV bilateral lower extremities QTY: 2", [("count", 2)]),
    ("Physical therapy x 12", [("count", 12)]),
    ("Eight physical therapy sessions for the neck", [("sessions", 8)]),
    ("six sessions", [("sessions", 6)]),
    ("Physical therapy 2 times a week for 6 weeks", [("sessions", 12)]),
    ("two times a week times 2 weeks", [("sessions", 4)]),
    ("physical therapy 2x4 for the neck", [("sessions", 8)]),
    ("Physical therapy additional 3 visits per week for 2 weeks", [("sessions", 6)]),
    ("Physical therapy to the lumbar spine 2 times a week for 3 weeks (6)", [("sessions", 6)]),
    ("Chiropractic spinal manipulation times 12", [("sessions", 12)]),
    ("Flector patch 1.3% for 30 days, with 2 refills", [("refills", 2)]),
    ("Post-op physical therapy 12-18 sessions", []),
    ("PT/OT two to three times a week for six to eight weeks (24 sessions)", [("sessions", 24)]),
    ("Voltaren gel apply to affected area 4 times a day", []),
]


@pytest.mark.parametrize(("text", "expected"), QUANTITY_FORMS)
def test_quantities_in_every_form_seen(text, expected):
    assert [(quantity.kind, quantity.value) for quantity in find_quantities(text)] == expected


@pytest.mark.parametrize("text", [text for text, expected in QUANTITY_FORMS if expected])
def test_every_quantity_states_a_number(text):
    # quantity-mismatch reads a mention's context only when a number follows it
    assert all(_NUMBER.search(lowered(text), quantity.start, quantity.end) for quantity in find_quantities(text))


@pytest.mark.corpus
def test_no_real_letter_has_a_quantity_or_arithmetic_finding(lint_text):
    for path in real_letters():
        findings = lint_text(path.read_text(encoding="utf-8"), str(path))
        assert [f for f in findings if f.code in ("IMR208", "IMR209")] == [], path.name


def test_quantity_in_the_rationale_differs_from_the_heading(lint_text):
    text = edited(
        SEED_004,
        (
            'continual injury." Hence, the request is \n\nnot medically necessary.',
            'continual injury." Hence, the request for NORCO 10/325mg #90 is \n\nnot medically necessary.',
        ),
    )
    assert found(lint_text(text), "IMR208") == [
        (
            "IMR208",
            "162:114-162:117",
            "'#90' in the rationale's conclusion differs from the heading's '#120' (line 81); state one quantity for "
            "'Norco 10/325mg #120 for 30 days'",
        )
    ]


def test_a_quantity_in_the_history_is_not_the_request(lint_text):
    # "The request is for NORCO 10/325mg #90" in the history of earlier requests, the conclusion
    # on the request itself ("Hence, the request is not medically necessary")
    text = edited(SEED_004, ("is for NORCO 10/325mg #120 FOR 30 DAYS", "is for NORCO 10/325mg #90 FOR 30 DAYS"))
    assert findings_of(lint_text(text), "IMR208") == []


def test_sessions_in_the_rationale_differ_from_the_heading(lint_letter):
    findings = lint_letter(
        THERAPY,
        (
            "Decision rationale: Physical therapy 2 times a week for 6 weeks",
            "Decision rationale: Physical therapy 2 times a week for 4 weeks",
        ),
    )
    assert [(f.span.line, f.message.split(";")[0]) for f in findings_of(findings, "IMR208")] == [
        (
            56,
            "'2 times a week for 4 weeks' in the rationale's conclusion differs from the heading's '2 times a week for "
            "6 weeks' (line 43)",
        )
    ]


def test_what_ur_allowed_is_not_the_request(lint_text, lint_letter):
    # "modified the request for Norco 10-325mg #240, to Norco 10-325mg #81": #81 is what UR allowed.
    assert findings_of(lint_letter(SEED_002), "IMR208") == []
    text = edited(
        SEED_002,
        (
            "modified the request for Norco 10-325mg #240, to Norco 10-325mg #81",
            "modified the request to Norco 10-325mg #81",
        ),
    )
    assert findings_of(lint_text(text), "IMR208") == []


def test_partial_authorization_arithmetic(lint_letter):
    findings = lint_letter(NORCO_PARTIAL, ("10/325mg #35 is: Upheld", "10/325mg #25 is: Upheld"))
    assert found(findings, "IMR209") == [
        (
            "IMR209",
            "44:10-44:13",
            "the remaining portion is 25, but the original request (60) less what was authorized (25) is 35; correct "
            "the quantity that is wrong",
        )
    ]


def test_partial_authorization_of_sessions_and_refills(lint_letter):
    sessions = CORPUS / "CM17-0020728.txt"  # 2 times a week for 3 weeks (6) - (2) = (4)
    findings = lint_letter(sessions, ("2 times a week for 2 weeks (4)", "2 times a week for 3 weeks (6)"))
    assert [f.message.split(";")[0] for f in findings_of(findings, "IMR209")] == [
        "the remaining portion is 6, but the original request (6) less what was authorized (2) is 4"
    ]
    refills = CORPUS / "CM17-0002181.txt"  # "#90 with 2 refill" - "#90" = "Two refills of ... #90"
    assert findings_of(lint_letter(refills), "IMR209") == []
    findings = lint_letter(refills, ("request, Two refills of Ibuprofen", "request, Three refills of Ibuprofen"))
    assert [f.message.split(";")[0] for f in findings_of(findings, "IMR209")] == [
        "the remaining portion is 3, but the original request (2) less what was authorized (0) is 2"
    ]


def test_misspelt_item_name_on_seed_004(lint_letter):
    findings = lint_letter(SEED_004)
    assert found(findings, "IMR210") == [
        (
            "IMR210",
            "250:1-250:11",
            "'Omepraxole' in the heading is spelt 'Omeprazole' in the summary or rationale; did you mean 'Omeprazole'?",
        )
    ]
    assert findings_of(lint_letter(SEED_004, ("Omepraxole 20mg", "Omeprazole 20mg")), "IMR210") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Omeprazole, OMEPRAZOLE and omeprazoles; not Omepra or xomeprazole",
            ["omeprazole", "omeprazole", "omeprazoles"],
        ),
        # not ASCII: a Kelvin sign is no letter "k", an accented letter ends a run of ASCII letters
        (
            "Omeprazole or \u212aomeprazole, omeprazolé, omeprazoles",
            ["omeprazole", "omeprazole", "omeprazol", "omeprazoles"],
        ),
    ],
)
def test_similar_words_are_whole_runs_of_ascii_letters(text, expected):
    passage = Passage(Document("letter.txt", text), 0, len(text))
    assert _similar_in(passage, _similar_words("o", len("omepraxole"))) == expected


def test_plurals_and_other_words_are_not_misspellings(lint_text):
    # "sessions" / "session" (CM17-0014449), "Motrin" / "motion" (CM17-0015957), "three" / "there".
    for name in ("CM17-0014449.txt", "CM17-0015957.txt", "CM16-0238676.txt"):
        assert findings_of(lint_text((CORPUS / name).read_text(encoding="utf-8")), "IMR210") == []


def _norco_rationale_for_zanaflex() -> str:
    text = SEED_002.read_text(encoding="utf-8")
    norco = text[
        text.index("Decision rationale: Norco is") : text.index(
            "The continued use of Norco is not medically necessary."
        )
        + 55
    ]
    zanaflex = text.index("Decision rationale: According to the MTUS guidelines, Zanaflex")
    return text[:zanaflex] + norco + "\n"


@pytest.mark.corpus
def test_rationale_that_never_names_its_item(lint_text):
    for path in real_letters():
        assert findings_of(lint_text(path.read_text(encoding="utf-8"), str(path)), "IMR211") == [], path.name
    findings = lint_text(_norco_rationale_for_zanaflex())
    assert found(findings, "IMR211") == [
        (
            "IMR211",
            "125:1-125:17",
            "the rationale for 'Zanaflex 4mg #60' never names it; name the item in the rationale's conclusion, or "
            "check the rationale belongs to it",
        )
    ]


def test_synonyms_and_ancillary_services_count_as_naming(lint_text):
    # "Naproxen" decided as "Naprosyn" (CM17-0019011); "Motrin" as NSAIDs (CM17-0015957); an assistant
    # surgeon and post-operative equipment that fall with the surgery (CM17-0014449).
    for name in ("CM17-0019011.txt", "CM17-0015957.txt", "CM17-0014449.txt"):
        assert findings_of(lint_text((CORPUS / name).read_text(encoding="utf-8")), "IMR211") == []


def test_item_not_among_the_requests_ur_decided_on_seed_001(lint_text, lint_letter):
    findings = lint_letter(SEED_001)
    assert found(findings, "IMR212") == [
        (
            "IMR212",
            "183:1-183:62",
            "'PERMANENT IMPLANTATION OF LUMBAR SPINAL CORD STIMULATOR (SCS)' is not among the requests the summary "
            "says utilization review decided (line 49); complete the summary's account of the UR decision, or check "
            "the item was disputed",
        )
    ]
    assert findings_of(findings, "IMR212")[0].severity == "info"
    completed = edited(
        SEED_001,
        (
            '#180 and Fexmid 7.5 mg #30".',
            '#180, Fexmid 7.5 mg #30 and permanent implantation of a lumbar spinal cord stimulator".',
        ),
    )
    assert findings_of(lint_text(completed), "IMR212") == []


def test_summaries_naming_requests_by_class_are_not_reported(lint_letter):
    # "The request for creams/compounded creams were denied" names the two creams by their class.
    assert findings_of(lint_letter(CORPUS / "CM17-0014438.txt"), "IMR212") == []


NORTRIPTYLINE = CORPUS / "CM17-0008753.txt"
PRE_OP = CORPUS / "CM17-0010420.txt"


def test_a_rationale_may_name_an_item_by_its_drug_class(lint_text):
    # the Nortriptyline rationale of CM17-0008753 with its one naming of the drug put as its class
    text = edited(
        NORTRIPTYLINE,
        (
            "the request for Nortriptyline HCL 25mg, #30 is deemed not",
            "the requested tricyclic antidepressant is deemed not",
        ),
    )
    assert findings_of(lint_text(text), "IMR211") == []
    unnamed = edited(
        NORTRIPTYLINE,
        ("the request for Nortriptyline HCL 25mg, #30 is deemed not", "the request is deemed not"),
        ('"Tricyclics are generally', '"These are generally'),
        ("tapering of anti-depressants", "tapering"),
    )
    assert [(f.code, f.span.line) for f in findings_of(lint_text(unnamed), "IMR211")] == [("IMR211", 39)]


def test_a_name_hyphenated_at_a_line_break_names_the_item(lint_text, lint_letter):
    # CM17-0010420's chest x-ray rationale, its one naming of the item hyphenated at a line's end
    rationale = (
        ("Regarding preoperative chest x-rays, the", "Regarding preoperative pulmonary x-\nrays, the"),
        ("indicate that chest \nradiography", "indicate that it"),
        ("testing to include chest x-ray, CBC", "testing to include CBC"),
    )
    assert findings_of(lint_letter(PRE_OP, *rationale), "IMR211") == []
    unnamed = edited(PRE_OP, *rationale, ("pulmonary x-\nrays, the", "pulmonary \nstudies, the"))
    assert [(f.code, f.span.line) for f in findings_of(lint_text(unnamed), "IMR211")] == [("IMR211", 44)]


def test_summary_naming_an_item_by_its_kind(lint_text):
    # seed 001: the summary's UR decision names the stimulator by its kind, "neurostimulation"
    text = edited(SEED_001, ('#180 and Fexmid 7.5 mg #30".', '#180 and Fexmid 7.5 mg #30" and the neurostimulation.'))
    assert findings_of(lint_text(text), "IMR212") == []


def test_summary_speaking_of_modalities_does_not_name_every_item(lint_text):
    # "modalities" names physical modalities (heat, electrical stimulation), not a stimulator implant
    text = edited(SEED_001, ('#180 and Fexmid 7.5 mg #30".', '#180 and Fexmid 7.5 mg #30" and other modalities.'))
    assert [(f.code, f.span.line) for f in findings_of(lint_text(text), "IMR212")] == [("IMR212", 183)]


def test_item_names_are_extended_by_configuration(linter_with):
    lint = linter_with("phrases:\n  item_names: [[zanaflex, short acting opioid]]\n")
    assert [f.code for f in lint(_norco_rationale_for_zanaflex()) if f.code == "IMR211"] == []


def test_synonyms_are_an_option(linter_with):
    lint = linter_with(
        "rules:\n  item-not-in-rationale:\n    options:\n      synonyms: [[zanaflex, short acting opioid]]\n"
    )
    assert [f.code for f in lint(_norco_rationale_for_zanaflex()) if f.code == "IMR211"] == []


def test_remaining_portion_of_another_strength(lint_letter):
    assert findings_of(lint_letter(NORCO_PARTIAL), "IMR214") == []
    findings = lint_letter(
        NORCO_PARTIAL,
        ("original request, Norco \n10/325mg #35 is: Upheld", "original request, Norco \n7.5/325mg #35 is: Upheld"),
    )
    assert found(findings, "IMR214") == [
        (
            "IMR214",
            "44:1-44:10",
            "the remaining portion's strength 7.5/325mg is not the original request's (10/325mg); state the strength "
            "that was requested",
        )
    ]


def test_whole_original_request_left_eligible_is_read_as_a_partial_authorization(lint_text):
    # the other partial-authorization form: UR authorized part, the whole request stays eligible
    text = edited(
        NORCO_PARTIAL,
        (
            "Norco 10/325mg #25 was authorized by the \nClaims Administrator. The remaining IMR eligible portion of "
            "the original request, Norco \n10/325mg #35 is",
            "The Claims Administrator authorized Norco 10/325mg #25, leaving the \noriginal request IMR eligible. The "
            "original request, Norco \n5/325mg #60 is",
        ),
    )
    findings = lint_text(text)
    assert findings_of(findings, "IMR209") == []  # the eligible portion is the whole request, not 60 less 25
    assert [(f.code, f.span.line, f.message.split(";")[0]) for f in findings_of(findings, "IMR214")] == [
        ("IMR214", 44, "the remaining portion's strength 5/325mg is not the original request's (10/325mg)")
    ]


def test_rationale_asks_for_another_quantity_than_the_remaining_portion(lint_text, lint_letter):
    sessions = CORPUS / "CM17-0020728.txt"  # 6 requested, 2 authorized, (4) remaining
    assert findings_of(lint_letter(sessions), "IMR208") == []
    text = edited(
        sessions,
        (
            "is in excess of the guidelines.  ",
            "is in excess of the guidelines. A request for an additional 8 sessions is not supported.  ",
        ),
    )
    assert [(f.code, f.span.line, f.span.column, f.message) for f in findings_of(lint_text(text), "IMR208")] == [
        (
            "IMR208",
            69,
            113,
            "'additional 8 sessions' in the rationale differs from the heading's '2 times a week for 2 weeks (4)' "
            "(line 44); state one quantity for "
            "'Physical therapy to the lumbar spine 2 times a week for 2 weeks (4)'",
        )
    ]
    guideline = edited(
        sessions,
        (
            "is in excess of the guidelines.  ",
            "is in excess of the guidelines. The guidelines allow an additional 8 sessions.  ",
        ),
    )
    assert findings_of(lint_text(guideline), "IMR208") == []


def test_misspelt_item_name_in_the_rationale_s_conclusion(lint_text, lint_letter):
    text = edited(
        NORTRIPTYLINE,
        (
            "the request for Nortriptyline HCL 25mg, #30 is deemed not",
            "the request for Nortriptylene HCL 25mg, #30 is deemed not",
        ),
    )
    assert [(f.code, f.span.line, f.span.column, f.message) for f in findings_of(lint_text(text), "IMR210")] == [
        (
            "IMR210",
            63,
            52,
            "'Nortriptylene' in the rationale's conclusion is spelt 'Nortriptyline' in the heading; did you mean "
            "'Nortriptyline'?",
        )
    ]
    assert findings_of(lint_letter(NORTRIPTYLINE), "IMR210") == []
