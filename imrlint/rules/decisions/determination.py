"""Decision rules on each disputed item's determination (IMR201-IMR207, IMR213): its label, its
guideline lines, its rationale and the conclusion the rationale states."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from imrlint.model.conclusions import NECESSARY, NOT_NECESSARY, necessity_statements
from imrlint.rules.base import RuleContext, rule
from imrlint.rules.legal_wording import conclusion_sentence_bounds

if TYPE_CHECKING:
    from imrlint.model.letter import Item, Letter
    from imrlint.rules.findings import Finding


LABEL_MEANING = {"Upheld": NOT_NECESSARY, "Overturned": NECESSARY}


def rationale_conclusion(item, reader):
    """The conclusion of an item's rationale, read once per letter for the rules that want it."""
    return item.rationale.derived(_conclusion, reader)


def _conclusion(rationale, reader):
    return reader.conclusion(rationale.text, necessity_statements(rationale, reader))


def _is_decision_word(text: str, words: frozenset[str]) -> bool:
    return " ".join(text.lower().split()) in words


@rule("IMR201", "missing-label")
def missing_label(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A disputed item's heading has no decision label.

    The IMR reviewer upholds or overturns the utilization review decision for each disputed
    item (Labor Code 4610.6; DWC); the label is how the letter states that outcome.  Without it
    the claims administrator cannot act on the item.

    Fix: end the heading with ": Upheld" (treatment not medically necessary) or ": Overturned"
    (treatment medically necessary), matching the rationale's conclusion.
    """
    words = context.knowledge.decision_words
    for item in letter.items:
        if item.label is None and not (item.label_candidate and _is_decision_word(item.label_candidate.text, words)):
            yield context.finding(item.heading, item=item, title=item.title)


@rule("IMR202", "invalid-label")
def invalid_label(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A disputed item's decision label is neither "Upheld" nor "Overturned".

    IMR has exactly two outcomes: the reviewer upholds or overturns the UR decision (DWC; Labor
    Code 4610.6).  Words such as "Denied", "Modified" or "Partially upheld" are UR or court
    vocabulary and leave the outcome ambiguous.  A partial authorization is expressed in the
    heading's wording ("The remaining IMR eligible portion ... is: Upheld"), not in the label.

    Fix: replace the label with "Upheld" or "Overturned".
    """
    words = context.knowledge.decision_words
    for item in letter.items:
        candidate = item.label_candidate
        if item.label is None and candidate is not None and _is_decision_word(candidate.text, words):
            yield context.finding(candidate, item=item, label=candidate.text)


@rule("IMR203", "missing-guideline")
def missing_guideline(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A disputed item lacks its "Claims Administrator guideline:" or "MAXIMUS guideline:" line,
    or the line is empty.

    The determination must show the standard each side relied on: the claims administrator's
    (UR's) guideline and the one the expert reviewer applied, ranked as Labor Code 4610.5(c)(2)
    requires.  When no evidence was cited, the letter says so ("The Claims Administrator did not
    cite any medical evidence for its decision.").

    Fix: add the line with the guideline cited, or the statement that none was cited.
    """
    for item in letter.items:
        for guideline, field in (
            (item.claims, "Claims Administrator guideline:"),
            (item.maximus, "MAXIMUS guideline:"),
        ):
            if guideline is None:
                yield context.finding(item.heading, item=item, problem="has no", field=field, title=item.title)
            elif not guideline.content.text:
                yield context.finding(
                    guideline.keyword, item=item, problem="has an empty", field=field, title=item.title
                )


@rule("IMR204", "missing-rationale")
def missing_rationale(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A disputed item lacks its "Decision rationale:", or the rationale is empty.

    The reviewer's determination must state its reasons for each disputed item, based on the
    worker's medical needs (Labor Code 4610.6(c); 8 CCR 9792.10.6(d)).

    Fix: add the rationale for the item.
    """
    for item in letter.items:
        if item.rationale is None:
            yield context.finding(item.heading, item=item, problem="has no", title=item.title)
        elif not item.rationale.text:
            keyword_end = item.rationale.start
            yield context.finding(
                letter.document.span(keyword_end - len("Decision rationale:"), keyword_end),
                item=item,
                problem="has an empty",
                title=item.title,
            )


@rule("IMR205", "missing-conclusion")
def missing_conclusion(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A rationale states no explicit medical-necessity conclusion.

    The reviewer determines whether the disputed treatment is medically necessary, and the
    determination states it (Labor Code 4610.6(c); 8 CCR 9792.10.6(d)).  A rationale that only
    discusses the guidelines leaves the worker without the answer.  Conclusions are recognised in
    every phrasing listed in rules/phrases.yaml ("is not medically necessary", "cannot be
    considered medically necessary", "the record does not demonstrate medical necessity",
    "Medical necessity has not been established"), and in other words about the request ("the
    request is not necessary", "... is not medically appropriate") or an opening "No, ..." /
    "Yes, ...", which nonstandard-conclusion (IMR213) reports instead.

    Fix: end the rationale with an explicit conclusion on the item's medical necessity.
    """
    reader = context.knowledge.conclusions
    for item in letter.items:
        if item.rationale is not None and item.rationale.text and rationale_conclusion(item, reader) is None:
            yield context.finding(item.rationale, item=item, title=item.title)


@rule("IMR206", "conclusion-contradicts-label")
def conclusion_contradicts_label(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The rationale's conclusion contradicts the item's label (Upheld = not medically necessary,
    Overturned = medically necessary).

    "Upheld" means the UR denial stands: the treatment is not medically necessary; "Overturned"
    means it is medically necessary (Labor Code 4610.6(c); DWC).  A label that says one thing and
    a rationale that says the other is the most harmful error a letter can carry: the worker and
    the claims administrator read opposite outcomes.  The rationale's conclusion is its last
    necessity statement, read with its negations (rules/phrases.yaml), so "is determined to
    not be medically necessary" and "cannot be considered medically necessary" are negative and
    "the record does document the medical necessity" is positive.

    Fix: correct whichever is wrong, the label or the conclusion.
    """
    reader = context.knowledge.conclusions
    for item in letter.items:
        if item.label is None or item.decision not in LABEL_MEANING or item.rationale is None:
            continue
        conclusion = rationale_conclusion(item, reader)
        if conclusion is None or conclusion.meaning == LABEL_MEANING[item.decision]:
            continue
        wording = item.rationale.text[conclusion.start : conclusion.end]
        other = "Overturned" if item.decision == "Upheld" else "Upheld"
        yield context.finding(
            item.label,
            item=item,
            related=[item.rationale.sub_span(conclusion.start, conclusion.end)],
            label=item.decision,
            conclusion=wording,
            meaning=conclusion.meaning,
            fix=f"label the item '{other}' or correct the rationale's conclusion (line "
            f"{item.rationale.sub_span(conclusion.start, conclusion.end).line})",
        )


_PUNCT_TO_SPACE = str.maketrans(".,;:", "    ")


def _item_key(item) -> str:
    """The item's name in lower case, trimmed, each run of whitespace and . , ; : one space."""
    return " ".join(item.name.text.lower().translate(_PUNCT_TO_SPACE).split())


@rule("IMR207", "duplicate-item")
def duplicate_item(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """The same disputed item is decided more than once.

    Each disputed item gets one determination (Labor Code 4610.6(c)); deciding it twice, possibly
    with different labels, makes the letter ambiguous and open to appeal.  Items are compared by heading (case, spacing
    and punctuation ignored).

    Fix: remove the repeated item, or correct its heading if it is a different request.
    """
    first: dict[str, Item] = {}
    for item in letter.items:
        key = _item_key(item)
        if not key:
            continue
        if key in first:
            yield context.finding(item.heading, item=item, first_line=first[key].heading.span.line, title=item.title)
        else:
            first[key] = item


@rule("IMR213", "nonstandard-conclusion")
def nonstandard_conclusion(letter: Letter, context: RuleContext) -> Iterator[Finding]:
    """A rationale concludes on the request in other words than whether it is medically necessary.

    The reviewer determines whether the disputed treatment is medically necessary (Labor Code
    4610.6(c); 8 CCR 9792.10.6(d)), and the label is read against that determination.  A rationale
    whose only conclusion is "the request is not necessary", "is not medically appropriate" or
    an opening "No," answers the question, so it is not missing-conclusion (IMR205) and its
    meaning is still checked against the label (IMR206); but it does not say it in the statute's
    terms, which leaves room to argue what was decided.

    Fix: state the conclusion as whether the request is medically necessary.
    """
    reader = context.knowledge.conclusions
    for item in letter.items:
        if item.rationale is None:
            continue
        conclusion = rationale_conclusion(item, reader)
        if conclusion is None or conclusion.standard:
            continue
        yield context.finding(
            item.rationale.sub_span(conclusion.start, conclusion.end),
            item=item,
            title=item.title,
            conclusion=item.rationale.text[conclusion.start : conclusion.end],
            meaning=conclusion.meaning,
        )


def conclusion_sentences(item, reader) -> list:
    """The sentences of an item's rationale that state whether the request is medically
    necessary (a conclusion may come first, last or both): what the rationale decides, rather
    than the quantities its history or the guidelines speak of.  Read once per letter for the
    rules that want them."""
    rationale = item.rationale
    if rationale is None or not rationale.text:
        return []
    return rationale.derived(_conclusion_sentences, reader)


def _conclusion_sentences(rationale, reader) -> list:
    return [rationale.sub(start, end) for start, end in conclusion_sentence_bounds(rationale, reader)]
