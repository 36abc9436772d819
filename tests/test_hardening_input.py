"""No letter goes unchecked without a word: a letter is linted (decoded as well as possible) or
its failure is a finding; special files, unreadable directories, links back up the tree and empty
directories are each reported."""

from __future__ import annotations

import json
import os
import pathlib

import pytest

from conftest import SEEDS, edited, run

SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"
# Seed 001 with a label that contradicts its rationale: an error finding (IMR206).
CONTRADICTED = ("NORCO 10/325 MG #180:  Upheld", "NORCO 10/325 MG #180:  Overturned")


def check_json(capsys, *arguments):
    status, out, err = run(capsys, "check", "--format", "json", *arguments)
    return status, [(finding["path"], finding["code"], finding["message"]) for finding in json.loads(out)], err


def codes(findings) -> list[str]:
    return [code for _, code, _ in findings]


@pytest.fixture
def folder(tmp_path, monkeypatch) -> pathlib.Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_utf16_letter_with_a_stray_byte_is_linted_not_skipped(capsys, folder):
    text = edited(SEED_001, CONTRADICTED)
    (folder / "letter.txt").write_bytes(text.encode("utf-16") + b"\x00")  # a BOM, then one byte too many
    status, findings, _ = check_json(capsys, "letter.txt")
    assert status == 1  # the letter's error fails the run
    assert "IMR206" in codes(findings)
    assert (
        "letter.txt",
        "IMR006",
        f"not valid UTF-16 (byte {len(text.encode('utf-16'))}); read with the bad bytes replaced - save the letter as "
        "UTF-8",
    ) in findings


def test_nul_bytes_anywhere_make_a_file_binary(capsys, folder):
    text = SEED_001.read_bytes()
    assert len(text) > 8192
    (folder / "letter.txt").write_bytes(text + b"\x00\x00")
    status, findings, _ = check_json(capsys, "letter.txt")
    assert (status, findings) == (
        1,
        [("letter.txt", "IMR003", "binary data, not a text letter (NUL bytes or control characters)")],
    )


def test_a_fifo_named_like_a_letter_is_skipped_with_a_finding(capsys, folder):
    (folder / "letters").mkdir()
    os.mkfifo(folder / "letters" / "waiting.txt")  # reading it would wait for a writer forever
    (folder / "letters" / "letter.txt").write_bytes(SEED_001.read_bytes())
    status, findings, _ = check_json(capsys, "letters")
    assert status == 0
    assert ("letters/waiting.txt", "IMR008", "a FIFO, not a letter file: skipped, not read") in findings
    status, findings, _ = check_json(capsys, "letters/waiting.txt")
    assert findings == [("letters/waiting.txt", "IMR008", "a FIFO, not a letter file: skipped, not read")]


def test_an_unreadable_directory_is_reported_and_fails_the_run(capsys, folder, monkeypatch):
    (folder / "letters" / "private").mkdir(parents=True)
    (folder / "letters" / "private" / "letter.txt").write_bytes(SEED_001.read_bytes())
    private = folder / "letters" / "private"
    if os.geteuid() == 0:  # root reads any directory: the refusal the file system would give, given here
        scandir = os.scandir

        def refusing(path="."):
            if os.path.abspath(path) == str(private):
                raise PermissionError(13, "Permission denied", str(path))
            return scandir(path)

        monkeypatch.setattr(os, "scandir", refusing)
    else:
        private.chmod(0)
    try:
        status, out, _err = run(capsys, "check", "letters")
    finally:
        private.chmod(0o700)
    assert status == 1
    assert out == (
        "letters/private:1:1: IMR009 [error] cannot search this directory for letters: Permission denied\n"
        "Checked 0 letters: 1 error, 0 warnings, 0 info (0 with errors).\n"
    )


