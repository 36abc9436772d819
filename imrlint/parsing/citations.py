"""Structured citations of one guideline field ("Claims Administrator guideline:" / "MAXIMUS
guideline:"): the MTUS chapters, editions, sections, topics and pages it cites, its non-MTUS
references, or its statement that no evidence was cited.

The grammar (grammars/citation.lark) decides the structure; the knowledge base only helps split
section lists whose names contain commas.  Nothing here judges whether a citation is valid: that
is for the rules, which need every piece with its exact offsets to point at it.  Text that fits no
known form gives a result with ``error`` set, never an exception, so one odd letter cannot stop a
run over thousands.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, NamedTuple, cast

from imrlint.knowledge.catalogue import Catalogue
from imrlint.parsing.choice import lean_parsing
from imrlint.parsing.grammars import compiled_grammar, lean_tables
from imrlint.parsing.lalr import LeanParser, Terminal
from imrlint.resources import IdentityMemo

if TYPE_CHECKING:
    import lark


# The pieces are named tuples: a letter's guideline lines make dozens of them, and a tuple is built
# several times faster than a frozen dataclass.
class Located(NamedTuple):
    """A piece of the guideline text: ``text`` is ``guideline[start:end]``, except for an error,
    whose ``text`` is the message."""

    text: str
    start: int
    end: int


class PageRange(NamedTuple):
    """A cited page ("63") or page range ("76-78"), as written (a reversed range stays reversed)."""

    first: int
    last: int
    start: int
    end: int


class ChapterCitation(NamedTuple):
    """One cited MTUS chapter: "Low Back Complaints 2004, Section(s): Summary" or, in the older
    style, "Chronic Pain Treatment Guidelines Muscle Relaxants Page(s): 63"."""

    name: Located
    edition: Located | None
    topic: Located | None
    sections: tuple[Located, ...]
    section_text: Located | None
    pages: tuple[PageRange, ...]
    start: int
    end: int


class GuidelineCitations(NamedTuple):
    """Everything one guideline field cites.  ``source`` is "mtus" when it cites a chapter (with
    or without non-MTUS references), "non-mtus" when it cites only references outside the MTUS,
    "none" when it says no evidence was cited, "unknown" when nothing was recognised."""

    source: str
    chapters: tuple[ChapterCitation, ...]
    non_mtus: tuple[Located, ...]
    no_evidence: Located | None
    outside_mtus: Located | None
    error: Located | None


_NAMES = frozenset({"NEW_NAME", "OLD_NAME", "BARE_NAME"})
# Tokens that belong to the chapter begun by the last name token.
_CHAPTER_PARTS = frozenset({"YEAR", "TOPIC", "SECTIONS_INTRO", "SECTION_TEXT", "PAGES_INTRO", "PAGE"})
_NUMBER = re.compile(r"\d+")

# What an error message calls each terminal, in the order it lists them.
_EXPECTED = {
    "MTUS_INTRO": '"Decision based on MTUS"',
    "NON_MTUS_INTRO": '"Decision based on Non-MTUS Citation"',
    "ALSO_NON_MTUS": '"Non-MTUS Citation"',
    "NO_EVIDENCE": '"... did not cite any medical evidence for its decision."',
    "OUTSIDE_MTUS": '"... based their decision on recommendation(s) outside of the MTUS Guidelines."',
    "NEW_NAME": "a chapter name",
    "OLD_NAME": "a chapter name",
    "BARE_NAME": "a chapter name",
    "YEAR": "an edition year",
    "SECTIONS_INTRO": '"Section(s):"',
    "SECTION_TEXT": "section names",
    "TOPIC": "a topic",
    "PAGES_INTRO": '"Page(s):"',
    "PAGE": "a page number",
    "PAGE_SEP": "a comma and another page",
    "CHAPTER_SEP": '", and" and another chapter',
    "NON_MTUS_TEXT": "the non-MTUS reference",
    "_PERIOD": '"."',
    "$END": "the end of the text",
}
_RANK = {name: rank for rank, name in enumerate(_EXPECTED)}


OPTIONS = {"parser": "lalr", "lexer": "contextual"}


@functools.cache
def _parser() -> lark.Lark:
    return compiled_grammar("citation.lark", **OPTIONS)


@functools.cache
def _lean_parser() -> LeanParser | None:
    tables = lean_tables("citation.lark", **OPTIONS)
    return None if tables is None else LeanParser(tables)


@functools.cache
def _default_catalogue() -> Catalogue:
    return Catalogue.load()


def parse_guideline(text: str, *, catalogue: Catalogue | None = None) -> GuidelineCitations:
    """The citations in one guideline field's ``text`` (whitespace collapsed, trimmed); all
    offsets index ``text``.  ``catalogue`` (default: the shipped knowledge base) supplies the
    section names that contain commas.  On text the grammar does not accept, ``error`` says
    where and what was expected, and the rest holds what was read before that point.

    Read once per text and catalogue in a process: guideline lines cite in the same words across
    letters (half the lines of 131 published letters repeat one before them), and what is read
    is immutable, so it is shared (the last :data:`READ_AT_MOST` texts)."""
    lean = lean_parsing()
    citations = _read.get(catalogue, (text, lean))
    if citations is None:
        citations = _read.put(catalogue, (text, lean), _parse_guideline(text, catalogue, lean))
    return citations


READ_AT_MOST = 4096
"""Guideline texts whose citations a process keeps."""

_read: IdentityMemo[GuidelineCitations] = IdentityMemo(READ_AT_MOST)


def _parse_guideline(text: str, catalogue: Catalogue | None, lean_first: bool) -> GuidelineCitations:
    """The citations of ``text``, read by the lean loop first (``lean_first``) or by Lark's parser."""
    lean = _lean_parser() if lean_first else None
    tokens = lean.terminals(text) if lean is not None else None
    if tokens is None:
        return _parse_partly(text, catalogue)
    return _citations(text, tokens, None, catalogue or _default_catalogue())


