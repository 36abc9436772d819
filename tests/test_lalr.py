"""The lean LALR loop (imrlint.parsing.lalr) gives exactly Lark's parse tree of a letter, token positions
included, and gives up on exactly the letters Lark's parser rejects; Lark's own parser, chosen instead,
builds every bundled letter alike."""

from __future__ import annotations

import json
import os
import pickle
import random
import re

import lark
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imrlint.input.read import read_path
from imrlint.model.letter import build_letter
from imrlint.parsing import lalr
from imrlint.parsing.choice import PARSER_VARIABLE
from imrlint.parsing.citations import OPTIONS as CITATION_OPTIONS
from imrlint.parsing.citations import _parser as citation_parser
from imrlint.parsing.grammars import lean_tables, shipped_tables
from imrlint.parsing.lalr import LeanParser, LeanTables, lean_tables_of
from imrlint.parsing.letter import OPTIONS as LETTER_OPTIONS
from imrlint.parsing.letter import headings_ruled_out, lean_letter_parser, letter_parser, parse_letter
from imrlint.parsing.normalise import normalise
from imrlint.resources import data_path

from conftest import EXAMPLES, PDFS, SHAPES, real_letters, run
from test_property import KEY_LINES, damage

REAL_LETTERS = real_letters() + sorted(EXAMPLES.glob("*.txt"))
SOURCES = ["\n" + normalise(path.read_text(encoding="utf-8")) for path in REAL_LETTERS]
# The same letters in every other shape users have them in (Word drafts read as imrlint reads them).
SHAPED_SOURCES = ["\n" + normalise(read_path(str(path)).document.text) for path in sorted(SHAPES.glob("*/*.*"))]


def shape(tree):
    """The tree as nested tuples, with every token's type, text and full position (a tree of
    imrlint's classes or of Lark's)."""
    if not hasattr(tree, "children"):
        return (
            tree.type,
            str(tree),
            tree.start_pos,
            tree.end_pos,
            tree.line,
            tree.column,
            tree.end_line,
            tree.end_column,
        )
    return (str(tree.data), tuple(shape(child) for child in tree.children))


def lark_tree(source: str):
    try:
        return letter_parser().parse(source)
    except lark.exceptions.UnexpectedInput:
        return None


def assert_same_as_lark(source: str) -> None:
    expected = lark_tree(source)
    found = lean_letter_parser().tree(source)
    if expected is None:
        assert found is None
    else:
        assert found is not None and shape(found) == shape(expected)


@pytest.mark.corpus
def test_every_real_letter_parses_to_lark_s_tree():
    for source in SOURCES:
        assert lark_tree(source) is not None
        assert_same_as_lark(source)


@pytest.mark.corpus
def test_every_real_letter_in_every_shape_parses_to_lark_s_tree():
    assert len(SHAPED_SOURCES) == 5 * 63
    for source in SHAPED_SOURCES:
        assert lark_tree(source) is not None
        assert_same_as_lark(source)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(SOURCES) - 1),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=1, max_value=8),
)
def test_damaged_letters_are_accepted_and_rejected_as_lark_does(letter, seed, operations):
    data = damage(SOURCES[letter].encode("utf-8"), random.Random(seed), operations)
    assert_same_as_lark("\n" + normalise(data.decode("utf-8", errors="replace")))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["\n", "\n\n", "  ", "text", ": Upheld", "was the original request.", *KEY_LINES]), max_size=40
    ).map("".join)
)
def test_text_made_of_letter_pieces_is_accepted_and_rejected_as_lark_does(text):
    assert_same_as_lark("\n" + normalise(text))


def test_a_letter_out_of_shape_is_parsed_by_lark_with_its_errors_located():
    source = SOURCES[0].replace("CLINICAL CASE SUMMARY", "Decision rationale: misplaced", 1)
    assert lean_letter_parser().tree(source) is None
    result = parse_letter(source[1:])
    assert [error.found for error in result.errors] == ["RATIONALE"]


def test_a_grammar_needing_lexer_callbacks_is_refused():
    """String terminals that a regex terminal also matches make Lark's lexer re-type tokens by
    callback, which the lean loop does not do."""
    grammar = lark.Lark('start: (WORD | "if")+\nWORD: /[a-z]+/\n%ignore " "', parser="lalr", lexer="contextual")
    with pytest.raises(RuntimeError, match="more of Lark's lexer"):
        LeanParser.of(grammar)


