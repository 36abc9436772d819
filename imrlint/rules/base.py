"""Rules: a stable code, a kebab-case name and a check function that yields findings.

A rule's defaults (severity, enabled flag, message template, options) are declared in YAML
(``rules/*.yaml`` for the built-in rules); its Python side is a check decorated with :func:`rule`::

    @rule("IMR201", "missing-label")
    def missing_label(letter, context):
        \"\"\"What it checks, why (the law or guideline), and how to fix it.\"\"\"
        for item in letter.items:
            if item.label is None:
                yield context.finding(item.heading, item=item, name=item.name.text)

The message template's ``{placeholders}`` are filled from the keyword arguments given to
:meth:`RuleContext.finding`.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from imrlint.input.document import Document, Span
from imrlint.resources import IdentityMemo
from imrlint.rules.findings import Finding, Fix

if TYPE_CHECKING:
    from imrlint.knowledge.catalogue import Catalogue
    from imrlint.model.conclusions import ConclusionReader
    from imrlint.model.letter import Item, Letter, Passage

CODE_PATTERN = re.compile(r"^[A-Z]{1,4}\d{3,4}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
CUSTOM_GROUP = "custom"
"""The group of a custom rule (imrlint.rules.custom) whose entry names none."""


class Check(Protocol):
    """A rule's check: the findings it makes on a letter, with what its context gives it."""

    def __call__(self, letter: Letter, context: RuleContext, /) -> Iterable[Finding]: ...


@dataclass(frozen=True)
class Rule:
    """A rule's implementation: its identity and check.  ``check`` is None for the input rules,
    whose findings the engine makes when a file cannot be read or parsed."""

    code: str
    name: str
    check: Check | None
    doc: str

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n", 1)[0].replace("\n", " ").strip()


class DeferredCheck:
    """A rule's check named by where it is defined (the module, and the name the module binds
    its Rule to), imported when first used: a command that lists or documents rules imports no
    rule module (:mod:`imrlint.plugins.builtin` keeps the built-in rules' index)."""

    __slots__ = ("_check", "attribute", "module")

    def __init__(self, module: str, attribute: str):
        self.module, self.attribute = module, attribute
        self._check: Check | None = None

    def load(self) -> Check:
        if self._check is None:
            defined = getattr(importlib.import_module(self.module), self.attribute)
            check = defined.check if isinstance(defined, Rule) else defined
            if check is None:
                raise TypeError(f"{self.module}.{self.attribute} has no check")
            self._check = check
        return self._check

    def __call__(self, letter: Letter, context: RuleContext, /) -> Iterable[Finding]:
        return self.load()(letter, context)

    def __repr__(self) -> str:
        return f"DeferredCheck({self.module!r}, {self.attribute!r})"


def loaded(check: Check) -> Check:
    """``check`` itself, or the function a DeferredCheck names."""
    return check.load() if isinstance(check, DeferredCheck) else check


def rule(code: str, name: str) -> Callable[[Check], Rule]:
    """Declare a check function as the rule ``code`` / ``name``."""
    if not CODE_PATTERN.match(code):
        raise ValueError(f"rule code {code!r} must be 1-4 capitals and 3-4 digits")
    if not NAME_PATTERN.match(name):
        raise ValueError(f"rule name {name!r} must be kebab-case")

    def wrap(check: Check) -> Rule:
        return Rule(code, name, check, inspect.getdoc(check) or "")

    return wrap


def input_rule(code: str, name: str, doc: str) -> Rule:
    """A rule whose findings the engine itself reports (unreadable, binary, unparsable files...)."""
    return Rule(code, name, None, inspect.cleandoc(doc))


@dataclass(frozen=True)
class RuleSettings:
    """A rule's effective configuration: declaration defaults with the user's changes applied."""

    code: str
    name: str
    severity: str
    enabled: bool
    message: str
    summary: str
    options: dict[str, Any] = field(default_factory=dict)
    group: str = ""  # the rule's group ("decisions", "citations", ...), for --select/--ignore
    patterns: tuple[str, ...] = ()  # options whose values are regular expressions (checked at load)


def message_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Knowledge:
    """What the rules know beyond the letter, loaded once per run: the MTUS catalogue and the
    phrase lists of rules/phrases.yaml (decision words, conclusion phrasing, the names of things
    requested)."""

    catalogue: Catalogue
    conclusions: ConclusionReader
    decision_words: frozenset[str]
    item_names: tuple[tuple[str, ...], ...] = ()


