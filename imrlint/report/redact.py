"""--redact: reports that carry no letter text.

Letters hold health information, so a redacted report keeps only what imrlint itself says about
a letter: the path, positions (line, column, page and paragraph numbers, item index), rule codes,
names and severities, the decision labels ("Upheld" / "Overturned"), and each message rebuilt
from its template with every value taken from the letter replaced by ``[redacted]``.

A message value is kept only when it cannot be letter text:

- an integer (a line or page number), except an age over 89 (:data:`AGE_FIELDS`: such an age
  identifies a person under HIPAA's Safe Harbor rule);
- a value a rule builds from imrlint's own vocabulary, listed in :data:`SAFE_FIELDS` (section
  titles, MTUS document names from the catalogue, fixed phrases, cited page numbers);
- a part of the letter named in imrlint's words (:data:`PLACE_FIELDS`: "the summary"; a
  rationale as "the rationale for '[redacted]'");
- an unreadable document's reason, without what the PDF or Word library said about it.

Everything else — item titles, quoted conclusions, cited chapter and topic names, exception text
of an internal error, the first words of a DOCX paragraph, item headings, excerpts — is dropped or
replaced.  A rule added by a plugin is redacted the same way: all of its non-integer values are
replaced unless it is listed here.
"""

from __future__ import annotations

import dataclasses
import re
import string

from imrlint.rules.findings import Finding

REDACTED = "[redacted]"

# rule code -> message fields whose values never come from the letter's text.
SAFE_FIELDS: dict[str, frozenset[str]] = {
    # input rules: imrlint's own description of the problem (parse errors name what was expected)
    "IMR001": frozenset({"detail"}),
    "IMR002": frozenset({"detail"}),
    "IMR003": frozenset({"detail"}),
    "IMR004": frozenset({"detail"}),
    "IMR005": frozenset({"detail"}),
    "IMR006": frozenset({"detail"}),
    "IMR008": frozenset({"detail"}),
    "IMR009": frozenset({"detail"}),
    "IMR010": frozenset({"detail"}),
    "IMR011": frozenset({"budget"}),
    # structure: the canonical section titles
    "IMR101": frozenset({"section", "order"}),
    "IMR102": frozenset({"section", "previous", "order"}),
    "IMR103": frozenset({"section"}),
    # decisions: fixed phrases and the normalised label
    "IMR203": frozenset({"problem", "field"}),
    "IMR204": frozenset({"problem"}),
    "IMR206": frozenset({"label", "meaning", "fix"}),
    # citations: page numbers and catalogue names
    "IMR308": frozenset({"document", "suggestion", "caveat"}),
    "IMR312": frozenset({"problem", "ordered"}),
    "IMR301": frozenset({"page", "document", "first", "last"}),
    "IMR302": frozenset({"range", "fixed"}),
    "IMR303": frozenset({"page", "topic_pages", "document"}),
    "IMR304": frozenset({"page", "topic_pages", "document"}),
    "IMR305": frozenset({"suggestion"}),
    "IMR306": frozenset({"editions"}),
    # dates, ages and sex: the labels of the dates compared and the sex a word describes
    "IMR502": frozenset({"source", "later", "earlier"}),
    "IMR506": frozenset({"sex", "other"}),
    # internal error: the code of the rule that failed and who maintains it (not the exception text)
    "IMR900": frozenset({"rule", "maintainer"}),
}

# rule code -> fields that name a part of the letter in imrlint's words ("the summary", "the
# header's Date of Injury"), or a rationale by its item's title, which is letter text:
# "the rationale for '[redacted]'".
PLACE_FIELDS: dict[str, frozenset[str]] = {
    "IMR504": frozenset({"place", "other_source"}),
    "IMR505": frozenset({"place"}),
    "IMR506": frozenset({"place"}),
}
_OWN_PLACE = re.compile(r"the (?:summary|header|header's [A-Z][A-Za-z ]*)")
_RATIONALE_PLACE = re.compile(r"the rationale for '.*'", re.DOTALL)

# rule code -> fields holding an age: an age over 89 identifies a person (HIPAA Safe Harbor).
AGE_FIELDS: dict[str, frozenset[str]] = {"IMR505": frozenset({"found", "other"})}
OLDEST_AGE_SHOWN = 89

# An unreadable document's detail ends with what the PDF or Word library said, in brackets
# ("not a readable PDF (PdfStreamError: ...)": imrlint.input.extracted.exception_summary),
# which may quote the file: the rest is imrlint's own words.
_LIBRARY_DETAIL = re.compile(r" \([A-Z]\w*(?::.*)?\)$", re.DOTALL)

_FORMATTER = string.Formatter()


def _root(field_name: str) -> str:
    for index, char in enumerate(field_name):
        if char in ".[":
            return field_name[:index]
    return field_name


def _redacted_value(code: str, name: str, value: int | str) -> int | str:
    if isinstance(value, int):
        return REDACTED if name in AGE_FIELDS.get(code, ()) and value > OLDEST_AGE_SHOWN else value
    if name in SAFE_FIELDS.get(code, ()):
        return value
    if name in PLACE_FIELDS.get(code, ()):
        if _OWN_PLACE.fullmatch(value):
            return value
        if _RATIONALE_PLACE.fullmatch(value):
            return f"the rationale for '{REDACTED}'"
    if code == "IMR007" and name == "detail":
        return _LIBRARY_DETAIL.sub(f" ({REDACTED})", value)
    return REDACTED


def redacted_fields(finding: Finding) -> tuple[tuple[str, int | str], ...]:
    return tuple((name, _redacted_value(finding.code, name, value)) for name, value in finding.fields)


def redacted_message(finding: Finding) -> str:
    """The finding's message with every value that may be letter text replaced by [redacted]."""
    if not finding.template:
        return REDACTED
    values = dict(redacted_fields(finding))
    pieces = []
    try:
        for literal, field_name, format_spec, _conversion in _FORMATTER.parse(finding.template):
            pieces.append(literal)
            if field_name is None:
                continue
            value = values.get(_root(field_name), REDACTED)
            if value == REDACTED or _root(field_name) != field_name:
                pieces.append(REDACTED)
            elif isinstance(value, int):
                pieces.append(format(value, format_spec) if format_spec else str(value))
            else:
                pieces.append(value)
    except (ValueError, TypeError):
        return REDACTED
    return "".join(pieces)


def redact_finding(finding: Finding) -> Finding:
    unit = (finding.unit[0], "") if finding.unit is not None else None
    return dataclasses.replace(
        finding, message=redacted_message(finding), unit=unit, fields=redacted_fields(finding), fix=None
    )


def redact_report(report):
    """A copy of a FileReport with no letter text: messages redacted, paragraph words, item
    headings and excerpts dropped."""
    return dataclasses.replace(
        report,
        findings=[redact_finding(finding) for finding in report.findings],
        item_details=[dataclasses.replace(item, heading=REDACTED) for item in report.item_details],
        excerpts={},
    )