def test_a_grammar_the_loop_cannot_run_is_parsed_by_lark():
    grammar = lark.Lark('start: (WORD | "if")+\nWORD: /[a-z]+/\n%ignore " "', parser="lalr", lexer="contextual")
    assert lean_tables_of(grammar) is None


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"maybe_placeholders": True}, "placeholders"),
        ({"propagate_positions": True}, "built in a way"),
        ({"lexer_callbacks": {"WORD": lambda token: token}}, "callbacks"),
        ({"transformer": lark.Transformer()}, "callbacks"),
    ],
)
def test_trees_the_loop_does_not_build_as_lark_would_are_left_to_lark(options, reason):
    grammar = 'start: WORD [NUMBER]\nWORD: /[a-z]+/\nNUMBER: /[0-9]+/\n%ignore " "'
    with pytest.raises(RuntimeError, match=reason):
        LeanTables.of(lark.Lark(grammar, parser="lalr", lexer="contextual", **options))


def test_trees_are_shaped_as_lark_shapes_them():
    """Inlined ``_rules`` and ``?rules``, filtered and kept anonymous terminals, aliases and
    left-recursive repetitions: the loop builds Lark's tree."""
    grammar = lark.Lark(
        """
        start: _pair+ total?
        _pair: key "=" value ";"
        ?value: WORD | list
        list: "[" WORD ("," WORD)* "]" -> words
        !total: "#" NUMBER
        key: WORD
        WORD: /[a-z]+/
        NUMBER: /[0-9]+/
        %ignore " "
        """,
        parser="lalr",
        lexer="contextual",
    )
    parser = LeanParser.of(grammar)
    for text in ("a = b; c = [d, e, f]; # 3", "a = [b];", "x = y; z = w;"):
        found = parser.tree(text)
        assert found is not None and shape(found) == shape(grammar.parse(text))


def test_a_terminal_ruled_out_at_a_place_is_not_tried_there():
    """The scanner leaves a terminal out where the parser's ``ruled_out`` says it cannot match:
    a truthful one gives Lark's tree; one that is not changes the tokens, which shows the
    terminal was not tried (the tests of each real one check that it is truthful)."""
    grammar = lark.Lark(
        """
        start: (SHOUT | WORD)+
        SHOUT.2: /[a-z]+!/
        WORD: /[a-z!]+/
        %ignore " "
        """,
        parser="lalr",
        lexer="contextual",
    )
    text = "ab cd! ef gh!"
    tables = LeanTables.of(grammar)

    def words_without_a_bang(source: str) -> list[int]:
        return [match.start() for match in re.finditer(r"(?<![a-z!])[a-z]+(?![a-z!])", source)]

    for ruled_out in ({}, {"SHOUT": words_without_a_bang}):
        found = LeanParser(tables, ruled_out).tree(text)
        assert found is not None and shape(found) == shape(grammar.parse(text))
    untruthful = LeanParser(tables, {"SHOUT": lambda source: [source.index("cd!")]}).tree(text)
    assert untruthful is not None and [token.type for token in untruthful.tokens()] == ["WORD", "WORD", "WORD", "SHOUT"]
    both = LeanParser(tables, {"SHOUT": words_without_a_bang, "WORD": lambda source: []})
    assert both.terminals(text) == [("WORD", 0, 2), ("SHOUT", 3, 6), ("WORD", 7, 9), ("SHOUT", 10, 13)]


ITEM_HEADING = re.compile(
    *next(
        (regex, flags)
        for flags, terminals in lean_tables("letter.lark", **LETTER_OPTIONS).lexers
        for name, regex in terminals
        if name == "ITEM_HEADING"
    )
)


def assert_no_heading_where_ruled_out(source: str) -> list[int]:
    ruled_out = headings_ruled_out(source)
    assert ruled_out == sorted(set(ruled_out)) and all(source[offset] == "\n" for offset in ruled_out)
    assert [offset for offset in ruled_out if ITEM_HEADING.match(source, offset)] == []
    return ruled_out


