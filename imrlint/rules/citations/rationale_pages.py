"""Citation rules on the pages a rationale quotes (IMR313, IMR314): pages that exist in the MTUS
document they are quoted from, and within the quoted topic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.model.facts import sentence_around
from imrlint.rules.base import RuleContext, rule
from imrlint.rules.citations.cited import chapter_names, document_name, names_pattern
from imrlint.rules.citations.pages import accepted_pages
from imrlint.rules.findings import Finding

if TYPE_CHECKING:
    from imrlint.model.letter import Letter


# "page 63", "pages 88 and 89", "pg 69", "p77", "p. 77", "pp. 88-89"
_PAGE_REFERENCE = re.compile(r"[Pp](?:ages?|AGES?|gs?|GS?|[Pp])?\.?\s*(?=\d)")


# The same in lower case, looser: where in lower-cased text a _PAGE_REFERENCE may start.  The
# regex engine skips from "p" to "p", so this scan is much faster than one for "[Pp]".
_PAGE_REFERENCE_CANDIDATE = re.compile(r"p(?:ages?|gs?|p)?\.?\s*(?=\d)")


_PAGE_NUMBER = re.compile(r"(\d{1,4})(?:\s*[-–]\s*(\d{1,4}))?(?![\d/]|\.\d)")


_PAGE_SEPARATOR = re.compile(r"(?:\s*,\s*|\s+and\s+|\s*&\s*)(?=\d)", re.IGNORECASE)


_ACOEM_CHAPTER = re.compile(r"\bACOEM,?\s+Chapter\s+(\d{1,2})\b|\bTable\s+(\d{1,2})-\d+", re.IGNORECASE)


_NOT_MTUS = re.compile(r"\bThird\s+Edition|\b3rd\s+ed|\bODG\b|\bOfficial\s+Disability|\bNon-?MTUS\b", re.IGNORECASE)


_MTUS = re.compile(r"\bMTUS\b")


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


_TOPIC_PATTERNS: dict[int, tuple[object, re.Pattern[str] | None]] = {}


def _topic_names(edition) -> re.Pattern[str] | None:
    """A pattern finding the topic names and aliases of ``edition`` (cached by identity: hashing
    an edition hashes all its topics)."""
    known = _TOPIC_PATTERNS.get(id(edition))
    if known is not None and known[0] is edition:
        return known[1]
    names = {name for topic in edition.topics for name in (topic.name, *topic.aliases) if len(name) > 3}
    pattern = names_pattern(names, r"(?<![\w])", r"(?![\w])") if names else None
    if len(_TOPIC_PATTERNS) > 256:
        _TOPIC_PATTERNS.clear()
    _TOPIC_PATTERNS[id(edition)] = (edition, pattern)
    return pattern


def _page_reference_intros(text, lower):
    """The matches of _PAGE_REFERENCE in ``text``, as its finditer gives them, found quicker by
    looking for candidates in ``lower``, ``text`` lower-cased character for character: a match
    lower-cased is a candidate, so no match is missed."""
    position = 0
    while (candidate := _PAGE_REFERENCE_CANDIDATE.search(lower, position)) is not None:
        intro = _PAGE_REFERENCE.match(text, candidate.start())
        if intro is None:
            position = candidate.start() + 1
        else:
            yield intro
            position = intro.end()


def _rationale_page_references(rationale):
    """(start, end, first, last) of each page or range a rationale quotes ("pg 69", "p80, 81",
    "pages 88 and 89", "Table 12-8, page 309"); the first of a list includes its "page" word.
    Offsets index the rationale's text."""
    text = rationale.text
    for intro in _page_reference_intros(text, rationale.lower):
        if intro.start() > 0 and text[intro.start() - 1].isalpha():
            continue
        position = intro.end()
        start = intro.start()
        while True:
            match = _PAGE_NUMBER.match(text, position)
            if match is None:
                break
            first = int(match.group(1))
            last = int(match.group(2)) if match.group(2) else first
            yield start, match.end(), first, last
            separator = _PAGE_SEPARATOR.match(text, match.end())
            if separator is None:
                break
            position = start = separator.end()


# Where a clause ends: a semicolon, or a sentence's end (., ! or ? then a capital), except the
# period of an abbreviation or initials ("8 C.C.R. 9792.24.2", "e.g. NSAIDs", "pg. 69").
_ABBREVIATIONS = ("pg", "pp", "vs", "No", "Dr", "al", "ed", "Ch", "Fig", "Sec")


