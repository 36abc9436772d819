"""Rules without Python: house-style rules declared in the configuration under ``custom-rules``.

Each entry becomes a real rule (a :class:`~imrlint.rules.base.Rule` and its settings): it is
selected, ignored, configured and documented (``imrlint rule CODE``) like a built-in one.  Four
types cover house style, each looking at one or more parts of the letter (its *scope*):

``forbidden-pattern``
    ``pattern`` must not appear: every match is a finding ("IW" in a rationale).
``required-pattern``
    ``pattern`` must appear in every instance of the scope (every item's rationale); a finding
    at the start of each instance that lacks it.
``if-then``
    where ``pattern`` appears, ``then-pattern`` must appear too: in the same part, in the same
    item, or anywhere in ``then-scope``; a finding at the first match of ``pattern``.
``consistent-spelling``
    a term is spelled one way throughout: every one of the ``variants`` (plain text, matched as
    whole words) is a finding suggesting ``preferred``.

Patterns are Python regular expressions (run by the ``regex`` package, which can stop a match),
matched against each part's text with its whitespace collapsed (so a phrase broken over two lines
still matches, and the finding still points at the exact characters in the file).  They are
compiled when the configuration is loaded: a bad pattern is a configuration error naming the key.
A pattern that runs longer than :data:`PATTERN_TIMEOUT` on one part of a letter (one that
backtracks without end, such as ``(a|aa)+$``) is stopped: the rule fails on that letter with a
message naming the pattern, and the run goes on.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from imrlint.rules.base import CODE_PATTERN, CUSTOM_GROUP, NAME_PATTERN, Rule, RuleSettings
from imrlint.rules.findings import SEVERITIES

if TYPE_CHECKING:  # regex loads only when a configuration has custom rules
    import regex

    from imrlint.model.letter import Item, Letter, Passage

TYPES = ("forbidden-pattern", "required-pattern", "if-then", "consistent-spelling")

#: Scope name -> description.  Item scopes are read once per disputed item.
SCOPES: dict[str, str] = {
    "letter": "the whole letter",
    "header": "the header block (case number, dates), before the first section",
    "credentials": "the section HOW THE IMR FINAL DETERMINATION WAS MADE, with the reviewer's credentials",
    "licensure": "the reviewer's state(s) of licensure",
    "specialty": "the reviewer's certification(s)/specialty",
    "summary": "the CLINICAL CASE SUMMARY",
    "item-heading": "each disputed item's heading (its name and label)",
    "guideline": "each item's Claims Administrator and MAXIMUS guideline lines",
    "claims-guideline": "each item's Claims Administrator guideline line",
    "maximus-guideline": "each item's MAXIMUS guideline line",
    "rationale": "each item's decision rationale",
}
ITEM_SCOPES = frozenset({"item-heading", "guideline", "claims-guideline", "maximus-guideline", "rationale"})
SCOPE_WORDS = {
    "letter": "letter",
    "header": "header",
    "credentials": "credentials",
    "licensure": "licensure",
    "specialty": "specialty",
    "summary": "case summary",
    "item-heading": "item heading",
    "guideline": "guideline line",
    "claims-guideline": "Claims Administrator guideline",
    "maximus-guideline": "MAXIMUS guideline",
    "rationale": "rationale",
}

# Fields each type needs, and the fields it may have beyond the common ones.
_REQUIRED = {
    "forbidden-pattern": ("pattern",),
    "required-pattern": ("pattern",),
    "if-then": ("pattern", "then-pattern"),
    "consistent-spelling": ("preferred", "variants"),
}
_SPECIFIC = {"pattern", "then-pattern", "then-scope", "preferred", "variants"}
_ALLOWED = {
    "forbidden-pattern": {"pattern"},
    "required-pattern": {"pattern"},
    "if-then": {"pattern", "then-pattern", "then-scope"},
    "consistent-spelling": {"preferred", "variants"},
}

DEFAULT_MESSAGES = {
    "forbidden-pattern": "'{match}' must not appear in the {scope}",
    "required-pattern": "the {scope} does not contain the required text ({pattern})",
    "if-then": "the {scope} has '{match}', so the {then_scope} must match {then_pattern}",
    "consistent-spelling": "write '{preferred}', not '{match}'",
}
#: Placeholders every custom rule's message may use.
MESSAGE_FIELDS = ("match", "scope", "title", "pattern", "then_pattern", "then_scope", "preferred")

_SCOPE_SCHEMA = {"anyOf": [{"enum": list(SCOPES)}, {"type": "array", "minItems": 1, "items": {"enum": list(SCOPES)}}]}
_TEXT = {"type": "string", "minLength": 1}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["code", "name", "type", "scope"],
    "properties": {
        "code": {"type": "string", "pattern": CODE_PATTERN.pattern},
        "name": {"type": "string", "pattern": NAME_PATTERN.pattern},
        "type": {"enum": list(TYPES)},
        "scope": _SCOPE_SCHEMA,
        "pattern": _TEXT,
        "then-pattern": _TEXT,
        "then-scope": _SCOPE_SCHEMA,
        "preferred": _TEXT,
        "variants": {"type": "array", "minItems": 1, "items": _TEXT},
        "ignore-case": {"type": "boolean"},
        "severity": {"enum": list(SEVERITIES)},
        "enabled": {"type": "boolean"},
        "message": _TEXT,
        "summary": _TEXT,
        "group": {"type": "string", "pattern": NAME_PATTERN.pattern},
        "why": _TEXT,
        "fails": _TEXT,
        "passes": _TEXT,
        "fix": _TEXT,
    },
}


PATTERN_TIMEOUT = 1.0
"""Seconds a custom rule's pattern may run on one part of a letter."""


