"""Linting one letter the way every runner does (in this process, a pool's worker or a Dask
worker): a failure becomes an IMR900 report, never an exception; reports are redacted where they
are made."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from imrlint.errors import ConfigError
from imrlint.input.document import Span
from imrlint.lint.discovery import Target
from imrlint.rules.base import make_finding

if TYPE_CHECKING:  # the engine (and the grammar) load only when letters are linted
    from imrlint.lint.linter import FileReport

CHUNK_SIZE = 8  # letters per task sent to a worker
IN_FLIGHT_PER_JOB = 4  # chunks queued per worker: enough to keep it busy, few enough to stay small


@dataclass(frozen=True)
class LintOptions:
    """What a worker needs besides the Linter: redact reports, collect excerpts."""

    redact: bool = False
    excerpts: bool = False
    fingerprints: bool = False  # ask the engine for Finding.fingerprint (never turned off here: baselines)
    show_traceback: bool = False  # print the traceback of a rule that fails


DEFAULT_OPTIONS = LintOptions()


def _input_rule_settings(linter, path: str, name: str):
    """The settings of the input rule ``name`` for the letter at ``path``."""
    try:
        engine = linter.linter_for(path) if hasattr(linter, "linter_for") else linter
        return engine.by_name[name]
    except Exception:  # no linter could be built for this letter: the rule as declared
        return next(settings for settings in linter.rule_set.defaults.values() if settings.name == name)


def internal_error_report(linter, path: str, error: BaseException, stage: str = "engine") -> FileReport:
    """A report whose only finding is IMR900 for a failure outside the rules (reading, parsing,
    building the model), named as the failure of the rule "engine"."""
    from imrlint.errors import describe_error
    from imrlint.lint.linter import FileReport, show_traceback
    from imrlint.plugins.manager import BUILTIN_MAINTAINER

    if getattr(linter, "show_traceback", False):
        show_traceback(error)
    settings = _input_rule_settings(linter, path, "internal-error")
    finding = make_finding(
        settings,
        path,
        Span(1, 1, 1, 1),
        None,
        None,
        {"rule": stage, "detail": describe_error(error), "maintainer": BUILTIN_MAINTAINER},
    )
    return FileReport(path, [finding], internal_error=True)


def problem_report(linter, problem) -> FileReport:
    """The report of a :class:`~imrlint.lint.discovery.PathProblem` (a directory that could not be
    searched, ...): its finding, if its rule is enabled.  It is not a letter, and not counted as
    one."""
    from imrlint.lint.linter import FileReport

    settings = _input_rule_settings(linter, os.path.join(problem.path, "letter.txt"), problem.rule)
    findings = (
        [make_finding(settings, problem.path, Span(1, 1, 1, 1), None, None, {"detail": problem.detail})]
        if settings.enabled
        else []
    )
    return FileReport(problem.path, findings, letter=False)


def lint_one(linter, path: str, options: LintOptions) -> FileReport:
    """Lint one path with ``linter`` (a Linter, or anything with its lint_path); never raises for
    a letter (a failure becomes an IMR900 report)."""
    try:
        report = linter.lint_path(path)
    except ConfigError:
        raise  # a configuration file found for this letter is wrong: a usage error, exit 2
    except Exception as error:  # a bug outside the rules must not stop the run
        report = internal_error_report(linter, path, error)
    return _redacted(report, options)


def _apply(linter, options: LintOptions) -> None:
    """Tell the linter (or session) what to collect besides findings."""
    linter.collect_excerpts = options.excerpts
    linter.show_traceback = options.show_traceback
    if options.fingerprints:
        linter.collect_fingerprints = True


def _redacted(report: FileReport, options: LintOptions) -> FileReport:
    if options.redact:
        from imrlint.report.redact import redact_report

        return redact_report(report)
    return report


def _local(local, options: LintOptions):
    """``local`` with its reports redacted as the pool's are."""
    if local is None:
        return None

    def run(path: Target) -> FileReport | None:
        report = local(path)
        return None if report is None else _redacted(report, options)

    return run
