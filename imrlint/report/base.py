"""What every output format implements."""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from imrlint.rules.findings import SEVERITIES, Finding


@dataclass(frozen=True)
class RuleInfo:
    """A rule as reports describe it: identity, effective settings and documentation."""

    code: str
    name: str
    severity: str
    enabled: bool
    summary: str
    doc: str
    group: str = ""


def run_date() -> datetime.datetime:
    """Now, in UTC; or SOURCE_DATE_EPOCH when set (reproducible reports).  A value that is not a
    date (not a whole number of seconds since 1970, or past the year 9999) is said on standard
    error and the current time used."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        except (ValueError, OverflowError, OSError):
            print(
                f"imrlint: warning: SOURCE_DATE_EPOCH={printable(epoch)[:40]} is not a date (seconds since 1970, up to "
                "the year 9999); the report is dated now",
                file=sys.stderr,
            )
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


@dataclass(frozen=True)
class ReportContext:
    """What a report may say about the run besides its findings: every known rule with its
    effective settings (``enabled`` tells which ran), the configuration used, imrlint's version,
    the date, whether the report is redacted, and the command-line settings worth recording."""

    rules: tuple[RuleInfo, ...] = ()
    config_source: str = "defaults"
    version: str = ""
    redact: bool = False
    created: datetime.datetime = field(default_factory=run_date)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def enabled_rules(self) -> tuple[RuleInfo, ...]:
        return tuple(rule for rule in self.rules if rule.enabled)


# What a terminal or a reader could mistake for something else: control characters (a newline in a
# file name forges a line, ESC drives the terminal), the marks that reorder text (right-to-left
# override), line separators, and the lone surrogates that stand for the bytes of a file name that
# is not UTF-8.  Tab is text.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 file name, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character in :data:`_UNPRINTABLE` written as a Python escape
    (``\\x1b``, ``\\u202e``; a non-UTF-8 byte of a file name as ``\\xff``)."""
    return _UNPRINTABLE.sub(_escaped, text) if _UNPRINTABLE.search(text) else text


def _printable_finding(finding: Finding) -> Finding:
    unit = finding.unit
    if unit is not None and _UNPRINTABLE.search(unit[1]):
        unit = (unit[0], printable(unit[1]))
    if unit is finding.unit and not _UNPRINTABLE.search(finding.path) and not _UNPRINTABLE.search(finding.message):
        return finding
    return dataclasses.replace(finding, path=printable(finding.path), message=printable(finding.message), unit=unit)


def printable_report(report):
    """``report`` as every format shows it: its path, messages, paragraph words and item headings
    :func:`printable`; in the excerpts of the letter (HTML, SARIF) each such character is
    U+FFFD, one for one, so that columns still point at the same characters."""
    findings = [_printable_finding(finding) for finding in report.findings]
    headings = [
        dataclasses.replace(item, heading=printable(item.heading)) if _UNPRINTABLE.search(item.heading) else item
        for item in report.item_details
    ]
    excerpts = {line: _UNPRINTABLE.sub("\ufffd", text) for line, text in report.excerpts.items()}
    changed = (
        report.path != printable(report.path)
        or any(new is not old for new, old in zip(findings, report.findings, strict=False))
        or any(new is not old for new, old in zip(headings, report.item_details, strict=False))
        or excerpts != report.excerpts
    )
    if not changed:
        return report
    return dataclasses.replace(
        report, path=printable(report.path), findings=findings, item_details=headings, excerpts=excerpts
    )


def report_context(rule_set, config, *, redact: bool = False, settings: dict[str, Any] | None = None) -> ReportContext:
    """The ReportContext of a run with ``rule_set`` under ``config``."""
    from imrlint import __version__

    rules = []
    for code, settings_ in config.rules.items():
        rule = rule_set.rules.get(code)
        rules.append(
            RuleInfo(
                code,
                settings_.name,
                settings_.severity,
                settings_.enabled,
                settings_.summary,
                rule.doc if rule else settings_.summary,
                getattr(settings_, "group", ""),
            )
        )
    return ReportContext(
        tuple(rules), getattr(config, "source", "defaults"), __version__, redact, settings=dict(settings or {})
    )


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
        letter = getattr(report, "letter", True)  # a directory's problem is not a letter
        self.files += letter
        self.items += report.items
        for label, count in report.labels.items():
            self.labels[label] = self.labels.get(label, 0) + count
        if letter and any(finding.severity == "error" for finding in report.findings):
            self.files_with_errors += 1
        for finding in report.findings:
            self.by_severity[finding.severity] += 1
            key = f"{finding.code} {finding.name}"
            self.by_rule[key] = self.by_rule.get(key, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())

    def line(self) -> str:
        counts = ", ".join(
            f"{count} {severity}{'s' if severity != 'info' and count != 1 else ''}"
            for severity, count in self.by_severity.items()
        )
        letters = "letter" if self.files == 1 else "letters"
        return f"Checked {self.files} {letters}: {counts} ({self.files_with_errors} with errors)."


class Reporter:
    """Base class of output formats: ``start``, then ``file`` per linted file, then ``finish``.

    Before ``start`` the runner sets ``context`` (a :class:`ReportContext`: the rules, the
    configuration, whether the run is redacted).  A format that shows the letter text around its
    findings sets ``wants_excerpts``; FileReport.excerpts is then filled (never under --redact).
    ``machine_readable`` formats keep standard output for themselves (--statistics then goes to
    standard error).
    """

    context: ReportContext = ReportContext()
    wants_excerpts = False
    machine_readable = True

    def __init__(self, stream: TextIO):
        self.stream = stream

    def start(self) -> None:
        """Called once before the first file."""

    def file(self, report) -> None:
        """Called with each file's FileReport, in input order."""

    def finish(self, summary: RunSummary) -> None:
        """Called once after the last file."""


def location(finding: Finding) -> str:
    """ "path:line:col", with the page ("path:page 2:line:col") for a PDF."""
    unit = f"{finding.unit_kind} {finding.unit[0]}:" if finding.unit and finding.unit_kind == "page" else ""
    return f"{finding.path}:{unit}{finding.span.line}:{finding.span.column}"


def paragraph_note(finding: Finding) -> str:
    """'paragraph 12, offset 34: "first words"' for a DOCX finding, else ""."""
    if not finding.unit or finding.unit_kind != "paragraph":
        return ""
    offset = f", offset {finding.unit_offset}" if finding.unit_offset is not None else ""
    words = f': "{finding.unit[1]}"' if finding.unit[1] else ""
    return f"paragraph {finding.unit[0]}{offset}{words}"
