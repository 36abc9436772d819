"""Text extraction from DOCX letters with python-docx.

Letters are drafted in Word before they are published as PDF, so the linter can check a draft
directly. The body is read in document order, tables included: a letter's header block
(case number, dates, priority) is often laid out as a table, and skipping tables would make
those fields look missing. Each paragraph is one unit, so a finding can name the paragraph it
is in. A paragraph reads as Word shows it with tracked changes accepted: inserted text is read,
deleted text is not; tabs stay tabs, line and page breaks inside a paragraph are line breaks.
Numbering of list paragraphs is Word's rendering, not text, and is not read. Headers, footers,
comments and text boxes are not part of the letter's body and are not read.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from imrlint.input.extracted import Extracted, ExtractionError, exception_summary

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph


class _Container(Protocol):
    """A document body, a table cell: what holds paragraphs and tables in document order."""

    def iter_inner_content(self) -> Iterator[Paragraph | Table]: ...


__all__ = ["LABEL_WORDS", "Extracted", "ExtractionError", "extract_docx"]

LABEL_WORDS = 6
"""How many leading words of a paragraph name it in messages."""

_INSTALL_HINT = "pip install 'imrlint[docx]'"


def _table_paragraph_texts(table: Table) -> Iterator[str]:
    """Texts of the paragraphs in ``table``, row by row, each cell left to right.

    python-docx returns a merged cell once for every grid column and row it spans; each cell's
    XML element is read only the first time it is met, so merged text appears once.
    """
    seen = set()
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            yield from _paragraph_texts(cell)


def _paragraph_texts(container: _Container) -> Iterator[str]:
    """Texts of the paragraphs in ``container`` in document order, descending into tables."""
    from docx.text.paragraph import Paragraph

    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield "".join(_run_texts(block._p))
        else:
            yield from _table_paragraph_texts(block)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# What a run's content elements read as: text, a tab, a line, page or column break (each a line
# break: a page break must not join the words either side of it), a non-breaking hyphen; a soft
# hyphen is invisible unless Word breaks the line there.
_RUN_CONTENT = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-", f"{_W}softHyphen": ""}
# Containers of runs inside a paragraph whose text is the paragraph's: tracked insertions and moves,
# hyperlinks, smart tags, content controls, simple fields.  Deleted and moved-away text (w:del,
# w:moveFrom), field codes (w:instrText) and drawings or text boxes inside runs are not read.
_RUN_CONTAINERS = {
    f"{_W}{tag}"
    for tag in ("ins", "moveTo", "hyperlink", "smartTag", "sdt", "sdtContent", "fldSimple", "customXml", "dir", "bdo")
}


def _run_texts(element) -> Iterator[str]:
    """The visible text of a paragraph element, as Word shows it with its changes accepted."""
    for child in element:
        tag = child.tag
        if tag == f"{_W}r":
            for content in child:
                if content.tag == f"{_W}t":
                    yield content.text or ""
                elif content.tag in _RUN_CONTENT:
                    yield _RUN_CONTENT[content.tag]
        elif tag in _RUN_CONTAINERS:
            yield from _run_texts(child)


def _label(paragraph: str) -> str:
    """The first :data:`LABEL_WORDS` words of ``paragraph``, single-spaced."""
    return " ".join(paragraph.split()[:LABEL_WORDS])


def _check_expanded_size(data: bytes, limit: int) -> None:
    """Refuse a document whose parts expand to more than ``limit`` bytes, before any is read:
    a 2 MB .docx can hold a gigabyte of XML.  (Reading a part stops at its declared size.)"""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            expanded = sum(member.file_size for member in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: python-docx says so
    if expanded > limit:
        raise ExtractionError(
            "too-large",
            f"the DOCX file's parts expand to {expanded:,} bytes, over the {limit:,}-byte limit (--max-bytes)",
        )


def extract_docx(data: bytes, max_chars: int | None = None) -> Extracted:
    """Return the text of the DOCX in ``data``, one unit per paragraph labelled by its first words.

    Paragraphs inside tables count as paragraphs, in row order. A line break inside a
    paragraph (Shift+Enter in Word) stays a ``"\\n"`` within that paragraph's text.

    Raises :class:`ExtractionError` with kind ``missing-extra`` when python-docx is not
    installed, ``no-text`` when the body has no text, ``too-large`` when the document's parts
    expand to more than ``max_chars`` bytes (then nothing is read, and the text, never longer
    than its XML, is bounded too), and ``corrupt`` when ``data`` is not a readable Word
    document (not a zip, a zip of something else, damaged XML). No other exception escapes.
    """
    try:
        import docx
    except ImportError as exc:
        raise ExtractionError(
            "missing-extra",
            f"reading DOCX files needs python-docx; install it with {_INSTALL_HINT}",
        ) from exc

    if max_chars is not None:  # the text is never longer than the XML it is read from
        _check_expanded_size(data, max_chars)
    try:
        paragraphs = list(_paragraph_texts(docx.Document(io.BytesIO(data))))
    except Exception as exc:
        raise ExtractionError("corrupt", f"not a readable DOCX file ({exception_summary(exc)})") from exc

    if not any(paragraph.strip() for paragraph in paragraphs):
        raise ExtractionError("no-text", "the DOCX file has no text in its body")
    return Extracted.from_units(paragraphs, [_label(paragraph) for paragraph in paragraphs])
