"""The typed model of a letter, built from the syntax tree.

Every node keeps its exact place in the user's file: a Passage is a range of the letter's text
whose whitespace-collapsed form is what rules read, and any match inside that form maps back to
the original offsets, so findings point at the very characters they are about.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar, cast

from imrlint.input.document import Document, Span
from imrlint.knowledge.catalogue import Catalogue
from imrlint.model.header import TITLES as HEADER_TITLES
from imrlint.model.header import LabelValue, read_header
from imrlint.parsing.citations import GuidelineCitations, parse_guideline
from imrlint.parsing.letter import ParseError, line_bounds, parse_letter, token_start
from imrlint.parsing.tree import Token, Tree

_WORD = re.compile(r"\S+")
_LONG_SPACE = re.compile(r"\s\s+")  # as \s{2,}, scanned faster
T = TypeVar("T")


def lowered(text: str) -> str:
    """``text`` in lower case, character for character (offsets stay valid)."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)


class cached_property(Generic[T]):
    """A value computed on first access and then kept in the instance's ``__dict__``, like
    :class:`functools.cached_property` without the lock that it takes on every first access
    before Python 3.12: model values are pure, so computing one twice is harmless."""

    def __init__(self, function: Callable[..., T]):
        self.function = function
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner: type | None = None) -> T:
        if instance is None:
            return self  # type: ignore[return-value]
        value = instance.__dict__[self.name] = self.function(instance)
        return value


def _derived(owner, function: Callable[..., T], args: tuple) -> T:
    """``function(owner, *args)``, kept in ``owner``'s ``__dict__`` after the first call."""
    key = (function, args)
    try:
        return owner.__dict__["_derived"][key]
    except KeyError:
        value = function(owner, *args)
        owner.__dict__.setdefault("_derived", {})[key] = value
        return value


class Passage:
    """A range [start, end) of a document's text, read with its whitespace collapsed."""

    __slots__ = ("__dict__", "document", "end", "start")

    def __init__(self, document: Document, start: int, end: int):
        self.document = document
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"Passage({self.start}, {self.end}, {self.text[:40]!r})"

    @cached_property
    def _shifts(self) -> tuple[list[int], list[int]]:
        """Where :attr:`text` falls behind the document (built on first use): the index in text of
        each whitespace run that collapsed from two or more characters, and how many characters
        the document is ahead of text before the first run (the leading whitespace) and after
        each run.  A single space, tab or line break between words keeps the offsets aligned."""
        text = self.document.text
        first_word = _WORD.search(text, self.start, self.end)
        ahead = first_word.start() - self.start if first_word else 0
        runs = [run.span() for run in _LONG_SPACE.finditer(text, self.start + ahead, self.end)]
        shifts = list(itertools.accumulate((run_end - run_start - 1 for run_start, run_end in runs), initial=ahead))
        gaps = [run_start - self.start - shift for (run_start, _), shift in zip(runs, shifts, strict=False)]
        return gaps, shifts

    @cached_property
    def text(self) -> str:
        """The passage with every whitespace run collapsed to one space, trimmed."""
        # str.split() and the regex \S split at the same (Unicode) whitespace; this is the fast
        # path, the offset table of _shifts is only built when an offset is asked for.
        return " ".join(self.document.text[self.start : self.end].split())

    @cached_property
    def lower(self) -> str:
        """:attr:`text` in lower case, offset for offset (see :func:`lowered`)."""
        return lowered(self.text)

    def derived(self, function: Callable[..., T], *args: Hashable) -> T:
        """``function(self, *args)``, computed once per passage.

        Several rules read the same facts from the same passage (the summary's dates of injury,
        a rationale's conclusion); keeping them with the passage reads each once per letter."""
        return _derived(self, function, args)

    @property
    def span(self) -> Span:
        start, end = self.trimmed()
        return self.document.span(start, end)

    def trimmed(self) -> tuple[int, int]:
        """Document offsets of the passage without its surrounding whitespace."""
        if not self.text:
            return self.start, self.start
        return self.offset(0), self.offset(len(self.text) - 1) + 1

    def offset(self, index: int) -> int:
        """Document offset of character ``index`` of :attr:`text`."""
        text = self.text
        if not text:
            return self.start
        index = max(0, min(index, len(text) - 1))
        if len(text) == self.end - self.start:
            # nothing collapsed or trimmed: text and document run side by side
            return self.start + index
        gaps, shifts = self._shifts
        return self.start + index + shifts[bisect.bisect_left(gaps, index)]

    def sub_span(self, start: int, end: int) -> Span:
        """Span of the characters [start, end) of :attr:`text`."""
        if end <= start:
            offset = self.offset(start)
            return self.document.span(offset, offset)
        return self.document.span(self.offset(start), self.offset(end - 1) + 1)

    def sub(self, start: int, end: int) -> Passage:
        """The passage holding characters [start, end) of :attr:`text`."""
        if end <= start:
            offset = self.offset(start)
            return Passage(self.document, offset, offset)
        if start < 0 or end > len(self.text):
            return Passage(self.document, self.offset(start), self.offset(end - 1) + 1)
        return _Cut(self, start, end)


