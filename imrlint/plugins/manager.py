"""Loading plugins (built-in and installed) and assembling the rule set they provide."""

from __future__ import annotations

import dataclasses
import pathlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pluggy

from imrlint.config.declarations import load_declarations
from imrlint.errors import ConfigError, describe_error
from imrlint.plugins import builtin, hookspecs
from imrlint.plugins.installed import installed_entry_points, load_entry_point
from imrlint.report import Formats
from imrlint.rules.base import Rule, RuleSettings

BUILTIN_MAINTAINER = "imrlint's maintainers"


@dataclass(frozen=True)
class RuleSet:
    """Every known rule: implementations and declared defaults, keyed by code, in code order;
    ``maintainers`` names, per code, who to tell when the rule fails (a plugin's, a custom
    rule's configuration; imrlint's own when absent)."""

    rules: dict[str, Rule]
    defaults: dict[str, RuleSettings]
    formats: Formats
    maintainers: dict[str, str] = field(default_factory=dict)

    def maintainer(self, code: str) -> str:
        return self.maintainers.get(code, BUILTIN_MAINTAINER)

    def resolve(self, reference: str) -> str | None:
        """The code of a rule named by code or name (case-insensitive code)."""
        if reference.upper() in self.rules:
            return reference.upper()
        return next((code for code, rule in self.rules.items() if rule.name == reference), None)


def plugin_manager(
    extra_plugins: Iterable[object] = (), entry_points: bool = True, index_directory: pathlib.Path | None = None
) -> pluggy.PluginManager:
    """A plugin manager with the built-in plugin, ``extra_plugins`` and installed entry points
    (looked up in the index kept in ``index_directory``, when given: see
    :mod:`imrlint.plugins.installed`; the built-in rules' index is kept there too)."""
    builtin.use_rule_index(index_directory)
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    manager.register(builtin, name=BUILTIN_PLUGIN)
    for plugin in extra_plugins:
        manager.register(plugin)
    if entry_points:
        _load_entry_points(manager, index_directory)
    return manager


BUILTIN_PLUGIN = "imrlint.plugins.builtin"


def _load_entry_points(manager: pluggy.PluginManager, index_directory: pathlib.Path | None) -> None:
    """Register the installed plugins (entry points of the group ``imrlint``), naming the one
    that cannot be loaded."""
    for name, reference in installed_entry_points(index_directory):
        if manager.get_plugin(name) is not None or manager.is_blocked(name):
            continue
        try:
            plugin = load_entry_point(reference)
        except Exception as error:
            raise _plugin_error(name, "", error, "cannot be loaded") from error
        manager.register(plugin, name=name)


def _plugin_error(name: str, key: str, error: Exception, failure: str) -> ConfigError:
    return ConfigError(
        f"plugin '{name}'",
        key,
        f"{failure} ({describe_error(error)}); uninstall or fix the plugin (--show-traceback shows where it failed)",
    )


def _plugin_name(manager: pluggy.PluginManager, plugin: object) -> str:
    return manager.get_name(plugin) or str(getattr(plugin, "__name__", repr(plugin)))


def _each_plugin(manager: pluggy.PluginManager, hook: str) -> Iterator[tuple[str, Any]]:
    """(plugin name, what it returns) for each plugin implementing ``hook``, in pluggy's order;
    a plugin whose hook fails is named."""
    for implementation in reversed(getattr(manager.hook, hook).get_hookimpls()):
        name = _plugin_name(manager, implementation.plugin)
        try:
            yield name, implementation.function()
        except Exception as error:
            raise _plugin_error(name, hook, error, "failed") from error


def _with_summary(settings: RuleSettings, rule: Rule) -> RuleSettings:
    """A rule's summary has one source: its docstring's first paragraph, or, for a rule without a
    docstring, its declaration's ``summary``."""
    if rule.summary and settings.summary and settings.summary != rule.summary:
        raise ConfigError(
            "rule declarations",
            f"{rule.code}.summary",
            "differs from the first paragraph of the rule's docstring, which is its summary: remove the "
            "declaration's summary or make the two the same",
        )
    if not rule.summary and not settings.summary:
        raise ConfigError(
            "rule declarations", rule.code, "has no summary: give the rule a docstring or its declaration a summary"
        )
    return dataclasses.replace(settings, summary=rule.summary or settings.summary)


def load_rule_set(manager: pluggy.PluginManager) -> RuleSet:
    """Collect rules and declarations from every plugin and check they match one to one."""
    rules: dict[str, Rule] = {}
    names: dict[str, str] = {}
    maintainers: dict[str, str] = {}
    for plugin, provided in _each_plugin(manager, "imrlint_rules"):
        for rule in provided or ():
            if rule.code in rules:
                raise ConfigError(
                    "plugins", rule.code, f"rule code is registered twice ({rules[rule.code].name}, {rule.name})"
                )
            if rule.name in names:
                raise ConfigError(
                    "plugins", rule.name, f"rule name is registered twice ({names[rule.name]}, {rule.code})"
                )
            rules[rule.code] = rule
            names[rule.name] = rule.code
            if plugin != BUILTIN_PLUGIN:
                maintainers[rule.code] = f"the maintainers of the plugin '{plugin}'"
    sources: list[tuple[str, pathlib.Path | dict]] = []
    for plugin, provided in _each_plugin(manager, "imrlint_rule_declarations"):
        sources.extend((f"plugin '{plugin}'", source) for source in provided or ())
    defaults = load_declarations(sources, shipped=frozenset({f"plugin '{BUILTIN_PLUGIN}'"}))
    for code, settings in defaults.items():
        if code not in rules:
            raise ConfigError("rule declarations", code, "declared but no plugin implements it")
        if settings.name != rules[code].name:
            raise ConfigError(
                "rule declarations", code, f"declared as '{settings.name}' but implemented as '{rules[code].name}'"
            )
    for code in rules:
        if code not in defaults:
            raise ConfigError("rule declarations", code, "implemented but not declared (severity, message, options)")
        defaults[code] = _with_summary(defaults[code], rules[code])
    formats = Formats()
    for _, provided in _each_plugin(manager, "imrlint_formats"):
        formats.add(provided or {})
    ordered = sorted(rules)
    return RuleSet(
        {code: rules[code] for code in ordered}, {code: defaults[code] for code in ordered}, formats, maintainers
    )
