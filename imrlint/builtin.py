"""The built-in plugin: imrlint's own rules and output formats, registered through the same hooks
(:mod:`imrlint.hookspecs`) a third-party plugin implements."""

from __future__ import annotations

from .hookspecs import hookimpl
from .resources import data_path
from .rule import iter_rules
from .rules import BUILTIN_RULE_MODULES

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
    from .report import BUILTIN_FORMATS

    return dict(BUILTIN_FORMATS)
