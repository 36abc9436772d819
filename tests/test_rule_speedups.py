"""The rules' fast paths give exactly what the plain ways of reading a text do."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imrlint.input.document import Document
from imrlint.model.dates import _NAMED_SCAN, _NUMERIC_SCAN, _named_matches, _numeric_matches
from imrlint.model.facts import (
    _AGE,
    _AGE_CUES,
    _INJURY,
    _INJURY_CUES,
    _OPENING_PRONOUN,
    _OTHER_PEOPLE,
    _PATIENT,
    _PRONOUN_SEX,
    _SENTENCE_END,
    _SEX,
    _SEX_CUES,
    _anchored,
    _pronoun_sexes,
    _sentence_ends,
    sentence_around,
)
from imrlint.model.letter import Passage
from imrlint.rules.artefacts import _initial, _opening
from imrlint.rules.citations.chapters import _YEAR_DIGITS, _years
from imrlint.rules.decisions.names import _long_runs, _one_edit_apart, _Runs
from imrlint.rules.decisions.naming import ItemName, Vocabulary, _word_pattern

# Pieces that make words meet, split and change case: ASCII letters, runs near six letters long,
# separators, and characters outside ASCII (the Kelvin sign lowers to an ASCII "k").
WORD_PIECES = ["a", "b", "k", "K", "ab", "abcdef", "ABCDEF", "abcdefg", "bcdefa", " ", "-", ".", "'", "é", "\u212a"]


def _passage(text: str) -> Passage:
    return Passage(Document("letter.txt", text), 0, len(text))


def _plain_one_edit_apart(first: str, second: str) -> bool:
    """Whether some substitution, insertion, deletion or swap of neighbours turns one into the other."""
    if first == second:
        return False
    letters = set(first + second) | {"#"}
    edits = set()
    for index in range(len(first) + 1):
        before, after = first[:index], first[index:]
        edits.update(before + letter + after for letter in letters)  # insertion
        if after:
            edits.add(before + after[1:])  # deletion
            edits.update(before + letter + after[1:] for letter in letters)  # substitution
        if len(after) > 1:
            edits.add(before + after[1] + after[0] + after[2:])  # swap
    return second in edits


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="abcs", max_size=8), st.text(alphabet="abcs", max_size=8))
def test_one_edit_apart_is_one_edit(first, second):
    assert _one_edit_apart(first, second) == _plain_one_edit_apart(first, second)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abc", min_size=2, max_size=9), st.integers(0, 8), st.sampled_from("abcx"))
def test_one_edit_apart_finds_every_single_edit(word, place, letter):
    place = min(place, len(word) - 1)
    for edited in (
        word[:place] + letter + word[place + 1 :],
        word[:place] + letter + word[place:],
        word[:place] + word[place + 1 :],
        word[:place] + word[place + 1 : place + 2] + word[place : place + 1] + word[place + 2 :],
    ):
        assert _one_edit_apart(word, edited) == (edited != word)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORD_PIECES), max_size=12), min_size=1, max_size=3),
    st.sampled_from(["abcdef", "abcdefg", "bcdefa", "kabcdef"]),
)
def test_runs_of_passages_are_counted_as_their_words_are_listed(texts, word):
    passages = [_passage("".join(pieces)) for pieces in texts]
    count = sum(_long_runs(passage.text).count(word) for passage in passages)
    runs = _Runs(passages)
    assert [runs.count(word, most) for most in (1, 2, 99)] == [min(count, most) for most in (1, 2, 99)]
    runs.searches = _Runs.SEARCHES  # past so many searches, the runs are listed and counted
    assert [runs.count(word, most) for most in (1, 2, 99)] == [min(count, most) for most in (1, 2, 99)]


def _plain_anchored(pattern, text, lower, anchors, before, after):
    """The matches in the window around each anchor (every anchor's, in order)."""
    found = {}
    for anchor in anchors:
        index = lower.find(anchor)
        while index >= 0:
            for match in pattern.finditer(text, max(0, index - before), min(len(text), index + len(anchor) + after)):
                found.setdefault(match.start(), match)
            index = lower.find(anchor, index + 1)
    return [found[start] for start in sorted(found)]


FACT_PIECES = [
    "The ",
    "injured worker ",
    "injury on ",
    "date of injury ",
    "claims ",
    "occupational claim from ",
    "3/4/2015",
    "October 10, 2015",
    "51 year old ",
    "a 2 years ",
    "is a 40 yr-old ",
    "female ",
    "male patient ",
    "man ",
    "management ",
    "woman",
    "lady ",
    "old ",
    "told ",
    ". ",
    ", ",
    "x" * 20,
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(FACT_PIECES), max_size=30),
    st.sampled_from(
        [
            (_INJURY, ("injur", "claim"), 32, 40, _INJURY_CUES),
            (_SEX, ("male", "man", "lady"), 30, 40, _SEX_CUES),
            (_SEX, ("male", "man", "lady"), 3, 2, _SEX_CUES),
            (_AGE, ("year", "yr"), 24, 30, _AGE_CUES),
        ]
    ),
)
def test_anchored_with_cues_finds_what_every_window_holds(pieces, reading):
    pattern, anchors, before, after, cues = reading
    text = "".join(pieces)
    lower = text.lower()
    fast = _anchored(pattern, text, lower, anchors, before, after, cues)
    # every match holds a cue: the windows without one hold no match either
    plain = _plain_anchored(pattern, text, lower, anchors, before, after)
    assert [match.span() for match in fast] == [match.span() for match in plain]


