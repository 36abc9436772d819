"""The cache of reports and extracted text (imrlint.lint.cache): a cached run gives byte-identical
reports in every format; what changes a letter's findings changes its key; damaged, foreign or
untrusted entries are never believed; the size stays bounded; --no-cache, --cache-dir and the
cache command do what they say."""

from __future__ import annotations

import os
import pathlib
import pickle
import shutil
import stat
import subprocess
import sys

import pytest

from imrlint.lint import cache as cache_module
from imrlint.lint.cache import CACHEDIR_TAG, LetterCache, parse_size

from conftest import PDFS, REPO, SEEDS, copy_letters_of_every_kind

FORMATS = ("text", "json", "jsonl", "sarif", "junit", "github", "csv", "html")


@pytest.fixture
def letters(tmp_path) -> pathlib.Path:
    return copy_letters_of_every_kind(tmp_path / "letters")


def imrlint(*arguments: str, cwd: pathlib.Path, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "IMRLINT_CACHE_DIR"}
    env["SOURCE_DATE_EPOCH"] = "1700000000"
    env["PYTHONPATH"] = str(REPO)
    env["XDG_CACHE_HOME"] = str(cwd / "xdg")
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-m", "imrlint", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )


def entries(directory: pathlib.Path, kind: str = "results") -> list[pathlib.Path]:
    return sorted(path for path in (directory / "v1" / kind).glob("*/*") if path.is_file())


@pytest.mark.parametrize("format", FORMATS)
def test_a_cached_run_reports_byte_for_byte_what_an_uncached_run_does(letters, tmp_path, format):
    cache = tmp_path / "cache"
    arguments = ("check", "--exit-zero", "-j", "2", "--format", format, "letters")
    fresh = imrlint(*arguments, "--no-cache", cwd=tmp_path)
    filling = imrlint(*arguments, "--cache-dir", str(cache), cwd=tmp_path)
    kept = entries(cache)
    assert len(kept) == len(list(letters.rglob("*.*")))  # every letter's report
    assert len(entries(cache, "text")) == 6  # the PDFs' and Word files' text
    cached = imrlint(*arguments, "--cache-dir", str(cache), cwd=tmp_path)
    assert entries(cache) == kept  # every report read back, none written
    assert fresh.returncode == filling.returncode == cached.returncode == 0, fresh.stderr
    assert fresh.stderr == filling.stderr == cached.stderr == ""
    assert filling.stdout == fresh.stdout
    assert cached.stdout == fresh.stdout


def test_the_default_cache_is_in_the_user_cache_directory_and_ignored_by_git(letters, tmp_path):
    environment = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    result = imrlint("check", "--exit-zero", "letters/seeds", cwd=tmp_path, **environment)
    assert result.returncode == 0, result.stderr
    directory = tmp_path / "xdg" / "imrlint"
    assert (directory / "CACHEDIR.TAG").read_text(encoding="ascii") == CACHEDIR_TAG
    assert (directory / ".gitignore").read_text(encoding="ascii").splitlines()[-1] == "*"
    assert len(entries(directory)) == 5
    # the lean loop's tables are shipped: the grammars are compiled by Lark, and kept, only for a
    # letter out of shape
    grammars = directory / "v1" / "grammars"
    assert not grammars.exists() or not list(grammars.glob("*.lean"))
    assert imrlint("cache", "dir", cwd=tmp_path, **environment).stdout == f"{directory}\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["letters", "xdg"]  # nothing beside the letters


def test_no_cache_neither_reads_nor_writes(letters, tmp_path):
    result = imrlint("check", "--exit-zero", "--no-cache", "letters/seeds", cwd=tmp_path)
    assert result.returncode == 0
    assert not (tmp_path / "xdg").exists()


def test_the_cache_directory_variable_is_used(letters, tmp_path, monkeypatch):
    monkeypatch.setenv("IMRLINT_CACHE_DIR", str(tmp_path / "elsewhere"))
    status, _, _ = run_in(tmp_path, "check", "--exit-zero", "letters/seeds")
    assert status == 0
    assert len(entries(tmp_path / "elsewhere")) == 5


def run_in(directory: pathlib.Path, *argv: str):
    """The command line run in-process from ``directory``."""
    from imrlint.cli.main import main

    here = os.getcwd()
    os.chdir(directory)
    try:
        return main(list(argv)), None, None
    finally:
        os.chdir(here)


def session_with_cache(directory: pathlib.Path, *, ignore: tuple[str, ...] = ()):
    from imrlint.config.settings import CommandLine
    from imrlint.lint.session import Session
    from imrlint.plugins.manager import load_rule_set, plugin_manager

    session = Session(load_rule_set(plugin_manager()), command_line=CommandLine(ignore=ignore))
    session.cache = LetterCache.open(directory)
    return session


