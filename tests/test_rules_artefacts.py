"""Text artefacts (IMR601-IMR604) on real letters and on copies with one defect each."""

from __future__ import annotations

import re

import pytest

from imrlint.rules.artefacts import _doubled_entries, _doubled_words, _footers

from conftest import CORPUS, SEEDS, edited, findings_of, found

SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"
MRI = CORPUS / "CM16-0213037.txt"
ALL_LETTERS = sorted(CORPUS.glob("*.txt")) + sorted(SEEDS.glob("*.txt"))


def test_footer_fragment_on_seed_001(lint_letter):
    findings = lint_letter(SEED_001)
    assert found(findings, "IMR601") == [
        (
            "IMR601",
            "216:80-216:85",
            "'Final' is a page footer (or a piece of one) inside the text; remove it and restore any words the page "
            "break cut",
        )
    ]
    assert findings_of(lint_letter(SEED_001, ("although both Final \n", "although both \n")), "IMR601") == []


@pytest.mark.corpus
def test_other_letters_carry_no_footer(lint_text):
    for path in ALL_LETTERS:
        if path != SEED_001:
            assert findings_of(lint_text(path.read_text(encoding="utf-8"), str(path)), "IMR601") == [], path.name


def test_whole_footers_inside_the_text(lint_text):
    text = edited(
        MRI,
        (
            "medically necessary. \n \nMRI of the cervical",
            "medically necessary. \nFinal Determination Letter for IMR Case Number CM16-0213037 \n  Page 2 of 3 \nMRI "
            "of the cervical",
        ),
    )
    assert [(f.span.line, f.message.split(" is a page footer")[0]) for f in findings_of(lint_text(text), "IMR601")] == [
        (67, "'Final Determination Letter for IMR Case Number CM16-0213037'"),
        (68, "'Page 2 of 3'"),
    ]


@pytest.mark.parametrize(
    "footer",
    [
        r"^[ \t]*Page\s+\d+\s+of\s+\d+[ \t]*$",  # looked for by what follows the line start
        r"^[ \t]*P[\s\S]*?of \d",
        r"^[ \t]*Page \d|of \d",  # an alternation: "^" is no condition of every match
        r"^[ \t]*a?Page \d",  # the first letter may be left out
        r"Page \d+$",
    ],
)
def test_footers_are_found_as_the_pattern_finds_them(footer):
    text = "Page 1 of 2\n  Page 2 of 3 \nsee Page 3 of 4\n\tPage\n5 of 6\nxPage 7 of 8\nPage 9 of\nPage 10 of 11\n"
    pattern = re.compile(footer, re.MULTILINE)
    for start in range(len(text) + 1):
        assert list(_footers(footer, text, start)) == [match.span() for match in pattern.finditer(text, start)], start


def test_a_page_number_inside_a_line_is_no_footer(lint_text):
    text = edited(
        MRI,
        (
            "medically necessary. \n \nMRI of the cervical",
            "medically necessary. \nSee Page 2 of 3\n\t Page 3 of 3\nMRI of the cervical",
        ),
    )
    assert [
        (f.span.line, f.span.column, f.message.split(" is a page footer")[0])
        for f in findings_of(lint_text(text), "IMR601")
    ] == [
        (68, 3, "'Page 3 of 3'"),
    ]


def test_a_final_determination_is_no_footer(lint_text):
    # "The Final Determination was based on ..." starts the decisions section of every letter.
    text = edited(MRI, ("The Final Determination was based on", "The Final\ndetermination was based on"))
    assert findings_of(lint_text(text), "IMR601") == []


@pytest.mark.corpus
def test_sentence_cut_at_a_break(lint_text, lint_letter):
    for path in ALL_LETTERS:
        assert findings_of(lint_text(path.read_text(encoding="utf-8"), str(path)), "IMR602") == [], path.name
    findings = lint_letter(MRI, ("an MRI of \nthe shoulder. However there is", "an MRI of the \n\n\nHowever there is"))
    assert found(findings, "IMR602") == [
        (
            "IMR602",
            "61:97-61:100",
            "the sentence ending in 'the' stops at a line break and the next line starts a new sentence; restore the "
            "sentence's end",
        )
    ]


def test_sentence_cut_at_any_line_end(lint_text):
    # Windows line ends and lone carriage returns break lines as line feeds do.
    text = edited(MRI, ("an MRI of \nthe shoulder. However there is", "an MRI of the \n \n\t\nHowever there is"))
    expected = [("IMR602", "61:97-61:100")]
    for line_end in ("\n", "\r\n", "\r"):
        findings = lint_text(text.replace("\n", line_end))
        assert [finding[:2] for finding in found(findings, "IMR602")] == expected, repr(line_end)


def test_an_opener_of_several_words_is_on_one_line(lint_text):
    cut = edited(MRI, ("an MRI of \nthe shoulder. However there is", "an MRI of the \nIn this case there is"))
    assert [finding[:2] for finding in found(lint_text(cut), "IMR602")] == [("IMR602", "61:97-61:100")]
    assert findings_of(lint_text(cut.replace("In this case there", "In\nthis case there")), "IMR602") == []


