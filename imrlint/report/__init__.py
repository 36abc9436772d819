"""Output formats, one module each.  A reporter receives each file's findings as soon as the
file is linted (in input order) and the run's summary at the end, so output streams and memory
stays flat however many letters are linted.  Plugins add formats through the
``imrlint_formats`` hook."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from imrlint.report.base import ReportContext, Reporter, RuleInfo, RunSummary


class Formats(Mapping[str, type[Reporter]]):
    """Reporter classes by format name.  A format given as ``"module:Class"`` is imported when it
    is first looked up: a run imports the one format it writes, not all of them (the HTML
    report's module alone takes longer to import than an editor's whole lint of a letter)."""

    def __init__(self, entries: Mapping[str, type[Reporter] | str] | None = None):
        self._entries: dict[str, type[Reporter] | str] = {}
        if entries is not None:
            self.add(entries)

    def add(self, entries: Mapping[str, type[Reporter] | str]) -> None:
        """Add (or replace) formats, keeping another Formats' unimported entries unimported."""
        self._entries.update(entries._entries if isinstance(entries, Formats) else entries)

    def __getitem__(self, name: str) -> type[Reporter]:
        entry = self._entries[name]
        if isinstance(entry, str):
            module, _, attribute = entry.partition(":")
            entry = self._entries[name] = getattr(importlib.import_module(module), attribute)
        return entry

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


BUILTIN_FORMATS = Formats(
    {
        "text": "imrlint.report.text:TextReporter",
        "json": "imrlint.report.json:JsonReporter",
        "jsonl": "imrlint.report.jsonl:JsonLinesReporter",
        "sarif": "imrlint.report.sarif:SarifReporter",
        "junit": "imrlint.report.junit:JunitReporter",
        "github": "imrlint.report.github:GithubReporter",
        "csv": "imrlint.report.csv:CsvReporter",
        "html": "imrlint.report.html:HtmlReporter",
    }
)

__all__ = ["BUILTIN_FORMATS", "Formats", "ReportContext", "Reporter", "RuleInfo", "RunSummary"]
