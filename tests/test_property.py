"""Property-based tests: no input makes imrlint raise, and every position lies inside the file."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imrlint.input.document import Document
from imrlint.input.read import read_bytes

from conftest import EXPECTED_ITEMS, shared_letter

LETTERS = [shared_letter(key).read_bytes() for key in sorted(EXPECTED_ITEMS)]
KEY_LINES = [
    "HOW THE IMR FINAL DETERMINATION WAS MADE",
    "CLINICAL CASE SUMMARY",
    "IMR ISSUES, DECISIONS AND RATIONALES",
    "Claims Administrator guideline: Decision based on MTUS Chronic Pain Medical Treatment 2016",
    "MAXIMUS guideline:",
    "Decision rationale:",
    "Knee MRI: Upheld",
    "Overturned",
    "State(s) of Licensure:",
    "Page(s): 78-76, 999",
]


def damage(data: bytes, rng: random.Random, operations: int) -> bytes:
    lines = data.split(b"\n")
    for _ in range(operations):
        choice = rng.randrange(5)
        if not lines:
            lines = [b""]
        index = rng.randrange(len(lines))
        if choice == 0:
            del lines[index]
        elif choice == 1:
            lines.insert(index, lines[rng.randrange(len(lines))])
        elif choice == 2:
            lines[index] = lines[index][: rng.randrange(len(lines[index]) + 1)]
        elif choice == 3 and lines[index]:
            position = rng.randrange(len(lines[index]))
            line = bytearray(lines[index])
            line[position] ^= 1 << rng.randrange(8)
            lines[index] = bytes(line)
        else:
            lines.insert(index, rng.choice(KEY_LINES).encode())
    data = b"\n".join(lines)
    if rng.random() < 0.2:
        data = data[: rng.randrange(len(data) + 1)]
    return data


def assert_positions_inside(linter, data: bytes) -> None:
    result = read_bytes(data, "letter.txt")
    report = linter.lint_bytes(data, "letter.txt")
    document = result.document or Document("letter.txt", "")
    for finding in report.findings:
        span = finding.span
        assert 1 <= span.line <= span.end_line <= document.line_count
        assert span.column >= 1 and span.end_column >= 1
        assert (span.line, span.column) <= (span.end_line, span.end_column)
        assert span.column <= len(document.line_text(span.line)) + 1
        assert span.end_column <= len(document.line_text(span.end_line)) + 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_random_bytes(linter, data):
    assert_positions_inside(linter, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(list("ab :\n\r\t\f\ufeff\u00a0.-#0123456789") + KEY_LINES), max_size=80).map("".join))
def test_random_text_made_of_letter_pieces(linter, text):
    assert_positions_inside(linter, text.encode("utf-8"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.integers(min_value=0, max_value=len(LETTERS) - 1),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=1, max_value=12),
)
def test_damaged_real_letters(linter, letter, seed, operations):
    assert_positions_inside(linter, damage(LETTERS[letter], random.Random(seed), operations))
