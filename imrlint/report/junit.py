"""The JUnit XML format, for CI systems that show test reports (Jenkins, GitLab, Azure...).

One ``<testsuite>`` per letter (its name and each test's classname are the letter's path) and in
it one ``<testcase>`` per rule that ran, named ``CODE name``.  A rule with error findings has a
``<failure>`` listing them; a rule that crashed on the letter (IMR900) has an ``<error>``;
warnings and info do not fail the test and are listed in its ``<system-out>``.  The root
``<testsuites>`` carries the totals.  Each suite is built with ElementTree and written as its
letter finishes (spooled to a temporary file, so the totals can lead the document).
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from typing import cast

from imrlint.report.base import Reporter, RunSummary

INTERNAL_ERROR = "IMR900"
# Characters XML 1.0 does not allow (a letter may hold stray control characters).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _line(finding) -> str:
    return clean(f"{finding.span.line}:{finding.span.column}: {finding.code} [{finding.severity}] {finding.message}")


class JunitReporter(Reporter):
    def start(self) -> None:
        self.rules = [(rule.code, rule.name) for rule in self.context.enabled_rules]
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115  (closed by finish())
        self.totals = {"tests": 0, "failures": 0, "errors": 0}

    def file(self, report) -> None:
        import xml.etree.ElementTree as ET  # imported when used: start-up stays fast for editors

        by_code: dict[str, list] = {}
        crashed: dict[str, list] = {}
        for finding in report.findings:
            by_code.setdefault(finding.code, []).append(finding)
            if finding.code == INTERNAL_ERROR:
                rule = dict(finding.fields).get("rule")
                if isinstance(rule, str):
                    crashed.setdefault(rule, []).append(finding)
        rules = list(self.rules)
        known = {code for code, _ in rules}
        rules.extend((code, findings[0].name) for code, findings in by_code.items() if code not in known)
        suite = ET.Element("testsuite", name=clean(report.path))
        failures = errors = 0
        for code, name in rules:
            case = ET.SubElement(suite, "testcase", name=f"{code} {name}", classname=clean(report.path))
            findings = by_code.get(code, [])
            failing = [finding for finding in findings if finding.severity == "error"]
            if code in crashed or (code == INTERNAL_ERROR and findings):
                broken = crashed.get(code) or findings
                element = ET.SubElement(case, "error", message=clean(broken[0].message), type="internal-error")
                element.text = "\n".join(_line(finding) for finding in broken)
                errors += 1
            elif failing:
                element = ET.SubElement(
                    case,
                    "failure",
                    message=clean(failing[0].message) if len(failing) == 1 else f"{len(failing)} errors",
                    type="error",
                )
                element.text = "\n".join(_line(finding) for finding in failing)
                failures += 1
            others = [finding for finding in findings if finding.severity != "error"]
            if others:
                ET.SubElement(case, "system-out").text = "\n".join(_line(finding) for finding in others)
        suite.set("tests", str(len(rules)))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("skipped", "0")
        self.totals["tests"] += len(rules)
        self.totals["failures"] += failures
        self.totals["errors"] += errors
        self.spool.write(ET.tostring(suite, encoding="unicode"))
        self.spool.write("\n")

    def finish(self, summary: RunSummary) -> None:
        from xml.sax.saxutils import XMLGenerator
        from xml.sax.xmlreader import AttributesImpl

        # XMLGenerator writes text to a text stream (typeshed knows only its byte streams)
        generator = XMLGenerator(cast(io.TextIOBase, self.stream), "utf-8", short_empty_elements=False)
        generator.startDocument()
        generator.startElement(
            "testsuites", AttributesImpl({"name": "imrlint", **{key: str(value) for key, value in self.totals.items()}})
        )
        self.stream.write("\n")
        self.spool.seek(0)
        shutil.copyfileobj(self.spool, self.stream)
        self.spool.close()
        generator.endElement("testsuites")
        self.stream.write("\n")
