"""Consistency of each disputed item with the rest of the letter (IMR208-IMR212): its quantity,
the partial-authorization arithmetic, the spelling of its name, and that its rationale and the
summary's account of the UR decision are about it.

Item names are compared by their terms: the words of the heading's item name that are not
quantities, body sides or request boilerplate ("Norco", "spinal", "stimulator"), each matched by
its stem ("stimulator" finds "stimulation") and by the synonyms the rule options list (brand and
generic names, abbreviations: "Norco" / "hydrocodone", "PT" / "physical therapy").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.model.facts import letter_facts, lowered, sentence_around
from imrlint.model.letter import cached_property
from imrlint.model.quantities import NUMBER_WORDS_PATTERN, Quantity, find_quantities, quantities_by_kind
from imrlint.rules.base import RuleContext, rule

if TYPE_CHECKING:
    from imrlint.model.letter import Letter
    from imrlint.rules.findings import Finding

_WORD = re.compile(r"[A-Za-z][A-Za-z']*(?:-[A-Za-z]+)*")
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


@functools.lru_cache(maxsize=256)
def _patterns(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


def _frozen(value) -> tuple:
    return tuple(tuple(group) if isinstance(group, list | tuple) else group for group in value)


def _stem(term: str) -> str:
    """The pattern of a term found by its stem: "stimulator" also finds "stimulation",
    "Omepraxole" finds "omeprazole" (a misspelling is item-name-misspelt's business, not a
    missing name)."""
    if " " in term or len(term) <= 5:
        return re.escape(term)
    return re.escape(term[: max(5, len(term) - 4)])


@functools.lru_cache(maxsize=4096)
def _word_pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])", re.IGNORECASE)


class _Vocabulary:
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
        # whether a name holds any phrase at all: most hold none, and one scan tells
        distinct = dict.fromkeys(phrase for phrase, _ in self.phrases)
        alternatives = "|".join(map(re.escape, distinct))
        self.any_phrase = re.compile(
            rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])" if distinct else "(?!)", re.IGNORECASE
        )
        # ASCII phrases are found in ASCII text, with case ignored, only where they are in its lower-case form
        self.ascii_phrases = all(phrase.isascii() for phrase in distinct)

    def names(self, letter) -> tuple[_ItemName, ...]:
        """How each of the letter's items is named (in the order of ``letter.items``): one
        look-up per letter and rule rather than one per item and value."""
        return letter.derived(_item_names, self)


class _ItemName:
    """How one item is named, read with a vocabulary; each value is worked out on first use."""

    def __init__(self, passage, vocabulary: _Vocabulary):
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


def _item_names(letter, vocabulary: _Vocabulary) -> tuple[_ItemName, ...]:
    return tuple(_ItemName(item.partial.original if item.partial else item.name, vocabulary) for item in letter.items)


def _name_terms(name, vocabulary: _Vocabulary) -> tuple[str, ...]:
    words = [word.lower() for word in _WORD.findall(name.text) if len(word) >= 3 or word.isupper()]
    return tuple(dict.fromkeys(word for word in words if word not in vocabulary.stop_words))


def _name_phrases(name, vocabulary: _Vocabulary) -> tuple[tuple[str, int], ...]:
    """The (phrase, group) of the synonym phrases a name holds."""
    if not vocabulary.any_phrase.search(name.text):
        return ()
    phrases = vocabulary.phrases
    if vocabulary.ascii_phrases and name.text.isascii():
        phrases = [(phrase, index) for phrase, index in phrases if phrase in name.lower]
    return tuple((phrase, index) for phrase, index in phrases if _word_pattern(phrase).search(name.text))


def _name_variants(name: _ItemName, key_only: bool) -> tuple[str, ...]:
    chosen = name.terms[:1] if key_only else name.terms
    key = chosen[0] if chosen else "\0"
    return _expanded(
        name.vocabulary,
        chosen,
        tuple(index for phrase, index in name.phrases if not key_only or phrase.startswith(key)),
    )


@functools.lru_cache(maxsize=4096)
def _expanded(vocabulary: _Vocabulary, terms: tuple[str, ...], phrase_groups: tuple[int, ...]) -> tuple[str, ...]:
    """``terms`` and the synonyms of every group one of them belongs to or ``phrase_groups``
    lists: worked out once per run for each set of terms (items of many letters share them)."""
    groups = {index for term in terms for index in vocabulary.groups_of_term.get(term, ())}
    groups.update(phrase_groups)
    variants = list(terms)
    for index in sorted(groups):
        variants.extend(vocabulary.groups[index])
    return tuple(dict.fromkeys(variants))


@functools.lru_cache(maxsize=64)
def _shared_vocabulary(stop_words: frozenset[str], groups: tuple[tuple[str, ...], ...]) -> _Vocabulary:
    return _Vocabulary(stop_words, groups)


_VOCABULARIES: dict[int, tuple[object, _Vocabulary]] = {}


def _vocabulary(context) -> _Vocabulary:
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
def _variants_pattern(variants: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern finding any of ``variants`` (lower case) by its stem in lower-case text: one
    scan of a text, not one per variant.  Word starts are checked by :func:`_find_variants`, as
    a pattern opening with a look-behind scans several times slower."""
    stems = sorted({_stem(variant) for variant in variants}, key=len, reverse=True)
    return re.compile("|".join(stems))


