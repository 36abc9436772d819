"""Text extraction from PDF letters with pypdf.

The text is built exactly as the reference corpus was: ``page.extract_text()`` for every page,
pages joined with one ``"\\n"``. Rules and fixtures written against the corpus text therefore see
the same characters, line breaks and spacing when the linter reads the published PDF itself
(docs/pdf-extraction.md records the comparison with pdfminer.six and PDFium behind this choice).

The DWC publishes its letters encrypted with an empty user password, so every file is decrypted
with ``""`` before reading; any other password is reported, never guessed.

A page's content stream is split into operations by :func:`_content_operations` rather than by
pypdf's byte-at-a-time parser (about 40% of pypdf's extraction time on these letters); pypdf's
text extraction then runs on exactly the operations its own parser gives, so the text is
unchanged (docs/pdf-extraction.md).
"""

from __future__ import annotations

import functools
import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from imrlint.input.extracted import Extracted, ExtractionError, TextLimit, exception_summary

__all__ = ["MAX_PAGES", "Extracted", "ExtractionError", "extract_pdf"]

MAX_PAGES = 100
"""Longest PDF read. IMR letters run 2 to 6 pages; a file far beyond that is not a letter and
could keep the linter busy for minutes, so it is rejected as ``corrupt``."""

_HEADER_WINDOW = 1024
"""Bytes searched for the ``%PDF-`` header; readers accept junk before it up to this offset."""

_INSTALL_HINT = "pip install 'imrlint[pdf]'"


@contextmanager
def _pypdf_logging_silenced() -> Iterator[None]:
    """Keep pypdf's log records off the terminal while the block runs.

    pypdf logs a warning for every robustness fix it applies to a non-compliant file ("EOF
    marker not found", "invalid pdf header", ...). With no logging configured, Python prints
    those on stderr, where they would interleave with the linter's own report. The reader
    reports what matters through :class:`ExtractionError`, so the records are dropped and the
    logger's level is restored afterwards for any host application that configured it.
    """
    logger = logging.getLogger("pypdf")
    previous = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(previous)


class _TextLimitReached(BaseException):
    """Raised from pypdf's text visitor to stop extraction at the limit (a BaseException: pypdf
    catches Exception around form XObjects and would go on)."""

    def __init__(self, error: ExtractionError):
        super().__init__(error.message)
        self.error = error


_SPACE = rb"[\x00\t\n\x0c\r ]*+"
"""What pypdf skips between the tokens of a content stream (PDF white-space)."""

_NUMBER = rb"(?=[+\-.0-9]{1,19}(?![+,\-.0-9]).)"
"""A number as pypdf reads it in one piece: at most 19 characters, followed by one that is not
part of a number (at the end of the stream, or when longer, pypdf reads a number another way)."""

_INTEGER = _NUMBER + rb"[+-]?[0-9]++(?![\t\n\x0b\x0c\r ]+[0-9]+[\t\n\x0b\x0c\r ]+R[^a-zA-Z])(?![+,\-.0-9])"
"""An integer that does not start an indirect reference (``1 0 R``, which pypdf rejects in a
content stream)."""

_REAL = _NUMBER + rb"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?![+,\-.0-9])"

_STRING = rb"\((?:[^()\\]|\\[nrtbf()\\]|\\[0-3][0-7][0-7])*+\)"
"""A literal string without nested parentheses whose escapes are the standard ones (PDF 32000-1,
7.3.4.2), octal ones with three digits."""

_HEX_STRING = rb"<(?!<)[0-9A-Fa-f\x00\t\n\x0c\r ]*+>"

_NAME = rb"/[!\"$&'*+,\-.0-9:;=?@A-Z\\^-z|~]{0,100}(?=[\s()<>\[\]{}/%])"
"""A name without ``#`` escapes, in printable ASCII."""

_DICTIONARY = (
    rb"<<" + _SPACE + rb"(?:" + _NAME + _SPACE + rb"(?:" + _INTEGER + rb"|" + _NAME + rb")" + _SPACE + rb")*+>>"
    rb"(?!" + _SPACE + rb"s)"
)
"""A dictionary of names and integers or names (a marked-content property list such as
``<</MCID 3>>``), not followed by what pypdf would read as the start of stream data."""

_OPERATOR = rb"[A-Za-z'\"][^\s()<>\[\]{}/%]{0,14}(?![^\s()<>\[\]{}/%])"
"""An operator pypdf reads in its first 16 bytes (it stops at a longer one)."""

_TOKEN = rb"|".join((_INTEGER, _REAL, _STRING, _HEX_STRING, _NAME, _DICTIONARY, rb"\[", rb"\]", _OPERATOR))
_TOKENS = re.compile(_TOKEN, re.DOTALL)
_PLAIN_STREAM = re.compile(_SPACE + rb"(?:(?:" + _TOKEN + rb")" + _SPACE + rb")*+", re.DOTALL)
"""A content stream made only of the tokens above, which :func:`_content_operations` reads."""

