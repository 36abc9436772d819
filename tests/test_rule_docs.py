"""Rule documentation: every rule says what, why and fix, and shows the examples of its fixture
(rules/examples, run by tests/test_rule_examples.py); the README's rule table is generated from the
same source and kept in step."""

from __future__ import annotations

import inspect
import json
import re

import pytest
import yaml

from imrlint.cli.ruledoc import (
    TABLE_END,
    TABLE_START,
    builtin_table,
    markdown_table,
    parse_doc,
    replace_table,
    rule_documentation,
    rule_examples,
)
from imrlint.plugins.manager import load_rule_set, plugin_manager

from conftest import REPO, run

BUILTIN = load_rule_set(plugin_manager(entry_points=False))
# A statute, regulation or guideline: what a rule about a letter's content rests on.
LEGAL_BASIS = re.compile(r"Labor Code|\bCCR\b|MTUS|ACOEM|\bDWC\b|guideline|Zuniga|regulation", re.I)


@pytest.mark.parametrize("code", list(BUILTIN.rules))
def test_every_rule_documents_what_why_and_fix_and_its_examples_have_one_source(code):
    rule = BUILTIN.rules[code]
    doc = parse_doc(rule.doc)
    missing = [part for part in ("what", "why", "fix") if not getattr(doc, part)]
    assert not missing, (
        f"{code} {rule.name}: the docstring lacks {', '.join(missing)} (see imrlint/cli/ruledoc.py for the layout)"
    )
    assert not (doc.fails or doc.passes), (
        f"{code}: a built-in rule's examples are rules/examples/{code}.yaml, not 'Fails:'/'Passes:' in its docstring"
    )
    assert BUILTIN.defaults[code].group, f"{code} has no group"


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("code", list(BUILTIN.rules))
def test_the_documented_examples_are_the_fixture_s_first(code):
    """``imrlint rule CODE`` shows the first failing example (its passage, or the command it is
    for a file, and every finding it gives) and the first passing one."""
    examples = rule_examples(code)
    assert examples is not None, f"rules/examples/{code}.yaml is missing"
    documentation = rule_documentation(BUILTIN.rules[code], BUILTIN.defaults[code])
    shown = documentation.split("Examples\n--------\n", 1)[1].split("\nHow to fix\n", 1)[0]
    failing, passing = examples["fails"][0], examples["passes"][0]
    assert shown.startswith("Fails") and "\nPasses" in shown
    fails_part, passes_part = shown.split("\nPasses", 1)
    for example, part in ((failing, fails_part), (passing, passes_part)):
        if "letter" in example:
            assert example["letter"] in _words(part.split("\n\n", 1)[0]), code
            excerpt = [line.rstrip() for line in example["excerpt"].rstrip("\n").split("\n")]
            assert "\n".join(("    " + line).rstrip() for line in excerpt) in part, code
        else:
            assert "    $ imrlint check " + " ".join([*example.get("arguments", []), *example["check"]]) in part
        if "note" in example:
            assert _words(example["note"]) in _words(part), code
    severity = BUILTIN.defaults[code].severity
    for finding in failing["findings"]:
        where = f"{finding['path']}:" if "path" in finding else ""
        report = f"{where}{finding['line']}:{finding['column']}: {code} [{severity}] {finding['message']}"
        assert _words(report) in _words(fails_part), code
    assert f"{code} [" not in passes_part


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
        "Fails: the reviewer's state of licensure left out\n    (tests/data/letters/corpus/text/CM17-0014944.txt, "
        "edited)\n\n    The Expert Reviewer has the following credentials:\n",
        "    State(s) of Licensure:\n    Certification(s)/Specialty: Family Practice\n\n    20:1: IMR401 [error] the "
        "reviewer's licensure is not stated;",
        "Passes: tests/data/letters/corpus/text/CM17-0014944.txt\n\n    The Expert Reviewer has the following "
        "credentials:\n    State(s) of Licensure: New Jersey\n",
        "Fix: state the states in which the reviewer is licensed.",
        "Group: reviewer",
        "    rules:\n      missing-licensure:\n        severity: error\n        enabled: true\n",
        "    code IMR401, name missing-licensure, code prefix IMR4, group reviewer\ne.g. imrlint check --ignore IMR401 "
        "letters/\n",
    ):
        assert text in out, text


def test_a_rule_without_examples_shows_its_docstring_s(capsys):
    """A plugin's rule has no fixture: the 'Fails:'/'Passes:' lines of its docstring are its
    examples; without them, the documentation has no Examples section."""
    from imrlint.rules.base import Rule, RuleSettings

    settings = RuleSettings("ZZ101", "long-sentence", "info", True, "m", "A sentence is long.")
    doc = 'A sentence is long.\n\nWhy (Labor Code 4610.6(d)(1)).\n\nFails: a "long" one.\nPasses: a short one.\n\n'
    doc += "Fix: cut."
    documentation = rule_documentation(Rule("ZZ101", "long-sentence", None, doc), settings)
    assert 'Examples\n--------\nFails: a "long" one.\nPasses: a short one.\n\nHow to fix\n' in documentation
    bare = rule_documentation(Rule("ZZ101", "long-sentence", None, "A sentence is long.\n\nFix: cut."), settings)
    assert "Examples" not in bare and "Fails" not in bare


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


