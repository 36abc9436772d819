"""Structure rules: the letter's three sections, in order, and its disputed items."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.rules.base import RuleContext, rule

if TYPE_CHECKING:
    from imrlint.model.letter import Letter, Section
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

    Fails: a letter with no "CLINICAL CASE SUMMARY" title line.
    Passes: the three titles, each on a line of its own.

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

    Fails: "IMR ISSUES, DECISIONS AND RATIONALES" before "CLINICAL CASE SUMMARY".
    Passes: the three sections in the template order.

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

    Fails: two "CLINICAL CASE SUMMARY" lines.
    Passes: each section title once.

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

    Fails: "IMR ISSUES, DECISIONS AND RATIONALES" followed only by prose.
    Passes: at least one item heading such as "MRI of the left knee: Upheld".

    Fix: give each disputed item a heading line ending in its label, followed by its guideline
    lines and rationale.
    """
    issues = letter.section("issues")
    if issues is not None and not letter.items:
        yield context.finding(issues.title)
