"""The fast paths of reading, normalising and model building give exactly what the plain ways do."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imrlint.input.document import Document
from imrlint.input.read import read_path
from imrlint.model.letter import Passage, _extent, _partial, build_letter
from imrlint.parsing.letter import line_bounds, parse_letter
from imrlint.parsing.normalise import normalise
from imrlint.rules.decisions.naming import _stem, find_variants

from conftest import real_letters

LINE_PIECES = ["a", "word ", " ", "\n", "\r", "\r\n", "\n\n", "\t"]
SPACING_PIECES = [
    *LINE_PIECES,
    "\x0c",
    "\x0b",
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",
    "\xa0",
    "\u2003",
    "\u2028",
    "\ufeff",
    "é",
    "ü",
]


def _plain_line_starts(text: str) -> tuple[int, ...]:
    return (0, *(match.end() for match in re.finditer(r"\r\n?|\n", text)))


def _plain_normalise(text: str) -> str:
    text = re.sub(r"\r\n", " \n", text)
    text = re.sub(r"\r", "\n", text)
    return re.sub(
        r"[\f\v\x00-\x08\x0e-\x1f\x7f\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]", " ", text
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINE_PIECES), max_size=30))
def test_line_starts_are_where_lines_begin(pieces):
    text = "".join(pieces)
    assert Document("letter.txt", text).line_starts == _plain_line_starts(text)


TYPOGRAPHY = {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"'}
TYPOGRAPHY.update(dict.fromkeys("‐‑‒–—―−", "-"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*SPACING_PIECES, *TYPOGRAPHY, "…"]), max_size=30))
def test_typographic_quotes_and_dashes_read_as_ascii_character_for_character(pieces):
    text = "".join(pieces)
    assert Document("letter.txt", text).text == text.translate(str.maketrans(TYPOGRAPHY))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SPACING_PIECES), max_size=30))
def test_normalise_replaces_spacing_character_for_character(pieces):
    text = "".join(pieces)
    assert normalise(text) == _plain_normalise(text)


def test_read_path_reads_the_whole_file_and_still_refuses_one_over_the_limit(tmp_path):
    for size in (0, 1, 5000):
        path = tmp_path / f"letter{size}.txt"
        path.write_bytes(b"x" * size)
        result = read_path(str(path))
        assert (result.document.text if result.document else "") == "x" * size
    big = tmp_path / "big.txt"
    big.write_bytes(b"y" * 101)
    assert [problem.rule for problem in read_path(str(big), max_bytes=100).problems] == ["file-too-large"]
    assert read_path(str(big), max_bytes=101).document.text == "y" * 101


def test_extent_spans_first_to_last_token_of_every_subtree():
    for path in real_letters()[:10]:
        tree = parse_letter(path.read_text(encoding="utf-8")).tree
        for subtree in tree.subtrees():
            tokens = list(subtree.tokens())
            if tokens:
                assert _extent(subtree.children) == (line_bounds(tokens[0])[0], line_bounds(tokens[-1])[1])


def _plain_offset(passage: Passage, index: int) -> int:
    """The document offset of character ``index`` of the passage's text, word by word."""
    words = list(re.finditer(r"\S+", passage.document.text[passage.start : passage.end]))
    if not words:
        return passage.start
    index = max(0, min(index, len(passage.text) - 1))
    at = 0  # where the current word starts in the collapsed text
    for word in words:
        if index <= at + len(word.group()):  # in the word or the one space after it
            return passage.start + word.start() + index - at
        at += len(word.group()) + 1
    raise AssertionError("unreachable")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SPACING_PIECES), max_size=30), st.data())
def test_passage_offsets_and_sub_passages_follow_the_words(pieces, data):
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))
    passage = Passage(Document("letter.txt", text), start, data.draw(st.integers(start, len(text))))
    length = len(passage.text)
    for index in range(-1, length + 2):
        assert passage.offset(index) == _plain_offset(passage, index)
    low = data.draw(st.integers(-1, length + 1))
    high = data.draw(st.integers(-1, length + 1))
    sub = passage.sub(low, high)
    assert sub.text == Passage(passage.document, sub.start, sub.end).text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SPACING_PIECES), min_size=1, max_size=30), st.data())
