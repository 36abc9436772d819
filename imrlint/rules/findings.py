"""Findings: what a rule reports, where, and how severe it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from imrlint.input.document import Span

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


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

    @property
    def sort_key(self) -> tuple:
        return (self.span.line, self.span.column, self.code, self.span.end_line, self.span.end_column, self.message)
