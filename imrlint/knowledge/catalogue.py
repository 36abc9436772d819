"""The MTUS knowledge base (rules/mtus.yaml): chapters, their editions, page bounds, topics and sections.

Letters spell names loosely: "Chronic Pain Medical Treatment Guidelines" for "Chronic Pain Medical
Treatment", "&" for "and", "MUSCLE RELAXANTS", "Electro- diagnostic" where a line break split a
word.  Every lookup therefore compares normalised keys (case, punctuation, spacing, "&" and hyphens
ignored), built once per catalogue so that looking up thousands of citations stays cheap.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import json
import pathlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from imrlint.resources import InvalidYaml, data_path, load_yaml
from imrlint.validation import best_error, json_shaped

CONFIDENCES = ("high", "unverified")
Key = TypeVar("Key")  # a chapter's id, an edition's year
Entry = TypeVar("Entry")  # a Chapter, an Edition

# Difflib ratio above which an unknown section name is taken for a misspelling of a known one
# ("Inital Care" / "Initial Care" scores 0.96, "Summary" / "Special Studies" 0.36).
_SUGGESTION_CUTOFF = 0.8
# Difflib ratio above which one word is taken for a misspelling of another ("inital" / "initial"
# 0.92, "diagnositc" / "diagnostic" 0.9, "studies" / "study" 0.67).
_MISSPELLING_CUTOFF = 0.8

_MERGED_CHAPTER_KEYS = ("id", "aliases", "regions", "editions")
_MERGED_EDITION_KEYS = ("year", "topics", "sections", "sections_complete")


class CatalogueError(ValueError):
    """The knowledge base is malformed; the message names the offending key path."""


@dataclass(frozen=True)
class Topic:
    """A topic of a paginated guideline and the pages that discuss it."""

    name: str
    aliases: tuple[str, ...]
    pages: tuple[tuple[int, int], ...]
    confidence: str  # "high" (seen in letters or verified) or "unverified" (from memory)


@dataclass(frozen=True)
class Edition:
    """One edition of a chapter: when it applied, its page bounds, topics and section names."""

    year: int
    effective: datetime.date
    superseded: datetime.date | None
    pages: tuple[int, int] | None
    pages_confidence: str
    topics: tuple[Topic, ...]
    sections: tuple[str, ...]
    # Whether ``sections`` is the edition's whole table of contents: only then is a section it
    # lacks known not to exist.  ``sections_source`` says where the list comes from.
    sections_complete: bool = False
    sections_source: str = ""


@dataclass(frozen=True)
class Chapter:
    """An MTUS guideline or ACOEM chapter, with every spelling the letters use for it."""

    id: str
    name: str
    aliases: tuple[str, ...]
    editions: tuple[Edition, ...]
    # Words naming the body region a clinical-topic chapter covers ("knee", "patella"); none for
    # a chapter that is not about one region.
    regions: tuple[str, ...] = ()


_JOINING_HYPHEN = re.compile(r"(?<=\w)-\s*(?=\w)")
_WORD = re.compile(r"[^\W_]+")
_GUIDELINES_SUFFIX = re.compile(r"(?: guidelines?)+$")
# A piece of a "Section(s):" list: the text between commas, trimmed.
_LIST_PIECE = re.compile(r"[^,\s](?:[^,]*[^,\s])?")
# A list's "and" before its last name ("Summary, and Special Studies").
# A piece of a list cut at its commas outside brackets: its text, trimmed.
_TRIMMED = re.compile(r"\S(?:.*\S)?", re.DOTALL)
_LIST_AND = re.compile(r"and\s+(?=\S)", re.IGNORECASE)
_BRACKETS = {"(": ")", "[": "]"}
_LIST_MARK = re.compile(r"[,()\[\]]")
# The number of a numbered section ("3.3.9 Opioids for ...", "2. Opioids for Subacute Pain"): a
# dotted number, or a number with a period, then a space.
_SECTION_NUMBER = re.compile(r"(\d+(?:\.\d+)+|\d+(?=\.))\.?\s+(?=\S)")


@functools.lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """``text`` reduced to its words, lower case: "&" reads as "and", and a hyphen joins its words,
    so "Follow-up", "Follow- up" (a line break) and "follow-up." give the same key."""
    text = _JOINING_HYPHEN.sub("", text.casefold().replace("&", " and "))
    return " ".join(_WORD.findall(text))


@functools.lru_cache(maxsize=8192)
def _base_key(text: str) -> str:
    """The key of ``text`` without its trailing parenthetical: an abbreviation or brand names that
    letters give or leave out ("Barbiturate-containing analgesic agents (BCAs)", "Naproxen
    (Naprosyn, ..., Anaprox DS [otc], Naprelan)")."""
    text = text.rstrip()
    if not text.endswith(")"):
        return _key(text)
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] in ")]":
            depth += 1
        elif text[index] in "([":
            depth -= 1
            if depth == 0:
                return _key(text[:index])
    return _key(text)