class PatternTimeout(Exception):
    """A custom rule's pattern ran past :data:`PATTERN_TIMEOUT` and was stopped."""


@dataclass(frozen=True)
class BoundedPattern:
    """A compiled custom-rule pattern whose every match is stopped after :data:`PATTERN_TIMEOUT`."""

    compiled: regex.Pattern = field(compare=False)  # compiled patterns do not compare: their source and flags do
    key: str  # "pattern", "then-pattern", "variants"
    source: str = ""
    flags: int = 0

    def _stopped(self) -> PatternTimeout:
        return PatternTimeout(
            f"its {self.key} '{self.compiled.pattern}' ran over {PATTERN_TIMEOUT:g} s on one part of this letter and "
            "was stopped: it backtracks too much; simplify it"
        )

    def finditer(self, text: str) -> Iterator:
        try:
            yield from self.compiled.finditer(text, timeout=PATTERN_TIMEOUT)
        except TimeoutError:
            raise self._stopped() from None

    def search(self, text: str):
        try:
            return self.compiled.search(text, timeout=PATTERN_TIMEOUT)
        except TimeoutError:
            raise self._stopped() from None


class CustomRuleError(ValueError):
    """A custom rule that cannot be built: ``key`` (relative to the entry) and the reason."""

    def __init__(self, key: str, reason: str):
        super().__init__(reason)
        self.key = key
        self.reason = reason


def _scopes(value: str | list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([value] if isinstance(value, str) else value))


def _compile(pattern: str, key: str, flags: int) -> BoundedPattern:
    import regex

    try:
        compiled = regex.compile(pattern, flags | regex.VERSION0)
    except regex.error as error:
        raise CustomRuleError(key, f"invalid regular expression '{pattern}': {error}") from None
    if compiled.match(""):
        raise CustomRuleError(key, f"the pattern '{pattern}' matches the empty string; it would match everywhere")
    return BoundedPattern(compiled, key, pattern, flags)


def _literal(text: str) -> str:
    """A regular expression matching ``text`` as written, as a whole word where it starts or ends
    with a word character."""
    body = r"\s+".join(re.escape(word) for word in text.split())
    before = r"(?<!\w)" if re.match(r"\w", text) else ""
    after = r"(?!\w)" if re.search(r"\w$", text) else ""
    return f"{before}{body}{after}"


def _scope_text(scopes: tuple[str, ...]) -> str:
    words = [SCOPE_WORDS[scope] for scope in scopes]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


