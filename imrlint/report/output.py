"""Where a report goes: standard output, or a file (--output-file, and the baseline file).

What ``-o FILE`` does depends on what FILE is:

- a regular file, or a name not yet taken: the report is written to a temporary file in the
  same directory, flushed and fsynced, then renamed over FILE (os.replace), so a reader sees
  either the previous file or the complete new report, never a half-written one.  If anything
  fails before the rename — a crash in a reporter, Ctrl-C, SIGTERM — the temporary file is
  removed and any previous file is left untouched.  The report gets FILE's mode (a new file:
  0666 less the umask);
- a symbolic link: the same, at the file the link points to; the link stays a link;
- a device, a FIFO, or an open descriptor (``/dev/stdout``, ``/dev/fd/N``): written to directly,
  never replaced;
- a directory or a socket, a file in a directory that does not exist or cannot be written: a
  one-line :class:`OutputError`, before any letter is linted;
- one of the letters being linted: an :class:`OutputError` as the letter is reached, before it is
  read; the report is not written.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

# /dev/stdout leads (through symbolic links) to one of these: an open descriptor of this process,
# whatever file it is, written where it is
_DESCRIPTOR = re.compile(r"/(?:dev|proc/(?:self|thread-self|\d+))/fd/\d+")
_MAX_LINKS = 40  # as the kernel's limit on links followed in one lookup

P = TypeVar("P")


class OutputError(Exception):
    """A report (or baseline) that cannot be written where asked: one line, exit status 2."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"cannot write {path}: {reason}")
        self.reason = reason


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _through_descriptor(path: str) -> bool:
    """Whether ``path`` is, or links to, an open descriptor (/dev/stdout, /dev/fd/1)."""
    current = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        if _DESCRIPTOR.fullmatch(current):
            return True
        if not os.path.islink(current):
            return False
        current = os.path.join(os.path.dirname(current), os.readlink(current))
        current = os.path.abspath(current)
    return False


def output_target(path: str) -> tuple[str, bool]:
    """(where to write, whether to replace it atomically) for ``-o path``; raises OutputError
    for a destination that cannot take a report."""
    if _through_descriptor(path):
        return path, False
    try:
        status = os.stat(path)
    except FileNotFoundError:
        target = os.path.realpath(path)  # a new file, or the missing target of a link
        if not os.path.isdir(os.path.dirname(target)):
            raise OutputError(path, f"the directory {os.path.dirname(target)} does not exist") from None
        return target, True
    except OSError as error:
        raise OutputError(path, _reason(error)) from None
    if stat.S_ISDIR(status.st_mode):
        raise OutputError(path, "it is a directory")
    if stat.S_ISSOCK(status.st_mode):
        raise OutputError(path, "it is a socket")
    if stat.S_ISREG(status.st_mode):
        return os.path.realpath(path), True
    return path, False  # a device or a FIFO: never replaced


@contextlib.contextmanager
def atomic_output(path: str, encoding: str = "utf-8", shown: str | None = None) -> Iterator[TextIO]:
    """A text stream whose content replaces the file at ``path`` (no link, no special file) only
    when the block completes; errors name it ``shown`` (as the user named it)."""
    shown = shown or path
    directory = os.path.dirname(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise OutputError(shown, _reason(error)) from None
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="", errors="backslashreplace") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _set_mode(temporary, path)
        try:
            os.replace(temporary, path)
        except OSError as error:
            raise OutputError(shown, _reason(error)) from None
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
def _direct_output(path: str, encoding: str, shown: str) -> Iterator[TextIO]:
    """A device, FIFO or descriptor, written where it is (appending: a descriptor the shell
    opened with ``>`` is already empty, one opened with ``>>`` is to be added to)."""
    try:
        stream = open(path, "a", encoding=encoding, newline="", errors="backslashreplace")  # noqa: SIM115  (the caller's to close)
    except OSError as error:
        raise OutputError(shown, _reason(error)) from None
    with stream:
        yield stream


@contextlib.contextmanager
def file_output(path: str, encoding: str = "utf-8") -> Iterator[TextIO]:
    """A text stream to the file ``path`` names, written as the module docstring says."""
    target, atomic = output_target(path)
    with (atomic_output if atomic else _direct_output)(target, encoding, shown=path) as stream:
        yield stream


@contextlib.contextmanager
def report_output(path: str | None) -> Iterator[TextIO]:
    """``path`` written as :func:`file_output` does, or standard output when ``path`` is None or '-'."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    with file_output(path) as stream:
        yield stream


def _identity(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino) if stat.S_ISREG(status.st_mode) else None


def guard_outputs(paths: Iterable[P], outputs: dict[str, str]) -> Iterator[P]:
    """``paths`` (the letters to lint, and anything else the search reports in their place),
    stopping with an OutputError at a letter that is one of the files ``outputs`` would
    overwrite (path -> the option naming it, "-o")."""
    written: dict[tuple[int, int], str] = {}
    for output, option in outputs.items():
        identity = _identity(output)
        if identity is not None:
            written[identity] = f"{output} ({option})"
    for path in paths:
        if written and isinstance(path, str) and path != "-":
            letter = _identity(path)
            clash = written.get(letter) if letter is not None else None
            if clash is not None:
                raise OutputError(clash, "it is one of the letters being linted; write to another file")
        yield path
