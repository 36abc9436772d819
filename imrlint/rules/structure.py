"""Structure rules (IMR1xx): the letter's three sections, in order, its disputed items, and the
header block's case number and dates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.model.facts import letter_facts
from imrlint.model.header import LABEL_PATTERN
from imrlint.rules.base import RuleContext, rule

if TYPE_CHECKING:
    from imrlint.input.document import Span
    from imrlint.model.letter import Letter, Passage, Section
    from imrlint.rules.findings import Finding


SECTION_TITLES = {
    "how": "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "summary": "CLINICAL CASE SUMMARY",
    "issues": "IMR ISSUES, DECISIONS AND RATIONALES",
}


ORDER = ", ".join(f"'{title}'" for title in SECTION_TITLES.values())


def _first_sections(letter: Letter) -> dict[str, Section]:
    firsts: dict[str, Section] = {}
    for section in letter.sections:
        firsts.setdefault(section.kind, section)
    return firsts


def _start_of(letter):
    return letter.document.span(0, 0)


@rule("IMR101", "missing-section")
def missing_section(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """One of the three required sections is missing.

    Every Final Determination explains how it was made (and who the reviewer is), summarises the
    clinical case, and decides each disputed item (Labor Code 4610.6; 8 CCR 9792.10.6(d)).  A
    letter without one of these sections is incomplete.

    Fix: add the missing section under its exact title.  The finding points where the section
    belongs: at the first disputed item when the decisions title is missing before the items,
    else after the previous section's title, or at the start of the letter.
    """
    firsts = _first_sections(letter)
    previous = None
    for kind, title in SECTION_TITLES.items():
        if kind not in firsts:
            if kind == "issues" and letter.items:
                where = letter.items[0].heading.span
            else:
                where = previous.title.span if previous else _start_of(letter)
            yield context.finding(where, section=title, order=ORDER)
        else:
            previous = firsts[kind]


@rule("IMR102", "section-order")
def section_order(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The three sections are not in the required order.

    The order HOW THE IMR FINAL DETERMINATION WAS MADE, CLINICAL CASE SUMMARY, IMR ISSUES,
    DECISIONS AND RATIONALES is the DWC template's; readers and downstream tools rely on it.

    Fix: move the section reported to its place.
    """
    rank = {kind: position for position, kind in enumerate(SECTION_TITLES)}
    furthest = None
    for section in _first_sections(letter).values():
        if furthest is not None and rank[section.kind] < rank[furthest.kind]:
            yield context.finding(
                section.title, section=SECTION_TITLES[section.kind], previous=SECTION_TITLES[furthest.kind], order=ORDER
            )
        elif furthest is None or rank[section.kind] > rank[furthest.kind]:
            furthest = section


@rule("IMR103", "duplicate-section")
def duplicate_section(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A section title appears more than once.

    A repeated title usually means two drafts were pasted together, and a reader cannot tell
    which text is the determination the parties are bound by (Labor Code 4610.6(c)-(g): one
    written determination, stating the reviewer's analysis and decision for each item).

    Fix: merge the two sections and remove the extra title.
    """
    seen: dict[str, Section] = {}
    for section in letter.sections:
        if section.kind in seen:
            yield context.finding(
                section.title, section=SECTION_TITLES[section.kind], first_line=seen[section.kind].title.span.line
            )
        else:
            seen[section.kind] = section


@rule("IMR104", "no-disputed-items")
def no_disputed_items(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The decisions section decides no disputed item.

    The reviewer determines each disputed treatment (Labor Code 4610.6(c)); a letter with no
    item heading ending in ": Upheld" or ": Overturned" decides nothing.

    Fix: give each disputed item a heading line ending in its label, followed by its guideline
    lines and rationale.
    """
    issues = letter.section("issues")
    if issues is not None and not letter.items:
        yield context.finding(issues.title)


_TOKEN = re.compile(r"\S+")


@rule("IMR105", "case-number-format")
def case_number_format(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The header's case number is missing or not in the DWC form (CM16-0213037).

    The IMR case number is how the worker, the claims administrator and the WCAB find the
    determination (8 CCR 9792.10.5 assigns each application one); DWC writes it as "CM", the
    two-digit year of the application, a hyphen and seven digits.  A mistyped number points to
    another worker's case.  Only letters with a header block are checked.

    Fix: copy the case number exactly from the IMR assignment.
    """
    if not letter.header and not letter.unpaired_header:
        return
    pattern = context.pattern("pattern")
    field = letter.header.get("case-number")
    if field is None:
        if any(unpaired.name == "case-number" for unpaired in letter.unpaired_header):
            return  # header-values-unpaired says why it is not checked
        first = min(letter.header.values(), key=lambda header_field: header_field.key.start)
        yield context.finding(
            first.key, problem="the header block has no case number", example=context.options["example"]
        )
        return
    where: Passage | Span
    if field.value is not None:
        where, number = field.value, field.value.text
    else:
        # no value in the form of a case number: the word that stands after the label instead
        token = _TOKEN.search(letter.document.text, field.key.end)
        if token is None or LABEL_PATTERN.match(letter.document.text, token.start()):
            yield context.finding(field.key, problem="the case number is empty", example=context.options["example"])
            return
        where, number = letter.document.span(*token.span()), token.group()
    if not pattern.fullmatch(number):
        yield context.finding(
            where, problem=f"case number '{number}' is not in the DWC form", example=context.options["example"]
        )


@rule("IMR106", "decision-before-assignment")
def decision_before_assignment(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The header's Decision Date is before its Date Assigned.

    The expert reviewer decides a case after MAXIMUS assigns it (8 CCR 9792.10.5-9792.10.6); a
    decision dated before the assignment is a typing error in one of the two dates, and the
    decision date starts the time limits for an appeal (Labor Code 4610.6(h)).

    Fix: correct the date that is wrong.
    """
    dates = letter_facts(letter).header
    assigned, decided = dates.get("date-assigned"), dates.get("decision-date")
    if assigned is not None and decided is not None and decided.value < assigned.value:
        yield context.finding(
            decided.where, decision=decided.where.text, assigned=assigned.where.text, line=assigned.where.span.line
        )


@rule("IMR107", "header-values-unpaired")
def header_values_unpaired(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The header block's values cannot be paired with their labels with certainty.

    Text extracted from a PDF may list the header's labels and values apart, in an order that
    follows their height on the page rather than the label each value belongs to (pdfminer puts
    the date of injury above its label in some letters).  Where a label has no value of its own
    line, of its split two-line label or of a run of values matching a run of labels, and values
    stand unpaired elsewhere in the block, imrlint cannot tell which value is whose: those fields
    are not checked (case-number-format, decision-before-assignment and the date rules skip them)
    rather than checked against the wrong value: the header's dates are what the time limits of
    8 CCR 9792.10.1(b)(1) and the date cross-checks rest on, and a date paired with the wrong label
    would report a defect the letter does not have.  This finding names the fields, once per letter.

    Fix: nothing in the letter; to have these fields checked, lint the PDF itself (imrlint reads it
    with pypdf, which keeps each label with its value) or text extracted with its layout kept
    (``pdftotext -layout``).
    """
    if letter.unpaired_header:
        first = letter.unpaired_header[0]
        titles = [field.title for field in letter.unpaired_header]
        fields = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]
        yield context.finding(first.key, fields=fields, count=len(titles))
