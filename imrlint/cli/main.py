"""The command line: imrlint check | parse | rules | rule | config.

Exit status: 0 when no finding is at or above --fail-on (default: error), 1 when one is, 2 for a
usage or configuration error or an internal failure (findings are still printed); --exit-zero and
--write-baseline turn 1 into 0.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NoReturn

from imrlint import __version__
from imrlint.errors import ConfigError, UsageError
from imrlint.input.read import STDIN, STDIN_NAME
from imrlint.parsing.choice import PARSER_VARIABLE, PARSERS, chosen_parser

if TYPE_CHECKING:  # the engine, its rules and their libraries load only for a command that uses them
    from imrlint.plugins.manager import RuleSet

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SHOW_TRACEBACK = "--show-traceback"


def plugin_manager(argv: Sequence[str] = ()):
    """The plugins' manager: the built-in rules and the installed plugins."""
    from imrlint.plugins.manager import plugin_manager as manager
    from imrlint.regexes import use_regex_cache
    from imrlint.resources import use_yaml_cache

    cache = _start_up_cache(argv)
    use_yaml_cache(None if cache is None else cache / "yaml")
    use_regex_cache(None if cache is None else cache / "regexes")
    return manager(index_directory=cache)


def _start_up_cache(argv: Sequence[str]):
    """The folder of the cache a check run with ``argv`` uses, once a run has made it (so that
    ``imrlint cache dir`` makes nothing), for what every command reads before its work: the
    indexes of installed plugins and built-in rules, the YAML files' content and the compiled
    regexes.  Read from the command line before it is parsed, since plugins add output formats to
    the parser; None under --no-cache."""
    arguments = list(argv[: argv.index("--")] if "--" in argv else argv)
    if "--no-cache" in arguments:
        return None
    cache_dir = None
    for before, argument in zip(["", *arguments], arguments, strict=False):
        if before == "--cache-dir":
            cache_dir = argument
        elif argument.startswith("--cache-dir="):
            cache_dir = argument.partition("=")[2]
    from imrlint.lint.cache import LetterCache
    from imrlint.lint.scale import cache_directory

    cache = LetterCache.existing(cache_directory(cache_dir))
    return None if cache is None else cache.root


def load_rule_set(manager) -> RuleSet:
    from imrlint.plugins.manager import load_rule_set as load

    return load(manager)


class Terminated(BaseException):
    """SIGTERM or SIGHUP: the run stops as after Ctrl-C, cleaning up on the way out (no
    temporary report left behind, the worker processes ended)."""

    def __init__(self, signal_number: int):
        super().__init__(signal_number)
        self.signal_number = signal_number


def _terminate(signal_number, frame) -> None:
    raise Terminated(signal_number)


