"""Citation rules: the MTUS chapters, editions and pages cited on the guideline lines.

The chapters, editions, page bounds and topic page tables are the knowledge base rules/mtus.yaml.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from imrlint.knowledge.catalogue import Chapter, Edition
from imrlint.model.letter import Guideline, Item
from imrlint.parsing.citations import ChapterCitation
from imrlint.rules.base import RuleContext, rule
from imrlint.rules.findings import SEVERITY_RANK, Finding

if TYPE_CHECKING:
    from imrlint.model.letter import Letter


def guidelines(letter):
    """(item, guideline line) for each guideline line that says something."""
    for item in letter.items:
        for guideline in (item.claims, item.maximus):
            if guideline is not None and guideline.content.text:
                yield item, guideline


class CitedChapter(NamedTuple):
    """A chapter cited on a guideline line, looked up in the catalogue."""

    item: Item
    guideline: Guideline
    citation: ChapterCitation
    chapter: Chapter | None  # None: the catalogue has no chapter of that name
    edition: Edition | None  # the cited edition (without a year, the one whose pages are cited); None: unknown


def cited_chapters(letter, catalogue) -> list[CitedChapter]:
    """Every chapter the letter's guideline lines cite, in reading order: looked up once per
    letter for all the rules that check them."""
    return letter.derived(_look_up_chapters, catalogue)


def _look_up_chapters(letter, catalogue) -> list[CitedChapter]:
    cited = []
    for item, guideline in guidelines(letter):
        for citation in guideline.citations.chapters:
            chapter = catalogue.find_chapter(citation.name.text)
            edition = None
            if chapter is not None:
                edition = catalogue.edition(
                    chapter, int(citation.edition.text) if citation.edition is not None else None
                )
            cited.append(CitedChapter(item, guideline, citation, chapter, edition))
    return cited


class ResolvedChapter(NamedTuple):
    """A cited chapter the catalogue knows, in an edition it knows."""

    item: Item
    guideline: Guideline
    citation: ChapterCitation
    chapter: Chapter
    edition: Edition


def resolved(letter, catalogue) -> list[ResolvedChapter]:
    """The cited chapters the catalogue knows, in an edition it knows."""
    return [
        ResolvedChapter(cited.item, cited.guideline, cited.citation, cited.chapter, cited.edition)
        for cited in cited_chapters(letter, catalogue)
        if cited.chapter is not None and cited.edition is not None
    ]


@functools.lru_cache(maxsize=64)
def compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """``patterns`` (a configured phrase list) compiled, case-insensitive, once per list."""
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


def at_most(finding: Finding, severity: str) -> Finding:
    """``finding`` no more severe than ``severity``: for what a rule can only suspect (a section an
    edition may have though its list lacks it) or what the letter only records (UR's citation)."""
    if SEVERITY_RANK[finding.severity] < SEVERITY_RANK[severity]:
        return dataclasses.replace(finding, severity=severity)
    return finding


def document_name(chapter, edition) -> str:
    return f"the {chapter.name} ({edition.year})"


def _page_text(page_range) -> str:
    return str(page_range.first) if page_range.first == page_range.last else f"{page_range.first}-{page_range.last}"


@rule("IMR301", "page-outside-document")
def page_outside_document(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A cited page does not exist in the cited MTUS document.

    A citation of a page the guideline does not have cannot support the decision, and it tells
    the reader the reviewer did not check the source (Labor Code 4610.5(c)(2): the decision rests
    on the MTUS).  The 2009 Chronic Pain Medical Treatment Guidelines have pages 1-127; ACOEM
    chapter 12 (Low Back Complaints) pages 286-326; the bounds are in rules/mtus.yaml.

    Fails: "Chronic Pain Treatment Guidelines Opioids Page(s): 174".
    Passes: "Chronic Pain Treatment Guidelines Opioids Page(s): 74-96".

    Fix: cite the page where the guideline actually says it.
    """
    for item, guideline, citation, chapter, edition in resolved(letter, context.knowledge.catalogue):
        if edition.pages is None:
            continue
        first, last = edition.pages
        for page_range in citation.pages:
            for page in dict.fromkeys((page_range.first, page_range.last)):
                if not first <= page <= last:
                    yield context.finding(
                        guideline.located(page_range.start, page_range.end),
                        item=item,
                        page=page,
                        document=document_name(chapter, edition),
                        first=first,
                        last=last,
                    )


@rule("IMR302", "reversed-page-range")
def reversed_page_range(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A cited page range runs backwards ("78-76").

    A reversed range is a typing error that makes the citation ambiguous: the reader cannot
    check the decision against the MTUS pages it rests on (Labor Code 4610.5(c)(2)).

    Fails: "Page(s): 78-76".
    Passes: "Page(s): 76-78".

    Fix: write the range from its first page to its last.
    """
    for item, guideline in guidelines(letter):
        for citation in guideline.citations.chapters:
            for page_range in citation.pages:
                if page_range.first > page_range.last:
                    yield context.finding(
                        guideline.located(page_range.start, page_range.end),
                        item=item,
                        range=f"{page_range.first}-{page_range.last}",
                        fixed=f"{page_range.last}-{page_range.first}",
                    )


_TOPIC_SEPARATORS = re.compile(r"\s*[;,]\s*")


def cited_topics(catalogue, edition, text):
    """The catalogue topics named in an old-style topic text ("Medications for chronic pain,
    criteria for use of opioids"); a comma may also belong to a topic's own name."""
    whole = catalogue.find_topic(edition, text)
    if whole is not None:
        return [whole]
    found = []
    for piece in _TOPIC_SEPARATORS.split(text):
        topic = catalogue.find_topic(edition, piece) if piece else None
        if topic is not None:
            found.append(topic)
    return found


def accepted_pages(edition, topics):
    """Pages where the cited topics are discussed: their own ranges, and the ranges of the broader
    topics that contain them (pages 88-89, long-term opioid users, belong to Opioids, 74-96)."""
    ranges = set()
    for topic in topics:
        ranges.update(topic.pages)
        for other in edition.topics:
            if any(outer[0] <= inner[0] and inner[1] <= outer[1] for inner in topic.pages for outer in other.pages):
                ranges.update(other.pages)
    return sorted(ranges)


def _outside_topic(letter, context, confidence):
    catalogue = context.knowledge.catalogue
    for item, guideline, citation, chapter, edition in resolved(letter, catalogue):
        if citation.topic is None or not citation.pages:
            continue
        topics = cited_topics(catalogue, edition, citation.topic.text)
        if not topics or {topic.confidence for topic in topics} != {confidence}:
            continue
        ranges = accepted_pages(edition, topics)
        for page_range in citation.pages:
            outside = [
                page
                for page in dict.fromkeys((page_range.first, page_range.last))
                if not any(low <= page <= high for low, high in ranges)
            ]
            if (
                outside
                and edition.pages is not None
                and all(edition.pages[0] <= page <= edition.pages[1] for page in outside)
            ):
                yield context.finding(
                    guideline.located(page_range.start, page_range.end),
                    item=item,
                    page=_page_text(page_range),
                    topic=citation.topic.text,
                    topic_pages=", ".join(
                        f"{low}-{high}" if low != high else str(low)
                        for low, high in sorted({page for topic in topics for page in topic.pages})
                    ),
                    document=document_name(chapter, edition),
                )


@rule("IMR303", "page-outside-topic")
def page_outside_topic(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A cited page lies outside the pages of the cited topic.

    The page must be where the cited topic is discussed; a page from another topic suggests a
    copying error and misleads whoever checks the decision against the MTUS.  Topic pages come
    from the high-confidence page table in rules/mtus.yaml (pages of a broader topic that holds
    the cited one are accepted).

    Fails: "NSAIDs, GI symptoms & cardiovascular risk Page(s): 102" (the topic is on pages 68-69;
    page 102 is psychological treatment).
    Passes: "NSAIDs, GI symptoms & cardiovascular risk Page(s): 68-69".

    Fix: cite the topic's pages, or the topic the page belongs to.
    """
    yield from _outside_topic(letter, context, "high")


@rule("IMR304", "page-outside-unverified-topic")
def page_outside_unverified_topic(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A cited page lies outside the cited topic's pages in the unverified page table.

    As page-outside-topic, for topics whose page ranges in rules/mtus.yaml are not verified;
    hence only information.  The citation must let the reader find the MTUS passage the
    decision rests on (Labor Code 4610.5(c)(2); 8 CCR 9792.21).

    Fails: "Acetaminophen Page(s): 40" (the table has 11-12).
    Passes: "Acetaminophen Page(s): 11-12".

    Fix: check the page against the guideline.
    """
    yield from _outside_topic(letter, context, "unverified")


@rule("IMR305", "unknown-chapter")
def unknown_chapter(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The cited MTUS chapter does not exist.

    The MTUS is a fixed set of guidelines (8 CCR 9792.20 et seq.); a decision "based on" a
    chapter that is not in it rests on no MTUS standard (Labor Code 4610.5(c)(2)).  Known
    chapters and their spellings are in rules/mtus.yaml.

    Fails: "Decision based on MTUS Hip Complaints 2004".
    Passes: "Decision based on MTUS Knee Complaints 2004".

    Fix: cite the chapter by its MTUS name, or cite the guideline as a non-MTUS citation.
    """
    catalogue = context.knowledge.catalogue
    for item, guideline, citation, chapter, _edition in cited_chapters(letter, catalogue):
        if chapter is None:
            names = _chapter_spellings(catalogue)
            close = difflib.get_close_matches(citation.name.text, list(names), n=1, cutoff=0.6)
            suggestion = f"; did you mean '{names[close[0]]}'?" if close else ""
            yield context.finding(
                guideline.located(citation.name.start, citation.name.end),
                item=item,
                chapter=citation.name.text,
                suggestion=suggestion,
            )


@functools.lru_cache(maxsize=16)
def _chapter_spellings(catalogue) -> dict[str, str]:
    """Each name and alias of the catalogue's chapters -> the chapter's name."""
    return {alias: chapter.name for chapter in catalogue.chapters for alias in (chapter.name, *chapter.aliases)}


@rule("IMR306", "unknown-edition")
def unknown_edition(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The cited edition of an MTUS chapter does not exist.

    Each MTUS chapter exists in specific editions (Chronic Pain Medical Treatment 2009 and 2016,
    Low Back Complaints 2004, ...; rules/mtus.yaml).  An edition that never existed, such as
    "Chronic Pain Medical Treatment 2012", cannot be checked and is usually a typing error.

    Fails: "Decision based on MTUS Chronic Pain Medical Treatment 2012".
    Passes: "Decision based on MTUS Chronic Pain Medical Treatment 2016".

    Fix: cite an edition that exists (the one in force for the request).
    """
    for item, guideline, citation, chapter, edition in cited_chapters(letter, context.knowledge.catalogue):
        if citation.edition is not None and chapter is not None and edition is None:
            editions = " or ".join(str(known.year) for known in chapter.editions)
            yield context.finding(
                guideline.located(citation.edition.start, citation.edition.end),
                item=item,
                chapter=citation.name.text,
                edition=citation.edition.text,
                editions=editions,
            )


@rule("IMR307", "no-standard-cited")
def no_standard_cited(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A MAXIMUS guideline line cites no standard and does not say why.

    Medical necessity is judged by standards in ranked order: the MTUS first, then lower-ranked
    standards only where a higher one does not apply (Labor Code 4610.5(c)(2); 8 CCR 9792.21,
    9792.25).  The reviewer's line must therefore name at least one standard, or explain why
    none applies; "The Expert Reviewer did not cite any medical evidence for its decision." does
    neither.  A reason stated in the rationale counts: an ancillary service ("As the requested
    surgical intervention is not medically necessary ..., the requested ancillary service is not
    medically necessary.") falls with the procedure it serves, which needs no standard of its own.

    Fails: "MAXIMUS guideline: The Expert Reviewer did not cite any medical evidence for its decision."
    Passes: "MAXIMUS guideline: Decision based on MTUS Knee Complaints 2004, Section(s): Special Studies."

    Fix: cite the standard the rationale applies.
    """
    reasons = compiled(tuple(context.options["reason_phrases"]))
    for item in letter.items:
        guideline = item.maximus
        if guideline is None or not guideline.content.text or guideline.citations.source != "none":
            continue
        explained = (guideline.content.text, item.rationale.text if item.rationale else "")
        if not any(reason.search(text) for reason in reasons for text in explained):
            yield context.finding(guideline.content, item=item, title=item.title)


# --- regulation and statute citations in the text ----------------------------------------------

# A cited section of the California codes or regulations, up to the "(" of its first subdivision:
# "Section 9792.20(e)", "8 CCR 9792.10.1(b)(1)", "Labor Code section 4610.5(c)(2)", "§ 4610(a)".  A
# dotted number needs no cue; a plain four-digit one needs "section", "§" or a code's name before it.
_SECTION_BEFORE = re.compile(
    r"(?:(?<![\w.])(\d{4}(?:\.\d+)+)|(?:\b(?:sections?|sec\.|code|C\.?C\.?R\.?|LC)|§§?)\s*(\d{4}))$", re.IGNORECASE
)
# A "(" straight after a digit: where a subdivision may open (the literal first, so that the
# scan jumps from one "(" to the next).
_PAREN_AFTER_DIGIT = re.compile(r"\((?<=\d\()")
_SUBDIVISIONS = re.compile(r"(?:\([^()\s]{0,8}\))+")
_SUBDIVISION = re.compile(r"\(([^()]*)\)")
# Subdivisions as the codes number them: (a), (1), (A), (i), and after (z) (aa), (bb), ...; a
# range of them ("(a-c)"); a year written after the number is not a subdivision, nor wrong.
_VALID_SUBDIVISION = re.compile(
    r"(?:[a-z]|([a-z])\1{1,2}|[ivxl]+|\d{1,3}|[A-Z]|([A-Z])\2{1,2}|[IVXL]+)(?:\s*[-–]\s*(?:[a-z]{1,3}|\d{1,3}|[A-Z]{1,3}))?|(?:19|20)\d\d"
)


@rule("IMR316", "malformed-regulation-citation")
def malformed_regulation_citation(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A cited section of the California codes or regulations has a subdivision that cannot exist.

    The codes number a section's subdivisions (a), (b), ... then (aa), (bb); paragraphs (1),
    (2); subparagraphs (A), (B); clauses (i), (ii).  "Section 9792.20(ef)" follows none of these
    (it reads as a struck-out "(e)" and an inserted "(f)" of the rulemaking text run together),
    so the reader cannot look up the definition the decision relies on; the determination must
    state its basis (Labor Code 4610.6; 8 CCR 9792.10.6).  Only a dotted section number
    ("9792.20", "4610.5") or a four-digit one after "section", "§" or a code's name is read, with
    its subdivisions written straight after it.

    Fails: "functional improvement is documented as defined in Section 9792.20(ef)."
    Passes: "as defined in Section 9792.20(e)"; "Labor Code section 4610.5(c)(2)".

    Fix: cite the subdivision as the regulation numbers it.
    """
    text = letter.document.text
    for paren in _PAREN_AFTER_DIGIT.finditer(text):
        position = paren.start()
        number = _SECTION_BEFORE.search(text, max(0, position - 40), position)
        if number is None:
            continue
        subdivisions = _SUBDIVISIONS.match(text, position)
        if subdivisions is None:
            continue
        for subdivision in _SUBDIVISION.finditer(text, position, subdivisions.end()):
            if not _VALID_SUBDIVISION.fullmatch(subdivision.group(1)):
                start = number.start(1) if number.group(1) else number.start(2)
                yield context.finding(
                    letter.document.span(start, subdivisions.end()),
                    item=_item_at(letter, start),
                    citation=text[start : subdivisions.end()],
                    subdivision=subdivision.group(),
                )
                break


def _item_at(letter, offset):
    """The disputed item whose heading or text holds the document ``offset``, or None."""
    found = None
    for item in letter.items:
        if item.heading.start <= offset:
            found = item
    return found if found is not None and found.rationale is not None and offset < found.rationale.end else None


# --- the body region of the cited chapter ------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _region_words(catalogue) -> tuple[re.Pattern[str], dict[str, tuple[Chapter, ...]]]:
    """A pattern finding the region words of the catalogue's chapters in lower-case text, and the
    chapters each word (its spaces and hyphens as one space) names."""
    chapters: dict[str, tuple[Chapter, ...]] = {}
    for chapter in catalogue.chapters:
        for word in chapter.regions:
            key = _region_key(word)
            chapters[key] = (*chapters.get(key, ()), chapter)
    if not chapters:
        return re.compile("(?!)"), chapters
    # Longest first, so that the longest wins where several start at one place; alternatives are
    # only tried where one may start.
    keys = sorted(chapters, key=len, reverse=True)
    initials = "".join(sorted({key[0] for key in keys}))
    alternatives = "|".join(re.escape(key).replace(r"\ ", r"[\s-]+") for key in keys)
    return re.compile(rf"\b(?=[{re.escape(initials)}])(?:{alternatives})\b"), chapters


def _region_key(word: str) -> str:
    return " ".join(word.lower().replace("-", " ").split())


def _regions(catalogue, text: str) -> list[Chapter]:
    """The region chapters whose words lower-case ``text`` uses, as whole words: "hand-held" is
    not the hand."""
    words, chapters_of = _region_words(catalogue)
    found: dict[Chapter, None] = {}
    for word in words.finditer(text):
        start, end = word.span()
        if (start and text[start - 1] == "-") or (end < len(text) and text[end] == "-"):
            continue
        found.update(dict.fromkeys(chapters_of[_region_key(word.group())]))
    return list(found)


@rule("IMR317", "chapter-region-differs")
def chapter_region_differs(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The MAXIMUS guideline line decides an item about one body region under clinical-topic
    chapters for other regions only.

    The MTUS clinical topics are by body region (8 CCR 9792.23.1-9792.23.7: Neck and Upper Back,
    Shoulder, Elbow, Forearm, Wrist, and Hand, Low Back, Knee, Ankle and Foot); medical necessity
    is judged by the standard that addresses the condition (Labor Code 4610.5(c)(2)).  A knee MRI
    decided under "Low Back Complaints, Section(s): Special Studies" applies the imaging criteria
    of another region.  The item's region is read from its heading by the region words of
    rules/mtus.yaml ("knee", "lumbar", "carpal tunnel"); an item naming no region, or a region no
    one chapter covers ("lower extremities", "hip"), is not checked, nor is a line that cites a
    chapter for one of the item's regions, or a section named for one (Postsurgical Treatment,
    "Section(s): Knee").  Chapters that are not about a region (Chronic Pain, General
    Approaches, ...) are otherwise left out of the comparison.

    Fails: "MRI right knee: Upheld" with "MAXIMUS guideline: Decision based on MTUS Low Back
    Complaints 2004, Section(s): Special Studies."
    Passes: the same item with "Decision based on MTUS Knee Complaints 2004, Section(s): Special
    Studies."

    Fix: cite the chapter for the item's body region, or correct the heading.
    """
    catalogue = context.knowledge.catalogue
    for item in letter.items:
        guideline = item.maximus
        if guideline is None or not guideline.content.text or guideline.citations.source != "mtus":
            continue
        regions = _regions(catalogue, item.name.lower)
        if not regions:
            continue
        cited = [
            (citation, chapter)
            for citation in guideline.citations.chapters
            if (chapter := catalogue.find_chapter(citation.name.text)) is not None
        ]
        if any(region in regions for citation, chapter in cited for region in _covered(catalogue, citation, chapter)):
            continue
        by_region = [(citation, chapter) for citation, chapter in cited if chapter.regions]
        if by_region:
            citation = by_region[0][0]
            yield context.finding(
                guideline.located(citation.name.start, citation.name.end),
                item=item,
                title=item.title,
                region=" and ".join(chapter.name for chapter in regions),
                chapters=" and ".join(dict.fromkeys(chapter.name for _, chapter in by_region)),
            )


def _covered(catalogue, citation, chapter) -> list[Chapter]:
    """The regions a cited chapter covers: its own, or for a chapter not by region the regions
    its cited sections name (Postsurgical Treatment, "Section(s): Knee")."""
    if chapter.regions:
        return [chapter]
    return [region for section in citation.sections for region in _regions(catalogue, section.text.lower())]
