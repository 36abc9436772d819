"""Facts a letter states about the case, read once per letter for the consistency rules.

The header block states dates as fields; the clinical case summary and the rationales state them
in prose: "The injured worker is a 51 year old female, who sustained an industrial injury on
4/17/2009", "On 12/16/2014, Utilization Review non-certified ...", "On 12/29/2014, the injured
worker submitted an application for IMR ...", "The 55 year old patient ...".  Each fact keeps the
passage it was read from, so a finding points at the very words.

Reading is deliberately narrow: a fact is taken only from a phrasing that states it about the
patient or the case (an age next to "year old" after "is a", a date right after "injury on"), so
that "migraine headaches since 13 years old" is no age and "a progress report dated ..." no UR
date.  Where a letter says nothing in a recognised form, the fact is None and no rule fires.
"""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from imrlint.model.alternatives import places
from imrlint.model.dates import DATE_PATTERN, DateMention, date_of_match, find_dates, parse_date
from imrlint.model.letter import cached_property, lowered  # noqa: F401  (lowered is re-exported: the rules import it from here)

if TYPE_CHECKING:
    from imrlint.model.letter import Letter, Passage


V = TypeVar("V")


class Fact(Generic[V]):
    """A value the letter states, and the passage that states it (``where``)."""

    __slots__ = ("_where", "_within", "value")

    def __init__(self, value: V, where: Passage):
        self.value = value
        self._where: Passage | None = where
        self._within: tuple[Passage, int, int] | None = None

    @classmethod
    def within(cls, value: V, passage: Passage, start: int, end: int) -> Fact[V]:
        """The fact stated by the characters [start, end) of ``passage``'s text.  Its ``where``
        is made when first asked for: mapping them to the document builds the passage's word
        table, which a letter with nothing to report about the fact never needs."""
        fact = cls.__new__(cls)
        fact.value, fact._where, fact._within = value, None, (passage, start, end)
        return fact

    @property
    def where(self) -> Passage:
        if self._where is None:
            passage, start, end = cast(tuple["Passage", int, int], self._within)  # set when _where is not
            self._where = passage.sub(start, end)
        return self._where

    def __repr__(self) -> str:
        return f"Fact({self.value!r}, {self.where!r})"


# --- sentences --------------------------------------------------------------------------------

# A sentence ends at ., ! or ? (not inside "7.5") and its closing quotes or brackets, followed by
# a space and a capital, a digit, a quote or a bracket; collapsed text only.
_SENTENCE_END = re.compile(r"([.!?][\"”')\]]*)\s+(?=[\"“'(\[]?[A-Z0-9])")


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of a whitespace-collapsed text."""
    spans = []
    start = 0
    for match in _sentence_ends(text):
        if match.end(1) > start:
            spans.append((start, match.end(1)))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _sentence_ends(text: str) -> list[re.Match[str]]:
    """The matches ``_SENTENCE_END.finditer(text)`` gives, found faster: each opens at a ., ! or ?,
    which ``str.find`` finds several times faster than a scan tries the pattern at every
    character, and holds no other (closing quotes or brackets and spaces follow it), so the
    pattern is tried at each of them in order."""
    marks = places(text, ".!?")
    return [end for end in map(_SENTENCE_END.match, itertools.repeat(text), marks) if end is not None]


def sentence_around(text: str, index: int) -> tuple[int, int]:
    """The span, among :func:`sentences`, of the last sentence starting at or before ``index``:
    the one holding that character, unless it lies between two sentences.

    A sentence end opens at its ., ! or ? and holds no other (only closing quotes or brackets and
    spaces), so whether one opens at a place depends on that place alone: the ends around
    ``index`` are found from the nearest ., ! and ? without splitting the whole text."""
    start = 0
    before = index
    while True:
        mark = max(text.rfind(".", 0, before), text.rfind("!", 0, before), text.rfind("?", 0, before))
        if mark < 0:
            break
        end = _SENTENCE_END.match(text, mark)
        if end is not None and end.end() <= index:
            start = end.end()
            break
        before = mark
    after = start
    while True:
        marks = [mark for mark in (text.find(".", after), text.find("!", after), text.find("?", after)) if mark >= 0]
        if not marks:
            return start, len(text)
        mark = min(marks)
        end = _SENTENCE_END.match(text, mark)
        if end is not None:
            return start, end.end(1)
        after = mark + 1


def _anchored(
    pattern: re.Pattern[str],
    text: str,
    lower: str,
    anchors: tuple[str, ...],
    before: int,
    after: int,
    cues: tuple[str, ...] = (),
) -> list[re.Match[str]]:
    """The matches of ``pattern`` around each occurrence of an anchor (a lower-case literal every
    match contains), in order: scanning a few windows is much cheaper than the whole text.

    ``cues``, when given, are lower-case literals one of which every match contains as collapsed
    text writes it: a window holding none is not scanned (most anchors are in other words, "man"
    in "management").  Case-insensitive matching folds a few non-ASCII letters onto ASCII ones
    (dotless i onto "i"), so the cues are relied on in ASCII text only."""
    found: dict[int, re.Match[str]] = {}
    length = len(text)
    if cues and not text.isascii():
        cues = ()
    for anchor in anchors:
        index = lower.find(anchor)
        while index >= 0:
            start, end = max(0, index - before), min(length, index + len(anchor) + after)
            if not cues or _holds_any(lower, cues, start, end):
                for match in pattern.finditer(text, start, end):
                    found.setdefault(match.start(), match)
            index = lower.find(anchor, index + 1)
    return [found[start] for start in sorted(found)]


def _holds_any(text: str, words: tuple[str, ...], start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds one of ``words`` (a loop: cheaper than any() over a
    generator for the few words and many windows this is asked about)."""
    return any(text.find(word, start, end) >= 0 for word in words)


