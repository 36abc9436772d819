"""The built-in plugin: imrlint's own rules and output formats, registered through the same hooks
(:mod:`imrlint.plugins.hookspecs`) a third-party plugin implements."""

from __future__ import annotations

from imrlint.plugins.hookspecs import hookimpl
from imrlint.resources import data_path
from imrlint.rules import (
    anonymity,
    artefacts,
    chronology,
    citations,
    consistency,
    decisions,
    guidelines,
    header,
    input,
    reviewer,
    structure,
)
from imrlint.rules.base import iter_rules

BUILTIN_RULE_MODULES = (
    input,
    structure,
    header,
    decisions,
    consistency,
    citations,
    guidelines,
    reviewer,
    anonymity,
    chronology,
    artefacts,
)

RULE_DECLARATION_FILES = (
    "input.yaml",
    "structure.yaml",
    "header.yaml",
    "decisions.yaml",
    "consistency.yaml",
    "citations.yaml",
    "guidelines.yaml",
    "reviewer.yaml",
    "anonymity.yaml",
    "chronology.yaml",
    "artefacts.yaml",
)


@hookimpl
def imrlint_rules():
    return list(iter_rules(*BUILTIN_RULE_MODULES))


@hookimpl
def imrlint_rule_declarations():
    return [data_path("rules", name) for name in RULE_DECLARATION_FILES]


@hookimpl
def imrlint_formats():
    from imrlint.report import BUILTIN_FORMATS

    return dict(BUILTIN_FORMATS)
