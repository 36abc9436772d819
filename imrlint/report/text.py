"""The text format: one line per finding, for people and editors, then a summary line."""

from __future__ import annotations

from imrlint.report.base import Reporter, RunSummary, location, paragraph_note


class TextReporter(Reporter):
    """``path:line:col: CODE [severity] message`` per finding, then "Checked N letters: ..."."""

    machine_readable = False

    def file(self, report) -> None:
        for finding in report.findings:
            note = paragraph_note(finding)
            paragraph = f" ({note})" if note else ""
            self.stream.write(
                f"{location(finding)}: {finding.code} [{finding.severity}] {finding.message}{paragraph}\n"
            )

    def finish(self, summary: RunSummary) -> None:
        self.stream.write(summary.line() + "\n")
