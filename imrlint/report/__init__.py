"""Output formats, one module each.  A reporter receives each file's findings as soon as the
file is linted (in input order) and the run's summary at the end, so output streams and memory
stays flat however many letters are linted.  Plugins add formats through the
``imrlint_formats`` hook."""

from __future__ import annotations

from .base import ReportContext, Reporter, RuleInfo, RunSummary
from .csv import CsvReporter
from .github import GithubReporter
from .html import HtmlReporter
from .json import JsonReporter
from .jsonl import JsonLinesReporter
from .junit import JunitReporter
from .sarif import SarifReporter
from .text import TextReporter

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
