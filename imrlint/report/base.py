"""What every output format implements."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from typing import Any, TextIO

from ..findings import SEVERITIES, Finding


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


@dataclass(frozen=True)
class ReportContext:
    """What a report may say about the run besides its findings: every known rule with its
    effective settings (``enabled`` tells which ran), the configuration used, imrlint's version,
    the date, whether the report is redacted, and the command-line settings worth recording."""

    rules: tuple[RuleInfo, ...] = ()
    config_source: str = "defaults"
    version: str = ""
    redact: bool = False
    created: datetime.datetime = field(default_factory=lambda: run_date())
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def enabled_rules(self) -> tuple[RuleInfo, ...]:
        return tuple(rule for rule in self.rules if rule.enabled)


def run_date() -> datetime.datetime:
    """Now, in UTC; or SOURCE_DATE_EPOCH when set (reproducible reports)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def report_context(rule_set, config, *, redact: bool = False, settings: dict[str, Any] | None = None) -> ReportContext:
    """The ReportContext of a run with ``rule_set`` under ``config``."""
    from .. import __version__

    rules = []
    for code, settings_ in config.rules.items():
        rule = rule_set.rules.get(code)
        rules.append(RuleInfo(code, settings_.name, settings_.severity, settings_.enabled, settings_.summary, rule.doc if rule else settings_.summary, getattr(settings_, "group", "")))
    return ReportContext(tuple(rules), getattr(config, "source", "defaults"), __version__, redact, settings=dict(settings or {}))


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
        counts = ", ".join(f"{count} {severity}{'s' if severity != 'info' and count != 1 else ''}" for severity, count in self.by_severity.items())
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
    """"path:line:col", with the page ("path:page 2:line:col") for a PDF."""
    unit = f"{finding.unit_kind} {finding.unit[0]}:" if finding.unit and finding.unit_kind == "page" else ""
    return f"{finding.path}:{unit}{finding.span.line}:{finding.span.column}"


def paragraph_note(finding: Finding) -> str:
    """'paragraph 12, offset 34: "first words"' for a DOCX finding, else ""."""
    if not finding.unit or finding.unit_kind != "paragraph":
        return ""
    offset = f", offset {finding.unit_offset}" if finding.unit_offset is not None else ""
    words = f': "{finding.unit[1]}"' if finding.unit[1] else ""
    return f"paragraph {finding.unit[0]}{offset}{words}"
