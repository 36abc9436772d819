"""Decision rules on how each item is named (IMR210-IMR212): the spelling of its name, its
rationale naming it, and the summary's account of the UR decision naming it.  Item names are
read by their terms, with the names of things in rules/phrases.yaml (item_names)."""

from __future__ import annotations

import collections
import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.model.facts import letter_facts, lowered
from imrlint.rules.base import RuleContext, rule
from imrlint.rules.decisions.determination import conclusion_sentences
from imrlint.rules.decisions.naming import item_vocabulary, names_item
from imrlint.rules.findings import Edit, Fix

if TYPE_CHECKING:
    from imrlint.model.letter import Letter
    from imrlint.rules.findings import Finding


_LONG_WORD = re.compile(r"[A-Za-z]{6,}")


def _long_runs(text: str) -> list[str]:
    """The whole runs of six ASCII letters or more in ``text`` (the only words looked up), in
    lower case."""
    if text.isascii():
        return _LONG_WORD.findall(text.lower())
    return [run.lower() for run in _LONG_WORD.findall(text)]


def _passage_long_runs(passage) -> list[str]:
    """:func:`_long_runs` of a passage, read once per letter."""
    return _long_runs(passage.text)


class _Runs:
    """The whole runs of ASCII letters of some passages, case aside, as :func:`_long_runs` lists
    them, for the few words looked up (the headings' words, a conclusion's words close to them):
    the ASCII passages are searched as one lower-case text by ``str.find``, apart by spaces so that
    no run spans two, rather than split into all their words; in any other passage, lowering a
    character may make an ASCII letter of it (the Kelvin sign), so its runs are listed."""

    SEARCHES = 64
    """Words searched for before the lower-case text's runs are all listed instead: a letter of a
    thousand items looks up thousands of words, and searching its whole text for each would grow
    with the square of its length."""

    def __init__(self, passages):
        self.lower = " ".join(passage.lower for passage in passages if passage.text.isascii())
        self.listed = collections.Counter(
            run for passage in passages if not passage.text.isascii() for run in passage.derived(_passage_long_runs)
        )
        self.searches = 0

    def count(self, word: str, most: int) -> int:
        """How many times, up to ``most``, ``word`` (six ASCII letters or more, lower case) is a
        whole run: the text is searched no further than the ``most``-th."""
        if self.searches == self.SEARCHES:
            self.listed.update(_LONG_WORD.findall(self.lower))
            self.lower, self.searches = "", self.SEARCHES + 1
        if self.searches > self.SEARCHES:
            return min(most, self.listed[word])
        self.searches += 1
        lower = self.lower
        count = min(most, self.listed[word])
        index = lower.find(word)
        while index >= 0 and count < most:
            end = index + len(word)
            if not (index and lower[index - 1].isalpha()) and not lower[end : end + 1].isalpha():
                count += 1
            index = lower.find(word, index + 1)
        return count


def _one_edit_apart(first: str, second: str) -> bool:
    """Whether two different words differ by one substitution, insertion, deletion or swap of
    neighbouring letters."""
    if first == second or abs(len(first) - len(second)) > 1:
        return False
    # One edit leaves the first half or the rest after it as it was: most pairs of words differ
    # in both, which slicing tells in C before any letter is compared in Python.
    shorter, longer = (first, second) if len(first) <= len(second) else (second, first)
    half = len(shorter) // 2
    skip = len(longer) - len(shorter)  # the rest after the half starts one letter later in the longer
    if shorter[:half] != longer[:half] and shorter[half + 1 - skip :] != longer[half + 1 :]:
        return False
    if len(first) == len(second):
        differences = [index for index, (a, b) in enumerate(zip(first, second, strict=False)) if a != b]
        if len(differences) == 1:
            return True
        return (
            len(differences) == 2
            and differences[1] == differences[0] + 1
            and first[differences[0]] == second[differences[1]]
            and first[differences[1]] == second[differences[0]]
        )
    index = next((index for index, (a, b) in enumerate(zip(shorter, longer, strict=False)) if a != b), len(shorter))
    return shorter[index:] == longer[index + 1 :]


def _long_words(passage) -> list[str]:
    """The words of six letters or more of a passage, as written, in order."""
    return _LONG_WORD.findall(passage.text)


