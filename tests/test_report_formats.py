"""The output formats: jsonl, sarif, junit, github, csv and html, --redact, --output-file and
--statistics, run through the command line on real letters (some edited to hold known defects)."""

from __future__ import annotations

import csv
import io
import json
import pathlib
import re
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from imrlint.cli.main import main

from conftest import DATA, EXAMPLES, edited

MRI = EXAMPLES / "CM16-0213037.txt"
SEED_000 = EXAMPLES / "000_8aa5183601f98bf9.txt"
CANARY = "ZQXCANARY"
TITLE_CANARY = "ZQXTITLE"
SCRIPT = "<script>alert(1)</script>"
CONCLUSION = "Therefore the request for an MRI of the shoulder is determined to be not medically necessary"
FORMATS = ("text", "json", "jsonl", "sarif", "junit", "github", "csv", "html")


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> pathlib.Path:
    """Three letters: a clean one, one with a warning (IMR303), and one whose first item's
    heading holds a script tag and a canary word and whose label contradicts the rationale
    (IMR206, line 50), and whose second item has no label (IMR201, line 68, quoting its title)."""
    folder = tmp_path_factory.mktemp("letters")
    (folder / "a_clean.txt").write_text(MRI.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "b_warning.txt").write_text(SEED_000.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "c_faulty.txt").write_text(
        edited(
            MRI,
            (
                "MRI of the right shoulder without contrast: Upheld",
                f"MRI {CANARY} {SCRIPT} of the right shoulder without contrast: Overturned",
            ),
            (
                "MRI of the cervical spine without contrast: Upheld",
                f"MRI of the cervical spine {TITLE_CANARY} without contrast",
            ),
        ),
        encoding="utf-8",
    )
    return folder