PHRASE_GROUPS = (
    ("tylenol #3", "tylenol with codeine", "apap"),
    ("proton pump", "proton pump inhibitor", "omeprazole"),
    ("x-ray", "x ray film", "radiograph"),
    ("#3 tablets", "3d scan", "ct scan"),
    ("pump",),
)
NAME_PIECES = [
    "Tylenol",
    "TYLENOL",
    " #3",
    " with codeine",
    "Proton",
    " pump",
    " Pump inhibitor",
    " pumps",
    "x-ray",
    " X ray film",
    "#3 tablets",
    "3d scan",
    " CT scan",
    "ct scanner",
    " ",
    "-",
    "/",
    "a",
    "é",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(NAME_PIECES), max_size=12))
def test_phrases_a_name_holds_are_those_its_words_open(pieces):
    text = " ".join("".join(pieces).split())
    vocabulary = Vocabulary(frozenset(), PHRASE_GROUPS)
    plain = tuple((phrase, group) for phrase, group in vocabulary.phrases if _word_pattern(phrase).search(text))
    assert ItemName(_passage(text), vocabulary).phrases == plain


SENTENCE_PIECES = ["Word", "word", " ", ".", "!", "?", "...", "7.5", '"', "”", ")", "(", "[", "'", "A", "9", "é", "Dr."]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(SENTENCE_PIECES), max_size=30))
def test_sentences_end_where_the_sentence_end_pattern_finds(pieces):
    """The sentence ends found from the marks str.find finds are the pattern's scan's, so the
    sentences split at them are."""
    text = "".join(pieces)
    expected = [(match.span(), match.end(1)) for match in _SENTENCE_END.finditer(text)]
    assert [(match.span(), match.end(1)) for match in _sentence_ends(text)] == expected


def _plain_pronoun_sexes(text: str) -> list[tuple[int, str]]:
    """(offset, sex) of each sentence opening with a pronoun after a sentence about the patient
    alone, found by looking for each pronoun after a space."""
    found = []
    for opening in (" He", " She", " His"):
        space = text.find(opening)
        while space >= 0:
            start = space + 1
            pronoun = _OPENING_PRONOUN.match(text, start)
            if pronoun is not None and sentence_around(text, start)[0] == start:
                previous = text[slice(*sentence_around(text, space))]
                if _PATIENT.search(previous) and not _OTHER_PEOPLE.search(previous):
                    found.append((start, _PRONOUN_SEX[pronoun.group().lower()]))
            space = text.find(opening, start)
    return sorted(found)