@dataclass
class RuleContext:
    """What a check receives besides the letter: its settings and shared knowledge."""

    settings: RuleSettings
    knowledge: Knowledge
    path: str
    letter: Letter | None = None

    @property
    def options(self) -> dict[str, Any]:
        return self.settings.options

    def patterns(self, option: str, flags: int = re.IGNORECASE) -> tuple[re.Pattern[str], ...]:
        """The option ``option``, a list of regular expressions, compiled (once per list).  A run's
        options are the same objects for every letter: a list met before is known by its identity,
        without hashing its patterns again."""
        return _compiled_option(self.options.get(option, ()), flags, one=False)

    def pattern(self, option: str, flags: int = 0) -> re.Pattern[str]:
        """The option ``option``, one regular expression, compiled once per run as :meth:`patterns`
        compiles a list."""
        return _compiled_option(self.options[option], flags, one=True)[0]

    def finding(
        self,
        where: Passage | Span,
        item: Item | None = None,
        correction: Fix | None = None,
        related: Iterable[Passage | Span] = (),
        **fields: Any,
    ) -> Finding:
        """A finding of this rule at ``where``, its message formatted from ``fields``; ``correction``
        is its fix, where the rule is sure of it (made display-only if it would rewrite legal
        wording: :mod:`imrlint.rules.legal_wording`); ``related``, the other passages it refers to
        (the lines its message names are added)."""
        span = where if isinstance(where, Span) else where.span
        finding = make_finding(
            self.settings,
            self.path,
            span,
            self.letter.document if self.letter else None,
            item,
            fields,
            tuple(other if isinstance(other, Span) else other.span for other in related),
        )
        if correction is None:
            return finding
        if self.letter is not None:
            from imrlint.rules.legal_wording import guarded

            correction = guarded(correction, self.letter, self.knowledge.conclusions)
        return dataclasses.replace(finding, fix=correction)


@functools.lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...], flags: int) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, flags) for pattern in patterns)


_COMPILED_LISTS: IdentityMemo[tuple[re.Pattern[str], ...]] = IdentityMemo(256)


def _compiled_option(value: Any, flags: int, one: bool) -> tuple[re.Pattern[str], ...]:
    """An option's regular expressions (``one``: the option is one), compiled: known by the
    option's identity after the first letter."""
    compiled = _COMPILED_LISTS.get(value, flags)
    if compiled is None:
        compiled = _COMPILED_LISTS.put(value, flags, _compiled((value,) if one else tuple(value), flags))
    return compiled


def _span_of(passage: Passage) -> Span:
    return passage.span


REFERENCED_LINES = ("line", "first_line")
"""Message fields that name another line of the letter ("(line 49)"): the passages a finding refers to."""


def make_finding(
    settings: RuleSettings,
    path: str,
    span: Span,
    document: Document | None,
    item: Item | None,
    fields: dict[str, Any],
    related: tuple[Span, ...] = (),
) -> Finding:
    """A finding of the rule ``settings`` declares, at ``span`` of the file at ``path`` (its
    page or paragraph named when ``document`` has them), its message formatted from ``fields``;
    ``related``, the lines the message names (:data:`REFERENCED_LINES`) and the heading of
    ``item`` are the other passages it refers to."""
    named = tuple(
        Span(fields[key], 1, fields[key], 1)
        for key in REFERENCED_LINES
        if isinstance(fields.get(key), int) and fields[key] > 0
    )
    heading = item.heading.derived(_span_of) if item is not None else None
    if heading is not None and not heading.line <= span.line <= heading.end_line:
        named += (heading,)  # the heading of the item it concerns
    unit = unit_offset = None
    if document is not None and document.units:
        offset = document.offset(span.line, span.column)
        unit, unit_offset = document.unit_at(offset), document.unit_offset(offset)
    return Finding(
        path=path,
        span=span,
        code=settings.code,
        name=settings.name,
        severity=settings.severity,
        message=settings.message.format(**fields),
        unit=unit,
        unit_kind=document.unit_kind if document else "",
        item=item.index if item is not None else None,
        unit_offset=unit_offset,
        template=settings.message,
        fields=tuple((name, value if isinstance(value, int) else str(value)) for name, value in fields.items()),
        related=tuple(dict.fromkeys((*related, *named))),
    )
