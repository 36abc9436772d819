"""Bounded work on hostile input: PDF and Word files whose text expands past --max-bytes, letters
over their time budget, YAML alias bombs, custom-rule patterns that backtrack without end; and
plugins and rules that fail are named.  Every limit is one the test sets, never a measured time."""

from __future__ import annotations

import io
import json
import os
import pathlib
import subprocess
import sys
import textwrap

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
from test_hardening_linear import letter_with_items

from imrlint.input import extracted
from imrlint.input.read import read_bytes

from conftest import REPO, SEEDS, run

SEED_000 = SEEDS / "000_8aa5183601f98bf9.txt"
SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"


@pytest.fixture
def folder(tmp_path, monkeypatch) -> pathlib.Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- PDF and Word files that expand -----------------------------------------------------------


def pdf_bomb(repeats: int, line: bytes = b"(Norco 10/325 mg is not medically necessary.) Tj T* ") -> bytes:
    """A small PDF whose one page's compressed content shows ``line`` ``repeats`` times."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 10 Tf 12 TL 40 760 Td " + line * repeats + b"ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    page.compress_content_streams()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_bomb(paragraphs: int, text: str = "Norco 10/325 mg is not medically necessary. " * 20) -> bytes:
    document = docx.Document()
    for _ in range(paragraphs):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_pdf_text_is_bounded_by_max_bytes_and_extraction_stops_there(monkeypatch):
    import imrlint.input.pdf as pdf_reader

    data = pdf_bomb(20_000)  # 900,000 characters of text from a few kilobytes
    assert len(data) < 10_000
    counted = []

    class CountingLimit(extracted.TextLimit):
        """A TextLimit that remembers how much text it counted."""

        def add(self, characters: int) -> None:
            try:
                super().add(characters)
            finally:
                counted.append(self.count)

    monkeypatch.setattr(pdf_reader, "TextLimit", CountingLimit)
    result = read_bytes(data, "bomb.pdf", max_bytes=50_000)
    assert result.document is None
    assert [(problem.rule, problem.message) for problem in result.problems] == [
        ("file-too-large", "the PDF's text is over the 50,000-character limit (--max-bytes); extraction stopped there")
    ]
    assert max(counted) < 50_000 + 1_000  # stopped within one piece of text of the limit


def test_docx_parts_are_bounded_by_max_bytes_before_they_are_read():
    data = docx_bomb(400)
    result = read_bytes(data, "bomb.docx", max_bytes=100_000)
    assert result.document is None
    (problem,) = result.problems
    assert problem.rule == "file-too-large"
    assert problem.message.startswith("the DOCX file's parts expand to ") and problem.message.endswith(
        " bytes, over the 100,000-byte limit (--max-bytes)"
    )


def test_an_expanding_document_is_a_finding_and_the_run_goes_on(capsys, folder):
    (folder / "bomb.pdf").write_bytes(pdf_bomb(20_000))
    (folder / "letter.txt").write_bytes(SEED_000.read_bytes())
    status, out, _err = run(capsys, "check", "--max-bytes", "60000", "bomb.pdf", "letter.txt")
    assert status == 1
    assert (
        out.splitlines()[0]
        == "bomb.pdf:1:1: IMR005 [error] the PDF's text is over the 60,000-character limit (--max-bytes); extraction "
        "stopped there"
    )
    assert out.splitlines()[-1] == "Checked 2 letters: 1 error, 1 warning, 1 info (1 with errors)."


@settings(max_examples=25, deadline=None)
@given(repeats=st.integers(1, 3000), limit=st.integers(200, 60_000))
def test_fuzz_pdf_bombs_never_yield_more_text_than_the_limit(repeats, limit):
    result = read_bytes(pdf_bomb(repeats), "letter.pdf", max_bytes=limit)
    if result.document is not None:
        assert len(result.document.text) <= limit
    else:
        assert [problem.rule for problem in result.problems] in (["file-too-large"], ["empty-letter"])


@settings(max_examples=10, deadline=None)
@given(paragraphs=st.integers(1, 300), headroom=st.floats(1.0, 8.0))
def test_fuzz_docx_bombs_never_yield_more_text_than_the_limit(paragraphs, headroom):
    data = docx_bomb(paragraphs)
    limit = int(len(data) * headroom)  # the file itself is within the limit: what it expands to may not be
    result = read_bytes(data, "letter.docx", max_bytes=limit)
    if result.document is not None:
        assert len(result.document.text) <= limit
    else:
        assert [problem.rule for problem in result.problems] == ["file-too-large"]


# --- the per-letter time budget ---------------------------------------------------------------


def test_a_letter_over_its_time_budget_is_reported_and_the_run_goes_on(capsys, folder):
    # a letter of 400 items takes far longer than a thousandth of a second, on any machine
    (folder / "long.txt").write_text(letter_with_items(400), encoding="utf-8")
    (folder / "longer.txt").write_text(letter_with_items(800), encoding="utf-8")
    status, out, err = run(capsys, "check", "--time-budget", "0.001", "long.txt", "longer.txt")
    assert (status, err) == (1, "")
    assert out.splitlines() == [
        "long.txt:1:1: IMR011 [error] checking this letter took more than its 0.001-second time budget "
        "(--time-budget); it was not fully checked",
        "longer.txt:1:1: IMR011 [error] checking this letter took more than its 0.001-second time budget "
        "(--time-budget); it was not fully checked",
        "Checked 2 letters: 2 errors, 0 warnings, 0 info (2 with errors).",
    ]


def test_the_time_budget_is_configured_and_shown(capsys, folder):
    (folder / ".imrlint.yaml").write_text("time-budget: 0.001\n", encoding="utf-8")
    (folder / "long.txt").write_text(letter_with_items(400), encoding="utf-8")
    status, out, _ = run(capsys, "check", "long.txt")
    assert status == 1 and "IMR011 [error] checking this letter took more than its 0.001-second time budget" in out
    status, out, _ = run(capsys, "config", "long.txt")
    assert "time-budget: 0.001" in out and "# .imrlint.yaml: time-budget" in out
    status, out, err = run(capsys, "check", "--time-budget", "0", "long.txt")
    assert (status, err) == (2, "imrlint: error: --time-budget must be a positive number of seconds\n")


def test_the_default_time_budget_is_ten_seconds(capsys, folder):
    _status, out, _ = run(capsys, "config")
    assert "time-budget: 10.0" in out and "# default" in out.split("time-budget: 10.0", 1)[1].splitlines()[0]


# --- configuration that expands ---------------------------------------------------------------

BILLION_LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9) if previous else ', '.join(['lol'] * 9)}]\n"
    for previous, name in zip([None, *"abcdefgh"], "abcdefghi", strict=False)
)


def test_a_yaml_alias_bomb_is_one_line_and_exit_2(capsys, folder):
    assert len(BILLION_LAUGHS) < 600
    (folder / ".imrlint.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    (folder / "letter.txt").write_bytes(SEED_000.read_bytes())
    status, out, err = run(capsys, "check", "letter.txt")
    assert (status, out) == (2, "")
    assert (
        err
        == "imrlint: error: .imrlint.yaml: its YAML aliases expand it to more than 100,000 values; write the values "
        "out, or use fewer aliases\n"
    )


def test_a_yaml_merge_bomb_and_a_value_that_contains_itself_are_refused(capsys, folder):
    merges = "a: &a {x: 1, y: 2, z: 3}\n" + "".join(
        f"{name}: &{name} {{<<: [{', '.join([f'*{previous}'] * 3)}], {name}{index}: 0}}\n"
        for index, (previous, name) in enumerate(zip("abcdefghijklmnopqrst", "bcdefghijklmnopqrstu", strict=False))
    )
    for text, reason in (
        (merges, "its YAML aliases expand it to more than 100,000 values; write the values out, or use fewer aliases"),
        ("select: &s [IMR001, *s]\n", "a YAML alias (line 1) names a value that contains it"),
    ):
        (folder / ".imrlint.yaml").write_text(text, encoding="utf-8")
        status, _out, err = run(capsys, "config")
        assert (status, err) == (2, f"imrlint: error: .imrlint.yaml: {reason}\n")


def test_aliases_within_the_limit_are_read(capsys, folder):
    (folder / ".imrlint.yaml").write_text(
        "ignore: &quiet [IMR303]\noverrides:\n  - files: ['*.txt']\n    ignore: *quiet\n", encoding="utf-8"
    )
    (folder / "letter.txt").write_bytes(SEED_000.read_bytes())
    status, out, _ = run(capsys, "check", "letter.txt")
    assert status == 0 and "IMR303" not in out


# --- configuration files that are not configuration -------------------------------------------


def test_a_file_that_is_not_a_configuration_is_never_shown(capsys, folder):
    secret = "root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"
    (folder / "shadow").write_text(secret, encoding="utf-8")
    (folder / "shadow.yaml").write_text(secret, encoding="utf-8")
    (folder / "extends.yaml").write_text(f"extends: {folder / 'shadow'}\n", encoding="utf-8")
    for argument, message in (
        ("shadow", "shadow: not read: a configuration file's name ends in .yaml, .yml or .toml"),
        ("extends.yaml", "shadow: not read: a configuration file's name ends in .yaml, .yml or .toml"),
        (
            "shadow.yaml",
            "shadow.yaml: not an imrlint configuration: none of its 2 keys is a configuration key (extends, select, "
            "extend-select, ignore, ...)",
        ),
    ):
        status, out, err = run(capsys, "config", "--config", argument)
        assert (status, out, err) == (2, "", f"imrlint: error: {message}\n")
        assert "root" not in err and "hash" not in err


# --- custom-rule patterns that backtrack ------------------------------------------------------


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)+$"])
def test_a_backtracking_custom_pattern_is_stopped_and_named(capsys, folder, pattern):
    (folder / ".imrlint.yaml").write_text(
        f"custom-rules:\n  - {{code: HS101, name: no-runs, type: forbidden-pattern, scope: rationale, pattern: "
        f"'{pattern}'}}\n",
        encoding="utf-8",
    )
    text = SEED_001.read_text(encoding="utf-8").replace(
        "Decision rationale: Norco", "Decision rationale: " + "a" * 60 + "! Norco", 1
    )
    (folder / "letter.txt").write_text(text, encoding="utf-8")
    (folder / "other.txt").write_bytes(SEED_000.read_bytes())
    status, out, _err = run(capsys, "check", "letter.txt", "other.txt")
    lines = out.splitlines()
    if pattern == "(a+)+$":  # the regex package matches this one in linear time
        assert status == 0 and not any("IMR900" in line for line in lines)
        return
    assert status == 2
    (failure,) = [line for line in lines if "IMR900" in line]
    assert failure.startswith(
        f"letter.txt:1:1: IMR900 [error] rule HS101 failed on this letter (PatternTimeout: its pattern '{pattern}' ran "
        "over 1 s on one part of this letter and was stopped: it backtracks too much; simplify it at "
    )
    assert failure.endswith(
        "the letter was not fully checked - please report this to whoever wrote its custom-rules entry in .imrlint.yaml"
    )
    assert "other.txt:109:44: IMR303 [warning]" in out  # the run went on


def test_custom_patterns_are_bounded_by_the_set_timeout(capsys, folder, monkeypatch):
    from imrlint.rules import custom as custom_rules

    monkeypatch.setattr(custom_rules, "PATTERN_TIMEOUT", 0.001)
    (folder / ".imrlint.yaml").write_text(
        "custom-rules:\n  - {code: HS101, name: no-runs, type: required-pattern, scope: letter, pattern: '(x|xx)+y'}\n",
        encoding="utf-8",
    )
    (folder / "letter.txt").write_text(SEED_001.read_text(encoding="utf-8") + "x" * 40 + "\n", encoding="utf-8")
    status, out, _ = run(capsys, "check", "letter.txt")
    assert status == 2 and "ran over 0.001 s on one part of this letter and was stopped" in out


# --- plugins that fail ------------------------------------------------------------------------


def install_plugin(folder: pathlib.Path, source: str) -> dict[str, str]:
    """A plugin package ``broken_style`` installed by entry point in ``folder``: the environment
    that finds it."""
    package = folder / "broken_style"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
    distribution = folder / "broken_style-1.0.dist-info"
    distribution.mkdir()
    (distribution / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: broken-style\nVersion: 1.0\n", encoding="utf-8"
    )
    (distribution / "entry_points.txt").write_text("[imrlint]\nbroken_style = broken_style\n", encoding="utf-8")
    return {"PYTHONPATH": f"{folder}:{REPO}", "PATH": os.environ["PATH"]}


PLUGIN_HEADER = '''
from imrlint.plugins.hookspecs import hookimpl
from imrlint.rules.base import rule

@rule("BS101", "always-fails")
def always_fails(letter, context):
    """Fails."""
    raise ValueError("a bug in the plugin")
    yield

@hookimpl
def imrlint_rules():
    return [always_fails]
'''


def plugin_declaring(severity: str) -> str:
    """The source of a plugin whose rule BS101 always fails, declared with ``severity``."""
    return (
        PLUGIN_HEADER
        + f'''
@hookimpl
def imrlint_rule_declarations():
    return [{{"rules": [{{"code": "BS101", "name": "always-fails", "severity": "{severity}", "enabled": True,
                         "message": "fails", "options": {{}}}}]}}]
'''
    )


def imrlint(folder: pathlib.Path, environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "imrlint", *arguments],
        capture_output=True,
        text=True,
        cwd=folder,
        env=environment,
        check=False,
    )


def test_a_plugin_with_an_invalid_declaration_is_named(tmp_path):
    environment = install_plugin(tmp_path, plugin_declaring("fatal"))
    result = imrlint(tmp_path, environment, "rules")
    assert result.returncode == 2
    assert (
        result.stderr
        == "imrlint: error: plugin 'broken_style': declarations: rules.0.severity: 'fatal' is not one of ['error', "
        "'warning', 'info']\n"
    )


def test_a_plugin_that_cannot_be_loaded_is_named(tmp_path):
    environment = install_plugin(tmp_path, "import no_such_module\n")
    result = imrlint(tmp_path, environment, "rules")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "imrlint: error: plugin 'broken_style': cannot be loaded (ModuleNotFoundError: No module named "
        "'no_such_module' at "
    )
    assert result.stderr.endswith("); uninstall or fix the plugin (--show-traceback shows where it failed)\n")
    shown = imrlint(tmp_path, environment, "--show-traceback", "rules")
    assert "Traceback (most recent call last):" in shown.stderr and 'broken_style/__init__.py", line 1' in shown.stderr


def test_a_plugin_rule_that_fails_names_the_plugin_and_shows_its_traceback_when_asked(tmp_path):
    environment = install_plugin(tmp_path, plugin_declaring("error"))
    result = imrlint(tmp_path, environment, "check", "--format", "json", str(SEED_000))
    assert result.returncode == 2
    (failure,) = [finding for finding in json.loads(result.stdout) if finding["code"] == "IMR900"]
    assert failure["message"].startswith(
        "rule BS101 failed on this letter (ValueError: a bug in the plugin at __init__.py:"
    )
    assert failure["message"].endswith("please report this to the maintainers of the plugin 'broken_style'")
    assert "Traceback" not in result.stderr
    shown = imrlint(tmp_path, environment, "--show-traceback", "check", "--jobs", "1", str(SEED_000))
    assert (
        "Traceback (most recent call last):" in shown.stderr
        and 'raise ValueError("a bug in the plugin")' in shown.stderr
    )


def test_parse_of_a_missing_file_exits_2_as_check_does(capsys, folder):
    assert run(capsys, "parse", "missing.txt") == (2, "", "imrlint: error: missing.txt: no such file or directory\n")
    assert run(capsys, "check", "missing.txt")[0] == 2
