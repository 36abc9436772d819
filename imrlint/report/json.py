"""The JSON format: one array of findings, written as files finish.

Each finding is an object with the stable keys ``path``, ``line``, ``column``, ``end_line``,
``end_column`` (1-based; the end column is exclusive), ``code``, ``name``, ``severity`` and
``message``; they never change meaning.  Later keys may be added: ``page`` (PDF),
``paragraph`` and ``paragraph_offset`` (DOCX; the offset is 0-based within the paragraph) and
``item`` (the disputed item's 1-based index) already are, when known, and ``fix`` (the
correction, where the rule is sure of it: :func:`imrlint.report.fixes.fix_record`).
"""

from __future__ import annotations

import json

from imrlint.report.base import Reporter, RunSummary
from imrlint.report.fixes import fix_record
from imrlint.rules.findings import Finding


def finding_record(finding: Finding) -> dict:
    record = {
        "path": finding.path,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity,
        "message": finding.message,
    }
    if finding.unit is not None:
        record[finding.unit_kind] = finding.unit[0]
        if finding.unit_kind == "paragraph" and finding.unit_offset is not None:
            record["paragraph_offset"] = finding.unit_offset
    if finding.item is not None:
        record["item"] = finding.item
    if finding.fix is not None:
        record["fix"] = fix_record(finding.fix)
    return record


class JsonReporter(Reporter):
    def start(self) -> None:
        self.stream.write("[")
        self.count = 0

    def file(self, report) -> None:
        for finding in report.findings:
            self.stream.write(
                ("," if self.count else "") + "\n  " + json.dumps(finding_record(finding), ensure_ascii=False)
            )
            self.count += 1

    def finish(self, summary: RunSummary) -> None:
        self.stream.write("\n]\n" if self.count else "]\n")
