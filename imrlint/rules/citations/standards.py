"""Citation rules on the standards the decision rests on (IMR307, IMR311, IMR316): a standard
cited, the MTUS first, regulation citations that can exist."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.rules.base import RuleContext, rule
from imrlint.rules.citations.cited import cited_chapters
from imrlint.rules.findings import Finding

if TYPE_CHECKING:
    from imrlint.model.letter import Letter
    from imrlint.parsing.citations import ChapterCitation


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

    Fix: cite the standard the rationale applies.
    """
    reasons = context.patterns("reason_phrases")
    for item in letter.items:
        guideline = item.maximus
        if guideline is None or not guideline.content.text or guideline.citations.source != "none":
            continue
        explained = (guideline.content.text, item.rationale.text if item.rationale else "")
        if not any(reason.search(text) for reason in reasons for text in explained):
            yield context.finding(guideline.content, item=item, title=item.title)


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

    Fix: apply the MTUS chapter, or state in the rationale why it does not address the item.
    """
    reasons = context.patterns("reason_phrases")
    known_chapters: dict[int, list[ChapterCitation]] | None = None  # by guideline line, read when first needed
    for item in letter.items:
        maximus, claims = item.maximus, item.claims
        if maximus is None or claims is None or not maximus.content.text or maximus.citations.source != "non-mtus":
            continue
        if known_chapters is None:
            known_chapters = _known_chapters_by_line(letter, context.knowledge.catalogue)
        chapters = known_chapters.get(id(claims))
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


def _known_chapters_by_line(letter: Letter, catalogue) -> dict[int, list[ChapterCitation]]:
    """The citations of chapters the catalogue knows, by the id of the guideline line citing them:
    one pass over the letter's citations, not one per item."""
    by_line: dict[int, list[ChapterCitation]] = {}
    for cited in cited_chapters(letter, catalogue):
        if cited.chapter is not None:
            by_line.setdefault(id(cited.guideline), []).append(cited.citation)
    return by_line


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
                    item=letter.item_at(start),
                    citation=text[start : subdivisions.end()],
                    subdivision=subdivision.group(),
                )
                break