@pytest.mark.corpus
def test_no_item_heading_starts_where_one_is_ruled_out_in_any_real_letter():
    for source in SOURCES + SHAPED_SOURCES:
        ruled_out = assert_no_heading_where_ruled_out(source)
        # most lines of a letter are prose far from the next heading: the regex is spared there
        assert len(ruled_out) > source.count("\n") / 2


HEADING_PIECES = [
    "\n",
    "\n\n",
    " ",
    "\t",
    "text",
    "Knee MRI",
    ":",
    ": Upheld",
    ": OVERTURNED  ",
    "upheld",
    "Overturned",
    ".",
    "?",
    "!",
    '."',
    "?)",
    "!]",
    "'",
    "below:",
    "was the original request.",
    "by the Claims Administrator.",
    "ORIGINAL REQUEST.",
    "Claims Administrator guideline: Decision based on MTUS",
    "CLAIMS ADMINISTRATOR GUIDELINE:",
    "Claims Admınıstrator guıdelıne:",  # dotless i, which the grammar's case-insensitive match takes for "i"
    "Claimſ Adminiſtrator guideline:",  # long s, taken for "s"
    "orıgınal request.",
    *KEY_LINES,
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(HEADING_PIECES), max_size=60).map("".join))
def test_no_item_heading_starts_where_one_is_ruled_out_in_random_text(text):
    source = "\n" + normalise(text)
    assert_no_heading_where_ruled_out(source)
    assert_same_as_lark(source)


@pytest.mark.parametrize(
    "heading",
    [
        "Knee MRI: Upheld",
        "Knee MRI: OVERTURNED  ",
        "Knee MRI:\n\nOverturned",
        "Lumbar MRI, as\nwas the original request.\nKnee MRI: Upheld",
        "Lumbar MRI as requested\nby the Claims Administrator.\nKnee MRI: Upheld",
        "Knee MRI\nClaims Administrator guideline: Decision based on MTUS",
        "Knee MRI\n\nCLAIMS ADMINISTRATOR GUIDELINE: Decision based on MTUS",
        "Knee MRI\nClaims Admınıstrator guıdelıne: Decision based on MTUS",
        "Knee MRI\nClaimſ Adminiſtrator guideline: Decision based on MTUS.",
    ],
)
def test_a_heading_of_every_form_is_tried_where_it_starts(heading):
    source = f"\nThe request is not medically necessary.\n\n{heading}\n"
    start = source.index("\n", 1)
    assert ITEM_HEADING.match(source, start) is not None
    assert start not in assert_no_heading_where_ruled_out(source)


def test_headings_are_found_after_their_line_breaks_only():
    source = "\nThe request is not medically necessary.\n\nLumbar MRI, as\nwas the original request.\nKnee: Upheld\n"
    ruled_out = assert_no_heading_where_ruled_out(source)
    breaks = [index for index, character in enumerate(source) if character == "\n"]
    # after the conclusion (and the blank line) the heading's lines may start; nothing after its label
    assert ruled_out == [breaks[0], breaks[-1]]
    assert ITEM_HEADING.match(source, breaks[1]) is not None


def test_the_tables_kept_as_json_parse_alike():
    tables = LeanTables.of(letter_parser())
    kept = LeanTables.from_json(json.loads(json.dumps(tables.to_json())))  # as shipped and cached
    assert kept == tables
    assert shape(LeanParser(kept).tree(SOURCES[0])) == shape(letter_parser().parse(SOURCES[0]))


@pytest.mark.corpus
def test_lark_s_own_parser_builds_every_bundled_letter_alike_in_every_shape(monkeypatch):
    """IMRLINT_PARSER=lark (``imrlint --parser lark``) parses with Lark's parser alone: the same
    letters, items, guideline citations and positions as the default."""

    def model(path):
        letter = build_letter(read_path(str(path)).document)
        citations = [
            (line.content.start, line.citations)
            for item in letter.items
            for line in (item.claims, item.maximus)
            if line is not None
        ]
        return shape(letter.tree), letter.parse_errors, citations

    paths = REAL_LETTERS + sorted(SHAPES.glob("*/*.*")) + sorted(PDFS.glob("*.pdf"))
    lean = [model(path) for path in paths]
    monkeypatch.setenv(PARSER_VARIABLE, "lark")
    lark_models = [model(path) for path in paths]
    assert len(lean) == len(paths) > 450
    for path, default, by_lark in zip(paths, lean, lark_models, strict=True):
        assert default == by_lark, path


