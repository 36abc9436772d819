"""Helpers for the rule tests: a linter built with a configuration file's changes."""

from __future__ import annotations

import pytest


@pytest.fixture()
def linter_with(rule_set, tmp_path):
    """``linter_with(config_yaml)`` -> a function linting a letter's text with that configuration."""
    from imrlint.config.layers import load_config
    from imrlint.input.document import Document
    from imrlint.lint.linter import Linter

    def make(config_text: str):
        path = tmp_path / "imrlint.yaml"
        path.write_text(config_text, encoding="utf-8")
        linter = Linter(rule_set, load_config(rule_set.defaults, str(path)))
        return lambda text, name="letter.txt": linter.lint_document(Document(name, text)).findings

    return make
