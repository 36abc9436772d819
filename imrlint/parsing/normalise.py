"""Normalisation: the text the grammar sees.

Letters arrive with CRLF line ends, form feeds from pdftotext, non-breaking spaces and other
Unicode spacing.  Every substitution here replaces one character by exactly one character, so an
offset in the normalised text is the same offset in the user's text and every reported line and
column stays exact without a position map.
"""

from __future__ import annotations

import re

# Other vertical or unusual spacing is a space.
_SPACING = re.compile(r"[\f\v\x00-\x08\x0e-\x1f\x7f\x85\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]")
# The same substitution for ASCII text (most letters), where str.translate beats a regex scan.
_ASCII_SPACING = str.maketrans({chr(code): " " for code in range(128) if _SPACING.match(chr(code))})


def normalise(text: str) -> str:
    """Return ``text`` with the same length and line structure, in the form the grammar expects."""
    # a CRLF's carriage return becomes a space, a lone one (a line break in editors) a newline
    text = text.replace("\r\n", " \n").replace("\r", "\n")
    if text.isascii():
        return text.translate(_ASCII_SPACING)
    return _SPACING.sub(" ", text)
