"""What every output format implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from ..findings import SEVERITIES, Finding


@dataclass
class RunSummary:
    """Counts over a whole run, kept as files finish."""

    files: int = 0
    files_with_errors: int = 0
    items: int = 0
    by_severity: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    by_rule: dict[str, int] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)

    def add(self, report) -> None:
        self.files += 1
        self.items += report.items
        for label, count in report.labels.items():
            self.labels[label] = self.labels.get(label, 0) + count
        if any(finding.severity == "error" for finding in report.findings):
            self.files_with_errors += 1
        for finding in report.findings:
            self.by_severity[finding.severity] += 1
            key = f"{finding.code} {finding.name}"
            self.by_rule[key] = self.by_rule.get(key, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())

    def line(self) -> str:
        counts = ", ".join(f"{count} {severity}{'s' if severity != 'info' and count != 1 else ''}" for severity, count in self.by_severity.items())
        letters = "letter" if self.files == 1 else "letters"
        return f"Checked {self.files} {letters}: {counts} ({self.files_with_errors} with errors)."


class Reporter:
    """Base class of output formats: ``start``, then ``file`` per linted file, then ``finish``."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def start(self) -> None:
        """Called once before the first file."""

    def file(self, report) -> None:
        """Called with each file's FileReport, in input order."""

    def finish(self, summary: RunSummary) -> None:
        """Called once after the last file."""


def location(finding: Finding) -> str:
    """"path:line:col", with the page ("path:page 2:line:col") for a PDF."""
    unit = f"{finding.unit_kind} {finding.unit[0]}:" if finding.unit and finding.unit_kind == "page" else ""
    return f"{finding.path}:{unit}{finding.span.line}:{finding.span.column}"
