"""Configuration: the rules' declared defaults and a user's changes to them, both validated.

Rule declarations (``rules/*.yaml`` and plugins') and user configuration files are checked
against JSON Schemas; any problem is a :class:`ConfigError` naming the file, the key and the
reason, which the command line reports with exit status 2.  Nothing unknown is ignored.

A run's configuration is built in layers, each changing the result of the one before:

1. the rules' declared defaults (this is the ``recommended`` profile);
2. the profiles and files a configuration ``extends`` (recursively, in order);
3. the configuration file itself (``.imrlint.yaml``, ``[tool.imrlint]`` in ``pyproject.toml``
   or ``--config FILE``);
4. the command line (``--select``, ``--extend-select``, ``--ignore``, ``--fail-on``,
   ``--max-bytes``);
5. for each letter, the ``overrides`` whose ``files`` globs match it.

Within a layer: ``severity-map``, then ``select`` (exactly these rules), ``extend-select``
(add), ``ignore`` (remove), then ``rules`` (a rule's own severity, enabled flag, message and
options: the most specific setting wins).  Every resolved value remembers the layer and key it
came from (:attr:`Config.origins`), which ``imrlint config`` prints.
"""

from __future__ import annotations

import copy
import difflib
import os
import pathlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import jsonschema
import yaml

from .findings import SEVERITIES
from .resources import data_path
from .rule import CODE_PATTERN, NAME_PATTERN, Rule, RuleSettings, message_fields
from .selection import SelectorError, default_group, resolve_selector


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
                    # Optional: the rule's group for --select/--ignore (default: by IMR code
                    # prefix), and the options whose values are regular expressions.
                    "group": {"type": "string", "pattern": NAME_PATTERN.pattern},
                    "patterns": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}

SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
# LibYAML's safe loader, where PyYAML was built with it, reads the rule declarations and the
# MTUS knowledge base ten times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

TOP_LEVEL_KEYS = ("extends", "select", "extend-select", "ignore", "severity-map", "fail-on", "rules", "overrides", "custom-rules", "mtus", "phrases", "max-bytes", "time-budget", "exclude", "respect-gitignore")


MAX_CONFIG_VALUES = 100_000
"""The most values a configuration may hold once its YAML aliases are expanded: a few hundred
bytes of aliases naming aliases can stand for billions."""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: yaml.Node, source: str) -> None:
    """Refuse a YAML document whose aliases expand it past :data:`MAX_CONFIG_VALUES` values, or
    make a value contain itself, before it is built: each node is counted once, however many
    aliases name it."""
    sizes: dict[int, int] = {}
    ancestors: set[int] = set()  # the nodes whose values are being counted
    pending: list[tuple[yaml.Node, bool]] = [(root, False)]
    while pending:
        node, counted = pending.pop()
        key = id(node)
        if counted:
            ancestors.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_CONFIG_VALUES:
                raise ConfigError(source, "", f"its YAML aliases expand it to more than {MAX_CONFIG_VALUES:,} values; write the values out, or use fewer aliases")
            continue
        if key in sizes:
            continue
        if key in ancestors:
            raise ConfigError(source, "", f"a YAML alias (line {node.start_mark.line + 1}) names a value that contains it")
        ancestors.add(key)
        pending.append((node, True))
        pending.extend((child, False) for child in _children(node))


