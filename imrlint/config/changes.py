"""A layer of configuration and the rule changes it makes: where it comes from (:class:`Source`)
and how its ``severity-map``, ``select``, ``extend-select``, ``ignore`` and ``rules`` keys change
the rules' settings, recording where each value came from."""

from __future__ import annotations

import pathlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from imrlint.config.schema import compile_all
from imrlint.config.selection import SelectorError, resolve_selector
from imrlint.errors import ConfigError
from imrlint.rules.base import RuleSettings, message_fields


@dataclass(frozen=True)
class Source:
    """Where a layer of configuration comes from: its label in messages ("profile strict", a file
    path, "command line"), the directory its relative paths are resolved in, and the prefix of
    its keys ("tool.imrlint." in a pyproject.toml)."""

    label: str
    base: pathlib.Path | None = None
    prefix: str = ""
    command_line: bool = False

    def key(self, key: str) -> str:
        if self.command_line:
            return "--" + key.split(".", 1)[0]
        return self.prefix + key

    def origin(self, key: str) -> str:
        return f"{self.label}: {self.key(key)}"

    def error(self, key: str, reason: str) -> ConfigError:
        return ConfigError(self.label, self.key(key), reason)


def _selector_codes(selectors: Iterable[str], rules: Mapping[str, RuleSettings], source: Source, key: str) -> list[str]:
    codes: set[str] = set()
    for index, selector in enumerate(selectors):
        try:
            codes.update(resolve_selector(selector, rules))
        except SelectorError as error:
            raise source.error(f"{key}.{index}", str(error)) from None
    return sorted(codes)


def apply_rule_changes(
    rules: dict[str, RuleSettings],
    origins: dict[str, str],
    changes: Mapping[str, Any],
    source: Source,
    prefix: str,
    allowed_fields: Mapping[str, frozenset[str]],
) -> None:
    """Apply a layer's (or an override's) rule keys to ``rules`` in place, recording origins."""
    severity_map = changes.get("severity-map") or {}
    if severity_map:
        for code, settings in rules.items():
            new = severity_map.get(settings.severity)
            if new is not None and new != settings.severity:
                rules[code] = replace(settings, severity=new)
                origins[f"rules.{code}.severity"] = source.origin(f"{prefix}severity-map")
    if "select" in changes:
        selected = set(_selector_codes(changes["select"], rules, source, f"{prefix}select"))
        for code, settings in rules.items():
            rules[code] = replace(settings, enabled=code in selected)
            origins[f"rules.{code}.enabled"] = source.origin(f"{prefix}select")
    for key, enabled in (("extend-select", True), ("ignore", False)):
        for code in _selector_codes(changes.get(key) or (), rules, source, f"{prefix}{key}"):
            rules[code] = replace(rules[code], enabled=enabled)
            origins[f"rules.{code}.enabled"] = source.origin(f"{prefix}{key}")
    by_name = {settings.name: code for code, settings in rules.items()}
    seen: dict[str, str] = {}
    for reference, change in (changes.get("rules") or {}).items():
        code = reference if reference in rules else by_name[reference]
        key = f"{prefix}rules.{reference}"
        if code in seen:
            raise source.error(key, f"the rule is already configured as '{seen[code]}'")
        seen[code] = reference
        current = rules[code]
        if "message" in change:
            try:
                fields = message_fields(change["message"])
            except ValueError as error:
                raise source.error(f"{key}.message", f"invalid message template: {error}") from None
            allowed = allowed_fields.get(code, frozenset())
            unknown = fields - allowed
            if unknown:
                raise source.error(
                    f"{key}.message",
                    f"unknown placeholder(s) {', '.join(sorted(unknown))}; the rule provides "
                    f"{', '.join(sorted(allowed)) or 'none'}",
                )
        options = dict(current.options)
        for name, value in (change.get("options") or {}).items():
            if name in current.patterns:
                compile_all(value, source.label, source.key(f"{key}.options.{name}"))
            options[name] = value
            origins[f"rules.{code}.options.{name}"] = source.origin(f"{key}.options.{name}")
        for name in ("severity", "enabled", "message"):
            if name in change:
                origins[f"rules.{code}.{name}"] = source.origin(f"{key}.{name}")
        rules[code] = replace(
            current,
            severity=change.get("severity", current.severity),
            enabled=change.get("enabled", current.enabled),
            message=change.get("message", current.message),
            options=options,
        )
