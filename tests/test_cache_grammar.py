"""Grammars loaded from the cache (imrlint.parsing.grammars.compiled_grammar): the loaded parser is
the compiled one (the same trees on every bundled letter); a cached grammar that is cut short or
damaged is compiled and written again; a cache that cannot be written costs only the compilation;
processes starting together never read half a grammar.  The lean loop's tables
(imrlint.parsing.grammars.lean_tables) are read back as JSON, without Lark, and parse
alike; damaged ones are taken from Lark again."""

from __future__ import annotations

import json
import subprocess
import sys

import lark
import pytest

from imrlint.parsing import grammars
from imrlint.parsing.citations import OPTIONS as CITATION_OPTIONS
from imrlint.parsing.grammars import compiled_grammar, lean_tables
from imrlint.parsing.lalr import LeanParser, LeanTables
from imrlint.parsing.normalise import normalise
from imrlint.resources import data_path

from conftest import CORPUS, REPO, SEEDS, SHAPES

OPTIONS = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": False}


@pytest.fixture
def grammar_cache(tmp_path, monkeypatch):
    directory = tmp_path / "grammars"
    monkeypatch.setattr(grammars, "_grammar_cache", directory)
    return directory


@pytest.fixture
def compilations(monkeypatch):
    """How many times Lark compiles a grammar (as opposed to loading one)."""
    counted = []
    original = lark.Lark.__init__

    def counting(self, *args, **kwargs):
        counted.append(args[0][:20] if args else "")
        original(self, *args, **kwargs)

    monkeypatch.setattr(lark.Lark, "__init__", counting)
    return counted


def test_a_grammar_is_compiled_once_then_loaded(grammar_cache, compilations):
    compiled_grammar("letter.lark", **OPTIONS)
    (kept,) = grammar_cache.iterdir()
    assert kept.name.startswith("letter-") and kept.suffix == ".lark"
    loaded = compiled_grammar("letter.lark", **OPTIONS)
    assert len(compilations) == 1
    assert isinstance(loaded, lark.Lark)
    compiled_grammar("letter.lark", **{**OPTIONS, "maybe_placeholders": True})  # other options: another grammar
    assert len(compilations) == 2 and len(list(grammar_cache.iterdir())) == 2


def test_the_loaded_grammar_parses_every_letter_as_the_compiled_one(grammar_cache):
    compiled = compiled_grammar("letter.lark", **OPTIONS)
    loaded = compiled_grammar("letter.lark", **OPTIONS)
    assert loaded is not compiled
    letters = [*sorted(CORPUS.glob("*.txt")), *sorted(SEEDS.glob("*.txt")), *sorted((SHAPES / "layout").glob("*.txt"))]
    parsed = 0
    for path in letters:
        source = "\n" + normalise(path.read_text(encoding="utf-8"))
        try:
            expected = compiled.parse(source)
        except lark.exceptions.UnexpectedInput as error:
            with pytest.raises(type(error)):
                loaded.parse(source)
            continue
        assert loaded.parse(source) == expected, path.name
        parsed += 1
    assert parsed >= 68


