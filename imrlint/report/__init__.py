"""Output formats, one module each.  A reporter receives each file's findings as soon as the
file is linted (in input order) and the run's summary at the end, so output streams and memory
stays flat however many letters are linted.  Plugins add formats through the
``imrlint_formats`` hook."""

from __future__ import annotations

from imrlint.report.base import ReportContext, Reporter, RuleInfo, RunSummary
from imrlint.report.csv import CsvReporter
from imrlint.report.github import GithubReporter
from imrlint.report.html import HtmlReporter
from imrlint.report.json import JsonReporter
from imrlint.report.jsonl import JsonLinesReporter
from imrlint.report.junit import JunitReporter
from imrlint.report.sarif import SarifReporter
from imrlint.report.text import TextReporter

BUILTIN_FORMATS = {
    "text": TextReporter,
    "json": JsonReporter,
    "jsonl": JsonLinesReporter,
    "sarif": SarifReporter,
    "junit": JunitReporter,
    "github": GithubReporter,
    "csv": CsvReporter,
    "html": HtmlReporter,
}

__all__ = ["BUILTIN_FORMATS", "ReportContext", "Reporter", "RuleInfo", "RunSummary"]
