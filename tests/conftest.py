"""Shared fixtures: the bundled real letters and a ready Linter.

The real letters the tests read are carried in the repository (tests/data/letters, public records
as DWC published them): the 63 letters of 2016-17 as PDF, as pypdf text and in the other shapes
users have (corpus/shapes: docx, draft, poppler, layout, pdfminer), and the five older-template
seeds.  The tests need nothing outside the repository.
"""

from __future__ import annotations

import pathlib

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
EXAMPLES = REPO / "examples"
LETTERS = DATA / "letters"
CORPUS = LETTERS / "corpus" / "text"
PDFS = LETTERS / "corpus" / "pdf"
SHAPES = LETTERS / "corpus" / "shapes"
SEEDS = LETTERS / "seeds"
EXPECTED_ITEMS = yaml.safe_load((DATA / "expected_items.yaml").read_text(encoding="utf-8"))


def run(capsys, *argv):
    """Run the command line in-process: (exit status, stdout, stderr)."""
    from imrlint.cli.main import main

    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def real_letters() -> list[pathlib.Path]:
    """The 68 bundled real letters: the 2016-17 letters, then the seeds."""
    letters = sorted(CORPUS.glob("*.txt")) + sorted(SEEDS.glob("*.txt"))
    assert len(letters) == 68, f"the 68 real letters are expected in {CORPUS} and {SEEDS}"
    return letters


def shared_letter(key: str) -> pathlib.Path:
    """The real letter named by an expected_items.yaml key ("seeds/000_...txt", "corpus/CM16-....txt")."""
    folder, name = key.split("/", 1)
    return (SEEDS if folder == "seeds" else CORPUS) / name


@pytest.fixture(scope="session")
def shared() -> pathlib.Path:
    """The folder of bundled real letters (corpus/ and seeds/, laid out as ../shared is)."""
    assert CORPUS.is_dir(), f"the real letters are expected at {LETTERS}"
    return LETTERS


@pytest.fixture(scope="session")
def rule_set():
    from imrlint.plugins.manager import load_rule_set, plugin_manager

    return load_rule_set(plugin_manager())


@pytest.fixture(scope="session")
def linter(rule_set):
    from imrlint.config.layers import load_config
    from imrlint.lint.linter import Linter

    return Linter(rule_set, load_config(rule_set.defaults, None))


@pytest.fixture
def lint_text(linter):
    """Lint a letter given as text; returns its findings."""
    from imrlint.input.document import Document

    def lint(text: str, path: str = "letter.txt"):
        return linter.lint_document(Document(path, text)).findings

    return lint


@pytest.fixture
def lint_letter(lint_text):
    """``lint_letter(path, (old, new), ...)``: the findings on a bundled real letter, or on a copy
    of it with each replacement made once (see :func:`edited`)."""
    return lambda path, *replacements: lint_text(edited(path, *replacements))


def findings_of(findings, code: str):
    return [finding for finding in findings if finding.code == code]


def edited(path: pathlib.Path, *replacements: tuple[str, str]) -> str:
    """A real letter's text with each (old, new) replacement made once; old must be present."""
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, f"{old!r} is not in {path.name}"
        text = text.replace(old, new, 1)
    return text


def located(findings) -> list[tuple]:
    """(code, line, column, end_line, end_column, message) of each finding."""
    return [(f.code, f.span.line, f.span.column, f.span.end_line, f.span.end_column, f.message) for f in findings]


def found(findings, code: str) -> list[tuple[str, str, str]]:
    """(code, "line:column-end_line:end_column", message) of each finding with ``code``: the whole
    finding, placed as an editor numbers lines and columns."""
    return [
        (f.code, f"{f.span.line}:{f.span.column}-{f.span.end_line}:{f.span.end_column}", f.message)
        for f in findings_of(findings, code)
    ]


@pytest.fixture
def linter_with(rule_set, tmp_path):
    """``linter_with(config_yaml)`` -> a function linting a letter's text with that configuration."""
    from imrlint.config.layers import load_config
    from imrlint.input.document import Document
    from imrlint.lint.linter import Linter

    def make(config_text: str):
        path = tmp_path / "imrlint.yaml"
        path.write_text(config_text, encoding="utf-8")
        linter = Linter(rule_set, load_config(rule_set.defaults, str(path)))
        return lambda text, name="letter.txt": linter.lint_document(Document(name, text)).findings

    return make


def copy_letters_of_every_kind(folder: pathlib.Path, *, with_corpus_text: bool = False) -> pathlib.Path:
    """``folder`` filled with real letters of every kind: the examples, the seeds (and, asked for,
    the 63 published letters' text), three published PDFs and three Word drafts."""
    import shutil

    shutil.copytree(EXAMPLES, folder / "examples", ignore=shutil.ignore_patterns("plugin", "*.yaml"))
    shutil.copytree(SEEDS, folder / "seeds")
    if with_corpus_text:
        shutil.copytree(CORPUS, folder / "text")
    (folder / "pdf").mkdir()
    for pdf in sorted(PDFS.glob("*.pdf"))[:3]:
        shutil.copyfile(pdf, folder / "pdf" / pdf.name)
    (folder / "docx").mkdir()
    for docx in sorted((SHAPES / "docx").glob("*.docx"))[:3]:
        shutil.copyfile(docx, folder / "docx" / docx.name)
    return folder


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, driven by Playwright (installed by .ci/run)."""
    import shutil

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium")
        yield launched
        launched.close()
