"""The header block's labels are paired with their values in every layout text extraction gives,
and values that cannot be paired with certainty are said to be so, never paired wrongly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imrlint.input.document import Document
from imrlint.model.letter import build_letter

from conftest import CORPUS, edited, findings_of, located

FIELDS = [
    ("case-number", "Case Number:", "CM16-0213037"),
    ("date-assigned", "Date Assigned:", "11/09/2016"),
    ("decision-date", "Decision Date:", "12/09/2016"),
    ("priority", "Priority:", "Standard"),
    ("date-of-injury", "Date of Injury:", "10/13/2016"),
    ("ur-denial-date", "UR Denial Date:", "11/03/2016"),
    ("application-received", "Application Received:", "11/03/2016"),
]
BODY = "\nHOW THE IMR FINAL DETERMINATION WAS MADE\nText.\n"


def header_of(block: str):
    letter = build_letter(Document("letter.txt", block + BODY))
    return {name: field.value.text if field.value else None for name, field in letter.header.items()}, [
        field.name for field in letter.unpaired_header
    ]


ALL = {name: value for name, _, value in FIELDS}


def test_label_and_value_on_one_line_two_columns_as_pypdf_gives_them():
    block = (
        "Case Number: CM16-0213037  \nDate Assigned: 11/09/2016 Date of Injury:  10/13/2016 \nDecision Date: "
        "12/09/2016 UR Denial Date:  11/03/2016 \n"
        "Priority:  Standard Application \nReceived:  \n11/03/2016 \n"
    )
    assert header_of(block) == (ALL, [])


def test_two_columns_side_by_side_with_the_two_line_label_around_its_value():
    block = (
        "Case Number:          CM16-0213037\nDate Assigned:        11/09/2016                      Date of Injury:     "
        " 10/13/2016\n"
        "Decision Date:        12/09/2016                      UR Denial Date:      11/03/2016\n"
        "Priority:             Standard                        Application          11/03/2016\n"
        "                                                      Received:\n"
    )
    assert header_of(block) == (ALL, [])


def test_labels_of_a_column_then_their_values():
    block = (
        "Case Number:\nDate Assigned:\nDecision Date:\nPriority:\n\nCM16-0213037\n11/09/2016\n12/09/2016\nStandard\n\n"
        "Date of Injury:\nUR Denial Date:\nApplication\nReceived:\n\n10/13/2016\n11/03/2016\n11/03/2016\n"
    )
    assert header_of(block) == (ALL, [])


def test_a_word_table_a_cell_a_line():
    block = "".join(f"{label}\n{value}\n" for _, label, value in FIELDS)
    assert header_of(block) == (ALL, [])


def test_values_above_their_labels_are_not_paired():
    block = (
        "Case Number: \nDate Assigned: \nDecision Date: \nPriority:  \n\nCM16-0213037 \n11/09/2016 \n12/09/2016 "
        "\nStandard \n\n"
        "10/13/2016 \nDate of Injury:  \nUR Denial Date:   11/03/2016 \n11/03/2016 \nApplication \nReceived:  \n"
    )
    fields, unpaired = header_of(block)
    # "UR Denial Date:   11/03/2016" may be a label and its value, or the second of a column of two
    # labels whose values follow in order: the readings disagree, so neither is taken
    assert fields == {
        name: value
        for name, value in ALL.items()
        if name not in ("date-of-injury", "ur-denial-date", "application-received")
    }
    assert unpaired == ["date-of-injury", "ur-denial-date", "application-received"]


def test_a_value_inside_its_split_label_and_one_below_its_label():
    block = (
        "Case Number: \nDate Assigned: \nDecision Date: \nPriority:  \n\nCM16-0213037 \n11/09/2016 \n12/09/2016 "
        "\nStandard \n\n"
        "Date of Injury:  \n10/13/2016 \nUR Denial Date:   11/03/2016 \nApplication \n11/03/2016 \nReceived:  \n"
    )
    assert header_of(block) == (ALL, [])


def test_a_label_without_a_value_when_nothing_is_left_unpaired():
    block = "Case Number: \nDate Assigned: 11/09/2016\n"
    assert header_of(block) == ({"case-number": None, "date-assigned": "11/09/2016"}, [])


def test_the_value_on_the_last_line_of_a_column_of_labels_is_the_column_s():
    block = "Date of Injury:\nUR Denial Date:\nApplication Received: 10/13/2016\n11/03/2016 11/03/2016\n"
    assert header_of(block) == (
        {name: ALL[name] for name in ("date-of-injury", "ur-denial-date", "application-received")},
        [],
    )


def test_values_of_the_wrong_kind_in_a_run_are_not_paired():
    block = "Date Assigned:\nPriority:\nStandard\n11/09/2016\n"
    assert header_of(block) == ({}, ["date-assigned", "priority"])


SPACING = st.sampled_from([" ", "  ", "\n", "\n\n", " \n ", "\t", "\n\f\n"])


@settings(max_examples=200, deadline=None)
@given(st.lists(SPACING, min_size=40, max_size=40), st.booleans())
def test_any_spacing_between_labels_and_values_pairs_them_the_same(spacing, by_column):
    """Whatever spacing and line breaks stand between labels, their words and values: label and
    value in turn, or each column's labels and then its values."""
    gaps = iter(spacing)

    def label(text: str) -> str:
        return text.replace(" ", next(gaps))

    if by_column:
        columns = (FIELDS[:4], FIELDS[4:])
        block = "".join(
            "".join(label(text) + next(gaps) for _, text, _ in column)
            + "".join(value + next(gaps) for _, _, value in column)
            for column in columns
        )
    else:
        block = "".join(label(text) + next(gaps) + value + next(gaps) for _, text, value in FIELDS)
    assert header_of(block) == (ALL, [])


MRI = CORPUS / "CM16-0213037.txt"


def test_a_malformed_case_number_in_its_own_cell_is_reported(lint_text):
    text = edited(MRI, ("Case Number: CM16-0213037", "Case Number:\nCM16_0213037"))
    assert located(findings_of(lint_text(text), "IMR105")) == [
        (
            "IMR105",
            3,
            1,
            3,
            13,
            "case number 'CM16_0213037' is not in the DWC form; write it as CM16-0213037 (CM, two-digit year, hyphen, "
            "seven digits)",
        )
    ]


def test_an_empty_case_number_is_reported(lint_text):
    text = edited(MRI, ("Case Number: CM16-0213037", "Case Number:"))
    assert located(findings_of(lint_text(text), "IMR105")) == [
        (
            "IMR105",
            2,
            1,
            2,
            13,
            "the case number is empty; write it as CM16-0213037 (CM, two-digit year, hyphen, seven digits)",
        )
    ]


def test_an_unpaired_case_number_is_not_checked_but_said_to_be_unpaired(lint_text):
    text = edited(
        MRI,
        (
            "Case Number: CM16-0213037  \nDate Assigned: 11/09/2016",
            "CM16-0213037\nCase Number:\nDate Assigned: 11/09/2016",
        ),
    )
    findings = lint_text(text)
    assert findings_of(findings, "IMR105") == []
    # the date under the case number's label may be the label's own or the next one's
    assert [(f.span.line, f.message.split(" cannot")[0]) for f in findings_of(findings, "IMR107")] == [
        (3, "the header's values for Case Number and Date Assigned")
    ]
