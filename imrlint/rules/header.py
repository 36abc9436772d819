"""Header block rules: the case number and the dates DWC prints above the determination.

The 2016-17 letters open with a block of fields ("Case Number: CM16-0213037", "Date Assigned",
"Decision Date", "Date of Injury", "UR Denial Date", "Application Received"); the older template
has none, and then these rules say nothing.
"""

from __future__ import annotations

import re

from ..facts import letter_facts
from ..rule import rule

_TOKEN = re.compile(r"\S+")


@rule("IMR105", "case-number-format")
def case_number_format(letter, context):
    """The header's case number is missing or not in the DWC form (CM16-0213037).

    The IMR case number is how the worker, the claims administrator and the WCAB find the
    determination (8 CCR 9792.10.5 assigns each application one); DWC writes it as "CM", the
    two-digit year of the application, a hyphen and seven digits.  A mistyped number points to
    another worker's case.  Only letters with a header block are checked.

    Fails: "Case Number: CM16-021303" (six digits), or a header block without "Case Number:".
    Passes: "Case Number: CM16-0213037".

    Fix: copy the case number exactly from the IMR assignment.
    """
    if not letter.header:
        return
    pattern = re.compile(context.options["pattern"])
    field = letter.header.get("case-number")
    if field is None:
        first = min(letter.header.values(), key=lambda header_field: header_field.key.start)
        yield context.finding(first.key, problem="the header block has no case number", example=context.options["example"])
        return
    if field.value is not None:
        where, number = field.value, field.value.text
    else:
        token = _TOKEN.search(letter.document.text, field.key.end)
        if token is None:
            yield context.finding(field.key, problem="the case number is empty", example=context.options["example"])
            return
        where, number = letter.document.span(*token.span()), token.group()
    if not pattern.fullmatch(number):
        yield context.finding(where, problem=f"case number '{number}' is not in the DWC form", example=context.options["example"])


@rule("IMR106", "decision-before-assignment")
def decision_before_assignment(letter, context):
    """The header's Decision Date is before its Date Assigned.

    The expert reviewer decides a case after MAXIMUS assigns it (8 CCR 9792.10.5-9792.10.6); a
    decision dated before the assignment is a typing error in one of the two dates, and the
    decision date starts the time limits for an appeal (Labor Code 4610.6(h)).

    Fails: "Date Assigned: 12/09/2016" with "Decision Date: 11/06/2016".
    Passes: "Date Assigned: 11/09/2016" with "Decision Date: 12/09/2016".

    Fix: correct the date that is wrong.
    """
    dates = letter_facts(letter).header
    assigned, decided = dates.get("date-assigned"), dates.get("decision-date")
    if assigned is not None and decided is not None and decided.value < assigned.value:
        yield context.finding(decided.where, decision=decided.where.text, assigned=assigned.where.text, line=assigned.where.span.line)
