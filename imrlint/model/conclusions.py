"""Reading a rationale's medical-necessity conclusion, with the phrase lists of rules/phrases.yaml."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

NECESSARY = "medically necessary"
NOT_NECESSARY = "not medically necessary"


@dataclass(frozen=True)
class Conclusion:
    """A conclusion found in a text: its meaning and where it is (offsets into that text).

    ``standard`` is False for a conclusion in other words than the statute's: the request "is not
    necessary", "is not medically appropriate", or only an opening "No, ..." / "Yes, ...".
    """

    meaning: str  # NECESSARY or NOT_NECESSARY
    start: int
    end: int
    standard: bool = True


def necessity_statements(passage, reader: ConclusionReader) -> list[tuple[Conclusion, bool]]:
    """:meth:`ConclusionReader.statements` of a passage's text, read once per passage: several
    rules read a rationale's statements (its conclusion, the sentences that state it)."""
    return passage.derived(_passage_statements, reader)


def _passage_statements(passage, reader: ConclusionReader) -> list[tuple[Conclusion, bool]]:
    return reader.statements(passage.text)


class ConclusionReader:
    """Finds the medical-necessity conclusion of a rationale (phrase lists: rules/phrases.yaml)."""

    def __init__(self, phrases: dict[str, Any]):
        flags = re.IGNORECASE
        self.anchor = _union(phrases["anchors"], flags)
        self.noun_anchor = _union(phrases["noun_anchors"], flags)
        # The anchors are looked for in every rationale, whole.  A case-insensitive pattern is
        # tried at every character, while a case-sensitive one is only tried where its literal
        # start is (the regex engine finds that in C): the anchors are also compiled for ASCII
        # text lower-cased, where they mean the same, when they can be (None otherwise).
        self.lower_anchor = _lower_union(phrases["anchors"])
        self.lower_noun_anchor = _lower_union(phrases["noun_anchors"])
        self.noun_cues_before = [re.compile(pattern, flags) for pattern in phrases["noun_cues_before"]]
        self.noun_cues_after = [re.compile(pattern, flags) for pattern in phrases["noun_cues_after"]]
        self.before = _union(phrases["negations_before"], flags)
        self.after = [re.compile(pattern, flags) for pattern in phrases["negations_after"]]
        self.boundary = re.compile(phrases["clause_boundary"])
        self.window_words = int(phrases["window_words"])
        self.opener_negative = [re.compile(pattern, flags) for pattern in phrases["openers"]["negative"]]
        self.opener_positive = [re.compile(pattern, flags) for pattern in phrases["openers"]["positive"]]
        self.other_anchor = _union(phrases["other_anchors"], flags)
        self.request_subject = _union(phrases["request_subjects"], flags)
        self.criterion = _union(phrases["criteria"], flags)

    def conclusions(self, text: str) -> list[Conclusion]:
        """Every necessity statement in ``text``, in order, each read as positive or negative."""
        return [conclusion for conclusion, _ in self.statements(text)]

    def statements(self, text: str) -> list[tuple[Conclusion, bool]]:
        """Every necessity statement in ``text``, in order, read as positive or negative, each with
        whether it is a guideline's criterion ("... is medically necessary when ...")."""
        read = []
        for match, adjective in self._statements(text):
            found = self._read(text, match, adjective)
            if found is not None:
                read.append((found, self.criterion.match(text, match.end()) is not None))
        return read

    def conclusion(self, text: str, statements: list[tuple[Conclusion, bool]] | None = None) -> Conclusion | None:
        """The rationale's conclusion: its last necessity statement that is not a guideline's
        criterion (if all are, the last of them), else its last statement about the request in
        other words ("the request is not necessary"), else its opening Yes/No.  ``statements``
        are :meth:`statements` of ``text``, when the caller has them."""
        statements = self.statements(text) if statements is None else statements
        found = next((conclusion for conclusion, criterion in reversed(statements) if not criterion), None)
        if found is None and statements:
            found = statements[-1][0]
        if found is not None:
            return found
        for match in reversed(list(self.other_anchor.finditer(text))):
            statement = self._read_other(text, match)
            if statement is not None:
                return statement
        for patterns, meaning in ((self.opener_negative, NOT_NECESSARY), (self.opener_positive, NECESSARY)):
            for pattern in patterns:
                opener = pattern.search(text)
                if opener:
                    return Conclusion(meaning, _skip_space(text, opener.start()), opener.end(), standard=False)
        return None

    def _read_other(self, text: str, match: re.Match[str]) -> Conclusion | None:
        """A statement in other words, anchored at ``match``: one only in a clause about the request
        ("the current request for ... is not medically appropriate"), read with its negations."""
        last_boundary = deque(self.boundary.finditer(text, 0, match.start()), maxlen=1)
        clause_start = last_boundary[0].end() if last_boundary else 0
        subject = deque(self.request_subject.finditer(text, clause_start, match.start()), maxlen=1)
        if not subject or self.criterion.match(text, match.end()):
            return None
        window = " ".join(text[subject[0].start() : match.start()].split()[-self.window_words :])
        negative = bool(self.before.search(window)) or any(
            pattern.search(text[match.end() :]) for pattern in self.after
        )
        return Conclusion(
            NOT_NECESSARY if negative else NECESSARY, _skip_space(text, clause_start), match.end(), standard=False
        )

    def _statements(self, text: str) -> list[tuple[re.Match[str], bool]]:
        """The anchors of necessity statements in ``text``, in order, each with whether it is the
        adjective ("medically necessary", always a statement) or the noun (one with a cue)."""
        ascii_lower = text.lower() if text.isascii() else None
        statements = [(match, True) for match in _scan(self.anchor, self.lower_anchor, text, ascii_lower)]
        statements += [(match, False) for match in _scan(self.noun_anchor, self.lower_noun_anchor, text, ascii_lower)]
        statements.sort(key=lambda statement: statement[0].start())
        return statements

    def _read(self, text: str, match: re.Match[str], adjective: bool) -> Conclusion | None:
        """The statement anchored at ``match``, read as positive or negative; None for a noun
        without a cue.  Only the last matches are wanted (the clause's last boundary, the last
        words of the window): keeping them in a bounded deque consumes the scans in C."""
        last_boundary = deque(self.boundary.finditer(text, 0, match.start()), maxlen=1)
        clause_start = last_boundary[0].end() if last_boundary else 0
        # The clause's last words, split off from its end: a long clause is split no further
        # than the window.
        clause = text[clause_start : match.start()]
        pieces = clause.rsplit(None, self.window_words)
        words = deque(pieces, maxlen=self.window_words)
        window = " ".join(words)
        tail = text[match.end() :]
        if not adjective and not (
            any(cue.search(window) for cue in self.noun_cues_before)
            or any(cue.search(tail) for cue in self.noun_cues_after)
        ):
            return None
        negative = bool(self.before.search(window)) or any(pattern.search(tail) for pattern in self.after)
        if words:
            # the first word of the window follows the unsplit rest of the clause, if there is one
            start = clause_start + clause.find(words[0], len(pieces[0]) if len(pieces) > len(words) else 0)
        else:
            start = match.start()
        return Conclusion(NOT_NECESSARY if negative else NECESSARY, start, match.end())


