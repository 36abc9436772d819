"""The runner (imrlint.lint.parallel): --jobs, streaming in input order, internal errors under workers,
the progress bar, and the command line's use of them."""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import subprocess
import sys

import pytest

from imrlint.cli.main import main
from imrlint.plugins.hookspecs import hookimpl
from imrlint.rules.base import rule

from conftest import CORPUS, EXAMPLES, REPO, SEEDS, edited, real_letters

MRI = EXAMPLES / "CM16-0213037.txt"


def corpus() -> list[str]:
    return [str(path) for path in real_letters()]


@pytest.mark.corpus
def test_jobs_do_not_change_the_report(capsys):
    """The full JSON report of the shared corpus (68 letters: enough to use the workers) is the
    same byte for byte with --jobs 1, 2 and 3."""
    outputs = []
    for jobs in ("1", "2", "3"):
        status = main(["check", "--format", "json", "--jobs", jobs, str(CORPUS), str(SEEDS)])
        outputs.append((status, capsys.readouterr().out))
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(json.loads(outputs[0][1])) > 0


@pytest.mark.corpus
@pytest.mark.parametrize("format", ["jsonl", "sarif", "junit", "csv", "html", "github", "text"])
def test_every_format_is_the_same_for_any_jobs(capsys, monkeypatch, format):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outputs = []
    for jobs in ("1", "2"):
        main(["check", "--format", format, "--jobs", jobs, str(CORPUS)])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


def test_jobs_must_be_positive(capsys):
    assert main(["check", "--jobs", "0", str(MRI)]) == 2
    assert "--jobs must be at least 1" in capsys.readouterr().err


def test_default_jobs_is_the_number_of_cores():
    from imrlint.lint.parallel import default_jobs

    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert default_jobs() == expected


# --- a rule that crashes ------------------------------------------------------------------------

CRASH_MARKER = "MRI of the right shoulder without contrast: Overturned"


@rule("TST901", "crashes-on-overturned")
def crashes_on_overturned(letter, context):
    """Crashes on letters with an overturned shoulder MRI (a test rule)."""
    if CRASH_MARKER in letter.document.text:
        raise ZeroDivisionError("deliberate")
    return iter(())


class CrashingPlugin:
    @hookimpl
    def imrlint_rules(self):
        return [crashes_on_overturned]

    @hookimpl
    def imrlint_rule_declarations(self):
        return [
            {
                "rules": [
                    {
                        "code": "TST901",
                        "name": "crashes-on-overturned",
                        "severity": "error",
                        "enabled": True,
                        "message": "never",
                        "options": {},
                    }
                ]
            }
        ]


@pytest.fixture
def crashing_linter():
    from imrlint.config.layers import load_config
    from imrlint.lint.linter import Linter
    from imrlint.plugins.manager import load_rule_set, plugin_manager

    rule_set = load_rule_set(plugin_manager([CrashingPlugin()]))
    return Linter(rule_set, load_config(rule_set.defaults, None))


@pytest.fixture
def with_crashing_letter(tmp_path):
    """The corpus with, in the middle, the MRI letter whose first item is wrongly Overturned."""
    letters = corpus()
    bad = tmp_path / "crash.txt"
    bad.write_text(edited(MRI, ("MRI of the right shoulder without contrast: Upheld", CRASH_MARKER)), encoding="utf-8")
    return [*letters[:30], str(bad), *letters[30:]]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_crashing_rule_is_an_internal_error_for_that_letter_only(crashing_linter, with_crashing_letter, jobs):
    from imrlint.lint.parallel import lint_paths

    reports = list(lint_paths(with_crashing_letter, crashing_linter, jobs))
    assert [report.path for report in reports] == with_crashing_letter
    broken = [report for report in reports if report.internal_error]
    assert [report.path for report in broken] == [with_crashing_letter[30]]
    codes = [finding.code for finding in broken[0].findings]
    assert "IMR900" in codes and "IMR206" in codes  # the letter's other findings are still reported
    internal = next(finding for finding in broken[0].findings if finding.code == "IMR900")
    assert "TST901" in internal.message and "ZeroDivisionError" in internal.message