def section_number(name: str) -> str | None:
    """The number a numbered section name opens with ("3.3.9"), or None."""
    match = _SECTION_NUMBER.match(name.strip())
    return match.group(1) if match else None


def _chapter_key(text: str) -> str:
    """As :func:`_key`, without a trailing "Guidelines", which letters add or drop at will."""
    key = _key(text)
    return _GUIDELINES_SUFFIX.sub("", key) if key.endswith(("guideline", "guidelines")) else key


@dataclass(frozen=True)
class _SectionIndex:
    """An edition's section names, looked up by their normalised keys."""

    names: dict[str, str]  # key -> section name as the knowledge base spells it
    bases: dict[str, str]  # key without the trailing parenthetical -> name, where only one name has it
    numbers: dict[str, str]  # number of a numbered section -> its name
    longest: int  # most comma-separated pieces in one known name

    def find(self, name: str) -> str | None:
        base = _base_key(name)
        found = self.names.get(_key(name)) or self.bases.get(base) or self.names.get(base)
        if found is None and (number := section_number(name)) is not None:
            found = self._numbered(number, name)
        return found

    def _numbered(self, number: str, name: str) -> str | None:
        """The section numbered ``number`` if ``name`` gives its title in full, in part (its part
        title or its own title left out) or with a parenthetical added."""
        known = self.numbers.get(number)
        if known is None:
            return None
        title, known_title = _title_key(name), _title_key(known)
        if title and (known_title.startswith(title) or known_title.endswith(title) or title.startswith(known_title)):
            return known
        return None

    def starts(self, text: str) -> bool:
        """Whether ``text`` is a known name (for joining list pieces; no number matching)."""
        return _key(text) in self.names or _base_key(text) in self.bases


def _title_key(name: str) -> str:
    """The key of a numbered section's title, its number left out."""
    match = _SECTION_NUMBER.match(name.strip())
    return _key(name.strip()[match.end() :] if match else name)


def _section_index(sections: Iterable[str]) -> _SectionIndex:
    names: dict[str, str] = {}
    bases: dict[str, str | None] = {}
    numbers: dict[str, str] = {}
    for section in sections:
        names.setdefault(_key(section), section)
    for key, section in names.items():
        base = _base_key(section)
        if base and base != key:
            bases[base] = section if bases.get(base, section) == section and base not in names else None
        number = section_number(section)
        if number is not None:
            numbers.setdefault(number, section)
    return _SectionIndex(
        names,
        {base: section for base, section in bases.items() if section is not None},
        numbers,
        1 + max((section.count(",") for section in names.values()), default=0),
    )


def _list_pieces(text: str) -> list[tuple[int, int, int]]:
    """(start, name start, end) of each piece of a section list: the text between commas outside
    brackets, trimmed, the name starting after a leading "and".  Brackets that do not close are
    taken for text, and the list is cut at every comma."""
    cuts = []
    closing: list[str] = []
    for mark in _LIST_MARK.finditer(text):
        character = mark.group()
        if character in _BRACKETS:
            closing.append(_BRACKETS[character])
        elif closing and character == closing[-1]:
            closing.pop()
        elif character == "," and not closing:
            cuts.append(mark.start())
    if closing:
        cuts = [mark.start() for mark in _LIST_MARK.finditer(text) if mark.group() == ","]
    pieces = []
    for start, end in zip([-1, *cuts], [*cuts, len(text)], strict=False):
        piece = _TRIMMED.search(text, start + 1, end)
        if piece is not None:
            conjunction = _LIST_AND.match(text, piece.start(), piece.end())
            pieces.append((piece.start(), conjunction.end() if conjunction else piece.start(), piece.end()))
    return pieces


