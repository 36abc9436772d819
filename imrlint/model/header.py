"""The header block: its labels ("Case Number:", "Date of Injury:", ...) paired with their values,
in every layout a letter arrives in.

DWC prints the block as two columns of label and value.  Text extraction keeps them together in
some shapes and pulls them apart in others:

- label and value on one line ("Decision Date: 02/24/2017"), one column after the other (pypdf) or
  both columns on one line (``pdftotext -layout``);
- a label, then its value on the next line (a Word table's cells, one paragraph each);
- every label of a column, then its values in the same order (``pdftotext``'s default, and the
  first column in pdfminer);
- "Application" / value / "Received:", the two-line label around the value it is centred on
  (``pdftotext -layout``, pdfminer);
- labels and values interleaved by their height on the page (pdfminer's second column), where a
  value may come before its label.

The block is read as a sequence of labels, values and other words.  A value is paired with a label
only where the layout leaves no doubt: right after the label on its line (unless the label ends a
run of labels on that line); inside a split "Application ... Received:" label; or as the n-th of a
run of values directly after a run of n labels (each value of the kind its label takes: a case
number, a date, a priority).  What is left over — a label without a
value while values stand unpaired elsewhere in the block — cannot be paired with certainty; those
fields are reported once (header-values-unpaired) and not checked, instead of being read wrongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Each field's label, and the kind of value it takes.  Words of a label may be split over lines.
LABELS = {
    "case-number": (r"Case\s+Number\s*:", "case"),
    "date-assigned": (r"Date\s+Assigned\s*:", "date"),
    "decision-date": (r"Decision\s+Date\s*:", "date"),
    "priority": (r"Priority\s*:", "priority"),
    "date-of-injury": (r"Date\s+of\s+Injury\s*:", "date"),
    "ur-denial-date": (r"UR\s+Denial\s+Date\s*:", "date"),
    "application-received": (r"Application\s+Received\s*:", "date"),
}
TITLES = {
    "case-number": "Case Number",
    "date-assigned": "Date Assigned",
    "decision-date": "Decision Date",
    "priority": "Priority",
    "date-of-injury": "Date of Injury",
    "ur-denial-date": "UR Denial Date",
    "application-received": "Application Received",
}
VALUES = {
    "case": r"[A-Z]{2}\d{2}-\d{5,}",
    "date": r"\d{1,2}[/-]\d{1,2}[/-]\d{2,4}",
    "priority": r"(?:Standard|Expedited|Urgent)\b",
}
_SPLIT_LABEL = "application-received"

# One scan reads the block's words in order: a split "Application <date> Received:" label, a label,
# a value, or any other word.  Names of groups: label_<field>, value_<kind>.
_GROUP = {name: name.replace("-", "_") for name in LABELS}
_TOKENS = re.compile(
    "|".join(
        [rf"(?P<split>Application[ \t]*\n?[ \t]*(?P<split_value>{VALUES['date']})\s+Received\s*:)"]
        + [f"(?P<label_{_GROUP[name]}>{label})" for name, (label, _) in LABELS.items()]
        + [rf"(?P<value_{kind}>{pattern})(?![\w/-])" for kind, pattern in VALUES.items()]
        + [r"(?P<word>\S+)"]
    ),
    re.I,
)
_FIELD_OF_GROUP = {f"label_{group}": name for name, group in _GROUP.items()}
LABEL_PATTERN = re.compile("|".join(label for label, _ in LABELS.values()), re.I)
"""Any label of the header block (matched where a label starts)."""


@dataclass(frozen=True)
class LabelValue:
    """A label of the header block and its value: (start, end) offsets in the document, the value
    None when the label has none, or when ``paired`` is False, none that could be told apart from
    the other labels' values."""

    name: str
    key: tuple[int, int]
    value: tuple[int, int] | None
    paired: bool = True


@dataclass
class _Token:
    kind: str  # "label", "value" or "word"
    start: int
    end: int
    field: str = ""  # a label's field
    value_kind: str = ""  # a value's kind
    line: int = 0  # the index of the line the token starts on
    end_line: int = 0  # and of the line it ends on (a label's words may be split over lines)


