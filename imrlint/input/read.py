"""Reading: bytes on disk (or stdin) to a decoded Document, or a problem that says why not.

A file that cannot be linted is never an exception for the caller: it becomes an InputProblem,
which the engine reports as a finding of one of the input rules (unreadable-file, binary-file,
empty-letter, file-too-large, not-utf8, unreadable-document), so the other files are still linted.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from imrlint.input.document import Document

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
TEXT_SUFFIXES = (".txt",)
PDF_SUFFIXES = (".pdf",)
DOCX_SUFFIXES = (".docx",)
LETTER_SUFFIXES = TEXT_SUFFIXES + PDF_SUFFIXES + DOCX_SUFFIXES

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

STDIN = "-"
"""The path that means "the letter piped on standard input"."""
STDIN_NAME = "<stdin>"
"""The name of a letter read from stdin when --stdin-filename does not give one (read as text)."""


@dataclass(frozen=True)
class InputProblem:
    """Why a file could not be read as a letter, or was read with a caveat.

    ``rule`` is the name of the input rule that reports it; ``offset`` locates it in the decoded
    text when there is one (an undecodable byte), else it points at the start of the file.
    """

    rule: str
    message: str
    offset: int = 0


@dataclass(frozen=True)
class ReadResult:
    """A file as read: its document (None when it could not be read) and what was wrong with it."""

    document: Document | None
    problems: tuple[InputProblem, ...] = ()


_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _special_file(mode: int) -> InputProblem | None:
    """The problem of a file that is not a regular file (nor a directory), else None."""
    for test, kind in _SPECIAL_KINDS:
        if test(mode):
            return InputProblem("special-file", f"{kind}, not a letter file: skipped, not read")
    return None


Extract = Callable[[str, bytes, int | None, Callable[[bytes, int | None], Any]], Any]
"""How a PDF's or Word file's text is extracted: ``extract(kind, data, max_chars, extractor)``
returns ``extractor(data, max_chars)`` (or what a cache kept of it)."""


def read_path(
    path: str, display_path: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, *, extract: Extract | None = None
) -> ReadResult:
    """Read the letter at ``path``; ``display_path`` is the name used in findings."""
    data = read_file(path, max_bytes)
    if isinstance(data, ReadResult):
        return data
    return read_bytes(data, display_path or path, max_bytes=max_bytes, extract=extract)


def read_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes | ReadResult:
    """The bytes of the file at ``path``, or the problem that kept it from being read."""
    try:
        # a FIFO would block the open and a device the read: looked at before it is opened, and
        # opened without waiting (in case it was swapped for one meanwhile)
        special = _special_file(os.stat(path).st_mode)
        if special is not None:
            return ReadResult(None, (special,))
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as handle:
            status = os.fstat(descriptor)
            special = _special_file(status.st_mode)
            if special is not None:
                return ReadResult(None, (special,))
            if stat.S_ISDIR(status.st_mode):
                return ReadResult(None, (InputProblem("unreadable-file", "is a directory, not a letter"),))
            size = status.st_size
            if size > max_bytes:
                return ReadResult(
                    None,
                    (
                        InputProblem(
                            "file-too-large", f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (--max-bytes)"
                        ),
                    ),
                )
            # read(n) allocates n bytes up front: ask for the size just measured (plus one byte,
            # to notice a file that grew meanwhile) rather than for the 10 MB limit
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(max_bytes + 1 - len(data))
    except IsADirectoryError:
        return ReadResult(None, (InputProblem("unreadable-file", "is a directory, not a letter"),))
    except OSError as error:
        return ReadResult(None, (InputProblem("unreadable-file", f"cannot read file: {error.strerror or error}"),))
    return data


def read_stdin(max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes piped on standard input: at most ``max_bytes + 1`` of them, enough for
    :func:`read_bytes` to report input over the limit.  A closed stdin reads as empty; an I/O
    error is raised as OSError."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        return b""
    return stream.read(max_bytes + 1)


def read_bytes(
    data: bytes, path: str, max_bytes: int = DEFAULT_MAX_BYTES, *, extract: Extract | None = None
) -> ReadResult:
    """Decode ``data`` (the content of ``path``) into a Document, choosing the reader by suffix;
    ``extract`` extracts a PDF's or Word file's text (a cache's; default: the reader itself)."""
    if len(data) > max_bytes:
        return ReadResult(
            None, (InputProblem("file-too-large", f"file is over the {max_bytes:,}-byte limit (--max-bytes)"),)
        )
    lower = path.lower()
    if not data and lower.endswith(PDF_SUFFIXES + DOCX_SUFFIXES):
        return ReadResult(None, (InputProblem("empty-letter", "the file is empty (0 bytes)"),))
    if lower.endswith(PDF_SUFFIXES):
        return _read_extracted(data, path, "pdf", "page", max_bytes, extract)
    if lower.endswith(DOCX_SUFFIXES):
        return _read_extracted(data, path, "docx", "paragraph", max_bytes, extract)
    return _read_text(data, path)


def _read_text(data: bytes, path: str) -> ReadResult:
    if data.startswith(_UTF16_BOMS):
        try:
            return _checked_text(Document(path, data.decode("utf-16").lstrip("\ufeff")), ())
        except UnicodeDecodeError as error:
            # read all the same, each bad byte replaced: a letter is linted, never skipped
            text = data.decode("utf-16", errors="replace").lstrip("\ufeff")
            offset = len(data[: error.start].decode("utf-16", errors="replace").lstrip("\ufeff"))
            problem = InputProblem(
                "not-utf8",
                f"not valid UTF-16 (byte {error.start}); read with the bad bytes replaced - save the letter as UTF-8",
                offset,
            )
            return _checked_text(Document(path, text), (problem,))
    if _looks_binary(data):
        return ReadResult(
            None, (InputProblem("binary-file", "binary data, not a text letter (NUL bytes or control characters)"),)
        )
    try:
        text = data.decode("utf-8-sig")
        problems: tuple[InputProblem, ...] = ()
    except UnicodeDecodeError as error:
        text = data.decode("cp1252", errors="replace")
        prefix_offset = len(data[: error.start].decode("cp1252", errors="replace"))
        problems = (
            InputProblem(
                "not-utf8",
                f"not valid UTF-8 (byte 0x{data[error.start]:02x}); read as Windows-1252 - save the letter as UTF-8",
                prefix_offset,
            ),
        )
    return _checked_text(Document(path, text), problems)


def _checked_text(document: Document, problems: tuple[InputProblem, ...]) -> ReadResult:
    if not document.text.strip():
        return ReadResult(None, (*problems, InputProblem("empty-letter", "the letter is empty")))
    return ReadResult(document, problems)


_CONTROL_BYTES = bytes(byte for byte in range(32) if byte not in (9, 10, 12, 13))
_NOT_CONTROL_BYTES = bytes(byte for byte in range(256) if byte not in _CONTROL_BYTES)


def _looks_binary(data: bytes) -> bool:
    """NUL bytes anywhere, or many control characters in the first 8 KB."""
    if b"\x00" in data:
        return True
    sample = data[:8192]
    controls = len(sample.translate(None, _NOT_CONTROL_BYTES))
    return bool(sample) and controls / len(sample) > 0.05


def _read_extracted(
    data: bytes, path: str, kind: str, unit_kind: str, max_bytes: int, extract: Extract | None
) -> ReadResult:
    """A PDF's or DOCX's text, bounded as a text file is: at most ``max_bytes`` characters."""
    from imrlint.input.extracted import ExtractionError

    try:
        if kind == "pdf":
            from imrlint.input.pdf import extract_pdf as extractor
        else:
            from imrlint.input.docx import extract_docx as extractor
        extracted = extract(kind, data, max_bytes, extractor) if extract is not None else extractor(data, max_bytes)
    except ExtractionError as error:
        rule = "file-too-large" if error.kind == "too-large" else "unreadable-document"
        return ReadResult(None, (InputProblem(rule, error.message),))
    units = tuple(zip(extracted.unit_starts, extracted.unit_labels, strict=False))
    return _checked_text(Document(path, extracted.text, kind=kind, unit_kind=unit_kind, units=units), ())