@functools.lru_cache(maxsize=1024)
def _similar_words(first: str, length: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns of the words of six letters or more (whole runs of ASCII letters) that start
    with ``first`` (a lower-case letter) and are as long as a word of ``length`` letters or one
    letter longer or shorter: the only ones that may be one edit away from it, picked in C
    rather than by a Python loop over every word.  The first is for lower-case ASCII text (a
    pattern opening with one letter is scanned several times faster than one opening with a
    set), the second for text in any case."""
    after_first = f"{{{max(5, length - 2)},{length}}}"  # how many letters follow the first
    either = f"[{first}{first.upper()}]"
    return (
        re.compile(rf"{first}(?<![a-z]{first})[a-z]{after_first}(?![a-z])"),
        re.compile(rf"{either}(?<![A-Za-z]{either})[A-Za-z]{after_first}(?![A-Za-z])"),
    )


def _similar_in(passage, patterns: tuple[re.Pattern[str], re.Pattern[str]]) -> list[str]:
    """The words of ``passage`` that the :func:`_similar_words` ``patterns`` pick, in lower case."""
    lower_case, any_case = patterns
    if passage.text.isascii():  # its lower-case form has the same runs of letters
        return lower_case.findall(passage.lower)
    return [word.lower() for word in any_case.findall(passage.text)]


def _same_case(word: str, spellings: list[str]) -> str:
    """The spelling written like ``word`` ("Omeprazole" for "Omepraxole"), else the first."""
    for test in (str.isupper, str.istitle, str.islower):
        if test(word):
            return next((spelling for spelling in spellings if test(spelling)), spellings[0])
    return spellings[0]


@rule("IMR210", "item-name-misspelt")
def item_name_misspelt(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A word of an item's name is spelt one way in its heading and another in the rest of the letter.

    The heading names the treatment decided, and the determination must identify the disputed
    treatment it decides (Labor Code 4610.5(d), 4610.6(c)); when the summary and the rationale
    spell a drug or procedure one way and the heading another ("Omepraxole" / "Omeprazole"), the
    worker, the pharmacy or the claims administrator may not match the decision to the request.  A heading
    word of six letters or more that appears nowhere in the summary or the rationales, while a
    word one letter away (one letter changed, added, dropped or two swapped) appears in the
    item's rationale or the summary, is reported with that spelling as the suggestion; so is a word
    of a rationale's conclusion written nowhere else in the letter and one letter away from a
    word of its item's heading ("the request for diazempam ..." under "Diazepam 5mg").

    Fix: spell the name as the request, the summary and the rationale do (check which is right).
    """
    summary = letter.summary
    # the words of the summary and the rationales, looked up for each word of the headings
    bodies = _Runs([body for body in (summary, *(item.rationale for item in letter.items)) if body is not None])
    for item in letter.items:
        name = item.name
        unknown = [match for match in _LONG_WORD.finditer(name.text) if not bodies.count(match.group().lower(), 1)]
        if not unknown:
            continue
        nearby = [passage for passage in (item.rationale, summary) if passage is not None]
        for match in unknown:
            word = match.group()
            lower_word = word.lower()
            similar = _similar_words(lower_word[0], len(lower_word))
            candidates = dict.fromkeys(key for passage in nearby for key in _similar_in(passage, similar))
            close = [
                key
                for key in candidates
                if key.rstrip("s") != lower_word.rstrip("s") and _one_edit_apart(lower_word, key)
            ]
            if len(close) == 1:
                written = (
                    written
                    for passage in nearby
                    for written in passage.derived(_long_words)
                    if written.lower() == close[0]
                )
                suggestion = _same_case(word, list(dict.fromkeys(written)))
                span = name.sub_span(*match.span())
                yield context.finding(
                    span,
                    item=item,
                    correction=Fix("spell the name as the summary and the rationale do", (Edit(span, suggestion),)),
                    word=word,
                    place="the heading",
                    suggestion=suggestion,
                    other="the summary or rationale",
                )
    yield from _misspelt_in_conclusions(letter, context)


def _misspelt_in_conclusions(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """Item-name-misspelt in a rationale's conclusion: a word written there and nowhere else in the
    letter, one edit away from a word of the item's heading ("diazempam" / "Diazepam")."""
    reader = context.knowledge.conclusions
    parts = [letter.summary] + [part for item in letter.items for part in (item.heading, item.rationale)]
    written: _Runs | None = None  # the letter's runs, read for the few words close to a heading's
    for item in letter.items:
        heading_words = {word.lower(): word for word in _LONG_WORD.findall(item.name.text)}
        if not heading_words:
            continue
        # one edit changes a word's length by one letter at most; a conclusion's words recur
        near_lengths = {len(key) + change for key in heading_words for change in (-1, 0, 1)}
        close_keys: dict[str, list[str]] = {}
        for sentence in conclusion_sentences(item, reader):
            for match in _LONG_WORD.finditer(sentence.text):
                lower_word = match.group().lower()
                if lower_word in heading_words or len(lower_word) not in near_lengths:
                    continue
                close = close_keys.get(lower_word)
                if close is None:
                    close = close_keys[lower_word] = [
                        key
                        for key in heading_words
                        if -1 <= len(key) - len(lower_word) <= 1
                        and key.rstrip("s") != lower_word.rstrip("s")
                        and _one_edit_apart(lower_word, key)
                    ]
                if len(close) != 1:
                    continue
                # written once in the letter: in this conclusion alone
                if written is None:
                    written = _Runs([part for part in parts if part is not None])
                if written.count(lower_word, 2) == 1:
                    heading_word = heading_words[close[0]]
                    suggestion = _same_case(
                        match.group(), [heading_word, heading_word.lower(), heading_word.upper(), heading_word.title()]
                    )
                    span = sentence.sub_span(*match.span())
                    # shown, never applied: the word is in the rationale's conclusion (legal wording)
                    yield context.finding(
                        span,
                        item=item,
                        correction=Fix("spell the name as the heading does", (Edit(span, suggestion),)),
                        word=match.group(),
                        place="the rationale's conclusion",
                        suggestion=suggestion,
                        other="the heading",
                    )


@rule("IMR211", "item-not-in-rationale")
def item_not_in_rationale(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """An item's rationale never names the item.

    The rationale must explain the decision on this item for this worker (Labor Code 4610.6(c);
    8 CCR 9792.10.6(d)); one that names none of the item's terms, nor a synonym, may have been
    written for another item or copied from another case.  Often it is only a general
    discussion ("muscle relaxants" for Norflex), hence information.  Items that fall with a
    procedure the rationale says is not necessary (an assistant surgeon, post-operative
    equipment) need not be named.

    Fix: name the item in the rationale's conclusion, or check that the rationale belongs to it.
    """
    reasons = context.patterns("ancillary_phrases")
    for item, name in zip(letter.items, item_vocabulary(context).names(letter), strict=False):
        rationale = item.rationale
        if rationale is None or not rationale.text:
            continue
        if not name.terms or names_item(rationale.text, name.variants, rationale.lower):
            continue
        if any(reason.search(rationale.text) for reason in reasons):
            continue
        yield context.finding(item.name, item=item, title=item.title)


@rule("IMR212", "item-not-in-ur-decision")
def item_not_in_ur_decision(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A disputed item is not among the requests the summary says UR decided.

    IMR reviews only treatment that utilization review denied, delayed or modified (Labor Code
    4610.5(d)); the application names those requests.  When the summary lists what UR
    non-certified ("A Utilization Review determination ... recommending non-certification of
    "Norco 10/325 mg #180 and Fexmid 7.5 mg #30"") and a disputed item is not on that list, either
    the summary is incomplete or the item was not eligible for IMR.  Reported only when the
    summary's statements of the UR decision name at least two other items by distinct terms and
    speak of no unnamed group ("the requested medications").

    Fix: complete the summary's account of the UR decision, or check that the item was disputed.
    """
    if len(letter.items) < 3:  # the item and two others the summary names
        return
    facts = letter_facts(letter)
    if not facts.ur_statement_spans:
        return
    # the statements' text read from the summary's: their passages (whose positions need the
    # summary's word offsets) are only made when a finding is reported
    summary = facts.summary
    assert summary is not None  # UR statements are read from it
    text = " ".join(summary.text[start:end] for start, end in facts.ur_statement_spans)
    generic = context.patterns("group_phrases")
    if any(pattern.search(text) for pattern in generic):
        return
    names = item_vocabulary(context).names(letter)
    lower = lowered(text)  # read for every item below: lowered once
    keys = []  # each item's key term if the statements name the item, else None
    for name in names:
        named = bool(name.terms) and names_item(text, name.variants, lower)
        keys.append(name.terms[0] if named else None)
    unnamed = [item for item, name, key in zip(letter.items, names, keys, strict=False) if key is None and name.terms]
    if not unnamed:
        return
    # The other items named are the same for every unnamed item: counted once.  Named by their
    # key terms (the drug or procedure), not by a word they share with others.
    others = {key for key in keys if key is not None}
    key_named = {
        key
        for name, key in zip(names, keys, strict=False)
        if key is not None and names_item(text, name.key_variants, lower)
    }
    if len(others) >= 2 and len(key_named) >= 2:
        for item in unnamed:
            yield context.finding(item.name, item=item, title=item.title, line=facts.ur_statements[0].span.line)