_CLAUSE_END = re.compile(
    r"(?:;|(?<![A-Za-z]\.[A-Za-z])(?<!\b[A-Za-z])"
    + "".join(rf"(?<!\b{abbreviation})" for abbreviation in _ABBREVIATIONS)
    + r"[.!?][\"”')\]]*)\s+(?=[\"“(]?[A-Z])"
)


# "page 82 of the MTUS ...": a page followed by the document it is in.
_PAGE_OF = re.compile(r"\s*,?\s*(?:of|in|from)\s+(?:the\s+)?(?:(?:CA|California)\s+)?(?:MTUS\s+)?", re.IGNORECASE)


# How far an "MTUS" may follow a chapter name and still be part of its title ("Chronic Pain
# Medical Treatment Guidelines MTUS - 8 C.C.R. 9792.24.2").
_TITLE_TAIL = 12


def _clause_start(text: str, index: int, within: int) -> int:
    """Where the clause holding ``text[index]`` starts, if it starts less than ``within``
    characters before it; else ``index - within``."""
    start = max(0, index - within)
    for end in _CLAUSE_END.finditer(text, start, index):
        start = end.end()
    return start


def _rationale_document(item, text, start, end, catalogue):
    """The (chapter, edition) a rationale's page reference at [start, end) is to, or None when
    it cannot be told or the reference is not to the MTUS.  A page belongs to the document named
    nearest before it in its clause ("ACOEM Chapter 12, Table 12-8, page 309", "MTUS Guidelines
    page 63", "Third Edition ACOEM ... page 607", "Chronic Pain Medical Treatment Guidelines MTUS
    - 8 C.C.R. 9792.24.2 (July 28, 2016), Epidural Steroid Injections, Page 81, refers to ACOEM,
    Chapter 12": page 81 is the Chronic Pain guidelines'); else, only where the page says it is
    "of" one, to the document named right after it ("page 82 of the MTUS Chronic Pain Medical
    Treatment Guidelines (July 28, 2016)")."""
    before_start = _clause_start(text, start, 120)
    before = text[before_start:start]
    after = text[end : end + 80]
    markers: list[tuple[int, int, str, re.Match[str]]] = []  # (end offset in ``before``, rank for ties, kind, match)
    for kind, rank, pattern in (
        ("mtus", 0, _MTUS),
        ("name", 1, chapter_names(catalogue)),
        ("acoem", 2, _ACOEM_CHAPTER),
        ("not", 3, _NOT_MTUS),
    ):
        markers.extend((match.end(), rank, kind, match) for match in pattern.finditer(before))
    names = [match for _, _, kind, match in markers if kind == "name"]
    markers = [
        marker
        for marker in markers
        if marker[2] != "mtus" or not any(0 <= marker[3].start() - name.end() <= _TITLE_TAIL for name in names)
    ]
    if not markers:
        of = _PAGE_OF.match(after)
        if of is None or _NOT_MTUS.match(after, of.end()):
            return None
        named = chapter_names(catalogue).match(after, of.end())
        return _named_document(catalogue, item, named.group(), before + " " + after) if named else None
    _, _, kind, match = max(markers, key=lambda marker: (marker[0], marker[1]))
    if kind == "not":
        return None
    if kind == "acoem":
        chapter = catalogue.find_chapter(f"ACOEM Chapter {match.group(1) or match.group(2)}")
        return (chapter, catalogue.edition(chapter, None)) if chapter is not None else None
    if kind == "name":
        return _named_document(catalogue, item, match.group(), before + " " + after)
    return _cited_edition(catalogue, item, None)


def _named_document(catalogue, item, name, context_text):
    """The edition of the chapter called ``name``: the one whose year the text around gives,
    the only one, or the one the item's guideline lines cite."""
    chapter = catalogue.find_chapter(name)
    if chapter is None:
        return None
    years = {int(year) for year in _YEAR.findall(context_text)}
    editions = [edition for edition in chapter.editions if edition.year in years]
    if len(editions) == 1:
        return chapter, editions[0]
    if len(chapter.editions) == 1:
        return chapter, chapter.editions[0]
    return _cited_edition(catalogue, item, chapter)


