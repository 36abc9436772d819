"""The text format: one line per finding, for people and editors, then a summary line."""

from __future__ import annotations

from .base import Reporter, RunSummary, location


class TextReporter(Reporter):
    """``path:line:col: CODE [severity] message`` per finding, then "Checked N letters: ..."."""

    def file(self, report) -> None:
        for finding in report.findings:
            paragraph = f" (paragraph {finding.unit[0]}: \"{finding.unit[1]}\")" if finding.unit and finding.unit_kind == "paragraph" else ""
            self.stream.write(f"{location(finding)}: {finding.code} [{finding.severity}] {finding.message}{paragraph}\n")

    def finish(self, summary: RunSummary) -> None:
        self.stream.write(summary.line() + "\n")