def _find_variants(lower: str, variants: tuple[str, ...]):
    """The matches of ``variants`` that start a word of ``lower`` (a text in lower case)."""
    if not variants:
        return
    for match in _variants_pattern(tuple(variants)).finditer(lower):
        start = match.start()
        if start == 0 or not ("a" <= lower[start - 1] <= "z"):
            yield match


# A word hyphenated at a line's end reads, once the text is collapsed, as "x- rays", "non- steroidal".
_HYPHEN_AT_BREAK = re.compile(r"(?<=[a-z])- (?=[a-z])")


def names_item(text: str, variants: tuple[str, ...], lower: str | None = None) -> bool:
    """Whether ``text`` names one of ``variants``; ``lower`` is ``text`` in lower case
    (:func:`lowered`), when the caller has it already (a passage's ``lower``).  A word hyphenated
    at a line break names what it names whole."""
    lower = lowered(text) if lower is None else lower
    if "- " in lower:
        lower = _HYPHEN_AT_BREAK.sub("-", lower)
    return next(_find_variants(lower, variants), None) is not None


# --- IMR208 quantity-mismatch -----------------------------------------------------------------

# Some case-insensitive patterns below open with a look-ahead for the characters a match can
# start with ("(?=[adnpr])"): redundant, but the regex compiler gives a case-insensitive pattern no
# such shortcut of its own, and most places fail that one test, several times cheaper than the
# pattern.