# Some case-insensitive patterns below open with a look-ahead for the letters a match can start
# with ("(?=[dfmnp])"): redundant, but the regex compiler gives a case-insensitive pattern no such
# shortcut of its own, and most places fail that one test, several times cheaper than the pattern.

# --- dates of the case ------------------------------------------------------------------------

# "industrial injury on", "date of injury of", "injury date of", "occupational claim from",
# "date of injury is", "injury of October 10, 2015"; the date must follow directly.
# A bare "the injury on <date>" is not enough: "two weeks after the injury on 11/16/16" dates a visit.
_INJURY = re.compile(
    r"(?=[diowrs])\b(?:date\s+of\s+injury|injury\s+date|(?:industrial|occupational|work|work[\s-]+related|industrial-work|reported|sustained\s+an?)\s+injury"
    r"|occupational\s+claim|injured\s+(?:at\s+work\s+)?(?=on\b))"
    r"(?:\s+(?:is|was))?\s*(?:of|on|from|dated|is|was|:)\s*(?:of\s+|on\s+)?\(?",
    re.I,
)
# What every match of _INJURY contains ("injured" only before "on", "at work on").
_INJURY_CUES = ("injury", "injured on", "injured at work on", "occupational claim")
_UR_SUBJECT = re.compile(
    r"(?=[copu])\b(?:utilization\s+review|UR|prior\s+(?:review|determination)|original\s+review|peer\s+review|claims\s+administrator)\b",
    re.I,
)
_UR_DECISION = re.compile(
    r"(?=[dfmnp])(?:non-?\s?certif|noncertif|\bdenied\b|\bdenial\b|\bmodified\b|\bfailed\s+to\s+approve|\bpartially\s+approved|\bnot\s+medically\s+necessary|\bdetermin)",
    re.I,
)
# A date tied to the UR by the words before it: "Utilization Review on 12-21-2016", "UR dated
# 11-14-16", "utilization review (11-8-2016)", "utilization review report dated November 15, 2016";
_UR_DATE_AFTER = re.compile(
    r"(?=[dflru])\b(?:utilization\s+review|UR|review|determination|report|letter|documentation|form)\b"
    r"(?:\s*\((?:UR|utilization review board)\))?[^.;]{0,25}?(?:\bon|\bdated|\bof|\(|,)\s*$",
    re.I,
)
# or by the words after it: "On 11-3-16, utilization review determined".
_UR_DATE_BEFORE = re.compile(r"\s*,?\s*(?:the\s+)?(?:utilization\s+review|UR)\b", re.I)
_UR_DECISION_ANCHORS = ("certif", "denied", "denial", "modified", "failed", "approved", "necessary", "determin")
_APPLICATION = re.compile(r"\bapplication\s+for\s+(?:an?\s+)?(?:IMR|independent\s+medical\s+review)", re.I)