def test_a_letter_unchanged_is_not_linted_again(tmp_path, monkeypatch):
    letter = tmp_path / "letter.txt"
    shutil.copyfile(sorted(SEEDS.glob("*.txt"))[1], letter)
    first = session_with_cache(tmp_path / "cache").lint_path(str(letter))
    assert first.findings

    def not_again(*args, **kwargs):
        raise AssertionError("the letter was linted again")

    monkeypatch.setattr("imrlint.model.letter.build_letter", not_again)
    again = session_with_cache(tmp_path / "cache").lint_path(str(letter))
    assert again == first


def test_what_changes_the_findings_changes_the_key(tmp_path):
    letter = tmp_path / "letter.txt"
    text = sorted(SEEDS.glob("*.txt"))[1].read_text(encoding="utf-8")
    letter.write_text(text, encoding="utf-8")
    directory = tmp_path / "cache"
    first = session_with_cache(directory).lint_path(str(letter))
    assert "IMR212" in {finding.code for finding in first.findings}
    ignored = session_with_cache(directory, ignore=("IMR212",)).lint_path(str(letter))
    assert "IMR212" not in {finding.code for finding in ignored.findings}
    other = tmp_path / "other.txt"  # the same letter under another name
    shutil.copyfile(letter, other)
    assert {finding.path for finding in session_with_cache(directory).lint_path(str(other)).findings} == {str(other)}
    letter.write_text(text.replace("PERMANENT IMPLANTATION", "PERMANENT IMPLANT"), encoding="utf-8")
    edited = session_with_cache(directory).lint_path(str(letter))
    assert [finding.message for finding in edited.findings] != [finding.message for finding in first.findings]
    assert len(entries(directory)) == 4


def test_another_imrlint_does_not_read_this_ones_results(tmp_path, monkeypatch):
    letter = tmp_path / "letter.txt"
    shutil.copyfile(sorted(SEEDS.glob("*.txt"))[1], letter)
    session_with_cache(tmp_path / "cache").lint_path(str(letter))
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: "an upgraded imrlint")
    session_with_cache(tmp_path / "cache").lint_path(str(letter))
    assert len(entries(tmp_path / "cache")) == 2


def test_damaged_and_foreign_entries_are_ignored_and_written_again(letters, tmp_path):
    cache = tmp_path / "cache"
    arguments = ("check", "--exit-zero", "-j", "1", "--format", "json", "--cache-dir", str(cache), "letters/seeds")
    expected = imrlint(*arguments, cwd=tmp_path).stdout
    kept = entries(cache)
    kept[0].write_bytes(kept[0].read_bytes()[:20])  # cut short
    kept[1].write_bytes(b"not a pickle")
    key = kept[2].parent.name + kept[2].name
    # a pickle that would run code when loaded
    kept[2].write_bytes(pickle.dumps((key, Exploit())))
    kept[3].write_bytes(pickle.dumps(("another key", "another value")))
    result = imrlint(*arguments, cwd=tmp_path)
    assert (result.stdout, result.stderr) == (expected, "")
    assert not (tmp_path / "exploited").exists()
    for path in kept:
        stored_key, report = pickle.loads(path.read_bytes())
        assert stored_key == path.parent.name + path.name
        assert report.findings is not None


class Exploit:
    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path("exploited"),))


def test_reports_of_a_failure_are_not_kept(tmp_path):
    from imrlint.lint.linter import FileReport

    cache = LetterCache.open(tmp_path / "cache")
    cache.keep_report("a" * 64, FileReport("letter.txt", internal_error=True))
    assert entries(tmp_path / "cache") == []
    cache.keep_report("b" * 64, FileReport("letter.txt"))
    assert len(entries(tmp_path / "cache")) == 1


def test_an_entry_folder_removed_meanwhile_is_made_again(tmp_path):
    from imrlint.lint.linter import FileReport

    cache = LetterCache.open(tmp_path / "cache")
    cache.keep_report("ab" + "0" * 62, FileReport("first.txt"))
    shard = tmp_path / "cache" / "v1" / "results" / "ab"
    assert [path.name for path in shard.iterdir()] == ["0" * 62]
    shutil.rmtree(tmp_path / "cache" / "v1" / "results")  # cleaned by another run meanwhile
    cache.keep_report("ab" + "1" * 62, FileReport("second.txt"))
    assert [path.name for path in shard.iterdir()] == ["1" * 62]
    assert cache.report("ab" + "1" * 62) == FileReport("second.txt")


