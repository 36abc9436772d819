"""The linting pipeline for one letter: read -> normalise -> parse -> model -> rules -> filter.

A Linter is built once per run (rule set, configuration, knowledge) and then lints any number of
files; nothing it does for one file can stop the others being linted.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import signal
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from imrlint.config.settings import DEFAULT_TIME_BUDGET, Config
from imrlint.errors import describe_error
from imrlint.input.document import Document, Span
from imrlint.input.read import DEFAULT_MAX_BYTES, InputProblem, ReadResult, read_bytes, read_file, read_path
from imrlint.lint.discovery import is_url
from imrlint.lint.knowledge import load_knowledge
from imrlint.plugins.manager import RuleSet
from imrlint.regexes import load_kept_regexes
from imrlint.rules.base import Check, RuleContext, RuleSettings, loaded
from imrlint.rules.findings import Finding

if TYPE_CHECKING:
    from imrlint.lint.cache import LetterCache
    from imrlint.model.letter import Letter


@dataclass(frozen=True)
class ItemDetail:
    """A disputed item as reports show it: its 1-based index, heading (whitespace collapsed),
    label ("Upheld", "Overturned" or None) and the heading's span."""

    index: int
    heading: str
    label: str | None
    span: Span


@dataclass
class FileReport:
    """The outcome of linting one file.

    ``item_details`` describe the disputed items (for reports that show headings); ``excerpts``
    holds, only when the Linter's ``collect_excerpts`` is set, the text of the lines around each
    finding (line number to line), for reports that show the passage a finding points at.
    """

    path: str
    findings: list[Finding] = field(default_factory=list)
    items: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    internal_error: bool = False
    item_details: list[ItemDetail] = field(default_factory=list)
    excerpts: dict[int, str] = field(default_factory=dict)
    letter: bool = True  # False for a report on what is not a letter (a directory that could not be searched)


class TimeBudgetExceeded(BaseException):
    """A letter's time budget ran out (a BaseException: a rule's ``except Exception`` must not
    swallow it)."""