@dataclass
class LetterFacts:
    """What a letter states about its case: header dates and what its summary says."""

    header: dict[str, Fact[datetime.date]] = field(default_factory=dict)  # "date-of-injury", ... -> date
    injury: Fact[datetime.date] | None = None  # the summary's date of injury
    ur: Fact[datetime.date] | None = None  # the summary's UR decision date
    application: Fact[datetime.date] | None = None  # the summary's IMR application date
    age: Fact[int] | None = None  # the summary's age of the patient
    sex: Fact[str] | None = None  # the summary's sex of the patient ("male"/"female")
    summary: Passage | None = None
    ur_statement_spans: list[tuple[int, int]] = field(default_factory=list)  # in the summary's text

    @cached_property
    def ur_statements(self) -> list[Passage]:
        """The summary's sentences on UR's decision (passages made when first asked for)."""
        summary = self.summary
        return [summary.sub(start, end) for start, end in self.ur_statement_spans] if summary is not None else []


def letter_facts(letter: Letter) -> LetterFacts:
    """The facts of ``letter``, read once and kept with it."""
    return letter.derived(_read_facts)


def _read_facts(letter: Letter) -> LetterFacts:
    facts = LetterFacts()
    document = letter.document.text
    for name, header_field in letter.header.items():
        value = header_field.value
        if value is None:
            continue
        # A date reads the same with its whitespace collapsed or not: the raw characters spare
        # collapsing values that are seldom reported.
        date = parse_date(document[value.start : value.end])
        if date is not None:
            facts.header[name] = Fact(date, value)
    summary = letter.summary
    if summary is None or not summary.text:
        return facts
    facts.summary = summary
    text = summary.text
    lower = summary.lower
    injuries = injury_dates(summary)
    facts.injury = injuries[0] if injuries else None
    ages = patient_ages(summary)
    facts.age = ages[0] if ages else None
    sexes = patient_sexes(summary)
    facts.sex = sexes[0] if sexes else None
    decided = sorted(
        {
            sentence_around(text, match.start())
            for match in _anchored(_UR_DECISION, text, lower, _UR_DECISION_ANCHORS, 25, 30)
        }
    )
    for start, end in decided:
        sentence = text[start:end]
        facts.ur_statement_spans.append((start, end))
        if facts.ur is None and _UR_SUBJECT.search(sentence):
            mention = _ur_date(sentence)
            if mention is not None and mention.date is not None:
                facts.ur = Fact.within(mention.date, summary, start + mention.start, start + mention.end)
    for match in _anchored(_APPLICATION, text, lower, ("application",), 0, 60):
        start, end = sentence_around(text, match.start())
        dated = [(mention.date, mention) for mention in find_dates(text, start, end) if mention.date is not None]
        if len(dated) == 1:
            date, mention = dated[0]
            facts.application = Fact.within(date, summary, mention.start, mention.end)
            break
    return facts


def _ur_date(sentence: str) -> DateMention | None:
    """The UR decision's date in a sentence about it: the date tied to the review by its wording,
    or the sentence's only date."""
    dated = [mention for mention in find_dates(sentence) if mention.date is not None]
    for mention in dated:
        before = sentence[max(0, mention.start - 70) : mention.start]
        after = sentence[mention.end : mention.end + 40]
        if _UR_DATE_AFTER.search(before) or _UR_DATE_BEFORE.match(after):
            return mention
    return dated[0] if len(dated) == 1 else None


def injury_dates(passage: Passage) -> list[Fact[datetime.date]]:
    """Dates of injury a passage states ("industrial injury on 4/17/2009", "date of injury is
    03/07/01", "occupational claim from 10/23/2016"); read once per passage (the summary's are
    wanted by the facts and again by injury-date-mismatch)."""
    return passage.derived(_injury_dates)


def _injury_dates(passage: Passage) -> list[Fact[datetime.date]]:
    text = passage.text
    found = []
    for match in _anchored(_INJURY, text, passage.lower, ("injur", "claim"), 32, 40, _INJURY_CUES):
        date = DATE_PATTERN.match(text, match.end())
        if date is None:
            continue
        value = date_of_match(date)
        if value is not None:
            found.append(Fact.within(value, passage, date.start(), date.end()))
    return found


# --- the patient: age and sex -----------------------------------------------------------------

