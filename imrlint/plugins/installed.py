"""The installed plugins: the entry points of the group ``imrlint``, read from the installed
distributions' metadata, or from an index of them kept in imrlint's cache.

Reading the metadata means importing :mod:`importlib.metadata` and opening every distribution's
``entry_points.txt``: on an ordinary environment, longer than the whole lint of a letter.  The
index holds the entry points found and a stamp of the directories they were looked for in (each
``sys.path`` entry's modification time, inode, size and link count): installing, upgrading or
removing a distribution adds or removes a ``*.dist-info`` folder in one of them, which changes its
stamp, and the metadata is read again."""

from __future__ import annotations

import importlib
import pathlib
import re
import sys

from imrlint.plugins.hookspecs import PROJECT
from imrlint.resources import index_name, keep_index, kept_index, stat_stamp

EntryPoint = tuple[str, str]  # its name, and the object it names ("package.module:attribute")

# The form of an entry point's object reference (the packaging specification's), extras ignored.
_REFERENCE = re.compile(r"(?P<module>[\w.]+)\s*(?::\s*(?P<attribute>[\w.]+)\s*)?(?:\[[^\]]*\])?\s*")


def installed_entry_points(index_directory: pathlib.Path | None = None) -> list[EntryPoint]:
    """The entry points of the group ``imrlint``, in the order importlib.metadata gives them;
    read from the index in ``index_directory`` when its stamp is the search path's, else from
    the metadata (and the index rewritten)."""
    if index_directory is None:
        return _read_metadata()
    stamp = _search_path_stamp()
    index = index_directory / index_name("plugins", sys.prefix, *sys.path)
    kept = kept_index(index, stamp, _well_formed)
    if kept is not None:
        return [(name, reference) for name, reference in kept]
    found = _read_metadata()
    keep_index(index, stamp, found)
    return found


def _well_formed(entry: object) -> bool:
    """Whether an index entry is [name, reference], both text."""
    return isinstance(entry, list) and len(entry) == 2 and all(isinstance(part, str) for part in entry)


def load_entry_point(reference: str) -> object:
    """The object an entry point names: ``package.module`` or ``package.module:attribute``."""
    match = _REFERENCE.fullmatch(reference)
    if match is None:
        raise ValueError(f"'{reference}' is not an entry point's module:attribute")
    target: object = importlib.import_module(match["module"])
    if match["attribute"]:
        for attribute in match["attribute"].split("."):
            target = getattr(target, attribute)
    return target


def _read_metadata() -> list[EntryPoint]:
    from importlib.metadata import entry_points

    return [(entry_point.name, entry_point.value) for entry_point in entry_points(group=PROJECT)]


def _search_path_stamp() -> list[str]:
    """What changes when a distribution is installed in, or removed from, the search path."""
    return [sys.version, sys.prefix, *(f"{entry}: {stat_stamp(entry or '.')}" for entry in sys.path)]
