"""Where imrlint's shipped data files (grammars and rule declarations) live."""

from __future__ import annotations

import pathlib

_PACKAGE_DIR = pathlib.Path(__file__).resolve().parent


def data_path(*parts: str) -> pathlib.Path:
    """Path of a shipped data file: inside the installed package (imrlint/_data/...) or, in a source checkout, the repository's top-level grammars/ and rules/ folders."""
    installed = _PACKAGE_DIR / "_data"
    base = installed if installed.is_dir() else _PACKAGE_DIR.parent
    return base.joinpath(*parts)
