"""Trust and leaks: configuration others could have planted is not read; --redact removes letter
text from everything imrlint prints, keeping imrlint's own words; what a letter or a file name
holds can never drive the terminal or break a report; a bad SOURCE_DATE_EPOCH is a warning."""

from __future__ import annotations

import json
import os
import pathlib
import xml.dom.minidom

import pytest

from conftest import CORPUS, SEEDS, edited, run

SEED_000 = SEEDS / "000_8aa5183601f98bf9.txt"
SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"
CONTRADICTED = ("NORCO 10/325 MG #180:  Upheld", "NORCO 10/325 MG #180:  Overturned")
IMR206_LINE = "63:24: IMR206 [error] label 'Overturned' contradicts the rationale's conclusion"
FORMATS = ["text", "json", "jsonl", "sarif", "junit", "github", "csv", "html"]


@pytest.fixture
def folder(tmp_path, monkeypatch) -> pathlib.Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- where configuration discovery stops ------------------------------------------------------


def test_a_configuration_others_could_have_planted_is_not_read(capsys, folder):
    shared = folder / "shared"  # like /tmp: anyone may create files in it
    (shared / "cases").mkdir(parents=True)
    shared.chmod(0o1777)
    (shared / ".imrlint.yaml").write_text("ignore: [ALL]\n", encoding="utf-8")
    (shared / "cases" / "letter.txt").write_text(edited(SEED_001, CONTRADICTED), encoding="utf-8")
    status, out, err = run(capsys, "check", "shared/cases/letter.txt")
    assert status == 1
    assert f"shared/cases/letter.txt:{IMR206_LINE}" in out
    assert (
        err
        == "imrlint: warning: shared/.imrlint.yaml is not read: its directory can be written by other users; give it "
        "with --config to use it\n"
    )
    status, _, _ = run(capsys, "check", "--config", "shared/.imrlint.yaml", "shared/cases/letter.txt")
    assert status == 0  # named on purpose, it is read


def test_a_configuration_file_others_may_write_is_not_read(capsys, folder):
    (folder / "cases").mkdir()
    (folder / "cases" / ".imrlint.yaml").write_text("ignore: [ALL]\n", encoding="utf-8")
    (folder / "cases" / ".imrlint.yaml").chmod(0o666)
    (folder / "cases" / "letter.txt").write_text(edited(SEED_001, CONTRADICTED), encoding="utf-8")
    status, out, err = run(capsys, "check", "cases/letter.txt")
    assert status == 1 and IMR206_LINE in out
    assert (
        err
        == "imrlint: warning: cases/.imrlint.yaml is not read: it can be written by other users; give it with --config "
        "to use it\n"
    )


def test_discovery_stops_at_the_repository_root(capsys, folder):
    (folder / ".imrlint.yaml").write_text("ignore: [ALL]\n", encoding="utf-8")  # above the repository
    repository = folder / "letters-repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "letter.txt").write_text(edited(SEED_001, CONTRADICTED), encoding="utf-8")
    status, out, err = run(capsys, "check", "letters-repo/letter.txt")
    assert (status, err) == (1, "") and IMR206_LINE in out
    status, out, _ = run(capsys, "config", "letters-repo/letter.txt")
    assert "# configuration file: none found" in out


# --- --redact ---------------------------------------------------------------------------------


def test_redacted_stale_baseline_entries_carry_no_letter_text(capsys, folder):
    (folder / "letter.txt").write_text(edited(SEED_001, CONTRADICTED), encoding="utf-8")
    run(capsys, "check", "--write-baseline", "baseline.json", "letter.txt")
    baseline = json.loads((folder / "baseline.json").read_text(encoding="utf-8"))
    assert any(
        "the record does not demonstrate medical necessity" in entry["message"] for entry in baseline["findings"]
    )
    (folder / "letter.txt").write_bytes(SEED_001.read_bytes())  # the contradiction fixed: its entry is stale
    _status, _out, err = run(capsys, "check", "--redact", "--baseline", "baseline.json", "letter.txt")
    assert err.splitlines()[1:] == ["  letter.txt: IMR206 conclusion-contradicts-label"]
    _status, _out, err = run(capsys, "check", "--baseline", "baseline.json", "letter.txt")
    assert "the record does not demonstrate medical necessity" in err.splitlines()[1]


def redacted_messages(capsys, *paths) -> dict[str, str]:
    _status, out, err = run(capsys, "check", "--redact", "--format", "json", *map(str, paths))
    assert "[redacted]" not in err
    return {finding["code"]: finding["message"] for finding in json.loads(out)}