def _union(patterns: list[str], flags: int) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), flags)


# A pattern written only with these pieces matches ASCII text case-insensitively exactly where,
# case-sensitively, it matches that text lower-cased: no capital letters, no character ranges
# ("[.-_]" holds the capitals but not the small letters), no characters written by number
# ("\x41"), no "-" that could switch case-insensitivity off ("(?-i:...)").
_CASE_FREE = re.compile(
    r"(?:[a-z0-9 _,;:'\"()?*+|=!<>^$.{}]"
    r"|\\[sdwbSDWB.\-()?*+|{}\[\]]"
    r"|\[\^?(?:\\[sdwSDW.\-()\[\]]|[a-z0-9 _,;:'\".()?*+|{}$])*-?\])*"
)


def _lower_union(patterns: list[str]) -> re.Pattern[str] | None:
    """The case-sensitive union of ``patterns``, to scan ASCII text lower-cased with, or None
    when one of them may mean something else there."""
    if not all(_CASE_FREE.fullmatch(pattern) for pattern in patterns):
        return None
    return _union(patterns, 0)


def _scan(
    pattern: re.Pattern[str], lower_pattern: re.Pattern[str] | None, text: str, ascii_lower: str | None
) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` in ``text``: those of ``lower_pattern`` in ``ascii_lower`` (the
    text lower-cased, None unless it is ASCII) when there are both, at the same offsets."""
    if lower_pattern is not None and ascii_lower is not None:
        return lower_pattern.finditer(ascii_lower)
    return pattern.finditer(text)


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " ,":
        index += 1
    return index