class Catalogue:
    """The MTUS chapters, looked up by the names letters cite them by."""

    def __init__(self, chapters: Iterable[Chapter]):
        self.chapters: tuple[Chapter, ...] = tuple(chapters)
        self._by_key: dict[str, Chapter] = {}
        for chapter in self.chapters:
            for name in (chapter.name, *chapter.aliases):
                other = self._by_key.setdefault(_chapter_key(name), chapter)
                if other is not chapter:
                    raise CatalogueError(
                        f"chapter {chapter.id!r}: the name {name!r} already names chapter {other.id!r}"
                    )
        # Indexes by edition identity: editions are compared often and hashing one hashes all its topics.
        self._topics: dict[int, tuple[Edition, dict[str, Topic]]] = {}
        self._sections: dict[int, tuple[Edition, _SectionIndex]] = {}
        for chapter in self.chapters:
            for edition in chapter.editions:
                self._topics[id(edition)] = (edition, _topic_index(edition))
                self._sections[id(edition)] = (edition, _section_index(edition.sections))
        self._all_sections = _section_index(
            section for chapter in self.chapters for edition in chapter.editions for section in edition.sections
        )

    @classmethod
    def load(cls, path: str | pathlib.Path | None = None, extra: Mapping[str, Any] | None = None) -> Catalogue:
        """The knowledge base at ``path`` (default: the shipped rules/mtus.yaml), with ``extra``
        merged in: a mapping of the same shape (a user's configuration) whose new chapters are
        appended and whose chapters with a known id add aliases, editions, topics and sections."""
        shipped = path is None
        path = pathlib.Path(path) if path is not None else data_path("rules", "mtus.yaml")
        try:
            data = load_yaml(path)
        except (OSError, UnicodeDecodeError, InvalidYaml) as error:
            raise CatalogueError(f"{path}: cannot read the knowledge base: {error}") from None
        try:
            chapters = _read_chapters(data, {}, validated=shipped)
        except CatalogueError as error:
            raise CatalogueError(f"{path}: {error}") from None
        if extra is not None:
            chapters = _read_chapters(extra, chapters, validated=False)
        return cls(chapters.values())

    def find_chapter(self, name: str) -> Chapter | None:
        """The chapter named or aliased ``name`` (case, spacing, punctuation and a trailing
        "Guidelines" ignored), or None."""
        return self._by_key.get(_chapter_key(name))

    def edition(self, chapter: Chapter, year: int | None) -> Edition | None:
        """The edition of ``chapter`` published in ``year``, or None.  Without a year (the old
        "Page(s):" style), the edition whose pages are cited: the earliest paginated one, or the
        earliest of all when none is paginated, since those letters predate later editions."""
        if year is not None:
            return next((edition for edition in chapter.editions if edition.year == year), None)
        candidates = [edition for edition in chapter.editions if edition.pages is not None] or list(chapter.editions)
        return min(candidates, key=lambda edition: edition.year, default=None)

    def find_topic(self, edition: Edition, name: str) -> Topic | None:
        """The topic of ``edition`` named or aliased ``name`` (tolerant match), or None."""
        return self._topic_index(edition).get(_key(name))

    def find_section(self, edition: Edition, name: str) -> str | None:
        """The section of ``edition`` that ``name`` spells, as the knowledge base spells it; None
        if unknown.  Case, spacing, "&" for "and", hyphens and a trailing period are ignored, and
        so is a trailing parenthetical given or left out ("Barbiturate-containing analgesic
        agents" for "... (BCAs)"); a numbered section may leave out its part title."""
        return self._section_index(edition).find(name)

    def closest_section(self, edition: Edition, name: str) -> str | None:
        """The known section of ``edition`` that ``name`` most likely misspells, or None when
        nothing is close ("Inital Care" -> "Initial Care").  A numbered name is compared by its
        title and number: the section of the same title under another number (the number is the
        slip), else the section of that number (the title is)."""
        index = self._section_index(edition)
        number = section_number(name)
        if number is not None:
            title = _title_key(name)
            same_title = next((known for known in index.numbers.values() if _title_key(known) == title), None)
            return same_title or index.numbers.get(number)
        close = difflib.get_close_matches(
            _key(name),
            [key for key, known in index.names.items() if section_number(known) is None],
            n=1,
            cutoff=_SUGGESTION_CUTOFF,
        )
        return index.names[close[0]] if close else None

    def misspelt_section(self, edition: Edition, name: str) -> str | None:
        """The known section of ``edition`` that ``name`` writes with a misspelt word or two: the
        same words in the same order, but one or two of at least four letters each a near miss
        ("Inital Care", "Diagnositc Criteria"), or None.  Unlike a merely similar name, such a
        name cannot be another section, whether or not the table of contents is complete."""
        words = _key(name).split()
        for key, known in self._section_index(edition).names.items():
            known_words = key.split()
            if len(known_words) != len(words):
                continue
            differing = [(word, other) for word, other in zip(words, known_words, strict=False) if word != other]
            if 1 <= len(differing) <= 2 and all(_near_miss(word, other) for word, other in differing):
                return known
        return None

    def split_sections(self, edition: Edition | None, text: str) -> list[tuple[int, int]]:
        """Spans of the section names in a raw "Section(s):" list.  The list is split on the commas
        outside brackets ("Naproxen (Naprosyn, EC-Naprosyn, ...)" stays whole); a list of
        numbered sections only before the next number ("3.3.1.1 ...: Screening for Risk of
        Addiction or Adverse Events, Prior to ..."), since their titles hold commas.  Otherwise
        neighbouring pieces are joined where they make a known name of ``edition`` (the longest
        first: "NSAIDs, GI symptoms & cardiovascular risk"), and a piece that starts in lower case
        continues the name before it ("Work conditioning, work hardening").  With no edition (an
        unknown chapter or edition), any section the catalogue knows counts."""
        if "," not in text:  # one piece, the usual list: nothing to join
            piece = _LIST_PIECE.search(text)
            return [piece.span()] if piece is not None else []
        pieces = _list_pieces(text)
        if not pieces:
            return []
        if section_number(text[pieces[0][1] :]) is not None:
            return _numbered_spans(text, pieces)
        index = self._all_sections if edition is None else self._section_index(edition)
        spans = []
        first = 0
        while first < len(pieces):
            last = _longest_known(text, pieces, first, index)
            if last is None:
                last = first
            while (
                last + 1 < len(pieces)
                and _continues(text, pieces[last + 1])
                and _longest_known(text, pieces, last + 1, index) is None
            ):
                last += 1
            spans.append((pieces[first][1], pieces[last][2]))
            first = last + 1
        return spans

    def _topic_index(self, edition: Edition) -> dict[str, Topic]:
        known = self._topics.get(id(edition))
        return known[1] if known is not None and known[0] is edition else _topic_index(edition)

    def _section_index(self, edition: Edition) -> _SectionIndex:
        known = self._sections.get(id(edition))
        return known[1] if known is not None and known[0] is edition else _section_index(edition.sections)