class _Cut(Passage):
    """A passage cut by :meth:`Passage.sub` from the words of another: its text is known at once,
    its place in the document only when :attr:`start` or :attr:`end` is first asked for.

    Placing it reads the outer passage's offset table, which most passages cut from another (a
    rationale's conclusion sentences, the summary's statements on UR) never need, being only read.
    """

    __slots__ = ("_cut_end", "_cut_start", "_outer")

    def __init__(self, outer: Passage, start: int, end: int):
        self.document = outer.document
        self._outer = outer
        self._cut_start = start
        self._cut_end = end
        # the same words, less a collapsed space at either end: no need to collapse them again
        self.text = outer.text[start:end].strip()

    @cached_property
    def start(self) -> int:
        return self._outer.offset(self._cut_start)

    @cached_property
    def end(self) -> int:
        return self._outer.offset(self._cut_end - 1) + 1


@dataclass(frozen=True)
class Section:
    """One of the letter's three sections: its kind, its title line and its body."""

    kind: str  # "how", "summary" or "issues"
    title: Passage
    body: Passage


@dataclass(frozen=True)
class HeaderField:
    """A field of the header block: its label ("Date of Injury:") and value, or None (a label
    without a value, or, when ``paired`` is False, one whose value cannot be told apart from the
    other labels' values in the layout the text was extracted in)."""

    name: str
    key: Passage
    value: Passage | None
    paired: bool = True

    @property
    def title(self) -> str:
        """The field's label as DWC prints it, without the colon."""
        return HEADER_TITLES[self.name]


@dataclass(frozen=True)
class Credentials:
    """The reviewer's qualifications, stated as a block of fields or in prose."""

    form: str  # "block", "prose" or "none"
    licensure: Passage | None
    specialty: Passage | None
    passage: Passage  # the section body they were read from
    # In a block, the field labels ("State(s) of Licensure:"), where a value may be missing.
    licensure_label: Passage | None = None
    specialty_label: Passage | None = None


@dataclass
class Guideline:
    """A "Claims Administrator guideline:" or "MAXIMUS guideline:" field.

    ``catalogue`` is the run's MTUS catalogue (with the user's additions), which keeps known
    section names that contain commas whole; None uses the shipped one.  Lines citing in the same
    words, in a letter or across letters, are read once (:func:`parse_guideline`).
    """

    keyword: Passage
    content: Passage
    catalogue: Catalogue | None = field(default=None, repr=False)

    @cached_property
    def citations(self) -> GuidelineCitations:
        return parse_guideline(self.content.text, catalogue=self.catalogue)

    def located(self, start: int, end: int) -> Span:
        """Span of a citation's offsets [start, end) (offsets into content.text)."""
        return self.content.sub_span(start, end)


TITLE_LIMIT = 70
"""The longest item name messages quote whole."""


