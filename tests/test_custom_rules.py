"""Rules without Python: custom-rules in the configuration become real, exactly located rules."""

from __future__ import annotations

import textwrap

import pytest

from conftest import EXAMPLES, run

MRI = EXAMPLES / "CM16-0213037.txt"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A letters repository (a .git directory marks its root) holding the MRI letter."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "mri.txt").write_bytes(MRI.read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def configure(repo, text: str) -> None:
    (repo / ".imrlint.yaml").write_text(textwrap.dedent(text), encoding="utf-8")


def lines(out: str) -> list[str]:
    """The finding lines of text output (the summary line dropped)."""
    return [line for line in out.splitlines() if not line.startswith("Checked ")]


def test_forbidden_pattern_in_rationale_is_located_exactly(repo, capsys):
    configure(
        repo,
        r"""
        custom-rules:
          - code: HS101
            name: no-claimant
            type: forbidden-pattern
            scope: rationale
            pattern: '\bclaimant\b'
            message: "say 'the injured worker', not '{match}' (item '{title}')"
        """,
    )
    status, out, _ = run(capsys, "check", "--select", "HS101", "letters")
    assert status == 0  # custom rules are warnings unless they say otherwise
    assert lines(out) == [
        "letters/mri.txt:62:53: HS101 [warning] say 'the injured worker', not 'claimant' (item 'MRI of the right "
        "shoulder without contrast')",
        "letters/mri.txt:84:84: HS101 [warning] say 'the injured worker', not 'claimant' (item 'MRI of the cervical "
        "spine without contrast')",
    ]


def test_a_pattern_matches_across_a_line_break_and_the_span_covers_both_lines(repo, capsys):
    configure(
        repo,
        r"""
        custom-rules:
          - code: HS102
            name: shoulder-mri-phrase
            type: forbidden-pattern
            scope: rationale
            pattern: 'MRI of the shoulder'
            severity: error
        """,
    )
    status, out, _ = run(capsys, "check", "--select", "custom", "--format", "json", "letters")
    assert status == 1
    import json

    found = [(f["line"], f["column"], f["end_line"], f["end_column"], f["message"]) for f in json.loads(out)]
    # "... the request is for an MRI of\nthe shoulder." and "... for an MRI of the shoulder is ..."
    assert found == [
        (61, 90, 62, 13, "'MRI of the shoulder' must not appear in the rationale"),
        (65, 49, 65, 68, "'MRI of the shoulder' must not appear in the rationale"),
    ]


def test_required_pattern_reports_each_part_without_it_on_its_first_line(repo, capsys):
    configure(
        repo,
        r"""
        custom-rules:
          - code: HS103
            name: rationale-cites-page
            type: required-pattern
            scope: rationale
            pattern: '\b(?:page|pg)\s*\d+'
            ignore-case: true
            message: "the rationale for '{title}' quotes no page"
          - code: HS104
            name: maximus-names-section
            type: required-pattern
            scope: maximus-guideline
            pattern: 'Section\(s\):'
          - code: HS105
            name: board-certified
            type: required-pattern
            scope: credentials
            pattern: 'Board Certified'
            message: "state the reviewer's board certification"
        """,
    )
    _status, out, _ = run(capsys, "check", "--select", "HS1", "letters")
    assert lines(out) == [
        "letters/mri.txt:10:1: HS105 [warning] state the reviewer's board certification",
        "letters/mri.txt:57:21: HS103 [warning] the rationale for 'MRI of the right shoulder without contrast' quotes "
        "no page",
        "letters/mri.txt:76:21: HS103 [warning] the rationale for 'MRI of the cervical spine without contrast' quotes "
        "no page",
    ]


def test_if_then_in_one_part_and_across_parts_of_an_item(repo, capsys):
    configure(
        repo,
        r"""
        custom-rules:
          - code: HS106
            name: surgery-needs-red-flags
            type: if-then
            scope: rationale
            pattern: 'surgical intervention'
            then-pattern: 'red flag'
          - code: HS107
            name: nerve-needs-neck-chapter
            type: if-then
            scope: rationale
            pattern: 'nerve root'
            then-scope: maximus-guideline
            then-pattern: 'Shoulder Complaints'
            message: "the rationale mentions '{match}'; the {then_scope} should cite {then_pattern}"
        """,
    )
    _status, out, _ = run(capsys, "check", "--select", "HS106,HS107", "letters")
    # HS106 holds in both rationales; HS107: the cervical item's MAXIMUS line cites Neck and Upper Back.
    assert lines(out) == [
        "letters/mri.txt:84:23: HS107 [warning] the rationale mentions 'nerve root'; the MAXIMUS guideline should cite "
        "Shoulder Complaints",
    ]


