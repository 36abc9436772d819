"""Decision rules on each item's quantity (IMR208, IMR209, IMR214): the quantity decided against
the rationale's conclusions and the summary's account, and a partial authorization's arithmetic
and strength."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.model.facts import letter_facts, sentence_around
from imrlint.model.quantities import NUMBER_WORDS_PATTERN, Quantity, find_quantities, quantities_by_kind
from imrlint.rules.base import RuleContext, rule
from imrlint.rules.decisions.determination import conclusion_sentences
from imrlint.rules.decisions.naming import find_variants, item_vocabulary

if TYPE_CHECKING:
    from imrlint.model.letter import Letter
    from imrlint.rules.findings import Finding


# A mention of the item that states the request: after "request(ed) for", "prescription of",
# ... or followed by the conclusion ("... #120 is not medically necessary").
_REQUEST_BEFORE = re.compile(
    r"(?=[adnpr])\b(?:request(?:ed|s)?|prescription|prescribed|authori[sz]ation|non-?\s?certif\w*|noncertif\w*|denied|appeal(?:ed)?|review\s+of)\b[^.;]{0,50}$",
    re.IGNORECASE,
)


_CONCLUSION_AFTER = re.compile(
    r"[^.;]{0,90}?\b(?:is|was|are|were)\s+(?:not\s+)?(?:medically|considered|determined|certified|supported)\b",
    re.IGNORECASE,
)


# What UR allowed, not what was requested: "modified ... to Norco #81", "authorized Norco #25".
_ALLOWED_BEFORE = re.compile(
    r"(?=[act])(?:\bto|(?<!non-)(?<!non)\b(?:authori[sz]ed|certified|approved|allowed))\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)


# Every quantity states a number, in digits or in words ("#120", "six sessions"): what holds
# neither states none.  Searched in lower-case text (a number word counts as the lower-case key of
# WORD_NUMBERS it is read as), which is scanned several times faster than with case ignored.
_NUMBER = re.compile(rf"\d|{NUMBER_WORDS_PATTERN}")


_MENTION_END = re.compile(r"(?=[.;,)\s])(?:[.;](?!\d)|,?\s+(?:and|to|or|with)\s+(?!\d|refills?\b)|\))", re.IGNORECASE)


def _request_quantities(passage, variants: tuple[str, ...], kinds: set[str]) -> list[tuple[int, int, Quantity]]:
    """(start, end, quantity) of the quantities stated with the item's requests in the passage's
    text (its lower-case form is shared by every item that reads the summary)."""
    text = passage.text
    found = []
    if variants:
        lower = passage.lower
        for start, after_start in find_variants(lower, variants):
            window_end = min(len(text), after_start + 90)
            stop = _MENTION_END.search(text, after_start, window_end)
            segment_end = stop.start() if stop else window_end
            # most mentions state no quantity (no number follows them): their context need not be read
            if not _NUMBER.search(lower, after_start, segment_end):
                continue
            before = text[max(0, start - 80) : start]
            if not (_REQUEST_BEFORE.search(before) or _CONCLUSION_AFTER.match(text, after_start)):
                continue
            if _ALLOWED_BEFORE.search(before):
                continue
            for quantity in find_quantities(text[after_start:segment_end]):
                if quantity.kind in kinds:
                    found.append((after_start + quantity.start, after_start + quantity.end, quantity))
    return sorted(found, key=lambda entry: entry[0])


# "a request for an additional 8 sessions": what a rationale says is requested beyond what UR
# authorized, which after a partial authorization is the remaining portion.
_ADDITIONAL = re.compile(r"(?=[afr])\b(?:additional|further|remaining)\s+", re.IGNORECASE)


_REQUEST_WORD = re.compile(r"\brequest(?:ed|s)?\b", re.IGNORECASE)


def _additional_quantities(item, wanted, context):
    """Findings for a partial authorization's rationale that calls another quantity than the
    remaining portion the one requested beyond what UR authorized."""
    rationale = item.rationale
    if rationale is None or not rationale.text:
        return
    text = rationale.text
    for match in _ADDITIONAL.finditer(text):
        start, end = sentence_around(text, match.start())
        if not _REQUEST_WORD.search(text, start, end):
            continue
        following = find_quantities(text[match.end() : min(end, match.end() + 40)])
        if not following or following[0].start > 0 or following[0].kind not in wanted:
            continue
        quantity = following[0]
        if any(quantity.value == stated.value for stated in wanted[quantity.kind]):
            continue
        remaining = wanted[quantity.kind][0]
        yield context.finding(
            rationale.sub(match.start(), match.end() + quantity.end),
            item=item,
            found=text[match.start() : match.end() + quantity.end],
            source="the rationale",
            heading=item.partial.remaining.text[remaining.start : remaining.end],
            title=item.title,
            line=item.heading.span.line,
        )
        return


@rule("IMR208", "quantity-mismatch")
def quantity_mismatch(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The quantity in an item's heading differs from the one its rationale's conclusion or the
    summary's account of the UR decision states for the request.

    The heading says what is decided: "Norco 10/325mg #120" is a decision on 120 tablets.  When
    the rationale concludes on "Norco 10/325mg #90", or the summary reports that UR denied
    "#90", the worker cannot tell which quantity was decided.  Quantities are read as "#120",
    "# 180", "QTY: 2", "x 12", "60 count", "six sessions", "2 times a week for 6 weeks" (12) and
    "2 refills"; only mentions of the request are compared ("the request for Norco #90", "Norco
    #90 is not medically necessary"), and only in the rationale's sentences that conclude on
    medical necessity and in the summary's account of the UR decision: not the history of earlier
    requests, guideline quotes or what UR allowed ("modified to #81").  For a partial
    authorization the rationale's conclusion is compared with the remaining portion the heading
    decides ("leaving 2 sessions" against "an additional 8 sessions"), a conclusion on the whole
    original request being no mismatch; its arithmetic is partial-authorization-arithmetic's.

    Fix: make the heading, the summary and the rationale state the quantity that was requested.
    """
    reader = context.knowledge.conclusions
    ur_statements = letter_facts(letter).ur_statements if letter.summary is not None else []
    for item, name in zip(letter.items, item_vocabulary(context).names(letter), strict=False):
        decided = item.partial.remaining if item.partial is not None else item.name
        if not _NUMBER.search(decided.lower):
            continue
        wanted = quantities_by_kind(decided.text)
        if not wanted:
            continue
        if not name.terms:
            continue
        variants = name.key_variants
        values = {kind: {quantity.value for quantity in quantities} for kind, quantities in wanted.items()}
        sources = [(sentence, "the rationale's conclusion") for sentence in conclusion_sentences(item, reader)]
        if item.partial is not None:
            yield from _additional_quantities(item, wanted, context)
            for kind, quantities in quantities_by_kind(item.partial.original.text).items():
                values.setdefault(kind, set()).update(quantity.value for quantity in quantities)
        else:
            sources += [(statement, "the summary's account of the UR decision") for statement in ur_statements]
        for passage, source in sources:
            if passage is None or not passage.text:
                continue
            stated = _request_quantities(passage, variants, set(values))
            if not stated or any(quantity.value in values[quantity.kind] for _, _, quantity in stated):
                continue
            start, end, quantity = stated[0]
            if quantity.kind not in wanted:
                continue
            heading = next(q for q in wanted[quantity.kind])
            yield context.finding(
                passage.sub(start, end),
                item=item,
                found=passage.text[start:end],
                source=source,
                heading=decided.text[heading.start : heading.end],
                title=item.title,
                line=item.heading.span.line,
            )


