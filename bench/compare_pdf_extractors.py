"""Compare PDF text extractors (pypdf, imrlint's reader, pypdfium2, pdfminer.six) on the published
IMR letters, to choose the PDF reader.

Usage: python bench/compare_pdf_extractors.py [PDF_DIR TEXT_DIR]

PDF_DIR holds the letters as published; TEXT_DIR holds the reference text of each (same stem,
``.txt``), the text every rule and fixture is written against. Both default to
``tests/data/letters/corpus/pdf`` and ``tests/data/letters/corpus/text`` in the repository.

For each library the script extracts every letter (per page, pages joined with ``"\\n"``) and
prints one row of figures:

- identical: letters whose text equals the reference byte for byte;
- word ratio: difflib similarity of the word sequences (whitespace ignored), mean and minimum;
- line ratio: difflib similarity of the non-blank lines after collapsing whitespace, mean and
  minimum, which drops when lines are merged, split or reordered;
- marker lines: of the reference lines the parser keys on (item headings ending in
  ": Upheld"/": Overturned", "Claims Administrator guideline:", "MAXIMUS guideline:",
  "Decision rationale:"), how many appear as the same whole line in the extraction;
- seconds: CPU time to open, decrypt and extract all letters (files already in memory);
- findings: letters whose findings (every rule on; code, line, column, page, message) are those of
  the text pypdf gives, and the same counted on code, page and message alone (positions aside).

The ``imrlint`` row is ``imrlint.input.pdf.extract_pdf`` (pypdf, each page's content stream split
into pypdf's operations beforehand). A library that is not installed is passed by (pdfminer.six
and pypdfium2 are not imrlint's dependencies: ``pip install pdfminer.six pypdfium2`` to compare
them all).

With pypdfium2 installed, it also counts the text objects PDFium leaves out of its text page
(those whose box has no width) and the strings of white-space only pypdf shows: the characters of
such an object are not to be had from PDFium's API, which is why its text cannot be pypdf's.

It then checks that ``imrlint.input.pdf.extract_pdf`` reproduces the reference text and lists
every letter where it does not, with the first differing line.
"""

from __future__ import annotations

import difflib
import io
import logging
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from imrlint.input.pdf import extract_pdf  # noqa: E402

MARKERS = {
    "heading": re.compile(r"(?:^|:)\s*(?:Upheld|Overturned)$"),
    "CA guideline": re.compile(r"^Claims Administrator guideline:"),
    "MAXIMUS guideline": re.compile(r"^MAXIMUS guideline:"),
    "rationale": re.compile(r"^Decision rationale:"),
}


def pypdf_pages(data: bytes) -> list[str]:
    """Pages as ``page.extract_text()`` returns them, the way the reference text was made."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    return [page.extract_text() for page in reader.pages]


def pypdfium2_pages(data: bytes) -> list[str]:
    """Pages from PDFium's text page (``get_text_range``), its CRLF line ends made LF."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data, password="")
    try:
        return [document[index].get_textpage().get_text_range().replace("\r\n", "\n") for index in range(len(document))]
    finally:
        document.close()


def pdfminer_pages(data: bytes) -> list[str]:
    """Pages from pdfminer.six's ``extract_text`` with its default layout analysis.

    pdfminer ends every page with a form feed; splitting on it gives the pages.
    """
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data), password="").split("\f")[:-1]


def imrlint_pages(data: bytes) -> list[str]:
    """Pages as imrlint reads them (``extract_pdf``: pypdf, the content streams split into
    operations ahead of ``extract_text``)."""
    extracted = extract_pdf(data)
    ends = [*extracted.unit_starts[1:], len(extracted.text) + 1]
    return [extracted.text[start : end - 1] for start, end in zip(extracted.unit_starts, ends, strict=True)]


EXTRACTORS: dict[str, Callable[[bytes], list[str]]] = {
    "pypdf": pypdf_pages,
    "imrlint": imrlint_pages,
    "pypdfium2": pypdfium2_pages,
    "pdfminer.six": pdfminer_pages,
}


def installed(name: str) -> bool:
    import importlib.util

    module = {"pdfminer.six": "pdfminer", "imrlint": "pypdf"}.get(name, name)
    return importlib.util.find_spec(module) is not None


