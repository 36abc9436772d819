"""Findings: what a rule reports, where, and how severe it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from imrlint.input.document import Document, Span

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

APPLICABILITIES = ("safe", "unsafe", "display-only")
"""How sure a fix is (as Ruff's): ``safe`` — the correction is certain, ``check --fix`` applies it;
``unsafe`` — likely but not certain, applied only with ``--unsafe-fixes``; ``display-only`` —
shown as a suggestion, never applied by imrlint (a fix that would rewrite legal wording: an
item's label, a rationale's conclusion)."""


@dataclass(frozen=True)
class Edit:
    """Replace the text at ``span`` with ``replacement``: an empty replacement deletes, an empty
    span inserts."""

    span: Span
    replacement: str


@dataclass(frozen=True)
class Fix:
    """A machine-applicable correction of a finding: its edits (apart from each other), what it
    does in a few words of imrlint's own (``message``, never letter text) and how sure it is."""

    message: str
    edits: tuple[Edit, ...]
    applicability: str = "safe"


def replacement(document: Document, start: int, end: int, text: str) -> Edit:
    """The Edit that puts ``text`` in place of the document's characters [start, end)."""
    return Edit(document.span(start, end), text)


def removal(document: Document, start: int, end: int) -> Edit:
    """The Edit that deletes the words at [start, end) with the blanks that kept them apart: the
    whole line when nothing else is on it, else the blanks after them on their line, else those
    before (a line break is never joined to the next line's text)."""
    text = document.text
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    before = start
    while before > line_start and text[before - 1] in " \t\f":
        before -= 1
    after = end
    while after < len(text) and text[after] in " \t\f":
        after += 1
    at_line_end = after == len(text) or text[after] in "\r\n"
    if before == line_start and at_line_end:
        line_break = text[after : after + 2] if text.startswith("\r\n", after) else text[after : after + 1]
        return Edit(document.span(line_start, after + len(line_break)), "")
    if not at_line_end:
        return Edit(document.span(start, after), "")
    return Edit(document.span(before, end), "")


@dataclass(frozen=True)
class Finding:
    """One problem in one letter.

    ``unit`` is the page (PDF) or paragraph (DOCX) that holds the finding's start, as
    (number, label), and ``unit_offset`` how many characters of that unit come before the start
    (0-based); ``item`` the 1-based index of the disputed item it concerns, if any.
    """

    path: str
    span: Span
    code: str
    name: str
    severity: str
    message: str
    unit: tuple[int, str] | None = None
    unit_kind: str = ""
    item: int | None = None
    unit_offset: int | None = None
    # The message template and the values filled into it (numbers kept as int, anything else as
    # str), so that a report can be redacted: see imrlint.report.redact.
    template: str = field(default="", compare=False, repr=False)
    fields: tuple[tuple[str, int | str], ...] = field(default=(), compare=False, repr=False)
    # A line-independent identity of the finding (rule, item, text context), set when the Linter
    # collects fingerprints (baselines, SARIF partialFingerprints): see imrlint.filter.baseline.
    fingerprint: str | None = field(default=None, compare=False, repr=False)
    # The correction, where the rule is sure of it: see Fix.
    fix: Fix | None = field(default=None, compare=False, repr=False)
    # The other passages the finding refers to (the conclusion a label contradicts, the line its
    # message names), for reports that show them beside it (HTML).
    related: tuple[Span, ...] = field(default=(), compare=False, repr=False)

    @property
    def sort_key(self) -> tuple:
        return (self.span.line, self.span.column, self.code, self.span.end_line, self.span.end_column, self.message)
