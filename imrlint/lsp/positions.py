"""LSP positions: 0-based lines and characters counted in the code units the client and server
agreed on (UTF-16 by default, as the protocol says), where imrlint counts code points."""

from __future__ import annotations

from lsprotocol import types

from imrlint.input.document import Document, Span


def _units(text: str, encoding: types.PositionEncodingKind) -> int:
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def position(document: Document, line: int, column: int, encoding: types.PositionEncodingKind) -> types.Position:
    """The LSP position of a 1-based line and code-point column."""
    if line > document.line_count:
        line, column = document.line_count, len(document.line_text(document.line_count)) + 1
    return types.Position(line - 1, _units(document.line_text(line)[: column - 1], encoding))


def lsp_range(document: Document, span: Span, encoding: types.PositionEncodingKind) -> types.Range:
    return types.Range(
        position(document, span.line, span.column, encoding),
        position(document, span.end_line, span.end_column, encoding),
    )


def column_of(document: Document, where: types.Position, encoding: types.PositionEncodingKind) -> tuple[int, int]:
    """The 1-based (line, code-point column) of an LSP position."""
    line = min(where.line + 1, document.line_count)
    text = document.line_text(line)
    column = 0
    while column < len(text) and _units(text[:column], encoding) < where.character:
        column += 1
    return line, column + 1
