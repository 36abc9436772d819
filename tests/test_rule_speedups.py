"""The rules' fast paths give exactly what the plain ways of reading a text do."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from imrlint.input.document import Document
from imrlint.model.letter import Passage
from imrlint.rules.decisions.names import _long_runs, _one_edit_apart, run_count

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
@given(st.lists(st.sampled_from(WORD_PIECES), max_size=25), st.sampled_from(["abcdef", "abcdefg", "bcdefa", "kabcdef"]))
def test_run_count_counts_whole_runs(pieces, word):
    text = "".join(pieces)
    passage = _passage(text)
    assert run_count(passage, word) == _long_runs(passage.text).count(word)