def test_consistent_spelling_and_scopes_header_and_item_heading(repo, capsys):
    letter = repo / "letters" / "mri.txt"
    letter.write_text(
        letter.read_text(encoding="utf-8").replace("X-ray of the right shoulder", "x-ray of the right shoulder"),
        encoding="utf-8",
    )
    configure(
        repo,
        r"""
        custom-rules:
          - code: HS108
            name: x-ray-spelling
            type: consistent-spelling
            scope: [summary, rationale]
            preferred: X-ray
            variants: [x-ray, xray, X ray]
          - code: HS109
            name: no-standard-priority
            type: forbidden-pattern
            scope: header
            pattern: 'Standard'
          - code: HS110
            name: no-contrast-in-headings
            type: forbidden-pattern
            scope: item-heading
            pattern: 'without contrast'
            severity: info
        """,
    )
    _status, out, _ = run(capsys, "check", "--select", "custom", "letters")
    assert lines(out) == [
        "letters/mri.txt:5:12: HS109 [warning] 'Standard' must not appear in the header",
        "letters/mri.txt:39:1: HS108 [warning] write 'X-ray', not 'x-ray'",
        "letters/mri.txt:50:27: HS110 [info] 'without contrast' must not appear in the item heading",
        "letters/mri.txt:68:27: HS110 [info] 'without contrast' must not appear in the item heading",
    ]


def test_custom_rules_are_selected_configured_and_documented_like_any_rule(repo, capsys):
    configure(
        repo,
        r"""
        custom-rules:
          - code: HS101
            name: no-claimant
            type: forbidden-pattern
            scope: rationale
            pattern: '\bclaimant\b'
            why: House style calls the patient "the injured worker" (Labor Code 4610.6(d)(1)).
            fails: '"the claimant"'
            passes: '"the injured worker"'
            fix: Write "the injured worker".
        rules:
          no-claimant:
            severity: error
        """,
    )
    status, out, _ = run(capsys, "check", "letters")
    assert status == 1 and "HS101 [error]" in out
    status, out, _ = run(capsys, "check", "--ignore", "no-claimant", "letters")
    assert "HS101" not in out
    status, out, _ = run(capsys, "check", "--ignore", "custom", "letters")
    assert "HS101" not in out
    status, out, _ = run(capsys, "rules")
    assert any(line.split()[:3] == ["HS101", "no-claimant", "warning"] for line in out.splitlines())
    status, out, _ = run(capsys, "rule", "HS101")
    assert status == 0
    assert out.startswith("HS101 no-claimant (warning)\n")
    for part in (
        "Group: custom",
        "Text matching '\\bclaimant\\b' appears in the rationale.",
        "House style calls the patient",
        'Fails: "the claimant"',
        'Passes: "the injured worker"',
        'Fix: Write "the injured worker".',
    ):
        assert part in out, part
    status, out, _ = run(capsys, "config", "letters/mri.txt")
    assert "  HS101:" in out and ".imrlint.yaml: custom-rules.0" in out
    assert ".imrlint.yaml: rules.no-claimant.severity" in out


