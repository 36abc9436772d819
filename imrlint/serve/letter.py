"""A linted letter as the page shows it: its text, findings, disputed items and pages or
paragraphs, with every place as an offset into the text in UTF-16 code units (as JavaScript
strings count), and the documentation of the rules that found something."""

from __future__ import annotations

import itertools
from typing import Any

from imrlint.cli.ruledoc import parse_doc
from imrlint.input.document import Document, Span
from imrlint.model.letter import build_letter
from imrlint.report.fixes import fix_label


class Offsets:
    """Offsets of a document's lines and columns, in UTF-16 code units."""

    def __init__(self, document: Document):
        self.document = document
        text = document.text
        self.wide = None
        if any(ord(char) > 0xFFFF for char in text):
            self.wide = list(itertools.accumulate((2 if ord(char) > 0xFFFF else 1 for char in text), initial=0))

    def of(self, offset: int) -> int:
        return self.wide[offset] if self.wide is not None else offset

    def at(self, line: int, column: int) -> int:
        return self.of(self.document.offset(line, column))

    def span(self, span: Span) -> tuple[int, int]:
        return self.at(span.line, span.column), self.at(span.end_line, span.end_column)


def rule_parts(rule_set, code: str) -> dict[str, Any]:
    """What a rule finds, why (with its legal basis), its examples and how to fix it."""
    settings = rule_set.defaults.get(code)
    rule = rule_set.rules.get(code)
    doc = parse_doc(rule.doc if rule is not None else "")
    return {
        "code": code,
        "name": settings.name if settings else "",
        "what": doc.what or (settings.summary if settings else ""),
        "why": doc.why,
        "fails": doc.fails,
        "passes": doc.passes,
        "fix": doc.fix,
    }


def letter_view(name: str, document: Document, report, rule_set) -> dict[str, Any]:
    """The JSON the page draws a letter from."""
    offsets = Offsets(document)
    findings = []
    for index, finding in enumerate(report.findings):
        start, end = offsets.span(finding.span)
        shown: dict[str, Any] = {
            "index": index,
            "code": finding.code,
            "name": finding.name,
            "severity": finding.severity,
            "message": finding.message,
            "line": finding.span.line,
            "column": finding.span.column,
            "start": start,
            "end": end,
            "item": finding.item,
        }
        if finding.unit is not None:
            shown[finding.unit_kind] = finding.unit[0]
        if finding.fix is not None:
            shown["fix"] = {
                "message": finding.fix.message,
                "applicability": finding.fix.applicability,
                "label": fix_label(finding.fix),
                "edits": [
                    {"start": edit_start, "end": edit_end, "replacement": edit.replacement}
                    for edit in finding.fix.edits
                    for edit_start, edit_end in [offsets.span(edit.span)]
                ],
            }
        findings.append(shown)
    letter = build_letter(document)
    items = [
        {
            "index": item.index,
            "heading": item.name.text,
            "label": item.decision,
            "start": offsets.of(item.heading.start),
        }
        for item in letter.items
    ]
    units = [
        {"number": number, "label": label, "start": offsets.of(start)}
        for number, (start, label) in enumerate(document.units, 1)
    ]
    codes = dict.fromkeys(finding.code for finding in report.findings)
    return {
        "name": name,
        "kind": document.kind,
        "unit_kind": document.unit_kind,
        "text": document.text,
        "findings": findings,
        "items": items,
        "units": units,
        "rules": {code: rule_parts(rule_set, code) for code in codes},
    }
