"""Legal wording, which no fix rewrites: each disputed item's decision label and the sentences of
its rationale that state the medical-necessity conclusion.  A fix that would touch them is shown
as a suggestion (``display-only``), never applied by imrlint: whether a determination says
"Upheld" or "medically necessary" is the reviewer's to write."""

from __future__ import annotations

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


def _legal_spans(letter: Letter, reader: ConclusionReader) -> tuple[Span, ...]:
    spans = []
    for item in letter.items:
        spans += [label.span for label in (item.label, item.label_candidate) if label is not None]
        rationale = item.rationale
        if rationale is None or not rationale.text:
            continue
        spans += [rationale.sub_span(start, end) for start, end in conclusion_sentence_bounds(rationale, reader)]
    return tuple(spans)


def _overlaps(edit: Span, region: Span) -> bool:
    start, end = (edit.line, edit.column), (edit.end_line, edit.end_column)
    region_start, region_end = (region.line, region.column), (region.end_line, region.end_column)
    if start == end:  # an insertion rewrites a region only strictly inside it
        return region_start < start < region_end
    return start < region_end and region_start < end


def _legal_spans_by_line(letter: Letter, reader: ConclusionReader) -> dict[int, tuple[Span, ...]]:
    """The legal spans under each line they cover: a fix is compared with those of its own lines
    only, so that a letter of a thousand items is guarded in time linear in its fixes."""
    by_line: dict[int, list[Span]] = {}
    for span in _legal_spans(letter, reader):
        for line in range(span.line, span.end_line + 1):
            by_line.setdefault(line, []).append(span)
    return {line: tuple(spans) for line, spans in by_line.items()}


def guarded(fix: Fix, letter: Letter, reader: ConclusionReader) -> Fix:
    """``fix``, made display-only when one of its edits touches a label or a conclusion."""
    if fix.applicability == "display-only":
        return fix
    legal = letter.derived(_legal_spans_by_line, reader)
    if any(
        _overlaps(edit.span, region)
        for edit in fix.edits
        for line in range(edit.span.line, edit.span.end_line + 1)
        for region in legal.get(line, ())
    ):
        return dataclasses.replace(fix, applicability="display-only")
    return fix
