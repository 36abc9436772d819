"""Legal wording, which no fix rewrites: each disputed item's decision label and the sentences of
its rationale that state the medical-necessity conclusion.  A fix that would touch them is shown
as a suggestion (``display-only``), never applied by imrlint: whether a determination says
"Upheld" or "medically necessary" is the reviewer's to write."""

from __future__ import annotations

import bisect
import dataclasses
from typing import TYPE_CHECKING

from imrlint.input.document import Span
from imrlint.model.conclusions import necessity_statements
from imrlint.model.facts import sentence_around
from imrlint.rules.findings import Fix

if TYPE_CHECKING:
    from imrlint.model.conclusions import ConclusionReader
    from imrlint.model.letter import Letter, Passage


def conclusion_sentence_bounds(rationale: Passage, reader: ConclusionReader) -> tuple[tuple[int, int], ...]:
    """(start, end) in a rationale's text of each sentence that states whether the request is
    medically necessary, read once per letter (the rules that quote a conclusion want them too)."""
    return rationale.derived(_conclusion_sentence_bounds, reader)


def _conclusion_sentence_bounds(rationale: Passage, reader: ConclusionReader) -> tuple[tuple[int, int], ...]:
    statements = necessity_statements(rationale, reader)
    return tuple(dict.fromkeys(sentence_around(rationale.text, statement.start) for statement, _ in statements))


def _item_legal_spans(letter: Letter, position: int, reader: ConclusionReader) -> tuple[Span, ...]:
    """The legal wording of the item at ``position`` in ``letter.items``: its label (or the word
    that may be one) and its rationale's conclusion sentences."""
    item = letter.items[position]
    spans = [label.span for label in (item.label, item.label_candidate) if label is not None]
    rationale = item.rationale
    if rationale is not None and rationale.text:
        spans += [rationale.sub_span(start, end) for start, end in conclusion_sentence_bounds(rationale, reader)]
    return tuple(spans)


def _item_starts(letter: Letter) -> list[int]:
    return [item.heading.start for item in letter.items]


def _items_under(letter: Letter, start: int, end: int) -> list[int]:
    """The positions in ``letter.items`` of the items whose text meets the offsets [start, end]
    (an item runs from its heading to the end of its last part; items follow one another)."""
    items = letter.items
    position = bisect.bisect_right(letter.derived(_item_starts), end) - 1
    found = []
    while position >= 0 and items[position].end >= start:
        found.append(position)
        position -= 1
    return found


def _overlaps(edit: Span, region: Span) -> bool:
    start, end = (edit.line, edit.column), (edit.end_line, edit.end_column)
    region_start, region_end = (region.line, region.column), (region.end_line, region.end_column)
    if start == end:  # an insertion rewrites a region only strictly inside it
        return region_start < start < region_end
    return start < region_end and region_start < end


def guarded(fix: Fix, letter: Letter, reader: ConclusionReader) -> Fix:
    """``fix``, made display-only when one of its edits touches a label or a conclusion.  An
    edit is compared with the legal wording of the items it falls in only, each item's read when
    first needed: a letter of a thousand items is guarded in work linear in its fixes."""
    if fix.applicability == "display-only":
        return fix
    for edit in fix.edits:
        span = edit.span
        start, end = (
            letter.document.offset(span.line, span.column),
            letter.document.offset(span.end_line, span.end_column),
        )
        for position in _items_under(letter, start, end):
            if any(_overlaps(span, region) for region in letter.derived(_item_legal_spans, position, reader)):
                return dataclasses.replace(fix, applicability="display-only")
    return fix