def blank_text_shown_by_pypdf(data: bytes) -> Counter[bytes]:
    """The text-showing operations whose string is only white-space, by string: the text
    objects PDFium leaves out of its text page (they have no glyph box)."""
    from pypdf import PdfReader

    shown: Counter[bytes] = Counter()

    def look(operator, operands, *_) -> None:
        if operator in (b"Tj", b"'", b'"'):
            strings = operands[-1:]
        elif operator == b"TJ":
            strings = [element for element in operands[0] if isinstance(element, bytes)]
        else:
            return
        if strings and all(isinstance(string, bytes) for string in strings):
            text = b"".join(strings)
            if not text.strip():
                shown[text] += 1

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    for page in reader.pages:
        page.extract_text(visitor_operand_before=look)
    return shown


def text_objects_without_ink(data: bytes) -> tuple[int, int]:
    """(text objects, those whose box has no width) on every page, as PDFium sees them.

    PDFium's text page skips a text object whose box has no width (a run of spaces: a space
    has no glyph outline), and ``FPDFTextObj_GetText`` reads an object's text from the text page,
    so the characters of such an object cannot be had from PDFium's API at all."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as pdfium_c

    document = pypdfium2.PdfDocument(data, password="")
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    objects = without_ink = 0
    try:
        for index in range(len(document)):
            page = document[index]
            for number in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
                item = pdfium_c.FPDFPage_GetObject(page.raw, number)
                if pdfium_c.FPDFPageObj_GetType(item) != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                objects += 1
                pdfium_c.FPDFPageObj_GetBounds(item, left, bottom, right, top)
                without_ink += abs(right.value - left.value) < 0.01
    finally:
        document.close()
    return objects, without_ink


def findings_of(stem: str, pages: list[str]) -> list[tuple]:
    """The findings of every rule on the letter whose pages are ``pages`` (as imrlint would
    read the PDF): (code, line, column, page, message) each."""
    from imrlint.input.document import Document
    from imrlint.input.extracted import Extracted

    linter = _linter()
    extracted = Extracted.from_units(pages, [str(number) for number in range(1, len(pages) + 1)])
    units = tuple(zip(extracted.unit_starts, extracted.unit_labels, strict=True))
    document = Document(f"{stem}.pdf", extracted.text, kind="pdf", unit_kind="page", units=units)
    return [
        (finding.code, finding.span.line, finding.span.column, finding.unit, finding.message)
        for finding in linter.lint_document(document).findings
    ]


_LINTER: list = []


def _linter():
    if not _LINTER:
        from imrlint.lint.session import Session
        from imrlint.plugins.manager import load_rule_set, plugin_manager

        _LINTER.append(Session(load_rule_set(plugin_manager())).linter_for("letter.pdf"))
    return _LINTER[0]


def normalised_lines(text: str) -> list[str]:
    """Non-blank lines with runs of whitespace collapsed to one space."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def marker_lines(lines: list[str]) -> Counter[tuple[str, str]]:
    """The lines that start an item or one of its parts, keyed by marker name and line text."""
    return Counter((name, line) for line in lines for name, pattern in MARKERS.items() if pattern.search(line))


def ratio(a: list[str], b: list[str]) -> float:
    """difflib similarity of two sequences, without the junk heuristic that skews long texts."""
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def load(pdf_dir: Path, text_dir: Path) -> list[tuple[str, bytes, str]]:
    """(stem, PDF bytes, reference text) for every PDF that has a reference text."""
    letters = []
    for pdf in sorted(pdf_dir.glob("*.pdf")):
        reference = text_dir / f"{pdf.stem}.txt"
        if reference.exists():
            letters.append((pdf.stem, pdf.read_bytes(), reference.read_bytes().decode("utf-8")))
    return letters


def measure(extract: Callable[[bytes], list[str]], letters: list[tuple[str, bytes, str]]) -> dict:
    """Extract every letter with ``extract`` and score the result against the references."""
    started = time.process_time()
    pages = [extract(data) for _, data, _ in letters]
    seconds = time.process_time() - started
    texts = ["\n".join(letter) for letter in pages]

    word_ratios, line_ratios = [], []
    markers_kept, markers_total = Counter(), Counter()
    for (_, _, reference), text in zip(letters, texts, strict=False):
        word_ratios.append(ratio(reference.split(), text.split()))
        ref_lines, lines = normalised_lines(reference), normalised_lines(text)
        line_ratios.append(ratio(ref_lines, lines))
        expected, found = marker_lines(ref_lines), marker_lines(lines)
        for (name, _), count in (expected & found).items():
            markers_kept[name] += count
        for (name, _), count in expected.items():
            markers_total[name] += count
    return {
        "identical": sum(text == reference for (_, _, reference), text in zip(letters, texts, strict=False)),
        "word_mean": sum(word_ratios) / len(letters),
        "word_min": min(word_ratios),
        "line_mean": sum(line_ratios) / len(letters),
        "line_min": min(line_ratios),
        "markers_kept": markers_kept,
        "markers_total": markers_total,
        "seconds": seconds,
        "findings": [findings_of(stem, letter) for (stem, _, _), letter in zip(letters, pages, strict=True)],
    }