_DICTIONARY_ENTRY = re.compile(rb"(/[^\s()<>\[\]{}/%]*)[\x00\t\n\x0c\r ]*([^\s()<>\[\]{}/%]+|/[^\s()<>\[\]{}/%]*)")
_WHITESPACE = re.compile(rb"[\x00\t\n\x0c\r ]+")
_ESCAPE = re.compile(rb"\\([nrtbf()\\]|[0-7]{3})")
_ESCAPED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _unescaped(match: re.Match[bytes]) -> bytes:
    code = match[1]
    return _ESCAPED.get(code) or bytes((int(code, 8),))


_NUMERAL, _LITERAL, _OPERATOR_KIND, _OPEN, _CLOSE, _OTHER = "numeral", "literal", "operator", "[", "]", "other"
_TOKEN_KIND = [_OTHER] * 256
"""The kind of a token of ``_TOKENS``, by its first byte."""
for _byte in b"+-.0123456789":
    _TOKEN_KIND[_byte] = _NUMERAL
for _byte in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'\"":
    _TOKEN_KIND[_byte] = _OPERATOR_KIND
_TOKEN_KIND[ord("(")], _TOKEN_KIND[ord("[")], _TOKEN_KIND[ord("]")] = _LITERAL, _OPEN, _CLOSE


class _LeftToPypdf(Exception):
    """A content stream with a construct whose parse is left to pypdf (an inline image, a comment,
    a nested string, an operand of another kind)."""


def _content_operations(data: bytes) -> list[tuple[list[Any], bytes]]:
    """The operations of the content stream ``data``, exactly as pypdf's ``ContentStream`` parses
    them: the same operators, and operands of the same pypdf types and values.

    A stream made only of the tokens text and marked content are written with (numbers, literal
    and hexadecimal strings, names, arrays, dictionaries of names and integers, operators) is
    split into them by one regular expression, which a second one has checked covers the whole
    stream.  Raises :class:`_LeftToPypdf` for any other stream: pypdf parses it itself.
    """
    from pypdf._configuration import get_configuration
    from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, FloatObject, NameObject, NumberObject

    configuration = get_configuration()
    if len(data) >= configuration.stream_parsing_work_maximum_count:
        raise _LeftToPypdf  # pypdf's parser counts tokens against this budget and stops there
    if _PLAIN_STREAM.fullmatch(data) is None:
        raise _LeftToPypdf

    def operand(token: bytes) -> Any:
        """A name, dictionary, hexadecimal string or (in a dictionary) integer."""
        first = token[0]
        if first == 0x2F:  # /
            return NameObject(token.decode("ascii"))
        if first == 0x3C:  # <
            if token[1] == 0x3C:
                entries = _DICTIONARY_ENTRY.findall(token)
                dictionary = DictionaryObject(
                    (NameObject(key.decode("ascii")), operand(value)) for key, value in entries
                )
                if len(dictionary) < len(entries):
                    raise _LeftToPypdf  # pypdf warns of a key given twice
                return dictionary
            digits = _WHITESPACE.sub(b"", token[1:-1])
            return ByteStringObject(bytes.fromhex((digits + b"0" if len(digits) % 2 else digits).decode("ascii")))
        if b"." in token:
            return float.__new__(FloatObject, float(token))
        return int.__new__(NumberObject, int(token))

    operations: list[tuple[list[Any], bytes]] = []
    operands: list[Any] = []
    arrays: list[list[Any]] = []  # the arrays open, innermost last
    float_new, int_new = float.__new__, int.__new__
    for token in _TOKENS.findall(data):
        kind = _TOKEN_KIND[token[0]]
        if kind is _NUMERAL:
            operands.append(
                float_new(FloatObject, float(token)) if b"." in token else int_new(NumberObject, int(token))
            )
        elif kind is _LITERAL:
            inner = token[1:-1]
            operands.append(ByteStringObject(_ESCAPE.sub(_unescaped, inner) if b"\\" in inner else inner))
        elif kind is _OPERATOR_KIND:
            if arrays or token == b"BI":
                raise _LeftToPypdf  # true, false or null in an array; an inline image's data
            operations.append((operands, token))
            operands = []
        elif kind is _OPEN:
            arrays.append(operands)
            operands = ArrayObject()
        elif kind is _CLOSE:
            if not arrays or len(operands) > configuration.array_maximum_element_count:
                raise _LeftToPypdf  # pypdf stops at an unopened or oversized array
            array = operands
            operands = arrays.pop()
            operands.append(array)
        else:
            operands.append(operand(token))
    if arrays:
        raise _LeftToPypdf
    return operations


