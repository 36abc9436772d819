"""A run's resolved configuration (:class:`Config`), where each layer of it comes from
(:class:`Source`), the command line's layer and the per-path overrides."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from imrlint.config.changes import Source, apply_rule_changes
from imrlint.rules.base import Rule, RuleSettings
from imrlint.rules.findings import SEVERITIES

if TYPE_CHECKING:
    import pathspec

SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as messages show it: relative to the working directory when under it."""
    text = os.fspath(path)
    try:
        relative = os.path.relpath(text)
    except ValueError:  # another drive (Windows)
        return text
    return text if relative.startswith("..") else relative


DEFAULT_ORIGIN = "default"


DEFAULT_TIME_BUDGET = 10.0
"""Seconds one letter may take, reading included (``--time-budget``, ``time-budget``): a letter
takes milliseconds."""


@dataclass(frozen=True)
class CommandLine:
    """The command line's layer: selectors, the failing severity and the size limit."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    max_bytes: int | None = None
    time_budget: float | None = None
    exclude: tuple[str, ...] = ()
    respect_gitignore: bool | None = None

    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = {}
        if self.select is not None:
            document["select"] = list(self.select)
        if self.extend_select:
            document["extend-select"] = list(self.extend_select)
        if self.ignore:
            document["ignore"] = list(self.ignore)
        if self.fail_on is not None:
            document["fail-on"] = self.fail_on
        if self.max_bytes is not None:
            document["max-bytes"] = self.max_bytes
        if self.time_budget is not None:
            document["time-budget"] = self.time_budget
        if self.exclude:
            document["exclude"] = list(self.exclude)
        if self.respect_gitignore is not None:
            document["respect-gitignore"] = self.respect_gitignore
        return document


@dataclass(frozen=True)
class Override:
    """Per-path changes: rules selected, ignored or configured for files matching ``globs``
    (gitignore-style patterns, relative to ``base``, matched by :mod:`pathspec`)."""

    globs: tuple[str, ...]
    spec: pathspec.PathSpec
    base: pathlib.Path
    source: Source
    key: str  # "overrides.0"
    changes: Mapping[str, Any]

    def matches(self, path: str | os.PathLike[str]) -> bool:
        relative = relative_to(path, self.base)
        return relative is not None and self.spec.match_file(relative)


def relative_to(path: str | os.PathLike[str], base: pathlib.Path) -> str | None:
    """``path`` relative to ``base`` with '/' separators, or None when it is not under ``base``."""
    absolute = os.path.abspath(path)
    for candidate, directory in ((absolute, os.fspath(base)), (os.path.realpath(absolute), os.path.realpath(base))):
        try:
            relative = os.path.relpath(candidate, directory)
        except ValueError:  # another drive (Windows)
            continue
        if relative != os.curdir and relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            return relative.replace(os.sep, "/")
    return None


@dataclass(frozen=True)
class Config:
    """The resolved configuration of one run (or, with overrides applied, of one letter)."""

    rules: dict[str, RuleSettings]
    mtus: dict[str, Any] = field(default_factory=dict)
    phrases: dict[str, Any] = field(default_factory=dict)
    max_bytes: int | None = None
    time_budget: float | None = None
    #: Paths the search for letters passes by: (directory the pattern is relative to, gitignore-style pattern).
    exclude: tuple[tuple[pathlib.Path, str], ...] = ()
    respect_gitignore: bool = True
    source: str = "defaults"
    fail_on: str = "error"
    #: "rules.IMR303.severity", "fail-on", ... -> where the value came from; absent = default.
    origins: Mapping[str, str] = field(default_factory=dict)
    #: Rules defined under ``custom-rules``: (rule, declared settings) pairs.
    custom_rules: tuple[tuple[Rule, RuleSettings], ...] = ()
    overrides: tuple[Override, ...] = ()
    #: The profiles and files applied, base first ("profile strict", ".imrlint.yaml").
    layers: tuple[str, ...] = ()
    #: The configuration file, when there is one.
    path: str | None = None
    #: The overrides applied to this configuration (indexes into ``overrides``).
    applied: tuple[int, ...] = ()
    message_fields: Mapping[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    def origin(self, key: str) -> str:
        return self.origins.get(key, DEFAULT_ORIGIN)

    def fails(self, severity: str) -> bool:
        """Whether a finding of ``severity`` makes the run fail (exit status 1) under ``fail-on``."""
        return SEVERITY_RANK[severity] <= SEVERITY_RANK[self.fail_on]

    def for_path(self, path: str | os.PathLike[str]) -> Config:
        """This configuration with the overrides whose globs match ``path`` applied."""
        matched = tuple(index for index, override in enumerate(self.overrides) if override.matches(path))
        return self.with_overrides(matched)

    def with_overrides(self, matched: tuple[int, ...]) -> Config:
        if not matched:
            return self
        rules = dict(self.rules)
        origins = dict(self.origins)
        for index in matched:
            override = self.overrides[index]
            apply_rule_changes(
                rules, origins, override.changes, override.source, override.key + ".", self.message_fields
            )
        return replace(self, rules=rules, origins=origins, applied=matched)
