"""The SARIF 2.1.0 format: one run of imrlint, for code-scanning tools and auditors' systems.

The run's ``tool.driver.rules`` lists every rule with its summary, documentation (``help``) and
default level and enabled flag; each result names its rule, level (``note`` for info), message,
physical location (an artifact URI relative to ``%SRCROOT%``, the working directory, and a region
in unicode code points) and a stable fingerprint, ``partialFingerprints["imrlint/v1"]``.

The fingerprint is a SHA-256 of the rule code, the path, the disputed item's heading and the text
the finding points at (whitespace collapsed), plus an occurrence number among identical findings:
it does not change when lines are added or removed elsewhere in the letter.  Under --redact the
letter's text is not used: the item's index and the redacted message (numbers masked) are.
Without --redact, ``partialFingerprints["imrlintBaseline/v1"]`` also gives the fingerprint a
baseline file records for the finding (:mod:`imrlint.filter.baseline`).
A finding's fix is the result's ``fixes`` (:func:`imrlint.report.fixes.sarif_fix`), with its
applicability in the fix's properties.
Results are streamed as files finish.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import re
import urllib.parse

from imrlint.report.base import Reporter, RunSummary
from imrlint.report.excerpt import passage_text
from imrlint.report.fixes import sarif_fix

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "imrlint/v1"
BASELINE_KEY = "imrlintBaseline/v1"
_DIGITS = re.compile(r"\d+")


def artifact_location(path: str) -> dict:
    """An artifactLocation: a relative URI against %SRCROOT% or an absolute file: URI."""
    if os.path.isabs(path):
        return {"uri": pathlib.Path(path).as_uri()}
    return {"uri": urllib.parse.quote(pathlib.PurePath(path).as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}


def fingerprint_basis(finding, heading: str, passage: str | None, redacted: bool) -> str:
    if redacted or passage is None:
        where = f"item {finding.item}" if redacted else heading
        return "\x00".join((finding.code, finding.path, where, _DIGITS.sub("#", finding.message)))
    return "\x00".join((finding.code, finding.path, " ".join(heading.split()), passage))


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class SarifReporter(Reporter):
    wants_excerpts = True
    wants_fingerprints = True  # Finding.fingerprint, the one baselines match: BASELINE_KEY

    def start(self) -> None:
        context = self.context
        self.rule_index = {rule.code: index for index, rule in enumerate(context.rules)}
        self.internal_error = False
        self.count = 0
        rules = [
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.doc.split("\n\n", 1)[0].replace("\n", " ").strip() or rule.summary},
                "help": {"text": f"{rule.doc}\n\n(imrlint rule {rule.code})"},
                "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning"), "enabled": rule.enabled},
                "properties": {"tags": [rule.group] if rule.group else [], "severity": rule.severity},
            }
            for rule in context.rules
        ]
        tool = {
            "driver": {
                "name": "imrlint",
                "version": context.version,
                "semanticVersion": context.version,
                "rules": rules,
            }
        }
        base = {"%SRCROOT%": {"uri": pathlib.Path.cwd().as_uri().rstrip("/") + "/"}}
        self.stream.write(
            '{"$schema":'
            + _json(SCHEMA_URI)
            + ',"version":"2.1.0","runs":[{\n"tool":'
            + _json(tool)
            + ',\n"columnKind":"unicodeCodePoints","originalUriBaseIds":'
            + _json(base)
            + ',\n"results":['
        )

    def file(self, report) -> None:
        self.internal_error = self.internal_error or report.internal_error
        headings = {item.index: item.heading for item in report.item_details}
        seen: dict[str, int] = {}
        out = []
        redacted = self.context.redact
        for finding in report.findings:
            heading = headings.get(finding.item, "") if finding.item is not None else ""
            basis = fingerprint_basis(
                finding, heading, None if redacted else passage_text(finding, report.excerpts), redacted
            )
            occurrence = seen.get(basis, 0)
            seen[basis] = occurrence + 1
            digest = hashlib.sha256(f"{basis}\x00{occurrence}".encode("utf-8", "surrogatepass")).hexdigest()
            span = finding.span
            region = {
                "startLine": span.line,
                "startColumn": span.column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
            }
            properties = {"severity": finding.severity, "name": finding.name}
            if finding.item is not None:
                properties["item"] = finding.item
            if finding.unit is not None:
                properties[finding.unit_kind or "unit"] = finding.unit[0]
            result = {
                "ruleId": finding.code,
                "level": LEVELS.get(finding.severity, "warning"),
                "message": {"text": finding.message},
                "locations": [
                    {"physicalLocation": {"artifactLocation": artifact_location(finding.path), "region": region}}
                ],
                "partialFingerprints": {
                    FINGERPRINT_KEY: digest,
                    **(
                        {BASELINE_KEY: finding.fingerprint}
                        if getattr(finding, "fingerprint", None) and not redacted
                        else {}
                    ),
                },
                "properties": properties,
            }
            if finding.code in self.rule_index:
                result["ruleIndex"] = self.rule_index[finding.code]
            if finding.fix is not None:
                result["fixes"] = [sarif_fix(finding.fix, artifact_location(finding.path))]
            out.append(("," if self.count else "") + "\n" + _json(result))
            self.count += 1
        self.stream.write("".join(out))

    def finish(self, summary: RunSummary) -> None:
        invocation = {"executionSuccessful": not self.internal_error}
        properties = {
            "letters": summary.files,
            "lettersWithErrors": summary.files_with_errors,
            "items": summary.items,
            "findingsBySeverity": summary.by_severity,
            "labels": summary.labels,
            "configuration": self.context.config_source,
            "redacted": self.context.redact,
        }
        self.stream.write(
            '\n],\n"invocations":[' + _json(invocation) + '],\n"properties":' + _json(properties) + "}]}\n"
        )
