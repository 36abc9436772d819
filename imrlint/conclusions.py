"""Reading a rationale's medical-necessity conclusion, with the phrase lists of rules/phrases.yaml."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from typing import Any


NECESSARY = "medically necessary"
NOT_NECESSARY = "not medically necessary"


@dataclass(frozen=True)
class Conclusion:
    """A conclusion found in a text: its meaning and where it is (offsets into that text)."""

    meaning: str  # NECESSARY or NOT_NECESSARY
    start: int
    end: int


class ConclusionReader:
    """Finds the medical-necessity conclusion of a rationale (phrase lists: rules/phrases.yaml)."""

    def __init__(self, phrases: dict[str, Any]):
        flags = re.IGNORECASE
        self.anchor = _union(phrases["anchors"], flags)
        self.noun_anchor = _union(phrases["noun_anchors"], flags)
        self.noun_cues_before = [re.compile(pattern, flags) for pattern in phrases["noun_cues_before"]]
        self.noun_cues_after = [re.compile(pattern, flags) for pattern in phrases["noun_cues_after"]]
        self.before = _union(phrases["negations_before"], flags)
        self.after = [re.compile(pattern, flags) for pattern in phrases["negations_after"]]
        self.boundary = re.compile(phrases["clause_boundary"])
        self.window_words = int(phrases["window_words"])
        self.opener_negative = [re.compile(pattern, flags) for pattern in phrases["openers"]["negative"]]
        self.opener_positive = [re.compile(pattern, flags) for pattern in phrases["openers"]["positive"]]

    def conclusions(self, text: str) -> list[Conclusion]:
        """Every necessity statement in ``text``, in order, each read as positive or negative."""
        found = (self._read(text, match, adjective) for match, adjective in self._statements(text))
        return [conclusion for conclusion in found if conclusion is not None]

    def conclusion(self, text: str) -> Conclusion | None:
        """The rationale's conclusion: its last necessity statement, else its opening Yes/No."""
        for match, adjective in reversed(self._statements(text)):  # the last that concludes wins
            found = self._read(text, match, adjective)
            if found is not None:
                return found
        for patterns, meaning in ((self.opener_negative, NOT_NECESSARY), (self.opener_positive, NECESSARY)):
            for pattern in patterns:
                match = pattern.search(text)
                if match:
                    return Conclusion(meaning, _skip_space(text, match.start()), match.end())
        return None

    def _statements(self, text: str) -> list[tuple[re.Match[str], bool]]:
        """The anchors of necessity statements in ``text``, in order, each with whether it is the
        adjective ("medically necessary", always a statement) or the noun (one with a cue)."""
        statements = [(match, True) for match in self.anchor.finditer(text)]
        statements += [(match, False) for match in self.noun_anchor.finditer(text)]
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
        if not adjective and not (any(cue.search(window) for cue in self.noun_cues_before) or any(cue.search(tail) for cue in self.noun_cues_after)):
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


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " ,":
        index += 1
    return index
