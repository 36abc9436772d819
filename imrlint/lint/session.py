"""One run's configuration as the command line sees it: which configuration applies to each
letter, a Linter for each, the baseline, and the exit status.

A :class:`Session` has the interface of a :class:`~imrlint.lint.linter.Linter` (``lint_path``,
``lint_bytes``, ``max_bytes``), so whatever runs linters (one process or many) runs a session:
it finds each letter's configuration file (:mod:`imrlint.lint.discovery`, unless ``--config`` names
one), applies the per-path ``overrides`` that match the letter and lints it with the rules that
result.  The parent process then passes each FileReport to :meth:`Session.finish_report`
(baseline filtering and recording, the failing severity) and, after the last, calls
:meth:`Session.finish`.
"""

from __future__ import annotations

import argparse
import os
import pathlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from imrlint.config.layers import resolve
from imrlint.config.settings import CommandLine, Config, display_path
from imrlint.errors import ConfigError
from imrlint.input.read import DEFAULT_MAX_BYTES
from imrlint.lint.discovery import find_config
from imrlint.plugins.manager import RuleSet
from imrlint.rules.findings import SEVERITIES

if TYPE_CHECKING:
    from imrlint.filter.baseline import Baseline, BaselineWriter

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _selectors(values: list[str] | None) -> tuple[str, ...]:
    """Selectors from repeated options, each possibly comma-separated ("IMR2,citations")."""
    return tuple(part.strip() for value in values or () for part in value.split(",") if part.strip())


def add_configuration_arguments(parser: argparse.ArgumentParser, config: bool = True) -> None:
    """The options that choose and change the configuration (check and config commands)."""
    if config:
        parser.add_argument(
            "--config",
            metavar="FILE",
            help="configuration file (.yaml, or a pyproject.toml with [tool.imrlint]); default: the nearest "
            ".imrlint.yaml or pyproject.toml from each letter up to the repository root",
        )
    parser.add_argument(
        "--select",
        action="append",
        metavar="RULES",
        help="check exactly these rules: codes, names, code prefixes (IMR3), groups (citations) or ALL; "
        "comma-separated or repeated",
    )
    parser.add_argument("--extend-select", action="append", metavar="RULES", help="check these rules too")
    parser.add_argument("--ignore", action="append", metavar="RULES", help="do not check these rules")
    parser.add_argument(
        "--fail-on", choices=SEVERITIES, help="the lowest severity that makes the exit status 1 (default: error)"
    )


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """The check command's configuration, exit-status and baseline options (besides --config)."""
    add_configuration_arguments(parser, config=False)
    parser.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings are reported (2 still means a usage, configuration or internal error)",
    )
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings not recorded in this baseline file; list its entries that no longer match",
    )
    parser.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record every finding of this run in FILE (JSON) as the baseline, and exit 0",
    )


def command_line(args: argparse.Namespace) -> CommandLine:
    select = getattr(args, "select", None)
    return CommandLine(
        select=_selectors(select) if select is not None else None,
        extend_select=_selectors(getattr(args, "extend_select", None)),
        ignore=_selectors(getattr(args, "ignore", None)),
        fail_on=getattr(args, "fail_on", None),
        max_bytes=getattr(args, "max_bytes", None),
        time_budget=getattr(args, "time_budget", None),
        exclude=_selectors(getattr(args, "exclude", None)),
        respect_gitignore=False if getattr(args, "no_respect_gitignore", False) else None,
    )


def with_custom_rules(rule_set: RuleSet, config: Config) -> RuleSet:
    """``rule_set`` with the configuration's custom rules added (in code order)."""
    if not config.custom_rules:
        return rule_set
    rules = {**rule_set.rules, **{rule.code: rule for rule, _ in config.custom_rules}}
    defaults = {**rule_set.defaults, **{rule.code: settings for rule, settings in config.custom_rules}}
    maintainers = {
        **rule_set.maintainers,
        **{rule.code: f"whoever wrote its custom-rules entry in {config.path}" for rule, _ in config.custom_rules},
    }
    ordered = sorted(rules)
    return replace(
        rule_set,
        rules={code: rules[code] for code in ordered},
        defaults={code: defaults[code] for code in ordered},
        maintainers=maintainers,
    )


