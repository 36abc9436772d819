"""Finding letters under the paths named, and each letter's configuration file.

Letters: a directory is searched recursively for ``*.txt``, ``*.pdf`` and ``*.docx`` (any case;
hidden directories and Word's ``~$`` lock files are passed by).  Symbolic links to directories
are followed, each directory searched once: a link to one already searched (a loop) is reported
(IMR010), as is a directory that cannot be searched (IMR009) and a directory named that holds no
letter (IMR012), so no letter goes unchecked without a word.

Configuration: walk up from the letter to the repository root, reading no file that users other
than its owner could have written.

In each directory, from the letter's own upwards, the first of these is the configuration:

1. ``.imrlint.yaml`` (or ``.imrlint.yml``);
2. ``pyproject.toml`` with a ``[tool.imrlint]`` table (a pyproject.toml without one is passed by).

The walk stops at the repository root (the directory holding ``.git``) after looking there, or
at the filesystem root outside a repository.  The nearest file wins; it does not merge with files
further up (write ``extends: ../.imrlint.yaml`` for that), so every file found is the top of its
search.  A file that users other than its owner may write, or that is in a directory they may
write (``/tmp``), is not read: it is said on standard error and the walk goes on up.
``--config FILE`` skips the search.
"""

from __future__ import annotations

import os
import pathlib
import posixpath
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from imrlint.config.settings import Config, display_path
from imrlint.input.read import LETTER_SUFFIXES, STDIN
from imrlint.resources import read_toml

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


def writable_by_others(path: pathlib.Path) -> bool:
    """Whether users other than the owner of ``path`` may write it: anyone (o+w), or a group
    that is not the owner's own (g+w)."""
    try:
        status = path.stat()
    except OSError:
        return False
    if status.st_mode & stat.S_IWOTH:
        return True
    if status.st_mode & stat.S_IWGRP:
        try:
            import pwd

            return pwd.getpwuid(status.st_uid).pw_gid != status.st_gid
        except (ImportError, KeyError):
            return True
    return False


_IGNORED_WARNED: set[pathlib.Path] = set()


def _trusted(candidate: pathlib.Path) -> bool:
    """Whether a configuration file found may be read: neither it nor its directory may be
    written by others than their owners (a shared directory such as /tmp, where anyone could
    have put it).  One that may not is said once on standard error."""
    untrusted = next((path for path in (candidate.parent, candidate) if writable_by_others(path)), None)
    if untrusted is None:
        return True
    if candidate not in _IGNORED_WARNED:
        _IGNORED_WARNED.add(candidate)
        what = "its directory" if untrusted == candidate.parent else "it"
        print(
            f"imrlint: warning: {display_path(candidate)} is not read: {what} can be written by other users; give it "
            "with --config to use it",
            file=sys.stderr,
        )
    return False


def config_in(directory: pathlib.Path) -> pathlib.Path | None:
    """The configuration file in ``directory`` itself, if any (one others could have written is
    passed by, see :func:`_trusted`)."""
    for name in CONFIG_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return candidate if _trusted(candidate) else None
    candidate = directory / PYPROJECT
    if candidate.is_file() and _trusted(candidate) and _has_table(candidate):
        return candidate
    return None


def is_repository_root(directory: pathlib.Path) -> bool:
    return (directory / ".git").exists()


def find_config(
    path: str | os.PathLike[str], cache: dict[pathlib.Path, pathlib.Path | None] | None = None
) -> pathlib.Path | None:
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


@dataclass(frozen=True)
class PathProblem:
    """Something found while searching for letters that is reported in a letter's place: the
    path, the input rule that reports it and the rule's message detail."""

    path: str
    rule: str
    detail: str = ""


Target = str | PathProblem
"""What the search for letters yields: a letter's path, or a problem reported in its place."""


def letter_path(target: Target) -> str:
    """A target that is a letter: its path (problems are reported where they are met)."""
    assert isinstance(target, str), target
    return target


def is_url(path: str) -> bool:
    """Whether ``path`` names letters by an fsspec URL ("s3://bucket/2017/", "memory://...")."""
    scheme, separator, _ = path.partition("://")
    # a scheme of one letter is a Windows drive ("C://letters")
    return bool(separator) and len(scheme) > 1 and scheme.replace("+", "").replace("-", "").isalnum()


def is_letter_name(name: str) -> bool:
    return name.lower().endswith(LETTER_SUFFIXES) and not name.startswith("~$")


def letter_paths(
    paths: Sequence[str],
    missing: list[str],
    excluded: Callable[[str, bool], bool] | None = None,
    force_exclude: bool = False,
) -> Iterator[str | PathProblem]:
    """The files named, and the letters found under the directories named (each directory's in
    path order, so every run has one order), with the problems met on the way.  Paths that do
    not exist are added to ``missing``; ``excluded(path, is_directory)`` passes paths by in the
    search, and files named too with ``force_exclude`` (a pre-commit hook names every file)."""
    excluded = excluded or (lambda path, is_directory: False)
    for path in paths:
        if path == STDIN:
            yield path
        elif is_url(path):
            from imrlint.lint.remote import url_files

            files = url_files(path)
            if files is None:
                missing.append(path)
            else:
                found_urls = [url for url in files if url == path or is_letter_name(posixpath.basename(url))]
                yield from found_urls if found_urls else [PathProblem(path, "no-letters-found")]
        elif os.path.isdir(path):
            found = _search(path, excluded)
            yield from found if found else [PathProblem(path, "no-letters-found")]
        elif os.path.exists(path) or os.path.islink(path):
            if not (force_exclude and excluded(path, False)):
                yield path
        else:
            missing.append(path)


