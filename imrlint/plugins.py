"""Loading plugins (built-in and installed) and assembling the rule set they provide."""

from __future__ import annotations

import pathlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pluggy

from . import builtin, hookspecs
from .config import ConfigError, load_declarations
from .rule import Rule, RuleSettings


@dataclass(frozen=True)
class RuleSet:
    """Every known rule: implementations and declared defaults, keyed by code, in code order."""

    rules: dict[str, Rule]
    defaults: dict[str, RuleSettings]
    formats: dict[str, Any]

    def resolve(self, reference: str) -> str | None:
        """The code of a rule named by code or name (case-insensitive code)."""
        if reference.upper() in self.rules:
            return reference.upper()
        return next((code for code, rule in self.rules.items() if rule.name == reference), None)


def plugin_manager(extra_plugins: Iterable[object] = (), entry_points: bool = True) -> pluggy.PluginManager:
    """A plugin manager with the built-in plugin, ``extra_plugins`` and installed entry points."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    manager.register(builtin, name="imrlint.builtin")
    for plugin in extra_plugins:
        manager.register(plugin)
    if entry_points:
        manager.load_setuptools_entrypoints(hookspecs.PROJECT)
    return manager


def load_rule_set(manager: pluggy.PluginManager) -> RuleSet:
    """Collect rules and declarations from every plugin and check they match one to one."""
    rules: dict[str, Rule] = {}
    names: dict[str, str] = {}
    for provided in manager.hook.imrlint_rules():
        for rule in provided or ():
            if rule.code in rules:
                raise ConfigError("plugins", rule.code, f"rule code is registered twice ({rules[rule.code].name}, {rule.name})")
            if rule.name in names:
                raise ConfigError("plugins", rule.name, f"rule name is registered twice ({names[rule.name]}, {rule.code})")
            rules[rule.code] = rule
            names[rule.name] = rule.code
    sources: list[pathlib.Path | dict] = []
    for provided in manager.hook.imrlint_rule_declarations():
        sources.extend(provided or ())
    defaults = load_declarations(sources)
    for code, settings in defaults.items():
        if code not in rules:
            raise ConfigError("rule declarations", code, "declared but no plugin implements it")
        if settings.name != rules[code].name:
            raise ConfigError("rule declarations", code, f"declared as '{settings.name}' but implemented as '{rules[code].name}'")
    for code in rules:
        if code not in defaults:
            raise ConfigError("rule declarations", code, "implemented but not declared (severity, message, options)")
    formats: dict[str, Any] = {}
    for provided in manager.hook.imrlint_formats():
        formats.update(provided or {})
    ordered = sorted(rules)
    return RuleSet({code: rules[code] for code in ordered}, {code: defaults[code] for code in ordered}, formats)
