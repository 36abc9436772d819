"""Where a letter's time goes: the parse, the model and each rule, in CPU milliseconds per letter.

Lints the bundled real letters (tests/data/letters: the 63 published letters and the five seeds)
in-process with the default configuration and prints the time of the lean parse, of building the
model, and of each enabled rule's check, the largest first, with their total.  A rule that first
asks for what several rules share (the letter's facts, its cited chapters, a rationale's
conclusion sentences, computed once per letter) is charged for it: the figure of the first rule
to read a shared value includes it.  Each figure is the mean over ``--repeat`` rounds.

    python bench/rules.py
    python bench/rules.py --top 10 --repeat 5
    python bench/rules.py --src /tmp/before     # another tree, measured by the same code

``--src`` measures the imrlint of another source tree (an earlier commit unpacked with ``git archive
REV | tar -x -C /tmp/before``) on this repository's letters: run both in the same spell, the machine
being shared, and compare the figures.
"""

from __future__ import annotations

import argparse
import collections
import pathlib
import sys
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
LETTERS = REPO / "tests" / "data" / "letters"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds to average (default 3)")
    parser.add_argument("--top", type=int, default=20, help="rules to list (default 20)")
    parser.add_argument("--src", type=pathlib.Path, default=REPO, help="the imrlint source tree (default: this one)")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src.resolve()))

    from imrlint.config.layers import load_config
    from imrlint.input.document import Document
    from imrlint.lint.linter import Linter
    from imrlint.model.letter import build_letter
    from imrlint.parsing.letter import parse_letter
    from imrlint.plugins.manager import load_rule_set, plugin_manager
    from imrlint.rules.base import RuleContext

    rule_set = load_rule_set(plugin_manager(entry_points=False))
    linter = Linter(rule_set, load_config(rule_set.defaults, None))
    paths = sorted((LETTERS / "corpus" / "text").glob("*.txt")) + sorted((LETTERS / "seeds").glob("*.txt"))
    texts = [(str(path), path.read_text(encoding="utf-8")) for path in paths]
    for path, text in texts:  # warm: grammars compiled, lexer states met, caches filled
        linter.lint_document(Document(path, text))

    parse = model = 0.0
    checks: collections.Counter[str] = collections.Counter()
    for _ in range(args.repeat):
        for path, text in texts:
            started = time.process_time()
            parse_letter(text)
            parse += time.process_time() - started
            started = time.process_time()
            letter = build_letter(Document(path, text), linter.knowledge.catalogue)
            model += time.process_time() - started
            for code, check, settings in linter.checks:
                context = RuleContext(settings, linter.knowledge, path, letter)
                started = time.process_time()
                for _finding in check(letter, context):
                    pass
                checks[code] += time.process_time() - started

    count = args.repeat * len(texts)

    def per_letter(seconds: float) -> str:
        return f"{seconds / count * 1000:8.3f} ms"

    print(f"{len(texts)} letters, {args.repeat} rounds; CPU time per letter")
    print(f"{'lean parse':<36}{per_letter(parse)}")
    print(f"{'model (parse included)':<36}{per_letter(model)}")
    print(f"{'rules, all':<36}{per_letter(sum(checks.values()))}")
    for code, seconds in checks.most_common(args.top):
        print(f"  {code} {rule_set.rules[code].name:<29}{per_letter(seconds)}")


if __name__ == "__main__":
    main()