@dataclass(frozen=True)
class PartialRequest:
    """The partial-authorization form: original request, what UR authorized, what remains.

    ``whole`` is True for the form that leaves the whole original request eligible ("The Claims
    Administrator authorized Y, leaving the original request IMR eligible. The original request,
    Z is"): then ``remaining`` restates the original request rather than the original less Y.
    """

    original: Passage
    authorized: Passage
    remaining: Passage
    whole: bool = False


@dataclass
class Item:
    """One disputed item: heading, label, the two guideline lines and the rationale."""

    index: int
    heading: Passage
    name: Passage
    label: Passage | None  # "Upheld" or "Overturned" as written, when the heading ends in one
    label_candidate: Passage | None  # without a label, a trailing ": Word" that may be a wrong one
    claims: Guideline | None
    maximus: Guideline | None
    rationale: Passage | None
    partial: PartialRequest | None

    @property
    def decision(self) -> str | None:
        """The label normalised to "Upheld" / "Overturned", or None."""
        return self.label.text.capitalize() if self.label else None

    @property
    def title(self) -> str:
        """A short name for the item in messages: the remaining portion of a partial
        authorization, cut to :data:`TITLE_LIMIT` characters."""
        text = (self.partial.remaining if self.partial else self.name).text or self.heading.text
        return text if len(text) <= TITLE_LIMIT else text[: TITLE_LIMIT - 1].rstrip() + "…"

    @property
    def end(self) -> int:
        """Offset just past the item's last part: its heading, guideline lines or rationale."""
        ends = [self.heading.end]
        ends += [part.end for part in (self.rationale,) if part is not None]
        ends += [line.content.end for line in (self.claims, self.maximus) if line is not None]
        return max(ends)


@dataclass
class Letter:
    """The typed model of a letter, every part placed in its document; what the rules read."""

    document: Document
    sections: list[Section]
    header: dict[str, HeaderField]
    unpaired_header: tuple[HeaderField, ...]  # fields whose values cannot be paired with certainty
    credentials: Credentials | None
    summary: Passage | None
    items: list[Item]
    parse_errors: tuple[ParseError, ...]
    tree: Tree = field(repr=False)

    def section(self, kind: str) -> Section | None:
        return next((section for section in self.sections if section.kind == kind), None)

    def item_at(self, offset: int) -> Item | None:
        """The disputed item whose heading, guideline lines or rationale hold ``offset``, if any:
        the last item headed before it (items follow one another), looked up by bisection, so that
        a letter of a thousand items, each with a finding, is not read a thousand times."""
        index = bisect.bisect_right(self.derived(_heading_starts), offset) - 1
        if index < 0 or offset >= self.items[index].end:
            return None
        return self.items[index]

    def derived(self, function: Callable[..., T], *args: Hashable) -> T:
        """``function(self, *args)``, computed once per letter: what several rules read from the
        whole letter (its facts, its cited chapters looked up in the catalogue)."""
        return _derived(self, function, args)


def _heading_starts(letter: Letter) -> list[int]:
    return [item.heading.start for item in letter.items]


_LABEL = re.compile(r":\s*(Upheld|Overturned)\s*$", re.I)
_LABEL_CANDIDATE = re.compile(r":\s*([A-Za-z][A-Za-z\- ]{0,30}?)\s*$")
# The partial-authorization form: "X was the original request. Y was authorized by the Claims
# Administrator. The remaining IMR eligible portion of the original request, Z is".  Its two phrases
# are found by two searches, each the first after the last, so reading it is linear in the heading.
_ORIGINAL_REQUEST = re.compile(r"\s+was\s+the\s+original\s+request\.?\s+", re.I)
_AUTHORIZED_REMAINING = re.compile(
    r"\s+was\s+authorized\s+by\s+the\s+Claims\s+Administrator\.?\s+The\s+remaining\s+IMR\s+eligible\s+portion\s+of\s+the\s+original\s+request,?\s+",
    re.I,
)
_TRAILING_IS = re.compile(r"\s+is\s*$", re.I)
# ... and the form that leaves the whole original request eligible: "X was the original request.
# The Claims Administrator authorized Y, leaving the original request IMR eligible. The original
# request, Z is".
_AUTHORIZED_FIRST = re.compile(r"\s*The\s+Claims\s+Administrator\s+authorized\s+", re.I)
_LEAVING_ELIGIBLE = re.compile(
    r",?\s+leaving\s+the\s+original\s+request\s+IMR\s+eligible\.?\s+The\s+original\s+request,?\s+", re.I
)
# A specialty or a list of states is a few words: bounding them keeps each search linear.
_PROSE_SPECIALTY = re.compile(
    r"\b(?:Board\s+Certified|certified)\s+in\s+([A-Z][\w&/ -]{0,200}?)(?=,|\.|\s+and\s+(?:has|is)\b)", re.I
)
_PROSE_LICENSURE = re.compile(r"\blicensed\s+to\s+practice\s+in\s+([A-Z][A-Za-z ,]{0,300}?)(?=\.|\s+and\s+|$)")