def test_the_parser_is_chosen_on_the_command_line_or_in_the_environment(capsys, monkeypatch):
    letter = str(REAL_LETTERS[0])
    # set through monkeypatch first, so that what the command line sets is undone after the test
    monkeypatch.setenv(PARSER_VARIABLE, "lean")
    assert run(capsys, "--parser", "lark", "check", letter)[0] in (0, 1)
    assert os.environ[PARSER_VARIABLE] == "lark"
    monkeypatch.setenv(PARSER_VARIABLE, "earley")
    status, out, err = run(capsys, "check", letter)
    assert (status, out) == (2, "")
    assert err == "imrlint: error: IMRLINT_PARSER=earley: expected one of lean, lark\n"


@pytest.mark.parametrize("compile_after", [1, 10**9])
def test_terminals_tried_one_by_one_match_as_the_compiled_regex_does(monkeypatch, compile_after):
    """A state's terminals tried one by one (an editor's single letter) and its one compiled
    regex (an archive, once the state has been met often) give the same trees."""
    monkeypatch.setattr(lalr, "COMPILE_AFTER", compile_after)
    tables = LeanTables.of(letter_parser())
    # and with the item heading left out where it is ruled out (each state's scanner without it)
    for parser in (LeanParser(tables), LeanParser(tables, {"ITEM_HEADING": headings_ruled_out})):
        for source in SOURCES:
            found = parser.tree(source)
            assert found is not None and shape(found) == shape(letter_parser().parse(source))
        scanners = [
            *parser.scanners.values(),
            *(scanner for narrowed in parser._narrowed.values() for scanner in narrowed.values()),
        ]
        one_by_one = [isinstance(scanner, lalr._TerminalByTerminal) for scanner in scanners]
        assert all(one_by_one) if compile_after > 1 else not any(one_by_one)
    assert parser._narrowed  # the scanners without the heading were used


def test_a_state_s_regex_is_compiled_once_the_state_is_met_often(monkeypatch):
    monkeypatch.setattr(lalr, "COMPILE_AFTER", 3)
    parser = LeanParser.of(letter_parser())
    for source in SOURCES[:3]:
        parser.tree(source)
    start = parser.scanners[parser.start]
    assert isinstance(start, re.Pattern) and start.match(SOURCES[3], 0) is not None


def test_a_tree_pickles_and_compares_as_a_tree():
    tree = parse_letter(SOURCES[0][1:]).tree
    again = pickle.loads(pickle.dumps(tree))
    assert again == tree and hash(again) == hash(tree)
    assert shape(again) == shape(tree)  # every token's type and position kept
    first = next(tree.tokens())
    assert isinstance(first, str) and repr(first) == f"Token({first.type!r}, {str(first)!r})"
    assert tree != parse_letter(SOURCES[1][1:]).tree


@pytest.mark.corpus
def test_the_shipped_tables_parse_every_real_letter_and_guideline_line_as_the_installed_lark_does():
    """Lark numbers its parser states differently from one process to the next; the tables
    imrlint ships, made by one Lark once, parse as the installed one does."""
    grammar = data_path("grammars", "letter.lark").read_text(encoding="utf-8")
    letters = LeanParser(shipped_tables("letter.lark", grammar, LETTER_OPTIONS))
    for source in SOURCES + SHAPED_SOURCES:
        assert shape(letters.tree(source)) == shape(letter_parser().parse(source))
    grammar = data_path("grammars", "citation.lark").read_text(encoding="utf-8")
    lines = LeanParser(shipped_tables("citation.lark", grammar, CITATION_OPTIONS))
    texts = {
        line.content.text
        for path in REAL_LETTERS
        for item in build_letter(read_path(str(path)).document).items
        for line in (item.claims, item.maximus)
        if line is not None
    }
    assert len(texts) > 100
    installed = LeanParser.of(citation_parser())  # read as Lark's parser reads them (--parser lark, above)
    for text in sorted(texts):
        assert lines.terminals(text) == installed.terminals(text)