def test_the_command_line_exits_2_after_reporting_everything(capsys, monkeypatch, with_crashing_letter, tmp_path):
    import imrlint.cli.main
    from imrlint.plugins.manager import plugin_manager

    monkeypatch.setattr(imrlint.cli.main, "plugin_manager", lambda argv=(): plugin_manager([CrashingPlugin()]))
    status = main(["check", "--format", "jsonl", "--jobs", "2", *with_crashing_letter])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 2
    assert {record["code"] for record in records if record["path"] == with_crashing_letter[30]} >= {"IMR900", "IMR206"}
    assert any(record["path"] != with_crashing_letter[30] for record in records)


def test_a_failure_outside_the_rules_is_an_internal_error(monkeypatch, crashing_linter):
    from imrlint.lint.parallel import lint_paths
    from imrlint.model import letter as model

    letters = corpus()[:20]
    real = model.build_letter

    def failing(document, catalogue=None):
        if document.path == letters[5]:
            raise RecursionError("deep")
        return real(document, catalogue)

    monkeypatch.setattr(model, "build_letter", failing)
    reports = list(lint_paths(letters, crashing_linter, 2))
    assert [report.path for report in reports] == letters
    assert [report.internal_error for report in reports].count(True) == 1
    assert reports[5].internal_error and reports[5].findings[0].code == "IMR900"
    assert "RecursionError: deep" in reports[5].findings[0].message


def test_an_internal_error_where_no_linter_can_be_built_uses_the_declared_rule():
    """When even the letter's linter cannot be built, IMR900 is reported as rules/input.yaml
    declares it."""
    from imrlint.lint.parallel import internal_error_report
    from imrlint.plugins.manager import load_rule_set, plugin_manager

    class BrokenSession:
        rule_set = load_rule_set(plugin_manager())

        def linter_for(self, path):
            raise RuntimeError("no linter")

    report = internal_error_report(BrokenSession(), "letter.txt", ValueError("bad value"), stage="reader")
    (finding,) = report.findings
    assert report.internal_error
    assert (finding.code, finding.name, finding.severity, finding.span.line) == ("IMR900", "internal-error", "error", 1)
    assert finding.message.startswith("rule reader failed on this letter (ValueError: bad value")
    assert finding.message.endswith("the letter was not fully checked - please report this to imrlint's maintainers")


# --- streaming ------------------------------------------------------------------------------------


def test_reports_stream_and_the_input_is_read_only_a_bounded_way_ahead(linter):
    """The first report arrives while most paths have not even been read: the pipeline holds a
    bounded number of chunks (memory stays flat however many letters)."""
    from imrlint.lint.parallel import CHUNK_SIZE, IN_FLIGHT_PER_JOB, lint_paths

    consumed = 0
    letters = corpus()

    def paths():
        nonlocal consumed
        for path in itertools.islice(itertools.cycle(letters), 2000):
            consumed += 1
            yield path

    stream = lint_paths(paths(), linter, 2)
    first = next(stream)
    assert first.path == letters[0]
    assert consumed <= CHUNK_SIZE * (2 * IN_FLIGHT_PER_JOB + 2)
    seen = 1 + sum(1 for _ in itertools.islice(stream, 99))
    assert seen == 100 and consumed <= 100 + CHUNK_SIZE * (2 * IN_FLIGHT_PER_JOB + 2)
    stream.close()  # stops the workers


def test_a_short_run_is_linted_in_this_process(linter, monkeypatch):
    import imrlint.lint.parallel

    monkeypatch.setattr(
        imrlint.lint.parallel, "_lint_parallel", lambda *args: pytest.fail("no workers for two letters")
    )
    reports = list(imrlint.lint.parallel.lint_paths([str(MRI), str(MRI)], linter, 8))
    assert len(reports) == 2


def test_spawned_workers_build_their_own_linter(linter, monkeypatch):
    """Where fork is not used (macOS, Windows), workers get the configuration and build the
    linter themselves; the reports are the same."""
    import imrlint.lint.parallel

    letters = corpus()[:24]
    expected = [report.findings for report in imrlint.lint.parallel.lint_paths(letters, linter, 1)]
    monkeypatch.setattr(imrlint.lint.parallel, "_context", lambda: multiprocessing.get_context("spawn"))
    assert [report.findings for report in imrlint.lint.parallel.lint_paths(letters, linter, 2)] == expected


def test_redaction_happens_in_the_workers(linter):
    from imrlint.lint.parallel import LintOptions, lint_paths

    letters = corpus()
    for report in lint_paths(letters, linter, 2, options=LintOptions(redact=True)):
        assert all(item.heading == "[redacted]" for item in report.item_details)
        assert report.excerpts == {}


