"""The example plugin package (examples/plugin): installed with pip, found through its entry
point, it adds a rule and an output format."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

from conftest import CORPUS, EXAMPLES, REPO

PLUGIN = EXAMPLES / "plugin"
CORPUS_LETTER = CORPUS / "CM17-0007142.txt"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The plugin pip-installed (a real install: dist-info with its entry point) into a directory
    that goes on PYTHONPATH, so this environment's imrlint is the one it plugs into."""
    target = tmp_path_factory.mktemp("plugin-site")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(PLUGIN)]
    if importlib.util.find_spec("hatchling") is not None:
        command.insert(5, "--no-build-isolation")  # build offline with the installed backend
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (target / "imrlint_example" / "plugin.py").is_file()
    return target


def imrlint(site, *args, cwd):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)])}
    return subprocess.run(
        [sys.executable, "-m", "imrlint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_plugin_package_keeps_letters_out_of_the_examples_folder():
    """`imrlint check examples/` lints every *.txt, *.pdf and *.docx below it."""
    assert not [path for path in PLUGIN.rglob("*") if path.suffix.lower() in (".txt", ".pdf", ".docx")]


def test_installed_plugin_adds_a_rule_and_a_format(site, tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_bytes(CORPUS_LETTER.read_bytes())

    listed = imrlint(site, "rules", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert any(line.split()[:3] == ["EX101", "long-sentence", "info"] for line in listed.stdout.splitlines())

    checked = imrlint(site, "check", "--select", "EX101", "letter.txt", cwd=tmp_path)
    assert (checked.returncode, checked.stderr) == (0, "")
    assert checked.stdout.splitlines() == [
        "letter.txt:80:21: EX101 [info] this sentence has 72 words (the limit is 60); split it (Labor Code "
        "4610.6(d)(1): layperson's terms)",
        "Checked 1 letter: 0 errors, 0 warnings, 1 info (0 with errors).",
    ]

    # Configured like any rule: an option and a severity, by name; selected by its group.
    (tmp_path / ".imrlint.yaml").write_text(
        "rules:\n  long-sentence:\n    severity: error\n    options: {max_words: 80}\n", encoding="utf-8"
    )
    (tmp_path / ".git").mkdir()
    assert imrlint(site, "check", "--select", "plain-language", "letter.txt", cwd=tmp_path).stdout.startswith(
        "Checked 1 letter: 0 errors"
    )
    (tmp_path / ".imrlint.yaml").write_text("rules:\n  long-sentence:\n    severity: error\n", encoding="utf-8")
    failing = imrlint(site, "check", "--select", "plain-language", "letter.txt", cwd=tmp_path)
    assert failing.returncode == 1 and "EX101 [error]" in failing.stdout

    tallied = imrlint(site, "check", "--select", "EX101,IMR206", "--format", "tally", "letter.txt", cwd=tmp_path)
    assert tallied.stdout.splitlines() == ["     1  EX101  long-sentence", "     1  findings in 1 letter"]

    documented = imrlint(site, "rule", "EX101", cwd=tmp_path)
    assert "Labor Code 4610.6(d)(1)" in documented.stdout and "Group: plain-language" in documented.stdout
    assert "Fails: a rationale sentence of 61 words or more." in documented.stdout