@functools.cache
def _parsed_content_stream() -> type:
    """pypdf's ``ContentStream`` holding operations parsed beforehand and the bytes they come
    from (defined on first use: pypdf is imported only when a PDF is read)."""
    from pypdf.generic import ContentStream

    class ParsedContentStream(ContentStream):
        def __init__(self, data: bytes, operations: list[tuple[list[Any], bytes]], reader: Any):
            super().__init__(None, reader, "bytes")
            self._parsed = operations
            self._bytes = data

        @property
        def operations(self) -> list[tuple[Any, bytes]]:
            return self._parsed

        @operations.setter
        def operations(self, operations: list[tuple[Any, bytes]]) -> None:
            self._parsed = operations

        def get_data(self) -> bytes:
            return self._bytes

    return ParsedContentStream


def _parse_contents_ahead(page: Any, reader: Any) -> None:
    """Give ``page`` its content stream already split into operations, as pypdf would split it,
    so that ``extract_text`` does not parse it byte by byte; a page whose stream has anything
    unusual is left as it is, for pypdf to read (and report) in its own way."""
    from pypdf.generic import ContentStream, NameObject

    try:
        contents = page["/Contents"].get_object()
        stream = contents if isinstance(contents, ContentStream) else ContentStream(contents, reader, "bytes")
        data = stream.get_data()
        operations = _content_operations(data)
    except Exception:  # pypdf meets the same stream again, and reports it in its own words
        return
    page[NameObject("/Contents")] = _parsed_content_stream()(data, operations, reader)


def _page_text(page, limit: TextLimit) -> str:
    """A page's text, counted against ``limit`` as pypdf produces it."""

    def count(text, *_) -> None:
        try:
            limit.add(len(text))
        except ExtractionError as error:
            raise _TextLimitReached(error) from None

    try:
        return page.extract_text(visitor_text=count) if limit.limit is not None else page.extract_text()
    except _TextLimitReached as reached:
        raise reached.error from None


def extract_pdf(data: bytes, max_chars: int | None = None) -> Extracted:
    """Return the text of the PDF in ``data``, one unit per page labelled "1", "2", ...

    Raises :class:`ExtractionError` with kind ``missing-extra`` when pypdf (or the
    ``cryptography`` package it needs for AES) is not installed, ``encrypted`` when the empty
    password does not open the file or its encryption method is unsupported, ``no-text`` when
    no page has extractable text, ``too-large`` as soon as the text passes ``max_chars``
    characters, and ``corrupt`` for data without a ``%PDF-`` header, anything pypdf cannot
    read, or a file of more than :data:`MAX_PAGES` pages. No other exception escapes; pypdf's
    log warnings are suppressed while it runs.
    """
    try:
        from pypdf import PasswordType, PdfReader
        from pypdf.errors import DependencyError
    except ImportError as exc:
        raise ExtractionError(
            "missing-extra", f"reading PDF files needs pypdf; install it with {_INSTALL_HINT}"
        ) from exc

    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise ExtractionError("corrupt", "not a PDF file (no %PDF- header at its start)")
    with _pypdf_logging_silenced():
        try:
            try:
                reader = PdfReader(io.BytesIO(data))
            except NotImplementedError as exc:
                detail = exception_summary(exc)
                raise ExtractionError(
                    "encrypted", f"the PDF uses an encryption method pypdf cannot open ({detail})"
                ) from exc
            if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                raise ExtractionError(
                    "encrypted",
                    "the PDF is password-protected; save an unprotected copy and lint that",
                )
            page_count = len(reader.pages)
            if page_count > MAX_PAGES:
                raise ExtractionError(
                    "corrupt",
                    f"the PDF has {page_count} pages, more than the {MAX_PAGES} a letter can have",
                )
            limit = TextLimit(max_chars, "the PDF's text")
            pages = []
            for page in reader.pages:
                _parse_contents_ahead(page, reader)
                pages.append(_page_text(page, limit))
                limit.add(1)  # the line break between pages
        except ExtractionError:
            raise
        except DependencyError as exc:
            raise ExtractionError(
                "missing-extra",
                f"this PDF is AES-encrypted and needs the cryptography package; install it with {_INSTALL_HINT}",
            ) from exc
        except Exception as exc:
            detail = exception_summary(exc)
            raise ExtractionError("corrupt", f"not a readable PDF ({detail})") from exc

    if not any(page.strip() for page in pages):
        raise ExtractionError(
            "no-text",
            "the PDF has no text layer (a scanned image?); run OCR on it or lint the source document",
        )
    return Extracted.from_units(pages, [str(number) for number in range(1, page_count + 1)])
