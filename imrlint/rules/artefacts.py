"""Text artefacts (IMR6xx): what pasting, page breaks and PDF extraction leave in a letter and a
released determination must not carry: page-footer fragments, sentences cut at a break, doubled
words.
"""

from __future__ import annotations

import functools
import re

from ..rule import rule


@functools.lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...], flags: int = re.IGNORECASE) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, flags) for pattern in patterns)


_NEXT_TEXT = re.compile(r"[ \t]*(?:\r\n|\r|\n)(?:[ \t\f]*(?:\r\n|\r|\n))*[ \t\f]*(\S+)")


@rule("IMR601", "page-footer-fragment")
def page_footer_fragment(letter, context):
    """A page footer, or a piece of one, sits inside the text.

    PDF extraction and copy-and-paste carry page footers into the text ("Final Determination
    Letter for IMR Case Number CM13-0046811", "Page 3 of 5"); a piece left at the end of a line
    inside a sentence ("... more helpful for lower extremity than low back pain, although both
    Final / should be employed ...", seed 001) also marks a page break where text may have been
    lost.  The determination the worker receives must read as written (Labor Code 4610.6(d)(1):
    in terms a layperson can follow).  A whole footer is found anywhere after the header; a
    fragment only at a line's end, after a lower-case word and before a line that goes on in
    lower case.

    Fails: "... than low back pain, although both Final" / "should be employed with more caution ...".
    Passes: "... than low back pain, although both stimulation types ... should be employed ...".

    Fix: remove the footer text and restore any words the page break cut.
    """
    text = letter.document.text
    body_start = min((section.title.start for section in letter.sections), default=0)
    for pattern in _compiled(tuple(context.options["footers"]), re.MULTILINE):
        for match in pattern.finditer(text, body_start):
            start = match.start() + len(match.group()) - len(match.group().lstrip())
            end = match.end() - (len(match.group()) - len(match.group().rstrip()))
            yield context.finding(letter.document.span(start, end), fragment=" ".join(match.group().split()))
    for pattern in _compiled(tuple(context.options["fragments"]), 0):
        for match in pattern.finditer(text, body_start):
            following = _NEXT_TEXT.match(text, match.end())
            before = text[max(0, match.start() - 2) : match.start()]
            if following is None or not following.group(1)[0].islower() or not re.fullmatch(r"[a-z,;] ", before):
                continue
            if following.group(1).lower().startswith("determination"):
                continue
            yield context.finding(letter.document.span(*match.span()), fragment=match.group())


@functools.lru_cache(maxsize=16)
def _openers(openers: tuple[str, ...]) -> re.Pattern[str]:
    starts = "|".join(re.escape(opener).replace(r"\ ", r"\s+") for opener in sorted(openers, key=len, reverse=True))
    return re.compile(rf"(?:{starts})\b")




@rule("IMR602", "sentence-cut-at-break")
def sentence_cut_at_break(letter, context):
    """A sentence stops at a line or page break and the text after the break starts another one.

    A line that ends in a word no sentence ends with ("the", "of", "and", "with", "both") and is
    followed, after the break, by the opening of a new sentence ("However", "Therefore", "The
    Claims Administrator ...") lost its end: usually text dropped at a page break, or two drafts
    pasted together.  The worker reads an incomplete reason (Labor Code 4610.6(c), (d)(1)).

    Fails: "... the request for the" / "Therefore, the request is not medically necessary."
    Passes: "... the request for the MRI is not supported." / "Therefore, ...".

    Fix: restore the sentence's end.
    """
    dangling = {word.lower() for word in context.options["dangling_words"]}
    openers = _openers(tuple(context.options["openers"]))
    document = letter.document
    text = document.text
    body_start = min((section.title.start for section in letter.sections), default=0)
    previous = None  # (start, end) of the last word of the last non-blank line, if dangling
    for line_number, line_start in enumerate(document.line_starts):
        if line_start < body_start:
            continue
        line_end = document.line_starts[line_number + 1] if line_number + 1 < len(document.line_starts) else len(text)
        line = text[line_start:line_end].rstrip("\r\n")
        stripped = line.strip(" \t\f")
        if not stripped:
            continue
        if previous is not None:
            indent = len(line) - len(line.lstrip(" \t\f"))
            if openers.match(line, indent):
                yield context.finding(document.span(*previous), word=text[previous[0] : previous[1]])
        token = stripped.rsplit(None, 1)[-1]
        if token.lower() in dangling:
            end = line_start + len(line.rstrip(" \t\f"))
            previous = (end - len(token), end)
        else:
            previous = None


