"""The fixes rules carry: their exact edits on real letters with injected defects, and that
applying them restores the letter, byte for byte, with the finding gone.  Legal wording (a
label, a rationale's conclusion) is never rewritten: a fix that would touch it is display-only."""

from __future__ import annotations

import pytest

from imrlint.fix.edits import apply_fixes
from imrlint.input.document import Document, Span
from imrlint.rules.findings import Edit, Fix, removal

from conftest import CORPUS, SEEDS, edited, findings_of, real_letters

MRI = CORPUS / "CM16-0213037.txt"
SEED_000 = SEEDS / "000_8aa5183601f98bf9.txt"
SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"
SEED_004 = SEEDS / "004_2a473cbf33bb0773.txt"


@pytest.fixture
def lint_all(linter_with):
    """Lint with every rule on (the off-by-default IMR604 too)."""
    return linter_with("select: [ALL]\n")


def fixed(text: str, findings, unsafe: bool = False) -> str:
    return apply_fixes(text, Document("letter.txt", text).line_starts, findings, unsafe).text


def the_fix(findings, code: str) -> Fix:
    (finding,) = findings_of(findings, code)
    assert finding.fix is not None
    return finding.fix


def test_pages_out_of_order_are_listed_in_order(lint_all):
    text = SEED_004.read_text(encoding="utf-8")
    findings = lint_all(text)
    assert the_fix(findings, "IMR312") == Fix(
        "list the pages in order, each once", (Edit(Span(91, 68, 91, 96), "60, 61, 76-78, 80, 81, 88, 89"),)
    )
    after = fixed(text, findings_of(findings, "IMR312"))
    assert after == text.replace("60, 61, 76-78, 88,89, 80, 81.", "60, 61, 76-78, 80, 81, 88, 89.")
    assert findings_of(lint_all(after), "IMR312") == []


def test_a_repeated_page_is_listed_once(lint_all):
    text = edited(SEED_000, ("Opioids Page(s): 91, 76-78.", "Opioids Page(s): 76-78; 91, 77 and 76-78."))
    findings = lint_all(text)
    assert the_fix(findings, "IMR312").edits[0].replacement == "76-78, 77, 91"
    assert "Opioids Page(s): 76-78, 77, 91." in fixed(text, findings)


def test_no_page_fix_where_the_pages_are_not_all_read(lint_all):
    # "76 to 78": only 76 is read as a page; a fix would leave "to 78" behind
    text = edited(SEED_004, ("88,89, 80, 81.", "88,89, 80 to 81."))
    (finding,) = findings_of(lint_all(text), "IMR312")
    assert finding.fix is None


def test_a_reversed_range_has_an_unsafe_fix(lint_all):
    text = edited(SEED_000, ("Opioids Page(s): 91, 76-78.", "Opioids Page(s): 78-76, 91."))
    findings = lint_all(text)
    assert the_fix(findings, "IMR302") == Fix(
        "write the range from its first page to its last", (Edit(Span(137, 18, 137, 23), "76-78"),), "unsafe"
    )
    assert fixed(text, findings_of(findings, "IMR302")) == text
    assert fixed(text, findings_of(findings, "IMR302"), unsafe=True) == edited(
        SEED_000, ("Opioids Page(s): 91, 76-78.", "Opioids Page(s): 76-78, 91.")
    )


def test_a_misspelt_heading_is_spelt_as_the_summary_does(lint_all):
    text = SEED_004.read_text(encoding="utf-8")
    findings = lint_all(text)
    assert the_fix(findings, "IMR210") == Fix(
        "spell the name as the summary and the rationale do", (Edit(Span(250, 1, 250, 11), "Omeprazole"),)
    )
    after = fixed(text, findings_of(findings, "IMR210"))
    assert after == text.replace("Omepraxole 20mg", "Omeprazole 20mg")
    assert findings_of(lint_all(after), "IMR210") == []


def test_a_name_misspelt_in_a_conclusion_is_only_suggested(lint_all):
    text = edited(
        MRI, ("Therefore the request for an MRI of the shoulder", "Therefore the request for an MRI of the shuolder")
    )
    findings = lint_all(text)
    fix = the_fix(findings, "IMR210")
    assert (fix.applicability, fix.edits) == ("display-only", (Edit(Span(65, 60, 65, 68), "shoulder"),))
    assert fixed(text, findings_of(findings, "IMR210"), unsafe=True) == text


def test_a_doubled_word_is_deleted(lint_all):
    text = edited(MRI, ("an MRI of \nthe shoulder. However", "an MRI of the \nthe shoulder. However"))
    findings = lint_all(text)
    fix = the_fix(findings, "IMR603")
    assert (fix.applicability, fix.edits) == ("safe", (Edit(Span(62, 1, 62, 5), ""),))
    after = fixed(text, findings_of(findings, "IMR603"))
    assert after == edited(MRI, ("an MRI of \nthe shoulder. However", "an MRI of the \nshoulder. However"))
    assert findings_of(lint_all(after), "IMR603") == []