def build_letter(document: Document, catalogue: Catalogue | None = None) -> Letter:
    """Parse a document and build its model; never raises for any text."""
    result = parse_letter(document.text)
    builder = _Builder(document, catalogue)
    builder.visit(result.tree)
    header, unpaired = _header_fields(document, builder.preamble)
    return Letter(
        document=document,
        sections=builder.sections,
        header=header,
        unpaired_header=unpaired,
        credentials=builder.credentials,
        summary=builder.summary,
        items=builder.items,
        parse_errors=result.errors,
        tree=result.tree,
    )


class _Builder:
    def __init__(self, document: Document, catalogue: Catalogue | None):
        self.document = document
        self.catalogue = catalogue
        self.sections: list[Section] = []
        self.preamble: Passage | None = None
        self.credentials: Credentials | None = None
        self.summary: Passage | None = None
        self.items: list[Item] = []

    def passage(self, start: int, end: int) -> Passage:
        return Passage(self.document, start, end)

    def visit(self, tree: Tree) -> None:
        for child in tree.children:
            if not isinstance(child, Tree):
                continue
            rule = child.data
            if rule == "preamble":
                self.preamble = self.passage(*_extent(child.children))
            elif rule in ("how_section", "summary_section", "issues_section"):
                self.section(child, rule)

    def section(self, tree: Tree, rule: str) -> None:
        title, *rest = tree.children
        title_start, title_end = line_bounds(_token(title))
        body_end = _end(rest) if rest else title_end
        body = self.passage(title_end, body_end)
        kind = rule.removesuffix("_section")
        items = [child for child in rest if isinstance(child, Tree) and child.data == "item"]
        if items and kind != "issues":
            # a section whose items follow without the decisions title: its body ends before them
            body = self.passage(title_end, _item_start(items[0]))
        self.sections.append(Section(kind, self.passage(title_start, title_end), body))
        if kind == "how":
            self.credentials = self.reviewer(
                body, [child for child in rest if isinstance(child, Tree) and child.data == "credential_field"]
            )
        elif kind == "summary" and self.summary is None:
            self.summary = body
        self.items.extend(self.item(child) for child in items)

    def field_content(self, tokens: list) -> tuple[Passage, Passage]:
        """The keyword of a key line and the content after it (continuation lines included)."""
        start, end = line_bounds(tokens[0])
        colon = self.document.text.find(":", start, end)
        keyword_end = colon + 1 if colon >= 0 else start
        return self.passage(start, keyword_end), self.passage(keyword_end, _end(tokens) if len(tokens) > 1 else end)

    def reviewer(self, body: Passage, fields: list[Tree]) -> Credentials:
        licensure = specialty = licensure_label = specialty_label = None
        for tree in fields:
            kind = _token(tree.children[0]).type
            label, content = self.field_content(tree.children)
            if kind == "LICENSURE":
                licensure, licensure_label = content, label
            elif kind == "SPECIALTY":
                specialty, specialty_label = content, label
        if fields:
            return Credentials("block", licensure, specialty, body, licensure_label, specialty_label)
        text = body.text
        specialty_match = _PROSE_SPECIALTY.search(text)
        licensure_match = _PROSE_LICENSURE.search(text)
        if specialty_match or licensure_match:
            return Credentials(
                "prose",
                body.sub(*licensure_match.span(1)) if licensure_match else None,
                body.sub(*specialty_match.span(1)) if specialty_match else None,
                body,
            )
        return Credentials("none", None, None, body)

    def item(self, tree: Tree) -> Item:
        heading_token, *parts = tree.children
        heading = self.passage(_item_start(tree), line_bounds(_token(heading_token))[1])
        text = heading.text
        label = label_candidate = None
        name_end = len(text)
        match = _LABEL.search(text)
        if match:
            label = heading.sub(*match.span(1))
            name_end = match.start()
        else:
            candidate = _LABEL_CANDIDATE.search(text)
            if candidate:
                label_candidate = heading.sub(*candidate.span(1))
        name = heading.sub(0, name_end)
        guidelines: dict[str, Guideline] = {}
        rationale = None
        for part in parts:
            assert isinstance(part, Tree)  # an item's parts are rules of the grammar
            keyword, content = self.field_content(part.children)
            rule = part.data
            if rule == "rationale":
                rationale = rationale or content
            else:
                guidelines.setdefault(rule, Guideline(keyword, content, self.catalogue))
        return Item(
            index=len(self.items) + 1,
            heading=heading,
            name=name,
            label=label,
            label_candidate=label_candidate,
            claims=guidelines.get("claims_guideline"),
            maximus=guidelines.get("maximus_guideline"),
            rationale=rationale,
            partial=_partial(name),
        )


