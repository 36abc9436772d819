"""Rule documentation: every rule says what, why, fails/passes and fix; the README's rule table is
generated from the same source and kept in step."""

from __future__ import annotations

import re

import pytest

from imrlint.cli.ruledoc import TABLE_END, TABLE_START, builtin_table, markdown_table, parse_doc, replace_table
from imrlint.plugins.manager import load_rule_set, plugin_manager

from conftest import REPO, run

BUILTIN = load_rule_set(plugin_manager(entry_points=False))
# A statute, regulation or guideline: what a rule about a letter's content rests on.
LEGAL_BASIS = re.compile(r"Labor Code|\bCCR\b|MTUS|ACOEM|\bDWC\b|guideline|Zuniga|regulation", re.I)


@pytest.mark.parametrize("code", list(BUILTIN.rules))
def test_every_rule_documents_what_why_examples_and_fix(code):
    rule = BUILTIN.rules[code]
    doc = parse_doc(rule.doc)
    missing = [part for part in ("what", "why", "fails", "passes", "fix") if not getattr(doc, part)]
    assert not missing, (
        f"{code} {rule.name}: the docstring lacks {', '.join(missing)} (see imrlint/cli/ruledoc.py for the layout)"
    )
    assert BUILTIN.defaults[code].group, f"{code} has no group"


@pytest.mark.parametrize("code", [code for code in BUILTIN.rules if re.match(r"IMR[1-4]", code)])
def test_content_rules_state_their_legal_or_guideline_basis(code):
    doc = parse_doc(BUILTIN.rules[code].doc)
    assert LEGAL_BASIS.search(doc.why), f"{code}: say which statute, regulation or guideline the rule rests on"


def test_rule_command_prints_every_part(capsys):
    status, out, _ = run(capsys, "rule", "missing-licensure")
    assert status == 0
    headings = [
        line
        for line, underline in zip(out.splitlines(), out.splitlines()[1:], strict=False)
        if underline and set(underline) == {"-"}
    ]
    assert headings == ["What", "Why", "Examples", "How to fix", "Configuration"]
    for text in (
        "The reviewer's state(s) of licensure are not stated.",
        "Labor Code 4610.6(f)",
        'Fails: a credentials block with "State(s) of Licensure:" missing or empty.',
        'Passes: "State(s) of Licensure: California, Nevada".',
        "Fix: state the states in which the reviewer is licensed.",
        "Group: reviewer",
        "    rules:\n      missing-licensure:\n        severity: error\n        enabled: true\n",
        "    code IMR401, name missing-licensure, code prefix IMR4, group reviewer\ne.g. imrlint check --ignore IMR401 "
        "letters/\n",
    ):
        assert text in out, text


def test_parse_doc_splits_the_parts():
    doc = parse_doc("""What it finds.

    Why it matters
    (Labor Code 4610.6).

    Fails: "a".
    Passes: "b".

    Fix: do c.
    """)
    assert doc == type(doc)("What it finds.", "Why it matters (Labor Code 4610.6).", '"a".', '"b".', "do c.")


def test_readme_rule_table_is_generated_from_the_rules():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert TABLE_START in readme and TABLE_END in readme
    expected = replace_table(readme, builtin_table())
    assert readme == expected, "the README's rule table is out of date: run `python -m imrlint.cli.ruledoc README.md`"


def test_rules_markdown_is_the_table(capsys):
    status, out, _ = run(capsys, "rules", "--format", "markdown")
    assert status == 0
    rule_set = load_rule_set(plugin_manager())
    assert out == markdown_table(rule_set.defaults)
    assert out.splitlines()[0] == "| code | name | group | severity | checks |"


def test_table_cells_escape_pipes():
    from imrlint.rules.base import RuleSettings

    table = markdown_table({"HS101": RuleSettings("HS101", "a-b", "info", False, "m", "x | y")})
    assert table.splitlines()[2] == "| HS101 | `a-b` | - | info (off by default) | x \\| y |"


def test_ruledoc_main_rewrites_the_table(tmp_path, capsys):
    from imrlint.cli.ruledoc import main as ruledoc_main

    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{TABLE_START}\nstale\n{TABLE_END}\n\nafter\n", encoding="utf-8")
    assert ruledoc_main([str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert (
        "stale" not in text
        and "| IMR206 | `conclusion-contradicts-label` |" in text
        and text.endswith(f"{TABLE_END}\n\nafter\n")
    )
