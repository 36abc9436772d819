"""The check command at archive scale: the paths of ``--files-from``, the run's cache
(``--no-cache``, ``--cache-dir``) and the ``cache`` command."""

from __future__ import annotations

import argparse
import os
import sys

from imrlint.errors import UsageError
from imrlint.input.read import STDIN


def read_path_list(source: str) -> list[str]:
    """The paths listed in the file ``source`` ('-': standard input), one a line; blank lines
    are passed by, a line's end (LF or CRLF) is not part of its path, and a path is read as the
    file system names it (bytes that are not UTF-8 kept, as os.fsdecode keeps them)."""
    try:
        if source == STDIN:
            stream = getattr(sys.stdin, "buffer", None)
            data = stream.read() if stream is not None else b""
        else:
            with open(source, "rb") as handle:
                data = handle.read()
    except OSError as error:
        raise UsageError(f"--files-from {source}: cannot read it: {error.strerror or error}") from error
    lines = (line.removesuffix(b"\r") for line in data.split(b"\n"))
    return [os.fsdecode(line) for line in lines if line.strip()]


def paths_to_lint(paths: list[str], files_from: str | None) -> list[str]:
    """The PATHs named, then those listed by --files-from; at least one."""
    if files_from is not None:
        if files_from == STDIN and STDIN in paths:
            raise UsageError("standard input can hold a letter ('-') or the list of --files-from -, not both")
        paths = [*paths, *read_path_list(files_from)]
        if not paths:
            raise UsageError(f"--files-from {files_from} lists no paths")
    if not paths:
        raise UsageError("name the letters to lint: PATH ... or --files-from FILE")
    return paths


def cache_directory(cache_dir: str | None) -> str:
    """--cache-dir, else the default (imrlint.lint.cache.default_directory)."""
    from imrlint.lint.cache import default_directory

    return cache_dir or str(default_directory())


def run_cache(args: argparse.Namespace):
    """The cache of a check run (grammars kept there too), or None: under --no-cache, for a run
    on a Dask cluster (its workers do not share this machine's cache), while fixing letters, or
    when the directory cannot be used.  A run on a Dask cluster cannot fix letters (its workers
    would have to write them): refused here, before anything is linted."""
    fixing = getattr(args, "fix", False) or getattr(args, "diff", False)
    if args.dask and fixing:
        raise UsageError("--dask lints on a cluster's workers, which do not write letters; fix them without --dask")
    if args.no_cache or args.dask or fixing:
        return None
    from imrlint.lint.cache import LetterCache
    from imrlint.parsing.grammars import use_grammar_cache

    cache = LetterCache.open(cache_directory(args.cache_dir))
    if cache is not None:
        use_grammar_cache(cache.root / "grammars")
    return cache


def run_cache_command(args: argparse.Namespace) -> int:
    """``imrlint cache dir`` prints the cache directory; ``imrlint cache clean`` removes it."""
    from imrlint.lint.cache import clean
    from imrlint.report.base import printable

    directory = cache_directory(args.cache_dir)
    if args.action == "dir":
        print(printable(directory))
        return 0
    if clean(directory):
        print(f"imrlint: removed the cache {printable(directory)}", file=sys.stderr)
    elif os.path.lexists(directory):
        raise UsageError(f"{directory} is not a cache imrlint made (it has no CACHEDIR.TAG of imrlint's); not removed")
    return 0
