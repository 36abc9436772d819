"""Linting many letters: in this process or in worker processes, streamed in input order.

:func:`lint_paths` yields one FileReport per path, in the order of the paths, whatever the
number of jobs, so every report is identical for any ``--jobs``.  With ``jobs > 1`` the letters
are linted by a pool of worker processes, each of which builds its Linter once; paths are sent in
small chunks and at most a few chunks per worker are in flight, so memory stays flat however many
letters are linted (nothing holds more than those chunks' reports).  A short run (a few letters)
is linted in this process: starting workers would cost more than it saves.

A letter on which imrlint itself fails — a rule's bug is already an IMR900 finding from the
engine; this also covers a failure in reading or parsing — becomes an IMR900 internal-error
finding for that letter, with ``internal_error`` set, and the run goes on.  Under ``redact`` the
reports are redacted in the worker (:mod:`imrlint.report.redact`), so letter text never leaves it.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from imrlint.errors import ConfigError
from imrlint.lint.discovery import Target, letter_path
from imrlint.lint.worker import CHUNK_SIZE as CHUNK_SIZE
from imrlint.lint.worker import DEFAULT_OPTIONS, _apply, _local, lint_one
from imrlint.lint.worker import IN_FLIGHT_PER_JOB as IN_FLIGHT_PER_JOB
from imrlint.lint.worker import LintOptions as LintOptions
from imrlint.lint.worker import internal_error_report as internal_error_report
from imrlint.lint.worker import problem_report as problem_report

if TYPE_CHECKING:  # the engine (and the grammar) load only when letters are linted
    from imrlint.lint.linter import FileReport, Linter

_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends
_PARENT_POLL_SECONDS = 0.5  # where the kernel cannot tell a worker, how often it looks for its parent


def default_jobs() -> int:
    """The number of processors this process may use (the machine's cores)."""
    if hasattr(os, "process_cpu_count"):
        count = os.process_cpu_count()
    elif hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:
        count = os.cpu_count()
    return max(1, count or 1)


# --- worker processes -------------------------------------------------------------------------

_PARENT_LINTER: Linter | None = None  # inherited by forked workers
_WORKER: tuple[Linter, LintOptions] | None = None


def _worker_payload(linter) -> tuple[str, Any]:
    """What a spawned worker needs to build its linter: the linter itself when it pickles (a
    Session does), else its configuration (a Linter's rules hold functions; the worker loads the
    rule set again from the installed plugins)."""
    try:
        pickle.dumps(linter)
        return "linter", linter
    except Exception:
        return "config", linter.config


def _end_with_parent(parent: int) -> None:
    """Make this worker end when the process that started it ends, however it ends (even by
    SIGKILL, which runs no clean-up in the parent): the kernel kills it on Linux, a watching
    thread elsewhere."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
        else:
            if os.getppid() != parent:  # the parent died before the request was made
                os._exit(1)
            return
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(_PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="imrlint-parent-watch", daemon=True).start()


def _release_standard_output() -> None:
    """Point this worker's standard output at the null device: reports go back through the
    pool, and a reader of the parent's output (``imrlint check ... | wc``) must see its end as
    soon as the parent ends."""
    sys.stdout.flush()
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
    finally:
        os.close(null)


def _init_worker(payload: tuple[str, Any] | None, options: LintOptions, parent: int) -> None:
    """Worker initializer: take the parent's linter (fork) or build one (spawn), once."""
    global _WORKER
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's clean-up is not the worker's
    _end_with_parent(parent)
    _release_standard_output()
    linter = _PARENT_LINTER
    if linter is None:
        assert payload is not None  # a spawned worker is given its linter or configuration
        kind, value = payload
        if kind == "linter":
            linter = value
        else:
            from imrlint.lint.linter import Linter
            from imrlint.plugins.manager import load_rule_set, plugin_manager

            linter = Linter(load_rule_set(plugin_manager()), value)
    _apply(linter, options)
    cache = getattr(linter, "cache", None)
    if cache is not None:  # a spawned worker loads the grammars the parent keeps
        from imrlint.parsing.grammars import use_grammar_cache

        use_grammar_cache(cache.root / "grammars")
    _WORKER = (linter, options)


class _ConfigProblem(Exception):
    """A ConfigError raised in a worker, in a form that pickles (the main process then lints the
    chunk again and reports the configuration error itself)."""


def _lint_chunk(paths: list[str]) -> list[FileReport]:
    assert _WORKER is not None  # set by the pool's initializer
    linter, options = _WORKER
    try:
        return [lint_one(linter, path, options) for path in paths]
    except ConfigError as error:
        raise _ConfigProblem(str(error)) from None


def _context():
    """fork where it is safe and fast (Linux: workers inherit the built Linter and compiled
    grammars), else the platform's default (spawn: each worker builds its own)."""
    import multiprocessing

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _warm(linter: Linter) -> None:
    """Compile the grammars and load what the rules read before forking, so workers share them."""
    from imrlint.input.document import Document

    warm = Document(
        "<warm-up>",
        "HOW THE IMR FINAL DETERMINATION WAS MADE\n\nCLINICAL CASE SUMMARY\n\nIMR ISSUES, DECISIONS AND RATIONALES\n\n"
        "Item: Upheld\n\nClaims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment "
        "Guidelines Page(s): 1\n\n"
        "MAXIMUS guideline: Decision based on MTUS Chronic Pain Medical Treatment Guidelines Page(s): 1\n\n"
        "Decision rationale: The request is not medically necessary.\n",
    )
    with contextlib.suppress(Exception):  # warming is an optimisation; a failure here shows up on real letters
        linter.lint_document(warm)


def lint_paths(
    paths: Iterable[Target],
    linter: Linter,
    jobs: int = 1,
    *,
    options: LintOptions = DEFAULT_OPTIONS,
    local: Callable[[Target], FileReport | None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[FileReport]:
    """One FileReport per path, in input order, linted by ``jobs`` processes.

    ``local(path)``, when given, may lint a path in this process instead (standard input): it
    returns the report, or None to let the pool lint the path as usual.
    """
    iterator = iter(paths)
    _apply(linter, options)
    local = _local(local, options)
    # Look ahead: a run too short to share out is linted here.
    head: list[Target] = []
    if jobs > 1:
        for path in iterator:
            head.append(path)
            if len(head) > chunk_size * 2:
                break
    if jobs <= 1 or len(head) <= chunk_size * 2:
        for path in [*head, *iterator]:
            report = local(path) if local is not None else None
            yield report if report is not None else lint_one(linter, letter_path(path), options)
        return
    yield from _lint_parallel(head, iterator, linter, jobs, options, local, chunk_size)


def _tasks(paths: Iterator[Target], local, chunk_size: int) -> Iterator[tuple[list[str] | None, FileReport | None]]:
    """(chunk, None) for paths the pool lints, (None, report) for those ``local`` linted here."""
    chunk: list[str] = []
    for path in paths:
        report = local(path) if local is not None else None
        if report is None:
            chunk.append(letter_path(path))
            if len(chunk) == chunk_size:
                yield chunk, None
                chunk = []
            continue
        if chunk:
            yield chunk, None
            chunk = []
        yield None, report
    if chunk:
        yield chunk, None


def _lint_parallel(head, iterator, linter, jobs, options, local, chunk_size) -> Iterator[FileReport]:
    global _PARENT_LINTER
    import concurrent.futures
    import concurrent.futures.process

    context = _context()
    forked = context.get_start_method() == "fork"
    if forked:
        _warm(linter)
        _PARENT_LINTER = linter
    executor = concurrent.futures.ProcessPoolExecutor(
        jobs,
        mp_context=context,
        initializer=_init_worker,
        initargs=(None if forked else _worker_payload(linter), options, os.getpid()),
    )
    pending: collections.deque = collections.deque()
    limit = jobs * IN_FLIGHT_PER_JOB
    broken = False
    try:
        for chunk, report in _tasks(itertools.chain(head, iterator), local, chunk_size):
            if chunk is not None and not broken:
                try:
                    pending.append((chunk, executor.submit(_lint_chunk, chunk)))
                except concurrent.futures.process.BrokenProcessPool:
                    broken = True
                    pending.append((chunk, None))
            else:
                pending.append((chunk, report))
            while len(pending) >= limit:
                reports, broken = _collect(pending.popleft(), linter, options, broken)
                yield from reports
        while pending:
            reports, broken = _collect(pending.popleft(), linter, options, broken)
            yield from reports
    except BaseException:  # Ctrl-C, SIGTERM, an output error: the letters in work are not wanted
        _stop_workers(executor)
        raise
    finally:
        for _, future in pending:
            if isinstance(future, concurrent.futures.Future):
                future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)
        _PARENT_LINTER = None


def _stop_workers(executor) -> None:
    """End the pool's workers now rather than after the letters they are linting."""
    processes = getattr(executor, "_processes", None) or {}  # the pool has no public way to stop them
    for process in list(processes.values()):
        with contextlib.suppress(OSError, ValueError):
            process.kill()


def _collect(entry, linter: Linter, options: LintOptions, broken: bool) -> tuple[list[FileReport], bool]:
    """The reports of one pending entry, and whether the pool is (now) broken."""
    import concurrent.futures
    import concurrent.futures.process

    chunk, outcome = entry
    if chunk is None:
        return [outcome], broken
    if isinstance(outcome, concurrent.futures.Future):
        try:
            return outcome.result(), broken
        except concurrent.futures.process.BrokenProcessPool:
            if not broken:
                print(
                    "imrlint: warning: a worker process died; linting the remaining letters in this process",
                    file=sys.stderr,
                )
            broken = True
        except Exception:
            pass  # the chunk's reports could not be sent back (a report that does not pickle)
    # Lint the chunk here: the pool is broken, or could not return this chunk.
    return [lint_one(linter, path, options) for path in chunk], broken


# --- a whole check run: letters -> reports -> output ----------------------------------------


def show_progress(report_on_terminal: bool) -> bool:
    """A progress bar only for a person watching: stderr is a terminal, the report itself is not
    being written to that terminal, and this is not CI."""
    if os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        if not sys.stderr.isatty():
            return False
    except (AttributeError, ValueError):
        return False
    return not report_on_terminal


def _with_progress(paths: Iterable[Target]) -> Iterator[Target]:
    """``paths`` counted by a tqdm bar on stderr that appears only once the run has lasted a
    second (a short run never shows one)."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked after this
    listed = list(paths)
    with tqdm(
        total=len(listed), desc="imrlint", unit="letter", file=sys.stderr, delay=1.0, leave=False, dynamic_ncols=True
    ) as bar:
        for path in listed:
            yield path
            bar.update(1)


def run_context(linter, paths: list[str], redact: bool, settings: dict):
    """The ReportContext of a run: the rules and configuration of the first letter named (a
    Session finds each letter's own; a report describes the one the run started from)."""
    from imrlint.report.base import report_context

    if hasattr(linter, "config_for"):
        first = next((path for path in paths if path != "-"), os.getcwd())
        probe = os.path.join(first, "letter.txt") if os.path.isdir(first) else first
        config = linter.file_config(probe) if hasattr(linter, "file_config") else linter.config_for(probe)
        rule_set = linter.rule_set_for(probe) if hasattr(linter, "rule_set_for") else linter.rule_set
        settings = {
            "configuration layers": ", ".join(getattr(config, "layers", ()) or ("defaults",)),
            "fail-on": getattr(config, "fail_on", "error"),
            **settings,
        }
    else:
        config, rule_set = linter.config, linter.rule_set
    return report_context(rule_set, config, redact=redact, settings=settings)


STATISTICS_WIDTH = 4  # counts right-aligned in at least this many columns, as flake8 and ruff do


def statistics_lines(summary) -> list[str]:
    """Findings per rule, most frequent first: "  COUNT  CODE name"."""
    if not summary.by_rule:
        return ["No findings."]
    rows = sorted(summary.by_rule.items(), key=lambda entry: (-entry[1], entry[0]))
    width = max(STATISTICS_WIDTH, len(str(summary.total)))
    lines = [f"{count:>{width}}  {rule}" for rule, count in rows]
    lines.append(f"{summary.total:>{width}}  total in {summary.files} letter{'' if summary.files == 1 else 's'}")
    return lines


def check_run(
    linter,
    paths: Iterable[Target],
    reporter_class,
    *,
    named_paths: list[str],
    output_file: str | None = None,
    jobs: int | None = None,
    redact: bool = False,
    statistics: bool = False,
    show_traceback: bool = False,
    local: Callable[[Target], FileReport | None] | None = None,
    finish_report: Callable[[FileReport], FileReport] | None = None,
    settings: dict | None = None,
    dask: str | None = None,
):
    """Lint ``paths`` and write the report: returns (summary, internal_error).

    ``dask``, the address of a Dask scheduler, has the letters linted on its cluster's workers
    (:mod:`imrlint.lint.cluster`) instead of ``jobs`` local processes.

    ``finish_report`` (baseline, fail-on) sees each report in the parent, in input order, before
    the reporter does.  Statistics go to stdout after a text report or a report written to a
    file; after a machine-readable report on stdout they go to stderr.
    """
    from imrlint.report import RunSummary
    from imrlint.report.base import printable_report
    from imrlint.report.output import report_output

    jobs = jobs or default_jobs()
    # (--jobs is not recorded: the report is the same for any number of jobs)
    settings = {"redact": "yes" if redact else "no", **(settings or {})}
    context = run_context(linter, named_paths, redact, settings)
    summary = RunSummary()
    internal_error = False
    to_stdout = output_file is None or output_file == "-"
    if show_progress(report_on_terminal=to_stdout and sys.stdout.isatty()):
        paths = _with_progress(paths)
    with report_output(output_file) as stream:
        reporter = reporter_class(stream)
        reporter.context = context
        options = LintOptions(
            redact=redact,
            excerpts=bool(getattr(reporter, "wants_excerpts", False)) and not redact,
            fingerprints=bool(getattr(reporter, "wants_fingerprints", False)) and not redact,
            show_traceback=show_traceback,
        )
        reporter.start()
        if dask is not None:
            from imrlint.lint.cluster import lint_on_cluster

            linted_reports = lint_on_cluster(paths, linter, dask, options=options, local=local)
        else:
            linted_reports = lint_paths(paths, linter, jobs, options=options, local=local)
        for linted in linted_reports:
            report = finish_report(linted) if finish_report is not None else linted
            internal_error = internal_error or report.internal_error
            summary.add(report)
            reporter.file(printable_report(report))
        reporter.finish(summary)
    cache = getattr(linter, "cache", None)
    if cache is not None:
        cache.evict(summary.files)
    if statistics:
        machine = getattr(reporter, "machine_readable", True)
        target = sys.stderr if machine and to_stdout else sys.stdout
        target.write("\n".join(statistics_lines(summary)) + "\n")
    return summary, internal_error


def add_report_arguments(parser) -> None:
    """The check command's output and scale options."""
    parser.add_argument(
        "--output-file",
        "-o",
        metavar="FILE",
        help="write the report to FILE (atomically: the file is replaced only by a complete report)",
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="after the report, print the number of findings per rule (to stderr when a machine-readable report is on "
        "stdout)",
    )
    parser.add_argument(
        "--redact",
        action="store_true",
        help="reports carry no letter text, only paths, positions, codes and messages with letter text replaced by "
        "[redacted]",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help=f"lint in N worker processes (default: the number of cores, {default_jobs()} here); the output is the "
        "same for any N",
    )
    parser.add_argument(
        "--files-from",
        metavar="FILE",
        help="lint the paths listed in FILE too, one a line ('-': standard input), for lists too long for a command "
        "line",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the cache of reports (each letter is linted afresh)",
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="keep the cache in DIR (default: $IMRLINT_CACHE_DIR, else imrlint's folder in the user's cache "
        "directory: 'imrlint cache dir' prints it)",
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="lint on the workers of the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786); the report "
        "is the same as --jobs 1 (needs imrlint[dask])",
    )