# A mention of the item that states the request: after "request(ed) for", "prescription of",
# ... or followed by the conclusion ("... #120 is not medically necessary").
_REQUEST_BEFORE = re.compile(
    r"(?=[adnpr])\b(?:request(?:ed|s)?|prescription|prescribed|authori[sz]ation|non-?\s?certif\w*|noncertif\w*|denied|appeal(?:ed)?|review\s+of)\b[^.;]{0,50}$",
    re.IGNORECASE,
)
_CONCLUSION_AFTER = re.compile(
    r"[^.;]{0,90}?\b(?:is|was|are|were)\s+(?:not\s+)?(?:medically|considered|determined|certified|supported)\b",
    re.IGNORECASE,
)
# What UR allowed, not what was requested: "modified ... to Norco #81", "authorized Norco #25".
_ALLOWED_BEFORE = re.compile(
    r"(?=[act])(?:\bto|(?<!non-)(?<!non)\b(?:authori[sz]ed|certified|approved|allowed))\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)


# Every quantity states a number, in digits or in words ("#120", "six sessions"): what holds
# neither states none.  Searched in lower-case text (a number word counts as the lower-case key of
# WORD_NUMBERS it is read as), which is scanned several times faster than with case ignored.
_NUMBER = re.compile(rf"\d|{NUMBER_WORDS_PATTERN}")
_MENTION_END = re.compile(r"(?=[.;,)\s])(?:[.;](?!\d)|,?\s+(?:and|to|or|with)\s+(?!\d|refills?\b)|\))", re.IGNORECASE)


def _request_quantities(passage, variants: tuple[str, ...], kinds: set[str]) -> list[tuple[int, int, Quantity]]:
    """(start, end, quantity) of the quantities stated with the item's requests in the passage's
    text (its lower-case form is shared by every item that reads the summary)."""
    text = passage.text
    found = []
    if variants:
        lower = passage.lower
        for match in _find_variants(lower, variants):
            after_start = match.end()
            window_end = min(len(text), after_start + 90)
            stop = _MENTION_END.search(text, after_start, window_end)
            segment_end = stop.start() if stop else window_end
            # most mentions state no quantity (no number follows them): their context need not be read
            if not _NUMBER.search(lower, after_start, segment_end):
                continue
            before = text[max(0, match.start() - 80) : match.start()]
            if not (_REQUEST_BEFORE.search(before) or _CONCLUSION_AFTER.match(text, after_start)):
                continue
            if _ALLOWED_BEFORE.search(before):
                continue
            for quantity in find_quantities(text[after_start:segment_end]):
                if quantity.kind in kinds:
                    found.append((after_start + quantity.start, after_start + quantity.end, quantity))
    return sorted(found, key=lambda entry: entry[0])


# "a request for an additional 8 sessions": what a rationale says is requested beyond what UR
# authorized, which after a partial authorization is the remaining portion.
_ADDITIONAL = re.compile(r"(?=[afr])\b(?:additional|further|remaining)\s+", re.IGNORECASE)
_REQUEST_WORD = re.compile(r"\brequest(?:ed|s)?\b", re.IGNORECASE)


def _additional_quantities(item, wanted, context):
    """Findings for a partial authorization's rationale that calls another quantity than the
    remaining portion the one requested beyond what UR authorized."""
    rationale = item.rationale
    if rationale is None or not rationale.text:
        return
    text = rationale.text
    for match in _ADDITIONAL.finditer(text):
        start, end = sentence_around(text, match.start())
        if not _REQUEST_WORD.search(text, start, end):
            continue
        following = find_quantities(text[match.end() : min(end, match.end() + 40)])
        if not following or following[0].start > 0 or following[0].kind not in wanted:
            continue
        quantity = following[0]
        if any(quantity.value == stated.value for stated in wanted[quantity.kind]):
            continue
        remaining = wanted[quantity.kind][0]
        yield context.finding(
            rationale.sub(match.start(), match.end() + quantity.end),
            item=item,
            found=text[match.start() : match.end() + quantity.end],
            source="the rationale",
            heading=item.partial.remaining.text[remaining.start : remaining.end],
            title=item.title,
            line=item.heading.span.line,
        )
        return


def _conclusion_sentences(item, reader) -> list:
    """The sentences of an item's rationale that state whether the request is medically
    necessary (a conclusion may come first, last or both): what the rationale decides, rather
    than the quantities its history or the guidelines speak of."""
    rationale = item.rationale
    if rationale is None or not rationale.text:
        return []
    spans = dict.fromkeys(
        sentence_around(rationale.text, statement.start) for statement in reader.conclusions(rationale.text)
    )
    return [rationale.sub(start, end) for start, end in spans]


@rule("IMR208", "quantity-mismatch")
def quantity_mismatch(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The quantity in an item's heading differs from the one its rationale's conclusion or the
    summary's account of the UR decision states for the request.

    The heading says what is decided: "Norco 10/325mg #120" is a decision on 120 tablets.  When
    the rationale concludes on "Norco 10/325mg #90", or the summary reports that UR denied
    "#90", the worker cannot tell which quantity was decided.  Quantities are read as "#120",
    "# 180", "QTY: 2", "x 12", "60 count", "six sessions", "2 times a week for 6 weeks" (12) and
    "2 refills"; only mentions of the request are compared ("the request for Norco #90", "Norco
    #90 is not medically necessary"), and only in the rationale's sentences that conclude on
    medical necessity and in the summary's account of the UR decision: not the history of earlier
    requests, guideline quotes or what UR allowed ("modified to #81").  For a partial
    authorization the rationale's conclusion is compared with the remaining portion the heading
    decides ("leaving 2 sessions" against "an additional 8 sessions"), a conclusion on the whole
    original request being no mismatch; its arithmetic is partial-authorization-arithmetic's.

    Fails: heading "Norflex 100mg #90 for 30 days: Upheld", rationale "Hence, the request for
    Norflex #60 is not medically necessary."
    Passes: the rationale says "#90".

    Fix: make the heading, the summary and the rationale state the quantity that was requested.
    """
    reader = context.knowledge.conclusions
    ur_statements = letter_facts(letter).ur_statements if letter.summary is not None else []
    for item, name in zip(letter.items, _vocabulary(context).names(letter), strict=False):
        decided = item.partial.remaining if item.partial is not None else item.name
        if not _NUMBER.search(decided.lower):
            continue
        wanted = quantities_by_kind(decided.text)
        if not wanted:
            continue
        if not name.terms:
            continue
        variants = name.key_variants
        values = {kind: {quantity.value for quantity in quantities} for kind, quantities in wanted.items()}
        sources = [(sentence, "the rationale's conclusion") for sentence in _conclusion_sentences(item, reader)]
        if item.partial is not None:
            yield from _additional_quantities(item, wanted, context)
            for kind, quantities in quantities_by_kind(item.partial.original.text).items():
                values.setdefault(kind, set()).update(quantity.value for quantity in quantities)
        else:
            sources += [(statement, "the summary's account of the UR decision") for statement in ur_statements]
        for passage, source in sources:
            if passage is None or not passage.text:
                continue
            stated = _request_quantities(passage, variants, set(values))
            if not stated or any(quantity.value in values[quantity.kind] for _, _, quantity in stated):
                continue
            start, end, quantity = stated[0]
            if quantity.kind not in wanted:
                continue
            heading = next(q for q in wanted[quantity.kind])
            yield context.finding(
                passage.sub(start, end),
                item=item,
                found=passage.text[start:end],
                source=source,
                heading=decided.text[heading.start : heading.end],
                title=item.title,
                line=item.heading.span.line,
            )


# --- IMR209 partial-authorization-arithmetic --------------------------------------------------


@rule("IMR209", "partial-authorization-arithmetic")
def partial_authorization_arithmetic(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A partial authorization's remaining portion is not the original request less what was
    authorized.

    When UR authorized part of a request, the heading states all three: "Norco 10/325mg #60 was
    the original request. Norco 10/325mg #25 was authorized by the Claims Administrator. The
    remaining IMR eligible portion of the original request, Norco 10/325mg #35 is: Upheld".  IMR
    decides only the remaining portion (Labor Code 4610.5(d): the disputed medical treatment), so
    it must be exactly original - authorized; any other number decides a quantity nobody
    requested or leaves part of the dispute undecided.  The check runs when each of the three
    parts states exactly one quantity of the same kind (tablets "#60", sessions "8 sessions" /
    "2 times a week for 3 weeks (6)", refills); a kind that is the same in all three parts (the
    "#90" of "Two refills of Ibuprofen 600mg #90") is not what was split.

    Fails: "... #60 was the original request. ... #25 was authorized ... The remaining IMR
    eligible portion of the original request, Norco 10/325mg #25 is: Upheld".
    Passes: the remaining portion "#35".

    Fix: correct the quantity that is wrong (usually the remaining portion).
    """
    for item in letter.items:
        partial = item.partial
        if partial is None or partial.whole:
            continue
        parts = [
            quantities_by_kind(passage.text) for passage in (partial.original, partial.authorized, partial.remaining)
        ]
        for kind in ("count", "sessions", "refills"):
            original, authorized, remaining = (part.get(kind, []) for part in parts)
            if kind == "refills" and original and remaining and not authorized:
                authorized_value = 0
            elif len(authorized) == 1:
                authorized_value = authorized[0].value
            else:
                continue
            if len(original) != 1 or len(remaining) != 1:
                continue
            values = (original[0].value, authorized_value, remaining[0].value)
            if values[0] == values[1] == values[2]:
                continue
            if values[0] - values[1] != values[2]:
                where = partial.remaining.sub(remaining[0].start, remaining[0].end)
                yield context.finding(
                    where,
                    item=item,
                    original=values[0],
                    authorized=values[1],
                    remaining=values[2],
                    expected=values[0] - values[1],
                )


# --- IMR214 partial-strength-mismatch --------------------------------------------------------

# A strength: "10/325mg", "7.5 mg", "0.0325%", "5 mg/ml"; an amount ("240 grams") is no strength.
_STRENGTH = re.compile(r"(?<![\d./])(\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)*)\s*(mg|mcg|%)(?![a-z])", re.IGNORECASE)


def _strengths(text: str) -> set[str]:
    return {
        " ".join(match.group(1).split()).replace(" ", "") + match.group(2).lower() for match in _STRENGTH.finditer(text)
    }


@rule("IMR214", "partial-strength-mismatch")
def partial_strength_mismatch(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A partial authorization's remaining portion names another strength than the original request.

    The remaining IMR eligible portion is part of the original request (Labor Code 4610.5(d): IMR
    decides the disputed part of the request): the same drug at the same strength, fewer units.
    A heading whose remaining portion names another strength ("Norco 10/325mg #60 was the
    original request ... the remaining IMR eligible portion of the original request, Norco
    7.5/325mg #35") decides a medication nobody requested, or misstates the request.

    Fails: "Norco 10/325mg #60 was the original request. Norco 10/325mg #25 was authorized by the
    Claims Administrator. The remaining IMR eligible portion of the original request, Norco
    7.5/325mg #35 is: Upheld".
    Passes: the remaining portion "Norco 10/325mg #35".

    Fix: state the original request's strength in the remaining portion, or correct the original.
    """
    for item in letter.items:
        if item.partial is None:
            continue
        original, remaining = _strengths(item.partial.original.text), _strengths(item.partial.remaining.text)
        if original and remaining and not remaining <= original:
            found = next(
                match
                for match in _STRENGTH.finditer(item.partial.remaining.text)
                if _strengths(match.group()) - original
            )
            yield context.finding(
                item.partial.remaining.sub(*found.span()),
                item=item,
                found=found.group(),
                original=", ".join(sorted(original)),
            )


# --- IMR210 item-name-misspelt ----------------------------------------------------------------

_LONG_WORD = re.compile(r"[A-Za-z]{6,}")
_ASCII_RUN = re.compile(r"[A-Za-z]+")


def _ascii_runs(text: str) -> frozenset[str]:
    """The whole runs of ASCII letters in ``text``, in lower case: one scan of the text answers
    whether it holds any word, however many words are looked up."""
    return frozenset(run.lower() for run in _ASCII_RUN.findall(text))


def _one_edit_apart(first: str, second: str) -> bool:
    """Whether two different words differ by one substitution, insertion, deletion or swap of
    neighbouring letters."""
    if first == second or abs(len(first) - len(second)) > 1:
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
    shorter, longer = (first, second) if len(first) < len(second) else (second, first)
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

    Fails: heading "Omepraxole 20mg #60 for 30 days: Upheld" in a letter whose summary and
    rationale say "Omeprazole".
    Passes: "Omeprazole 20mg #60 for 30 days: Upheld".

    Fix: spell the name as the request, the summary and the rationale do (check which is right).
    """
    summary = letter.summary
    bodies = [passage for passage in (summary, *(item.rationale for item in letter.items)) if passage is not None]
    # one text to search for each word of the headings (a line break keeps the passages' words apart)
    body_words = _ascii_runs("\n".join(body.text for body in bodies))
    for item in letter.items:
        name = item.name
        unknown = [match for match in _LONG_WORD.finditer(name.text) if match.group().lower() not in body_words]
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
                yield context.finding(
                    name.sub(*match.span()),
                    item=item,
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
    texts = [letter.summary.text if letter.summary is not None else ""]
    texts += [part.text for item in letter.items for part in (item.heading, item.rationale) if part is not None]
    counts: dict[str, int] = {}
    for run in _ASCII_RUN.findall("\n".join(texts)):
        counts[run.lower()] = counts.get(run.lower(), 0) + 1
    for item in letter.items:
        heading_words = {word.lower(): word for word in _LONG_WORD.findall(item.name.text)}
        for sentence in _conclusion_sentences(item, reader):
            for match in _LONG_WORD.finditer(sentence.text):
                lower_word = match.group().lower()
                if counts.get(lower_word, 0) != 1 or lower_word in heading_words:
                    continue
                close = [
                    key
                    for key in heading_words
                    if key.rstrip("s") != lower_word.rstrip("s") and _one_edit_apart(lower_word, key)
                ]
                if len(close) == 1:
                    heading_word = heading_words[close[0]]
                    suggestion = _same_case(
                        match.group(), [heading_word, heading_word.lower(), heading_word.upper(), heading_word.title()]
                    )
                    yield context.finding(
                        sentence.sub(*match.span()),
                        item=item,
                        word=match.group(),
                        place="the rationale's conclusion",
                        suggestion=suggestion,
                        other="the heading",
                    )


# --- IMR211 item-not-in-rationale -------------------------------------------------------------


@rule("IMR211", "item-not-in-rationale")
def item_not_in_rationale(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """An item's rationale never names the item.

    The rationale must explain the decision on this item for this worker (Labor Code 4610.6(c);
    8 CCR 9792.10.6(d)); one that names none of the item's terms, nor a synonym, may have been
    written for another item or copied from another case.  Often it is only a general
    discussion ("muscle relaxants" for Norflex), hence information.  Items that fall with a
    procedure the rationale says is not necessary (an assistant surgeon, post-operative
    equipment) need not be named.

    Fails: "Norflex 100mg 60 count: Upheld" whose rationale names neither Norflex nor
    orphenadrine.
    Passes: a rationale that says "... the request for Norflex is not medically necessary."

    Fix: name the item in the rationale's conclusion, or check that the rationale belongs to it.
    """
    reasons = _patterns(tuple(context.options.get("ancillary_phrases", ())))
    for item, name in zip(letter.items, _vocabulary(context).names(letter), strict=False):
        rationale = item.rationale
        if rationale is None or not rationale.text:
            continue
        if not name.terms or names_item(rationale.text, name.variants, rationale.lower):
            continue
        if any(reason.search(rationale.text) for reason in reasons):
            continue
        yield context.finding(item.name, item=item, title=item.title)


# --- IMR212 item-not-in-ur-decision -----------------------------------------------------------


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

    Fails: seed 001: the summary reports UR non-certified Norco and Fexmid; the letter also
    decides "PERMANENT IMPLANTATION OF LUMBAR SPINAL CORD STIMULATOR (SCS): Overturned".
    Passes: the summary's UR sentence lists all three requests.

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
    generic = _patterns(tuple(context.options.get("group_phrases", ())))
    if any(pattern.search(text) for pattern in generic):
        return
    names = _vocabulary(context).names(letter)
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
