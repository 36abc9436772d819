"""Citation rules on the pages the guideline lines cite (IMR301-IMR304, IMR312): pages that
exist, ranges that run forwards, pages within their topic, in order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.rules.base import RuleContext, rule
from imrlint.rules.citations.cited import document_name, guidelines, resolved
from imrlint.rules.findings import Edit, Finding, Fix

if TYPE_CHECKING:
    from imrlint.model.letter import Letter


def _page_text(page_range) -> str:
    return str(page_range.first) if page_range.first == page_range.last else f"{page_range.first}-{page_range.last}"


@rule("IMR301", "page-outside-document")
def page_outside_document(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A cited page does not exist in the cited MTUS document.

    A citation of a page the guideline does not have cannot support the decision, and it tells
    the reader the reviewer did not check the source (Labor Code 4610.5(c)(2): the decision rests
    on the MTUS).  The 2009 Chronic Pain Medical Treatment Guidelines have pages 1-127; ACOEM
    chapter 12 (Low Back Complaints) pages 286-326; the bounds are in rules/mtus.yaml.

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

    Fix: write the range from its first page to its last.
    """
    for item, guideline in guidelines(letter):
        for citation in guideline.citations.chapters:
            for page_range in citation.pages:
                if page_range.first > page_range.last:
                    span = guideline.located(page_range.start, page_range.end)
                    fixed = f"{page_range.last}-{page_range.first}"
                    # the pages the writer meant are likely, not certain: another page may have been mistyped
                    correction = Fix("write the range from its first page to its last", (Edit(span, fixed),), "unsafe")
                    yield context.finding(
                        span,
                        item=item,
                        correction=correction,
                        range=f"{page_range.first}-{page_range.last}",
                        fixed=fixed,
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
    """A cited page lies outside the pages of the cited topic (high-confidence page table).

    The page must be where the cited topic is discussed; a page from another topic suggests a
    copying error and misleads whoever checks the decision against the MTUS.  Topic pages come
    from the high-confidence page table in rules/mtus.yaml (pages of a broader topic that holds
    the cited one are accepted).

    Fix: cite the topic's pages, or the topic the page belongs to.
    """
    yield from _outside_topic(letter, context, "high")


@rule("IMR304", "page-outside-unverified-topic")
def page_outside_unverified_topic(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A cited page lies outside the cited topic's pages in the unverified page table.

    As page-outside-topic, for topics whose page ranges in rules/mtus.yaml are not verified;
    hence only information.  The citation must let the reader find the MTUS passage the
    decision rests on (Labor Code 4610.5(c)(2); 8 CCR 9792.21).

    Fix: check the page against the guideline.
    """
    yield from _outside_topic(letter, context, "unverified")


def _pages(page_range) -> str:
    return str(page_range.first) if page_range.first == page_range.last else f"{page_range.first}-{page_range.last}"


# A list of pages and nothing else: pages and ranges apart by commas, semicolons or "and", not
# followed by more of a page ("76 to 78", of which only 76 is read as a page).
_PAGE_LIST = re.compile(
    r"\d+(?:\s*-\s*\d+)?(?:(?:\s*[,;]\s*|\s*,?\s+and\s+|\s+)\d+(?:\s*-\s*\d+)?)*(?!\s*(?:-|to\b|through\b|\d))"
)


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
                    listed = ", ".join(dict.fromkeys(_pages(cited) for cited in ordered))
                    first_cited, last_cited = citation.pages[0], citation.pages[-1]
                    correction = None
                    whole = _PAGE_LIST.match(guideline.content.text, first_cited.start)
                    if whole is not None and whole.end() == last_cited.end:
                        whole_list = guideline.located(first_cited.start, last_cited.end)
                        correction = Fix("list the pages in order, each once", (Edit(whole_list, listed),))
                    yield context.finding(
                        guideline.located(page_range.start, page_range.end),
                        item=item,
                        correction=correction,
                        problem=_order_problem(page_range, repeated, highest),
                        ordered=listed,
                    )
                    break
                highest = last if highest is None else max(highest, last)
                covered |= pages
