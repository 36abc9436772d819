"""The letter text a finding points at, kept for reports that show it (HTML) or hash it (SARIF).

Only the lines a finding spans (at most ``MAX_SPAN_LINES`` of them) and one line either side, and
the lines of the passages it refers to (``Finding.related``), are kept, each cut at
``MAX_LINE_CHARS`` characters, so a report never holds whole letters.  Never collected under
--redact.
"""

from __future__ import annotations

from collections.abc import Iterable

from imrlint.input.document import Document
from imrlint.rules.findings import Finding

MAX_SPAN_LINES = 12
MAX_LINE_CHARS = 1000
CONTEXT_LINES = 1


def excerpt_lines(document: Document, findings: Iterable[Finding]) -> dict[int, str]:
    """Line number (1-based) to line text, for the lines around each of ``findings``."""
    wanted: set[int] = set()
    last_line = document.line_count
    for finding in findings:
        span = finding.span
        end = min(span.end_line, span.line + MAX_SPAN_LINES - 1)
        wanted.update(range(max(1, span.line - CONTEXT_LINES), min(last_line, end + CONTEXT_LINES) + 1))
        for other in finding.related:  # the passages it refers to, without context
            wanted.update(range(other.line, min(last_line, other.end_line, other.line + MAX_SPAN_LINES - 1) + 1))
    return {line: document.line_text(line)[:MAX_LINE_CHARS] for line in sorted(wanted)}


def passage_text(finding: Finding, excerpts: dict[int, str]) -> str | None:
    """The text of the finding's span (whitespace collapsed) from ``excerpts``; None when the
    excerpts do not hold its first line.  A span longer than MAX_SPAN_LINES is cut there."""
    span = finding.span
    if span.line not in excerpts:
        return None
    pieces = []
    last = min(span.end_line, span.line + MAX_SPAN_LINES - 1)
    for line in range(span.line, last + 1):
        text = excerpts.get(line)
        if text is None:
            break
        start = span.column - 1 if line == span.line else 0
        end = span.end_column - 1 if line == span.end_line else len(text)
        pieces.append(text[start:end])
    return " ".join(" ".join(pieces).split())