_PATIENT_NOUNS = r"(?:patient|injured\s+worker|applicant|claimant|employee|worker|individual|IW)"
# "is a 51 year old", "a now 52-year-old", "The 55 year old patient", "is a(n) 59 year old"
_AGE = re.compile(
    r"(?=[iwat])\b(?:(?:is|was)\s+(?:a|an|a\(n\))|(?:a|an|the|a\(n\)))\s+(?:now\s+)?(?P<age>\d{1,3})[\s-]+(?:years?|yrs?)[\s-]+old\b",
    re.I,
)
# What every match of _AGE contains: most mentions of years are no age ("for the past 2 years").
_AGE_CUES = ("old",)
_SEX_WORDS = {
    "male": "male",
    "man": "male",
    "gentleman": "male",
    "female": "female",
    "woman": "female",
    "lady": "female",
}
_SEX = re.compile(
    r"(?=[\dfm])(?:\b\d{1,3}[\s-]+(?:years?|yrs?)[\s-]+old,?\s+(?P<a>male|female|man|woman|gentleman|lady)\b"
    rf"|\b(?P<b>male|female)\s+{_PATIENT_NOUNS}\b)",
    re.I,
)
# What every match of _SEX contains: an age ("... year old female") or "male"/"female" before a noun.
_SEX_CUES = ("old", "male ")
_PRONOUN_SEX = {"he": "male", "his": "male", "him": "male", "she": "female", "her": "female"}
_OPENING_PRONOUN = re.compile(r"(?:He|She|His|Her)\b")
# A sentence after the first opens after a space (in collapsed text): the pronouns' capitals, by
# which those opening with one are found (str.find of one character is many times faster than of
# a word), and the pronouns each opens; the few sentences found are read without splitting the
# passage.
_PRONOUNS_AFTER_SPACE = {"H": ("He", "His"), "S": ("She",)}  # "He" also opens "Her"
_PATIENT = re.compile(rf"\b{_PATIENT_NOUNS}\b", re.I)
# People other than the patient a sentence may be about: then a following "He"/"She" may be theirs.
_OTHER_PEOPLE = re.compile(
    r"\b(?:physician|provider|doctor|Dr|treater|surgeon|therapist|reviewer|chiropractor|clinician|practitioner|specialist|"
    r"examiner|nurse|assistant|student|husband|wife|spouse|son|daughter|mother|father|brother|sister|witness|friend|"
    r"co-?worker|supervisor|employer|attorney|PA|MD|he/she|his/her)\b",
    re.I,
)


def patient_ages(passage: Passage) -> list[Fact[int]]:
    """Ages a passage states for the patient ("The injured worker is a 51 year old female");
    read once per passage."""
    return passage.derived(_patient_ages)


def _patient_ages(passage: Passage) -> list[Fact[int]]:
    text = passage.text
    return [
        Fact.within(int(match.group("age")), passage, *match.span("age"))
        for match in _anchored(_AGE, text, passage.lower, ("year", "yr"), 24, 30, _AGE_CUES)
    ]


def patient_sexes(passage: Passage) -> list[Fact[str]]:
    """The patient's sex as a passage states it: "51 year old female", "male patient", or a
    sentence opening "He"/"She"/"His"/"Her" right after a sentence about the patient alone;
    read once per passage."""
    return passage.derived(_patient_sexes)


def _patient_sexes(passage: Passage) -> list[Fact[str]]:
    text = passage.text
    found = []
    for match in _anchored(_SEX, text, passage.lower, ("male", "man", "lady"), 30, 40, _SEX_CUES):
        group = "a" if match.group("a") else "b"
        found.append(
            (match.start(group), Fact.within(_SEX_WORDS[match.group(group).lower()], passage, *match.span(group)))
        )
    found.extend(_pronoun_sexes(passage))
    found.sort(key=lambda pair: pair[0])
    return [fact for _, fact in found]


def _pronoun_sexes(passage: Passage) -> list[tuple[int, Fact]]:
    """(offset, sex) of each sentence opening "He"/"She"/"His"/"Her" right after a sentence about
    the patient alone."""
    text = passage.text
    found = []
    for capital, openings in _PRONOUNS_AFTER_SPACE.items():
        start = text.find(capital, 1)
        while start >= 0:
            pronoun = None
            if text[start - 1] == " " and text.startswith(openings, start):
                pronoun = _OPENING_PRONOUN.match(text, start)
            if pronoun is not None and sentence_around(text, start)[0] == start:
                previous_start, previous_end = sentence_around(text, start - 1)
                previous = text[previous_start:previous_end]
                if _PATIENT.search(previous) and not _OTHER_PEOPLE.search(previous):
                    found.append(
                        (start, Fact.within(_PRONOUN_SEX[pronoun.group().lower()], passage, start, pronoun.end()))
                    )
            start = text.find(capital, start + 1)
    return found
