"""Text extraction from PDF letters with pypdf.

The text is built exactly as the reference corpus was: ``page.extract_text()`` for every page,
pages joined with one ``"\\n"``. Rules and fixtures written against the corpus text therefore see
the same characters, line breaks and spacing when the linter reads the published PDF itself
(docs/pdf-extraction.md records the comparison with pdfminer.six behind this choice).

The DWC publishes its letters encrypted with an empty user password, so every file is decrypted
with ``""`` before reading; any other password is reported, never guessed.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

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