def _item_start(tree: Tree) -> int:
    """Offset of the first visible character of an item's heading."""
    heading = _token(tree.children[0])
    return token_start(heading) - 1 + len(heading) - len(heading.lstrip("\n \t"))


def _token(node: Tree | Token) -> Token:
    """A node the grammar makes a terminal (a line), as a token."""
    return cast(Token, node)


def _extent(children: list) -> tuple[int, int]:
    """Offsets from the first visible character to the end of the last token among children."""
    return line_bounds(_edge_token(children, 0))[0], line_bounds(_edge_token(children, -1))[1]


def _end(children: list) -> int:
    """Offset of the end of the last token among children."""
    return line_bounds(_edge_token(children, -1))[1]


def _edge_token(children: list, index: int) -> Token:
    """The first (index 0) or last (index -1) token under ``children`` (no subtree is empty)."""
    node = children[index]
    while isinstance(node, Tree):
        node = node.children[index]
    return node


def _partial(name: Passage) -> PartialRequest | None:
    text = name.text
    original = _ORIGINAL_REQUEST.search(text, 1)
    if original is None:
        return None
    authorized_start = original.end()
    remaining = _AUTHORIZED_REMAINING.search(text, original.end() + 1)
    whole = False
    if remaining is None:
        # the form that leaves the whole original request eligible
        authorized = _AUTHORIZED_FIRST.match(text, original.end())
        if authorized is None:
            return None
        remaining = _LEAVING_ELIGIBLE.search(text, authorized.end() + 1)
        if remaining is None:
            return None
        authorized_start, whole = authorized.end(), True
    if remaining.end() == len(text):
        return None
    trailing_is = _TRAILING_IS.search(text, remaining.end() + 1)
    remaining_end = trailing_is.start() if trailing_is else len(text.rstrip())
    return PartialRequest(
        name.sub(0, original.start()),
        name.sub(authorized_start, remaining.start()),
        name.sub(remaining.end(), remaining_end),
        whole=whole,
    )


def _header_fields(
    document: Document, preamble: Passage | None
) -> tuple[dict[str, HeaderField], tuple[HeaderField, ...]]:
    """The header block's fields (imrlint.model.header pairs labels and values in every layout), and those
    whose values cannot be paired with certainty."""
    if preamble is None:
        return {}, ()

    def field(pair: LabelValue) -> HeaderField:
        value = Passage(document, *pair.value) if pair.value else None
        return HeaderField(pair.name, Passage(document, *pair.key), value, pair.paired)

    paired, unpaired = read_header(document.text, preamble.start, preamble.end)
    return {name: field(pair) for name, pair in paired.items()}, tuple(field(pair) for pair in unpaired)