def read_yaml(path: pathlib.Path | str, source: str | None = None, bounded: bool = False) -> Any:
    """Load a YAML file, turning I/O and syntax errors into a ConfigError; ``bounded``: a file
    from a user, whose aliases may not expand it beyond :data:`MAX_CONFIG_VALUES` values."""
    source = source or str(path)
    try:
        with open(path, encoding="utf-8") as handle:
            loader = YAML_LOADER(handle)
            try:
                node = loader.get_single_node()
                if node is None:
                    return None
                if bounded:
                    _check_expansion(node, source)
                return loader.construct_document(node)
            finally:
                loader.dispose()
    except OSError as error:
        raise ConfigError(source, "", f"cannot read: {error.strerror or error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError(source, "", f"invalid YAML: {where}{getattr(error, 'problem', None) or error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(source, "", f"not UTF-8: {error.reason} at byte {error.start}") from None


def read_toml(path: pathlib.Path | str, source: str | None = None) -> dict[str, Any]:
    """Load a TOML file (pyproject.toml), turning I/O and syntax errors into a ConfigError."""
    import tomllib

    source = source or str(path)
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(source, "", f"cannot read: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(source, "", f"invalid TOML: {error}") from None


def _key_path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(part) for part in error.absolute_path) or "(top level)"


def _reason(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
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
    """
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda error: (list(map(str, error.absolute_path)), error.message))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        key = _key_path(best)
        raise ConfigError(source, prefix + key if prefix and key != "(top level)" else (prefix.rstrip(".") or key), _reason(best))


def _compile(pattern: Any, source: str, key: str) -> None:
    try:
        re.compile(pattern, re.IGNORECASE)
    except (re.error, TypeError) as error:
        raise ConfigError(source, key, f"invalid regular expression '{pattern}': {error}") from None


def _compile_all(value: Any, source: str, key: str) -> None:
    """Compile every string in ``value`` (a pattern, or lists and mappings of them)."""
    if isinstance(value, str):
        _compile(value, source, key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _compile_all(item, source, f"{key}.{index}")
    elif isinstance(value, dict):
        for name, item in value.items():
            _compile_all(item, source, f"{key}.{name}")


def load_declarations(sources: Iterable[tuple[str, pathlib.Path | Mapping[str, Any]]]) -> dict[str, RuleSettings]:
    """Rule defaults from declaration files or mappings, each with the name of the plugin that
    gave it, validated; codes and names unique."""
    declared: dict[str, RuleSettings] = {}
    names: set[str] = set()
    for plugin, source in sources:
        label = f"{plugin}: {source}" if isinstance(source, pathlib.Path) else f"{plugin}: declarations"
        document = read_yaml(source) if isinstance(source, pathlib.Path) else source
        validate(document, DECLARATION_SCHEMA, label)
        for index, entry in enumerate(document["rules"]):
            key = f"rules.{index}"
            if entry["code"] in declared:
                raise ConfigError(label, key, f"rule code {entry['code']} is declared twice")
            if entry["name"] in names:
                raise ConfigError(label, key, f"rule name {entry['name']} is declared twice")
            for position, option in enumerate(entry.get("patterns", [])):
                if option not in entry["options"]:
                    raise ConfigError(label, f"{key}.patterns.{position}", f"'{option}' is not one of the rule's options")
                _compile_all(entry["options"][option], label, f"{key}.options.{option}")
            names.add(entry["name"])
            declared[entry["code"]] = RuleSettings(
                code=entry["code"],
                name=entry["name"],
                severity=entry["severity"],
                enabled=entry["enabled"],
                message=entry["message"],
                summary=entry["summary"],
                options=dict(entry["options"]),
                group=entry.get("group") or default_group(entry["code"]),
                patterns=tuple(entry.get("patterns", ())),
            )
    return declared


# --------------------------------------------------------------------------- globs


class GlobError(ValueError):
    pass


def _glob_segment(segment: str) -> str:
    out = []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = index + 1
            if end < len(segment) and segment[end] in "!^":
                end += 1
            if end < len(segment) and segment[end] == "]":
                end += 1
            end = segment.find("]", end)
            if end < 0:
                raise GlobError(f"'[' at position {index + 1} is not closed by ']'")
            body = segment[index + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            if not body:
                raise GlobError("'[]' matches nothing")
            out.append("[" + ("^/" if negate else "") + body.replace("\\", "\\\\") + "]")
            index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def compile_glob(pattern: str) -> re.Pattern[str]:
    """A regular expression for a file glob matched against '/'-separated relative paths.

    ``*`` and ``?`` match within one path segment, ``[abc]`` / ``[!abc]`` one character of a set,
    ``**`` (a whole segment) any number of directories.  A glob with no '/' matches the file's
    name in any directory; a glob ending in '/' matches everything under that directory.
    """
    if not pattern:
        raise GlobError("a glob cannot be empty")
    if "\\" in pattern:
        raise GlobError("use '/' to separate directories (and no backslash escapes)")
    if pattern.startswith("/"):
        raise GlobError("a glob is relative to the configuration file's directory; remove the leading '/'")
    if pattern.endswith("/"):
        pattern += "**"
    segments = pattern.split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise GlobError("'.', '..' and empty segments ('//') are not allowed")
    parts = []
    for position, segment in enumerate(segments):
        last = position == len(segments) - 1
        if segment == "**":
            parts.append(".*" if last else "(?:[^/]+/)*")
        elif "**" in segment:
            raise GlobError(f"'**' must be a whole path segment ('{segment}')")
        else:
            parts.append(_glob_segment(segment) + ("" if last else "/"))
    anchored = len(segments) > 1
    return re.compile(("" if anchored else "(?:[^/]+/)*") + "".join(parts))


# --------------------------------------------------------------------------- schema


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
        return {"type": "object", "additionalProperties": False, "properties": {key: _shape_schema(item) for key, item in value.items()}}
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
    define more rules are checked on their own: :mod:`imrlint.custom_rules`)."""
    from .custom_rules import SCHEMA as CUSTOM_RULE_SCHEMA

    rule_properties: dict[str, Any] = {}
    for code, settings in defaults.items():
        rule_schema = _rule_change_schema(settings)
        rule_properties[code] = rule_schema
        rule_properties[settings.name] = rule_schema
    rules = {"type": "object", "additionalProperties": False, "properties": rule_properties}
    selectors = {"type": "array", "items": {"type": "string", "minLength": 1}}
    severity_map = {"type": "object", "additionalProperties": False, "properties": {severity: {"enum": list(SEVERITIES)} for severity in SEVERITIES}}
    rule_keys = {"select": selectors, "extend-select": selectors, "ignore": selectors, "severity-map": severity_map, "rules": rules}
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
            "extends": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "array", "items": {"type": "string", "minLength": 1}}]},
            **rule_keys,
            "fail-on": {"enum": list(SEVERITIES)},
            "overrides": {"type": "array", "items": override},
            "custom-rules": {"type": "array", "items": CUSTOM_RULE_SCHEMA},
            "mtus": {"type": "object", "additionalProperties": False, "properties": {"chapters": {"type": "array", "items": {"type": "object"}}}},
            "phrases": _phrases_schema(),
            "max-bytes": {"type": "integer", "minimum": 1},
            "time-budget": {"type": "number", "exclusiveMinimum": 0},
            "exclude": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "respect-gitignore": {"type": "boolean"},
        },
    }