@contextlib.contextmanager
def _termination_handled() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Terminated` while the block runs (in the main thread)."""
    import signal

    names = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {}
    try:
        for name in names:
            number = getattr(signal, name)
            previous[number] = signal.signal(number, _terminate)
    except ValueError:  # not the main thread: the embedding program handles signals
        pass
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def build_parser(formats: Sequence[str]) -> argparse.ArgumentParser:
    from imrlint.lint.parallel import add_report_arguments
    from imrlint.lint.session import add_check_arguments, add_configuration_arguments

    parser = argparse.ArgumentParser(prog="imrlint", description="Lint California IMR Final Determination letters.")
    parser.add_argument("--version", action="version", version=f"imrlint {__version__}")
    parser.add_argument(
        SHOW_TRACEBACK,
        action="store_true",
        help="print the full traceback of a rule or plugin that fails (for rule and plugin authors)",
    )
    parser.add_argument(
        "--parser",
        choices=PARSERS,
        help="lean (the default): Lark's LALR tables run by a short loop, Lark's parser for letters out of "
        "shape; lark: Lark's own parser for every letter (the same trees, slower). Sets IMRLINT_PARSER",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="lint letters (files or directories)",
        description="Lint letters: files, or directories searched recursively for *.txt, *.pdf and *.docx.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="letter files or directories (or fsspec URLs: s3://bucket/letters/); '-' reads a letter from stdin",
    )
    check.add_argument("--format", choices=sorted(formats), default="text", help="output format (default: text)")
    check.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (.yaml, or pyproject.toml with [tool.imrlint]); default: the nearest .imrlint.yaml or "
        "pyproject.toml from each letter up to the repository root",
    )
    check.add_argument(
        "--max-bytes",
        type=int,
        metavar="N",
        help="skip (and report) files larger than N bytes, and PDF or Word files whose text is longer (default 10 MB)",
    )
    check.add_argument(
        "--time-budget",
        type=float,
        metavar="SECONDS",
        help="stop checking a letter after SECONDS and report it (default 10)",
    )
    check.add_argument(
        "--exclude",
        action="append",
        metavar="PATTERNS",
        help="pass by the paths matching these gitignore-style patterns (relative to the current directory) when "
        "searching directories; comma-separated or repeated; added to the configuration's exclude",
    )
    check.add_argument(
        "--force-exclude",
        action="store_true",
        help="exclude files named on the command line too (for pre-commit hooks, which name every file)",
    )
    check.add_argument(
        "--no-respect-gitignore", action="store_true", help="search the paths .gitignore files ignore too"
    )
    check.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="with PATH '-': the name of the letter piped on stdin; its suffix (.txt, .pdf, .docx) chooses the reader "
        "and findings name it",
    )
    add_check_arguments(check)
    add_report_arguments(check)
    add_fix_arguments(check)

    parse = commands.add_parser("parse", help="print a letter's syntax tree and model (for rule authors)")
    parse.add_argument("path", metavar="FILE")

    rules = commands.add_parser("rules", help="list every rule: code, name, default severity, summary")
    rules.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="json: every rule's code, name, group, default severity, enabled flag, summary, message, options "
        "and documentation, for tools; markdown: the README's rule table",
    )
    rules.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file whose custom rules to list (default: found from the current directory)",
    )

    rule = commands.add_parser("rule", help="print a rule's documentation")
    rule.add_argument("rule", metavar="CODE|NAME")
    rule.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file whose custom rules to look in (default: found from the current directory)",
    )

    cache = commands.add_parser("cache", help="the cache of reports: where it is, or clean it")
    cache.add_argument("action", choices=("dir", "clean"), help="dir: print its directory; clean: remove it")
    cache.add_argument("--cache-dir", metavar="DIR", help="the cache directory (default: see 'imrlint cache dir')")

    serve = commands.add_parser(
        "serve",
        help="a local web page for editors: open or drop a letter, see its findings in place (needs imrlint[serve])",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1, this machine only)"
    )
    serve.add_argument("--port", type=int, default=8765, help="the port to listen on (default: 8765; 0: any free port)")
    serve.add_argument(
        "--config", metavar="FILE", help="configuration file (default: found from the current directory)"
    )
    serve.add_argument("--no-browser", action="store_true", help="do not open the page in a browser")

    lsp = commands.add_parser(
        "lsp", help="a language server for letters kept as text, on standard input and output (needs imrlint[lsp])"
    )
    lsp.add_argument("--config", metavar="FILE", help="configuration file (default: found from each letter)")

    config = commands.add_parser("config", help="print the resolved configuration and where each value came from")
    config.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="the letter (or directory) whose configuration to show (default: the current directory)",
    )
    add_configuration_arguments(config)
    return parser


def add_fix_arguments(check: argparse.ArgumentParser) -> None:
    """--fix, --unsafe-fixes and --diff (imrlint.fix)."""
    check.add_argument(
        "--fix",
        action="store_true",
        help="apply the safe fixes to text letters (written back atomically; PDF and Word letters are never changed), "
        "then report the findings that remain",
    )
    check.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff: apply the unsafe fixes too")
    check.add_argument(
        "--diff",
        action="store_true",
        help="print the fixes as a unified diff instead of writing them (exit 1 when a letter would change)",
    )


def fixing_session(args: argparse.Namespace, rule_set: RuleSet):
    """The session of ``check --fix`` or ``--diff``, or None for a plain check."""
    if not (args.fix or args.diff):
        if args.unsafe_fixes:
            raise UsageError("--unsafe-fixes applies fixes: give it with --fix or --diff")
        return None
    if args.diff and args.redact:
        raise UsageError("--diff shows letter text; it cannot be used with --redact")
    if args.fix and not args.diff and STDIN in args.paths:
        raise UsageError("--fix changes letter files in place; for a letter on standard input use --diff")
    from imrlint.fix.session import FixingSession
    from imrlint.lint.session import command_line

    return FixingSession(
        rule_set,
        args.config,
        command_line(args),
        args.baseline,
        args.write_baseline,
        args.exit_zero,
        unsafe=args.unsafe_fixes,
        write=not args.diff,
    )


def check_stdin_arguments(args: argparse.Namespace) -> None:
    """'-' (stdin) at most once, and --stdin-filename only with it."""
    if args.paths.count(STDIN) > 1:
        raise UsageError("'-' (standard input) can be given only once")
    if args.stdin_filename is not None and STDIN not in args.paths:
        raise UsageError("--stdin-filename names the letter piped on stdin; give '-' as a PATH")


def lint_stdin(linter, stdin_filename: str | None):
    """Lint the letter piped on stdin as ``stdin_filename`` (its suffix chooses the reader)."""
    from imrlint.input.read import read_stdin

    try:
        data = read_stdin(linter.max_bytes)
    except OSError as error:
        raise UsageError(f"cannot read standard input: {error.strerror or error}") from error
    return linter.lint_bytes(data, stdin_filename or STDIN_NAME)


def run_check(args: argparse.Namespace, rule_set: RuleSet) -> int:
    from imrlint.lint.discovery import Exclusions, PathProblem, letter_paths
    from imrlint.lint.parallel import check_run, problem_report
    from imrlint.lint.scale import paths_to_lint, run_cache
    from imrlint.lint.session import Session, command_line
    from imrlint.report.base import printable
    from imrlint.report.output import guard_outputs

    # A letter's passages, tokens and findings live until its report is made, so the collector's
    # default thresholds move them into its oldest generation and then traverse them all again,
    # over and over on a large letter, for cycles that are freed when the letter is done.
    gc.set_threshold(700, 10, 1000)
    args.paths = paths_to_lint(args.paths, args.files_from)
    check_stdin_arguments(args)
    if args.redact and args.show_traceback:
        raise UsageError(
            "--show-traceback prints what failing code raised, which may quote a letter; it cannot be used with "
            "--redact"
        )
    if args.max_bytes is not None and args.max_bytes < 1:
        raise UsageError("--max-bytes must be a positive number of bytes")
    if args.time_budget is not None and not args.time_budget > 0:
        raise UsageError("--time-budget must be a positive number of seconds")
    # The session finds each letter's configuration and lints it as a Linter would.
    linter = fixing_session(args, rule_set) or Session(
        rule_set, args.config, command_line(args), args.baseline, args.write_baseline, args.exit_zero
    )
    linter.prepare(args.paths)
    linter.cache = run_cache(args)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    missing: list[str] = []
    written = {
        path: option
        for path, option in ((args.output_file, "--output-file"), (args.write_baseline, "--write-baseline"))
        if path not in (None, "-")
    }
    # Letters are linted by --jobs processes (imrlint.lint.parallel) and reported in input order; stdin is
    # read here.  The report goes to stdout or, atomically, to --output-file.
    _, internal_error = check_run(
        linter,
        guard_outputs(letter_paths(args.paths, missing, Exclusions(linter.file_config), args.force_exclude), written),
        rule_set.formats[args.format] if not args.diff else diff_reporter(),
        named_paths=args.paths,
        output_file=args.output_file,
        jobs=args.jobs,
        redact=args.redact,
        statistics=args.statistics,
        show_traceback=args.show_traceback,
        local=lambda path: (
            lint_stdin(linter, args.stdin_filename)
            if path == STDIN
            else (problem_report(linter, path) if isinstance(path, PathProblem) else None)
        ),
        finish_report=linter.finish_report,  # baseline, fail-on
        settings={"format": args.format},
        dask=args.dask,
    )
    for line in linter.finish(redact=args.redact):  # stale baseline entries; the baseline written
        print(printable(line), file=sys.stderr)
    for path in missing:
        print(f"imrlint: error: {printable(path)}: no such file or directory", file=sys.stderr)
    return linter.exit_status(bool(missing), internal_error)


def run_desk(args: argparse.Namespace) -> int:
    """imrlint serve and imrlint lsp: stages above the command line, loaded by name."""
    import importlib

    if args.command == "serve":
        run_server = importlib.import_module("imrlint.serve.app").run_server
        return run_server(args.host, args.port, args.config, open_browser=not args.no_browser)
    return importlib.import_module("imrlint.lsp.server").serve_stdio(args.config)


def diff_reporter():
    from imrlint.fix.session import DiffReporter

    return DiffReporter


def run_parse(args: argparse.Namespace) -> int:
    from imrlint.cli.parse_view import describe_letter
    from imrlint.input.read import read_path
    from imrlint.model.letter import build_letter

    if not os.path.lexists(args.path):
        raise UsageError(f"{args.path}: no such file or directory")
    result = read_path(args.path)
    for problem in result.problems:
        print(f"{args.path}: {problem.rule}: {problem.message}", file=sys.stderr)
    if result.document is None:
        return EXIT_FINDINGS
    letter = build_letter(result.document)
    sys.stdout.write(describe_letter(letter))
    return EXIT_FINDINGS if letter.parse_errors else EXIT_CLEAN


def run_rules(rule_set: RuleSet, format: str = "text") -> int:
    if format == "markdown":
        from imrlint.cli.ruledoc import markdown_table

        sys.stdout.write(markdown_table(rule_set.defaults))
        return EXIT_CLEAN
    if format == "json":
        from imrlint.cli.ruledoc import json_listing

        sys.stdout.write(json_listing(rule_set.rules, rule_set.defaults))
        return EXIT_CLEAN
    rows = [
        (code, settings.name, settings.severity if settings.enabled else f"{settings.severity} (off)", settings.summary)
        for code, settings in rule_set.defaults.items()
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}")
    return EXIT_CLEAN


def run_rule(args: argparse.Namespace, rule_set: RuleSet) -> int:
    from imrlint.cli.ruledoc import rule_documentation

    code = rule_set.resolve(args.rule)
    if code is None:
        raise UsageError(f"unknown rule '{args.rule}'; 'imrlint rules' lists them")
    sys.stdout.write(rule_documentation(rule_set.rules[code], rule_set.defaults[code]))
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    if (sys.argv[1:] if argv is None else list(argv))[:1] == ["--version"]:  # answered before anything loads
        print(f"imrlint {__version__}")
        return EXIT_CLEAN
    with _termination_handled():
        return _main(argv)


def command() -> NoReturn:
    """The ``imrlint`` command and ``python -m imrlint``: :func:`main`, then the process ends."""
    exit_quickly(main())


def exit_quickly(status: int) -> NoReturn:
    """End the process without the interpreter's teardown, which frees every object of every
    module one by one: a tenth of a one-letter run (mypy ends the same way).  The exit handlers
    run and the standard streams are flushed first; where another thread still runs, or a stream
    cannot be flushed, the process ends as Python ends it, which waits or reports."""
    import atexit
    import threading

    if threading.active_count() == 1:
        atexit._run_exitfuncs()
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
    sys.exit(status)


def _choose_parser(option: str | None) -> None:
    """Set the parser for this process and the workers it starts; refuse an unknown one."""
    if option is not None:
        os.environ[PARSER_VARIABLE] = option
    if chosen_parser() not in PARSERS:
        from imrlint.report.base import printable

        raise UsageError(f"{PARSER_VARIABLE}={printable(chosen_parser())[:40]}: expected one of {', '.join(PARSERS)}")


def _main(argv: Sequence[str] | None) -> int:
    from imrlint.regexes import keep_regexes
    from imrlint.report.base import printable
    from imrlint.report.output import OutputError

    try:
        rule_set = load_rule_set(plugin_manager(sys.argv[1:] if argv is None else argv))
        parser = build_parser(list(rule_set.formats))
        args = parser.parse_args(argv)
        _choose_parser(args.parser)
        if args.command == "check":
            status = run_check(args, rule_set)
            keep_regexes()
            return status
        if args.command == "cache":
            from imrlint.lint.scale import run_cache_command

            return run_cache_command(args)
        if args.command == "parse":
            return run_parse(args)
        if args.command in ("serve", "lsp"):
            return run_desk(args)
        if args.command == "config":
            from imrlint.cli.config_view import run_config

            return run_config(args, rule_set)
        if args.command in ("rules", "rule"):
            from imrlint.cli.config_view import rule_set_for_command

            rule_set = rule_set_for_command(args, rule_set)  # with the configuration's custom rules
        if args.command == "rules":
            return run_rules(rule_set, args.format)
        return run_rule(args, rule_set)
    except (ConfigError, UsageError, OutputError) as error:
        # read before the command line is parsed: a plugin that fails to load stops the parser
        if SHOW_TRACEBACK in (sys.argv[1:] if argv is None else argv) and error.__cause__ is not None:
            from imrlint.lint.linter import show_traceback

            show_traceback(error.__cause__)
        print(f"imrlint: error: {printable(str(error))}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_CLEAN
    except KeyboardInterrupt:
        print("imrlint: interrupted", file=sys.stderr)
        return 130
    except Terminated as stop:
        print("imrlint: terminated", file=sys.stderr)
        return 128 + stop.signal_number
