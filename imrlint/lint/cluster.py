"""Linting on a Dask cluster (``imrlint check --dask tcp://scheduler:8786``).

The letters are shared out in chunks to the cluster's workers and their reports come back in
input order, so the report is byte for byte the one ``--jobs 1`` writes.  What applies to each
letter is settled here, where the run started: each letter's configuration (found from its path
on this machine, or the current directory's for a URL) and the linter it makes are sent once to
the cluster and reused for every chunk; the workers only read and lint.  A worker reads a letter
where it is: a local path (made absolute here, so the workers must see the same file system,
such as a shared mount) or an fsspec URL (``s3://bucket/letters/``; the worker needs the
backend), so an archive in an object store goes from the store to the workers and never through
this machine.  At most a few chunks per worker are in flight, so memory stays flat.

A chunk the cluster cannot lint (a worker lost, a task that failed) is linted here, with a
warning; the report is the same.
"""

from __future__ import annotations

import collections
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from imrlint.errors import UsageError
from imrlint.lint.discovery import Target, is_url, letter_path
from imrlint.lint.worker import IN_FLIGHT_PER_JOB, LintOptions, _apply, _local, lint_one

if TYPE_CHECKING:
    from imrlint.lint.linter import FileReport

CONNECT_TIMEOUT = "30s"
CHUNK_SIZE = 32  # letters per task: a cluster's scheduler and network cost more per task than a local pool


def _client(address: str):
    """A client of the scheduler at ``address``; a clear error when dask is missing or the
    scheduler cannot be reached."""
    try:
        from distributed import Client
    except ImportError as error:
        raise UsageError("--dask needs dask.distributed: pip install 'imrlint[dask]'") from error
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except Exception as error:
        raise UsageError(
            f"--dask {address}: cannot reach the Dask scheduler ({type(error).__name__}: {error})"
        ) from error


def _where(path: str) -> str:
    """Where a worker reads ``path``: a URL as it is, a local path made absolute."""
    return path if is_url(path) else os.path.abspath(path)


def _lint_chunk(linter, letters: list[tuple[str, str]], options: LintOptions) -> list[FileReport]:
    """Run on a worker: lint each (where, display path) with ``linter``."""
    _apply(linter, options)
    return [lint_one(_Located(linter, where), shown, options) for where, shown in letters]


class _Located:
    """A linter that reads the letter it is asked for by name at ``where`` (an absolute path or
    a URL), so that its report and any failure name the letter as it was given."""

    def __init__(self, linter, where: str):
        self.linter, self.where = linter, where
        self.rule_set = linter.rule_set
        self.show_traceback = linter.show_traceback
        self.by_name = linter.by_name

    def lint_path(self, shown: str) -> FileReport:
        return self.linter.lint_path(self.where, shown)


def lint_on_cluster(
    paths: Iterable[Target],
    linter,
    address: str,
    *,
    options: LintOptions,
    local: Callable[[Target], FileReport | None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[FileReport]:
    """One FileReport per path, in input order, linted on the cluster at ``address``."""
    client = _client(address)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        yield from _lint(client, paths, linter, options, _local(local, options), chunk_size, workers)
    finally:
        client.close()


def _engine(linter, path: str):
    """The Linter (of a session: the one for ``path``'s configuration) that lints ``path``."""
    return linter.linter_for(path) if hasattr(linter, "linter_for") else linter


def _lint(client, paths, linter, options, local, chunk_size: int, workers: int) -> Iterator[FileReport]:
    _apply(linter, options)
    sent: dict[int, Any] = {}  # id of a Linter -> its future on the cluster
    pending: collections.deque = collections.deque()
    limit = workers * IN_FLIGHT_PER_JOB
    chunk: list[tuple[str, str]] = []
    chunk_engine = None

    def submit() -> None:
        nonlocal chunk
        if chunk:
            engine_key = id(chunk_engine)
            if engine_key not in sent:
                sent[engine_key] = client.scatter(chunk_engine, broadcast=True, hash=False)
            future = client.submit(_lint_chunk, sent[engine_key], chunk, options, pure=False)
            pending.append((chunk_engine, chunk, future))
            chunk = []

    for path in paths:
        report = local(path) if local is not None else None
        if report is not None:
            submit()
            pending.append((None, None, report))
        else:
            name = letter_path(path)
            engine = _engine(linter, name)
            if engine is not chunk_engine:
                submit()
                chunk_engine = engine
            chunk.append((_where(name), name))
            if len(chunk) == chunk_size:
                submit()
        while len(pending) >= limit:
            yield from _collect(pending.popleft(), options)
    submit()
    while pending:
        yield from _collect(pending.popleft(), options)


_WARNED: list[bool] = []


def _collect(entry, options: LintOptions) -> list[FileReport]:
    engine, chunk, outcome = entry
    if chunk is None:
        return [outcome]
    try:
        return outcome.result()
    except Exception as error:
        if not _WARNED:
            _WARNED.append(True)
            print(
                f"imrlint: warning: the Dask cluster could not lint some letters ({type(error).__name__}); linting "
                "them here",
                file=sys.stderr,
            )
    return _lint_chunk(engine, chunk, options)
