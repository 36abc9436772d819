"""Rule declarations: each rule's defaults (severity, enabled flag, message, options, group), read
from rules/*.yaml and plugins' declarations and validated; codes and names unique."""

from __future__ import annotations

import pathlib
from collections.abc import Iterable, Mapping
from typing import Any

from imrlint.config.schema import DECLARATION_SCHEMA, compile_all, validate
from imrlint.config.selection import default_group
from imrlint.errors import ConfigError
from imrlint.resources import read_yaml
from imrlint.rules.base import RuleSettings


def load_declarations(
    sources: Iterable[tuple[str, pathlib.Path | Mapping[str, Any]]], shipped: frozenset[str] = frozenset()
) -> dict[str, RuleSettings]:
    """Rule defaults from declaration files or mappings, each with the name of the plugin that
    gave it; codes and names unique.  Each is validated (its patterns compiled) unless its plugin
    is one of ``shipped``, whose declarations the tests check (imrlint's own: a run does not pay
    for checking them again)."""
    declared: dict[str, RuleSettings] = {}
    names: set[str] = set()
    for plugin, source in sources:
        label = f"{plugin}: {source}" if isinstance(source, pathlib.Path) else f"{plugin}: declarations"
        document = read_yaml(source) if isinstance(source, pathlib.Path) else source
        checked = plugin not in shipped
        if checked:
            validate(document, DECLARATION_SCHEMA, label)
        for index, entry in enumerate(document["rules"]):
            key = f"rules.{index}"
            if entry["code"] in declared:
                raise ConfigError(label, key, f"rule code {entry['code']} is declared twice")
            if entry["name"] in names:
                raise ConfigError(label, key, f"rule name {entry['name']} is declared twice")
            for position, option in enumerate(entry.get("patterns", [])):
                if option not in entry["options"]:
                    raise ConfigError(
                        label, f"{key}.patterns.{position}", f"'{option}' is not one of the rule's options"
                    )
                if checked:
                    compile_all(entry["options"][option], label, f"{key}.options.{option}")
            names.add(entry["name"])
            declared[entry["code"]] = RuleSettings(
                code=entry["code"],
                name=entry["name"],
                severity=entry["severity"],
                enabled=entry["enabled"],
                message=entry["message"],
                summary=entry.get("summary", ""),
                options=dict(entry["options"]),
                group=entry.get("group") or default_group(entry["code"]),
                patterns=tuple(entry.get("patterns", ())),
            )
    return declared
