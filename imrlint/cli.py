"""The command line: imrlint check | parse | rules | rule.

Exit status: 0 when no finding is an error, 1 when one is, 2 for a usage or configuration error
or an internal failure (findings are still printed).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Iterator, Sequence

from . import __version__
from .config import ConfigError, load_config
from .plugins import RuleSet, load_rule_set, plugin_manager
from .read import LETTER_SUFFIXES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A command-line mistake: reported on one line, exit status 2."""


def build_parser(formats: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="imrlint", description="Lint California IMR Final Determination letters.")
    parser.add_argument("--version", action="version", version=f"imrlint {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="lint letters (files or directories)", description="Lint letters: files, or directories searched recursively for *.txt, *.pdf and *.docx.")
    check.add_argument("paths", nargs="+", metavar="PATH", help="letter files or directories")
    check.add_argument("--format", choices=sorted(formats), default="text", help="output format (default: text)")
    check.add_argument("--config", metavar="FILE", help="YAML configuration file")
    check.add_argument("--max-bytes", type=int, metavar="N", help="skip (and report) files larger than N bytes (default 10 MB)")

    parse = commands.add_parser("parse", help="print a letter's syntax tree and model (for rule authors)")
    parse.add_argument("path", metavar="FILE")

    commands.add_parser("rules", help="list every rule: code, name, default severity, summary")

    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("rule", metavar="CODE|NAME")
    return parser


def iter_letter_paths(paths: Sequence[str], missing: list[str]) -> Iterator[str]:
    """Files named, and letters found under directories (sorted, so every run has one order)."""
    for path in paths:
        if os.path.isdir(path):
            found = []
            for root, directories, files in os.walk(path):
                directories[:] = sorted(name for name in directories if not name.startswith("."))
                found.extend(os.path.join(root, name) for name in files if name.lower().endswith(LETTER_SUFFIXES))
            yield from sorted(found)
        elif os.path.exists(path) or os.path.islink(path):
            yield path
        else:
            missing.append(path)


def run_check(args: argparse.Namespace, rule_set: RuleSet) -> int:
    from .engine import Linter
    from .report import RunSummary

    config = load_config(rule_set.defaults, args.config)
    if args.max_bytes is not None:
        if args.max_bytes < 1:
            raise UsageError("--max-bytes must be a positive number of bytes")
        config = dataclasses.replace(config, max_bytes=args.max_bytes)
    linter = Linter(rule_set, config)
    reporter = rule_set.formats[args.format](sys.stdout)
    summary = RunSummary()
    missing: list[str] = []
    internal_error = False
    reporter.start()
    for path in iter_letter_paths(args.paths, missing):
        report = linter.lint_path(path)
        internal_error = internal_error or report.internal_error
        summary.add(report)
        reporter.file(report)
    reporter.finish(summary)
    for path in missing:
        print(f"imrlint: error: {path}: no such file or directory", file=sys.stderr)
    if missing or internal_error:
        return EXIT_ERROR
    return EXIT_FINDINGS if summary.by_severity["error"] else EXIT_CLEAN


def run_parse(args: argparse.Namespace) -> int:
    from .model import build_letter
    from .parse_view import describe_letter
    from .read import read_path

    result = read_path(args.path)
    for problem in result.problems:
        print(f"{args.path}: {problem.rule}: {problem.message}", file=sys.stderr)
    if result.document is None:
        return EXIT_FINDINGS
    letter = build_letter(result.document)
    sys.stdout.write(describe_letter(letter))
    return EXIT_FINDINGS if letter.parse_errors else EXIT_CLEAN


def run_rules(rule_set: RuleSet) -> int:
    rows = [(code, settings.name, settings.severity if settings.enabled else f"{settings.severity} (off)", settings.summary) for code, settings in rule_set.defaults.items()]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}")
    return EXIT_CLEAN


def run_rule(args: argparse.Namespace, rule_set: RuleSet) -> int:
    from .ruledoc import rule_documentation

    code = rule_set.resolve(args.rule)
    if code is None:
        raise UsageError(f"unknown rule '{args.rule}'; 'imrlint rules' lists them")
    sys.stdout.write(rule_documentation(rule_set.rules[code], rule_set.defaults[code]))
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    try:
        rule_set = load_rule_set(plugin_manager())
        parser = build_parser(list(rule_set.formats))
        args = parser.parse_args(argv)
        if args.command == "check":
            return run_check(args, rule_set)
        if args.command == "parse":
            return run_parse(args)
        if args.command == "rules":
            return run_rules(rule_set)
        return run_rule(args, rule_set)
    except (ConfigError, UsageError) as error:
        print(f"imrlint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_CLEAN
    except KeyboardInterrupt:
        print("imrlint: interrupted", file=sys.stderr)
        return 130
