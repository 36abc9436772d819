"""Normalisation: the text the grammar sees.

Letters arrive with CRLF line ends, form feeds from pdftotext, non-breaking spaces and other
Unicode spacing.  Every substitution here replaces one character by exactly one character, so an
offset in the normalised text is the same offset in the user's text and every reported line and
column stays exact without a position map.
"""

from __future__ import annotations

import re

_CRLF = re.compile(r"\r\n")
# Lone carriage returns are line breaks in editors; other vertical or unusual spacing is a space.
_LONE_CR = re.compile(r"\r")
_SPACING = re.compile(r"[\f\v\x00-\x08\x0e-\x1f\x7f\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]")


def normalise(text: str) -> str:
    """Return ``text`` with the same length and line structure, in the form the grammar expects."""
    text = _CRLF.sub(" \n", text)
    text = _LONE_CR.sub("\n", text)
    return _SPACING.sub(" ", text)
