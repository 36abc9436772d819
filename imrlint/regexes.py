"""Compiled regular expressions kept in imrlint's cache from one run to the next.

Python compiles a regex with Python code (its parser and compiler, ``re._parser`` and
``re._compiler``) before it hands the resulting program to the C engine (``_sre``).  The model and
the rules compile about two hundred regexes, which takes a one-letter run longer than linting the
letter.  A run that uses the cache keeps the program of every regex it compiled; the next run
hands those programs straight to the engine and puts the patterns into ``re``'s own cache, so
that every ``re.compile`` of the same pattern and flags, anywhere in the process, finds it
compiled.

This reads parts of the interpreter that are not public, so it guards each step: a program is
kept only when the pattern the engine builds from it equals (pattern, flags and program) the one
``re`` compiled; the engine checks every program it is given; the file is named by the
interpreter's version; a file that cannot be read is ignored; and where any of these parts is
missing, nothing is kept or loaded (every regex is then compiled as usual).
"""

from __future__ import annotations

import contextlib
import hashlib
import pathlib
import re
import sys
from typing import Any

from imrlint.resources import keep, read_plain, write_plain

# A kept regex: its pattern and flags as given to re.compile, then what the engine is given.
Entry = tuple[str, int, int, list[int], int, dict[str, int], tuple[str | None, ...]]

AT_MOST = 400
"""Regexes kept at most: fewer than ``re``'s own cache holds (512), which the kept ones fill
without making room."""

_file: pathlib.Path | None = None
_loaded = False
_kept: dict[tuple[str, int], Entry] = {}


def _engine() -> Any:
    """The interpreter's regex engine and compiler, or None where they are not laid out as this
    module reads them."""
    try:
        import _sre  # type: ignore[import-not-found]

        if callable(_sre.compile) and callable(re._compiler._code) and isinstance(re._cache, dict):  # type: ignore[attr-defined]
            return _sre
    except (ImportError, AttributeError):
        pass
    return None


def use_regex_cache(folder: pathlib.Path | None) -> None:
    """Read the regexes kept in ``folder`` (a folder of imrlint's cache) when the first letter is
    linted (:func:`load_kept_regexes`), and keep there what this process compiles
    (:func:`keep_regexes`); None: neither.  Reads nothing itself."""
    global _file, _loaded
    _kept.clear()
    _loaded = False
    if folder is None or _engine() is None:
        _file = None
        return
    identity = f"{sys.implementation.name} {sys.version}"
    _file = folder / f"regexes-{hashlib.sha256(identity.encode()).hexdigest()[:16]}.pickle"


def load_kept_regexes() -> None:
    """Put the regexes kept in the cache into ``re``'s cache, once: called before the model and
    the rules are imported, whose modules compile most of them."""
    global _loaded
    if _file is None or _loaded:  # asked for each letter: answered before anything is looked up
        return
    engine = _engine()
    _loaded = True
    try:
        for entry in read_plain(_file)[:AT_MOST]:
            key = (str, entry[0], entry[1])
            if key not in re._cache:  # type: ignore[attr-defined]
                re._cache[key] = _built(engine, entry)  # type: ignore[attr-defined]
            _kept[entry[0], entry[1]] = entry
    except Exception:  # absent, damaged or from elsewhere: what it held is compiled as usual
        return


def keep_regexes() -> None:
    """Keep in the cache the programs of the regexes in ``re``'s cache, when this process
    compiled any it was not given: first those the code holds (the modules' compiled regexes),
    then those this process compiled, then the rest it was given, at most :data:`AT_MOST`.  So a
    regex a module no longer compiles, or one made for a letter's words, makes way in time for
    what runs need; a run that compiled nothing new writes nothing."""
    if _file is None or not _loaded:  # no letter linted: the model's regexes not met
        return
    engine = _engine()
    cache = re._cache  # type: ignore[attr-defined]
    keys = [key for key in list(cache) if key[0] is str]
    fresh = [key for key in keys if (key[1], key[2]) not in _kept]
    if not fresh:
        return
    # a pattern only re's cache holds is counted twice: by the cache, and as the call's argument
    held = [key for key in keys if sys.getrefcount(cache[key]) > 2]
    entries: list[Entry] = []
    for key in dict.fromkeys(held + fresh + keys):
        entry = _kept.get((key[1], key[2])) or _entry(engine, key[1], key[2], cache[key])
        if entry is not None:
            entries.append(entry)
            if len(entries) == AT_MOST:
                break
    keep(_file.parent, _file.name, write_plain(entries))
    _kept.clear()
    _kept.update(((entry[0], entry[1]), entry) for entry in entries)


def _entry(engine: Any, pattern: str, flags: int, compiled: re.Pattern[str]) -> Entry | None:
    """What the engine is given for ``pattern`` (as ``re._compiler.compile`` gives it), if the
    pattern it builds from that equals ``compiled``; else None."""
    with contextlib.suppress(Exception):
        parsed = re._parser.parse(pattern, flags)
        code = re._compiler._code(parsed, flags)  # type: ignore[attr-defined]
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        entry: Entry = (
            pattern,
            flags,
            int(flags | parsed.state.flags),
            [int(word) for word in code],  # some words are named int constants
            parsed.state.groups - 1,
            groupindex,
            tuple(indexgroup),
        )
        if _built(engine, entry) == compiled:
            return entry
    return None


def _built(engine: Any, entry: Entry) -> re.Pattern[str]:
    """The pattern the engine builds from a kept regex (raises for a program it refuses)."""
    pattern, _, engine_flags, code, groups, groupindex, indexgroup = entry
    return engine.compile(pattern, engine_flags, code, groups, groupindex, tuple(indexgroup))
