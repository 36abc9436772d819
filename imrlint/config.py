"""Configuration: the rules' declared defaults and a user's changes to them, both validated.

Rule declarations (``rules/*.yaml`` and plugins') and user configuration files are checked
against JSON Schemas; any problem is a :class:`ConfigError` naming the file, the key and the
reason, which the command line reports with exit status 2.  Nothing unknown is ignored.
"""

from __future__ import annotations

import copy
import pathlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import jsonschema
import yaml

from .findings import SEVERITIES
from .rule import CODE_PATTERN, NAME_PATTERN, RuleSettings, message_fields


class ConfigError(Exception):
    """A configuration or declaration problem: where (file), which key, and why."""

    def __init__(self, source: str, key: str, reason: str):
        super().__init__(f"{source}: {key}: {reason}" if key else f"{source}: {reason}")
        self.source = source
        self.key = key
        self.reason = reason


DECLARATION_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["rules"],
    "properties": {
        "rules": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "name", "severity", "enabled", "summary", "message", "options"],
                "properties": {
                    "code": {"type": "string", "pattern": CODE_PATTERN.pattern},
                    "name": {"type": "string", "pattern": NAME_PATTERN.pattern},
                    "severity": {"enum": list(SEVERITIES)},
                    "enabled": {"type": "boolean"},
                    "summary": {"type": "string", "minLength": 1},
                    "message": {"type": "string", "minLength": 1},
                    "options": {"type": "object"},
                },
            },
        }
    },
}


def read_yaml(path: pathlib.Path | str, source: str | None = None) -> Any:
    """Load a YAML file, turning I/O and syntax errors into a ConfigError."""
    source = source or str(path)
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except OSError as error:
        raise ConfigError(source, "", f"cannot read: {error.strerror or error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError(source, "", f"invalid YAML: {where}{getattr(error, 'problem', None) or error}") from None


def _key_path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path) or "(top level)"


def _reason(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(repr(key) for key in unknown)}"
    return error.message


def validate(document: Any, schema: Mapping[str, Any], source: str) -> None:
    """Validate ``document`` against ``schema``; the first (most specific) error is raised."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda error: (list(map(str, error.absolute_path)), error.message))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        raise ConfigError(source, _key_path(best), _reason(best))


def load_declarations(sources: Iterable[pathlib.Path | Mapping[str, Any]]) -> dict[str, RuleSettings]:
    """Rule defaults from declaration files or mappings, validated; codes and names unique."""
    declared: dict[str, RuleSettings] = {}
    names: set[str] = set()
    for source in sources:
        label = str(source) if isinstance(source, pathlib.Path) else "plugin declarations"
        document = read_yaml(source) if isinstance(source, pathlib.Path) else source
        validate(document, DECLARATION_SCHEMA, label)
        for index, entry in enumerate(document["rules"]):
            key = f"rules.{index}"
            if entry["code"] in declared:
                raise ConfigError(label, key, f"rule code {entry['code']} is declared twice")
            if entry["name"] in names:
                raise ConfigError(label, key, f"rule name {entry['name']} is declared twice")
            names.add(entry["name"])
            declared[entry["code"]] = RuleSettings(
                code=entry["code"],
                name=entry["name"],
                severity=entry["severity"],
                enabled=entry["enabled"],
                message=entry["message"],
                summary=entry["summary"],
                options=dict(entry["options"]),
            )
    return declared


@dataclass(frozen=True)
class Config:
    """The resolved configuration of one run."""

    rules: dict[str, RuleSettings]
    mtus: dict[str, Any] = field(default_factory=dict)
    phrases: dict[str, Any] = field(default_factory=dict)
    max_bytes: int | None = None
    source: str = "defaults"


def _option_schema(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        return {"type": "array", "items": _option_schema(value[0])} if value else {"type": "array"}
    if isinstance(value, dict):
        return {"type": "object"}
    return {}


def user_config_schema(defaults: Mapping[str, RuleSettings]) -> dict[str, Any]:
    """The JSON Schema of a user configuration file for this rule set."""
    rule_properties: dict[str, Any] = {}
    for code, settings in defaults.items():
        rule_schema = {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "severity": {"enum": list(SEVERITIES)},
                "enabled": {"type": "boolean"},
                "message": {"type": "string", "minLength": 1},
                "options": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {name: _option_schema(value) for name, value in settings.options.items()},
                },
            },
        }
        rule_properties[code] = rule_schema
        rule_properties[settings.name] = rule_schema
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "rules": {"type": "object", "additionalProperties": False, "properties": rule_properties},
            "mtus": {"type": "object", "additionalProperties": False, "properties": {"chapters": {"type": "array", "items": {"type": "object"}}}},
            "phrases": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "decision_words": {"type": "array", "items": {"type": "string"}},
                    "conclusions": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "anchors": {"type": "array", "items": {"type": "string"}},
                            "negations_before": {"type": "array", "items": {"type": "string"}},
                            "negations_after": {"type": "array", "items": {"type": "string"}},
                            "window_words": {"type": "integer", "minimum": 1},
                            "clause_boundary": {"type": "string"},
                            "openers": {
                                "type": "object",
                                "additionalProperties": False,
                                "properties": {side: {"type": "array", "items": {"type": "string"}} for side in ("negative", "positive")},
                            },
                        },
                    },
                },
            },
            "max-bytes": {"type": "integer", "minimum": 1},
        },
    }


def resolve_config(defaults: Mapping[str, RuleSettings], document: Any, source: str, by_name: Mapping[str, str]) -> Config:
    """Apply a user configuration ``document`` (already parsed) to the rules' defaults."""
    if document is None:
        document = {}
    validate(document, user_config_schema(defaults), source)
    rules = {code: replace(settings, options=copy.deepcopy(settings.options)) for code, settings in defaults.items()}
    seen: dict[str, str] = {}
    for reference, changes in (document.get("rules") or {}).items():
        code = reference if reference in rules else by_name[reference]
        if code in seen:
            raise ConfigError(source, f"rules.{reference}", f"the rule is already configured as '{seen[code]}'")
        seen[code] = reference
        current = rules[code]
        message = changes.get("message", current.message)
        unknown = message_fields(message) - message_fields(defaults[code].message)
        if unknown:
            raise ConfigError(source, f"rules.{reference}.message", f"unknown placeholder(s) {', '.join(sorted(unknown))}; the rule provides {', '.join(sorted(message_fields(defaults[code].message))) or 'none'}")
        rules[code] = replace(
            current,
            severity=changes.get("severity", current.severity),
            enabled=changes.get("enabled", current.enabled),
            message=message,
            options={**current.options, **(changes.get("options") or {})},
        )
    return Config(
        rules=rules,
        mtus=document.get("mtus") or {},
        phrases=document.get("phrases") or {},
        max_bytes=document.get("max-bytes"),
        source=source,
    )


def load_config(defaults: Mapping[str, RuleSettings], path: str | None) -> Config:
    """The run's configuration: the defaults, changed by the YAML file at ``path`` if given."""
    by_name = {settings.name: code for code, settings in defaults.items()}
    if path is None:
        return resolve_config(defaults, {}, "defaults", by_name)
    document = read_yaml(path)
    if document is not None and not isinstance(document, dict):
        raise ConfigError(path, "", "the configuration must be a mapping (key: value)")
    return resolve_config(defaults, document, path, by_name)
