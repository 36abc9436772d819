"""Archives beyond one machine: --dask on a real LocalCluster of two worker processes gives the
report --jobs 1 gives, in every format; --files-from lists paths (a file, or standard input);
letters named by fsspec URLs are read where the linting runs."""

from __future__ import annotations

import io
import json
import os
import pathlib
import sys

import fsspec
import pytest
from distributed import LocalCluster

from imrlint.lint import cluster

from conftest import copy_letters_of_every_kind

FORMATS = ("text", "json", "jsonl", "sarif", "junit", "github", "csv", "html")


@pytest.fixture(scope="module")
def scheduler():
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> pathlib.Path:
    return copy_letters_of_every_kind(tmp_path_factory.mktemp("archive") / "letters", with_corpus_text=True)


@pytest.fixture(autouse=True)
def reproducible(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def check(capsys, directory: pathlib.Path, *argv: str):
    """``imrlint check ARGV`` run in-process from ``directory``: (status, stdout, stderr)."""
    from imrlint.cli.main import main

    here = os.getcwd()
    os.chdir(directory)
    try:
        status = main(["check", "--exit-zero", "--no-cache", *argv])
    finally:
        os.chdir(here)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("format", FORMATS)
def test_a_dask_run_reports_byte_for_byte_what_jobs_1_does(capsys, scheduler, letters, format):
    here = letters.parent
    expected = check(capsys, here, "-j", "1", "--format", format, "letters")
    on_cluster = check(capsys, here, "--dask", scheduler, "--format", format, "letters")
    assert expected[0] == 0
    assert on_cluster == expected


def test_a_dask_run_lints_letters_named_by_url_on_the_workers(capsys, scheduler, letters):
    url = letters.as_uri() + "/seeds"
    expected = check(capsys, letters, "-j", "1", "--format", "json", url)
    paths = {finding["path"] for finding in json.loads(expected[1])}
    assert paths and all(path.startswith(f"{url}/") for path in paths)
    assert check(capsys, letters, "--dask", scheduler, "--format", "json", url) == expected


def test_a_redacted_dask_run_is_redacted_on_the_workers(capsys, scheduler, letters):
    expected = check(capsys, letters.parent, "-j", "1", "--redact", "--format", "json", "letters/seeds")
    assert (
        check(capsys, letters.parent, "--dask", scheduler, "--redact", "--format", "json", "letters/seeds") == expected
    )


def test_an_unreachable_scheduler_is_a_usage_error(capsys, letters, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    status, out, err = check(capsys, letters.parent, "--dask", "tcp://127.0.0.1:9", "letters/seeds")
    assert status == 2
    assert err.startswith("imrlint: error: --dask tcp://127.0.0.1:9: cannot reach the Dask scheduler (")
    assert out == ""


def test_files_from_lists_paths_one_a_line(capsys, letters, tmp_path):
    listed = sorted(str(path) for path in (letters / "seeds").glob("*.txt"))
    expected = check(capsys, tmp_path, "--format", "json", *listed)
    listing = tmp_path / "letters.lst"
    listing.write_bytes(("\r\n".join(listed[:2]) + "\n\n" + "\n".join(listed[2:]) + "\n").encode())
    assert check(capsys, tmp_path, "--format", "json", "--files-from", str(listing)) == expected
    # named paths first, then the list
    listing.write_text("\n".join(listed[1:]), encoding="utf-8")
    assert check(capsys, tmp_path, "--format", "json", listed[0], "--files-from", str(listing)) == expected


def test_files_from_standard_input(capsys, letters, tmp_path, monkeypatch):
    listed = sorted(str(path) for path in (letters / "seeds").glob("*.txt"))
    expected = check(capsys, tmp_path, "--format", "json", *listed)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("\n".join(listed).encode())))
    assert check(capsys, tmp_path, "--format", "json", "--files-from", "-") == expected


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "imrlint: error: name the letters to lint: PATH ... or --files-from FILE\n"),
        (("--files-from", "missing.lst"), "imrlint: error: --files-from missing.lst: cannot read it: No such file"),
        (("--files-from", "empty.lst"), "imrlint: error: --files-from empty.lst lists no paths\n"),
        (("-", "--files-from", "-"), "imrlint: error: standard input can hold a letter ('-') or the list"),
    ],
)
def test_files_from_mistakes_are_usage_errors(capsys, tmp_path, argv, message):
    (tmp_path / "empty.lst").write_text("\n\n", encoding="utf-8")
    status, out, err = check(capsys, tmp_path, *argv)
    assert (status, out) == (2, "")
    assert err.startswith(message)


def test_letters_named_by_fsspec_urls_are_read_from_their_file_system(capsys, letters, tmp_path):
    memory = fsspec.filesystem("memory")
    for path in sorted((letters / "seeds").glob("*.txt")):
        memory.pipe(f"/archive/2017/{path.name}", path.read_bytes())
    memory.pipe("/archive/2017/notes.csv", b"not a letter")
    memory.pipe("/archive/.hidden/letter.txt", b"hidden")
    pdf = sorted((letters / "pdf").glob("*.pdf"))[0]
    memory.pipe(f"/archive/{pdf.name}", pdf.read_bytes())
    seeds = sorted((letters / "seeds").glob("*.txt"))
    try:
        status, out, err = check(capsys, tmp_path, "--format", "text", "memory://archive")
    finally:
        memory.rm("/archive", recursive=True)
    local = check(capsys, letters, "--format", "text", *(str(path.relative_to(letters)) for path in [*seeds, pdf]))
    assert (status, err) == (0, "")
    urls = [f"memory:///archive/2017/{path.name}" for path in seeds] + [f"memory:///archive/{pdf.name}"]
    expected = local[1]
    for path, url in zip([*seeds, pdf], urls, strict=True):
        expected = expected.replace(f"{path.relative_to(letters)}:", f"{url}:")
    assert out == expected
    assert "Checked 6 letters" in out


def test_a_url_that_names_nothing_is_missing(capsys, tmp_path):
    status, out, err = check(capsys, tmp_path, "memory://nothing/here.txt")
    assert (status, out) == (2, "Checked 0 letters: 0 errors, 0 warnings, 0 info (0 with errors).\n")
    assert err == "imrlint: error: memory://nothing/here.txt: no such file or directory\n"


def test_a_url_no_installed_backend_reads_is_an_unreadable_letter(capsys, tmp_path):
    status, out, err = check(capsys, tmp_path, "nosuchscheme://bucket/letter.txt")
    assert (status, err) == (0, "")  # --exit-zero
    first = out.splitlines()[0]
    assert first.startswith("nosuchscheme://bucket/letter.txt:1:1: IMR002 [error] cannot read nosuchscheme:// URLs: ")


@pytest.mark.parametrize("fixing", ["--fix", "--diff"])
def test_a_dask_run_does_not_fix_letters(capsys, letters, fixing):
    status, out, err = check(capsys, letters.parent, "--dask", "tcp://127.0.0.1:9", fixing, "letters/seeds")
    assert (status, out) == (2, "")
    assert (
        err
        == "imrlint: error: --dask lints on a cluster's workers, which do not write letters; fix them without --dask\n"
    )