@rule("IMR209", "partial-authorization-arithmetic")
def partial_authorization_arithmetic(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A partial authorization's remaining portion is not the original request less what was
    authorized.

    When UR authorized part of a request, the heading states all three: "Norco 10/325mg #60 was
    the original request. Norco 10/325mg #25 was authorized by the Claims Administrator. The
    remaining IMR eligible portion of the original request, Norco 10/325mg #35 is: Upheld".  IMR
    decides only the remaining portion (Labor Code 4610.5(d): the disputed medical treatment), so
    it must be exactly original - authorized; any other number decides a quantity nobody
    requested or leaves part of the dispute undecided.  The check runs when each of the three
    parts states exactly one quantity of the same kind (tablets "#60", sessions "8 sessions" /
    "2 times a week for 3 weeks (6)", refills); a kind that is the same in all three parts (the
    "#90" of "Two refills of Ibuprofen 600mg #90") is not what was split.

    Fix: correct the quantity that is wrong (usually the remaining portion).
    """
    for item in letter.items:
        partial = item.partial
        if partial is None or partial.whole:
            continue
        parts = [
            quantities_by_kind(passage.text) for passage in (partial.original, partial.authorized, partial.remaining)
        ]
        for kind in ("count", "sessions", "refills"):
            original, authorized, remaining = (part.get(kind, []) for part in parts)
            if kind == "refills" and original and remaining and not authorized:
                authorized_value = 0
            elif len(authorized) == 1:
                authorized_value = authorized[0].value
            else:
                continue
            if len(original) != 1 or len(remaining) != 1:
                continue
            values = (original[0].value, authorized_value, remaining[0].value)
            if values[0] == values[1] == values[2]:
                continue
            if values[0] - values[1] != values[2]:
                where = partial.remaining.sub(remaining[0].start, remaining[0].end)
                yield context.finding(
                    where,
                    item=item,
                    original=values[0],
                    authorized=values[1],
                    remaining=values[2],
                    expected=values[0] - values[1],
                )


# A strength: "10/325mg", "7.5 mg", "0.0325%", "5 mg/ml"; an amount ("240 grams") is no strength.
_STRENGTH = re.compile(r"(?<![\d./])(\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?)*)\s*(mg|mcg|%)(?![a-z])", re.IGNORECASE)


def _strengths(text: str) -> set[str]:
    return {
        " ".join(match.group(1).split()).replace(" ", "") + match.group(2).lower() for match in _STRENGTH.finditer(text)
    }


@rule("IMR214", "partial-strength-mismatch")
def partial_strength_mismatch(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A partial authorization's remaining portion names another strength than the original request.

    The remaining IMR eligible portion is part of the original request (Labor Code 4610.5(d): IMR
    decides the disputed part of the request): the same drug at the same strength, fewer units.
    A heading whose remaining portion names another strength ("Norco 10/325mg #60 was the
    original request ... the remaining IMR eligible portion of the original request, Norco
    7.5/325mg #35") decides a medication nobody requested, or misstates the request.

    Fix: state the original request's strength in the remaining portion, or correct the original.
    """
    for item in letter.items:
        if item.partial is None:
            continue
        original, remaining = _strengths(item.partial.original.text), _strengths(item.partial.remaining.text)
        if original and remaining and not remaining <= original:
            found = next(
                match
                for match in _STRENGTH.finditer(item.partial.remaining.text)
                if _strengths(match.group()) - original
            )
            yield context.finding(
                item.partial.remaining.sub(*found.span()),
                item=item,
                found=found.group(),
                original=", ".join(sorted(original)),
            )
