"""Reading facts from text: dates, quantities, sentences and necessity conclusions, checked against the
plain readings they must agree with (imrlint.model.dates, imrlint.model.quantities, imrlint.model.conclusions)."""

from __future__ import annotations

import datetime
import re

import pytest

from imrlint.config.layers import read_yaml
from imrlint.input.document import Document
from imrlint.model.conclusions import NECESSARY, NOT_NECESSARY, ConclusionReader, necessity_statements
from imrlint.model.dates import find_dates, find_invalid_dates
from imrlint.model.facts import sentence_around, sentences
from imrlint.model.letter import Passage
from imrlint.model.quantities import find_quantities
from imrlint.resources import data_path

PHRASES = read_yaml(data_path("rules", "phrases.yaml"))["conclusions"]

DATED = (
    "Date Assigned: 11/09/2016 Decision Date: 02/30/2016. On October 10, 2015 and on OCT. 31st, 2016, "
    "Sept 4 2016, June 31, 2016 and 13/05/2016 (12-21-16), Norco 10/325mg, non-certified 7.5/10/12, "
    "May 5, 2016 but not may 5, 2016 nor xMay 5, 2016."
)


def test_dates_of_both_kinds_come_in_order_of_place():
    mentions = find_dates(DATED)
    assert [mention.text for mention in mentions] == [
        "11/09/2016",
        "02/30/2016",
        "October 10, 2015",
        "OCT. 31st, 2016",
        "Sept 4 2016",
        "June 31, 2016",
        "13/05/2016",
        "12-21-16",
        "May 5, 2016",
    ]
    assert all(DATED[mention.start : mention.end] == mention.text for mention in mentions)
    assert mentions[2].date == datetime.date(2015, 10, 10) and mentions[4].date == datetime.date(2016, 9, 4)


def test_invalid_dates_are_the_dates_naming_no_day():
    assert find_invalid_dates(DATED) == [mention for mention in find_dates(DATED) if mention.date is None]
    assert [mention.text for mention in find_invalid_dates(DATED)] == ["02/30/2016", "June 31, 2016", "13/05/2016"]


def test_dates_within_bounds():
    start = DATED.index("On October")
    end = DATED.index("(12-21-16)")
    assert [mention.text for mention in find_dates(DATED, start, end)] == [
        "October 10, 2015",
        "OCT. 31st, 2016",
        "Sept 4 2016",
        "June 31, 2016",
        "13/05/2016",
    ]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Physical therapy 2x4", 1),
        ("six sessions of acupuncture", 1),
        ("Norco #120", 1),
        ("Lidoderm patches", 0),  # no digit and no number word: not scanned
        ("MRI of the lumbar spine without contrast", 0),
    ],
)
def test_quantities_only_where_a_number_is(text, count):
    assert len(find_quantities(text)) == count


@pytest.mark.parametrize(
    "text", ["Twelve visits", "Three refills of Norco", "twenty-four sessions", "QTY: 2", "2 times a week for 6 weeks"]
)
def test_every_number_word_form_is_scanned(text):
    assert find_quantities(text)


def test_conclusion_window_is_the_clause_last_words():
    reader = ConclusionReader({**PHRASES, "window_words": 3})
    text = (
        "The patient reports pain.  After six weeks of  therapy there is \n no   evidence   it  is medically necessary."
    )
    conclusion = reader.conclusion(text)
    assert text[conclusion.start : conclusion.end] == "evidence   it  is medically necessary"
    assert conclusion.meaning == NECESSARY  # "no" is four words back, outside the window
    assert reader.conclusion(text.replace("evidence", "")).meaning == NOT_NECESSARY


def test_shipped_clause_boundary_and_negations_read_as_written():
    boundary = re.compile(PHRASES["clause_boundary"])
    text = "Pain, 7/10; no relief:sleep!ok?yes,and. Done,\tthen"
    assert [match.span() for match in boundary.finditer(text)] == [
        match.span() for match in re.compile(r"[.;:!?]|,\s").finditer(text)
    ]
    reader = ConclusionReader(PHRASES)
    assert reader.conclusion("The request isn't medically necessary.").meaning == NOT_NECESSARY
    assert reader.conclusion("The request is medically necessary.").meaning == NECESSARY


def test_statements_mark_guideline_criteria_and_give_the_conclusion():
    reader = ConclusionReader(PHRASES)
    text = (
        "Therapy is not medically necessary. Guidelines state that it is medically necessary when pain persists. "
        "Therefore, the request is medically necessary for patients with flare-ups."
    )
    statements = reader.statements(text)
    assert [(conclusion.meaning, criterion) for conclusion, criterion in statements] == [
        (NOT_NECESSARY, False),
        (NECESSARY, True),
        (NECESSARY, True),
    ]
    assert reader.conclusions(text) == [conclusion for conclusion, _ in statements]
    # the last statement that is no criterion concludes; read from the statements or from the text
    assert reader.conclusion(text, statements) == reader.conclusion(text) == statements[0][0]
    # when every statement is a criterion, the last of them
    only_criteria = text.split(". ", 1)[1]
    assert reader.conclusion(only_criteria) == reader.statements(only_criteria)[-1][0]


def test_a_passages_statements_are_read_once():
    reader = ConclusionReader(PHRASES)
    text = "Rationale: The request is not   medically necessary."
    passage = Passage(Document("letter.txt", text), len("Rationale:"), len(text))
    statements = necessity_statements(passage, reader)
    assert necessity_statements(passage, reader) is statements
    assert statements == reader.statements("The request is not medically necessary.")


@pytest.mark.parametrize(
    ("anchor", "lower_cased"),
    [
        (r"medically[\s-]+necessary", True),  # scanned lower-cased in ASCII text
        (r"Medically[\s-]+Necessary", False),  # a capital: scanned case-insensitively
        (r"medically[\s-]+(?-i:necessary)", False),  # case-insensitivity switched off
        (r"medically[\s-][.-_]*necessary", False),  # a range holding capitals only
    ],
)
@pytest.mark.parametrize(
    "text", ["It is MEDICALLY NECESSARY, not Medically-necessary.", "Für ihn: is MEDICALLY necessary."]
)
def test_anchors_match_case_insensitively_as_written(anchor, lower_cased, text):
    reader = ConclusionReader({**PHRASES, "anchors": [anchor]})
    assert (reader.lower_anchor is not None) == lower_cased
    expected = [match.end() for match in re.compile(anchor, re.IGNORECASE).finditer(text)]
    assert [conclusion.end for conclusion in reader.conclusions(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        'He was seen. "She said so." (Then) 7.5 mg... Dr. Smith!  Is it? [Yes] no.',
        "No sentence end here",
        ". Opens with one. And ends without",
    ],
)
def test_sentence_around_is_the_sentence_split_finds(text):
    spans = sentences(text)
    for index in range(len(text)):
        assert sentence_around(text, index) == max(span for span in spans if span[0] <= index)
