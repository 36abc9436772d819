"""Text artefacts (IMR6xx): what pasting, page breaks and PDF extraction leave in a letter and a
released determination must not carry: page-footer fragments, sentences cut at a break, doubled
words.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.rules.base import RuleContext, rule
from imrlint.rules.findings import Edit, Fix, removal

if TYPE_CHECKING:
    from imrlint.model.letter import Letter
    from imrlint.rules.findings import Finding


_NEXT_TEXT = re.compile(r"[ \t]*(?:\r\n|\r|\n)(?:[ \t\f]*(?:\r\n|\r|\n))*[ \t\f]*(\S+)")
# What comes before a footer fragment left inside a sentence: a lower-case letter, a comma or a
# semicolon, and a space.
_INSIDE_SENTENCE = re.compile(r"[a-z,;] ")


# A footer on a line of its own ("^[ \t]*Page\s+\d+ ..."): a pattern opening with "^" is tried
# at every character, so it is looked for by the rest of it, which the regex engine skips to in
# C, and a match is kept when only blanks come before it on its line.  That is exact when the
# rest opens with a letter or digit that must be there (the blanks can give none of theirs to
# it) and holds no "|" (the "^" is then a condition of every match).
_LINE_START = r"^[ \t]*"
_LINE_REST = re.compile(r"[A-Za-z0-9](?![?*{])[^|]*")


@functools.lru_cache(maxsize=64)
def _footer_pattern(footer: str) -> tuple[re.Pattern[str], bool]:
    """The pattern to look for a footer with, and whether it is the rest of a line-start one."""
    rest = footer[len(_LINE_START) :]
    if footer.startswith(_LINE_START) and _LINE_REST.fullmatch(rest):
        return re.compile(rest, re.MULTILINE), True
    return re.compile(footer, re.MULTILINE), False


def _footers(footer: str, text: str, start: int):
    """(start, end) of each match of the ``footer`` pattern (multi-line) in ``text`` from
    ``start``, as ``finditer`` gives them."""
    pattern, line_start_only = _footer_pattern(footer)
    if not line_start_only:
        yield from (match.span() for match in pattern.finditer(text, start))
        return
    earliest = start  # where the next match may start: the search start, then the last match's end
    position = start
    while (match := pattern.search(text, position)) is not None:
        line_start = text.rfind("\n", 0, match.start()) + 1
        if line_start >= earliest and not text[line_start : match.start()].strip(" \t"):
            yield line_start, match.end()
            earliest = position = match.end()
        else:
            position = match.start() + 1  # a match at a line's start may begin inside this one


@rule("IMR601", "page-footer-fragment")
def page_footer_fragment(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A page footer, or a piece of one, sits inside the text.

    PDF extraction and copy-and-paste carry page footers into the text ("Final Determination
    Letter for IMR Case Number CM13-0046811", "Page 3 of 5"); a piece left at the end of a line
    inside a sentence ("... more helpful for lower extremity than low back pain, although both
    Final / should be employed ...", seed 001) also marks a page break where text may have been
    lost.  The determination the worker receives must read as written (Labor Code 4610.6(d)(1):
    in terms a layperson can follow).  A whole footer is found anywhere after the header; a
    fragment only at a line's end, after a lower-case word and before a line that goes on in
    lower case.

    Fix: remove the footer text and restore any words the page break cut.
    """
    text = letter.document.text
    body_start = min((section.title.start for section in letter.sections), default=0)
    for footer in context.options["footers"]:
        for match_start, match_end in _footers(footer, text, body_start):
            found = text[match_start:match_end]
            start = match_start + len(found) - len(found.lstrip())
            end = match_end - (len(found) - len(found.rstrip()))
            yield context.finding(
                letter.document.span(start, end),
                correction=Fix("remove the page footer", (removal(letter.document, start, end),)),
                fragment=" ".join(found.split()),
            )
    for pattern in context.patterns("fragments", 0):
        for match in pattern.finditer(text, body_start):
            following = _NEXT_TEXT.match(text, match.end())
            before = text[max(0, match.start() - 2) : match.start()]
            if following is None or not following.group(1)[0].islower() or not _INSIDE_SENTENCE.fullmatch(before):
                continue
            if following.group(1).lower().startswith("determination"):
                continue
            yield context.finding(
                letter.document.span(*match.span()),
                correction=Fix("remove the page footer's piece", (removal(letter.document, *match.span()),)),
                fragment=match.group(),
            )