# --------------------------------------------------------------------------- sources and results


def display_path(path: pathlib.Path | str) -> str:
    """A path as messages show it: relative to the working directory when under it."""
    text = os.fspath(path)
    try:
        relative = os.path.relpath(text)
    except ValueError:  # another drive (Windows)
        return text
    return text if relative.startswith("..") else relative


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


DEFAULT_ORIGIN = "default"


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
    """Per-path changes: rules selected, ignored or configured for files matching ``globs``."""

    globs: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    base: pathlib.Path
    source: Source
    key: str  # "overrides.0"
    changes: Mapping[str, Any]

    def matches(self, path: str | os.PathLike[str]) -> bool:
        relative = relative_to(path, self.base)
        return relative is not None and any(pattern.fullmatch(relative) for pattern in self.patterns)


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
            apply_rule_changes(rules, origins, override.changes, override.source, override.key + ".", self.message_fields)
        return replace(self, rules=rules, origins=origins, applied=matched)


# --------------------------------------------------------------------------- applying layers


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
                raise source.error(f"{key}.message", f"unknown placeholder(s) {', '.join(sorted(unknown))}; the rule provides {', '.join(sorted(allowed)) or 'none'}")
        options = dict(current.options)
        for name, value in (change.get("options") or {}).items():
            if name in current.patterns:
                _compile_all(value, source.label, source.key(f"{key}.options.{name}"))
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