def _parse_partly(text: str, catalogue: Catalogue | None) -> GuidelineCitations:
    """The citations of a field the grammar does not accept: parsed token by token, to keep what
    was read before the error and to know what was expected there."""
    import lark

    interactive = _parser().parse_interactive(text)
    tokens: list[lark.Token] = []
    error = None
    try:
        for token in interactive.iter_parse():
            tokens.append(token)
        interactive.feed_eof(tokens[-1] if tokens else None)
    except lark.exceptions.UnexpectedInput as exception:
        # iter_parse hands out a token before feeding it, so a rejected token may already be listed.
        if tokens and tokens[-1] is getattr(exception, "token", None):
            tokens.pop()
        error = _error(text, exception, interactive.accepts())
    accepted = [(token.type, cast(int, token.start_pos), cast(int, token.end_pos)) for token in tokens]
    return _citations(text, accepted, error, catalogue or _default_catalogue())


def _citations(text: str, tokens: list[Terminal], error: Located | None, catalogue: Catalogue) -> GuidelineCitations:
    """The result read from the accepted ``tokens``: all of them, or those before the ``error``."""
    chapters: list[list[Terminal]] = []
    non_mtus: list[Located] = []
    no_evidence = outside_mtus = None
    non_mtus_cited = False
    for token in tokens:
        kind, start, end = token
        if kind in _NAMES:
            chapters.append([token])
        elif kind in _CHAPTER_PARTS:
            chapters[-1].append(token)
        elif kind in ("NON_MTUS_INTRO", "ALSO_NON_MTUS"):
            non_mtus_cited = True
        elif kind == "NON_MTUS_TEXT":
            non_mtus.append(_located(text, start, end))
        elif kind == "NO_EVIDENCE" and no_evidence is None:
            no_evidence = _located(text, start, end)
        elif kind == "OUTSIDE_MTUS" and outside_mtus is None:
            outside_mtus = _located(text, start, end)
    if chapters:
        source = "mtus"
    elif non_mtus_cited or outside_mtus is not None:
        source = "non-mtus"
    elif no_evidence is not None:
        source = "none"
    else:
        source = "unknown"
    return GuidelineCitations(
        source=source,
        chapters=_chapters(text, chapters, catalogue),
        non_mtus=tuple(non_mtus),
        no_evidence=no_evidence,
        outside_mtus=outside_mtus,
        error=error,
    )


