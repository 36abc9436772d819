"""Citation rules, continued (IMR308-IMR314): the sections and editions cited on the guideline
lines, the order of their pages, the evidence hierarchy, and page references in rationales.

Everything is checked against the MTUS knowledge base (rules/mtus.yaml, extended by a user's
``mtus:`` configuration): chapters and their aliases, editions with their effective and
superseded dates, page bounds, known section names and topic page tables.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from imrlint.knowledge.catalogue import Chapter, section_number
from imrlint.model.facts import letter_facts, sentence_around
from imrlint.rules.base import RuleContext, rule
from imrlint.rules.citations import (
    accepted_pages,
    at_most,
    cited_chapters,
    compiled,
    document_name,
    guidelines,
    resolved,
)

if TYPE_CHECKING:
    from imrlint.model.letter import Item, Letter, Passage
    from imrlint.rules.findings import Finding

_BARE_NUMBER = re.compile(r"\d+(?:\s*[-–]\s*\d+)?(?:\s*[,;]\s*\d+(?:\s*[-–]\s*\d+)?)*\.?")


@rule("IMR308", "unknown-section")
def unknown_section(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A cited section is not a known section of the cited chapter and edition.

    "Section(s):" names where in the chapter the standard is; a name the chapter does not have
    cannot be checked, and is usually a misspelling ("Inital Care") or a section of another
    chapter (Labor Code 4610.5(c)(2): the decision rests on the MTUS, so the reader must be able
    to find the standard).  Names compare without regard to case, spacing, "&"/"and", hyphens
    and a trailing parenthetical; a numbered section ("3.3.9 Opioids for Chronic Pain ...") is
    known by its number and title.  Each edition's table of contents is in rules/mtus.yaml (add
    your own under ``mtus:`` in the configuration).  Where it is recorded only in part
    (``sections_complete: false``), a name it lacks may still be a real heading, so the finding
    is information only, unless the name is a plain misspelling of a listed one, or a numbered
    section whose number and title disagree.  Editions with no sections recorded are not
    checked; a bare number is section-is-number's business.

    Fails: "Decision based on MTUS Low Back Complaints 2004, Section(s): Inital Care." (a
    misspelling: warning); "Decision based on MTUS Opioid Treatment 2016, Section(s): 3.3.9 Opioids
    for Chronic Pain and Chronic Opioid Treatment: Opioid Titration and Dosing Threshold." (that
    title is 3.3.8: warning).
    Passes: "Decision based on MTUS Low Back Complaints 2004, Section(s): Initial Care."

    Fix: cite the section by its name in the guideline (the suggestion is the closest known name).
    """
    catalogue = context.knowledge.catalogue
    for item, guideline, citation, chapter, edition in resolved(letter, catalogue):
        if not edition.sections:
            continue
        for section in citation.sections:
            if _BARE_NUMBER.fullmatch(section.text) or catalogue.find_section(edition, section.text) is not None:
                continue
            numbered = section_number(section.text) is not None
            misspelt = None if numbered else catalogue.misspelt_section(edition, section.text)
            closest = misspelt or catalogue.closest_section(edition, section.text)
            certain = edition.sections_complete or misspelt is not None or (numbered and closest is not None)
            finding = context.finding(
                guideline.located(section.start, section.end),
                item=item,
                section=section.text,
                document=document_name(chapter, edition),
                suggestion=f"; did you mean '{closest}'?" if closest else "",
                caveat=""
                if certain
                else "; only part of its table of contents is recorded, so check the name against the guideline",
            )
            yield finding if certain else at_most(finding, "info")


