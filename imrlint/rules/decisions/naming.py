"""How the decision rules read item names: an item's name by its terms, the names of things
(rules/phrases.yaml item_names) and a rule's stop words and synonyms, and where a text names an
item."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from imrlint.model.facts import lowered
from imrlint.model.letter import cached_property

_WORD = re.compile(r"[A-Za-z][A-Za-z']*(?:-[A-Za-z]+)*")
_LOWER_WORD = re.compile(r"[a-z]+")  # a run of letters of lower-case ASCII text


_NUMBER_WORDS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "eighteen",
        "twenty",
        "thirty",
        "sixty",
        "ninety",
    ]
)


@functools.lru_cache(maxsize=256)
def _stop_words(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(word.lower() for word in words) | _NUMBER_WORDS


@functools.lru_cache(maxsize=256)
def _synonym_groups(groups: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(term.lower() for term in group) for group in groups)


def _frozen(value) -> tuple:
    return tuple(tuple(group) if isinstance(group, list | tuple) else group for group in value)


def _stem(term: str) -> str:
    """What a term is found by: its stem, so that "stimulator" also finds "stimulation" and
    "Omepraxole" finds "omeprazole" (a misspelling is item-name-misspelt's business, not a
    missing name)."""
    if " " in term or len(term) <= 5:
        return term
    return term[: max(5, len(term) - 4)]


@functools.lru_cache(maxsize=4096)
def _word_pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])", re.IGNORECASE)


class Vocabulary:
    """The rule options that say how item names are read: stop words and synonym groups.

    Rules with the same options share one vocabulary, and an item's terms and variants are worked
    out once per letter (kept with the letter) for every rule that reads them."""

    def __init__(self, stop_words: frozenset[str], groups: tuple[tuple[str, ...], ...]):
        self.stop_words = stop_words
        self.groups = groups
        # Which groups a term belongs to; the members of several words are phrases, looked for
        # in the name itself (a term is one word).
        self.groups_of_term: dict[str, list[int]] = {}
        self.phrases: list[tuple[str, int]] = []
        for index, group in enumerate(groups):
            for member in group:
                if " " in member:
                    self.phrases.append((member, index))
                else:
                    self.groups_of_term.setdefault(member, []).append(index)
        # An ASCII name holds an ASCII phrase where the phrase's first word is one of its words,
        # each of which picks the few phrases opening with it (a phrase opening otherwise than
        # with a letter is looked for whole): nothing is compiled, and most names hold none.
        self.ascii_phrases = all(phrase.isascii() for phrase, _ in self.phrases)
        self.phrases_opening: dict[str, list[int]] = {}  # first word -> places in self.phrases
        self.phrases_opening_otherwise: list[int] = []
        for place, (phrase, _) in enumerate(self.phrases):
            first_word = _LOWER_WORD.match(phrase)
            if first_word is None:
                self.phrases_opening_otherwise.append(place)
            else:
                self.phrases_opening.setdefault(first_word.group(), []).append(place)

    @cached_property
    def any_phrase(self) -> re.Pattern[str]:
        """Whether a name holds any phrase at all, for names or phrases not all ASCII: one scan."""
        distinct = dict.fromkeys(phrase for phrase, _ in self.phrases)
        alternatives = "|".join(map(re.escape, distinct))
        return re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])" if distinct else "(?!)", re.IGNORECASE)

    def names(self, letter) -> tuple[ItemName, ...]:
        """How each of the letter's items is named (in the order of ``letter.items``): one
        look-up per letter and rule rather than one per item and value."""
        return letter.derived(_item_names, self)


class ItemName:
    """How one item is named, read with a vocabulary; each value is worked out on first use."""

    def __init__(self, passage, vocabulary: Vocabulary):
        self.passage = passage  # for a partial authorization, the original request
        self.vocabulary = vocabulary

    @cached_property
    def terms(self) -> tuple[str, ...]:
        """The terms of the name (lower case, in order, once each)."""
        return _name_terms(self.passage, self.vocabulary)

    @cached_property
    def variants(self) -> tuple[str, ...]:
        """What counts as naming the item: its terms and the synonyms of every group one of them,
        or a phrase of the name, belongs to."""
        return _name_variants(self, key_only=False)

    @cached_property
    def key_variants(self) -> tuple[str, ...]:
        """What counts as naming the item by its key (first) term: the term and its synonyms."""
        return _name_variants(self, key_only=True)

    @cached_property
    def phrases(self) -> tuple[tuple[str, int], ...]:
        """The (phrase, group) of the synonym phrases the name holds."""
        return _name_phrases(self.passage, self.vocabulary)


def _item_names(letter, vocabulary: Vocabulary) -> tuple[ItemName, ...]:
    return tuple(ItemName(item.partial.original if item.partial else item.name, vocabulary) for item in letter.items)


def _name_terms(name, vocabulary: Vocabulary) -> tuple[str, ...]:
    words = [word.lower() for word in _WORD.findall(name.text) if len(word) >= 3 or word.isupper()]
    return tuple(dict.fromkeys(word for word in words if word not in vocabulary.stop_words))


def _name_phrases(name, vocabulary: Vocabulary) -> tuple[tuple[str, int], ...]:
    """The (phrase, group) of the synonym phrases a name holds."""
    text = name.text
    if vocabulary.ascii_phrases and text.isascii():
        # in ASCII text a phrase (lower case) is found with case ignored where the lower-case
        # text holds it, between characters that are not letters
        lower = name.lower
        phrases = vocabulary.phrases
        places = [
            place for place in vocabulary.phrases_opening_otherwise if _word_pattern(phrases[place][0]).search(text)
        ]
        for word in _LOWER_WORD.finditer(lower):
            start = word.start()
            for place in vocabulary.phrases_opening.get(word.group(), ()):
                phrase = phrases[place][0]
                end = start + len(phrase)
                if lower.startswith(phrase, start) and not lower[end : end + 1].isalpha():
                    places.append(place)
        return tuple(phrases[place] for place in sorted(set(places)))
    if not vocabulary.any_phrase.search(text):
        return ()
    return tuple((phrase, index) for phrase, index in vocabulary.phrases if _word_pattern(phrase).search(text))


def _name_variants(name: ItemName, key_only: bool) -> tuple[str, ...]:
    chosen = name.terms[:1] if key_only else name.terms
    key = chosen[0] if chosen else "\0"
    return _expanded(
        name.vocabulary,
        chosen,
        tuple(index for phrase, index in name.phrases if not key_only or phrase.startswith(key)),
    )


@functools.lru_cache(maxsize=4096)
def _expanded(vocabulary: Vocabulary, terms: tuple[str, ...], phrase_groups: tuple[int, ...]) -> tuple[str, ...]:
    """``terms`` and the synonyms of every group one of them belongs to or ``phrase_groups``
    lists: worked out once per run for each set of terms (items of many letters share them)."""
    groups = {index for term in terms for index in vocabulary.groups_of_term.get(term, ())}
    groups.update(phrase_groups)
    variants = list(terms)
    for index in sorted(groups):
        variants.extend(vocabulary.groups[index])
    return tuple(dict.fromkeys(variants))


@functools.lru_cache(maxsize=64)
def _shared_vocabulary(stop_words: frozenset[str], groups: tuple[tuple[str, ...], ...]) -> Vocabulary:
    return Vocabulary(stop_words, groups)


_VOCABULARIES: dict[int, tuple[object, Vocabulary]] = {}


def item_vocabulary(context) -> Vocabulary:
    """The vocabulary of a rule: its stop words, the names of things (rules/phrases.yaml
    item_names, with the configuration's) and its own synonyms; looked up once per run (options
    are one object per run)."""
    options = context.options
    known = _VOCABULARIES.get(id(options))
    if known is not None and known[0] is options:
        return known[1]
    groups = context.knowledge.item_names + _synonym_groups(_frozen(options.get("synonyms", ())))
    vocabulary = _shared_vocabulary(_stop_words(tuple(options.get("stop_words", ()))), groups)
    if len(_VOCABULARIES) > 64:
        _VOCABULARIES.clear()
    _VOCABULARIES[id(options)] = (options, vocabulary)
    return vocabulary


@functools.lru_cache(maxsize=4096)
def _stems(variants: tuple[str, ...]) -> tuple[str, ...]:
    """The stems of ``variants``, the longest first."""
    return tuple(sorted({_stem(variant) for variant in variants if variant}, key=len, reverse=True))


def find_variants(lower: str, variants: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """(start, end) of each stem of ``variants`` that starts a word of ``lower`` (a text in lower
    case): leftmost first, the longest where several start at one place, none overlapping the
    one before, as one regex alternation of the stems would find them.  Found by ``str.find``: an
    archive names new items in almost every letter, and compiling a pattern for each one cost
    more than all the scans.  Each stem, the longest first, is looked for only up to where the
    leftmost found so far starts: a text names its item early, if at all, and the rest of it is
    not read for every other stem."""
    stems = _stems(tuple(variants))
    length = len(lower)
    position = 0
    while True:
        start = length  # the leftmost place found so far, or past the end
        found = ""
        for stem in stems:
            at = lower.find(stem, position, start + len(stem))
            if 0 <= at < start:
                start, found = at, stem
        if not found:
            return
        position = start + len(found)
        if start == 0 or not ("a" <= lower[start - 1] <= "z"):
            yield start, position


# A word hyphenated at a line's end reads, once the text is collapsed, as "x- rays", "non- steroidal".
_HYPHEN_AT_BREAK = re.compile(r"(?<=[a-z])- (?=[a-z])")


def names_item(text: str, variants: tuple[str, ...], lower: str | None = None) -> bool:
    """Whether ``text`` names one of ``variants``; ``lower`` is ``text`` in lower case
    (:func:`lowered`), when the caller has it already (a passage's ``lower``).  A word hyphenated
    at a line break names what it names whole."""
    lower = lowered(text) if lower is None else lower
    if "- " in lower:
        lower = _HYPHEN_AT_BREAK.sub("-", lower)
    return next(find_variants(lower, variants), None) is not None
