"""Applying fixes to a text: each fix whole or not at all, none overlapping another."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from imrlint.input.document import Span
from imrlint.rules.findings import Finding, Fix


def applies(fix: Fix | None, unsafe: bool) -> bool:
    """Whether ``check --fix`` applies ``fix`` (unsafe ones only with ``--unsafe-fixes``;
    display-only ones never)."""
    if fix is None:
        return False
    return fix.applicability == "safe" or (unsafe and fix.applicability == "unsafe")


def offset(line_starts: tuple[int, ...], line: int, column: int) -> int:
    """The character offset of a 1-based line and column."""
    return line_starts[line - 1] + column - 1


def _range(line_starts: tuple[int, ...], span: Span) -> tuple[int, int]:
    return offset(line_starts, span.line, span.column), offset(line_starts, span.end_line, span.end_column)


@dataclass
class Applied:
    """A text with fixes applied, and the findings whose fixes were."""

    text: str
    fixed: list[Finding] = field(default_factory=list)


def apply_fixes(text: str, line_starts: tuple[int, ...], findings: Iterable[Finding], unsafe: bool = False) -> Applied:
    """``text`` (whose lines begin at ``line_starts``) with the fixes of ``findings`` that
    :func:`applies` applied.  Fixes are taken in the order of their first edit; one whose edits
    overlap those of a fix already taken is left for another pass (as two insertions at one place
    are), so every fix applied is applied whole, at the positions it was made for."""
    taken: list[tuple[int, int, str]] = []
    fixed = []
    candidates = [finding for finding in findings if applies(finding.fix, unsafe)]
    candidates.sort(key=lambda finding: min(_range(line_starts, edit.span) for edit in finding.fix.edits))  # type: ignore[union-attr]
    for finding in candidates:
        assert finding.fix is not None  # candidates have fixes
        edits = [(*_range(line_starts, edit.span), edit.replacement) for edit in finding.fix.edits]
        if any(_overlap(edit, other) for edit in edits for other in [*taken, *_others(edits, edit)]):
            continue
        taken.extend(edits)
        fixed.append(finding)
    pieces = []
    position = 0
    for start, end, replacement in sorted(taken):
        pieces += [text[position:start], replacement]
        position = end
    pieces.append(text[position:])
    return Applied("".join(pieces), fixed)


def _others(edits: list[tuple[int, int, str]], edit: tuple[int, int, str]) -> list[tuple[int, int, str]]:
    return [other for other in edits if other is not edit]


def _overlap(first: tuple[int, int, str], second: tuple[int, int, str]) -> bool:
    """Whether two edits touch the same characters, or insert at the same place."""
    (start, end, _), (other_start, other_end, _) = first, second
    if start == end and other_start == other_end:
        return start == other_start
    return (start < other_end and other_start < end) or (start == end and other_start < start < other_end)
