"""The result and error types shared by the PDF and DOCX readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ERROR_KINDS = ("missing-extra", "encrypted", "no-text", "corrupt", "too-large")


class ExtractionError(Exception):
    """A document whose text cannot be extracted.

    ``kind`` lets the caller choose an exit status or hint without parsing the message:

    - ``missing-extra``: the optional library for this format is not installed;
    - ``encrypted``: the file needs a password other than the empty one, or uses an encryption
      method the reader cannot open;
    - ``no-text``: the file has no text layer (for example a scanned letter);
    - ``corrupt``: the file is damaged, is not of the expected format, or is implausibly large;
    - ``too-large``: its text, or the parts it expands to, are over the size limit the caller set.

    ``message`` is one line meant for the user, without the file name (the caller adds it).
    """

    def __init__(self, kind: str, message: str):
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown extraction error kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.message = message


def exception_summary(exc: BaseException) -> str:
    """Type and message of ``exc`` on one line, the detail part of a ``corrupt`` message.

    Library messages sometimes span lines; the user's report keeps one line per problem.
    """
    detail = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


@dataclass(frozen=True)
class Extracted:
    """A document's text with the positions of its pages (PDF) or paragraphs (DOCX).

    ``text`` is every unit's text joined with ``"\\n"``. ``unit_starts[i]`` is the offset in
    ``text`` where unit ``i`` begins and ``unit_labels[i]`` names it in messages: the page
    number for a PDF, the first words of the paragraph for a DOCX. Offsets let the linter map
    a finding back to the page or paragraph the user can find in the original file.
    """

    text: str
    unit_starts: tuple[int, ...]
    unit_labels: tuple[str, ...]

    @classmethod
    def from_units(cls, units: Sequence[str], labels: Sequence[str]) -> Extracted:
        """Join ``units`` with ``"\\n"`` and record where each one starts."""
        starts = []
        offset = 0
        for unit in units:
            starts.append(offset)
            offset += len(unit) + 1
        return cls("\n".join(units), tuple(starts), tuple(labels))


class TextLimit:
    """Counts the characters a reader extracts and stops it as soon as they pass ``limit``
    (None: no limit): a small file can expand to gigabytes of text."""

    def __init__(self, limit: int | None, what: str):
        self.limit = limit
        self.what = what
        self.count = 0

    def add(self, characters: int) -> None:
        self.count += characters
        if self.limit is not None and self.count > self.limit:
            raise ExtractionError(
                "too-large",
                f"{self.what} is over the {self.limit:,}-character limit (--max-bytes); extraction stopped there",
            )
