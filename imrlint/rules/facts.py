"""Dates and patient facts (IMR5xx): every date is a real day, the case's dates come in the order
the IMR process puts them, and the header, summary and rationales agree on the date of injury and
on the patient's age and sex.

The facts are read by :mod:`imrlint.model.facts`; the date formats by :mod:`imrlint.model.dates`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.model.dates import find_dates, find_invalid_dates
from imrlint.model.facts import Fact, injury_dates, letter_facts, patient_ages, patient_sexes, sentence_around
from imrlint.rules.base import RuleContext, rule

if TYPE_CHECKING:
    from imrlint.model.letter import Item, Letter
    from imrlint.rules.findings import Finding

_CHAIN = (
    ("date-of-injury", "injury", "the date of injury"),
    ("ur-denial-date", "ur", "the UR decision"),
    ("application-received", "application", "the IMR application"),
    ("decision-date", None, "the IMR decision"),
)


@rule("IMR501", "invalid-date")
def invalid_date(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A date names no calendar day ("02/30/2016", "13/05/2016").

    Dates in a determination fix the time limits that apply to the case: the 30 days to request
    IMR (8 CCR 9792.10.1(b)(1)), the MTUS edition in force, the date of injury.  A date that does
    not exist is a typing error that leaves the reader guessing which day was meant.  Dates are
    read month first, in every form the letters use: 4/17/2009, 05/12/08, 01-03-2002, 10-13-16.

    Fix: write the day that was meant.
    """
    for mention in find_invalid_dates(letter.document.text):
        yield context.finding(letter.document.span(mention.start, mention.end), date=mention.text)