# A list entry written twice: "modified work duties, diagnostic imaging, diagnostic imaging, and".
_LIST_SEPARATOR = re.compile(r"[,;:] ")
_ENTRY = re.compile(r"[a-z][\w/-]*(?: [a-z][\w/-]*){0,3}")
_ENTRY_END = re.compile(r"(?:[,;.]|\s(?:and|or)\b|$)")


# A word of a collapsed text (words are separated by one space) that the next word repeats.  The
# match is the first word only, so that "a a a" gives both pairs; one scan of the text instead of
# a Python loop over every pair of words.
_REPEATED_WORD = re.compile(r"(?<![^ ])([^ ]+)(?= \1(?![^ ]))")


def _doubled_words(text: str, lower: str, allowed: set[str]):
    """(start, end, shown) of each word written twice in a row in a collapsed text (``lower``
    is ``text`` in lower case): the repeat's offsets, and both words as written."""
    for match in _REPEATED_WORD.finditer(lower):
        word = match.group(1)
        if word.isalpha() and f"{word} {word}" not in allowed:
            start = match.end() + 1
            yield start, start + len(word), text[match.start() : start + len(word)]


def _doubled_entries(text: str, lower: str):
    """(start, end, shown) of each list entry written twice in a row in a collapsed text."""
    separators = [match.end() for match in _LIST_SEPARATOR.finditer(lower)]
    for first, second in zip(separators, separators[1:]):
        entry = _ENTRY.fullmatch(lower, first, second - 2)
        if entry is None or not lower.startswith(entry.group(), second):
            continue
        end = second + len(entry.group())
        if _ENTRY_END.match(lower, end):
            yield second, end, text[first:end]


@rule("IMR603", "doubled-word")
def doubled_word(letter, context):
    """A word is written twice in a row ("the the", "is is").

    A doubled word is a typing slip, often left where two drafts were joined; it makes the
    determination look unchecked and can hide a lost word (Labor Code 4610.6(d)(1): the
    determination is written for the worker to read).  Words that may legitimately repeat
    ("that that", "had had") are listed in the options.

    Fails: "Therefore, the request for the the MRI is not medically necessary."
    Passes: "Therefore, the request for the MRI is not medically necessary."

    Fix: delete the repetition, or write the word that was lost.
    """
    allowed = {" ".join(phrase.lower().split()) for phrase in context.options["allowed"]}
    for section in letter.sections:
        passage = section.body
        text = passage.text
        for start, end, shown in _doubled_words(text, passage.lower, allowed):
            yield context.finding(passage.sub(start, end), item=_item_at(letter, passage.offset(start)), text=shown)


@rule("IMR604", "repeated-list-entry")
def repeated_list_entry(letter, context):
    """An entry of a list is written twice in a row ("diagnostic imaging, diagnostic imaging, and
    home exercise program").

    A repeated entry says less than the writer meant: was another treatment, diagnosis or
    finding left out?  The summary must give the reviewer's account of the case accurately
    (Labor Code 4610.6(c): the determination rests on the case's medical records).  Off by
    default: turn it on for a release check.

    Fails: "Treatment to date has included modified work duties, diagnostic imaging, diagnostic
    imaging, and home exercise program."
    Passes: "Treatment to date has included modified work duties, diagnostic imaging, and home
    exercise program."

    Fix: delete the repetition, or write the entry that was meant.
    """
    for section in letter.sections:
        passage = section.body
        text = passage.text
        for start, end, shown in _doubled_entries(text, passage.lower):
            yield context.finding(passage.sub(start, end), item=_item_at(letter, passage.offset(start)), text=shown)


def _item_at(letter, offset: int):
    """The disputed item whose heading, guideline lines or rationale hold ``offset``, if any."""
    for item in letter.items:
        end = max(part.end for part in (item.heading, item.rationale, item.claims and item.claims.content, item.maximus and item.maximus.content) if part is not None)
        if item.heading.start <= offset < end:
            return item
    return None