def merge_additions(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra`` added: lists are extended, mappings merged, other values replaced."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, list):
            merged[key] = list(base.get(key, [])) + list(value)
        elif isinstance(value, dict):
            merged[key] = merge_additions(base.get(key, {}), value)
        else:
            merged[key] = value
    return merged


def profile_names() -> list[str]:
    """The built-in profiles (rules/profiles/*.yaml)."""
    return sorted(path.stem for path in data_path("rules", "profiles").glob("*.yaml"))


def profile_path(name: str) -> pathlib.Path:
    return data_path("rules", "profiles", f"{name}.yaml")


CONFIG_SUFFIXES = (".yaml", ".yml", ".toml")


def read_config_document(path: pathlib.Path, label: str | None = None) -> tuple[Any, Source]:
    """A configuration file's document and source: YAML, or ``[tool.imrlint]`` of a TOML file.
    A file named otherwise is not read (``--config /etc/shadow`` must not show its lines)."""
    label = label or display_path(path)
    if path.suffix not in CONFIG_SUFFIXES:
        raise ConfigError(label, "", f"not read: a configuration file's name ends in {', '.join(CONFIG_SUFFIXES[:-1])} or {CONFIG_SUFFIXES[-1]}")
    base = path.resolve().parent
    if path.suffix == ".toml":
        document = read_toml(path, label)
        table = document.get("tool", {}).get("imrlint") if isinstance(document.get("tool"), dict) else None
        if table is None:
            raise ConfigError(label, "", "has no [tool.imrlint] table")
        return table, Source(label, base, prefix="tool.imrlint.")
    return read_yaml(path, label, bounded=True), Source(label, base)


class Resolver:
    """Builds a :class:`Config` from the declared defaults and layers applied in order."""

    def __init__(self, defaults: Mapping[str, RuleSettings]):
        self.rules = {code: replace(settings, options=copy.deepcopy(settings.options)) for code, settings in defaults.items()}
        self.message_fields: dict[str, frozenset[str]] = {code: frozenset(message_fields(settings.message)) for code, settings in defaults.items()}
        self.origins: dict[str, str] = {}
        self.custom: list[tuple[Rule, RuleSettings]] = []
        self.fail_on = "error"
        self.max_bytes: int | None = None
        self.time_budget: float | None = None
        self.exclude: list[tuple[pathlib.Path, str]] = []
        self.respect_gitignore = True
        self.mtus: dict[str, Any] = {}
        self.phrases: dict[str, Any] = {}
        self.overrides: list[Override] = []
        self.layers: list[str] = []
        self._stack: list[pathlib.Path] = []
        self.path: str | None = None

    # -- files and profiles

    def apply_file(self, path: pathlib.Path | str, label: str | None = None) -> None:
        path = pathlib.Path(path)
        resolved = path.resolve()
        if resolved in self._stack:
            chain = " -> ".join(display_path(item) for item in [*self._stack, resolved])
            raise ConfigError(label or display_path(path), "extends", f"extends itself ({chain})")
        document, source = read_config_document(path, label)
        self._stack.append(resolved)
        try:
            self.apply(document, source)
        finally:
            self._stack.pop()

    def _extend(self, reference: str, source: Source, key: str) -> None:
        if "/" not in reference and "\\" not in reference and not reference.endswith(CONFIG_SUFFIXES):
            if reference not in profile_names():
                raise source.error(key, f"unknown profile '{reference}'; the profiles are {', '.join(profile_names())} (a file must end in .yaml, .yml or .toml)")
            self.apply_file(profile_path(reference), f"profile {reference}")
            return
        base = source.base or data_path("rules", "profiles")
        path = pathlib.Path(os.path.expanduser(reference))
        path = path if path.is_absolute() else base / path
        if not path.is_file():
            raise source.error(key, f"cannot extend '{reference}': no such file ({display_path(path)})")
        self.apply_file(path)

    # -- one layer

    def apply(self, document: Any, source: Source) -> None:
        if document is None:
            document = {}
        if not isinstance(document, dict):
            raise ConfigError(source.label, source.prefix.rstrip("."), "the configuration must be a mapping (key: value)")
        if document and not any(key in TOP_LEVEL_KEYS or difflib.get_close_matches(str(key), TOP_LEVEL_KEYS, n=1, cutoff=0.75) for key in document):
            # not a configuration, nor one with a misspelt key: its keys may be anything, secrets
            # too, so they are not shown
            raise ConfigError(source.label, source.prefix.rstrip("."), f"not an imrlint configuration: {'its key is not' if len(document) == 1 else f'none of its {len(document)} keys is'} a configuration key ({', '.join(TOP_LEVEL_KEYS[:4])}, ...)")
        extends = document.get("extends")
        if extends is not None:
            references = [extends] if isinstance(extends, str) else extends
            if not isinstance(references, list) or not all(isinstance(reference, str) and reference for reference in references):
                raise source.error("extends", "must be a profile name or a file path, or a list of them")
            for index, reference in enumerate(references):
                self._extend(reference, source, "extends" if isinstance(extends, str) else f"extends.{index}")
        known = dict(self.rules)
        for entry in document.get("custom-rules") or []:
            if isinstance(entry, dict) and isinstance(entry.get("code"), str) and isinstance(entry.get("name"), str) and entry["code"] not in known:
                known[entry["code"]] = RuleSettings(entry["code"], entry["name"], "warning", True, "", "")
        validate(document, user_config_schema(known), source.label, source.prefix)
        self._custom_rules(document.get("custom-rules") or [], source)
        apply_rule_changes(self.rules, self.origins, document, source, "", self.message_fields)
        if "fail-on" in document:
            self.fail_on = document["fail-on"]
            self.origins["fail-on"] = source.origin("fail-on")
        for key in ("max-bytes", "time-budget", "respect-gitignore"):
            if key in document:
                setattr(self, key.replace("-", "_"), document[key])
                self.origins[key] = source.origin(key)
        if document.get("exclude"):
            self._exclude(document["exclude"], source)
        if document.get("mtus"):
            self.mtus = merge_additions(self.mtus, document["mtus"])
            self.origins["mtus"] = ", ".join(filter(None, [self.origins.get("mtus"), source.origin("mtus")]))
        if document.get("phrases"):
            conclusions = document["phrases"].get("conclusions")
            if conclusions:
                _compile_all({key: value for key, value in conclusions.items() if not isinstance(value, int)}, source.label, source.key("phrases.conclusions"))
            self.phrases = merge_additions(self.phrases, document["phrases"])
            self.origins["phrases"] = ", ".join(filter(None, [self.origins.get("phrases"), source.origin("phrases")]))
        for index, entry in enumerate(document.get("overrides") or []):
            self.overrides.append(self._override(entry, source, f"overrides.{index}"))
        if not source.command_line:
            self.layers.append(source.label)

    def _exclude(self, patterns: list[str], source: Source) -> None:
        """Add gitignore-style patterns, relative to the directory of the file naming them."""
        import pathspec

        for index, pattern in enumerate(patterns):
            try:
                pathspec.GitIgnoreSpec.from_lines([pattern])
            except (ValueError, TypeError) as error:
                raise source.error(f"exclude.{index}", f"invalid pattern {pattern!r}: {error}") from None
            self.exclude.append((source.base or pathlib.Path.cwd(), pattern))
        self.origins["exclude"] = ", ".join(filter(None, [self.origins.get("exclude"), source.origin("exclude")]))

    def _custom_rules(self, entries: list[dict[str, Any]], source: Source) -> None:
        from .custom_rules import MESSAGE_FIELDS, CustomRuleError, build_custom_rule

        names = {settings.name: code for code, settings in self.rules.items()}
        for index, entry in enumerate(entries):
            key = f"custom-rules.{index}"
            if entry["code"] in self.rules:
                raise source.error(f"{key}.code", f"rule code {entry['code']} is already used by '{self.rules[entry['code']].name}'")
            if entry["name"] in names:
                raise source.error(f"{key}.name", f"rule name {entry['name']} is already used by {names[entry['name']]}")
            try:
                rule, settings = build_custom_rule(entry, source.label)
            except CustomRuleError as error:
                raise source.error(f"{key}.{error.key}", error.reason) from None
            self.rules[rule.code] = settings
            names[rule.name] = rule.code
            self.custom.append((rule, settings))
            self.message_fields[rule.code] = frozenset(MESSAGE_FIELDS)
            self.origins[f"rules.{rule.code}"] = source.origin(key)

    def _override(self, entry: Mapping[str, Any], source: Source, key: str) -> Override:
        globs = [entry["files"]] if isinstance(entry["files"], str) else list(entry["files"])
        patterns = []
        for index, glob in enumerate(globs):
            try:
                patterns.append(compile_glob(glob))
            except GlobError as error:
                raise source.error(f"{key}.files" + ("" if isinstance(entry["files"], str) else f".{index}"), f"invalid glob {glob!r}: {error}") from None
        override = Override(tuple(globs), tuple(patterns), source.base or pathlib.Path.cwd(), source, key, dict(entry))
        # Check the override's selectors, rules and patterns now, not when a letter first matches.
        apply_rule_changes(dict(self.rules), {}, override.changes, source, key + ".", self.message_fields)
        return override

    # -- result

    def config(self) -> Config:
        return Config(
            rules=dict(self.rules),
            mtus=self.mtus,
            phrases=self.phrases,
            max_bytes=self.max_bytes,
            time_budget=self.time_budget,
            exclude=tuple(self.exclude),
            respect_gitignore=self.respect_gitignore,
            source=self.path or "defaults",
            fail_on=self.fail_on,
            origins=dict(self.origins),
            custom_rules=tuple(self.custom),
            overrides=tuple(self.overrides),
            layers=tuple(self.layers),
            path=self.path,
            message_fields=dict(self.message_fields),
        )


COMMAND_LINE = Source("command line", None, command_line=True)


def resolve(
    defaults: Mapping[str, RuleSettings],
    path: pathlib.Path | str | None = None,
    command_line: CommandLine | None = None,
    document: Any = None,
    source: str | None = None,
) -> Config:
    """The configuration from the defaults, a configuration file (``path``, or an already parsed
    ``document`` named ``source``) and the command line."""
    resolver = Resolver(defaults)
    if path is not None:
        resolver.path = display_path(path)
        resolver.apply_file(pathlib.Path(path))
    elif document is not None or source is not None:
        resolver.path = source
        resolver.apply(document, Source(source or "configuration", pathlib.Path.cwd()))
    if command_line is not None:
        resolver.apply(command_line.document(), replace(COMMAND_LINE, base=pathlib.Path.cwd()))
    return resolver.config()


def resolve_config(defaults: Mapping[str, RuleSettings], document: Any, source: str, by_name: Mapping[str, str] | None = None) -> Config:
    """Apply a user configuration ``document`` (already parsed) to the rules' defaults."""
    return resolve(defaults, document=document, source=source)


def load_config(defaults: Mapping[str, RuleSettings], path: str | None, command_line: CommandLine | None = None) -> Config:
    """The run's configuration: the defaults, changed by the file at ``path`` if given (YAML, or a
    pyproject.toml's ``[tool.imrlint]``) and by the command line."""
    return resolve(defaults, path, command_line)