class Exclusions:
    """Which paths the search for letters passes by: those matching the ``exclude`` patterns of
    the configuration that applies to them (each relative to the directory of the file that
    names it; ``--exclude`` relative to the working directory), and, unless ``respect-gitignore``
    is false, those a ``.gitignore`` inside their git repository (or its ``.git/info/exclude``)
    ignores, as git would.  Patterns are gitignore patterns (``drafts/``, ``*.tmp.txt``,
    ``!keep.txt``), matched by ``pathspec``."""

    def __init__(self, config_for: Callable[[str], Config]):
        self.config_for = config_for  # the configuration of a letter at a path
        self._specs: dict[tuple, list] = {}
        self._ignore_files: dict[pathlib.Path, list | None] = {}

    def __call__(self, path: str, is_directory: bool) -> bool:
        absolute = pathlib.Path(os.path.abspath(path))
        config = self.config_for(os.path.join(path, "letter.txt") if is_directory else path)
        for base, spec in self._configured(config.exclude):
            if _matches(spec, absolute, base, is_directory):
                return True
        return config.respect_gitignore and self._ignored_by_git(absolute, is_directory)

    def _configured(self, patterns: tuple) -> list:
        """(base directory, compiled patterns) for a configuration's ``exclude``, built once."""
        if patterns not in self._specs:
            import pathspec

            by_base: dict[pathlib.Path, list[str]] = {}
            for base, pattern in patterns:
                by_base.setdefault(base, []).append(pattern)
            self._specs[patterns] = [
                (base, pathspec.GitIgnoreSpec.from_lines(lines)) for base, lines in by_base.items()
            ]
        return self._specs[patterns]

    def _ignored_by_git(self, path: pathlib.Path, is_directory: bool) -> bool:
        # the deepest .gitignore with a pattern for the path decides, as in git
        for base, spec in self._ignore_files_above(path.parent) or ():
            decision = spec.check_file(_relative(path, base, is_directory)).include
            if decision is not None:
                return decision
        return False

    def _ignore_files_above(self, directory: pathlib.Path) -> list | None:
        """(directory, patterns) of the .gitignore files from ``directory`` up to its repository's
        root, deepest first, then the repository's .git/info/exclude; None outside a repository."""
        if directory not in self._ignore_files:
            own = [(directory, spec) for spec in [_read_ignore_file(directory / ".gitignore")] if spec is not None]
            if is_repository_root(directory):
                found = own + [
                    (directory, spec)
                    for spec in [_read_ignore_file(directory / ".git" / "info" / "exclude")]
                    if spec is not None
                ]
            elif directory.parent == directory:
                found = None
            else:
                above = self._ignore_files_above(directory.parent)
                found = None if above is None else own + above
            self._ignore_files[directory] = found
        return self._ignore_files[directory]


def _read_ignore_file(path: pathlib.Path):
    import pathspec

    try:
        return pathspec.GitIgnoreSpec.from_lines(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return None


def _relative(path: pathlib.Path, base: pathlib.Path, is_directory: bool) -> str:
    relative = os.path.relpath(path, base).replace(os.sep, "/")
    return relative + "/" if is_directory else relative


def _matches(spec, path: pathlib.Path, base: pathlib.Path, is_directory: bool) -> bool:
    relative = _relative(path, base, is_directory)
    return not relative.startswith("../") and bool(spec.check_file(relative).include)


def _search(top: str, excluded: Callable[[str, bool], bool]) -> list[str | PathProblem]:
    found: list[str | PathProblem] = []
    searched: dict[tuple[int, int], str] = {}  # (device, inode) of each directory searched -> its path
    pending = [top]
    while pending:
        directory = pending.pop()
        try:
            status = os.stat(directory)
            identity = (status.st_dev, status.st_ino)
            if identity in searched:
                found.append(
                    PathProblem(
                        directory,
                        "directory-link-skipped",
                        f"a link to {searched[identity]}, already searched: not searched again",
                    )
                )
                continue
            searched[identity] = directory
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            found.append(
                PathProblem(
                    directory,
                    "unreadable-directory",
                    f"cannot search this directory for letters: {error.strerror or error}",
                )
            )
            continue
        subdirectories = []
        for entry in entries:
            try:
                is_directory = entry.is_dir()  # through a link too
            except OSError:
                is_directory = False
            if is_directory:
                if not entry.name.startswith(".") and not excluded(entry.path, True):
                    subdirectories.append(entry.path)
            elif is_letter_name(entry.name) and not excluded(entry.path, False):
                found.append(entry.path)
        pending.extend(reversed(subdirectories))  # searched in name order
    return sorted(found, key=lambda entry: entry.path if isinstance(entry, PathProblem) else entry)
