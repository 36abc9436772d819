"""Choosing rules: selectors (code, name, code prefix, group or ALL) and the rule groups.

``--select``, ``--ignore``, ``--extend-select`` and the configuration keys of the same names take
selectors.  A selector is, in this order of precedence:

- ``ALL``: every rule;
- a rule code (``IMR206``, case-insensitive) or name (``conclusion-contradicts-label``);
- a group name (``decisions``; see :data:`GROUPS`);
- a code prefix (``IMR2``, ``IMR30``, ``HS``): every rule whose code starts with it.

A selector that matches no rule is an error, so a typing mistake never silently selects nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from imrlint.rules.base import CUSTOM_GROUP, RuleSettings

#: The built-in groups: name -> (code prefix, description).  A built-in rule's group is the one of
#: its code prefix, its module (imrlint/rules/<group>) and its declaration file
#: (rules/<group>.yaml).  A plugin may declare a rule's group (``group:`` in its declaration);
#: custom YAML rules are in the group ``custom`` unless they say.
GROUPS: dict[str, tuple[str, str]] = {
    "input": ("IMR0", "the file can be read and parsed as a letter (IMR0xx)"),
    "structure": ("IMR1", "the letter's sections, its disputed items and its header block (IMR1xx)"),
    "decisions": ("IMR2", "each item's label, guideline lines, rationale, conclusion, quantity and name (IMR2xx)"),
    "citations": ("IMR3", "the MTUS chapters, editions, sections and pages cited (IMR3xx)"),
    "reviewer": ("IMR4", "the expert reviewer's qualifications and anonymity (IMR4xx)"),
    "facts": ("IMR5", "the case's dates, age and sex, the same throughout the letter (IMR5xx)"),
    "artefacts": ("IMR6", "text artefacts: page footers, cut sentences, doubled words (IMR6xx)"),
    "internal": ("IMR9", "imrlint's own failures (IMR9xx)"),
}
ALL = "ALL"
#: Groups that once existed: where their rules are now.
RETIRED_GROUPS: dict[str, str] = {
    "consistency": "its rules are now in 'decisions' (IMR208-IMR214: each item's quantity and name) "
    "and 'facts' (IMR5xx: dates, age and sex)",
}
_PREFIX = re.compile(r"^[A-Za-z]{1,4}\d{0,4}$")


def default_group(code: str) -> str:
    """The group of a rule code that declares none: by its IMR prefix, else none."""
    return next((name for name, (prefix, _) in GROUPS.items() if code.startswith(prefix) and len(code) == 6), "")


class SelectorError(ValueError):
    """A selector that matches no rule."""


def resolve_selector(selector: str, rules: Mapping[str, RuleSettings]) -> list[str]:
    """The codes of the rules ``selector`` names, in code order; :class:`SelectorError` if none."""
    text = selector.strip()
    if text.upper() == ALL:
        return sorted(rules)
    if text.upper() in rules:
        return [text.upper()]
    by_name = [code for code, settings in rules.items() if settings.name == text]
    if by_name:
        return by_name
    in_group = sorted(code for code, settings in rules.items() if settings.group and settings.group == text)
    if in_group:
        return in_group
    if _PREFIX.match(text):
        prefixed = sorted(code for code in rules if code.startswith(text.upper()))
        if prefixed:
            return prefixed
    raise SelectorError(_unknown(text, rules))


def _unknown(text: str, rules: Mapping[str, RuleSettings]) -> str:
    if text in RETIRED_GROUPS:
        return f"'{text}' is no longer a group: {RETIRED_GROUPS[text]}"
    groups = sorted({settings.group for settings in rules.values() if settings.group})
    known = [*rules, *(settings.name for settings in rules.values()), *groups]
    close = difflib.get_close_matches(text, known, n=1, cutoff=0.7)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"'{text}' is not a rule code, rule name, group ({', '.join(groups)}), code prefix or ALL{hint}"


def group_table(rules: Mapping[str, RuleSettings]) -> list[tuple[str, str, list[str]]]:
    """(group, description, codes) for every group that has rules."""
    members: dict[str, list[str]] = {}
    for code, settings in rules.items():
        if settings.group:
            members.setdefault(settings.group, []).append(code)
    descriptions = {name: description for name, (_, description) in GROUPS.items()}
    descriptions.setdefault(CUSTOM_GROUP, "house-style rules defined in YAML (custom-rules)")
    return [
        (name, descriptions.get(name, ""), sorted(codes))
        for name, codes in sorted(members.items(), key=lambda entry: min(entry[1]))
    ]