def _chapters(text: str, groups: list[list[Terminal]], catalogue: Catalogue) -> tuple[ChapterCitation, ...]:
    """The chapter citations of the token ``groups``.  In the older style a chapter may cite a
    second topic with its pages ("... Guidelines NSAIDs Page(s): 67-73, Acetaminophen Page(s):
    40"), which the grammar cannot tell from a chapter named without "Guidelines"; a name that is
    no chapter but a topic of the chapter before is read as that chapter's topic."""
    found: list[ChapterCitation] = []
    for group in groups:
        citation = _chapter(text, group, catalogue)
        previous = found[-1] if found else None
        if (
            previous is not None
            and group[0][0] == "BARE_NAME"
            and (previous.topic or previous.pages)
            and _is_topic_of(previous, citation.name.text, catalogue)
        ):
            citation = citation._replace(name=previous.name, edition=previous.edition, topic=citation.name)
        found.append(citation)
    return tuple(found)


def _is_topic_of(chapter: ChapterCitation, name: str, catalogue: Catalogue) -> bool:
    """Whether ``name`` names no chapter but a topic of an edition of ``chapter``'s chapter."""
    known = catalogue.find_chapter(chapter.name.text)
    if known is None or catalogue.find_chapter(name) is not None:
        return False
    return any(catalogue.find_topic(edition, name) is not None for edition in known.editions)


def _chapter(text: str, tokens: list[Terminal], catalogue: Catalogue) -> ChapterCitation:
    """The chapter citation made of ``tokens``: its name token, then the tokens that follow it."""
    _, start, end = tokens[0]
    name = Located(text[start:end], start, end)
    edition = topic = section_text = None
    pages: list[PageRange] = []
    for kind, start, end in tokens[1:]:
        if kind == "PAGE":
            pages.append(_page_range(text, start, end))
        elif kind == "YEAR":
            edition = Located(text[start:end], start, end)
        elif kind == "SECTION_TEXT":
            section_text = Located(text[start:end], start, end)
        elif kind == "TOPIC":
            topic = Located(text[start:end], start, end)
    sections: tuple[Located, ...] = ()
    if section_text is not None:
        chapter = catalogue.find_chapter(name.text)
        known = catalogue.edition(chapter, int(edition.text)) if chapter is not None and edition is not None else None
        base = section_text.start
        sections = tuple(
            _located(text, base + start, base + end)
            for start, end in catalogue.split_sections(known, section_text.text)
        )
    return ChapterCitation(
        name=name,
        edition=edition,
        topic=topic,
        sections=sections,
        section_text=section_text,
        pages=tuple(pages),
        start=name.start,
        end=tokens[-1][2],
    )


def _located(text: str, start: int, end: int) -> Located:
    return Located(text[start:end], start, end)


def _page_range(text: str, start: int, end: int) -> PageRange:
    numbers = _NUMBER.findall(text, start, end)
    return PageRange(int(numbers[0]), int(numbers[-1]), start, end)


def _error(text: str, exception: lark.exceptions.UnexpectedInput, expected: set[str]) -> Located:
    """Where parsing stopped, with a one-line message: what was ``expected`` there, what was found."""
    import lark

    start = end = len(text)  # the text ended too soon
    if isinstance(exception, lark.exceptions.UnexpectedCharacters) and exception.pos_in_stream is not None:
        start = exception.pos_in_stream
        end = start + len(_word_at(text, start))
    elif isinstance(exception, lark.exceptions.UnexpectedToken) and exception.token.type != "$END":
        start, end = cast(int, exception.token.start_pos), cast(int, exception.token.end_pos)
    descriptions = dict.fromkeys(_EXPECTED[name] for name in sorted(expected & _EXPECTED.keys(), key=_RANK.__getitem__))
    found = f'"{_word_at(text, start)}"' if start < len(text) else "the end of the text"
    return Located(f"expected {_alternatives(list(descriptions))}; found {found}", start, end)


def _word_at(text: str, start: int) -> str:
    """The text at ``start`` up to the next space, at most 30 characters, for an error message."""
    return text[start:].split(maxsplit=1)[0][:30] if text[start:].strip() else text[start : start + 1]


def _alternatives(descriptions: list[str]) -> str:
    if len(descriptions) <= 1:
        return descriptions[0] if descriptions else "nothing more"
    return ", ".join(descriptions[:-1]) + " or " + descriptions[-1]