@dataclass(frozen=True)
class CustomCheck:
    """The check of a custom rule (a picklable callable, so parallel runs can ship it)."""

    type: str
    scopes: tuple[str, ...]
    pattern: BoundedPattern | None
    then_pattern: BoundedPattern | None = None
    then_scopes: tuple[str, ...] = ()
    preferred: str = ""
    variants: BoundedPattern | None = None
    source_pattern: str = ""
    source_then: str = ""

    def __call__(self, letter: Letter, context) -> Iterator:
        fields = {
            "scope": _scope_text(self.scopes),
            "pattern": self.source_pattern,
            "then_pattern": self.source_then,
            "then_scope": _scope_text(self.then_scopes or self.scopes),
            "preferred": self.preferred,
        }
        if self.type == "consistent-spelling":
            yield from self._spelling(letter, context, fields)
            return
        pattern = self.pattern
        assert pattern is not None  # every type but consistent-spelling has one
        for passage, item in iter_scope(letter, self.scopes):
            text = passage.text
            if not text:
                continue
            item_fields = {**fields, "title": _item_name(item)}
            if self.type == "forbidden-pattern":
                for match in pattern.finditer(text):
                    if match.end() > match.start():
                        yield context.finding(
                            passage.sub_span(*match.span()), item=item, match=match.group(), **item_fields
                        )
            elif self.type == "required-pattern":
                if pattern.search(text) is None:
                    yield context.finding(_first_line(passage), item=item, match="", **item_fields)
            else:  # if-then
                match = pattern.search(text)
                if match is not None and not self._then_found(letter, passage, item):
                    yield context.finding(
                        passage.sub_span(*match.span()), item=item, match=match.group(), **item_fields
                    )

    def _then_found(self, letter: Letter, passage: Passage, item: Item | None) -> bool:
        if not self.then_scopes:
            targets = [passage]
        elif item is not None and set(self.then_scopes) <= ITEM_SCOPES:
            targets = [found for found, owner in iter_scope(letter, self.then_scopes) if owner is item]
        else:
            targets = [found for found, _ in iter_scope(letter, self.then_scopes)]
        then_pattern = self.then_pattern
        assert then_pattern is not None  # an if-then rule has one
        return any(then_pattern.search(target.text) for target in targets)

    def _spelling(self, letter: Letter, context, fields: dict[str, str]) -> Iterator:
        variants = self.variants
        assert variants is not None  # a consistent-spelling rule has them
        for passage, item in iter_scope(letter, self.scopes):
            for match in variants.finditer(passage.text):
                if match.group() != self.preferred:
                    yield context.finding(
                        passage.sub_span(*match.span()),
                        item=item,
                        match=match.group(),
                        **{**fields, "title": _item_name(item)},
                    )


def _item_name(item: Item | None) -> str:

    return item.title if item is not None else ""


def _first_line(passage: Passage):
    """The span of a passage's first line (its whole span when it is one line)."""
    span = passage.span
    if span.end_line == span.line:
        return span
    document = passage.document
    start, _ = passage.trimmed()
    line_end = document.line_starts[span.line] if span.line < len(document.line_starts) else len(document.text)
    text = document.text[start:line_end].rstrip("\r\n \t")
    return document.span(start, start + len(text))


def iter_scope(letter: Letter, scopes: tuple[str, ...]) -> Iterator[tuple[Passage, Item | None]]:
    """Every passage of the letter in ``scopes`` (in document order per scope), with its item."""
    from imrlint.model.letter import Passage

    document = letter.document
    for scope in scopes:
        if scope == "letter":
            yield Passage(document, 0, len(document.text)), None
        elif scope == "header":
            if letter.sections:
                yield Passage(document, 0, letter.sections[0].title.start), None
        elif scope == "credentials":
            section = letter.section("how")
            if section is not None:
                yield section.body, None
        elif scope in ("licensure", "specialty"):
            credentials = letter.credentials
            passage = getattr(credentials, scope, None) if credentials is not None else None
            if passage is not None:
                yield passage, None
        elif scope == "summary":
            if letter.summary is not None:
                yield letter.summary, None
        else:
            for item in letter.items:
                for passage in _item_passages(item, scope):
                    yield passage, item


def _item_passages(item: Item, scope: str) -> list[Passage]:
    if scope == "item-heading":
        return [item.heading]
    if scope == "rationale":
        return [item.rationale] if item.rationale is not None else []
    guidelines = {
        "guideline": (item.claims, item.maximus),
        "claims-guideline": (item.claims,),
        "maximus-guideline": (item.maximus,),
    }[scope]
    return [guideline.content for guideline in guidelines if guideline is not None]


