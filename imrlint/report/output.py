"""Where a report goes: standard output, or a file written atomically (--output-file).

The report is written to a temporary file in the destination's directory, flushed and fsynced,
then renamed over the destination (os.replace), so a reader sees either the previous file or the
complete new report, never a half-written one.  If anything fails before the rename — a crash in a
reporter, Ctrl-C — the temporary file is removed and any previous file is left untouched.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import TextIO


@contextlib.contextmanager
def atomic_output(path: str, encoding: str = "utf-8") -> Iterator[TextIO]:
    """A text stream whose content replaces ``path`` only when the block completes."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _set_mode(temporary, path)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _set_mode(temporary: str, path: str) -> None:
    """mkstemp creates files 0600; give the report the mode of the file it replaces, or the
    usual mode of a new file (0666 less the umask)."""
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with contextlib.suppress(OSError):
        os.chmod(temporary, mode)


def _fsync_directory(directory: str) -> None:
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@contextlib.contextmanager
def report_output(path: str | None) -> Iterator[TextIO]:
    """``path`` written atomically, or standard output when ``path`` is None or '-'."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_output(path) as stream:
        yield stream