def test_a_sub_passage_is_placed_at_its_words_when_first_asked(pieces, data):
    text = "".join(pieces)
    passage = Passage(Document("letter.txt", text), 0, len(text))
    length = len(passage.text)
    low = data.draw(st.integers(0, max(0, length - 1)))
    high = data.draw(st.integers(low + 1, max(low + 1, length)))
    sub = passage.sub(low, high)  # not placed yet
    inner_low = data.draw(st.integers(0, max(0, len(sub.text) - 1)))
    inner = sub.sub(inner_low, data.draw(st.integers(inner_low + 1, max(inner_low + 1, len(sub.text)))))
    assert inner.text == Passage(passage.document, inner.start, inner.end).text  # placing it places sub
    assert (sub.start, sub.end) == (_plain_offset(passage, low), _plain_offset(passage, high - 1) + 1)
    assert sub.text == Passage(passage.document, sub.start, sub.end).text
    with pytest.raises(AttributeError):
        sub.stop  # noqa: B018  (an attribute no passage has)


def test_the_item_at_an_offset_is_the_first_whose_parts_hold_it():
    for path in real_letters():
        letter = build_letter(Document(str(path), path.read_text(encoding="utf-8")))
        assert letter.items
        edges = {edge for item in letter.items for edge in (item.heading.start, item.end)}
        for offset in sorted(
            edges | {edge + step for edge in edges for step in (-1, 1)} | {0, len(letter.document.text)}
        ):
            first = next((item for item in letter.items if item.heading.start <= offset < item.end), None)
            assert letter.item_at(offset) is first


# The partial-authorization form as one regular expression: its lazy groups backtrack over every
# occurrence of its phrases (quadratic on a long heading); imrlint finds the phrases by two searches.
PLAIN_PARTIAL = re.compile(
    r"^(?P<original>.+?)\s+was\s+the\s+original\s+request\.?\s+(?P<authorized>.+?)\s+was\s+authorized\s+by\s+the\s+Claims\s+Administrator\.?\s+"
    r"The\s+remaining\s+IMR\s+eligible\s+portion\s+of\s+the\s+original\s+request,?\s+(?P<remaining>.+?)(?:\s+is)?\s*$",
    re.I,
)
PARTIAL_PIECES = [
    "x",
    " ",
    "was the original request.",
    " was the original request ",
    "Norco 10/325mg #60",
    " is",
    "is",
    "\n",
    "was authorized by the Claims Administrator. The remaining IMR eligible portion of the original request,",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PARTIAL_PIECES), min_size=1, max_size=12).map("".join))
def test_partial_authorization_parts_are_those_of_the_plain_pattern(text):
    name = Passage(Document("letter.txt", text), 0, len(text))
    match = PLAIN_PARTIAL.match(name.text)
    expected = match and tuple(name.sub(*match.span(group)).text for group in ("original", "authorized", "remaining"))
    found = _partial(name)
    assert (found and (found.original.text, found.authorized.text, found.remaining.text)) == expected


def _plain_find_variants(lower: str, variants: tuple[str, ...]) -> list[tuple[int, int]]:
    stems = sorted({re.escape(_stem(variant)) for variant in variants if variant}, key=len, reverse=True)
    if not stems:
        return []
    return [
        match.span()
        for match in re.finditer("|".join(stems), lower)
        if match.start() == 0 or not ("a" <= lower[match.start() - 1] <= "z")
    ]


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet="abc -.", max_size=60),
    st.lists(st.text(alphabet="abc -", min_size=1, max_size=9), min_size=1, max_size=4),
)
def test_item_names_are_found_where_one_regex_of_their_stems_finds_them(lower, variants):
    assert list(find_variants(lower, tuple(variants))) == _plain_find_variants(lower, tuple(variants))