def test_redacted_messages_keep_imrlints_own_words(capsys, folder):
    messages = redacted_messages(capsys, CORPUS / "CM17-0002198.txt", CORPUS / "CM17-0003917.txt", SEED_000)
    assert (
        messages["IMR308"]
        == "'[redacted]' is not a known section of the Low Back Complaints (2004); did you mean 'Initial Care'?"
    )
    assert messages["IMR312"] == "pages 76-78 come after page 91; list the pages in order, each once: 76-78, 91"
    assert (
        messages["IMR504"]
        == "date of injury [redacted] in the rationale for '[redacted]' differs from [redacted] in the summary (line "
        "27); state one date of injury"
    )
    messages = redacted_messages(capsys, CORPUS / "CM16-0219557.txt")
    assert (
        messages["IMR504"]
        == "date of injury [redacted] in the summary differs from [redacted] in the header's Date of Injury (line 3); "
        "state one date of injury"
    )
    (folder / "damaged.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Patient (Jane Roe) >>\n")
    messages = redacted_messages(capsys, folder / "damaged.pdf")
    assert messages["IMR007"] == "not a readable PDF ([redacted])"


def test_ages_over_89_are_redacted(capsys, folder):
    text = SEED_001.read_text(encoding="utf-8")
    assert "This patient is a 53 year-old" in text
    for age, shown in (("61", "61"), ("93", "[redacted]")):
        letter = text.replace(
            "Therefore, the record does not demonstrate",
            f"The patient is a {age} year-old. Therefore, the record does not demonstrate",
            1,
        )
        (folder / "letter.txt").write_text(letter, encoding="utf-8")
        messages = redacted_messages(capsys, "letter.txt")
        assert (
            messages["IMR505"]
            == f"the rationale for '[redacted]' gives the patient's age as {shown}, the summary as 53 (line 31); "
            "correct the age"
        )


def test_show_traceback_cannot_be_combined_with_redact(capsys, folder):
    (folder / "letter.txt").write_bytes(SEED_000.read_bytes())
    assert run(capsys, "--show-traceback", "check", "--redact", "letter.txt") == (
        2,
        "",
        "imrlint: error: --show-traceback prints what failing code raised, which may quote a letter; it cannot be used "
        "with --redact\n",
    )


# --- control characters and file names that are not UTF-8 -------------------------------------

HOSTILE = "\x1b]0;owned\x07\u202eevil"


def test_control_characters_in_letters_and_names_never_reach_the_terminal(capsys, folder):
    name = "letters\n::error file=forged.txt::forged.txt"
    (folder / name).write_text(
        edited(SEED_001, CONTRADICTED, ("SPINAL CORD STIMULATOR (SCS)", f"SPINAL CORD STIMULATOR {HOSTILE} (SCS)")),
        encoding="utf-8",
    )
    for format in FORMATS:
        status, out, _err = run(capsys, "check", "--format", format, name)
        assert status == 1, format
        assert not any(character in out for character in "\x1b\x07\u202e"), format
        assert "\n::error file=forged.txt" not in out, format
    status, out, _ = run(capsys, "check", name)
    assert out.splitlines()[0].startswith("letters\\x0a::error file=forged.txt::forged.txt:63:24: IMR206 [error]")
    assert (
        "STIMULATOR \\x1b]0;owned\\x07\\u202eev…' is not among the requests" in out
    )  # the title as IMR212 shortens it


def test_file_names_that_are_not_utf8_are_escaped_and_every_report_stays_valid(capsys, folder):
    name = os.fsdecode(b"case-\xff\xfe.txt")
    (folder / name).write_bytes(SEED_000.read_bytes())
    for format in FORMATS:
        status, out, err = run(capsys, "check", "--format", format, ".")
        assert (status, err) == (0, ""), format
        out.encode("utf-8")  # no lone surrogate: valid UTF-8
        shown = "case-%5Cxff%5Cxfe.txt" if format == "sarif" else "case-\\xff\\xfe.txt"  # SARIF: a URI
        assert shown in out.replace("\\\\", "\\"), format
        if format in ("json", "sarif"):
            json.loads(out)
        elif format == "jsonl":
            [json.loads(line) for line in out.splitlines()]
        elif format == "junit":
            xml.dom.minidom.parseString(out.encode("utf-8"))


# --- SOURCE_DATE_EPOCH ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["99999999999999999999", "yesterday", "-1e9"])
def test_a_source_date_epoch_that_is_not_a_date_is_a_warning(capsys, folder, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    (folder / "letter.txt").write_bytes(SEED_000.read_bytes())
    status, out, err = run(capsys, "check", "--format", "sarif", "letter.txt")
    assert status == 0
    assert (
        err
        == f"imrlint: warning: SOURCE_DATE_EPOCH={value} is not a date (seconds since 1970, up to the year 9999); the "
        "report is dated now\n"
    )
    json.loads(out)
