"""``imrlint config [PATH]``: the resolved configuration, as YAML, with where each value came from.

Each value is followed by a comment naming its source: ``default`` (the rule's declaration in
rules/*.yaml or a plugin), ``profile NAME: KEY``, ``FILE: KEY`` or ``command line: --OPTION``.
With a letter as PATH, the per-path overrides that match it are applied and listed.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from imrlint.config.settings import DEFAULT_TIME_BUDGET, Config, display_path
from imrlint.input.read import DEFAULT_MAX_BYTES
from imrlint.lint.session import Session, command_line
from imrlint.plugins.manager import RuleSet

COMMENT_COLUMN = 56


def _flow(value: Any) -> str:
    import yaml  # only `imrlint config` writes YAML; `imrlint rules` reads it from the cache

    text = yaml.safe_dump(value, default_flow_style=True, width=10**9, allow_unicode=True, sort_keys=False).strip()
    return text[:-4].rstrip() if text.endswith("\n...") else text


def _line(indent: int, key: str, value: Any | None, origin: str | None) -> str:
    text = " " * indent + (f"{key}: {_flow(value)}" if value is not None else f"{key}:")
    if origin:
        text = f"{text.ljust(COMMENT_COLUMN - 1)} # {origin}"
    return text


def describe_config(config: Config, rule_set: RuleSet, path: str, file: str | None, given: bool) -> str:
    """The resolved configuration of ``path`` as commented YAML."""
    lines = [f"# imrlint configuration for {display_path(path)}"]
    if file is None:
        lines.append("# configuration file: none found (the defaults: profile recommended)")
    else:
        lines.append(
            f"# configuration file: {display_path(file)} "
            f"({'given with --config' if given else 'found from ' + display_path(path)})"
        )
    lines.append(f"# layers, base first: default, {', '.join(config.layers) or '(none)'}, command line")
    if config.applied:
        applied = ", ".join(
            f"{config.overrides[index].source.label}: {config.overrides[index].key} "
            f"({', '.join(config.overrides[index].globs)})"
            for index in config.applied
        )
        lines.append(f"# overrides that match this path: {applied}")
    lines.append("# after each value: where it came from ('default' = the rule's declaration)")
    lines.append(_line(0, "fail-on", config.fail_on, config.origin("fail-on")))
    lines.append(_line(0, "max-bytes", config.max_bytes or DEFAULT_MAX_BYTES, config.origin("max-bytes")))
    lines.append(_line(0, "time-budget", config.time_budget or DEFAULT_TIME_BUDGET, config.origin("time-budget")))
    lines.append(
        _line(
            0,
            "exclude",
            [f"{display_path(base)}: {pattern}" for base, pattern in config.exclude],
            config.origin("exclude"),
        )
    )
    lines.append(_line(0, "respect-gitignore", config.respect_gitignore, config.origin("respect-gitignore")))
    lines.append("rules:")
    for code, settings in config.rules.items():
        lines.append(_line(2, code, None, config.origins.get(f"rules.{code}")))
        lines.append(_line(4, "name", settings.name, None))
        if settings.group:
            lines.append(_line(4, "group", settings.group, None))
        for name in ("severity", "enabled", "message"):
            lines.append(_line(4, name, getattr(settings, name), config.origin(f"rules.{code}.{name}")))
        if settings.options:
            lines.append(_line(4, "options", None, None))
            for name, value in settings.options.items():
                lines.append(_line(6, name, value, config.origin(f"rules.{code}.options.{name}")))
    if config.overrides:
        lines.append("overrides:")
        for index, override in enumerate(config.overrides):
            mark = "applies to this path" if index in config.applied else "does not apply to this path"
            lines.append(_line(2, "- files", list(override.globs), f"{override.source.label}: {override.key} ({mark})"))
            for key, value in override.changes.items():
                if key != "files":
                    lines.append(_line(4, key, value, None))
    for key in ("mtus", "phrases"):
        value = getattr(config, key)
        if value:
            lines.append(_line(0, key, value, config.origin(key)))
    return "\n".join(lines) + "\n"


def run_config(args: argparse.Namespace, rule_set: RuleSet) -> int:
    path = args.path or os.curdir
    if not os.path.exists(path):
        from imrlint.errors import UsageError

        raise UsageError(f"{path}: no such file or directory")
    session = Session(rule_set, args.config, command_line(args))
    lookup = os.path.join(path, "letter.txt") if os.path.isdir(path) else path
    config = session.file_config(lookup) if not os.path.isdir(path) else session.config_for(lookup)
    sys.stdout.write(
        describe_config(
            config, session.rule_set_for(lookup), path, session.config_file(lookup), args.config is not None
        )
    )
    return 0


def rule_set_for_command(args: argparse.Namespace, rule_set: RuleSet) -> RuleSet:
    """The rule set ``imrlint rules`` and ``imrlint rule`` show: with the custom rules of the
    configuration given with --config, or found from the current directory."""
    session = Session(rule_set, getattr(args, "config", None))
    return session.rule_set_for(os.path.join(os.getcwd(), "letter.txt"))