def test_a_doubled_word_in_a_conclusion_is_only_suggested(lint_all):
    text = edited(MRI, ("Therefore the request for an MRI", "Therefore the request for an an MRI"))
    fix = the_fix(lint_all(text), "IMR603")
    assert (fix.applicability, fix.edits) == ("display-only", (Edit(Span(65, 49, 65, 52), ""),))


def test_a_doubled_label_word_is_only_suggested(lint_all):
    text = edited(MRI, ("without contrast: Upheld", "without contrast: Upheld Upheld"))
    for finding in findings_of(lint_all(text), "IMR603"):
        assert finding.fix is not None and finding.fix.applicability == "display-only"


def test_a_footer_fragment_is_removed(lint_all):
    text = SEED_001.read_text(encoding="utf-8")
    findings = lint_all(text)
    fix = the_fix(findings, "IMR601")
    assert fix.edits == (Edit(Span(216, 79, 216, 85), ""),)
    after = fixed(text, findings_of(findings, "IMR601"))
    assert "low back pain, although both \n" in after and "although both Final" not in after
    assert findings_of(lint_all(after), "IMR601") == []


def test_a_footer_on_a_line_of_its_own_is_removed_with_its_line(lint_all):
    footer = "Final Determination Letter for IMR Case Number CM16-0213037 \r\n"
    original = MRI.read_text(encoding="utf-8").replace("\n", "\r\n")
    text = original.replace("an MRI of \r\nthe shoulder. However", "an MRI of \r\n" + footer + "the shoulder. However")
    findings = lint_all(text)
    fix = the_fix(findings, "IMR601")
    assert fix.edits == (Edit(Span(62, 1, 63, 1), ""),)
    assert fixed(text, findings_of(findings, "IMR601")) == original


def test_a_repeated_list_entry_is_deleted(lint_all):
    text = MRI.read_text(encoding="utf-8")
    findings = lint_all(text)
    assert the_fix(findings, "IMR604") == Fix("delete the repeated list entry", (Edit(Span(42, 54, 42, 74), ""),))
    after = fixed(text, findings_of(findings, "IMR604"))
    assert "modified work duties, diagnostic imaging, and home exercise \n" in after
    assert findings_of(lint_all(after), "IMR604") == []


def test_a_repeated_sentence_is_deleted(lint_all):
    sentence = "There is no \nevidence of any red flag conditions. "
    text = edited(MRI, (sentence, sentence + "There is no evidence of any red flag conditions. "))
    findings = lint_all(text)
    assert the_fix(findings, "IMR605").edits == (Edit(Span(64, 38, 64, 87), ""),)
    assert fixed(text, findings_of(findings, "IMR605")) == MRI.read_text(encoding="utf-8")


def test_a_repeated_conclusion_is_only_suggested(lint_all):
    conclusion = "Therefore the request for an MRI of the shoulder is determined to be not \nmedically necessary. "
    text = edited(MRI, (conclusion, conclusion + conclusion.replace("\n", "")))
    assert the_fix(lint_all(text), "IMR605").applicability == "display-only"


def test_fixes_on_every_real_letter_leave_no_fixed_finding(lint_all):
    for path in real_letters():
        text = path.read_text(encoding="utf-8")
        findings = lint_all(text)
        after = fixed(text, findings)
        fixable = {
            (finding.code, finding.item) for finding in findings if finding.fix and finding.fix.applicability == "safe"
        }
        remaining = {(finding.code, finding.item) for finding in lint_all(after)}
        assert not fixable & remaining, path.name
        assert (after == text) == (not fixable), path.name


def test_removal_keeps_the_line_breaks():
    document = Document("letter.txt", "one two two\r\nthree\r\n  four  \r\nfive")
    assert removal(document, 8, 11) == Edit(Span(1, 8, 1, 12), "")  # the blank before, at the line's end
    assert removal(document, 4, 7) == Edit(Span(1, 5, 1, 9), "")  # the blank after, inside the line
    assert removal(document, 22, 26) == Edit(Span(3, 1, 4, 1), "")  # alone on its line: the line goes


def test_overlapping_fixes_are_applied_one_at_a_time(lint_all):
    text = "a b c"
    first = Fix("x", (Edit(Span(1, 1, 1, 4), "A"),))
    second = Fix("y", (Edit(Span(1, 3, 1, 6), "C"),))
    findings = [_finding(first), _finding(second)]
    applied = apply_fixes(text, (0,), findings)
    assert (applied.text, [finding.fix for finding in applied.fixed]) == ("A c", [first])


def _finding(fix: Fix):
    from imrlint.rules.findings import Finding

    return Finding("letter.txt", fix.edits[0].span, "IMR603", "doubled-word", "warning", "m", fix=fix)
