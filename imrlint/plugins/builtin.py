"""The built-in plugin: imrlint's own rules and output formats, registered through the same hooks
(:mod:`imrlint.plugins.hookspecs`) a third-party plugin implements.

The rule modules (and the model and parser they use) take most of a run's start-up to import.
An index of the built-in rules (each one's code, name, documentation and where it is defined),
kept in imrlint's cache and stamped with the size and modification time of every rule module,
lets a command that lists or documents rules (``imrlint rules``, ``imrlint rule``) import none of
them: their checks are :class:`~imrlint.rules.base.DeferredCheck`, imported when a letter is
linted."""

from __future__ import annotations

import importlib
import pathlib
from collections.abc import Iterator

from imrlint import __version__
from imrlint.plugins.hookspecs import hookimpl
from imrlint.resources import data_path, index_name, keep_index, kept_index, stat_stamp
from imrlint.rules.base import DeferredCheck, Rule

BUILTIN_RULE_MODULES = (
    "imrlint.rules.input",
    "imrlint.rules.structure",
    "imrlint.rules.decisions.determination",
    "imrlint.rules.decisions.quantities",
    "imrlint.rules.decisions.names",
    "imrlint.rules.citations.pages",
    "imrlint.rules.citations.chapters",
    "imrlint.rules.citations.sections",
    "imrlint.rules.citations.standards",
    "imrlint.rules.citations.rationale_pages",
    "imrlint.rules.reviewer",
    "imrlint.rules.facts",
    "imrlint.rules.artefacts",
    "imrlint.rules.internal",
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

_index_directory: pathlib.Path | None = None
_PACKAGE_DIR = pathlib.Path(__file__).resolve().parent.parent  # imrlint's own folder


def use_rule_index(directory: pathlib.Path | None) -> None:
    """Keep the built-in rules' index in ``directory`` (a folder of imrlint's cache, which has
    checked it is the user's own), or import the rule modules in every process (None)."""
    global _index_directory
    _index_directory = directory


@hookimpl
def imrlint_rules():
    return list(_indexed_rules() or _imported_rules())


@hookimpl
def imrlint_rule_declarations():
    return [data_path("rules", name) for name in RULE_DECLARATION_FILES]


@hookimpl
def imrlint_formats():
    from imrlint.report import BUILTIN_FORMATS

    return BUILTIN_FORMATS


def _defined_rules() -> Iterator[tuple[str, str, Rule]]:
    """(module, name, Rule) for every Rule the rule modules define, in definition order."""
    for module_name in BUILTIN_RULE_MODULES:
        for attribute, value in vars(importlib.import_module(module_name)).items():
            if isinstance(value, Rule):
                yield module_name, attribute, value


def _imported_rules() -> list[Rule]:
    """The rules, from their imported modules; the index written for the next run."""
    defined = list(_defined_rules())
    if _index_directory is not None:
        entries = [
            [rule.code, rule.name, rule.doc, module, attribute if rule.check is not None else None]
            for module, attribute, rule in defined
        ]
        keep_index(_index_directory / _index_name(), _modules_stamp(), entries)
    return [rule for _, _, rule in defined]


def _indexed_rules() -> list[Rule] | None:
    """The rules, from the index, if it was written for these very rule modules."""
    if _index_directory is None:
        return None
    entries = kept_index(_index_directory / _index_name(), _modules_stamp(), _well_formed)
    if not entries:
        return None
    return [
        Rule(code, name, DeferredCheck(module, attribute) if attribute else None, doc)
        for code, name, doc, module, attribute in entries
    ]


def _well_formed(entry: object) -> bool:
    """Whether an index entry is [code, name, doc, module, attribute or null], all text."""
    return (
        isinstance(entry, list)
        and len(entry) == 5
        and all(isinstance(part, str) for part in entry[:4])
        and isinstance(entry[4], str | None)
    )


def _index_name() -> str:
    """One index per installation of imrlint, so that environments sharing the user's cache
    folder do not take turns rewriting one."""
    return index_name("rules", str(_PACKAGE_DIR))


def _modules_stamp() -> list[str]:
    """imrlint's version and a stamp of each rule module: an edit of a rule (its code, name or
    docstring) or an upgrade writes the index again."""
    return [
        __version__,
        *(
            f"{module}: {stat_stamp(_PACKAGE_DIR.joinpath(*module.split('.')[1:]).with_suffix('.py'))}"
            for module in BUILTIN_RULE_MODULES
        ),
    ]
