"""Benchmark parsing: letters parsed per CPU second, in every shape letters arrive in.

Parses the bundled real letters (tests/data/letters: the pypdf text of the 63 published letters
and the same letters as Word drafts, draft text, pdftotext, pdftotext -layout and pdfminer output)
with the letter grammar through imrlint's lean LALR loop, in-process, and prints CPU milliseconds
per letter and letters per CPU second for each shape, the fastest of ``--repeat`` rounds.  Letters
are read and normalised before timing: the figures are the parser's alone.

    python bench/parse.py                                   # grammars/letter.lark
    python bench/parse.py --grammar old.lark                # beside another grammar file
    git show HEAD~5:grammars/letter.lark > /tmp/old.lark && python bench/parse.py --grammar /tmp/old.lark

A grammar given with ``--grammar`` is timed in the same rounds as the current one, so that both
see the same machine load.  A shape whose letters a grammar rejects is parsed only up to the
first line it rejects (the lean loop gives up there): compare such figures with care.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import lark  # noqa: E402

from imrlint.input.read import read_path  # noqa: E402
from imrlint.parsing.lalr import LeanParser  # noqa: E402
from imrlint.parsing.normalise import normalise  # noqa: E402

LETTERS = REPO / "tests" / "data" / "letters" / "corpus"
SHAPES = {
    "pypdf": LETTERS / "text",
    "docx": LETTERS / "shapes" / "docx",
    "draft": LETTERS / "shapes" / "draft",
    "poppler": LETTERS / "shapes" / "poppler",
    "layout": LETTERS / "shapes" / "layout",
    "pdfminer": LETTERS / "shapes" / "pdfminer",
}


def parser_of(grammar: pathlib.Path) -> LeanParser:
    return LeanParser.of(
        lark.Lark(grammar.read_text(encoding="utf-8"), parser="lalr", lexer="contextual", maybe_placeholders=False)
    )


def sources(folder: pathlib.Path) -> list[str]:
    return ["\n" + normalise(read_path(str(path)).document.text) for path in sorted(folder.iterdir())]


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    arguments.add_argument(
        "--grammar", type=pathlib.Path, help="another letter grammar to time beside grammars/letter.lark"
    )
    arguments.add_argument("--repeat", type=int, default=7, help="rounds; the fastest is reported (default 7)")
    args = arguments.parse_args(argv)

    parsers = {"current": parser_of(REPO / "grammars" / "letter.lark")}
    if args.grammar:
        parsers[str(args.grammar)] = parser_of(args.grammar)
    letters = {shape: sources(folder) for shape, folder in SHAPES.items() if folder.is_dir()}
    best: dict[tuple[str, str], float] = {}
    accepted: dict[tuple[str, str], int] = {}
    for _ in range(max(1, args.repeat)):
        for name, parser in parsers.items():
            for shape, texts in letters.items():
                start = time.process_time()
                accepted[name, shape] = sum(parser.terminals(text) is not None for text in texts)
                elapsed = time.process_time() - start
                best[name, shape] = min(best.get((name, shape), elapsed), elapsed)
    print(f"{'shape':<9} {'letters':>7}  " + "  ".join(f"{name[-28:]:>36}" for name in parsers))
    for shape, texts in letters.items():
        cells = [
            f"{best[name, shape] / len(texts) * 1000:>7.3f} ms/letter {len(texts) / best[name, shape]:>6.0f}/s "
            f"{accepted[name, shape]:>3} ok"
            for name in parsers
        ]
        print(f"{shape:<9} {len(texts):>7}  " + "  ".join(f"{cell:>36}" for cell in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
