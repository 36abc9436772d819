"""Citation rules on the sections cited (IMR308, IMR309): sections of the cited chapter and
edition, named rather than numbered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.knowledge.catalogue import section_number
from imrlint.rules.base import RuleContext, rule
from imrlint.rules.citations.cited import at_most, document_name, guidelines, resolved
from imrlint.rules.findings import Finding

if TYPE_CHECKING:
    from imrlint.model.letter import Letter


_BARE_NUMBER = re.compile(r"\d+(?:\s*[-–]\s*\d+)?(?:\s*[,;]\s*\d+(?:\s*[-–]\s*\d+)?)*\.?")


@rule("IMR308", "unknown-section")
def unknown_section(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A cited section is not a known section of the cited chapter and edition (information only
    where its table of contents is recorded in part).

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