PRONOUN_PIECES = [
    "The patient",
    " is",
    ".",
    " He",
    " She",
    " His",
    " Her",
    "Her",
    " Hey",
    "He",
    " S",
    " H",
    " Dr",
    " x",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PRONOUN_PIECES), max_size=20))
def test_pronouns_open_the_sentences_a_search_for_each_finds(pieces):
    passage = _passage("".join(pieces))
    fast = sorted((start, fact.value) for start, fact in _pronoun_sexes(passage))
    assert fast == _plain_pronoun_sexes(passage.text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["19", "20", "2019", "1", "0", "9", "2", " ", "a", "/"]), max_size=20))
def test_years_are_the_year_pattern_s_matches(pieces):
    text = "".join(pieces)
    assert [year.span() for year in _years(text)] == [year.span() for year in _YEAR_DIGITS.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(["1", "12", "2016", "/", "-", " ", "a", "7.5"]), max_size=20),
    st.integers(0, 30),
    st.integers(0, 30),
)
def test_numeric_dates_are_the_numeric_pattern_s_matches(pieces, start, length):
    text = "".join(pieces)
    start = min(start, len(text))
    end = min(start + length, len(text))
    expected = [match.span() for match in _NUMERIC_SCAN.finditer(text, start, end)]
    assert [match.span() for match in _numeric_matches(text, start, end)] == expected


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "B", "7", "_", " ", '"', "(", "é", "\u0660", "-", "ß"]), max_size=12))
def test_a_sentence_s_initial_opens_its_first_word(sentence):
    opening = _opening(sentence)
    assert _initial(sentence) == (opening[0][0] if opening is not None and opening[0] else None)


# Named dates, and what comes near one: words ending as a day may ("in", "and"), other years
NAMED_DATE_NOISE = st.sampled_from([" ", "\n", "in", "and", "x", "_", "123", ";", "2016", "20", "Jan"])
NAMED_DATES = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(["January", "Jan.", "MAY", "Sept"]),
        st.sampled_from([" ", "  ", "\n"]),
        st.sampled_from(["5", "31"]),
        st.sampled_from(["", "st", "nd", "rd", "th"]),
        st.sampled_from(["", ","]),
        st.sampled_from([" ", "\n"]),
        st.sampled_from(["2016", "1999"]),
    ),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(NAMED_DATES, NAMED_DATE_NOISE), max_size=8), st.integers(0, 5), st.integers(0, 80))
def test_named_dates_are_the_named_pattern_s_matches_that_open_a_word(pieces, start, length):
    text = "".join(pieces)
    start = min(start, len(text))
    end = min(start + length, len(text))
    expected = [
        match.span()
        for match in _NAMED_SCAN.finditer(text, start, end)
        if match.start() == 0 or not (text[match.start() - 1].isalnum() or text[match.start() - 1] == "_")
    ]
    assert [match.span() for match in _named_matches(text, start, end)] == expected


def test_an_option_s_patterns_are_compiled_once_per_run():
    import re

    from imrlint.rules.base import RuleContext, RuleSettings

    options = {"pattern": r"^CM\d{2}-\d{7}$", "words": ["left", "right"]}
    settings = RuleSettings("ZZ101", "zz", "info", True, "m", "s", options=options, patterns=("pattern", "words"))
    first, second = (RuleContext(settings, None, f"{index}.txt") for index in range(2))  # type: ignore[arg-type]
    assert first.pattern("pattern") == re.compile(options["pattern"])
    assert second.pattern("pattern") is first.pattern("pattern")  # the next letter's check finds it compiled
    assert first.patterns("words") == (re.compile("left", re.I), re.compile("right", re.I))
    assert second.patterns("words") is first.patterns("words")
    assert first.patterns("absent") == ()
