"""The built-in plugin: imrlint's own rules and output formats, registered through the same hooks
(:mod:`imrlint.plugins.hookspecs`) a third-party plugin implements."""

from __future__ import annotations

from imrlint.plugins.hookspecs import hookimpl
from imrlint.resources import data_path
from imrlint.rules import artefacts, facts, input, internal, reviewer, structure
from imrlint.rules.base import iter_rules
from imrlint.rules.citations import chapters, pages, rationale_pages, sections, standards
from imrlint.rules.decisions import determination, names, quantities

BUILTIN_RULE_MODULES = (
    input,
    structure,
    determination,
    quantities,
    names,
    pages,
    chapters,
    sections,
    standards,
    rationale_pages,
    reviewer,
    facts,
    artefacts,
    internal,
)

RULE_DECLARATION_FILES = (
    "input.yaml",
    "structure.yaml",
    "decisions.yaml",
    "citations.yaml",
    "reviewer.yaml",
    "facts.yaml",
    "artefacts.yaml",
    "internal.yaml",
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

    return BUILTIN_FORMATS