def first_difference(reference: str, text: str) -> str:
    """The first line where ``text`` departs from ``reference``, as a short description."""
    for number, (want, got) in enumerate(zip(reference.split("\n"), text.split("\n"), strict=False), 1):
        if want != got:
            return f"line {number}: expected {want!r}, got {got!r}"
    return f"lengths differ: expected {len(reference)} characters, got {len(text)}"


def main(argv: list[str]) -> int:
    """Print the comparison table and the extract_pdf check; exit 1 if any letter differs."""
    if len(argv) not in (0, 2):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    corpus = REPO_ROOT / "tests" / "data" / "letters" / "corpus"
    pdf_dir, text_dir = map(Path, argv) if argv else (corpus / "pdf", corpus / "text")
    letters = load(pdf_dir, text_dir)
    if not letters:
        print(f"no PDF in {pdf_dir} has a reference text in {text_dir}", file=sys.stderr)
        return 2
    for noisy in ("pypdf", "pdfminer"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL + 1)

    print(f"{len(letters)} letters from {pdf_dir}\n")
    print(
        "| library | identical | word ratio mean / min | line ratio mean / min "
        "| marker lines kept | CPU seconds (ms/letter) | findings as pypdf's | positions aside |"
    )
    print("|---|---|---|---|---|---|---|---|")
    results = {}
    for name, extract in EXTRACTORS.items():
        if not installed(name):
            print(f"| {name} | not installed | | | | | | |")
            continue
        extract(letters[0][1])
        result = results[name] = measure(extract, letters)
        kept, total = sum(result["markers_kept"].values()), sum(result["markers_total"].values())
        same = sum(
            mine == theirs for mine, theirs in zip(result["findings"], results["pypdf"]["findings"], strict=True)
        )
        loose = sum(
            [(code, page, message) for code, _, _, page, message in mine]
            == [(code, page, message) for code, _, _, page, message in theirs]
            for mine, theirs in zip(result["findings"], results["pypdf"]["findings"], strict=True)
        )
        print(
            f"| {name} | {result['identical']}/{len(letters)} "
            f"| {result['word_mean']:.4f} / {result['word_min']:.4f} "
            f"| {result['line_mean']:.4f} / {result['line_min']:.4f} "
            f"| {kept}/{total} ({kept / total:.1%}) "
            f"| {result['seconds']:.2f} ({1000 * result['seconds'] / len(letters):.0f}) "
            f"| {same}/{len(letters)} | {loose}/{len(letters)} |"
        )

    print("\n| marker line | " + " | ".join(results) + " |")
    print("|---|" + "---|" * len(results))
    for marker in MARKERS:
        cells = [f"{result['markers_kept'][marker]}/{result['markers_total'][marker]}" for result in results.values()]
        print(f"| {marker} | " + " | ".join(cells) + " |")

    if installed("pypdfium2"):
        objects = without_ink = 0
        blank: Counter[bytes] = Counter()
        for _, data, _ in letters:
            counted = text_objects_without_ink(data)
            objects, without_ink = objects + counted[0], without_ink + counted[1]
            blank += blank_text_shown_by_pypdf(data)
        print(
            f"\nPDFium: {objects:,} text objects, {without_ink:,} of them without a glyph box, left out of its "
            f"text page; pypdf shows white-space-only strings {sum(blank.values()):,} times: "
            + ", ".join(f"{text!r} {count:,}" for text, count in blank.most_common())
        )

    differences = []
    for stem, data, reference in letters:
        text = extract_pdf(data).text
        if text != reference:
            differences.append(f"  {stem}: {first_difference(reference, text)}")
    identical = len(letters) - len(differences)
    print(f"\nimrlint extract_pdf: {identical}/{len(letters)} identical to the reference text")
    for difference in differences:
        print(difference)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