@pytest.mark.parametrize("damage", [b"", b"not a grammar", None])
def test_a_damaged_grammar_is_compiled_and_written_again(grammar_cache, compilations, damage):
    compiled_grammar("citation.lark", parser="lalr", lexer="contextual")
    (kept,) = grammar_cache.iterdir()
    whole = kept.read_bytes()
    kept.write_bytes(whole[: len(whole) // 2] if damage is None else damage)
    parser = compiled_grammar("citation.lark", parser="lalr", lexer="contextual")
    assert len(compilations) == 2
    with open(kept, "rb") as handle:  # written again, whole
        assert isinstance(lark.Lark.load(handle), lark.Lark)
    assert parser.parse("Decision based on MTUS Chronic Pain Medical Treatment Guidelines Page(s): 1")


def test_a_cache_that_cannot_be_written_costs_only_the_compilation(tmp_path, monkeypatch, compilations):
    blocker = tmp_path / "a file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setattr(grammars, "_grammar_cache", blocker / "grammars")
    assert compiled_grammar("letter.lark", **OPTIONS).parse(
        "\n" + normalise(sorted(SEEDS.glob("*.txt"))[0].read_text())
    )
    assert compiled_grammar("letter.lark", **OPTIONS)
    assert len(compilations) == 2
    assert list(tmp_path.iterdir()) == [blocker]  # nothing left behind


STARTER = """
import sys
from imrlint.parsing import grammars, letter
grammars.use_grammar_cache(__import__("pathlib").Path(sys.argv[1]))
parser = letter.letter_parser()
print(type(parser).__name__, len(parser.terminals))
"""


def test_processes_starting_together_share_the_cache(tmp_path):
    directory = tmp_path / "grammars"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, str(directory)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0] * 6
    assert len({out for out, _ in outputs}) == 1 and all(err == "" for _, err in outputs)
    (kept,) = directory.iterdir()  # one grammar, whole, and no temporary file left
    with open(kept, "rb") as handle:
        assert isinstance(lark.Lark.load(handle), lark.Lark)


@pytest.fixture
def edited_grammar(monkeypatch):
    """The shipped tables no longer fit the grammar (as after an edit of it)."""
    monkeypatch.setattr(grammars, "shipped_tables", lambda name, grammar, options: None)


def test_the_shipped_tables_are_read_without_lark_or_the_cache(grammar_cache, compilations):
    assert lean_tables("letter.lark", **OPTIONS) is not None
    assert compilations == [] and not grammar_cache.exists()


def test_shipped_tables_of_another_grammar_are_not_used():
    grammar = data_path("grammars", "letter.lark").read_text(encoding="utf-8")
    assert grammars.shipped_tables("letter.lark", grammar, OPTIONS) is not None
    assert grammars.shipped_tables("letter.lark", grammar + "\n// edited\n", OPTIONS) is None
    assert grammars.shipped_tables("letter.lark", grammar, {**OPTIONS, "maybe_placeholders": True}) is None


def test_the_shipped_tables_are_those_of_the_grammars_as_they_are():
    """After an edit of a grammar: python -m imrlint.parsing writes its tables again."""
    for name, options in (("letter.lark", OPTIONS), ("citation.lark", CITATION_OPTIONS)):
        grammar = data_path("grammars", name).read_text(encoding="utf-8")
        assert grammars.shipped_tables(name, grammar, options) is not None, f"{name}: run python -m imrlint.parsing"


def test_the_lean_tables_are_kept_and_read_back_without_lark(grammar_cache, compilations, edited_grammar):
    made = lean_tables("letter.lark", **OPTIONS)
    assert made is not None and len(compilations) == 1
    assert sorted(path.suffix for path in grammar_cache.iterdir()) == [".lark", ".lean"]
    read_back = lean_tables("letter.lark", **OPTIONS)
    assert read_back == made and len(compilations) == 1
    source = "\n" + normalise(sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8"))
    assert LeanParser(read_back).tree(source) == LeanParser(made).tree(source) is not None


@pytest.mark.parametrize("damage", [b"", b"not tables", None])
def test_damaged_lean_tables_are_taken_from_lark_again(grammar_cache, damage, edited_grammar):
    made = lean_tables("citation.lark", parser="lalr", lexer="contextual")
    (kept,) = grammar_cache.glob("*.lean")
    whole = kept.read_bytes()
    kept.write_bytes(whole[: len(whole) // 2] if damage is None else damage)
    assert lean_tables("citation.lark", parser="lalr", lexer="contextual") == made
    assert LeanTables.from_json(json.loads(kept.read_bytes())) == made  # written again, whole


LEAN_STARTER = """
import pathlib, sys
from imrlint.parsing import grammars, letter
grammars.use_grammar_cache(pathlib.Path(sys.argv[1]))
tree = letter.parse_letter(pathlib.Path(sys.argv[2]).read_text(encoding="utf-8")).tree
print(len(tree.children), "lark" in sys.modules)
"""


def test_a_process_parsing_a_letter_that_fits_the_grammar_never_imports_lark(tmp_path):
    directory = tmp_path / "grammars"
    letter = str(sorted(SEEDS.glob("*.txt"))[0])
    runs = [
        subprocess.run(
            [sys.executable, "-c", LEAN_STARTER, str(directory), letter],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs[0] == runs[1] == [runs[0][0], "False"]  # from the shipped tables, cache or none
