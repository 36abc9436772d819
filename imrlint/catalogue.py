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
import pathlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import yaml

from .config import YAML_LOADER
from .resources import data_path

CONFIDENCES = ("high", "unverified")

# Difflib ratio above which an unknown section name is taken for a misspelling of a known one
# ("Inital Care" / "Initial Care" scores 0.96, "Summary" / "Special Studies" 0.36).
_SUGGESTION_CUTOFF = 0.8

_CHAPTER_KEYS = ("id", "name", "aliases", "editions")
_MERGED_CHAPTER_KEYS = ("id", "aliases", "editions")
_EDITION_KEYS = ("year", "effective", "superseded", "pages", "pages_confidence", "topics", "sections")
_MERGED_EDITION_KEYS = ("year", "topics", "sections")
_TOPIC_KEYS = ("name", "aliases", "pages", "confidence")


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


@dataclass(frozen=True)
class Chapter:
    """An MTUS guideline or ACOEM chapter, with every spelling the letters use for it."""

    id: str
    name: str
    aliases: tuple[str, ...]
    editions: tuple[Edition, ...]


_JOINING_HYPHEN = re.compile(r"(?<=\w)-\s*(?=\w)")
_WORD = re.compile(r"[^\W_]+")
_GUIDELINES_SUFFIX = re.compile(r"(?: guidelines?)+$")
# A piece of a "Section(s):" list: the text between commas, trimmed.
_LIST_PIECE = re.compile(r"[^,\s](?:[^,]*[^,\s])?")


@functools.lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """``text`` reduced to its words, lower case: "&" reads as "and", and a hyphen joins its words,
    so "Follow-up", "Follow- up" (a line break) and "follow-up." give the same key."""
    text = _JOINING_HYPHEN.sub("", text.casefold().replace("&", " and "))
    return " ".join(_WORD.findall(text))


def _chapter_key(text: str) -> str:
    """As :func:`_key`, without a trailing "Guidelines", which letters add or drop at will."""
    key = _key(text)
    return _GUIDELINES_SUFFIX.sub("", key) if key.endswith(("guideline", "guidelines")) else key


@dataclass(frozen=True)
class _SectionIndex:
    names: dict[str, str]  # key -> section name as the knowledge base spells it
    longest: int  # most comma-separated pieces in one known name


def _section_index(sections: Iterable[str]) -> _SectionIndex:
    names: dict[str, str] = {}
    for section in sections:
        names.setdefault(_key(section), section)
    return _SectionIndex(names, 1 + max((section.count(",") for section in names.values()), default=0))


class Catalogue:
    """The MTUS chapters, looked up by the names letters cite them by."""

    def __init__(self, chapters: Iterable[Chapter]):
        self.chapters: tuple[Chapter, ...] = tuple(chapters)
        self._by_key: dict[str, Chapter] = {}
        for chapter in self.chapters:
            for name in (chapter.name, *chapter.aliases):
                other = self._by_key.setdefault(_chapter_key(name), chapter)
                if other is not chapter:
                    raise CatalogueError(f"chapter {chapter.id!r}: the name {name!r} already names chapter {other.id!r}")
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
        path = pathlib.Path(path) if path is not None else data_path("rules", "mtus.yaml")
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise CatalogueError(f"{path}: cannot read the knowledge base: {error}") from None
        try:
            chapters = _read_chapters(data, {})
        except CatalogueError as error:
            raise CatalogueError(f"{path}: {error}") from None
        if extra is not None:
            chapters = _read_chapters(extra, chapters)
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
        """The section of ``edition`` that ``name`` spells (case, spacing, "&" for "and", hyphens
        and a trailing period ignored), as the knowledge base spells it; None if unknown."""
        return self._section_index(edition).names.get(_key(name))

    def closest_section(self, edition: Edition, name: str) -> str | None:
        """The known section of ``edition`` that ``name`` most likely misspells, or None when
        nothing is close ("Inital Care" -> "Initial Care")."""
        names = self._section_index(edition).names
        close = difflib.get_close_matches(_key(name), list(names), n=1, cutoff=_SUGGESTION_CUTOFF)
        return names[close[0]] if close else None

    def split_sections(self, edition: Edition | None, text: str) -> list[tuple[int, int]]:
        """Spans of the section names in a raw "Section(s):" list.  The list is split on commas,
        then neighbouring pieces are joined again where they make a known name of ``edition``
        (longest first), so "NSAIDs, GI symptoms & cardiovascular risk" stays whole.  With no
        edition (an unknown chapter or edition), any section the catalogue knows counts."""
        if "," not in text:  # one piece, the usual list: nothing to join
            piece = _LIST_PIECE.search(text)
            return [piece.span()] if piece is not None else []
        index = self._all_sections if edition is None else self._section_index(edition)
        pieces = [match.span() for match in _LIST_PIECE.finditer(text)]
        spans = []
        first = 0
        while first < len(pieces):
            last = first
            for candidate in range(min(len(pieces), first + index.longest) - 1, first, -1):
                if _key(text[pieces[first][0] : pieces[candidate][1]]) in index.names:
                    last = candidate
                    break
            spans.append((pieces[first][0], pieces[last][1]))
            first = last + 1
        return spans

    def _topic_index(self, edition: Edition) -> dict[str, Topic]:
        known = self._topics.get(id(edition))
        return known[1] if known is not None and known[0] is edition else _topic_index(edition)

    def _section_index(self, edition: Edition) -> _SectionIndex:
        known = self._sections.get(id(edition))
        return known[1] if known is not None and known[0] is edition else _section_index(edition.sections)