def test_links_to_directories_are_followed_once(capsys, folder):
    (folder / "letters" / "2016").mkdir(parents=True)
    (folder / "elsewhere").mkdir()
    (folder / "elsewhere" / "letter.txt").write_bytes(edited(SEED_001, CONTRADICTED).encode())
    os.symlink("../../elsewhere", folder / "letters" / "2016" / "kept-elsewhere")
    os.symlink("..", folder / "letters" / "2016" / "up")  # a loop
    status, findings, _ = check_json(capsys, "letters")
    assert status == 1  # the letter behind the link was checked
    assert [(path, code) for path, code, _ in findings if code != "IMR006"] == [
        ("letters/2016/kept-elsewhere/letter.txt", "IMR206"),
        ("letters/2016/kept-elsewhere/letter.txt", "IMR212"),
        ("letters/2016/kept-elsewhere/letter.txt", "IMR601"),
        ("letters/2016/up", "IMR010"),
    ]
    assert findings[-1] == ("letters/2016/up", "IMR010", "a link to letters, already searched: not searched again")


def test_a_directory_without_letters_is_said(capsys, folder):
    (folder / "letters" / "notes").mkdir(parents=True)
    (folder / "letters" / "notes" / "readme.md").write_text("no letters here\n", encoding="utf-8")
    status, out, err = run(capsys, "check", "letters")
    assert (status, err) == (0, "")
    assert out == (
        "letters:1:1: IMR012 [warning] no letters (*.txt, *.pdf, *.docx) in this directory or below\n"
        "Checked 0 letters: 0 errors, 1 warning, 0 info (0 with errors).\n"
    )


def test_letter_names_match_in_any_case(capsys, folder):
    (folder / "letters").mkdir()
    (folder / "letters" / "LETTER.TXT").write_bytes(SEED_001.read_bytes())
    _status, findings, _ = check_json(capsys, "letters")
    assert [path for path, _, _ in findings] == ["letters/LETTER.TXT", "letters/LETTER.TXT"]


# --- excluded paths ---------------------------------------------------------------------------


@pytest.fixture
def repository(folder) -> pathlib.Path:
    """A git repository (a .git directory is enough) of letters: 2016/a.txt, drafts/b.txt,
    2016/c.tmp.txt and scratch/d.txt, scratch ignored by git."""
    (folder / ".git").mkdir()
    for name in ("letters/2016/a.txt", "letters/drafts/b.txt", "letters/2016/c.tmp.txt", "letters/scratch/d.txt"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(SEED_001.read_bytes())
    (folder / "letters" / ".gitignore").write_text("scratch/\n", encoding="utf-8")
    (folder / ".imrlint.yaml").write_text("exclude: [drafts/, '*.tmp.txt']\n", encoding="utf-8")
    return folder


def linted(capsys, *arguments) -> list[str]:
    _status, findings, err = check_json(capsys, *arguments)
    assert err == ""
    return sorted({path for path, _, _ in findings})


def test_the_search_passes_by_excluded_and_git_ignored_paths(capsys, repository):
    assert linted(capsys, "letters") == ["letters/2016/a.txt"]
    assert linted(capsys, "--no-respect-gitignore", "letters") == ["letters/2016/a.txt", "letters/scratch/d.txt"]
    assert linted(capsys, "--exclude", "letters/2016/a.txt", "letters") == ["letters"]  # IMR012: nothing left
    (repository / ".imrlint.yaml").write_text(
        "exclude: ['*.tmp.txt', '!c.tmp.txt']\nrespect-gitignore: false\n", encoding="utf-8"
    )
    assert linted(capsys, "letters") == [
        "letters/2016/a.txt",
        "letters/2016/c.tmp.txt",
        "letters/drafts/b.txt",
        "letters/scratch/d.txt",
    ]


def test_files_named_are_linted_unless_excluded_by_force(capsys, repository):
    named = ("letters/drafts/b.txt", "letters/scratch/d.txt", "letters/2016/a.txt")
    assert linted(capsys, *named) == sorted(named)
    assert linted(capsys, "--force-exclude", *named) == ["letters/2016/a.txt"]


def test_outside_a_repository_gitignore_files_are_not_read(capsys, repository):
    (repository / ".git").rmdir()
    assert linted(capsys, "letters") == ["letters/2016/a.txt", "letters/scratch/d.txt"]


def test_an_invalid_exclude_pattern_is_a_configuration_error(capsys, folder):
    (folder / ".imrlint.yaml").write_text("exclude: [3]\n", encoding="utf-8")
    status, _out, err = run(capsys, "check", ".")
    assert (status, err) == (2, "imrlint: error: .imrlint.yaml: exclude.0: 3 is not of type 'string'\n")
