"""Every built-in rule's examples run: rules/examples/<CODE>.yaml holds, for each rule, examples that
fail and pass (docs/rule-examples.md), checked against rules/examples.schema.json and run here.

A letter example is a passage of a bundled real letter, perhaps edited; it is linted with the
default configuration (the rule enabled, with the example's options) and must give exactly the
findings listed (line, column, the text at the span, the message), or none of the rule for a
passing example; its excerpt, shown by ``imrlint rule CODE``, must be lines of the letter holding
every finding.  A file example makes files in an empty directory and runs ``imrlint check`` there.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import re

import jsonschema
import pytest
import yaml

from conftest import REPO, run

_TRAILING_SPACES = re.compile(r"[ \t]+\n")
EXAMPLES = REPO / "rules" / "examples"
SCHEMA = json.loads((REPO / "rules" / "examples.schema.json").read_text(encoding="utf-8"))


def _builtin_rule_set():
    from imrlint.plugins.manager import load_rule_set, plugin_manager

    return load_rule_set(plugin_manager(entry_points=False))


BUILTIN = _builtin_rule_set()
FIXTURES = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(EXAMPLES.glob("*.yaml"))}


def _examples():
    for code in BUILTIN.rules:
        fixture = FIXTURES.get(code)
        for kind in ("fails", "passes"):
            for index, example in enumerate(fixture.get(kind, []) if isinstance(fixture, dict) else [], 1):
                yield pytest.param(code, kind, example, id=f"{code}-{kind}-{index}")


def test_every_builtin_rule_has_its_examples_and_nothing_else_does():
    assert set(FIXTURES) == set(BUILTIN.rules), (
        f"missing: {sorted(set(BUILTIN.rules) - set(FIXTURES))}; not a built-in rule: "
        f"{sorted(set(FIXTURES) - set(BUILTIN.rules))} (rules/examples/<CODE>.yaml, docs/rule-examples.md)"
    )


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("code", sorted(FIXTURES))
def test_examples_follow_the_schema(code):
    jsonschema.Draft202012Validator(SCHEMA).validate(FIXTURES[code])
    assert FIXTURES[code]["rule"] == code, f"rules/examples/{code}.yaml is about {FIXTURES[code]['rule']}"


def test_the_format_s_documentation_shows_real_fixtures():
    """The examples in docs/rule-examples.md are the first of their rules' fixtures."""
    text = (REPO / "docs" / "rule-examples.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    assert len(blocks) == 2
    for block in blocks:
        jsonschema.Draft202012Validator(SCHEMA).validate(block)
        fixture = FIXTURES[block["rule"]]
        assert (block["fails"], block["passes"]) == (fixture["fails"][:1], fixture["passes"][:1])


FINDING = {"line": 1, "column": 1, "text": "x", "message": "m"}


@pytest.mark.parametrize(
    "document",
    [
        {"rule": "IMR206", "fails": [], "passes": [{"letter": "examples/CM16-0213037.txt", "excerpt": "x"}]},
        {"rule": "IMR206", "fails": [{"letter": "examples/CM16-0213037.txt", "excerpt": "x"}], "passes": []},
        {
            "rule": "IMR206",
            "fails": [{"letter": "examples/CM16-0213037.txt", "excerpt": "x", "findings": [FINDING]}],
            "passes": [{"letter": "examples/CM16-0213037.txt", "excerpt": "x", "findings": [FINDING]}],
        },
        {
            "rule": "IMR206",
            "fails": [{"letter": "../shared/letter.txt", "excerpt": "x", "findings": [FINDING]}],
            "passes": [{"letter": "examples/CM16-0213037.txt", "excerpt": "x"}],
        },
        {
            "rule": "IMR206",
            "fails": [
                {
                    "letter": "examples/CM16-0213037.txt",
                    "edits": [{"old": "Upheld", "new": "Overturned"}],
                    "excerpt": "x",
                    "findings": [FINDING],
                }
            ],
            "passes": [{"letter": "examples/CM16-0213037.txt", "excerpt": "x"}],
        },
        {
            "rule": "IMR008",
            "fails": [
                {
                    "note": "n",
                    "files": [{"path": "a", "kind": "fifo"}],
                    "check": ["/etc"],
                    "findings": [{"path": "a", "line": 1, "column": 1, "message": "m"}],
                }
            ],
            "passes": [{"note": "n", "files": [], "check": ["a"]}],
        },
    ],
    ids=[
        "no-failing-example",
        "failing-without-findings",
        "passing-with-findings",
        "letter-outside-the-repository",
        "edits-without-note",
        "absolute-path",
    ],
)
def test_the_schema_refuses_examples_that_prove_nothing(document):
    assert not jsonschema.Draft202012Validator(SCHEMA).is_valid(document)


@pytest.mark.parametrize(("code", "kind", "example"), list(_examples()))
def test_example(code, kind, example, tmp_path, monkeypatch, capsys):
    if "letter" in example:
        found = _lint_letter_example(code, example)
    else:
        found = _run_file_example(code, example, tmp_path, monkeypatch, capsys)
    expected = example.get("findings", [])
    if kind == "passes":
        assert found == [], f"{code} should not fire on this passing example"
    assert found == expected, f"{code}: the findings differ from rules/examples/{code}.yaml"


# --- letter examples --------------------------------------------------------------------------


def _edited(example: dict) -> bytes:
    """The letter's bytes, with the example's edits made (each old text found exactly once)."""
    path = REPO / example["letter"]
    if "edits" not in example:
        return path.read_bytes()
    assert path.suffix == ".txt", f"{example['letter']}: only a text letter can be edited"
    text = path.read_text(encoding="utf-8")
    for edit in example["edits"]:
        count = text.count(edit["old"])
        assert count == 1, (
            f"{edit['old']!r} occurs {count} times in {example['letter']} (edited so far); make it unique"
        )
        text = text.replace(edit["old"], edit["new"])
    return text.encode("utf-8")


def _linter(code: str, options: dict | None, source: str):
    from imrlint.config.layers import resolve
    from imrlint.lint.linter import Linter

    document: dict = {"extend-select": [code]}
    if options:
        document["rules"] = {code: {"options": options}}
    return Linter(BUILTIN, resolve(BUILTIN.defaults, document=document, source=source))


def _lint_letter_example(code: str, example: dict) -> list[dict]:
    from imrlint.input.read import read_bytes

    data = _edited(example)
    linter = _linter(code, example.get("options"), f"rules/examples/{code}.yaml")
    report = linter.lint_bytes(data, example["letter"])
    document = read_bytes(data, example["letter"]).document
    assert document is not None
    findings = [finding for finding in report.findings if finding.code == code]
    _check_excerpt(example, document, findings)
    return [
        {
            "line": finding.span.line,
            "column": finding.span.column,
            "text": _text_at(document, finding.span),
            "message": finding.message,
        }
        for finding in findings
    ]


def _text_at(document, span) -> str:
    """The letter's text at ``span``, the trailing spaces of the lines it spans aside."""
    start = document.line_starts[span.line - 1] + span.column - 1
    end = document.line_starts[span.end_line - 1] + span.end_column - 1
    return _TRAILING_SPACES.sub("\n", document.text[start:end])


def _check_excerpt(example: dict, document, findings) -> None:
    """The excerpt is whole lines of the letter (trailing spaces aside), and one place where it
    occurs holds every finding's span."""
    lines = [document.line_text(number).rstrip() for number in range(1, document.line_count + 1)]
    excerpt = [line.rstrip() for line in example["excerpt"].rstrip("\n").split("\n")]
    firsts = [
        number
        for number in range(1, len(lines) - len(excerpt) + 2)
        if lines[number - 1 : number - 1 + len(excerpt)] == excerpt
    ]
    assert firsts, f"the excerpt is not lines of {example['letter']} (after its edits)"
    assert any(
        all(first <= finding.span.line and finding.span.end_line < first + len(excerpt) for finding in findings)
        for first in firsts
    ), f"the excerpt does not hold every finding's span: lines {[f.span.line for f in findings]}"


# --- file examples ----------------------------------------------------------------------------


def _make(folder: pathlib.Path, entry: dict) -> None:
    path = folder / entry["path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = entry.get("kind", "file")
    if kind == "directory":
        path.mkdir(exist_ok=True)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "link":
        os.symlink(entry["target"], path)
    elif "text" in entry:
        path.write_bytes(entry["text"].encode(entry.get("encoding", "utf-8")))
    elif "edits" in entry or "encoding" in entry:
        path.write_bytes(_edited(entry).decode("utf-8").encode(entry.get("encoding", "utf-8")))
    else:
        path.write_bytes(_edited(entry))


def _refuse_listing(folder: pathlib.Path, entries: list[dict], monkeypatch) -> None:
    """Give directories their modes.  Root lists any directory: there the refusal the file system
    would give another user is given by os.scandir."""
    refused = set()
    for entry in entries:
        if entry.get("kind") == "directory" and "mode" in entry:
            mode = int(entry["mode"], 8)
            (folder / entry["path"]).chmod(mode)
            if mode & 0o500 != 0o500:
                refused.add(os.path.abspath(folder / entry["path"]))
    if refused and os.geteuid() == 0:
        scandir = os.scandir

        def refusing(path="."):
            if os.path.abspath(path) in refused:
                raise PermissionError(13, "Permission denied", str(path))
            return scandir(path)

        monkeypatch.setattr(os, "scandir", refusing)


def _plugins(folder: pathlib.Path, names: list[str], monkeypatch) -> None:
    """Run imrlint with the built-in rules and the example's plugin modules only."""
    import imrlint.cli.main
    from imrlint.plugins.manager import plugin_manager

    modules = []
    for name in names:
        spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(module)

    def manager(argv=()):
        built = plugin_manager(entry_points=False)
        for module in modules:
            built.register(module, name=module.__name__)
        return built

    monkeypatch.setattr(imrlint.cli.main, "plugin_manager", manager)


def _run_file_example(code: str, example: dict, tmp_path: pathlib.Path, monkeypatch, capsys) -> list[dict]:
    folder = tmp_path / "work"
    folder.mkdir()
    for entry in example["files"]:
        _make(folder, entry)
    config = tmp_path / "imrlint.yaml"
    rule = {code: {"options": example["options"]}} if "options" in example else {}
    config.write_text(yaml.safe_dump({"extend-select": [code], "rules": rule}), encoding="utf-8")
    _plugins(folder, example.get("plugins", []), monkeypatch)
    monkeypatch.chdir(folder)
    _refuse_listing(folder, example["files"], monkeypatch)
    try:
        _status, out, _err = run(
            capsys,
            "check",
            "--format",
            "json",
            "--jobs",
            "1",
            "--config",
            str(config),
            *example.get("arguments", []),
            *example["check"],
        )
    finally:
        for entry in example["files"]:
            if "mode" in entry:
                (folder / entry["path"]).chmod(0o700)
    findings = [finding for finding in json.loads(out) if finding["code"] == code]
    for finding in findings:
        assert (finding["end_line"], finding["end_column"]) == (finding["line"], finding["column"]), (
            "a file's finding is at a point"
        )
    return [{key: finding[key] for key in ("path", "line", "column", "message")} for finding in findings]