@rule("IMR502", "dates-out-of-order")
def dates_out_of_order(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The case's dates (injury, UR decision, IMR application, IMR decision) are out of order.

    An injury comes before the utilization review of its treatment, the UR decision before the
    application for IMR (which must follow it, 8 CCR 9792.10.1(b)(1)), and the application before
    the IMR decision.  Dates in the wrong order mean one of them is mistyped.  The header block's
    dates are checked against each other, and so are the dates the clinical case summary states
    ("sustained an industrial injury on ...", "On ..., Utilization Review non-certified ...",
    "On ..., the injured worker submitted an application for IMR").

    Fix: correct the date that is wrong.
    """
    facts = letter_facts(letter)
    for source, chain in (
        ("header", [(facts.header.get(name), label) for name, _, label in _CHAIN]),
        ("summary", [(getattr(facts, attribute), label) for _, attribute, label in _CHAIN if attribute]),
    ):
        known = [(fact, label) for fact, label in chain if fact is not None]
        for (earlier, earlier_label), (later, later_label) in itertools.pairwise(known):
            if later.value < earlier.value:
                yield context.finding(
                    later.where,
                    source=source,
                    later=later_label,
                    later_date=later.where.text,
                    earlier=earlier_label,
                    earlier_date=earlier.where.text,
                    line=earlier.where.span.line,
                )


@rule("IMR503", "late-imr-application")
def late_imr_application(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The IMR application was received more than 30 days (plus mailing time) after the UR decision.

    A request for IMR must be made within 30 days of service of the UR decision (Labor Code
    4610.5(h)(1); 8 CCR 9792.10.1(b)(1)); service by mail adds five days (Code of Civil Procedure
    1013).  A later application is not necessarily invalid (service may have been late), so this is
    information for the reader: check the date, or that the letter explains why the application
    was eligible.  The header's dates are used, else the summary's.

    Fix: check both dates; if they are right, nothing needs to change.
    """
    facts = letter_facts(letter)
    for ur, application in (
        (facts.header.get("ur-denial-date"), facts.header.get("application-received")),
        (facts.ur, facts.application),
    ):
        if ur is None or application is None:
            continue
        days = (application.value - ur.value).days
        limit = int(context.options["days"]) + int(context.options["mailing_days"])
        if days > limit:
            yield context.finding(application.where, days=days, ur=ur.where.text, limit=limit)
        return


def _mismatches(reference: Fact, statements: list[tuple[Fact, str, object]]):
    """The statements whose value differs from the reference's."""
    return [(fact, where, item) for fact, where, item in statements if fact.value != reference.value]


def _stated(letter, read, summary_fact):
    """What ``read`` finds in the summary (but ``summary_fact`` itself) and in each rationale:
    [(fact, where it is, item or None)]."""
    statements: list[tuple[Fact, str, Item | None]] = []
    if letter.summary is not None and summary_fact is not None:
        statements.extend((fact, "the summary", None) for fact in read(letter.summary) if fact is not summary_fact)
    for item in letter.items:
        if item.rationale is not None and item.rationale.text:
            statements.extend((fact, f"the rationale for '{item.title}'", item) for fact in read(item.rationale))
    return statements


@rule("IMR504", "injury-date-mismatch")
def injury_date_mismatch(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The date of injury differs between the header, the summary and the rationales.

    The date of injury identifies the claim and decides which MTUS and which time limits apply;
    the determination must state one date throughout.  The summary's date ("sustained an
    industrial injury on 4/17/2009") is checked against the header's "Date of Injury:", and each
    rationale's ("the patient's date of injury is 03/07/01") against the summary's (or the
    header's).  Two-digit years and other formats compare by the day they name.

    Fix: find the right date in the case file and use it everywhere.
    """
    facts = letter_facts(letter)
    header = facts.header.get("date-of-injury")
    summary = facts.injury
    if header is not None and summary is not None and header.value != summary.value:
        yield context.finding(
            summary.where,
            found=summary.where.text,
            place="the summary",
            other=header.where.text,
            other_source="the header's Date of Injury",
            line=header.where.span.line,
        )
    reference, source = (summary, "the summary") if summary is not None else (header, "the header's Date of Injury")
    if reference is None:
        return
    for fact, where, item in _mismatches(reference, _stated(letter, injury_dates, summary)):
        yield context.finding(
            fact.where,
            item=item,
            found=fact.where.text,
            place=where,
            other=reference.where.text,
            other_source=source,
            line=reference.where.span.line,
        )


@rule("IMR505", "age-mismatch")
def age_mismatch(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The patient's age differs between the summary and a rationale.

    The determination is about one worker (Labor Code 4610.6(c): "the specific medical needs of
    the employee"); a rationale that gives another age was likely written for, or copied from,
    another case.  Ages are read only where they describe the patient ("The injured worker is a
    51 year old female", "The 55 year old patient"), not from history ("headaches since 13 years
    old").

    Fix: correct the age, and check the rationale is about this worker.
    """
    reference = letter_facts(letter).age
    if reference is None:
        return
    for fact, where, item in _mismatches(reference, _stated(letter, patient_ages, reference)):
        yield context.finding(
            fact.where, item=item, found=fact.value, place=where, other=reference.value, line=reference.where.span.line
        )


@rule("IMR506", "sex-mismatch")
def sex_mismatch(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The patient's sex differs between the summary and a rationale, or within one of them.

    As for the age: a rationale that describes a male patient in a letter about a female worker
    (or the reverse) was likely written for another case, or carries a copy error the worker will
    read (Labor Code 4610.6(c)).  The sex is read from "51 year old female", "male patient", and
    from a sentence opening "He", "She", "His" or "Her" right after a sentence about the patient
    alone (not a physician or another person).

    Fix: correct the words that are wrong, and check the rationale is about this worker.
    """
    reference = letter_facts(letter).sex
    if reference is None:
        return
    for fact, where, item in _mismatches(reference, _stated(letter, patient_sexes, reference)):
        yield context.finding(
            fact.where,
            item=item,
            found=fact.where.text,
            sex=fact.value,
            place=where,
            other=reference.value,
            line=reference.where.span.line,
        )


@rule("IMR507", "ur-date-mismatch")
def ur_date_mismatch(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The summary dates the UR decision otherwise than the header's UR Denial Date.

    The UR decision's date starts the 30 days in which the worker may ask for IMR (Labor Code
    4610.5(h)(1); 8 CCR 9792.10.1(b)(1)) and decides which MTUS edition applied to the request;
    the determination must state one date.  The summary's date of the UR decision ("A prior review
    dated 11/13/2016 indicated that the request ... was non-certified") is checked against the
    header's "UR Denial Date:".  The summary may date the UR report a day or two before its letter
    was served, hence information: check which date is right.

    Fix: find the UR decision's date in the case file and state it in both places.
    """
    facts = letter_facts(letter)
    header = facts.header.get("ur-denial-date")
    if header is not None and facts.ur is not None and header.value != facts.ur.value:
        yield context.finding(
            facts.ur.where, found=facts.ur.where.text, other=header.where.text, line=header.where.span.line
        )


# A sentence that presents what the request rests on: the request, its form, the plan that made it.
_REQUEST_BASIS = re.compile(
    r"\b(?:request(?:ed|s)?|rfa|treatment\s+plan|plan\s+of\s+care|recommend(?:ed|s|ing)?|prescrib\w*|ordered)\b", re.I
)
# ... unless it speaks of the IMR application or an appeal, which follow the UR decision.
_AFTER_UR = re.compile(r"\b(?:independent\s+medical\s+review|IMR|appeal\w*|application)\b", re.I)


@rule("IMR508", "request-after-ur-decision")
def request_after_ur_decision(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The summary presents a request, or the visit it rests on, dated after the UR decision.

    IMR reviews the request utilization review decided (Labor Code 4610.5(d); 8 CCR
    9792.10.1): its Request for Authorization and the visit that made it come before the UR
    decision.  A summary sentence that dates the request's basis after that decision ("A Request
    for Authorization is dated 1-17-17" with a UR decision of 01/13/2017) has one of the two
    dates wrong, or describes a later request that IMR did not review.  The UR date is the
    header's, else the summary's; sentences on UR's decision itself and on the IMR application or
    an appeal are not read.

    Fix: check both dates; describe the request UR decided.
    """
    facts = letter_facts(letter)
    if any(field.name == "ur-denial-date" for field in letter.unpaired_header):
        return  # the header has a UR date that cannot be read: header-values-unpaired says so
    ur = facts.header.get("ur-denial-date") or facts.ur
    summary = facts.summary
    if ur is None or summary is None:
        return
    text = summary.text
    decided = set(facts.ur_statement_spans)
    reported = set()
    for mention in find_dates(text):
        if mention.date is None or mention.date <= ur.value:
            continue
        sentence = sentence_around(text, mention.start)
        if sentence in decided or sentence in reported:
            continue
        words = text[sentence[0] : sentence[1]]
        if _REQUEST_BASIS.search(words) and not _AFTER_UR.search(words):
            reported.add(sentence)
            yield context.finding(
                summary.sub(mention.start, mention.end), found=mention.text, ur=ur.where.text, line=ur.where.span.line
            )
