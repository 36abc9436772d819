"""Reviewer rules: the expert reviewer's qualifications (Labor Code 4610.6(f))."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.rules.base import RuleContext, rule

if TYPE_CHECKING:
    from imrlint.model.letter import Letter
    from imrlint.rules.findings import Finding


def _where(letter):
    """Where credentials belong: the HOW THE IMR FINAL DETERMINATION WAS MADE title."""
    return letter.section("how").title


@rule("IMR401", "missing-licensure")
def missing_licensure(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The reviewer's state(s) of licensure are not stated.

    The determination describes the reviewer's qualifications while keeping the reviewer
    anonymous (Labor Code 4610.6(f); Zuniga v. WCAB, 2018).  A licence in any US state suffices;
    a California licence is not required.  Licensure is read from the credentials block
    ("State(s) of Licensure: ...") or from prose ("... is licensed to practice in Florida").

    Fails: a credentials block with "State(s) of Licensure:" missing or empty.
    Passes: "State(s) of Licensure: California, Nevada".

    Fix: state the states in which the reviewer is licensed.
    """
    credentials = letter.credentials
    if credentials is None:
        return
    if credentials.licensure is None or not credentials.licensure.text:
        yield context.finding(_where(letter))


@rule("IMR402", "missing-specialty")
def missing_specialty(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The reviewer's certification or specialty is not stated.

    The reviewer must practise in the same or a similar specialty as the one that usually treats
    the condition, and the determination describes those qualifications (Labor Code 4610.6(f)).
    The specialty is read from "Certification(s)/Specialty: ..." or from prose ("is Board
    Certified in Internal Medicine").

    Fails: a credentials block without "Certification(s)/Specialty:".
    Passes: "Certification(s)/Specialty: Orthopaedic Surgery".

    Fix: state the reviewer's board certification(s) or specialty.
    """
    credentials = letter.credentials
    if credentials is None:
        return
    if credentials.specialty is None or not credentials.specialty.text:
        yield context.finding(_where(letter))
