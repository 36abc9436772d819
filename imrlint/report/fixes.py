"""A finding's fix as each report shows it: a JSON object (json, jsonl), a SARIF ``fix`` (its
``artifactChanges`` and ``replacements``, regions in code points as the results'), and in the HTML
report the lines it changes, before and after.

A fix is written in imrlint's words (``message``) and the letter's (the replacement text): under
--redact findings carry no fix (:func:`imrlint.report.redact.redact_finding`).
"""

from __future__ import annotations

from collections.abc import Mapping

from imrlint.rules.findings import Edit, Finding, Fix


def region(edit: Edit) -> dict:
    span = edit.span
    return {"line": span.line, "column": span.column, "end_line": span.end_line, "end_column": span.end_column}


def fix_record(fix: Fix) -> dict:
    """The ``fix`` key of a JSON finding: ``applicability``, ``message`` and ``edits``, each a
    region (1-based, end column exclusive) and its ``replacement`` text."""
    return {
        "applicability": fix.applicability,
        "message": fix.message,
        "edits": [{**region(edit), "replacement": edit.replacement} for edit in fix.edits],
    }


def sarif_fix(fix: Fix, artifact_location: dict) -> dict:
    """A SARIF 2.1.0 ``fix`` object: one artifact change whose replacements delete each edit's
    region and insert its text."""
    replacements = []
    for edit in fix.edits:
        span = edit.span
        replacement: dict = {
            "deletedRegion": {
                "startLine": span.line,
                "startColumn": span.column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
            }
        }
        if edit.replacement:
            replacement["insertedContent"] = {"text": edit.replacement}
        replacements.append(replacement)
    return {
        "description": {"text": fix.message},
        "artifactChanges": [{"artifactLocation": artifact_location, "replacements": replacements}],
        "properties": {"applicability": fix.applicability},
    }


def changed_lines(fix: Fix, lines: Mapping[int, str]) -> tuple[int, list[tuple[str, str, str]]] | None:
    """The lines a fix changes, as (first line number, [(before, removed, inserted), ...]) pieces
    to show before and after: ``lines`` maps line numbers to their text (a whole document's, or a
    report's excerpts).  None when ``lines`` lack one of them."""
    edits = sorted(fix.edits, key=lambda edit: (edit.span.line, edit.span.column))
    first, last = edits[0].span.line, max(edit.span.end_line for edit in edits)
    if any(line not in lines for line in range(first, last + 1)):
        return None
    text = "\n".join(lines[line] for line in range(first, last + 1))
    starts = [0]
    for line in range(first, last):
        starts.append(starts[-1] + len(lines[line]) + 1)

    def offset(line: int, column: int) -> int:
        return starts[line - first] + column - 1

    pieces = []
    position = 0
    for edit in edits:
        start, end = offset(edit.span.line, edit.span.column), offset(edit.span.end_line, edit.span.end_column)
        pieces.append((text[position:start], text[start:end], edit.replacement))
        position = end
    pieces.append((text[position:], "", ""))
    return first, pieces


def fix_label(fix: Fix) -> str:
    """How sure a fix is, and who applies it, in a few words."""
    if fix.applicability == "safe":
        return "safe fix (imrlint check --fix)"
    if fix.applicability == "unsafe":
        return "unsafe fix (imrlint check --fix --unsafe-fixes)"
    return "suggestion, not applied by imrlint (legal wording)"


def fix_html(finding: Finding, lines: Mapping[int, str], esc) -> str:
    """The fix of ``finding`` as HTML: what it does, and the lines it changes with the removed
    text struck through (``<del>``) and the inserted text underlined (``<ins>``); "" without a fix.
    ``esc`` escapes text for HTML."""
    fix = finding.fix
    if fix is None:
        return ""
    caption = f'<p class="where">Fix — {esc(fix_label(fix))}: {esc(fix.message)}</p>'
    changed = changed_lines(fix, lines)
    if changed is None:
        return caption
    _, pieces = changed
    body = "".join(
        esc(before)
        + (f"<del>{esc(removed)}</del>" if removed else "")
        + (f"<ins>{esc(inserted)}</ins>" if inserted else "")
        for before, removed, inserted in pieces
    )
    return f'{caption}<pre class="fix">{body}</pre>'
