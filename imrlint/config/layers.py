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
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from imrlint.config.changes import Source, apply_rule_changes
from imrlint.config.schema import compile_all, user_config_schema, validate
from imrlint.config.settings import CommandLine, Config, Override, display_path
from imrlint.errors import ConfigError
from imrlint.resources import data_path, read_toml, read_yaml
from imrlint.rules.base import Rule, RuleSettings, message_fields


def glob_problem(glob: str) -> str | None:
    """Why a gitignore-style glob cannot mean what its writer meant, or None: pathspec reads any
    text as a pattern, and one that can match nothing should be refused, not ignored."""
    if not glob.strip():
        return "a glob cannot be empty"
    if ".." in glob.split("/"):
        return "'..' cannot match: a glob is relative to the configuration file's directory"
    opening = glob.find("[")
    if opening >= 0 and glob.find("]", opening + 2) < 0:
        return f"'[' at position {opening + 1} is not closed by ']'"
    return None


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
        raise ConfigError(
            label,
            "",
            f"not read: a configuration file's name ends in {', '.join(CONFIG_SUFFIXES[:-1])} or {CONFIG_SUFFIXES[-1]}",
        )
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
        self.rules = {
            code: replace(settings, options=copy.deepcopy(settings.options)) for code, settings in defaults.items()
        }
        self.message_fields: dict[str, frozenset[str]] = {
            code: frozenset(message_fields(settings.message)) for code, settings in defaults.items()
        }
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
                raise source.error(
                    key,
                    f"unknown profile '{reference}'; the profiles are {', '.join(profile_names())} (a file must end in "
                    ".yaml, .yml or .toml)",
                )
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
            raise ConfigError(
                source.label, source.prefix.rstrip("."), "the configuration must be a mapping (key: value)"
            )

        extends = document.get("extends")
        if extends is not None:
            references = [extends] if isinstance(extends, str) else extends
            if not isinstance(references, list) or not all(
                isinstance(reference, str) and reference for reference in references
            ):
                raise source.error("extends", "must be a profile name or a file path, or a list of them")
            for index, reference in enumerate(references):
                self._extend(reference, source, "extends" if isinstance(extends, str) else f"extends.{index}")
        known = dict(self.rules)
        for entry in document.get("custom-rules") or []:
            if (
                isinstance(entry, dict)
                and isinstance(entry.get("code"), str)
                and isinstance(entry.get("name"), str)
                and entry["code"] not in known
            ):
                known[entry["code"]] = RuleSettings(entry["code"], entry["name"], "warning", True, "", "")
        schema = user_config_schema(known)
        keys = list(schema["properties"])
        if document and not any(
            key in keys or difflib.get_close_matches(str(key), keys, n=1, cutoff=0.75) for key in document
        ):
            # not a configuration, nor one with a misspelt key: its keys may be anything, secrets
            # too, so they are not shown
            raise ConfigError(
                source.label,
                source.prefix.rstrip("."),
                "not an imrlint configuration: "
                f"{'its key is not' if len(document) == 1 else f'none of its {len(document)} keys is'} a configuration "
                f"key ({', '.join(keys[:4])}, ...)",
            )
        validate(document, schema, source.label, source.prefix)
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
                compile_all(
                    {key: value for key, value in conclusions.items() if not isinstance(value, int)},
                    source.label,
                    source.key("phrases.conclusions"),
                )
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
        from imrlint.rules.custom import MESSAGE_FIELDS, CustomRuleError, build_custom_rule

        names = {settings.name: code for code, settings in self.rules.items()}
        for index, entry in enumerate(entries):
            key = f"custom-rules.{index}"
            if entry["code"] in self.rules:
                raise source.error(
                    f"{key}.code", f"rule code {entry['code']} is already used by '{self.rules[entry['code']].name}'"
                )
            if entry["name"] in names:
                raise source.error(
                    f"{key}.name", f"rule name {entry['name']} is already used by {names[entry['name']]}"
                )
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
        import pathspec

        globs = [entry["files"]] if isinstance(entry["files"], str) else list(entry["files"])
        for index, glob in enumerate(globs):
            problem = glob_problem(glob)
            if problem:
                raise source.error(
                    f"{key}.files" + ("" if isinstance(entry["files"], str) else f".{index}"),
                    f"invalid glob {glob!r}: {problem}",
                )
        spec = pathspec.GitIgnoreSpec.from_lines(globs)
        override = Override(tuple(globs), spec, source.base or pathlib.Path.cwd(), source, key, dict(entry))
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


def load_config(
    defaults: Mapping[str, RuleSettings], path: str | None, command_line: CommandLine | None = None
) -> Config:
    """The run's configuration: the defaults, changed by the file at ``path`` if given (YAML, or a
    pyproject.toml's ``[tool.imrlint]``) and by the command line."""
    return resolve(defaults, path, command_line)
