"""A text letter as its file holds it, to be changed and written back as it was: its encoding
(UTF-8, or UTF-16 with a byte-order mark), whether it opens with a byte-order mark, and its line
breaks (kept where they are: fixes change only the characters they name).

Only a file that decodes without error is changed: one read with replacement characters (not
UTF-8) would be written back with them."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass

from imrlint.report.output import atomic_output


@dataclass(frozen=True)
class TextFile:
    text: str  # the decoded text, without its byte-order mark: the text findings' positions count in
    encoding: str  # "utf-8", "utf-16-le" or "utf-16-be"
    bom: bool

    def encode(self, text: str) -> bytes:
        """``text`` in this file's encoding, with its byte-order mark if it had one."""
        return (("\ufeff" + text) if self.bom else text).encode(self.encoding)


def decode(data: bytes) -> TextFile | None:
    """The text of a letter file, or None when it does not decode as UTF-8 or BOM-marked UTF-16."""
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return TextFile(data[len(bom) :].decode(encoding), encoding, True)
            except UnicodeDecodeError:
                return None
    marked = data.startswith(codecs.BOM_UTF8)
    try:
        return TextFile(data[len(codecs.BOM_UTF8) if marked else 0 :].decode("utf-8"), "utf-8", marked)
    except UnicodeDecodeError:
        return None


def write_atomically(path: str, data: bytes) -> None:
    """Replace the file at ``path`` (the file a link points to, the link kept) with ``data``: a
    temporary file beside it, flushed to disk and renamed over it, with the file's mode.  Raises
    :class:`imrlint.report.output.OutputError`."""
    with atomic_output(os.path.realpath(path), encoding="latin-1", shown=path) as stream:
        stream.write(data.decode("latin-1"))  # bytes through a text stream: latin-1 maps each byte to itself
