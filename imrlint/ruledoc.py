"""A rule's documentation, from its docstring and declaration: what, why, examples, fix, configuration."""

from __future__ import annotations

import yaml

from .rule import Rule, RuleSettings


def configuration_example(settings: RuleSettings) -> str:
    example = {"rules": {settings.name: {"severity": settings.severity, "enabled": settings.enabled}}}
    if settings.options:
        example["rules"][settings.name]["options"] = settings.options
    return yaml.safe_dump(example, sort_keys=False, width=100).rstrip()


def rule_documentation(rule: Rule, settings: RuleSettings) -> str:
    title = f"{rule.code} {rule.name} ({settings.severity}{'' if settings.enabled else ', disabled by default'})"
    parts = [title, "=" * len(title), "", rule.doc.strip(), "", f"Message: {settings.message}", "", "Configure (in the file given to --config):", "", *("    " + line for line in configuration_example(settings).splitlines())]
    return "\n".join(parts) + "\n"