def test_a_line_of_other_blanks_before_an_opener(lint_text):
    text = edited(MRI, ("an MRI of \nthe shoulder. However there is", "an MRI of the \n\x0b\nHowever there is"))
    findings = lint_text(text)
    assert findings_of(findings, "IMR602") == findings_of(findings, "IMR900") == []  # IMR900: the rule failed


def test_a_line_that_goes_on_is_not_cut(lint_text):
    text = edited(MRI, ("an MRI of \nthe shoulder. However there is", "an MRI of \nThe Shoulder. However there is"))
    assert findings_of(lint_text(text), "IMR602") == []


@pytest.mark.corpus
def test_doubled_word(lint_text, lint_letter):
    for path in ALL_LETTERS:
        assert findings_of(lint_text(path.read_text(encoding="utf-8"), str(path)), "IMR603") == [], path.name
    findings = lint_letter(
        MRI,
        ("Therefore the request for an MRI of the shoulder", "Therefore the request for an an MRI of the shoulder"),
    )
    assert found(findings, "IMR603") == [
        ("IMR603", "65:49-65:51", "'an an' doubles a word; delete the repetition, or write the word that was lost")
    ]
    assert findings_of(findings, "IMR603")[0].item == 1


def test_doubled_word_across_a_line_break_and_allowed_pairs(lint_letter):
    findings = lint_letter(MRI, ("an MRI of \nthe shoulder. However", "an MRI of the \nthe shoulder. However"))
    assert [(f.span.line, f.span.column) for f in findings_of(findings, "IMR603")] == [(62, 1)]
    assert (
        findings_of(
            lint_letter(MRI, ("There is no \nevidence of any red flag", "There had had no \nevidence of any red flag")),
            "IMR603",
        )
        == []
    )


def test_doubled_words_and_list_entries_in_a_collapsed_text():
    text = "The the plan, rest, rest; ice: ice and heat, heat heat"
    assert list(_doubled_words(text, text.lower(), {"that that"})) == [(4, 7, "The the"), (50, 54, "heat heat")]
    assert list(_doubled_entries(text, text.lower())) == [(20, 24, "rest, rest"), (31, 34, "ice: ice")]


@pytest.mark.corpus
def test_repeated_list_entry_is_off_by_default(lint_letter, linter_with):
    assert findings_of(lint_letter(MRI), "IMR604") == []
    lint = linter_with("rules:\n  repeated-list-entry:\n    enabled: true\n")
    assert found(lint(MRI.read_text(encoding="utf-8")), "IMR604") == [
        (
            "IMR604",
            "42:56-42:74",
            "'diagnostic imaging, diagnostic imaging' repeats a list entry; delete the repetition, or write the entry "
            "that was meant",
        )
    ]
    others = [path for path in ALL_LETTERS if path != MRI]
    assert [path.name for path in others if findings_of(lint(path.read_text(encoding="utf-8")), "IMR604")] == []


def test_a_sentence_cut_far_above_the_opener(lint_text):
    # the cut line is read back over any number of blank lines
    text = edited(
        MRI, ("an MRI of \nthe shoulder. However there is", "an MRI of the" + " \n" * 400 + "However there is")
    )
    assert [finding[:2] for finding in found(lint_text(text), "IMR602")] == [("IMR602", "61:97-61:100")]


def test_a_dangling_word_before_other_blanks_at_a_line_end(lint_text):
    # a vertical tab at a line's end ends no word: the word before it is still read
    text = edited(MRI, ("an MRI of \nthe shoulder. However there is", "an MRI of the\x0b\nHowever there is"))
    assert len(findings_of(lint_text(text), "IMR602")) == 1
    text = edited(MRI, ("an MRI of \nthe shoulder. However there is", "an MRI of the.\nHowever there is"))
    assert findings_of(lint_text(text), "IMR602") == []


def test_a_word_written_three_times():
    text = "A a a plan"
    assert list(_doubled_words(text, text.lower(), set())) == [(2, 3, "A a"), (4, 5, "a a")]


def test_sentence_written_twice_in_a_row(lint_letter):
    sentence = "There is no \nevidence of any red flag conditions. "
    assert findings_of(lint_letter(MRI), "IMR605") == []
    findings = lint_letter(MRI, (sentence, sentence + "There is no evidence of any red flag conditions. "))
    assert [
        (f.code, f.span.line, f.span.column, f.span.end_column, f.item, f.message)
        for f in findings_of(findings, "IMR605")
    ] == [
        (
            "IMR605",
            64,
            38,
            86,
            1,
            "this sentence of 9 words repeats the one before it word for word; delete the repetition, or write the "
            "sentence that was meant",
        )
    ]


def test_short_or_different_sentences_are_not_repeats(lint_letter):
    sentence = "There is no \nevidence of any red flag conditions. "
    assert findings_of(lint_letter(MRI, (sentence, sentence + "No. No. ")), "IMR605") == []
    assert (
        findings_of(
            lint_letter(MRI, (sentence, sentence + "There is no evidence of any red flag symptoms. ")), "IMR605"
        )
        == []
    )
