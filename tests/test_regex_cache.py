"""Compiled regexes kept in the cache (imrlint.regexes): a pattern read back is the pattern ``re``
compiles, found by every ``re.compile`` of it without compiling it again; a file that is damaged
or holds a program the engine refuses is ignored; and a one-letter run with a warm cache compiles
no regex while it lints the letter, nor imports Lark."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys

import pytest

from imrlint import regexes
from imrlint.parsing.choice import PARSER_VARIABLE

from conftest import SEEDS

SEED_000 = SEEDS / "000_8aa5183601f98bf9.txt"
PATTERNS = [(r"(?P<item>[A-Z][a-z]+)\s+(?:x|times)\s+(?P<count>\d+)", re.IGNORECASE), (r"\bkept\b(?!-no)", 0)]


@pytest.fixture
def kept_folder(tmp_path, monkeypatch):
    """A cache folder holding PATTERNS, kept by a process that compiled them; ``re``'s cache then
    forgets them, as a new process would not know them.  (This process holds many more regexes
    than a run of imrlint: none is left out.)"""
    monkeypatch.setattr(regexes, "AT_MOST", 10**6)
    folder = tmp_path / "regexes"
    regexes.use_regex_cache(folder)
    regexes.load_kept_regexes()  # nothing kept yet
    for pattern, flags in PATTERNS:
        re.compile(pattern, flags)
    regexes.keep_regexes()
    yield folder
    forget()
    regexes.use_regex_cache(None)


def forget() -> None:
    for pattern, flags in PATTERNS:
        re._cache.pop((str, pattern, flags), None)  # type: ignore[attr-defined]


def never_compiled(monkeypatch) -> None:
    def refuse(pattern, flags=0):
        raise AssertionError(f"compiled again: {pattern!r}")

    monkeypatch.setattr(re._compiler, "compile", refuse)  # type: ignore[attr-defined]


def test_a_kept_pattern_is_found_compiled_and_is_the_pattern_re_compiles(kept_folder, monkeypatch):
    expected = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    forget()
    regexes.use_regex_cache(kept_folder)
    regexes.load_kept_regexes()
    with monkeypatch.context() as patched:
        never_compiled(patched)
        loaded = [re.compile(pattern, flags) for pattern, flags in PATTERNS]
    assert loaded == expected  # the same pattern, flags and program
    match = loaded[0].search("then Aspirin times 30 a day")
    assert match is not None and match.group("item", "count") == ("Aspirin", "30")
    assert loaded[1].search("kept-no kept") is not None and loaded[1].search("kept-no").__class__ is type(None)


def test_a_damaged_file_is_ignored(kept_folder, monkeypatch):
    (file,) = kept_folder.iterdir()
    file.write_bytes(file.read_bytes()[:100])
    forget()
    regexes.use_regex_cache(kept_folder)
    regexes.load_kept_regexes()
    assert re.compile(*PATTERNS[1]).search("a kept word") is not None


def test_a_program_the_engine_refuses_is_ignored(kept_folder):
    (file,) = kept_folder.iterdir()
    entries = pickle.loads(file.read_bytes())
    entries[0] = (*entries[0][:3], [255, 255, 255], *entries[0][4:])
    file.write_bytes(pickle.dumps(entries))
    forget()
    regexes.use_regex_cache(kept_folder)
    regexes.load_kept_regexes()
    assert re.compile(*PATTERNS[0]).search("Aspirin x 3") is not None


def test_at_most_so_many_are_kept_those_the_code_holds_first(tmp_path, monkeypatch):
    folder = tmp_path / "regexes"
    regexes.use_regex_cache(folder)
    regexes.load_kept_regexes()
    transient = [rf"\bmade for one letter {number}\b" for number in range(5)]
    for pattern in transient:
        re.compile(pattern)
    held = re.compile(r"\bheld by a module\b")
    at_most = sum(1 for key in re._cache if key[0] is str) - 3  # type: ignore[attr-defined]
    monkeypatch.setattr(regexes, "AT_MOST", at_most)
    regexes.keep_regexes()
    kept = [entry[0] for entry in pickle.loads(next(folder.iterdir()).read_bytes())]
    assert len(kept) == at_most and held.pattern in kept
    assert kept[-2:] == transient[:2]  # compiled before the held one, yet kept after it; three left out
    regexes.use_regex_cache(None)
    for pattern in transient:
        re._cache.pop((str, pattern, 0), None)  # type: ignore[attr-defined]


def test_a_run_that_compiles_nothing_new_writes_nothing(kept_folder):
    (file,) = kept_folder.iterdir()
    forget()
    regexes.use_regex_cache(kept_folder)
    regexes.load_kept_regexes()
    regexes.keep_regexes()  # what this process compiled meanwhile, if anything
    file.write_bytes(file.read_bytes())  # the same entries, another modification time
    written = file.stat().st_mtime_ns
    for pattern, flags in PATTERNS:
        re.compile(pattern, flags)
    regexes.keep_regexes()
    assert file.stat().st_mtime_ns == written


def test_nothing_is_kept_before_a_letter_is_linted_nor_without_a_cache(tmp_path):
    folder = tmp_path / "regexes"
    regexes.use_regex_cache(folder)
    re.compile(r"\bnever kept\b")
    regexes.keep_regexes()  # no letter linted: the model's regexes not met yet
    assert not folder.exists()
    regexes.use_regex_cache(None)
    regexes.load_kept_regexes()
    regexes.keep_regexes()
    assert not folder.exists()


# Counts the regexes compiled while a letter is linted (its model built, the rules run).
COUNTING = """
import re, sys
compiled = []
original = re._compiler.compile
def counting(pattern, flags=0):
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_name != "_lint_document":
        frame = frame.f_back
    if frame is not None:
        compiled.append(pattern)
    return original(pattern, flags)
re._compiler.compile = counting
from imrlint.cli.main import main
status = main(sys.argv[1:])
print(status, len(compiled), "lark" in sys.modules, file=sys.stderr)
"""


def test_a_warm_one_letter_run_compiles_no_regex_while_linting_and_never_loads_lark(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_bytes(SEED_000.read_bytes())
    environment = {**os.environ, "IMRLINT_CACHE_DIR": str(tmp_path / "cache")}
    environment.pop(PARSER_VARIABLE, None)  # the lean loop, not Lark's parser chosen
    runs = []
    for _ in range(3):
        with letter.open("a", encoding="utf-8") as handle:
            handle.write("\n")  # edited: the letter is linted, not read from the cache
        run = subprocess.run(
            [sys.executable, "-c", COUNTING, "check", str(letter)],
            env=environment,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        )
        runs.append((run.stdout, run.stderr.strip().splitlines()[-1].split()))
    # The first run makes the cache; the second reads the start-up caches the first made, and
    # keeps its regexes; the third finds them kept.  None imports Lark: the letter fits the
    # grammar, which imrlint ships the tables of.
    (first, (status, compiled, lark_loaded)), _, (last, last_counts) = runs
    assert int(compiled) > 50 and lark_loaded == "False"
    assert last == first
    assert last_counts == [status, "0", "False"]
