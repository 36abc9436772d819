"""The command line end to end: output formats, exit statuses, bad input and bad configuration."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import CORPUS, EXAMPLES, REPO, SEEDS, edited, run

SEED_000 = EXAMPLES / "000_8aa5183601f98bf9.txt"
MRI = EXAMPLES / "CM16-0213037.txt"


def test_text_output_and_summary(capsys):
    status, out, _ = run(capsys, "check", str(SEED_000), str(MRI))
    assert status == 0
    assert out.splitlines() == [
        f"{SEED_000}:109:44: IMR303 [warning] page 102 is outside 'NSAIDs, GI symptoms & cardiovascular risk' (pages "
        "68-69) in the Chronic Pain Medical Treatment Guidelines (2009); check the page",
        f"{SEED_000}:137:22: IMR312 [info] pages 76-78 come after page 91; list the pages in order, each once: 76-78, "
        "91",
        "Checked 2 letters: 0 errors, 1 warning, 1 info (0 with errors).",
    ]


def test_json_output_has_the_documented_keys(capsys):
    status, out, _ = run(capsys, "check", "--format", "json", str(SEED_000))
    assert status == 0
    finding, _pages_out_of_order = json.loads(out)
    assert finding == {
        "path": str(SEED_000),
        "line": 109,
        "column": 44,
        "end_line": 109,
        "end_column": 47,
        "code": "IMR303",
        "name": "page-outside-topic",
        "severity": "warning",
        "message": "page 102 is outside 'NSAIDs, GI symptoms & cardiovascular risk' (pages 68-69) in the Chronic Pain "
        "Medical Treatment Guidelines (2009); check the page",
        "item": 2,
    }


def test_json_output_of_a_clean_letter_is_an_empty_array(capsys):
    status, out, _ = run(capsys, "check", "--format", "json", str(MRI))
    assert (status, json.loads(out)) == (0, [])


def test_error_finding_exits_1(tmp_path, capsys):
    letter = tmp_path / "letter.txt"
    letter.write_text(edited(MRI, ("without contrast: Upheld", "without contrast: Overturned")), encoding="utf-8")
    status, out, _ = run(capsys, "check", str(letter))
    assert status == 1
    assert out.splitlines()[0].startswith(
        f"{letter}:50:45: IMR206 [error] label 'Overturned' contradicts the rationale's conclusion"
    )
    assert out.splitlines()[-1] == "Checked 1 letter: 1 error, 0 warnings, 0 info (1 with errors)."


def test_directories_are_searched_recursively_in_sorted_order(tmp_path, capsys):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "z.txt").write_text(SEED_000.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a" / "y.txt").write_text(SEED_000.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a" / "notes.md").write_text("not a letter", encoding="utf-8")
    _status, out, _ = run(capsys, "check", str(tmp_path))
    assert list(dict.fromkeys(line.split(":")[0] for line in out.splitlines()[:-1])) == [
        str(tmp_path / "a" / "y.txt"),
        str(tmp_path / "b" / "z.txt"),
    ]
    assert out.splitlines()[-1].startswith("Checked 2 letters")


def test_bad_inputs_are_findings_and_other_files_are_still_linted(tmp_path, capsys):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (tmp_path / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes(
        MRI.read_text(encoding="utf-8").replace("Family Practice", "Family Pr\u00e4ctice").encode("cp1252")
    )
    (tmp_path / "huge.txt").write_text("x" * 2000, encoding="utf-8")
    (tmp_path / "unparsable.txt").write_text("MAXIMUS guideline: stray line\n", encoding="utf-8")
    (tmp_path / "z-good.txt").write_text(MRI.read_text(encoding="utf-8"), encoding="utf-8")
    status, out, err = run(capsys, "check", "--max-bytes", "1500", str(tmp_path), str(MRI))
    lines = out.splitlines()
    assert status == 1
    assert err == ""
    assert lines == [
        f"{tmp_path}/binary.txt:1:1: IMR003 [error] binary data, not a text letter (NUL bytes or control characters)",
        f"{tmp_path}/empty.txt:1:1: IMR004 [error] the letter is empty",
        f"{tmp_path}/huge.txt:1:1: IMR005 [error] file is 2,000 bytes, over the 1,500-byte limit (--max-bytes)",
        f"{tmp_path}/latin1.txt:1:1: IMR005 [error] file is {(tmp_path / 'latin1.txt').stat().st_size:,} bytes, over "
        "the 1,500-byte limit (--max-bytes)",
        f"{tmp_path}/unparsable.txt:1:1: IMR001 [error] 'MAXIMUS guideline:' is out of place here; expected a section "
        "title or text",
        f"{tmp_path}/unparsable.txt:1:1: IMR101 [error] the section 'CLINICAL CASE SUMMARY' is missing; a Final "
        "Determination has the sections 'HOW THE IMR FINAL DETERMINATION WAS MADE', 'CLINICAL CASE SUMMARY', 'IMR "
        "ISSUES, DECISIONS AND RATIONALES'",
        f"{tmp_path}/unparsable.txt:1:1: IMR101 [error] the section 'HOW THE IMR FINAL DETERMINATION WAS MADE' is "
        "missing; a Final Determination has the sections 'HOW THE IMR FINAL DETERMINATION WAS MADE', 'CLINICAL CASE "
        "SUMMARY', 'IMR ISSUES, DECISIONS AND RATIONALES'",
        f"{tmp_path}/unparsable.txt:1:1: IMR101 [error] the section 'IMR ISSUES, DECISIONS AND RATIONALES' is missing; "
        "a Final Determination has the sections 'HOW THE IMR FINAL DETERMINATION WAS MADE', 'CLINICAL CASE SUMMARY', "
        "'IMR ISSUES, DECISIONS AND RATIONALES'",
        f"{tmp_path}/z-good.txt:1:1: IMR005 [error] file is {(tmp_path / 'z-good.txt').stat().st_size:,} bytes, over "
        "the 1,500-byte limit (--max-bytes)",
        f"{MRI}:1:1: IMR005 [error] file is {MRI.stat().st_size:,} bytes, over the 1,500-byte limit (--max-bytes)",
        "Checked 7 letters: 10 errors, 0 warnings, 0 info (7 with errors).",
    ]


def test_not_utf8_is_a_located_warning_and_the_letter_is_linted(tmp_path, capsys):
    letter = tmp_path / "latin1.txt"
    letter.write_bytes(
        MRI.read_text(encoding="utf-8").replace("Family Practice", "Family Pr\u00e4ctice").encode("cp1252")
    )
    status, out, _ = run(capsys, "check", str(letter))
    assert status == 0
    assert out.splitlines() == [
        f"{letter}:21:38: IMR006 [warning] not valid UTF-8 (byte 0xe4); read as Windows-1252 - "
        "save the letter as UTF-8",
        "Checked 1 letter: 0 errors, 1 warning, 0 info (0 with errors).",
    ]


def test_unreadable_file(tmp_path, capsys):
    letter = tmp_path / "dangling.txt"
    letter.symlink_to(tmp_path / "moved-away.txt")
    status, out, _ = run(capsys, "check", str(letter), str(MRI))
    assert status == 1
    assert out.splitlines()[0] == f"{letter}:1:1: IMR002 [error] cannot read file: No such file or directory"
    assert out.splitlines()[-1] == "Checked 2 letters: 1 error, 0 warnings, 0 info (1 with errors)."


def test_a_directory_given_as_letter_is_linted_recursively_and_a_missing_path_exits_2(tmp_path, capsys):
    status, out, err = run(capsys, "check", str(tmp_path / "nope.txt"), str(MRI))
    assert status == 2
    assert out.splitlines()[-1] == "Checked 1 letter: 0 errors, 0 warnings, 0 info (0 with errors)."
    assert err == f"imrlint: error: {tmp_path / 'nope.txt'}: no such file or directory\n"


def test_input_files_are_never_modified(tmp_path, capsys):
    letter = tmp_path / "letter.txt"
    content = (
        edited(MRI, ("without contrast: Upheld", "without contrast: Denied")).replace("\n", "\r\n").encode("utf-8")
    )
    letter.write_bytes(b"\xef\xbb\xbf" + content)
    before = letter.stat().st_mtime_ns
    run(capsys, "check", str(letter))
    assert letter.read_bytes() == b"\xef\xbb\xbf" + content
    assert letter.stat().st_mtime_ns == before


def test_config_changes_severity_disables_and_sets_options(tmp_path, capsys):
    config = tmp_path / "imrlint.yaml"
    config.write_text(
        "rules:\n  page-outside-topic:\n    severity: error\n  IMR307:\n    options:\n      reason_phrases: ['x']\n",
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "check", "--config", str(config), str(SEED_000))
    assert status == 1
    assert " IMR303 [error] page 102 is outside" in out.splitlines()[0]
    config.write_text("rules:\n  IMR303:\n    enabled: false\n  IMR312:\n    enabled: false\n", encoding="utf-8")
    status, out, _ = run(capsys, "check", "--config", str(config), str(SEED_000))
    assert (status, out.splitlines()) == (0, ["Checked 1 letter: 0 errors, 0 warnings, 0 info (0 with errors)."])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("rules:\n  IMR999:\n    enabled: false\n", "rules: unknown key 'IMR999'"),
        ("rules:\n  no-such-rule: {severity: error}\n", "rules: unknown key 'no-such-rule'"),
        (
            "rules:\n  IMR303: {severity: fatal}\n",
            "rules.IMR303.severity: 'fatal' is not one of ['error', 'warning', 'info']",
        ),
        ("rules:\n  IMR303: {colour: red}\n", "rules.IMR303: unknown key 'colour'"),
        (
            "rules:\n  IMR307: {options: {reason_phrases: 3}}\n",
            "rules.IMR307.options.reason_phrases: 3 is not of type 'array'",
        ),
        ("rules:\n  IMR307: {options: {reasons: []}}\n", "rules.IMR307.options: unknown key 'reasons'"),
        ("rules:\n  IMR303: {message: 'page {pg}'}\n", "rules.IMR303.message: unknown placeholder(s) pg"),
        (
            "colour: red\n",
            "not an imrlint configuration: its key is not a configuration key (extends, select, extend-select, ignore, "
            "...)",
        ),
        ("rules: [\n", "invalid YAML"),
        ("- a list\n", "the configuration must be a mapping"),
    ],
)
def test_bad_configuration_exits_2_naming_file_key_and_reason(tmp_path, capsys, content, expected):
    config = tmp_path / "imrlint.yaml"
    config.write_text(content, encoding="utf-8")
    status, out, err = run(capsys, "check", "--config", str(config), str(SEED_000))
    assert status == 2
    assert out == ""
    assert err.startswith(f"imrlint: error: {config}: ")
    assert expected in err
    assert len(err.splitlines()) == 1


def test_rules_lists_every_rule(capsys, rule_set):
    status, out, _ = run(capsys, "rules")
    assert status == 0
    lines = out.splitlines()
    assert len(lines) == len(rule_set.defaults)
    assert lines[0].split()[:3] == ["IMR001", "parse-error", "error"]
    assert any(line.split()[:3] == ["IMR206", "conclusion-contradicts-label", "error"] for line in lines)


@pytest.mark.parametrize("reference", ["IMR206", "imr206", "conclusion-contradicts-label"])
def test_rule_documentation_by_code_or_name(capsys, reference):
    status, out, _ = run(capsys, "rule", reference)
    assert status == 0
    assert out.startswith("IMR206 conclusion-contradicts-label (error)\n")
    assert "Labor Code 4610.6(c)" in out and "Fails:" in out and "Passes:" in out and "Fix:" in out
    assert "conclusion-contradicts-label:" in out


def test_unknown_rule_is_a_usage_error(capsys):
    status, _, err = run(capsys, "rule", "IMR999")
    assert (status, err) == (2, "imrlint: error: unknown rule 'IMR999'; 'imrlint rules' lists them\n")


def test_parse_prints_tree_and_model(capsys):
    status, out, _ = run(capsys, "parse", str(MRI))
    assert status == 0
    assert "# syntax tree" in out and "issues_section" in out
    assert "item 1: 50:1-50:43 'MRI of the right shoulder without contrast'" in out
    assert "  label: 50:45-50:51 'Upheld'" in out
    assert "chapter 'Shoulder Complaints' edition '2004'" in out


def test_python_dash_m_and_usage_errors():
    result = subprocess.run(
        [sys.executable, "-m", "imrlint", "check", "--format", "xml", str(MRI)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "imrlint", "check", str(MRI)], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert (result.returncode, result.stdout.splitlines()[-1]) == (
        0,
        "Checked 1 letter: 0 errors, 0 warnings, 0 info (0 with errors).",
    )


def test_every_shared_letter_is_free_of_error_findings(capsys, shared):
    status, out, _ = run(capsys, "check", "--format", "json", str(SEEDS), str(CORPUS))
    assert [f for f in json.loads(out) if f["severity"] == "error"] == []
    assert status == 0
