"""Findings: what a rule reports, where, and how severe it is."""

from __future__ import annotations

from dataclasses import dataclass

from .document import Span

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Finding:
    """One problem in one letter.

    ``unit`` is the page (PDF) or paragraph (DOCX) that holds the finding's start, as
    (number, label); ``item`` the 1-based index of the disputed item it concerns, if any.
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

    @property
    def sort_key(self) -> tuple:
        return (self.span.line, self.span.column, self.code, self.span.end_line, self.span.end_column, self.message)
