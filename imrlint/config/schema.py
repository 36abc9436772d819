"""The JSON Schemas configuration is checked against, and the check itself: a rule declaration, a
user's configuration file (built for the rule set, so that every rule code and name, and each
rule's options, are known), the phrase lists' additions.  The first, most specific error is a
ConfigError naming the file, the key and the reason; nothing unknown is ignored."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from imrlint.errors import ConfigError
from imrlint.resources import data_path, read_yaml
from imrlint.rules.base import CODE_PATTERN, NAME_PATTERN, RuleSettings
from imrlint.rules.findings import SEVERITIES
from imrlint.validation import best_error

if TYPE_CHECKING:  # jsonschema loads only to explain a document that does not conform
    import jsonschema

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
                "required": ["code", "name", "severity", "enabled", "message", "options"],
                "properties": {
                    "code": {"type": "string", "pattern": CODE_PATTERN.pattern},
                    "name": {"type": "string", "pattern": NAME_PATTERN.pattern},
                    "severity": {"enum": list(SEVERITIES)},
                    "enabled": {"type": "boolean"},
                    "message": {"type": "string", "minLength": 1},
                    "options": {"type": "object"},
                    # Optional: the one-line summary, for a rule whose implementation has no
                    # docstring (else the docstring's first paragraph is the summary); the rule's
                    # group for --select/--ignore (default: by IMR code prefix); the options whose
                    # values are regular expressions.
                    "summary": {"type": "string", "minLength": 1},
                    "group": {"type": "string", "pattern": NAME_PATTERN.pattern},
                    "patterns": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}


def _key_path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path) or "(top level)"


def _reason(error: jsonschema.ValidationError) -> str:
    if (
        error.validator == "additionalProperties"
        and isinstance(error.instance, dict)
        and isinstance(error.schema, dict)
    ):
        known = list(error.schema.get("properties", {}))
        unknown = [str(key) for key in error.instance if key not in known]
        if unknown:
            close = difflib.get_close_matches(unknown[0], known, n=1, cutoff=0.75)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            return f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(repr(key) for key in unknown)}{hint}"
    return error.message


def validate(document: Any, schema: Mapping[str, Any], source: str, prefix: str = "") -> None:
    """Validate ``document`` against ``schema``; the first (most specific) error is raised.

    ``prefix`` is prepended to the key of the error (``tool.imrlint.`` in a pyproject.toml).
    A document that plainly conforms is accepted without loading jsonschema (start-up time).
    """
    if conforms(document, schema):
        return
    best = best_error(document, schema)
    if best is not None:
        key = _key_path(best)
        raise ConfigError(
            source, prefix + key if prefix and key != "(top level)" else (prefix.rstrip(".") or key), _reason(best)
        )


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
}


def conforms(value: Any, schema: Mapping[str, Any]) -> bool:
    """Whether ``value`` plainly conforms to ``schema``, for the keywords imrlint's schemas use;
    False for anything else (an unknown keyword, a float where an integer is asked), which
    jsonschema then judges: a True here is always right, a False only means "ask jsonschema"."""
    for keyword, expected in schema.items():
        if keyword == "type":
            if expected not in _TYPES or not _TYPES[expected](value):
                return False
        elif keyword == "enum":
            if not any(value == option and type(value) is type(option) for option in expected):
                return False
        elif keyword == "required":
            if not isinstance(value, dict) or any(key not in value for key in expected):
                return False
        elif keyword == "properties":
            if isinstance(value, dict) and any(
                key in expected and not conforms(item, expected[key]) for key, item in value.items()
            ):
                return False
        elif keyword == "additionalProperties":
            if expected is not False or (
                isinstance(value, dict) and any(key not in schema.get("properties", {}) for key in value)
            ):
                return False
        elif keyword == "items":
            if isinstance(value, list) and not all(conforms(item, expected) for item in value):
                return False
        elif keyword == "anyOf":
            if not any(conforms(value, option) for option in expected):
                return False
        elif keyword == "pattern":
            if isinstance(value, str) and re.search(expected, value) is None:
                return False
        elif keyword in ("minLength", "minItems", "minimum", "exclusiveMinimum"):
            if not _at_least(keyword, value, expected):
                return False
        else:
            return False
    return True


def _at_least(keyword: str, value: Any, bound: int | float) -> bool:
    if keyword == "minLength":
        return not isinstance(value, str) or len(value) >= bound
    if keyword == "minItems":
        return not isinstance(value, list) or len(value) >= bound
    if not isinstance(value, int | float) or isinstance(value, bool):
        return True
    return value >= bound if keyword == "minimum" else value > bound


def _compile(pattern: Any, source: str, key: str) -> None:
    try:
        re.compile(pattern, re.IGNORECASE)
    except (re.error, TypeError) as error:
        raise ConfigError(source, key, f"invalid regular expression '{pattern}': {error}") from None


def compile_all(value: Any, source: str, key: str) -> None:
    """Compile every string in ``value`` (a pattern, or lists and mappings of them)."""
    if isinstance(value, str):
        _compile(value, source, key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            compile_all(item, source, f"{key}.{index}")
    elif isinstance(value, dict):
        for name, item in value.items():
            compile_all(item, source, f"{key}.{name}")


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


def _shape_schema(value: Any) -> dict[str, Any]:
    """A schema accepting values shaped like ``value`` (mappings closed to unknown keys)."""
    if isinstance(value, dict):
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": {key: _shape_schema(item) for key, item in value.items()},
        }
    if isinstance(value, int) and not isinstance(value, bool):
        return {"type": "integer", "minimum": 1}
    return _option_schema(value)


_PHRASES_SCHEMA: dict[str, Any] | None = None


def _phrases_schema() -> dict[str, Any]:
    global _PHRASES_SCHEMA
    if _PHRASES_SCHEMA is None:
        _PHRASES_SCHEMA = _shape_schema(read_yaml(data_path("rules", "phrases.yaml")))
    return _PHRASES_SCHEMA


def _rule_change_schema(settings: RuleSettings) -> dict[str, Any]:
    return {
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


def user_config_schema(defaults: Mapping[str, RuleSettings]) -> dict[str, Any]:
    """The JSON Schema of a configuration file for this rule set (``custom-rules`` entries that
    define more rules are checked on their own: :mod:`imrlint.rules.custom`)."""
    from imrlint.rules.custom import SCHEMA as CUSTOM_RULE_SCHEMA

    rule_properties: dict[str, Any] = {}
    for code, settings in defaults.items():
        rule_schema = _rule_change_schema(settings)
        rule_properties[code] = rule_schema
        rule_properties[settings.name] = rule_schema
    rules = {"type": "object", "additionalProperties": False, "properties": rule_properties}
    selectors = {"type": "array", "items": {"type": "string", "minLength": 1}}
    severity_map = {
        "type": "object",
        "additionalProperties": False,
        "properties": {severity: {"enum": list(SEVERITIES)} for severity in SEVERITIES},
    }
    rule_keys = {
        "select": selectors,
        "extend-select": selectors,
        "ignore": selectors,
        "severity-map": severity_map,
        "rules": rules,
    }
    override = {
        "type": "object",
        "additionalProperties": False,
        "required": ["files"],
        "properties": {
            "files": {"anyOf": [{"type": "string"}, {"type": "array", "minItems": 1, "items": {"type": "string"}}]},
            **rule_keys,
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "extends": {
                "anyOf": [
                    {"type": "string", "minLength": 1},
                    {"type": "array", "items": {"type": "string", "minLength": 1}},
                ]
            },
            **rule_keys,
            "fail-on": {"enum": list(SEVERITIES)},
            "overrides": {"type": "array", "items": override},
            "custom-rules": {"type": "array", "items": CUSTOM_RULE_SCHEMA},
            "mtus": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"chapters": {"type": "array", "items": {"type": "object"}}},
            },
            "phrases": _phrases_schema(),
            "max-bytes": {"type": "integer", "minimum": 1},
            "time-budget": {"type": "number", "exclusiveMinimum": 0},
            "exclude": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "respect-gitignore": {"type": "boolean"},
        },
    }