@rule("IMR309", "section-is-number")
def section_is_number(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A "Section(s):" field holds a bare number where a section name belongs.

    A number is not a section of the cited chapter ("Elbow Complaints 2007, Section(s): 326":
    the revised Elbow chapter has its own numbering, and 326 is a page of the Low Back chapter),
    so the reader cannot find the standard the decision rests on (Labor Code 4610.5(c)(2)).

    Fails: "Decision based on MTUS Elbow Complaints 2007, Section(s): 326."
    Passes: "Decision based on MTUS Elbow Complaints 2007, Section(s): Diagnostic Criteria."

    Fix: name the section; a page goes in "Page(s):".
    """
    for item, guideline in guidelines(letter):
        for citation in guideline.citations.chapters:
            for section in citation.sections:
                if _BARE_NUMBER.fullmatch(section.text):
                    yield context.finding(
                        guideline.located(section.start, section.end),
                        item=item,
                        number=section.text.rstrip("."),
                        chapter=citation.name.text,
                    )


def in_force(edition, date) -> bool:
    """Whether ``edition`` applied on ``date``."""
    return edition.effective <= date and (edition.superseded is None or date < edition.superseded)


@rule("IMR310", "edition-not-in-force")
def edition_not_in_force(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A cited MTUS edition was not in force at the letter's UR date (or, without one, its
    decision date).

    The MTUS that applies is the one in force when the treatment was requested and reviewed (8
    CCR 9792.20 et seq.; Labor Code 4610.5(c)(2)).  The 2016 Chronic Pain Medical Treatment
    Guidelines replaced the 2009 edition (whose page numbers differ) for requests from 29 July
    2016; ACOEM 2nd-edition chapters were replaced on 1 December 2017.  An edition cited before it
    took effect, or after it was replaced, is the wrong standard.  Editions and dates are in
    rules/mtus.yaml; the UR date is the header's "UR Denial Date", else the date the summary
    gives the UR decision.  A citation without an edition year ("Chronic Pain Treatment
    Guidelines ... Page(s): 63", the older style) is to the 2009 document.

    The reviewer's basis is checked: the MAXIMUS line, and an edition the rationale names
    ("California MTUS 2009 Chronic Pain Guidelines") for a chapter the MAXIMUS line does not cite
    (where it does, rationale-edition-differs compares them).  The Claims Administrator line
    records what utilization review cited; the letter must report it as it was, and an outdated
    edition there is UR's error, not the letter's: it is not reported unless the option
    ``claims_line`` asks for it, and then as information only.

    Fails: "UR Denial Date: 11/03/2016" with "MAXIMUS guideline: Decision based on MTUS Chronic
    Pain Medical Treatment 2009" or "Chronic Pain Treatment Guidelines Opioids Page(s): 74-96".
    Passes: the same letter citing "Chronic Pain Medical Treatment 2016".

    Fix: cite the edition in force at the UR date.
    """
    facts = letter_facts(letter)
    ur = facts.header.get("ur-denial-date") or facts.ur
    reference = ur or facts.header.get("decision-date")
    if reference is None:
        return
    catalogue = context.knowledge.catalogue
    which = "UR date" if ur is not None else "decision date"

    def finding(where, item, chapter, edition, cited_by, advice):
        current = [other for other in chapter.editions if in_force(other, reference.value)]
        if reference.value < edition.effective:
            reason = f"it took effect on {edition.effective.isoformat()}"
        else:
            reason = f"it was replaced on {edition.superseded.isoformat()}"
        return context.finding(
            where,
            item=item,
            document=document_name(chapter, edition),
            cited_by=cited_by,
            which=which,
            date=reference.where.text,
            reason=reason,
            advice=advice.format(current=f"{chapter.name} {current[0].year}") if current else "",
        )

    for item, guideline, citation, chapter, edition in resolved(letter, catalogue):
        if in_force(edition, reference.value):
            continue
        where = citation.edition if citation.edition is not None else citation.name
        if guideline is item.claims:
            if context.options["claims_line"]:
                yield at_most(
                    finding(
                        guideline.located(where.start, where.end),
                        item,
                        chapter,
                        edition,
                        ", which utilization review cited,",
                        "; the line records UR's citation: keep it as UR made it",
                    ),
                    "info",
                )
        else:
            yield finding(guideline.located(where.start, where.end), item, chapter, edition, "", "; cite {current}")
    for mention in rationale_editions(letter, catalogue):
        named = catalogue.edition(mention.chapter, mention.year)
        if (
            named is None
            or in_force(named, reference.value)
            or maximus_years(mention.item, mention.chapter, catalogue)
            or not own_basis(mention)
        ):
            continue
        yield finding(
            mention.rationale.sub(mention.start, mention.end),
            mention.item,
            mention.chapter,
            named,
            ", which the rationale names,",
            "; name {current}",
        )


@rule("IMR311", "non-mtus-only")
def non_mtus_only(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The reviewer cited only non-MTUS sources for an item UR decided under the MTUS, without
    saying why the MTUS does not apply.

    Medical necessity is judged by the MTUS first; a lower-ranked standard (ODG, ACOEM 3rd
    edition, studies) only when the MTUS does not address the treatment or its presumption is
    rebutted (Labor Code 4610.5(c)(2); 8 CCR 9792.21(c)-(d), 9792.21.1, 9792.25).  When UR's
    guideline line cites an MTUS chapter for the item, the MTUS has a chapter for it; a reviewer
    who then cites only "Non-MTUS Citation ..." must say why it does not apply ("the Chronic Pain
    Treatment Guidelines do not apply to an acute injury", "the MTUS does not address ...").

    Fails: "Claims Administrator guideline: Decision based on MTUS Shoulder Complaints 2004" and
    "MAXIMUS guideline: ... Decision based on Non-MTUS Citation Official Disability Guidelines",
    with a rationale that never mentions the MTUS.
    Passes: the same with a rationale opening "CA MTUS does not specifically address MR
    arthrograms of the shoulder."

    Fix: apply the MTUS chapter, or state in the rationale why it does not address the item.
    """
    catalogue = context.knowledge.catalogue
    reasons = compiled(tuple(context.options["reason_phrases"]))
    for item in letter.items:
        maximus, claims = item.maximus, item.claims
        if maximus is None or claims is None or not maximus.content.text or maximus.citations.source != "non-mtus":
            continue
        chapters = [
            cited.citation
            for cited in cited_chapters(letter, catalogue)
            if cited.guideline is claims and cited.chapter is not None
        ]
        if not chapters:
            continue
        texts = (maximus.content.text, item.rationale.text if item.rationale else "")
        if any(reason.search(text) for reason in reasons for text in texts):
            continue
        cited = ", ".join(
            dict.fromkeys(
                " ".join(part.text for part in (citation.name, citation.edition) if part is not None)
                for citation in chapters
            )
        )
        yield context.finding(maximus.content, item=item, title=item.title, chapters=cited)


def _pages(page_range) -> str:
    return str(page_range.first) if page_range.first == page_range.last else f"{page_range.first}-{page_range.last}"


def _order_problem(page_range, repeated: bool, highest: int) -> str:
    single = page_range.first == page_range.last
    pages = f"page {page_range.first}" if single else f"pages {_pages(page_range)}"
    if repeated:
        return f"{pages} {'is' if single else 'are'} cited again"
    return f"{pages} {'comes' if single else 'come'} after page {highest}"


@rule("IMR312", "pages-out-of-order")
def pages_out_of_order(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A chapter's cited pages are out of order or repeated.

    "Page(s): 60, 61, 76-78, 88,89, 80, 81" reads as a list copied in haste; a reader checking
    the citation against the guideline may miss a page, and a repeated page suggests another was
    meant.  Each chapter's pages are checked on their own.

    Fails: "Page(s): 60, 61, 76-78, 88,89, 80, 81" (80 after 89); "Page(s): 91, 76-78".
    Passes: "Page(s): 60, 61, 76-78, 80, 81, 88, 89".

    Fix: list the pages in ascending order, each once.
    """
    for item, guideline in guidelines(letter):
        for citation in guideline.citations.chapters:
            highest = None
            covered: set[int] = set()
            for page_range in citation.pages:
                first, last = sorted((page_range.first, page_range.last))
                pages = set(range(first, last + 1)) if last - first < 1000 else {first, last}
                if highest is not None and first <= highest:
                    repeated = bool(pages & covered)
                    ordered = sorted(
                        citation.pages, key=lambda cited: (min(cited.first, cited.last), max(cited.first, cited.last))
                    )
                    yield context.finding(
                        guideline.located(page_range.start, page_range.end),
                        item=item,
                        problem=_order_problem(page_range, repeated, highest),
                        ordered=", ".join(dict.fromkeys(_pages(cited) for cited in ordered)),
                    )
                    break
                highest = last if highest is None else max(highest, last)
                covered |= pages


# --- page references in rationales -----------------------------------------------------------

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


_NOTHING = re.compile("(?!)")


def _names_pattern(names, before: str, after: str) -> re.Pattern[str]:
    """A pattern finding any of ``names`` (longest first, so that the longest wins where several
    start at the same place), between the assertions ``before`` and ``after``.  The alternatives
    are tried only where ``before`` holds and the next character starts one of them, not at every
    character: that makes a scan some three to ten times faster."""
    if not names:
        return _NOTHING
    names = sorted(names, key=len, reverse=True)
    initials = "".join(sorted({r"\s" if name[0] == " " else re.escape(name[0]) for name in names}))
    alternatives = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in names)
    return re.compile(f"{before}(?=[{initials}])(?:{alternatives}){after}", re.IGNORECASE)


@functools.lru_cache(maxsize=16)
def _chapter_names(catalogue) -> re.Pattern[str]:
    return _names_pattern(
        {name for chapter in catalogue.chapters for name in (chapter.name, *chapter.aliases) if len(name) > 6},
        r"\b",
        r"\b",
    )


_TOPIC_PATTERNS: dict[int, tuple[object, re.Pattern[str] | None]] = {}


def _topic_names(edition) -> re.Pattern[str] | None:
    """A pattern finding the topic names and aliases of ``edition`` (cached by identity: hashing
    an edition hashes all its topics)."""
    known = _TOPIC_PATTERNS.get(id(edition))
    if known is not None and known[0] is edition:
        return known[1]
    names = {name for topic in edition.topics for name in (topic.name, *topic.aliases) if len(name) > 3}
    pattern = _names_pattern(names, r"(?<![\w])", r"(?![\w])") if names else None
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
        ("name", 1, _chapter_names(catalogue)),
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
        named = _chapter_names(catalogue).match(after, of.end())
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


# --- editions named in rationales ---------------------------------------------------------------

# A year; it may be an edition's where it is not part of a date ("11/30/2016") or a number (the
# bounds are checked apart: a pattern with look-arounds scans rationales three times slower).
_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")
# From a year to a chapter name right after it: "California MTUS 2016 Chronic Pain Guidelines",
# "Medical Treatment Utilization Schedule 2009 Acupuncture Guidelines", "the 2016 MTUS Opioid ...".
_YEAR_BEFORE = re.compile(r"(?:\)?\s+(?:(?:CA|California)\s+)?(?:MTUS\s+)?)?")
# From a chapter name to a year right after it: "Chronic Pain Medical Treatment Guidelines 2016",
# "... (July 28, 2016)".
_YEAR_AFTER = re.compile(
    r"\s*(?:Guidelines?\s*)?,?\s*(?:\((?:[A-Z][a-z]+\.?\s+\d{1,2},?\s+)?((?:19|20)\d\d)\)|((?:19|20)\d\d)(?![\d/-]))"
)
# A sentence about another basis than the reviewer's own (UR's, an older one): its editions are
# not the reviewer's.
_OTHER_BASIS = re.compile(
    r"\b(?:UR|utilization\s+review|claims\s+administrator|previous(?:ly)?|prior|earlier|former|older|outdated|superseded|replaced|updated|revised|no\s+longer)\b",
    re.IGNORECASE,
)


class EditionMention(NamedTuple):
    """A chapter a rationale names with an edition year; start and end hold the year."""

    item: Item
    start: int
    end: int
    chapter: Chapter
    year: int
    rationale: Passage  # the item's rationale


def rationale_editions(letter, catalogue) -> list[EditionMention]:
    """The chapters each rationale names with a year next to the name; read once per letter."""
    return letter.derived(_read_rationale_editions, catalogue)


def _read_rationale_editions(letter, catalogue) -> list[EditionMention]:
    names = _chapter_names(catalogue)
    mentions: list[EditionMention] = []
    for item in letter.items:
        if item.rationale is None:
            continue
        text = item.rationale.text
        # Only the text around a year that is not part of a date can name an edition.
        for year in _YEAR_DIGITS.finditer(text):
            if not _stands_alone(text, year.start(), year.end()):
                continue
            before = _YEAR_BEFORE.match(text, year.end())
            named = names.match(text, before.end() if before else year.end())
            if named is None:
                named = next(
                    (
                        match
                        for match in names.finditer(text, max(0, year.start() - 80), year.start())
                        if _is_year_after(text, match.end(), year)
                    ),
                    None,
                )
            chapter = catalogue.find_chapter(named.group()) if named is not None else None
            if chapter is not None:
                mentions.append(
                    EditionMention(item, year.start(), year.end(), chapter, int(year.group()), item.rationale)
                )
    return mentions


def own_basis(mention: EditionMention) -> bool:
    """Whether the sentence naming ``mention`` speaks of the reviewer's own basis, not of UR's or
    an older one (asked only of the few mentions a rule would report)."""
    text = mention.rationale.text
    start, end = sentence_around(text, mention.start)
    return _OTHER_BASIS.search(text, start, end) is None


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a word of its own, not part of a date or a number."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before in "_/.-" or after.isalnum() or after in "_/-")


def _is_year_after(text: str, name_end: int, year) -> bool:
    """Whether ``year`` is the one written right after a chapter name ending at ``name_end``."""
    after = _YEAR_AFTER.match(text, name_end)
    return after is not None and after.end(1 if after.group(1) else 2) == year.end()


def _line_years(guideline, chapter, catalogue) -> set[int]:
    """The edition years a guideline line gives ``chapter``."""
    if guideline is None or not guideline.content.text:
        return set()
    return {
        int(cited.edition.text)
        for cited in guideline.citations.chapters
        if cited.edition is not None and catalogue.find_chapter(cited.name.text) is chapter
    }


def maximus_years(item, chapter, catalogue) -> set[int]:
    """The edition years the item's MAXIMUS line gives ``chapter``."""
    return _line_years(item.maximus, chapter, catalogue)


@rule("IMR315", "rationale-edition-differs")
def rationale_edition_differs(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The rationale names another edition of a chapter than the MAXIMUS guideline line cites.

    The guideline line and the rationale state the one standard the decision rests on (Labor
    Code 4610.5(c)(2); 8 CCR 9792.10.6: the determination states its basis); "California Medical
    Treatment Utilization Schedule 2009 Acupuncture Guidelines" in the rationale of an item whose
    line cites "Acupuncture Treatment 2007" leaves the reader unsure which text was applied.  Only
    a year written next to the chapter's name counts ("MTUS 2016 Chronic Pain Guidelines",
    "Chronic Pain Medical Treatment Guidelines (July 28, 2016)"), in a sentence that is not about
    utilization review's or an older basis; a year either guideline line gives the chapter is
    accepted (the rationale may discuss what UR cited), and so is a rationale that also names the
    cited edition (it compares the two).

    Fails: "MAXIMUS guideline: Decision based on MTUS Acupuncture Treatment 2007." with "Decision
    rationale: California Medical Treatment Utilization Schedule 2009 Acupuncture Guidelines state
    ...".
    Passes: the same rationale naming "2007 Acupuncture Guidelines".

    Fix: name in the rationale the edition the guideline line cites, or correct the line.
    """
    catalogue = context.knowledge.catalogue
    mentions = rationale_editions(letter, catalogue)
    for mention in mentions:
        cited = maximus_years(mention.item, mention.chapter, catalogue)
        if (
            not cited
            or mention.year in cited
            or mention.year in _line_years(mention.item.claims, mention.chapter, catalogue)
        ):
            continue
        if any(
            other.item is mention.item and other.chapter is mention.chapter and other.year in cited
            for other in mentions
        ):
            continue  # the rationale names both editions: it compares them
        if not own_basis(mention):
            continue
        yield context.finding(
            mention.rationale.sub(mention.start, mention.end),
            item=mention.item,
            year=mention.year,
            chapter=mention.chapter.name,
            cited=" and ".join(str(year) for year in sorted(cited)),
        )


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

    Fails: "MTUS p190 states, ..." in a rationale whose item cites the 2009 Chronic Pain
    guidelines.
    Passes: "MTUS p90 states, "Hydrocodone has a recommended maximum dose ..."".

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
    """A page a rationale quotes for a topic lies outside that topic's pages.

    As page-outside-topic, for quotes in the rationale: "MTUS pg 69, NSAIDs, GI symptoms &
    cardiovascular risk Section states ..." must quote a page of that topic.  The topic is one
    the knowledge base lists for the quoted document, named in the same sentence; the page is
    accepted if it lies in any topic the sentence names (or a broader topic holding it).  Only
    the high-confidence page table is used.

    Fails: "For muscle relaxants for pain, MTUS Guidelines page 36 states ..." (pages 63-66).
    Passes: "For muscle relaxants for pain, MTUS Guidelines page 63 states ...".

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