def _ring(signal_number, frame) -> None:
    raise TimeBudgetExceeded


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Raise TimeBudgetExceeded wherever the block is after ``seconds`` (a timer signal, which
    also stops a regular expression that backtracks), in the main thread where the platform has
    one; elsewhere the block is checked between rules."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Linter:
    collect_excerpts = False  # set to fill FileReport.excerpts (the HTML and SARIF reports use them)
    collect_fingerprints = False  # set to fill Finding.fingerprint (baselines: imrlint.filter.baseline)
    _deadline = math.inf  # when the letter being linted runs out of time (lint_path, lint_bytes)
    show_traceback = False  # set to print the traceback of a rule that fails (--show-traceback)
    cache: LetterCache | None = None  # set to keep reports between runs (imrlint.lint.cache)
    _cache_settings: str | None = None  # what the configuration and rules add to every cache key

    def __init__(self, rule_set: RuleSet, config: Config):
        self.rule_set = rule_set
        self.config = config
        self.knowledge = load_knowledge(config)
        self.max_bytes = config.max_bytes or DEFAULT_MAX_BYTES
        self.time_budget = config.time_budget or DEFAULT_TIME_BUDGET
        self.rules = [
            (rule.code, rule.check, config.rules[code])
            for code, rule in rule_set.rules.items()
            if rule.check is not None and config.rules[code].enabled
        ]
        self.by_name = {settings.name: settings for settings in config.rules.values()}

    @functools.cached_property
    def checks(self) -> list[tuple[str, Check, RuleSettings]]:
        """The rules that run, their checks imported: when a letter is first linted, so that a
        run answered from the cache imports no rule module (nor the model they read)."""
        return [(code, loaded(check), settings) for code, check, settings in self.rules]

    def lint_path(self, path: str, display_path: str | None = None) -> FileReport:
        if self.cache is None and not is_url(path):
            return self._within_budget(
                display_path or path,
                lambda report: self._lint_read(report, read_path(path, display_path, max_bytes=self.max_bytes)),
            )
        if is_url(path):
            from imrlint.lint.remote import read_url

            data = read_url(path, self.max_bytes)
        else:
            data = read_file(path, self.max_bytes)
        if isinstance(data, ReadResult):  # nothing to look up: said at once
            return self._within_budget(display_path or path, lambda report: self._lint_read(report, data))
        return self.lint_bytes(data, display_path or path)

    def lint_bytes(self, data: bytes, display_path: str) -> FileReport:
        cache = self.cache
        key = None
        if cache is not None:
            settings = self._cache_key_settings()
            if settings is not None:
                from imrlint.lint.cache import letter_key

                key = letter_key(settings, data, display_path)
                kept = cache.report(key)
                if kept is not None:
                    return kept
        report = self._within_budget(
            display_path,
            lambda report: self._lint_read(
                report,
                read_bytes(
                    data, display_path, max_bytes=self.max_bytes, extract=cache.extracted if cache is not None else None
                ),
            ),
        )
        if cache is not None and key is not None:
            cache.keep_report(key, report)
        return report

    def _cache_key_settings(self) -> str | None:
        """What this linter adds to a letter's cache key: imrlint's code, the rules, the
        configuration and what reports collect; None when its results cannot be kept."""
        if self._cache_settings is None:
            from imrlint.lint.cache import code_fingerprint, config_fingerprint, rules_fingerprint

            rules, config = rules_fingerprint(self.rules), config_fingerprint(self.config)
            self._cache_settings = "" if rules is None or config is None else f"{code_fingerprint()}:{rules}:{config}"
        if not self._cache_settings:
            return None
        return f"{self._cache_settings}:{os.getcwd()}:{self.collect_excerpts}:{self.collect_fingerprints}"

    def _within_budget(self, path: str, lint) -> FileReport:
        """``lint(report)`` run on a new report for ``path`` within the letter's time budget: past
        it, the findings made so far and an IMR011 finding."""
        report = FileReport(path)
        self._deadline = time.monotonic() + self.time_budget
        try:
            with _alarm(self.time_budget):
                lint(report)
        except TimeBudgetExceeded:
            settings = self.by_name["time-budget-exceeded"]
            if settings.enabled:
                report.findings.append(
                    RuleContext(settings, self.knowledge, path).finding(
                        Span(1, 1, 1, 1), budget=f"{self.time_budget:g}"
                    )
                )
        finally:
            self._deadline = math.inf
        report.findings.sort(key=lambda finding: finding.sort_key)
        return report

    def _lint_read(self, report: FileReport, result) -> None:
        for problem in result.problems:
            finding = self._input_finding(report.path, problem, result.document)
            if finding is not None:
                report.findings.append(finding)
        if result.document is not None:
            self._lint_document(result.document, report)

    def _input_finding(self, path: str, problem: InputProblem, document: Document | None) -> Finding | None:
        settings = self.by_name[problem.rule]
        if not settings.enabled:
            return None
        span = document.span(problem.offset, problem.offset) if document is not None else Span(1, 1, 1, 1)
        context = RuleContext(settings, self.knowledge, path)
        return context.finding(span, detail=problem.message)

    def lint_document(self, document: Document) -> FileReport:
        report = FileReport(document.path)
        self._lint_document(document, report)
        report.findings.sort(key=lambda finding: finding.sort_key)
        return report

    def _lint_document(self, document: Document, report: FileReport) -> None:
        load_kept_regexes()  # before the model and the rules compile theirs (a run answered from the cache never does)
        from imrlint.model.letter import build_letter

        letter = build_letter(document, self.knowledge.catalogue)
        report.items = len(letter.items)
        for item in letter.items:
            label = item.decision or "(none)"
            report.labels[label] = report.labels.get(label, 0) + 1
            report.item_details.append(ItemDetail(item.index, item.heading.text, item.decision, item.heading.span))
        for code, check, settings in self.checks:
            context = RuleContext(settings, self.knowledge, document.path, letter)
            try:
                report.findings.extend(check(letter, context))
            except Exception as error:  # a rule's bug must not hide the letter's other findings
                report.internal_error = True
                report.findings.append(self._internal_error(letter, code, error))
            if time.monotonic() > self._deadline:  # where no alarm can ring (not the main thread)
                raise TimeBudgetExceeded
        if self.collect_excerpts:
            from imrlint.report.excerpt import excerpt_lines

            report.excerpts = excerpt_lines(document, report.findings)
        if self.collect_fingerprints:
            from imrlint.filter.baseline import with_fingerprints

            report.findings[:] = with_fingerprints(report.findings, document, letter)

    def _internal_error(self, letter: Letter, code: str, error: Exception) -> Finding:
        if self.show_traceback:
            show_traceback(error)
        context = RuleContext(self.by_name["internal-error"], self.knowledge, letter.document.path, letter)
        return context.finding(
            letter.document.span(0, 0),
            rule=code,
            detail=describe_error(error),
            maintainer=self.rule_set.maintainer(code),
        )


def show_traceback(error: BaseException) -> None:
    """The whole traceback of ``error`` on standard error (--show-traceback, for rule authors)."""
    import sys

    traceback.print_exception(error, file=sys.stderr)