# The rules whose findings the letters are made to have (other rules may be added to imrlint).
SELECTED = ("IMR201", "IMR206", "IMR303")


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main(["check", "--select", ",".join(SELECTED), *map(str, argv)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def faulty(letters) -> str:
    return str(letters / "c_faulty.txt")


# --- jsonl ------------------------------------------------------------------------------------


def test_jsonl_has_the_json_records_one_per_line(capsys, letters):
    status, out, _ = run(capsys, letters, "--format", "jsonl")
    assert status == 1
    records = [json.loads(line) for line in out.splitlines()]
    _, as_json, _ = run(capsys, letters, "--format", "json")
    assert records == json.loads(as_json)
    assert [record["code"] for record in records] == ["IMR303", "IMR206", "IMR201"]
    assert records[1]["item"] == 1 and records[1]["line"] == 50


# --- sarif ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_schema():
    return json.loads((DATA / "sarif-2.1.0-rtm.5.schema.json").read_text(encoding="utf-8"))


def sarif(capsys, *argv) -> dict:
    _, out, _ = run(capsys, *argv, "--format", "sarif")
    return json.loads(out)


def test_sarif_is_valid_against_the_official_schema(capsys, letters, sarif_schema):
    document = sarif(capsys, letters)
    jsonschema.validators.validator_for(sarif_schema)(sarif_schema).validate(document)
    assert document["version"] == "2.1.0" and len(document["runs"]) == 1
    run_ = document["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [result["ruleId"] for result in run_["results"]] == ["IMR303", "IMR206", "IMR201"]
    for result in run_["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert rule["help"]["text"] and rule["shortDescription"]["text"]
    contradiction = run_["results"][1]
    assert contradiction["level"] == "error"
    location = contradiction["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("c_faulty.txt")
    assert location["region"] == {
        "startLine": 50,
        "startColumn": contradiction["locations"][0]["physicalLocation"]["region"]["startColumn"],
        "endLine": 50,
        "endColumn": location["region"]["endColumn"],
    }
    assert run_["results"][0]["level"] == "warning"
    levels = {rule["id"]: rule["defaultConfiguration"]["level"] for rule in rules}
    assert levels["IMR206"] == "error" and levels["IMR303"] == "warning" and levels["IMR304"] == "note"
    assert run_["invocations"][0]["executionSuccessful"] is True


def test_sarif_of_an_empty_run_is_valid(capsys, sarif_schema):
    document = sarif(capsys, MRI)
    jsonschema.validators.validator_for(sarif_schema)(sarif_schema).validate(document)
    assert document["runs"][0]["results"] == []


def test_sarif_fingerprints_are_stable_and_ignore_line_numbers(capsys, letters, tmp_path):
    first = sarif(capsys, faulty(letters))["runs"][0]["results"]
    again = sarif(capsys, faulty(letters))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in first] == [r["partialFingerprints"] for r in again]
    # The same letter with three more lines in its summary: every finding moves down, its
    # fingerprint stays.
    shifted_path = tmp_path / "c_faulty.txt"
    text = (letters / "c_faulty.txt").read_text(encoding="utf-8")
    shifted_path.write_text(
        text.replace("program. On 11-3-16,", "program.\nOne more line.\nAnd another.\nOn 11-3-16,", 1), encoding="utf-8"
    )
    import os

    cwd = os.getcwd()
    os.chdir(letters)
    try:
        here = sarif(capsys, "c_faulty.txt")["runs"][0]["results"]
    finally:
        os.chdir(tmp_path)
    try:
        moved = sarif(capsys, "c_faulty.txt")["runs"][0]["results"]
    finally:
        os.chdir(cwd)
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] + 3 for r in here] == [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved
    ]
    assert [r["partialFingerprints"] for r in here] == [r["partialFingerprints"] for r in moved]
    assert len({r["partialFingerprints"]["imrlint/v1"] for r in here}) == len(here)


# --- junit ------------------------------------------------------------------------------------


def test_junit_has_a_suite_per_letter_and_a_case_per_rule(capsys, letters):
    status, out, _ = run(capsys, letters, "--format", "junit")
    assert status == 1
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [pathlib.Path(suite.get("name")).name for suite in suites] == [
        "a_clean.txt",
        "b_warning.txt",
        "c_faulty.txt",
    ]
    enabled = list(SELECTED)
    for suite in suites:
        cases = suite.findall("testcase")
        assert [case.get("name").split()[0] for case in cases] == enabled
        assert suite.get("tests") == str(len(enabled))
    clean, warning, bad = suites
    assert clean.get("failures") == "0" and not clean.findall(".//failure")
    # a warning does not fail its test; it is shown in the test's output
    assert warning.get("failures") == "0"
    assert "IMR303 [warning]" in "".join(out.text or "" for out in warning.iter("system-out"))
    failed = {
        case.get("name").split()[0]: case.find("failure")
        for case in bad.findall("testcase")
        if case.find("failure") is not None
    }
    assert sorted(failed) == ["IMR201", "IMR206"]
    assert "50:" in failed["IMR206"].text
    assert bad.get("failures") == "2" and root.get("failures") == "2"
    assert root.get("tests") == str(3 * len(enabled))


def test_junit_escapes_letter_text(capsys, letters):
    _, out, _ = run(capsys, faulty(letters), "--format", "junit")
    assert "<script>" not in out
    ET.fromstring(out.encode("utf-8"))


# --- github -----------------------------------------------------------------------------------


def test_github_annotations(capsys, letters):
    _, out, _ = run(capsys, letters, "--format", "github")
    lines = out.splitlines()
    assert lines[-1].startswith("Checked 3 letters:")
    warning, contradiction, missing = lines[:-1]
    assert warning.startswith(f"::warning file={letters / 'b_warning.txt'},line=109,col=44,endLine=109,")
    assert (
        contradiction.startswith("::error file=")
        and ",line=50," in contradiction
        and ",title=IMR206 conclusion-contradicts-label::label 'Overturned'" in contradiction
    )
    assert re.fullmatch(
        r"::error file=[^,]+,line=68,col=1,endLine=\d+,endColumn=\d+,title=IMR201 missing-label::.+", missing
    )


def test_github_escaping():
    from imrlint.report.github import escape_data, escape_property

    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


# --- csv --------------------------------------------------------------------------------------


def test_csv_rows_carry_the_item_heading_and_label(capsys, letters):
    _, out, _ = run(capsys, letters, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "code",
        "name",
        "severity",
        "message",
        "item",
        "item_heading",
        "item_label",
        "page",
        "paragraph",
    ]
    by_code = {row["code"]: row for row in rows}
    assert sorted(by_code) == ["IMR201", "IMR206", "IMR303"]
    contradiction = by_code["IMR206"]
    assert contradiction["line"] == "50" and contradiction["item"] == "1"
    assert contradiction["item_heading"] == f"MRI {CANARY} {SCRIPT} of the right shoulder without contrast: Overturned"
    assert contradiction["item_label"] == "Overturned"
    assert by_code["IMR201"]["item_label"] == "" and TITLE_CANARY in by_code["IMR201"]["item_heading"]


def test_csv_defuses_spreadsheet_formulas():
    from imrlint.report.csv import cell

    assert cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert cell("-1+2") == "'-1+2"
    assert cell("MRI: Upheld") == "MRI: Upheld"


# --- html -------------------------------------------------------------------------------------


def test_html_report_is_self_contained_and_complete(capsys, letters):
    status, out, _ = run(capsys, letters, "--format", "html")
    assert status == 1
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    # nothing from elsewhere
    assert not re.search(r"<(?:link|img|iframe|object|embed)\b", out)
    assert not re.search(r"\b(?:src|href)\s*=\s*\"(?:https?:)?//", out)
    assert "Content-Security-Policy" in out
    # summary, chart, table of letters, rules, configuration, version and date
    assert re.search(r"<b>3</b>Letters checked", out) and re.search(r"<b>1</b>Letters with errors", out)
    assert re.search(r"<b>\d+</b>Upheld", out) and re.search(r"<b>\d+</b>Overturned", out)
    assert "<svg" in out and "IMR206 conclusion-contradicts-label" in out
    assert 'class="sortable" id="letters"' in out and out.count("<tr><td data-v=") == 3
    assert "Rules that ran" in out and "IMR303" in out and "imrlint version" in out
    # the finding beside its passage, the span marked
    assert "<mark>Overturned</mark>" in out


def test_html_escapes_letter_text(capsys, letters):
    _, out, _ = run(capsys, faulty(letters), "--format", "html")
    assert SCRIPT not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert out.count("<script") == 1  # the report's own sorting script, and nothing else
    assert "alert(" not in out.split("<script>", 1)[1]


def test_html_summary_uses_source_date_epoch(capsys, letters, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    _, out, _ = run(capsys, letters, "--format", "html")
    assert "2023-11-14 22:13 UTC" in out


# --- redact -----------------------------------------------------------------------------------


@pytest.mark.parametrize("format", FORMATS)
def test_redact_removes_every_piece_of_letter_text(capsys, letters, format):
    _, plain, _ = run(capsys, letters, "--format", format)
    status, out, _ = run(capsys, letters, "--format", format, "--redact")
    assert status == 1
    # without --redact the letter text is there (the test would prove nothing otherwise)...
    if format not in ("text", "json", "jsonl", "github", "junit", "sarif"):
        assert CANARY in plain
    assert TITLE_CANARY in plain and "medically necessary" in plain
    if format == "sarif":  # the rules' documentation quotes example letters: look at the results
        document = json.loads(out)
        del document["runs"][0]["tool"]
        out = json.dumps(document, ensure_ascii=False)
    # ...with it, none of it
    for text in (
        CANARY,
        TITLE_CANARY,
        "alert(1)",
        CONCLUSION,
        "right shoulder",
        "cervical spine",
        "NSAIDs, GI symptoms",
    ):
        assert text not in out, f"{text!r} in the redacted {format} report"
    assert "[redacted]" in out
    assert "IMR206" in out and "IMR201" in out


def test_redacted_messages_keep_imrlints_words_and_numbers(capsys, letters):
    _, out, _ = run(capsys, letters, "--format", "json", "--redact")
    messages = {record["code"]: record["message"] for record in json.loads(out)}
    assert (
        messages["IMR206"]
        == "label 'Overturned' contradicts the rationale's conclusion \"[redacted]\" (not medically necessary); label "
        "the item 'Upheld' or correct the rationale's conclusion (line 65)"
    )
    assert (
        messages["IMR201"]
        == "item '[redacted]' has no decision label; end its heading with ': Upheld' or ': Overturned'"
    )
    assert (
        messages["IMR303"]
        == "page 102 is outside '[redacted]' (pages 68-69) in the Chronic Pain Medical Treatment Guidelines (2009); "
        "check the page"
    )


def test_redacted_message_replaces_unknown_and_unsafe_fields():
    from imrlint.input.document import Span
    from imrlint.report.redact import redacted_message
    from imrlint.rules.findings import Finding

    def finding(code, template, **fields):
        return Finding(
            "x.txt",
            Span(1, 1, 1, 2),
            code,
            "n",
            "error",
            template.format(**fields),
            template=template,
            fields=tuple(fields.items()),
        )

    assert (
        redacted_message(finding("HS101", "'{word}' at {count:03d}", word="secret", count=7)) == "'[redacted]' at 007"
    )
    assert (
        redacted_message(finding("IMR900", "rule {rule} failed ({detail})", rule="IMR206", detail="KeyError: 'secret'"))
        == "rule IMR206 failed ([redacted])"
    )
    assert redacted_message(Finding("x.txt", Span(1, 1, 1, 2), "HS1", "n", "error", "secret")) == "[redacted]"


# --- output file and statistics ---------------------------------------------------------------


def test_output_file_gets_the_report(capsys, letters, tmp_path):
    target = tmp_path / "report.sarif"
    status, out, _ = run(capsys, letters, "--format", "sarif", "--output-file", target)
    assert status == 1 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert [path.name for path in tmp_path.iterdir()] == ["report.sarif"]


def test_a_crash_mid_report_leaves_the_old_file_and_no_temporary(letters, tmp_path, rule_set):
    from imrlint.config.layers import load_config
    from imrlint.lint.linter import Linter
    from imrlint.lint.parallel import check_run
    from imrlint.report.json import JsonReporter

    class Crashing(JsonReporter):
        def file(self, report):
            super().file(report)
            if report.findings:
                raise RuntimeError("reporter bug")

    target = tmp_path / "report.json"
    target.write_text("previous report\n", encoding="utf-8")
    linter = Linter(rule_set, load_config(rule_set.defaults, None))
    paths = sorted(str(path) for path in letters.iterdir())
    with pytest.raises(RuntimeError):
        check_run(linter, paths, Crashing, named_paths=paths, output_file=str(target), jobs=1)
    assert target.read_text(encoding="utf-8") == "previous report\n"
    assert [path.name for path in tmp_path.iterdir()] == ["report.json"]
    fresh = tmp_path / "new.json"
    with pytest.raises(RuntimeError):
        check_run(linter, paths, Crashing, named_paths=paths, output_file=str(fresh), jobs=1)
    assert not fresh.exists() and [path.name for path in tmp_path.iterdir()] == ["report.json"]


def test_statistics_follow_a_text_report(capsys, letters):
    _status, out, err = run(capsys, letters, "--statistics")
    lines = out.splitlines()
    # counts right-aligned in four columns, as the README shows
    assert lines[-4:] == [
        "   1  IMR201 missing-label",
        "   1  IMR206 conclusion-contradicts-label",
        "   1  IMR303 page-outside-topic",
        "   3  total in 3 letters",
    ]
    assert lines[-5].startswith("Checked 3 letters")
    assert err == ""


def test_statistics_keep_machine_output_valid(capsys, letters, tmp_path):
    _, out, err = run(capsys, letters, "--format", "json", "--statistics")
    json.loads(out)
    assert err.splitlines()[-1] == "   3  total in 3 letters"
    _, out, err = run(capsys, letters, "--format", "json", "--statistics", "-o", tmp_path / "r.json")
    assert out.splitlines()[-1] == "   3  total in 3 letters" and err == ""


def test_every_format_is_registered_through_the_plugin_hook(rule_set):
    assert set(FORMATS) <= set(rule_set.formats)


def test_sarif_carries_the_baseline_fingerprint(capsys, letters, tmp_path):
    """A SARIF consumer and a baseline file name a finding by the same fingerprint."""
    results = sarif(capsys, letters)["runs"][0]["results"]
    baseline = tmp_path / "baseline.json"
    run(capsys, letters, "--write-baseline", baseline)
    recorded = sorted(
        (entry["code"], entry["fingerprint"]) for entry in json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    )
    assert (
        sorted((result["ruleId"], result["partialFingerprints"]["imrlintBaseline/v1"]) for result in results)
        == recorded
    )
    redacted = sarif(capsys, letters, "--redact")["runs"][0]["results"]
    assert all(list(result["partialFingerprints"]) == ["imrlint/v1"] for result in redacted)