def test_excerpts_are_collected_only_when_asked(linter):
    from imrlint.lint.parallel import LintOptions, lint_paths

    letters = corpus()
    with_findings = [
        report for report in lint_paths(letters, linter, 2, options=LintOptions(excerpts=True)) if report.findings
    ]
    assert with_findings and all(report.excerpts for report in with_findings)
    for report in with_findings:
        for finding in report.findings:
            if finding.span.line > 1:
                assert finding.span.line in report.excerpts
    assert all(not report.excerpts for report in lint_paths(letters, linter, 2))


# --- the progress bar -----------------------------------------------------------------------------


def test_no_progress_bar_in_a_pipe(tmp_path):
    """Run as a script would: stderr a pipe, a run long enough (over a second) for a bar."""
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    result = subprocess.run(
        [sys.executable, "-m", "imrlint", "check", "--jobs", "1", *corpus(), *corpus()],
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode in (0, 1)
    assert result.stderr == b""
    assert b"\r" not in result.stdout and b"letter/s" not in result.stdout


def test_progress_only_for_a_person_at_a_terminal(monkeypatch):
    from imrlint.lint.parallel import show_progress

    class Terminal:
        def isatty(self):
            return True

    class Pipe:
        def isatty(self):
            return False

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert show_progress(report_on_terminal=False)
    assert not show_progress(report_on_terminal=True)  # the report itself is on that terminal
    monkeypatch.setenv("CI", "true")
    assert not show_progress(report_on_terminal=False)
    monkeypatch.delenv("CI")
    monkeypatch.setattr(sys, "stderr", Pipe())
    assert not show_progress(report_on_terminal=False)


def test_the_progress_bar_counts_letters(monkeypatch, capsys, linter):
    """With a terminal for stderr the bar is drawn (tqdm, after a delay), the report unchanged."""
    import imrlint.lint.parallel
    from imrlint.report.json import JsonReporter

    monkeypatch.setattr(imrlint.lint.parallel, "show_progress", lambda report_on_terminal: True)
    letters = corpus()[:5]
    summary, internal = imrlint.lint.parallel.check_run(linter, letters, JsonReporter, named_paths=letters, jobs=1)
    assert summary.files == 5 and not internal
    json.loads(capsys.readouterr().out)


# --- a worker that dies ---------------------------------------------------------------------------


@rule("TST902", "kills-its-worker")
def kills_its_worker(letter, context):
    """Ends a worker process abruptly on one letter (as a crash in C code or the OOM killer would)."""
    import multiprocessing

    if letter.document.path.endswith("crash.txt") and multiprocessing.current_process().name != "MainProcess":
        os._exit(3)
    return iter(())


class KillingPlugin:
    @hookimpl
    def imrlint_rules(self):
        return [kills_its_worker]

    @hookimpl
    def imrlint_rule_declarations(self):
        return [
            {
                "rules": [
                    {
                        "code": "TST902",
                        "name": "kills-its-worker",
                        "severity": "error",
                        "enabled": True,
                        "message": "never",
                        "options": {},
                    }
                ]
            }
        ]


def test_a_dead_worker_does_not_lose_letters(with_crashing_letter, capsys):
    """The letters of a worker that died, and those after, are linted in the main process."""
    from imrlint.config.layers import load_config
    from imrlint.lint.linter import Linter
    from imrlint.lint.parallel import lint_paths
    from imrlint.plugins.manager import load_rule_set, plugin_manager

    rule_set = load_rule_set(plugin_manager([KillingPlugin()]))
    linter = Linter(rule_set, load_config(rule_set.defaults, None))
    expected = [report.findings for report in lint_paths(with_crashing_letter, linter, 1)]
    reports = list(lint_paths(with_crashing_letter, linter, 2))
    assert [report.path for report in reports] == with_crashing_letter
    assert [report.findings for report in reports] == expected
    assert "a worker process died" in capsys.readouterr().err


def test_a_configuration_error_found_by_a_worker_stops_the_run(tmp_path, capsys):
    """A letter whose directory holds a wrong configuration file (found only when that letter is
    linted) is a configuration error, exit 2, even when a worker finds it."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        for index in range(20):
            (tmp_path / folder / f"{index:02d}.txt").write_text(MRI.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b" / ".imrlint.yaml").write_text("rules:\n  IMR999: {}\n", encoding="utf-8")
    assert main(["check", "--jobs", "2", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "imrlint: error:" in err and "IMR999" in err and "worker process died" not in err
