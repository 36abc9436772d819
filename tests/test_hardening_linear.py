"""Work grows linearly with the letter: letters with many items or quantities are checked in
steps proportional to their size.  Work is counted as the Python steps run in the module under
test (a trace of its frames), never timed, so the limits hold on any machine."""

from __future__ import annotations

import string
import sys

from imrlint.input.document import Document
from imrlint.model.quantities import find_quantities

from conftest import SEEDS, findings_of

SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"


def steps_in(module_file: str, call) -> int:
    """How many Python trace events (calls, lines, returns) ``call()`` runs in frames of the
    source file ending with ``module_file``."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        count += 1
        return local

    def global_trace(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename.endswith(module_file):
            count += 1
            return local
        return None

    sys.settrace(global_trace)
    try:
        call()
    finally:
        sys.settrace(None)
    return count


def grows_linearly(module_file: str, call_with_size, size: int) -> tuple[int, int]:
    """(steps at ``size``, steps at twice ``size``): a linear path at most about doubles."""
    return steps_in(module_file, lambda: call_with_size(size)), steps_in(module_file, lambda: call_with_size(2 * size))


def _name(index: int) -> str:
    """A made-up drug name of letters only, different for each index ("Qbaaaa", "Qcaaaa", ...)."""
    letters = []
    for _ in range(5):
        index, rest = divmod(index, 26)
        letters.append(string.ascii_lowercase[rest])
    return "Q" + "".join(letters)


def letter_with_items(count: int) -> str:
    """Seed 001 (whose summary says UR non-certified Norco and Fexmid) with ``count`` more items
    like its Fexmid one, each a made-up drug the summary does not name."""
    text = SEED_001.read_text(encoding="utf-8")
    start, end = text.index("FEXMID 7.5 MG #30"), text.index("PERMANENT IMPLANTATION")
    block = text[start:end]
    added = "".join(
        block.replace("FEXMID", _name(index).upper()).replace("Fexmid", _name(index)) for index in range(count)
    )
    return text[:end] + added + text[end:]


def test_items_the_ur_decision_does_not_name_are_found_in_linear_work(linter):
    # IMR212 once compared every unnamed item with every other item
    def lint(count):
        findings = linter.lint_document(Document("letter.txt", letter_with_items(count))).findings
        assert len(findings_of(findings, "IMR212")) == count + 1  # the stimulator and the made-up drugs

    small, large = grows_linearly("rules/decisions/names.py", lint, 150)
    assert large < 2.3 * small


def test_heading_words_are_looked_up_in_linear_work(linter):
    # IMR210 once searched the letter's rationales from the start for each heading word: a word
    # written only inside a longer one ("stimulators") was found again and again in every item.
    def lint(count):
        text = (
            letter_with_items(count)
            .replace("7.5 MG #30", "STIMULATOR 7.5 MG #30")
            .replace("muscle relaxant", "stimulators")
        )
        findings = linter.lint_document(Document("letter.txt", text)).findings
        assert findings_of(findings, "IMR210") == []

    small, large = grows_linearly("rules/decisions/names.py", lint, 150)
    assert large < 2.3 * small


def test_overlapping_quantities_are_resolved_in_linear_work():
    # Each quantity was compared with every quantity found before it.
    def find(count):
        assert len(find_quantities("Norco #1, " * count)) == count

    small, large = grows_linearly("quantities.py", find, 400)
    assert large < 2.3 * small
