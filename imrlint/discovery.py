"""Finding a letter's configuration file: walk up from the letter to the repository root.

In each directory, from the letter's own upwards, the first of these is the configuration:

1. ``.imrlint.yaml`` (or ``.imrlint.yml``);
2. ``pyproject.toml`` with a ``[tool.imrlint]`` table (a pyproject.toml without one is passed by).

The walk stops at the repository root (the directory holding ``.git``) after looking there, or
at the filesystem root outside a repository.  The nearest file wins; it does not merge with files
further up (write ``extends: ../.imrlint.yaml`` for that).  ``--config FILE`` skips the search.
"""

from __future__ import annotations

import os
import pathlib
from .config import display_path, read_toml

CONFIG_NAMES = (".imrlint.yaml", ".imrlint.yml")
PYPROJECT = "pyproject.toml"


def _has_table(path: pathlib.Path) -> bool:
    """Whether a pyproject.toml has a [tool.imrlint] table (a broken one that mentions imrlint is
    a configuration error; any other broken pyproject.toml is not ours to judge)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if "imrlint" not in text:
        return False
    tool = read_toml(path, display_path(path)).get("tool")
    return isinstance(tool, dict) and "imrlint" in tool


def config_in(directory: pathlib.Path) -> pathlib.Path | None:
    """The configuration file in ``directory`` itself, if any."""
    for name in CONFIG_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    candidate = directory / PYPROJECT
    if candidate.is_file() and _has_table(candidate):
        return candidate
    return None


def is_repository_root(directory: pathlib.Path) -> bool:
    return (directory / ".git").exists()


def find_config(path: str | os.PathLike[str], cache: dict[pathlib.Path, pathlib.Path | None] | None = None) -> pathlib.Path | None:
    """The configuration file for the letter (or directory) at ``path``, or None.

    A path that does not exist (``--stdin-filename``) is looked up from its would-be directory.
    ``cache`` (directory -> result) saves walking the same directories for every letter of a run.
    """
    absolute = pathlib.Path(os.path.abspath(path))
    directory = absolute if absolute.is_dir() else absolute.parent
    cache = {} if cache is None else cache
    walked = []
    found = None
    while True:
        if directory in cache:
            found = cache[directory]
            break
        walked.append(directory)
        found = config_in(directory)
        if found is not None or is_repository_root(directory) or directory.parent == directory:
            break
        directory = directory.parent
    for visited in walked:
        cache[visited] = found
    return found