def _openers(openers: tuple[str, ...]) -> str:
    """The pattern of one of ``openers`` opening a line: the words of an opener are apart by
    any blanks of that line, not by a line break.  The openers are grouped by their first
    character ("T(?:herefore|hus|he request|...)"), so that a line is tried against a handful of
    alternatives rather than every opener."""
    by_first: dict[str, list[str]] = {}
    others = []  # openers that start with a blank or a punctuation mark
    for opener in sorted(openers, key=len, reverse=True):
        pattern = re.escape(opener).replace(r"\ ", r"[^\S\r\n]+")
        if opener[:1].isalnum():  # kept as it is by re.escape
            by_first.setdefault(opener[0], []).append(pattern[1:])
        else:
            others.append(pattern)
    starts = "|".join([*(f"{first}(?:{'|'.join(rests)})" for first, rests in by_first.items()), *others])
    return rf"(?:{starts})\b"


@functools.lru_cache(maxsize=16)
def _dangling(words: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """The dangling words in lower case, and the characters they end with."""
    lower = frozenset(word.lower() for word in words)
    return lower, frozenset(word[-1] for word in lower if word)


@functools.lru_cache(maxsize=16)
def _breaks_before_openers(openers: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The line feeds, and the carriage returns, followed by a line that opens with one of
    ``openers``: a scan of the text picks the few lines worth reading (a pattern opening with one
    character is scanned several times faster than one opening with a set of two)."""
    opening = _openers(openers)
    return tuple(re.compile(rf"{line_break}(?=[ \t\f]*{opening})") for line_break in (r"\n", r"\r"))


def _text_end(text: str, start: int, end: int) -> int:
    """The offset after the last character of ``text[start:end]`` that is not a blank or a line
    break, else ``start``: read back from ``end`` a window at a time, since the text before a
    break may run from the start of the body."""
    while end > start:
        window_start = max(start, end - 256)
        kept = len(text[window_start:end].rstrip(" \t\f\r\n"))
        if kept:
            return window_start + kept
        end = window_start
    return start


@rule("IMR602", "sentence-cut-at-break")
def sentence_cut_at_break(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A sentence stops at a line or page break and the text after the break starts another one.

    A line that ends in a word no sentence ends with ("the", "of", "and", "with", "both") and is
    followed, after the break, by the opening of a new sentence ("However", "Therefore", "The
    Claims Administrator ...") lost its end: usually text dropped at a page break, or two drafts
    pasted together.  The worker reads an incomplete reason (Labor Code 4610.6(c), (d)(1)).

    Fix: restore the sentence's end.
    """
    dangling, dangling_ends = _dangling(tuple(context.options["dangling_words"]))
    openers = tuple(context.options["openers"])
    document = letter.document
    text = document.text
    line_starts = document.line_starts
    body_start = min((section.title.start for section in letter.sections), default=0)
    first_body_line_start = (
        line_starts[bisect.bisect_left(line_starts, body_start)] if body_start <= line_starts[-1] else len(text)
    )
    after_line_feeds, after_returns = _breaks_before_openers(openers)
    candidates = [match.end() for match in after_line_feeds.finditer(text, max(0, body_start - 1))]
    if "\r" in text:  # lone carriage returns end lines too
        candidates = sorted(
            (*candidates, *(match.end() for match in after_returns.finditer(text, max(0, body_start - 1))))
        )
    for line_start in candidates:  # each starts a line (a "\r" before a "\n" precedes no opener)
        # the sentence cut is on the last line before it that has text, if that is in the body
        previous_end = _text_end(text, first_body_line_start, line_start)
        if previous_end == first_body_line_start:
            continue
        # Most lines end in a character no dangling word ends with ("."): their last word need not
        # be read.  An ASCII character other than a blank (a vertical tab is not stripped above,
        # yet ends no word) ends the lower-case form of its word as its own lower case.
        last = text[previous_end - 1]
        if last.isascii() and not last.isspace() and last.lower() not in dangling_ends:
            continue
        previous_line_start = line_starts[bisect.bisect_right(line_starts, previous_end - 1) - 1]
        tokens = text[previous_line_start:previous_end].rsplit(None, 1)
        if not tokens:  # the line holds only other blanks (a vertical tab)
            continue
        token = tokens[-1]
        if token.lower() in dangling:
            yield context.finding(
                document.span(previous_end - len(token), previous_end),
                word=text[previous_end - len(token) : previous_end],
            )


# A word that the next one repeats, in a collapsed text (words are separated by one space) with a
# space put before its first word: the match is the space before the first word, so that "a a a"
# gives both pairs.  The word is taken whole by a possessive quantifier (no backtracking into it)
# and tried only after spaces: one scan of the text, in C, instead of a Python loop over every
# pair of words.
_REPEATED_WORD = re.compile(r" (?=([^ ]++) \1(?![^ ]))")

# A list entry written twice: "modified work duties, diagnostic imaging, diagnostic imaging, and".
# The match is the separator before the first entry, one pattern for each separator (a pattern
# opening with a fixed string is scanned several times faster than one opening with a set); the
# entry is all that lies between the two separators, up to four words, taken whole by a
# look-ahead so that no shorter reading is tried.
_REPEATED_ENTRY = tuple(
    re.compile(rf"{separator} (?=(?=([a-z][\w/-]*(?: [a-z][\w/-]*){{0,3}}))\1[,;:] \1(?:[,;.]|\s(?:and|or)\b|$))")
    for separator in ",;:"
)


def _doubled_words(text: str, lower: str, allowed: set[str] | frozenset[str]):
    """(start, end, shown) of each word written twice in a row in a collapsed text (``lower``
    is ``text`` in lower case): the repeat's offsets, and both words as written."""
    for match in _REPEATED_WORD.finditer(" " + lower):
        word = match.group(1)
        if word.isalpha() and f"{word} {word}" not in allowed:
            first = match.start(1) - 1  # offsets of the padded text are one more
            start = first + len(word) + 1
            yield start, start + len(word), text[first : start + len(word)]


def _doubled_entries(text: str, lower: str):
    """(start, end, shown) of each list entry written twice in a row in a collapsed text."""
    for match in sorted(
        (match for pattern in _REPEATED_ENTRY for match in pattern.finditer(lower)), key=lambda match: match.start()
    ):
        first, entry = match.end(), match.group(1)
        start = first + len(entry) + 2
        end = start + len(entry)
        yield start, end, text[first:end]


@functools.lru_cache(maxsize=16)
def _allowed_pairs(phrases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(" ".join(phrase.lower().split()) for phrase in phrases)


@rule("IMR603", "doubled-word")
def doubled_word(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A word is written twice in a row ("the the", "is is").

    A doubled word is a typing slip, often left where two drafts were joined; it makes the
    determination look unchecked and can hide a lost word (Labor Code 4610.6(d)(1): the
    determination is written for the worker to read).  Words that may legitimately repeat
    ("that that", "had had") are listed in the options.

    Fix: delete the repetition, or write the word that was lost.
    """
    allowed = _allowed_pairs(tuple(context.options["allowed"]))
    for section in letter.sections:
        passage = section.body
        text = passage.text
        for start, end, shown in _doubled_words(text, passage.lower, allowed):
            repeat = removal(letter.document, passage.offset(start), passage.offset(end - 1) + 1)
            yield context.finding(
                passage.sub(start, end),
                item=letter.item_at(passage.offset(start)),
                correction=Fix("delete the repeated word", (repeat,)),
                text=shown,
            )


@rule("IMR604", "repeated-list-entry")
def repeated_list_entry(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """An entry of a list is written twice in a row.

    A repeated entry says less than the writer meant: was another treatment, diagnosis or
    finding left out?  The summary must give the reviewer's account of the case accurately
    (Labor Code 4610.6(c): the determination rests on the case's medical records).  Off by
    default: turn it on for a release check.

    Fix: delete the repetition, or write the entry that was meant.
    """
    for section in letter.sections:
        passage = section.body
        text = passage.text
        for start, end, shown in _doubled_entries(text, passage.lower):
            # the separator before the repeat, and the repeat: "a, b, b, and" reads "a, b, and"
            first_end = passage.offset(start - 3) + 1
            repeat = Edit(letter.document.span(first_end, passage.offset(end - 1) + 1), "")
            yield context.finding(
                passage.sub(start, end),
                item=letter.item_at(passage.offset(start)),
                correction=Fix("delete the repeated list entry", (repeat,)),
                text=shown,
            )


_SENTENCE_WORDS = re.compile(r"[^\W_]+")
_OPENING_WORDS = re.compile(r"([^\W_]+)(?:[\W_]+([^\W_]+))?")  # a sentence's first two words
_NO_SENTENCE = object()  # what the first sentence of a passage follows


def _initial(sentence: str) -> str | None:
    """The first letter or digit of ``sentence`` (the first character of its first word): most
    sentences open with it."""
    if sentence[:1].isalnum():
        return sentence[0]
    first = _SENTENCE_WORDS.search(sentence)
    return first.group()[0] if first is not None else None


def _opening(sentence: str) -> tuple[str | None, ...] | None:
    """The first two words of ``sentence`` (the second None if it has one word), or None."""
    first = _OPENING_WORDS.search(sentence)
    return first.groups() if first is not None else None


def _prose(letter):
    """The passages written as prose: the sections' text before the disputed items, and each
    item's rationale, with the item it belongs to."""
    for section in letter.sections:
        if section.kind != "issues":
            yield section.body, None
    for item in letter.items:
        if item.rationale is not None:
            yield item.rationale, item


@rule("IMR605", "repeated-sentence")
def repeated_sentence(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A sentence is written twice in a row, word for word.

    A sentence repeated back to back is an editing slip: text pasted twice, or two drafts joined
    where one was to replace the other, and sometimes a sign that the sentence meant to follow
    was lost.  The determination is written for the worker to read (Labor Code 4610.6(d)(1)) and
    must read as the reviewer meant it.  Sentences of at least ``min_words`` words are compared
    by their words (case, spacing and punctuation aside), in the summary and in each rationale.

    Fix: delete the repetition, or write the sentence that was meant.
    """
    from imrlint.model.facts import sentences

    least = int(context.options["min_words"])
    for passage, item in _prose(letter):
        text = passage.text
        # ASCII text lowers character by character: its sentences are slices of its lower-case
        # form, shared with other rules; other text is lowered a sentence at a time
        lower = passage.lower if text.isascii() else None
        previous, previous_initial = "", _NO_SENTENCE
        for start, end in sentences(text):
            sentence = lower[start:end] if lower is not None else text[start:end].lower()
            # only a sentence that opens with the two words the one before opens with can repeat
            # it: their opening words are read only when they open with the same letter or digit,
            # and their words split out only when those are the same, not for every sentence
            initial = _initial(sentence)
            same_initial = initial == previous_initial
            previous_sentence, previous, previous_initial = previous, sentence, initial
            if not same_initial or _opening(sentence) != _opening(previous_sentence):
                continue
            words = tuple(_SENTENCE_WORDS.findall(sentence))
            if len(words) >= least and words == tuple(_SENTENCE_WORDS.findall(previous_sentence)):
                repeat = removal(passage.document, passage.offset(start), passage.offset(end - 1) + 1)
                yield context.finding(
                    passage.sub(start, end),
                    item=item,
                    correction=Fix("delete the repeated sentence", (repeat,)),
                    words=len(words),
                )
