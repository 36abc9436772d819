"""Plugins: a third-party rule registers through the same hooks as the built-in rules."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from imrlint.config.layers import ConfigError, load_config
from imrlint.input.document import Document
from imrlint.lint.linter import Linter
from imrlint.plugins.hookspecs import hookimpl
from imrlint.plugins.manager import load_rule_set, plugin_manager
from imrlint.rules.base import rule

from conftest import EXAMPLES, REPO

SEED_000 = EXAMPLES / "000_8aa5183601f98bf9.txt"

DECLARATION = {
    "rules": [
        {
            "code": "HS101",
            "name": "no-iw-abbreviation",
            "severity": "info",
            "enabled": True,
            "message": "write 'injured worker' instead of '{abbreviation}' (Labor Code 4610.6(d)(1))",
            "options": {},
        }
    ]
}


@rule("HS101", "no-iw-abbreviation")
def no_iw_abbreviation(letter, context):
    """The summary does not use the abbreviation "IW"."""
    text = letter.summary.text
    index = text.find(" IW ")
    if index >= 0:
        yield context.finding(letter.summary.sub(index + 1, index + 3), abbreviation="IW")


class HouseStyle:
    @hookimpl
    def imrlint_rules(self):
        return [no_iw_abbreviation]

    @hookimpl
    def imrlint_rule_declarations(self):
        return [DECLARATION]


def test_plugin_rule_runs_beside_the_builtin_rules():
    rule_set = load_rule_set(plugin_manager([HouseStyle()], entry_points=False))
    assert rule_set.resolve("no-iw-abbreviation") == "HS101"
    linter = Linter(rule_set, load_config(rule_set.defaults, None))
    findings = linter.lint_document(Document("seed.txt", SEED_000.read_text(encoding="utf-8"))).findings
    assert [
        (f.code, f.name, f.severity, f.span.line, f.span.column, f.span.end_column, f.message)
        for f in findings
        if f.code == "HS101"
    ] == [
        (
            "HS101",
            "no-iw-abbreviation",
            "info",
            43,
            1,
            3,
            "write 'injured worker' instead of 'IW' (Labor Code 4610.6(d)(1))",
        )
    ]
    assert {f.code for f in findings} == {"HS101", "IMR303", "IMR312"}


def test_undeclared_or_unimplemented_plugin_rules_are_configuration_errors():
    class Undeclared:
        @hookimpl
        def imrlint_rules(self):
            return [no_iw_abbreviation]

    with pytest.raises(ConfigError, match="HS101: implemented but not declared"):
        load_rule_set(plugin_manager([Undeclared()], entry_points=False))

    class Unimplemented:
        @hookimpl
        def imrlint_rule_declarations(self):
            return [DECLARATION]

    with pytest.raises(ConfigError, match="HS101: declared but no plugin implements it"):
        load_rule_set(plugin_manager([Unimplemented()], entry_points=False))


def test_plugin_found_through_its_entry_point(tmp_path):
    package = tmp_path / "house_style"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            '''
            from imrlint.plugins.hookspecs import hookimpl
            from imrlint.rules.base import rule

            @rule("HS102", "doubled-period")
            def doubled_period(letter, context):
                """The summary has no doubled period ("..")."""
                index = letter.summary.text.find("..")
                if index >= 0:
                    yield context.finding(letter.summary.sub(index, index + 2))

            @hookimpl
            def imrlint_rules():
                return [doubled_period]

            @hookimpl
            def imrlint_rule_declarations():
                return [{"rules": [{"code": "HS102", "name": "doubled-period", "severity": "warning", "enabled": True,
                                    "message": "doubled period", "options": {}}]}]
            '''
        ),
        encoding="utf-8",
    )
    distribution = tmp_path / "house_style-1.0.dist-info"
    distribution.mkdir()
    (distribution / "METADATA").write_text("Metadata-Version: 2.1\nName: house-style\nVersion: 1.0\n", encoding="utf-8")
    (distribution / "entry_points.txt").write_text("[imrlint]\nhouse_style = house_style\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "imrlint", "check", str(SEED_000)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": f"{tmp_path}:{REPO}", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"{SEED_000}:41:13: HS102 [warning] doubled period" in result.stdout.splitlines()
    rules = subprocess.run(
        [sys.executable, "-m", "imrlint", "rules"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"PYTHONPATH": f"{tmp_path}:{REPO}", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert any(line.split()[:3] == ["HS102", "doubled-period", "warning"] for line in rules.stdout.splitlines())
