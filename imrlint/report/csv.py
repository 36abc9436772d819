"""The CSV format: a header row, then one row per finding, for spreadsheets and audits.

Columns: ``path, line, column, end_line, end_column, code, name, severity, message, item,
item_heading, item_label, page, paragraph``.  ``item`` is the disputed item's 1-based index,
``item_heading`` its heading (whitespace collapsed) and ``item_label`` its decision (Upheld,
Overturned, or empty when the heading has none).  A text cell that a spreadsheet would run as a
formula (one starting with ``=``, ``+``, ``-``, ``@``, tab or CR) is prefixed with ``'``.
"""

from __future__ import annotations

import csv

from imrlint.report.base import Reporter

COLUMNS = (
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "code",
    "name",
    "severity",
    "message",
    "item",
    "item_heading",
    "item_label",
    "page",
    "paragraph",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """Text made safe from spreadsheet formula injection."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


class CsvReporter(Reporter):
    def start(self) -> None:
        self.writer = csv.writer(self.stream, lineterminator="\n")
        self.writer.writerow(COLUMNS)

    def file(self, report) -> None:
        items = {item.index: item for item in report.item_details}
        rows = []
        for finding in report.findings:
            span = finding.span
            item = items.get(finding.item) if finding.item is not None else None
            unit = finding.unit[0] if finding.unit is not None else ""
            rows.append(
                (
                    cell(finding.path),
                    span.line,
                    span.column,
                    span.end_line,
                    span.end_column,
                    finding.code,
                    finding.name,
                    finding.severity,
                    cell(finding.message),
                    finding.item if finding.item is not None else "",
                    cell(item.heading) if item is not None else "",
                    (item.label or "") if item is not None else "",
                    unit if finding.unit_kind == "page" else "",
                    unit if finding.unit_kind == "paragraph" else "",
                )
            )
        self.writer.writerows(rows)
