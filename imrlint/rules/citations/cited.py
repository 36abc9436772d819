"""The chapters the guideline lines cite, looked up once per letter in the MTUS catalogue, and
what the citation rules share."""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import NamedTuple

from imrlint.knowledge.catalogue import Chapter, Edition
from imrlint.model.letter import Guideline, Item
from imrlint.parsing.citations import ChapterCitation
from imrlint.rules.findings import SEVERITY_RANK, Finding


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
    """The cited chapters the catalogue knows, in an edition it knows: picked once per letter
    for the rules that check them."""
    return letter.derived(_resolved, catalogue)


def _resolved(letter, catalogue) -> list[ResolvedChapter]:
    return [
        ResolvedChapter(cited.item, cited.guideline, cited.citation, cited.chapter, cited.edition)
        for cited in cited_chapters(letter, catalogue)
        if cited.chapter is not None and cited.edition is not None
    ]


def at_most(finding: Finding, severity: str) -> Finding:
    """``finding`` no more severe than ``severity``: for what a rule can only suspect (a section an
    edition may have though its list lacks it) or what the letter only records (UR's citation)."""
    if SEVERITY_RANK[finding.severity] < SEVERITY_RANK[severity]:
        return dataclasses.replace(finding, severity=severity)
    return finding


def document_name(chapter, edition) -> str:
    return f"the {chapter.name} ({edition.year})"


@functools.lru_cache(maxsize=16)
def chapter_names(catalogue) -> re.Pattern[str]:
    return names_pattern(
        {name for chapter in catalogue.chapters for name in (chapter.name, *chapter.aliases) if len(name) > 6},
        r"\b",
        r"\b",
    )


_NOTHING = re.compile("(?!)")


def names_pattern(names, before: str, after: str) -> re.Pattern[str]:
    """A pattern finding any of ``names`` (longest first, so that the longest wins where several
    start at the same place), between the assertions ``before`` and ``after``.  The alternatives
    are tried only where ``before`` holds and the next character starts one of them, not at every
    character: that makes a scan some three to ten times faster."""
    if not names:
        return _NOTHING
    names = sorted(names, key=lambda name: (-len(name), name))  # one order, one pattern, in every process
    initials = "".join(sorted({r"\s" if name[0] == " " else re.escape(name[0]) for name in names}))
    alternatives = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in names)
    return re.compile(f"{before}(?=[{initials}])(?:{alternatives}){after}", re.IGNORECASE)