def _topic_index(edition: Edition) -> dict[str, Topic]:
    index: dict[str, Topic] = {}
    for topic in edition.topics:
        for name in (topic.name, *topic.aliases):
            index.setdefault(_key(name), topic)
    return index


# --- reading and validating the YAML ---------------------------------------------------------------


def _read_chapters(data: Any, known: dict[str, Chapter]) -> dict[str, Chapter]:
    """``known`` (by id) with the chapters of ``data`` added or merged into it."""
    data = _mapping(data, "")
    _only_keys(data, ("chapters",), "")
    chapters = dict(known)
    new_ids: set[str] = set()
    for index, raw in enumerate(_list(data.get("chapters", []), "chapters")):
        path = f"chapters[{index}]"
        raw = _mapping(raw, path)
        chapter_id = _string(raw, "id", path)
        if chapter_id in new_ids:
            raise CatalogueError(f"{path}.id: chapter {chapter_id!r} is defined twice")
        new_ids.add(chapter_id)
        if chapter_id in chapters:
            chapters[chapter_id] = _merged_chapter(chapters[chapter_id], raw, path)
        else:
            chapters[chapter_id] = _new_chapter(raw, path)
    return chapters


def _new_chapter(raw: dict, path: str) -> Chapter:
    _only_keys(raw, _CHAPTER_KEYS, path)
    editions = _list(_required(raw, "editions", path), f"{path}.editions")
    if not editions:
        raise CatalogueError(f"{path}.editions: a chapter needs at least one edition")
    chapter = Chapter(
        id=_string(raw, "id", path),
        name=_string(raw, "name", path),
        aliases=_strings(raw, "aliases", path),
        editions=(),
    )
    return _with_editions(chapter, editions, f"{path}.editions")


def _merged_chapter(chapter: Chapter, raw: dict, path: str) -> Chapter:
    """``chapter`` with the aliases, editions, topics and sections of ``raw`` added."""
    _only_keys(raw, _MERGED_CHAPTER_KEYS, path, f"chapter {chapter.id!r} exists, so only aliases and editions can be added")
    aliases = chapter.aliases + tuple(alias for alias in _strings(raw, "aliases", path) if alias not in chapter.aliases)
    chapter = replace(chapter, aliases=aliases)
    return _with_editions(chapter, _list(raw.get("editions", []), f"{path}.editions"), f"{path}.editions")


def _with_editions(chapter: Chapter, raws: list, path: str) -> Chapter:
    editions = {edition.year: edition for edition in chapter.editions}
    new_years: set[int] = set()
    for index, raw in enumerate(raws):
        edition_path = f"{path}[{index}]"
        raw = _mapping(raw, edition_path)
        year = _integer(raw, "year", edition_path)
        if year in new_years:
            raise CatalogueError(f"{edition_path}.year: edition {year} is defined twice")
        new_years.add(year)
        if year in editions:
            editions[year] = _merged_edition(editions[year], raw, edition_path, chapter.id)
        else:
            editions[year] = _new_edition(raw, edition_path)
    return replace(chapter, editions=tuple(sorted(editions.values(), key=lambda edition: edition.year)))


