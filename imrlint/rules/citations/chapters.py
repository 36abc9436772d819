"""Citation rules on the chapters and editions cited (IMR305, IMR306, IMR310, IMR315, IMR317):
chapters and editions that exist, were in force, agree between the guideline line and the
rationale, and cover the item's body region."""

from __future__ import annotations

import collections
import difflib
import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from imrlint.knowledge.catalogue import Chapter
from imrlint.model.alternatives import places
from imrlint.model.facts import letter_facts, sentence_around
from imrlint.model.letter import Item
from imrlint.rules.base import RuleContext, rule
from imrlint.rules.citations.cited import at_most, chapter_names, cited_chapters, document_name, resolved
from imrlint.rules.findings import Finding

if TYPE_CHECKING:
    from imrlint.model.letter import Letter, Passage


@rule("IMR305", "unknown-chapter")
def unknown_chapter(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The cited MTUS chapter does not exist.

    The MTUS is a fixed set of guidelines (8 CCR 9792.20 et seq.); a decision "based on" a
    chapter that is not in it rests on no MTUS standard (Labor Code 4610.5(c)(2)).  Known
    chapters and their spellings are in rules/mtus.yaml.

    Fix: cite the chapter by its MTUS name, or cite the guideline as a non-MTUS citation.
    """
    catalogue = context.knowledge.catalogue
    for item, guideline, citation, chapter, _edition in cited_chapters(letter, catalogue):
        if chapter is None:
            close = _closest_chapter(catalogue, citation.name.text)
            suggestion = f"; did you mean '{close}'?" if close else ""
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


_NAME_WORD = re.compile(r"[a-z0-9]+")


@functools.lru_cache(maxsize=16)
def _generic_words(catalogue) -> frozenset[str]:
    """The words the names of three chapters or more share ("complaints", "guidelines",
    "treatment"): they say what kind of document a name is, not which one."""
    counts = collections.Counter(
        word
        for chapter in catalogue.chapters
        for word in set(_NAME_WORD.findall(" ".join((chapter.name, *chapter.aliases)).lower()))
    )
    return frozenset(word for word, count in counts.items() if count >= 3)


def _closest_chapter(catalogue, name: str) -> str | None:
    """The chapter an unknown ``name`` most likely misspells: a close spelling whose distinctive
    words are close too, so that "Hip Complaints" is not taken for "Knee Complaints"."""
    names = _chapter_spellings(catalogue)
    generic = _generic_words(catalogue)

    def distinctive(text: str) -> str:
        return " ".join(word for word in _NAME_WORD.findall(text.lower()) if word not in generic)

    own = distinctive(name)
    for close in difflib.get_close_matches(name, list(names), n=3, cutoff=0.6):
        other = distinctive(close)
        if own and other and difflib.SequenceMatcher(None, own, other).ratio() >= 0.6:
            return names[close]
    return None


@rule("IMR306", "unknown-edition")
def unknown_edition(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The cited edition of an MTUS chapter does not exist.

    Each MTUS chapter exists in specific editions (Chronic Pain Medical Treatment 2009 and 2016,
    Low Back Complaints 2004, ...; rules/mtus.yaml).  An edition that never existed, such as
    "Chronic Pain Medical Treatment 2012", cannot be checked and is usually a typing error.

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


# A year; it may be an edition's where it is not part of a date ("11/30/2016") or a number (the
# bounds are checked apart: a pattern with look-arounds scans rationales three times slower).
_YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")


def _years(text: str) -> list[re.Match[str]]:
    """The matches ``_YEAR_DIGITS.finditer(text)`` gives, tried only where a century is written."""
    years = []
    resume = 0
    for century in places(text, ("19", "20")):
        if century >= resume and (year := _YEAR_DIGITS.match(text, century)) is not None:
            years.append(year)
            resume = year.end()
    return years


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
    names = chapter_names(catalogue)
    mentions: list[EditionMention] = []
    for item in letter.items:
        if item.rationale is None:
            continue
        text = item.rationale.text
        # Only the text around a year that is not part of a date can name an edition.
        for year in _years(text):
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