def read_header(text: str, start: int, end: int) -> tuple[dict[str, LabelValue], tuple[LabelValue, ...]]:
    """The header fields in the document's text [start, end), and those whose values could not be
    paired with certainty (not in the first result)."""
    split: dict[str, LabelValue] = {}
    tokens = _tokens(text, start, end, split)
    # A label whose value follows on its line after a column of labels ("Date of Injury:" /
    # "UR Denial Date:   01/23/2017") may own that value, or the column may own the values after
    # it in order.  Each reading is tried: one that leaves no value over is the layout's; where
    # both leave values over, only what both readings pair is certain.
    by_line, left_by_line = _pairings(tokens, after_column=True)
    if not left_by_line:
        return _result(split | by_line, tokens, ())
    by_column, left_by_column = _pairings(tokens, after_column=False)
    if not left_by_column:
        return _result(split | by_column, tokens, ())
    agreed = {name: field for name, field in by_line.items() if by_column.get(name) == field}
    unpaired = {
        token.field: LabelValue(token.field, (token.start, token.end), None, paired=False)
        for token in tokens
        if token.kind == "label"
    }
    return _result(
        split | agreed,
        tokens,
        tuple(field for name, field in unpaired.items() if name not in agreed and name not in split),
    )


def _tokens(text: str, start: int, end: int, split: dict[str, LabelValue]) -> list[_Token]:
    """The block's labels, values and other words in order; a split "Application <date>
    Received:" label, paired by the layout itself, goes to ``split``."""
    tokens: list[_Token] = []
    line = 0
    last = start
    for match in _TOKENS.finditer(text, start, end):
        line += text.count("\n", last, match.start())
        last = match.start()
        group = match.lastgroup or ""  # every alternative of _TOKENS is a named group
        if match.group("split") is not None:
            _add(split, LabelValue(_SPLIT_LABEL, match.span(), match.span("split_value")))
            tokens.append(_Token("word", *match.span(), line=line))
        elif group in _FIELD_OF_GROUP:
            end_line = line + text.count("\n", *match.span())
            tokens.append(_Token("label", *match.span(), field=_FIELD_OF_GROUP[group], line=line, end_line=end_line))
        elif group.startswith("value_"):
            tokens.append(_Token("value", *match.span(), value_kind=group[6:], line=line))
        else:
            tokens.append(_Token("word", *match.span(), line=line))
    return tokens


def _result(
    fields: dict[str, LabelValue], tokens: list[_Token], unpaired: tuple[LabelValue, ...]
) -> tuple[dict[str, LabelValue], tuple[LabelValue, ...]]:
    """The fields in the order of their labels, with every label left without a value (when no
    value is left over, such a label has none) unless it is unpaired."""
    fields = dict(fields)
    unpaired_names = {field.name for field in unpaired}
    for token in tokens:
        if token.kind == "label" and token.field not in fields and token.field not in unpaired_names:
            fields[token.field] = LabelValue(token.field, (token.start, token.end), None)
    return dict(sorted(fields.items(), key=lambda item: item[1].key)), unpaired


def _add(fields: dict[str, LabelValue], field: LabelValue) -> None:
    """Keep the first occurrence of a field."""
    fields.setdefault(field.name, field)


def _fits(label: _Token, value: _Token) -> bool:
    return LABELS[label.field][1] == value.value_kind


def _pairings(tokens: list[_Token], after_column: bool) -> tuple[dict[str, LabelValue], bool]:
    """Labels paired with values: first each label with a value of its kind directly after it on
    its line, then each run of labels with the run of values directly after it, in order.  A label
    that ends a run of labels on its own line never takes the value after it on the line (the run
    does); one that ends a column of labels on earlier lines does only if ``after_column``.  Also
    True if a value is left that no label takes (the layout mixed labels and values)."""
    fields: dict[str, LabelValue] = {}
    paired: set[int] = set()
    for before, label, value in zip([None, *tokens], tokens, tokens[1:], strict=False):
        if label.kind != "label" or value.kind != "value" or label.end_line != value.line or not _fits(label, value):
            continue
        if before is not None and before.kind == "label" and (before.end_line == label.line or not after_column):
            continue
        _add(fields, LabelValue(label.field, (label.start, label.end), (value.start, value.end)))
        paired.update((id(label), id(value)))
    leftover = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if id(token) in paired or token.kind == "word":
            index += 1
            continue
        labels: list[_Token] = []
        while index < len(tokens) and tokens[index].kind == "label" and id(tokens[index]) not in paired:
            labels.append(tokens[index])
            index += 1
        values: list[_Token] = []
        while index < len(tokens) and tokens[index].kind == "value" and id(tokens[index]) not in paired:
            values.append(tokens[index])
            index += 1
        if (
            labels
            and len(values) >= len(labels)
            and all(_fits(label, value) for label, value in zip(labels, values, strict=False))
        ):
            for label, value in zip(labels, values, strict=False):
                _add(fields, LabelValue(label.field, (label.start, label.end), (value.start, value.end)))
            values = values[len(labels) :]
        leftover = leftover or bool(values)
    return fields, leftover