def _new_edition(raw: dict, path: str) -> Edition:
    _only_keys(raw, _EDITION_KEYS, path)
    superseded = raw.get("superseded")
    pages = raw.get("pages")
    return Edition(
        year=_integer(raw, "year", path),
        effective=_date(_required(raw, "effective", path), f"{path}.effective"),
        superseded=None if superseded is None else _date(superseded, f"{path}.superseded"),
        pages=None if pages is None else _page_range(pages, f"{path}.pages"),
        pages_confidence=_confidence(raw, "pages_confidence", path),
        topics=tuple(_topic(topic, f"{path}.topics[{index}]") for index, topic in enumerate(_list(raw.get("topics", []), f"{path}.topics"))),
        sections=_strings(raw, "sections", path),
    )


def _merged_edition(edition: Edition, raw: dict, path: str, chapter_id: str) -> Edition:
    """``edition`` with the topics and sections of ``raw`` it does not have yet."""
    _only_keys(raw, _MERGED_EDITION_KEYS, path, f"edition {edition.year} of chapter {chapter_id!r} exists, so only topics and sections can be added")
    known_topics = {_key(topic.name) for topic in edition.topics}
    topics = [_topic(topic, f"{path}.topics[{index}]") for index, topic in enumerate(_list(raw.get("topics", []), f"{path}.topics"))]
    known_sections = {_key(section) for section in edition.sections}
    return replace(
        edition,
        topics=edition.topics + tuple(topic for topic in topics if _key(topic.name) not in known_topics),
        sections=edition.sections + tuple(section for section in _strings(raw, "sections", path) if _key(section) not in known_sections),
    )


def _topic(raw: Any, path: str) -> Topic:
    raw = _mapping(raw, path)
    _only_keys(raw, _TOPIC_KEYS, path)
    return Topic(
        name=_string(raw, "name", path),
        aliases=_strings(raw, "aliases", path),
        pages=tuple(_page_range(pages, f"{path}.pages[{index}]") for index, pages in enumerate(_list(_required(raw, "pages", path), f"{path}.pages"))),
        confidence=_confidence(raw, "confidence", path),
    )


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


def _mapping(value: Any, path: str) -> dict:
    if not isinstance(value, Mapping):
        raise CatalogueError(f"{path or 'top level'}: expected a mapping, got {_describe(value)}")
    return dict(value)


def _list(value: Any, path: str) -> list:
    if not isinstance(value, list | tuple):
        raise CatalogueError(f"{path}: expected a list, got {_describe(value)}")
    return list(value)


def _only_keys(raw: dict, allowed: tuple[str, ...], path: str, why: str = "") -> None:
    for key in raw:
        if key not in allowed:
            reason = why or f"expected one of {', '.join(allowed)}"
            raise CatalogueError(f"{path}.{key}: unknown key ({reason})" if path else f"{key}: unknown key ({reason})")


def _required(raw: dict, key: str, path: str) -> Any:
    if key not in raw:
        raise CatalogueError(f"{path}.{key}: missing")
    return raw[key]


def _string(raw: dict, key: str, path: str) -> str:
    value = _required(raw, key, path)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{path}.{key}: expected a non-empty string, got {_describe(value)}")
    return value


def _strings(raw: dict, key: str, path: str) -> tuple[str, ...]:
    value = raw.get(key)
    values = [] if value is None else _list(value, f"{path}.{key}")
    for index, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            raise CatalogueError(f"{path}.{key}[{index}]: expected a non-empty string, got {_describe(value)}")
    return tuple(values)


def _integer(raw: dict, key: str, path: str) -> int:
    value = _required(raw, key, path)
    if not isinstance(value, int) or isinstance(value, bool):
        raise CatalogueError(f"{path}.{key}: expected an integer, got {_describe(value)}")
    return value


def _date(value: Any, path: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise CatalogueError(f"{path}: expected a date (YYYY-MM-DD), got {_describe(value)}")


def _page_range(value: Any, path: str) -> tuple[int, int]:
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(page, int) and not isinstance(page, bool) and page >= 1 for page in value)
        or value[0] > value[1]
    ):
        raise CatalogueError(f"{path}: expected [first, last] pages with 1 <= first <= last, got {_describe(value)}")
    return (value[0], value[1])


def _confidence(raw: dict, key: str, path: str) -> str:
    value = raw.get(key, "high")
    if value not in CONFIDENCES:
        raise CatalogueError(f"{path}.{key}: expected one of {', '.join(CONFIDENCES)}, got {_describe(value)}")
    return value