def _longest_known(text: str, pieces: list[tuple[int, int, int]], first: int, index: _SectionIndex) -> int | None:
    """The last of the pieces that make, from ``pieces[first]``, the longest known name; None if
    no known name starts there."""
    for last in range(min(len(pieces), first + index.longest) - 1, first - 1, -1):
        if index.starts(text[pieces[first][1] : pieces[last][2]]):
            return last
    return None


def _continues(text: str, piece: tuple[int, int, int]) -> bool:
    """Whether a list piece continues the name before it: it starts in lower case, with no "and"."""
    start, name_start, _ = piece
    return start == name_start and text[start].islower()


def _numbered_spans(text: str, pieces: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """The spans of a list of numbered sections: each runs up to the next piece with a number."""
    spans: list[tuple[int, int]] = []
    for _start, name_start, end in pieces:
        if spans and section_number(text[name_start:end]) is None:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((name_start, end))
    return spans


def _near_miss(word: str, other: str) -> bool:
    """Whether ``word`` misspells ``other``: both words of four letters or more, and alike."""
    return (
        min(len(word), len(other)) >= 4
        and word.isalpha()
        and other.isalpha()
        and difflib.SequenceMatcher(None, word, other).ratio() >= _MISSPELLING_CUTOFF
    )


def _topic_index(edition: Edition) -> dict[str, Topic]:
    index: dict[str, Topic] = {}
    for topic in edition.topics:
        for name in (topic.name, *topic.aliases):
            index.setdefault(_key(name), topic)
    return index


# --- reading and validating the YAML ---------------------------------------------------------------
#
# The shape of the knowledge base and of a configuration's additions is rules/mtus.schema.json
# (editors complete and check rules/mtus.yaml with it); what a schema cannot say (a name or year
# given twice, a page range that runs backwards, what may be added to a known chapter) is checked
# here.  The shipped file is checked against the schema by the tests, not on every run.


@functools.cache
def _schema() -> dict[str, Any]:
    return json.loads(data_path("rules", "mtus.schema.json").read_text(encoding="utf-8"))


def _check(value: Any, definition: str | None, path: str) -> None:
    """Raise a CatalogueError naming the key if ``value`` does not fit the schema's
    ``definition`` (None: the whole knowledge base)."""
    schema = _schema()
    if definition is not None:
        schema = {"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]}
    error = best_error(json_shaped(value), schema)
    if error is None:
        return
    parts = [path] if path else []
    parts += [f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path]
    where = "".join(parts).lstrip(".")
    failed: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    instance: Any = error.instance
    if error.validator == "required":
        missing = next(key for key in failed["required"] if key not in instance)
        raise CatalogueError(f"{where}.{missing}: missing" if where else f"{missing}: missing")
    if error.validator == "additionalProperties":
        known = list(failed.get("properties", {}))
        unknown = next(key for key in instance if key not in known)
        key = f"{where}.{unknown}" if where else unknown
        raise CatalogueError(f"{key}: unknown key (expected one of {', '.join(known)})")
    expected = failed.get("description")
    reason = f"expected {expected}, got {_describe(error.instance)}" if expected else error.message
    raise CatalogueError(f"{where or 'top level'}: {reason}")


def _read_chapters(data: Any, known: dict[str, Chapter], validated: bool) -> dict[str, Chapter]:
    """``known`` (by id) with the chapters of ``data`` added or merged into it; ``data`` is checked
    against the schema unless ``validated`` (the shipped knowledge base, checked by the tests)."""
    if not validated:
        _check(data, None if not known else "addition", "")

    def new_chapter(raw: dict, path: str) -> Chapter:
        if known and not validated:
            _check(raw, "chapter", path)
        # a new chapter's editions were checked with it (or with the whole knowledge base)
        return _with_editions(_new_chapter(raw), raw["editions"], f"{path}.editions", True)

    return _added_or_merged(
        known, data.get("chapters") or (), "chapters", "id", "chapter", _merged_chapter, new_chapter
    )


def _new_chapter(raw: dict) -> Chapter:
    return Chapter(
        id=raw["id"],
        name=raw["name"],
        aliases=tuple(raw.get("aliases") or ()),
        editions=(),
        regions=tuple(raw.get("regions") or ()),
    )


def _merged_chapter(chapter: Chapter, raw: dict, path: str) -> Chapter:
    """``chapter`` with the aliases, regions, editions, topics and sections of ``raw`` added."""
    _only_keys(
        raw,
        _MERGED_CHAPTER_KEYS,
        path,
        f"chapter {chapter.id!r} exists, so only aliases, regions and editions can be added",
    )
    aliases = chapter.aliases + tuple(alias for alias in raw.get("aliases") or () if alias not in chapter.aliases)
    regions = chapter.regions + tuple(word for word in raw.get("regions") or () if word not in chapter.regions)
    chapter = replace(chapter, aliases=aliases, regions=regions)
    return _with_editions(chapter, raw.get("editions") or [], f"{path}.editions", validated=False)


def _with_editions(chapter: Chapter, raws: list, path: str, validated: bool) -> Chapter:
    """``chapter`` with the editions ``raws`` added or merged; a new edition is checked against the
    schema unless ``validated``."""

    def new_edition(raw: dict, edition_path: str) -> Edition:
        if not validated:
            _check(raw, "edition", edition_path)
        return _new_edition(raw, edition_path)

    known = {edition.year: edition for edition in chapter.editions}
    merged_edition = functools.partial(_merged_edition, chapter_id=chapter.id)
    editions = _added_or_merged(known, raws, path, "year", "edition", merged_edition, new_edition)
    return replace(chapter, editions=tuple(sorted(editions.values(), key=lambda edition: edition.year)))


def _added_or_merged(
    known: dict[Key, Entry],
    raws: Iterable[dict],
    path: str,
    key: str,
    kind: str,
    merged: Callable[[Entry, dict, str], Entry],
    new: Callable[[dict, str], Entry],
) -> dict[Key, Entry]:
    """``known`` with each of ``raws`` (the list at ``path``) merged into the entry of the same
    ``key`` (``merged``) or added as a new entry (``new``).  An entry ``raws`` defines twice is an
    error at its second definition, named by ``kind`` and its key ("chapter 'low-back'",
    "edition 2004")."""
    entries = dict(known)
    defined: set[Key] = set()
    for index, raw in enumerate(raws):
        raw_path = f"{path}[{index}]"
        entry_key = raw[key]
        if entry_key in defined:
            raise CatalogueError(f"{raw_path}.{key}: {kind} {entry_key!r} is defined twice")
        defined.add(entry_key)
        entries[entry_key] = merged(entries[entry_key], raw, raw_path) if entry_key in entries else new(raw, raw_path)
    return entries


def _new_edition(raw: dict, path: str) -> Edition:
    pages = raw.get("pages")
    return Edition(
        year=raw["year"],
        effective=_date(raw["effective"]),
        superseded=None if raw.get("superseded") is None else _date(raw["superseded"]),
        pages=None if pages is None else _page_range(pages, f"{path}.pages"),
        pages_confidence=raw.get("pages_confidence", "high"),
        topics=tuple(_topic(topic, f"{path}.topics[{index}]") for index, topic in enumerate(raw.get("topics") or ())),
        sections=tuple(raw.get("sections") or ()),
        sections_complete=raw.get("sections_complete", False),
        sections_source=raw.get("sections_source", ""),
    )


def _merged_edition(edition: Edition, raw: dict, path: str, chapter_id: str) -> Edition:
    """``edition`` with the topics and sections of ``raw`` it does not have yet."""
    _only_keys(
        raw,
        _MERGED_EDITION_KEYS,
        path,
        f"edition {edition.year} of chapter {chapter_id!r} exists, so only topics, sections and sections_complete can "
        "be given",
    )
    known_topics = {_key(topic.name) for topic in edition.topics}
    topics = [_topic(topic, f"{path}.topics[{index}]") for index, topic in enumerate(raw.get("topics") or ())]
    known_sections = {_key(section) for section in edition.sections}
    return replace(
        edition,
        topics=edition.topics + tuple(topic for topic in topics if _key(topic.name) not in known_topics),
        sections=edition.sections
        + tuple(section for section in raw.get("sections") or () if _key(section) not in known_sections),
        sections_complete=raw.get("sections_complete", edition.sections_complete),
    )


def _topic(raw: dict, path: str) -> Topic:
    return Topic(
        name=raw["name"],
        aliases=tuple(raw.get("aliases") or ()),
        pages=tuple(_page_range(pages, f"{path}.pages[{index}]") for index, pages in enumerate(raw["pages"])),
        confidence=raw.get("confidence", "high"),
    )


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


def _only_keys(raw: dict, allowed: tuple[str, ...], path: str, reason: str) -> None:
    for key in raw:
        if key not in allowed:
            raise CatalogueError(f"{path}.{key}: unknown key ({reason})")


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def _page_range(value: list, path: str) -> tuple[int, int]:
    if value[0] > value[1]:
        raise CatalogueError(f"{path}: expected [first, last] pages with 1 <= first <= last, got {_describe(value)}")
    return (value[0], value[1])