def _documentation(entry: Mapping[str, Any], source: str, scopes: tuple[str, ...]) -> str:
    kind = entry["type"]
    scope = _scope_text(scopes)
    if kind == "forbidden-pattern":
        what = f"Text matching '{entry['pattern']}' appears in the {scope}."
        fails, passes = f"a {scope} containing text that matches '{entry['pattern']}'.", f"a {scope} without it."
    elif kind == "required-pattern":
        what = f"The {scope} does not contain text matching '{entry['pattern']}'."
        fails, passes = f"a {scope} without text that matches '{entry['pattern']}'.", f"a {scope} that contains it."
    elif kind == "if-then":
        then_scope = _scope_text(_scopes(entry["then-scope"])) if "then-scope" in entry else scope
        what = (
            f"The {scope} matches '{entry['pattern']}' but the {then_scope} does not match '{entry['then-pattern']}'."
        )
        fails, passes = (
            f"a {scope} matching '{entry['pattern']}' without '{entry['then-pattern']}' in the {then_scope}.",
            "the same with both.",
        )
    else:
        variants = ", ".join(f"'{variant}'" for variant in entry["variants"])
        what = f"The {scope} spells '{entry['preferred']}' another way ({variants})."
        fails, passes = f"'{entry['variants'][0]}' in the {scope}.", f"'{entry['preferred']}'."
    summary = entry.get("summary", what)
    why = entry.get("why", f"A house-style rule of this repository ({kind}), defined in {source} under custom-rules.")
    fix = entry.get("fix", "Edit the text as the message says.")
    return "\n\n".join(
        [summary, why, f"Fails: {entry.get('fails', fails)}\nPasses: {entry.get('passes', passes)}", f"Fix: {fix}"]
    )


def build_custom_rule(entry: Mapping[str, Any], source: str) -> tuple[Rule, RuleSettings]:
    """A custom rule and its settings from a validated ``custom-rules`` entry.

    Raises :class:`CustomRuleError` (with the key inside the entry) for a field the type does not
    use, a missing field, a pattern that does not compile or a message placeholder it lacks.
    """
    kind = entry["type"]
    for key in _REQUIRED[kind]:
        if key not in entry:
            raise CustomRuleError(key, f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} rule needs '{key}'")
    for key in sorted(_SPECIFIC & set(entry) - _ALLOWED[kind]):
        raise CustomRuleError(
            key,
            f"'{key}' is not used by {'an' if kind[0] in 'aeiou' else 'a'} {kind} rule (it uses "
            f"{', '.join(sorted(_ALLOWED[kind]))})",
        )
    import regex

    flags = regex.IGNORECASE if entry.get("ignore-case", False) else 0
    scopes = _scopes(entry["scope"])
    message = entry.get("message", DEFAULT_MESSAGES[kind])
    try:
        placeholders = {name for _, name, _, _ in string.Formatter().parse(message) if name is not None}
    except ValueError as error:
        raise CustomRuleError("message", f"invalid message template: {error}") from None
    unknown = placeholders - set(MESSAGE_FIELDS)
    if unknown:
        raise CustomRuleError(
            "message",
            f"unknown placeholder(s) {', '.join('{' + name + '}' for name in sorted(unknown))}; a custom rule's "
            f"message may use {', '.join('{' + name + '}' for name in MESSAGE_FIELDS)}",
        )
    if kind == "consistent-spelling":
        variants = list(entry["variants"])
        if entry["preferred"] in variants:
            raise CustomRuleError("variants", f"the preferred spelling '{entry['preferred']}' is listed as a variant")
        check = CustomCheck(
            kind,
            scopes,
            None,
            preferred=entry["preferred"],
            variants=_compile(
                "|".join(_literal(variant) for variant in sorted(variants, key=len, reverse=True)), "variants", flags
            ),
        )
    else:
        pattern = _compile(entry["pattern"], "pattern", flags)
        then = _compile(entry["then-pattern"], "then-pattern", flags) if kind == "if-then" else None
        then_scopes = _scopes(entry["then-scope"]) if "then-scope" in entry else ()
        check = CustomCheck(
            kind,
            scopes,
            pattern,
            then,
            then_scopes,
            source_pattern=entry["pattern"],
            source_then=entry.get("then-pattern", ""),
        )
    doc = _documentation(entry, source, scopes)
    rule = Rule(entry["code"], entry["name"], check, doc)
    settings = RuleSettings(
        code=entry["code"],
        name=entry["name"],
        severity=entry.get("severity", "warning"),
        enabled=entry.get("enabled", True),
        message=message,
        summary=rule.summary,
        options={},
        group=entry.get("group", CUSTOM_GROUP),
    )
    return rule, settings