def _cited_edition(catalogue, item, only_chapter):
    """The one edition the item's guideline lines cite of ``only_chapter``; without a chapter,
    the one paginated edition they cite."""
    found = {}
    for guideline in (item.claims, item.maximus):
        if guideline is None or not guideline.content.text:
            continue
        for citation in guideline.citations.chapters:
            chapter = catalogue.find_chapter(citation.name.text)
            if chapter is None or (only_chapter is not None and chapter is not only_chapter):
                continue
            edition = catalogue.edition(chapter, int(citation.edition.text) if citation.edition is not None else None)
            if edition is not None and (only_chapter is not None or edition.pages is not None):
                found[(chapter.id, edition.year)] = (chapter, edition)
    return next(iter(found.values())) if len(found) == 1 else None


def _rationale_references(letter, catalogue):
    """(item, start, end, first, last, chapter, edition) for each rationale page reference whose
    document is known; read once per letter for both rules that use them."""
    return letter.derived(_read_rationale_references, catalogue)


def _read_rationale_references(letter, catalogue) -> list[tuple]:
    references = []
    for item in letter.items:
        if item.rationale is None or not item.rationale.text:
            continue
        text = item.rationale.text
        for start, end, first, last in _rationale_page_references(item.rationale):
            document = _rationale_document(item, text, start, end, catalogue)
            if document is not None:
                references.append((item, start, end, first, last, *document))
    return references


@rule("IMR313", "rationale-page-outside-document")
def rationale_page_outside_document(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A page a rationale quotes does not exist in the MTUS document it quotes.

    Rationales quote the guideline by page ("MTUS Guidelines pages 88 and 89 states ...",
    "ACOEM Chapter 12, Table 12-8, page 309"); a page the document does not have cannot be
    checked and suggests the quote is from somewhere else (Labor Code 4610.5(c)(2)).  The
    document is the one named next to the page (an ACOEM chapter or table number, a chapter
    name and year), else the one paginated MTUS document the item's guideline lines cite.  Only
    verified page bounds are used (rules/mtus.yaml: the 2009 Chronic Pain guidelines, pages
    1-127; ACOEM chapter 12, pages 286-326); references to non-MTUS sources ("Third Edition ACOEM
    ... page 607", ODG) are not checked.

    Fix: quote the page where the guideline says it.
    """
    for item, start, end, first, last, chapter, edition in _rationale_references(letter, context.knowledge.catalogue):
        if edition.pages is None or edition.pages_confidence != "high":
            continue
        low, high = edition.pages
        outside = [page for page in dict.fromkeys((first, last)) if not low <= page <= high]
        if outside:
            yield context.finding(
                item.rationale.sub(start, end),
                item=item,
                page=outside[0],
                document=document_name(chapter, edition),
                first=low,
                last=high,
            )


@rule("IMR314", "rationale-page-outside-topic")
def rationale_page_outside_topic(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A page a rationale quotes for a topic lies outside that topic's pages (high-confidence page
    table).

    As page-outside-topic, for quotes in the rationale: "MTUS pg 69, NSAIDs, GI symptoms &
    cardiovascular risk Section states ..." must quote a page of that topic.  The topic is one
    the knowledge base lists for the quoted document, named in the same sentence; the page is
    accepted if it lies in any topic the sentence names (or a broader topic holding it).  Only
    the high-confidence page table is used.

    Fix: quote the topic's page, or name the topic the page belongs to.
    """
    for item, start, end, first, last, chapter, edition in _rationale_references(letter, context.knowledge.catalogue):
        pattern = _topic_names(edition)
        if pattern is None or edition.pages is None:
            continue
        text = item.rationale.text
        sentence = sentence_around(text, start)
        if not sentence[0] <= start < sentence[1]:  # between two sentences
            sentence = (0, len(text))
        catalogue = context.knowledge.catalogue
        topics = []
        for match in pattern.finditer(text, sentence[0], sentence[1]):
            topic = catalogue.find_topic(edition, match.group())
            if topic is not None and abs((match.start() if match.start() > start else match.end()) - start) <= 100:
                topics.append(topic)
        if not topics or any(topic.confidence != "high" for topic in topics):
            continue
        ranges = accepted_pages(edition, topics)
        outside = [
            page for page in dict.fromkeys((first, last)) if not any(low <= page <= high for low, high in ranges)
        ]
        low, high = edition.pages
        if outside and all(low <= page <= high for page in outside):
            names = sorted({topic.name for topic in topics})
            topic_pages = ", ".join(
                f"{a}-{b}" if a != b else str(a)
                for a, b in sorted({pages for topic in topics for pages in topic.pages})
            )
            yield context.finding(
                item.rationale.sub(start, end),
                item=item,
                page=outside[0],
                topic="', '".join(names),
                topic_pages=topic_pages,
                document=document_name(chapter, edition),
            )