class Session:
    """The configurations, linters and baseline of one run."""

    collect_excerpts = False
    collect_fingerprints = False
    show_traceback = False
    cache = None  # a LetterCache: each letter's report kept between runs (imrlint.lint.cache)

    def __init__(
        self,
        rule_set: RuleSet,
        config_path: str | None = None,
        command_line: CommandLine | None = None,
        baseline: str | None = None,
        write_baseline: str | None = None,
        exit_zero: bool = False,
    ):
        self.rule_set = rule_set
        self.config_path = config_path
        self.command_line = command_line or CommandLine()
        self.exit_zero = exit_zero
        self.baseline: Baseline | None = None
        self.writer: BaselineWriter | None = None
        if baseline or write_baseline:  # imported only for a run that uses a baseline
            from imrlint.filter.baseline import Baseline, BaselineWriter

            self.baseline = Baseline.load(baseline) if baseline else None
            self.writer = BaselineWriter(write_baseline) if write_baseline else None
        self.collect_fingerprints = bool(baseline or write_baseline)
        self.failed = False
        self._directories: dict[pathlib.Path, pathlib.Path | None] = {}
        self._letter_directories: dict[str, str | None] = {}  # a letter's directory -> its configuration file
        self._configs: dict[str | None, Config] = {}
        self._rule_sets: dict[str | None, RuleSet] = {}
        self._linters: dict[tuple[str | None, tuple[int, ...]], Any] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_linters"] = {}  # rebuilt where the session is used
        state["baseline"] = state["writer"] = None  # the parent process's business
        return state

    # -- configuration

    def config_file(self, path: str | os.PathLike[str]) -> str | None:
        """The configuration file that applies to ``path`` (None: the defaults)."""
        if self.config_path is not None:
            return self.config_path
        found = find_config(path, self._directories)
        return str(found) if found is not None else None

    def letter_config_file(self, path: str | os.PathLike[str]) -> str | None:
        """The configuration file of the letter (a file, or a name that does not exist) at ``path``.

        Every letter of a directory has the same one, so it is looked up once per directory: a
        run over thousands of letters would otherwise pay a path resolution and a stat for each
        letter (several times over: linter, rule set, failing severity)."""
        if self.config_path is not None:
            return self.config_path
        directory = os.path.dirname(os.path.abspath(path))
        if directory not in self._letter_directories:
            self._letter_directories[directory] = self.config_file(path)
        return self._letter_directories[directory]

    def _load(self, file: str | None) -> Config:
        """The configuration in ``file`` (None: the defaults), and its rule set, loaded once."""
        if file not in self._configs:
            config = resolve(self.rule_set.defaults, file, self.command_line)
            self._configs[file] = config
            self._rule_sets[file] = with_custom_rules(self.rule_set, config)
        return self._configs[file]

    def config_for(self, path: str | os.PathLike[str]) -> Config:
        """The configuration of the letter at ``path`` before its per-path overrides."""
        return self._load(self.letter_config_file(path))

    def rule_set_for(self, path: str | os.PathLike[str]) -> RuleSet:
        """The rule set (built-in, plugin and custom rules) for the letter at ``path``."""
        file = self.letter_config_file(path)
        self._load(file)
        return self._rule_sets[file]

    def file_config(self, path: str | os.PathLike[str]) -> Config:
        """The configuration of the letter at ``path``, its per-path overrides applied."""
        return self.config_for(path).for_path(path)

    def linter_for(self, path: str | os.PathLike[str]):
        """The Linter for the letter at ``path`` (one per configuration file and set of
        overrides applied, built on first use)."""
        from imrlint.lint.linter import Linter

        file = self.letter_config_file(path)
        config = self._load(file).for_path(path)
        key = (file, config.applied)
        linter = self._linters.get(key)
        if linter is None:
            linter = self._linters[key] = Linter(self._rule_sets[file], config)
        linter.collect_excerpts = self.collect_excerpts
        linter.collect_fingerprints = self.collect_fingerprints
        linter.show_traceback = self.show_traceback
        linter.cache = self.cache
        return linter

    def prepare(self, paths: list[str]) -> None:
        """Load the configuration of every path named on the command line now, so that a
        configuration error stops the run before any output."""
        for path in paths:
            if path != "-":
                self.linter_for(os.path.join(path, "letter.txt") if os.path.isdir(path) else path)

    # -- the run as a whole

    @property
    def config(self) -> Config:
        """The configuration of the current directory (or --config): what a report that names
        one configuration for the whole run (SARIF, HTML) shows."""
        return self.config_for(os.path.join(os.getcwd(), "letter.txt"))

    @property
    def rules(self) -> RuleSet:
        """The rule set of :attr:`config`, with its custom rules."""
        return self.rule_set_for(os.path.join(os.getcwd(), "letter.txt"))

    # -- the Linter interface

    @property
    def max_bytes(self) -> int:
        """The size limit for standard input (named by --stdin-filename, else in this directory)."""
        return self.config_for(os.path.join(os.getcwd(), "-")).max_bytes or DEFAULT_MAX_BYTES

    def lint_path(self, path: str, display_path: str | None = None):
        return self.linter_for(path).lint_path(path, display_path)

    def lint_bytes(self, data: bytes, display_path: str):
        return self.linter_for(display_path).lint_bytes(data, display_path)

    def lint_document(self, document):
        return self.linter_for(document.path).lint_document(document)

    # -- the parent process

    def finish_report(self, report):
        """Record ``report`` in the baseline being written, drop the findings the baseline
        accepts, and note whether what remains fails the run.  Returns the report."""
        if self.writer is not None:
            self.writer.add(report)
        if self.baseline is not None:
            self.baseline.filter(report)
        config = self._load(self.letter_config_file(report.path))
        if any(config.fails(finding.severity) for finding in report.findings):
            self.failed = True
        return report

    def finish(self, redact: bool = False) -> list[str]:
        """Write the baseline, if asked; the lines standard error should show about baselines
        (under ``redact``, without the recorded messages, which may quote letters)."""
        lines = []
        if self.baseline is not None:
            from imrlint.filter.baseline import stale_lines

            lines += stale_lines(self.baseline, self.baseline.stale(), redact)
        if self.writer is not None:
            count = self.writer.write()
            lines.append(
                f"imrlint: wrote {count} finding{'' if count == 1 else 's'} to the baseline "
                f"{display_path(self.writer.path)}"
            )
        return lines

    def exit_status(self, usage_error: bool = False, internal_error: bool = False) -> int:
        """2 for a usage or internal error; else 1 when a reported finding is at or above
        fail-on, unless --exit-zero or --write-baseline; else 0."""
        if usage_error or internal_error:
            return EXIT_ERROR
        if self.failed and not self.exit_zero and self.writer is None:
            return EXIT_FINDINGS
        return EXIT_CLEAN


__all__ = [
    "ConfigError",
    "Session",
    "add_check_arguments",
    "add_configuration_arguments",
    "command_line",
    "with_custom_rules",
]