def _declared(code: str) -> dict:
    """A built-in rule's declaration as written in rules/<group>.yaml, read without imrlint."""
    for path in sorted((REPO / "rules").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in (document or {}).get("rules", []) if isinstance(document, dict) else []:
            if entry["code"] == code:
                return {**entry, "file": path.stem}
    raise AssertionError(f"{code} is declared in no rules/*.yaml file")


def _first_paragraph(doc: str) -> str:
    return " ".join(inspect.cleandoc(doc).split("\n\n", 1)[0].split())


@pytest.mark.parametrize("code", list(BUILTIN.rules))
def test_a_rule_s_summary_is_one_sentence_its_docstring_opens_with(code):
    summary = _first_paragraph(BUILTIN.rules[code].doc)
    assert summary.endswith("."), f"{code}: the docstring's first paragraph is its summary, one sentence"
    assert not re.search(r"[a-z)]\.\s+[A-Z]", summary), f"{code}: the summary is more than one sentence: {summary}"
    assert "summary" not in _declared(code), f"{code}: the summary is the docstring's first paragraph, not declared"


def test_rules_and_rule_describe_every_rule_alike(capsys):
    status, listing, _ = run(capsys, "rules")
    assert status == 0
    lines = {line.split()[0]: line for line in listing.splitlines()}
    assert list(lines) == list(BUILTIN.rules)
    for code, rule in BUILTIN.rules.items():
        summary = _first_paragraph(rule.doc)
        assert lines[code].endswith("  " + summary), code
        status, documentation, _ = run(capsys, "rule", code)
        what = documentation.split("What\n----\n", 1)[1].split("\n\n", 1)[0]
        assert " ".join(what.split()) == summary, code


def test_rules_json_lists_every_rule_for_tools(capsys):
    status, out, _ = run(capsys, "rules", "--format", "json")
    assert status == 0
    listing = json.loads(out)
    assert [entry["code"] for entry in listing] == sorted(BUILTIN.rules)
    for entry in listing:
        declared = _declared(entry["code"])
        rule = BUILTIN.rules[entry["code"]]
        assert entry == {
            "code": declared["code"],
            "name": declared["name"],
            "group": declared["file"],
            "severity": declared["severity"],
            "enabled": declared["enabled"],
            "summary": _first_paragraph(rule.doc),
            "message": declared["message"],
            "options": declared["options"],
            "documentation": inspect.cleandoc(rule.doc),
        }


def test_rules_markdown_lists_every_rule_with_its_group_severity_and_summary(capsys):
    status, out, _ = run(capsys, "rules", "--format", "markdown")
    assert status == 0
    assert out.splitlines()[:2] == ["| code | name | group | severity | checks |", "|---|---|---|---|---|"]
    rows = [line.split(" | ") for line in out.splitlines()[2:] if line.startswith("| IMR")]
    assert [row[0].removeprefix("| ") for row in rows] == list(BUILTIN.rules)
    for code, name, group, severity, summary in rows:
        declared = _declared(code.removeprefix("| "))
        assert name == f"`{declared['name']}`" and group == declared["file"]
        assert severity == declared["severity"] + ("" if declared["enabled"] else " (off by default)")
        assert summary.removesuffix(" |").replace("\\|", "|") == _first_paragraph(BUILTIN.rules[declared["code"]].doc)
    groups = [line for line in out.splitlines() if line.startswith("| `")]
    assert groups[2].startswith("| `decisions` | each item's label") and groups[2].endswith("IMR213, IMR214 |")


def _plugin_rule_set(doc: str | None, summary: str | None):
    from imrlint.plugins.hookspecs import hookimpl
    from imrlint.rules.base import Rule

    entry = {"code": "ZZ101", "name": "summarised", "severity": "info", "enabled": True, "message": "m", "options": {}}
    if summary is not None:
        entry["summary"] = summary

    class Plugin:
        @hookimpl
        def imrlint_rules(self):
            return [Rule("ZZ101", "summarised", lambda letter, context: iter(()), doc or "")]

        @hookimpl
        def imrlint_rule_declarations(self):
            return [{"rules": [entry]}]

    return load_rule_set(plugin_manager([Plugin()], entry_points=False))


@pytest.mark.parametrize(
    ("doc", "summary", "expected"),
    [
        ("What the docstring says it finds.\n\nWhy.", None, "What the docstring says it finds."),
        ("", "What the declaration says it finds.", "What the declaration says it finds."),
        ("What it finds.", "What it finds.", "What it finds."),
    ],
)
def test_a_summary_has_one_source(doc, summary, expected):
    assert _plugin_rule_set(doc, summary).defaults["ZZ101"].summary == expected


@pytest.mark.parametrize(
    ("doc", "summary", "reason"),
    [
        (
            "What the docstring says.",
            "Something else.",
            "ZZ101.summary: differs from the first paragraph of the rule's",
        ),
        ("", None, "ZZ101: has no summary: give the rule a docstring or its declaration a summary"),
    ],
)
def test_a_second_or_missing_summary_is_an_error(doc, summary, reason):
    from imrlint.errors import ConfigError

    with pytest.raises(ConfigError, match=re.escape(reason)):
        _plugin_rule_set(doc, summary)


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