def test_a_directory_others_may_write_is_not_used(tmp_path, letters):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    assert LetterCache.open(shared) is None
    result = imrlint("check", "--exit-zero", "--cache-dir", str(shared), "letters/seeds", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert not (shared / "v1").exists()


def test_an_unwritable_cache_costs_nothing_but_the_cache(tmp_path, letters):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    expected = imrlint("check", "--exit-zero", "--no-cache", "letters/seeds", cwd=tmp_path)
    result = imrlint("check", "--exit-zero", "--cache-dir", str(blocker / "cache"), "letters/seeds", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, expected.stdout, "")


def test_the_cache_is_kept_under_its_size(tmp_path):
    from imrlint.lint.linter import FileReport

    cache = LetterCache(tmp_path / "cache", limit=3000)
    reports = [FileReport(f"{index}.txt", excerpts={1: "x" * 400}) for index in range(12)]
    for index, report in enumerate(reports):
        cache.keep_report(f"{index:02d}" + "0" * 62, report)
        path = cache._entry("results", f"{index:02d}" + "0" * 62)
        os.utime(path, (1_000_000 + index, 1_000_000 + index))  # written in order
    cache.report("00" + "0" * 62)  # the oldest used again: kept
    assert cache.evict(letters=1000) > 0
    kept = {path.parent.name for path in entries(tmp_path / "cache")}
    assert sum(path.stat().st_size for path in entries(tmp_path / "cache")) <= 3000 * 0.8
    assert "00" in kept and "11" in kept and "01" not in kept


def test_sizes_are_read_as_people_write_them():
    assert parse_size("512M") == 512 * 1024**2
    assert parse_size("2g") == 2 * 1024**3
    assert parse_size("100000") == 100000
    assert parse_size("1.5KB") == 1536
    with pytest.raises(ValueError, match="0"):
        parse_size("0")


def test_the_text_of_a_pdf_is_extracted_once(tmp_path, monkeypatch):
    import imrlint.input.pdf

    pdf = tmp_path / "letter.pdf"
    shutil.copyfile(sorted(PDFS.glob("*.pdf"))[0], pdf)
    first = session_with_cache(tmp_path / "cache").lint_path(str(pdf))

    def not_again(*args, **kwargs):
        raise AssertionError("the PDF was extracted again")

    monkeypatch.setattr(imrlint.input.pdf, "extract_pdf", not_again)
    # another configuration: the report is linted again, from the text kept
    again = session_with_cache(tmp_path / "cache", ignore=("IMR605",)).lint_path(str(pdf))
    assert again.findings == first.findings
    assert again.findings == session_with_cache(tmp_path / "cache").lint_path(str(pdf)).findings


def test_cache_clean_removes_only_a_cache(tmp_path, letters):
    assert imrlint("check", "--exit-zero", "letters/seeds", cwd=tmp_path).returncode == 0
    result = imrlint("cache", "clean", cwd=tmp_path)
    assert result.returncode == 0
    assert (tmp_path / "xdg").exists() and not (tmp_path / "xdg" / "imrlint").exists()
    other = tmp_path / "documents"
    other.mkdir()
    (other / "keep.txt").write_text("mine", encoding="utf-8")
    refused = imrlint("cache", "clean", "--cache-dir", str(other), cwd=tmp_path)
    assert refused.returncode == 2
    assert "not a cache imrlint made" in refused.stderr
    assert (other / "keep.txt").exists()


def test_cache_entries_are_private(tmp_path):
    from imrlint.lint.linter import FileReport

    cache = LetterCache.open(tmp_path / "cache")
    cache.keep_report("c" * 64, FileReport("letter.txt"))
    (entry,) = entries(tmp_path / "cache")
    assert stat.S_IMODE(entry.stat().st_mode) & 0o077 == 0


def test_a_folder_that_is_not_a_cache_is_never_filled_nor_cleaned(tmp_path, letters):
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "keep.txt").write_text("mine", encoding="utf-8")
    result = imrlint("check", "--exit-zero", "--cache-dir", str(documents), "letters/seeds", cwd=tmp_path)
    assert result.returncode == 0
    assert (
        result.stderr
        == f"imrlint: warning: {documents} is not a cache imrlint made, and not empty: not used as the cache\n"
    )
    assert sorted(path.name for path in documents.iterdir()) == ["keep.txt"]
    # another tool's cache carries the same signature line: not imrlint's to remove
    ruff_cache = tmp_path / ".ruff_cache"
    ruff_cache.mkdir()
    (ruff_cache / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n", encoding="ascii")
    assert imrlint("cache", "clean", "--cache-dir", str(ruff_cache), cwd=tmp_path).returncode == 2
    assert (ruff_cache / "CACHEDIR.TAG").exists()


def test_yaml_content_counts_towards_the_size_and_is_evicted_first_when_oldest(tmp_path):
    from imrlint.lint.linter import FileReport

    cache = LetterCache(tmp_path / "cache", limit=1000)
    (cache.root / "yaml").mkdir(parents=True)
    for index in range(3):
        kept = cache.root / "yaml" / f"{index}.pickle"
        kept.write_bytes(b"x" * 500)
        os.utime(kept, (1_000_000 + index, 1_000_000 + index))
    cache.keep_report("ab" + "0" * 62, FileReport("a.txt"))
    assert cache.evict(letters=1000) == 2
    assert sorted(path.name for path in (cache.root / "yaml").iterdir()) == ["2.pickle"]
    assert cache.report("ab" + "0" * 62) is not None
