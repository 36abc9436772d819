"""Reviewer rules (IMR4xx): the expert reviewer's qualifications are stated (licensure,
specialty) and the reviewer's identity stays confidential."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.rules.base import RuleContext, rule

if TYPE_CHECKING:
    from imrlint.model.letter import Letter
    from imrlint.rules.findings import Finding


def _where(letter, label):
    """Where a credential is missing: its label when the block has one with no value after it,
    else the HOW THE IMR FINAL DETERMINATION WAS MADE title, the section it belongs in."""
    return label if label is not None else letter.section("how").title


@rule("IMR401", "missing-licensure")
def missing_licensure(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The reviewer's state(s) of licensure are not stated.

    The determination describes the reviewer's qualifications while keeping the reviewer
    anonymous (Labor Code 4610.6(f); Zuniga v. WCAB, 2018).  A licence in any US state suffices;
    a California licence is not required.  Licensure is read from the credentials block
    ("State(s) of Licensure: ...") or from prose ("... is licensed to practice in Florida").

    Fix: state the states in which the reviewer is licensed.
    """
    credentials = letter.credentials
    if credentials is None:
        return
    if credentials.licensure is None or not credentials.licensure.text:
        yield context.finding(_where(letter, credentials.licensure_label))


@rule("IMR402", "missing-specialty")
def missing_specialty(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The reviewer's certification or specialty is not stated.

    The reviewer must practise in the same or a similar specialty as the one that usually treats
    the condition, and the determination describes those qualifications (Labor Code 4610.6(f)).
    The specialty is read from "Certification(s)/Specialty: ..." or from prose ("is Board
    Certified in Internal Medicine").

    Fix: state the reviewer's board certification(s) or specialty.
    """
    credentials = letter.credentials
    if credentials is None:
        return
    if credentials.specialty is None or not credentials.specialty.text:
        yield context.finding(_where(letter, credentials.specialty_label))


# "Dr. Smith", "Dr Jane Smith", "John A. Smith, M.D.", "Jane Smith, DO", "J. Smith MD".  Each
# opens with a capital that starts a word: the pattern takes that capital first, then checks with a
# look-behind that no word character precedes it, so that the scan skips from capital to capital.
_NAMED = re.compile(
    r"[A-Z](?<!\w.)(?:"
    r"(?<=D)(?:r|octor)\.?\s+[A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]+)?"
    r"|[a-z'\-]+(?:\s+[A-Z]\.)?\s+[A-Z][A-Za-z'\-]+,?\s+(?:M\.\s?D\.|D\.\s?O\.|MD|DO|DC|D\.C\.|Ph\.?\s?D\.?|PA-C|NP|RN|DPM|DDS)(?![A-Za-z])"
    r"|\.\s+[A-Z][A-Za-z'\-]+,?\s+(?:M\.\s?D\.|D\.\s?O\.|MD|DO)(?![A-Za-z])"
    r")"
)


# What every match of _NAMED contains: "Dr", "Doctor" or a credential.  Most sections name no one
# and hold none: one search for these is several times cheaper than the scan from capital to capital.
_NAME_CUES = re.compile(r"Dr|Doctor|M\.|D\.|MD|DO|DC|Ph|PA-C|NP|RN|DPM|DDS")


# Words of specialties and boards, not of names: "Internal Medicine, DO" states a specialty.
_NOT_NAMES = re.compile(
    r"\b(?:Medicine|Surgery|Practice|Pediatrics|Psychiatry|Neurology|Orthop\w*|Chiropractic|Anesthesiology|Radiology|"
    r"Rehabilitation|Podiatry|Psychology|Dentistry|Osteopathic|Family|Internal|Emergency|Occupational|Preventive|Pain|Board|"
    r"American|California|Licensure|Certification|Specialty)\b"
)


@functools.lru_cache(maxsize=64)
def _allowed(phrases: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(phrase, re.IGNORECASE) for phrase in phrases)


@rule("IMR403", "reviewer-named")
def reviewer_named(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The reviewer's credentials name a person ("Dr. ...", "Jane Smith, M.D.").

    The expert reviewer's identity is confidential: the determination describes the reviewer's
    qualifications but not who the reviewer is (Labor Code 4610.6(f); Zuniga v. WCAB (2018) 23
    Cal.App.5th 1152 upheld the anonymity).  A name or "Dr. ..." in the credentials or the
    paragraph describing the reviewer discloses the identity.  The HOW THE IMR FINAL
    DETERMINATION WAS MADE section is checked; treating physicians named in the summary or
    rationales are not the reviewer and are not checked.

    Fix: remove the name; state only licensure and specialty.
    """
    how = letter.section("how")
    if how is None:
        return
    text = how.body.text
    if _NAME_CUES.search(text) is None:
        return
    allowed = _allowed(tuple(context.options.get("allowed", ())))
    for match in _NAMED.finditer(text):
        if not match.group().startswith(("Dr", "Doctor")) and _NOT_NAMES.search(match.group()):
            continue
        if any(pattern.fullmatch(match.group()) for pattern in allowed):
            continue
        yield context.finding(how.body.sub(*match.span()), name=match.group())
