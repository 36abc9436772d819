"""The grammar parses every bundled real letter into the hand-checked items and labels."""

from __future__ import annotations

import pytest

from imrlint.input.document import Document
from imrlint.model.letter import build_letter

from conftest import EXPECTED_ITEMS, shared_letter

pytestmark = pytest.mark.corpus  # every bundled letter: `pytest -m 'not corpus'` leaves it out


def test_table_covers_every_shared_letter(shared):
    letters = {f"seeds/{path.name}" for path in (shared / "seeds").glob("*.txt")}
    letters |= {f"corpus/{path.name}" for path in (shared / "corpus" / "text").glob("*.txt")}
    assert letters == set(EXPECTED_ITEMS)
    assert sum(len(items) for items in EXPECTED_ITEMS.values()) == 157


@pytest.mark.parametrize("key", sorted(EXPECTED_ITEMS))
def test_items_and_labels_match_hand_checked_table(shared, key):
    path = shared_letter(key)
    letter = build_letter(Document(str(path), path.read_text(encoding="utf-8")))
    assert letter.parse_errors == ()
    assert [section.kind for section in letter.sections] == ["how", "summary", "issues"]
    expected = EXPECTED_ITEMS[key]
    assert [(item.name.text, item.decision) for item in letter.items] == [
        (entry["name"], entry["label"]) for entry in expected
    ]
    for item in letter.items:
        assert item.claims is not None and item.claims.content.text
        assert item.maximus is not None and item.maximus.content.text
        assert item.rationale is not None and item.rationale.text.strip()