@pytest.mark.parametrize(
    ("entry", "key", "reason"),
    [
        (
            "{code: HS1, name: a-b, type: forbidden-pattern, scope: rationale, pattern: x}",
            "custom-rules.0.code",
            "does not match",
        ),
        (
            "{code: HS101, name: a-b, type: forbidden-pattern, scope: footer, pattern: x}",
            "custom-rules.0.scope",
            "is not valid under any of the given schemas",
        ),
        (
            "{code: HS101, name: a-b, type: forbidden-pattern, scope: rationale, pattern: '(IW'}",
            "custom-rules.0.pattern",
            "invalid regular expression '(IW': missing ) at position 3",
        ),
        (
            "{code: HS101, name: a-b, type: forbidden-pattern, scope: rationale, pattern: 'x*'}",
            "custom-rules.0.pattern",
            "matches the empty string",
        ),
        (
            "{code: HS101, name: a-b, type: if-then, scope: rationale, pattern: x}",
            "custom-rules.0.then-pattern",
            "an if-then rule needs 'then-pattern'",
        ),
        (
            "{code: HS101, name: a-b, type: if-then, scope: rationale, pattern: x, then-pattern: '[y'}",
            "custom-rules.0.then-pattern",
            "invalid regular expression '[y'",
        ),
        (
            "{code: HS101, name: a-b, type: forbidden-pattern, scope: rationale, pattern: x, preferred: y}",
            "custom-rules.0.preferred",
            "'preferred' is not used by a forbidden-pattern rule",
        ),
        (
            "{code: HS101, name: a-b, type: consistent-spelling, scope: rationale, "
            "preferred: X-ray, variants: [X-ray]}",
            "custom-rules.0.variants",
            "is listed as a variant",
        ),
        (
            "{code: HS101, name: a-b, type: forbidden-pattern, scope: rationale, pattern: x, message: 'bad "
            "{placeholder}'}",
            "custom-rules.0.message",
            "unknown placeholder(s) {placeholder}",
        ),
        (
            "{code: IMR206, name: a-b, type: forbidden-pattern, scope: rationale, pattern: x}",
            "custom-rules.0.code",
            "rule code IMR206 is already used by 'conclusion-contradicts-label'",
        ),
        (
            "{code: HS101, name: missing-label, type: forbidden-pattern, scope: rationale, pattern: x}",
            "custom-rules.0.name",
            "rule name missing-label is already used by IMR201",
        ),
        (
            "{code: HS101, name: a-b, type: spelling, scope: rationale, pattern: x}",
            "custom-rules.0.type",
            "'spelling' is not one of",
        ),
        (
            "{code: HS101, name: a-b, type: forbidden-pattern, scope: rationale, pattern: x, colour: red}",
            "custom-rules.0",
            "unknown key 'colour'",
        ),
    ],
)
def test_bad_custom_rules_are_configuration_errors_naming_the_key(repo, capsys, entry, key, reason):
    configure(repo, f"custom-rules:\n  - {entry}\n")
    status, out, err = run(capsys, "check", "letters")
    assert (status, out) == (2, "")
    assert err.startswith(f"imrlint: error: .imrlint.yaml: {key}: "), err
    assert reason in err


def test_custom_rules_from_pyproject_toml(repo, capsys):
    (repo / "pyproject.toml").write_text(
        textwrap.dedent(r"""
        [project]
        name = "letters"

        [[tool.imrlint.custom-rules]]
        code = "HS101"
        name = "no-claimant"
        type = "forbidden-pattern"
        scope = "rationale"
        pattern = '\bclaimant\b'
        severity = "info"
        """),
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "check", "--select", "HS101", "letters")
    assert status == 0
    assert [line.split(": ")[1].split(" [")[0] for line in lines(out)] == ["HS101", "HS101"]
    (repo / "pyproject.toml").write_text(
        '[tool.imrlint]\ncustom-rules = [{code = "HS101", name = "x-y", type = "forbidden-pattern", scope = '
        '"rationale", pattern = "(a"}]\n',
        encoding="utf-8",
    )
    status, _, err = run(capsys, "check", "letters")
    assert status == 2
    assert err.startswith(
        "imrlint: error: pyproject.toml: tool.imrlint.custom-rules.0.pattern: invalid regular expression '(a'"
    )


def test_custom_rule_objects_are_picklable(rule_set):
    """A parallel run ships rules to worker processes."""
    import pickle

    from imrlint.config.layers import resolve

    config = resolve(
        rule_set.defaults,
        document={
            "custom-rules": [
                {
                    "code": "HS101",
                    "name": "a-b",
                    "type": "if-then",
                    "scope": "rationale",
                    "pattern": "x",
                    "then-pattern": "y",
                }
            ]
        },
        source="test",
    )
    ((rule, _settings),) = config.custom_rules
    assert pickle.loads(pickle.dumps(rule)) == rule
