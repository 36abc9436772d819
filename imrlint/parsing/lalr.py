"""A lean run of a Lark LALR grammar: Lark's own tables and terminal regexes, without Lark's
per-token bookkeeping, for the inputs the grammar accepts.

Lark compiles a grammar into LALR tables and, for each parser state, one regex of the terminals
that state accepts (its contextual lexer).  Its parse loop also serves error recovery, interactive
parsing and lexer callbacks; on a letter of short lines that generality costs about as much as the
matching itself.  :class:`LeanTables` copies what a parse needs out of Lark's compiled grammar as
plain values (the tables, each state's terminals and their regexes, and the shape of each rule's
tree), which imrlint ships beside its grammars, or keeps in the grammar cache for a grammar edited
since (:func:`imrlint.parsing.grammars.lean_tables`), so that a process parsing only letters the
grammar accepts never imports Lark.  :class:`LeanParser` runs those
tables in a short loop, builds the tree Lark would build (in :mod:`imrlint.parsing.tree`'s classes),
and gives up (returns None) at the first token the grammar does not accept: callers then parse that
input with Lark's own parser, which says where and why.  On the inputs it accepts, the result is
exactly Lark's (``tests/test_lalr.py`` compares them on the real letters and on random and damaged
ones).

The tables are read from what Lark does not document as public: the parse table, each state's
lexer, and the compiled rules.  A state's terminals are tried one by one until the state has been
met a few hundred times, and its one regex compiled only then (:class:`_TerminalByTerminal`): the
same matches, without compiling a regex for every state one letter meets; a terminal that a
cheaper test rules out at a place (``ruled_out``, given by the grammar's owner) is left out of
the state's scanner there.  :meth:`LeanTables.of`
checks that the grammar uses nothing the loop leaves out and raises otherwise; pyproject.toml
bounds the Lark version.  ``IMRLINT_PARSER=lark`` in the environment (``imrlint check --parser
lark``) parses every input with Lark's own parser instead, and a Lark whose internals no longer fit
the loop falls back to it by itself (:func:`lean_tables_of`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from imrlint.parsing.tree import Token, Tree

if TYPE_CHECKING:
    import lark

# A terminal read from the text: its type, start and end offsets.
Terminal = tuple[str, int, int]

# A reduction in the tables: how many values it pops; the rule whose goto follows; and the tree it
# builds, as Lark's tree builder shapes it: the tree's name, the children it keeps (each child's
# index and whether the child is a rule inlined into it, its own children taking its place; None
# when it keeps every child as it is), and whether a tree of one child is that child (a ``?rule``).
Reduction = tuple[int, str, str, tuple[tuple[int, bool], ...] | None, bool]

_NOTHING = re.compile("(?!)")

# Token's constructor called as a function, without the class call's machinery: a letter has a
# hundred tokens.
_new_token = Token.__new__


def lean_tables_of(parser: lark.Lark) -> LeanTables | None:
    """The tables of ``parser`` for the lean loop, or None where it cannot run the grammar, or
    cannot read the tables of the installed Lark: the inputs are then parsed by Lark's parser."""
    try:
        return LeanTables.of(parser)
    except (RuntimeError, AttributeError, KeyError, TypeError, IndexError):
        return None


@dataclass(frozen=True)
class LeanTables:
    """What the lean loop needs of a grammar compiled by Lark, as plain values: the start and end
    states; the terminals the lexer skips; each distinct state lexer's regex flags and terminals
    (name and regex, in the order Lark tries them); the lexer of each state; and what each
    terminal (or "$END" or, after a reduction, a rule) does in each state, a shift (the next state)
    or a :data:`Reduction`."""

    start: int
    end: int
    ignored: frozenset[str]
    lexers: tuple[tuple[int, tuple[tuple[str, str], ...]], ...]
    state_lexers: dict[int, int]
    actions: dict[int, dict[str, int | Reduction]]

    @classmethod
    def of(cls, parser: lark.Lark) -> LeanTables:
        """The tables of ``parser`` (built with ``parser="lalr", lexer="contextual"``)."""
        import lark
        from lark.parsers.lalr_analysis import Shift

        options = parser.options
        if options.postlex is not None or options.lexer_callbacks or options.transformer is not None:
            raise RuntimeError("the grammar has callbacks, which LeanParser does not run")
        if options.propagate_positions or options.tree_class not in (None, lark.Tree):
            raise RuntimeError("the grammar's trees are built in a way LeanParser does not build them")
        frontend = parser.parser
        lalr = frontend.parser.parser
        table = lalr.parse_table
        # Lark adds callbacks to its lexers for string terminals that a regex also matches; all
        # the terminals together (the root lexer) show whether any state would need them.  Asked
        # of the function Lark builds them with, which compiles nothing when there are none.
        root = frontend.lexer.root_lexer
        terminals, callbacks_needed = lark.lexer._create_unless(
            root.terminals, root.g_regex_flags, root.re, root.use_bytes
        )
        if callbacks_needed or len(terminals) != len(root.terminals) or root.use_bytes:
            raise RuntimeError("the grammar needs more of Lark's lexer than LeanParser runs")
        lexers: dict[tuple[int, tuple[tuple[str, str], ...]], int] = {}
        state_lexers = {}
        for state, lexer in frontend.lexer.lexers.items():
            key = (lexer.g_regex_flags, tuple((str(t.name), t.pattern.to_regexp()) for t in lexer.terminals))
            state_lexers[state] = lexers.setdefault(key, len(lexers))
        # Plain strings for names: Lark's rule names are Tokens, whose comparisons slow each lookup.
        actions = {
            state: {
                str(symbol): target if action is Shift else _reduction(target, options.maybe_placeholders)
                for symbol, (action, target) in row.items()
            }
            for state, row in table.states.items()
        }
        return cls(
            start=table.start_states["start"],
            end=table.end_states["start"],
            ignored=frozenset(str(kind) for lexer in frontend.lexer.lexers.values() for kind in lexer.ignore_types),
            lexers=tuple(lexers),
            state_lexers=state_lexers,
            actions=actions,
        )

    def to_json(self) -> dict[str, Any]:
        """The tables as JSON values (what imrlint ships for its grammars, and the grammar cache
        keeps for a grammar edited since): states keyed by their numbers as text, tuples as lists."""
        return {
            "start": self.start,
            "end": self.end,
            "ignored": sorted(self.ignored),
            "lexers": [[flags, [list(terminal) for terminal in terminals]] for flags, terminals in self.lexers],
            "state_lexers": {str(state): lexer for state, lexer in sorted(self.state_lexers.items())},
            "actions": {
                str(state): {
                    symbol: target if isinstance(target, int) else _reduction_json(target)
                    for symbol, target in sorted(row.items())
                }
                for state, row in sorted(self.actions.items())
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LeanTables:
        """The tables :meth:`to_json` wrote (raises KeyError, TypeError or ValueError for others)."""
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            ignored=frozenset(data["ignored"]),
            lexers=tuple(
                (int(flags), tuple((name, regex) for name, regex in terminals)) for flags, terminals in data["lexers"]
            ),
            state_lexers={int(state): int(lexer) for state, lexer in data["state_lexers"].items()},
            actions={
                int(state): {
                    symbol: target if isinstance(target, int) else _reduction_from_json(target)
                    for symbol, target in row.items()
                }
                for state, row in data["actions"].items()
            },
        )


def _reduction_json(reduction: Reduction) -> list:
    size, rule, name, kept, single = reduction
    return [size, rule, name, None if kept is None else [list(child) for child in kept], single]


def _reduction_from_json(value: list) -> Reduction:
    size, rule, name, kept, single = value
    return (
        int(size),
        str(rule),
        str(name),
        None if kept is None else tuple((int(index), bool(inlined)) for index, inlined in kept),
        bool(single),
    )


def _reduction(rule: Any, maybe_placeholders: bool) -> Reduction:
    """A Lark rule's reduction, with the tree Lark's tree builder (lark.parse_tree_builder) makes
    of it: named by its alias, template or rule; terminals filtered out of the tree left out
    (unless the rule keeps all tokens); rules whose names start with "_" inlined; one child
    standing for a ``?rule``'s tree."""
    if maybe_placeholders and rule.options.empty_indices:
        raise RuntimeError("the grammar has placeholders for optional parts, which LeanParser does not build")
    expansion = rule.expansion
    kept = tuple(
        (index, not symbol.is_term and symbol.name.startswith("_"))
        for index, symbol in enumerate(expansion)
        if rule.options.keep_all_tokens or not (symbol.is_term and symbol.filter_out)
    )
    every_child = len(kept) == len(expansion) and not any(inlined for _, inlined in kept)
    name = rule.alias or rule.options.template_source or rule.origin.name
    single = bool(rule.options.expand1 and not rule.alias)
    return (len(expansion), str(rule.origin.name), str(name), None if every_child else kept, single)


class _Reduction:
    """The LALR action that replaces the right-hand side of a rule on the stack by the rule, and
    the function that builds the rule's tree from the values it pops."""

    __slots__ = ("build", "rule", "size")

    def __init__(self, reduction: Reduction):
        self.size, self.rule, name, kept, single = reduction
        self.build: Callable[[list], Any] = _tree_builder(name, kept, single)


def _tree_builder(name: str, kept: tuple[tuple[int, bool], ...] | None, single: bool) -> Callable[[list], Any]:
    """The function that makes a rule's tree of the values a reduction pops (see :data:`Reduction`)."""
    if kept is None and not single:
        return functools.partial(Tree, name)

    def build(children: list) -> Any:
        if kept is not None:
            filtered: list = []
            for index, inlined in kept:
                if not inlined:
                    filtered.append(children[index])
                elif filtered:
                    filtered += children[index].children
                else:  # the inlined rule's own list: a left-recursive repetition grows one list
                    filtered = children[index].children
            children = filtered
        return children[0] if single and len(children) == 1 else Tree(name, children)

    return build


class _TerminalByTerminal:
    """A parser state's terminals tried one by one, in the order of the one regex of them all
    that Lark's contextual lexer would build for the state, until the state has been met
    :data:`COMPILE_AFTER` times; then that regex is compiled and takes this one's place.

    A regex alternation gives the first of its alternatives that matches, so both give the same
    match.  The one regex is faster per token, but compiling it, for each of the dozens of states
    one letter meets, costs more than the rest of an editor's lint of that letter; each
    terminal's own regex is compiled once, for all the states."""

    __slots__ = ("lexer", "patterns", "scanners", "state", "visits")

    def __init__(self, scanners: _Scanners, state: int, lexer: int, patterns: list[re.Pattern[str]]):
        self.scanners, self.state, self.lexer, self.patterns = scanners, state, lexer, patterns
        self.visits = 0

    def match(self, text: str, position: int) -> re.Match[str] | None:
        self.visits += 1
        if self.visits == COMPILE_AFTER:
            compiled = self.scanners.one_regex(self.lexer)
            if compiled is not None:
                self.scanners[self.state] = compiled
        for pattern in self.patterns:
            found = pattern.match(text, position)
            if found is not None:
                return found
        return None


COMPILE_AFTER = 200
"""Visits after which a state's terminals are matched by one compiled regex: about where
trying them one by one has cost as much as compiling it."""


class _Scanners(dict):
    """Each parser state's scanner (something with a regex's ``match``, whose match names the
    terminal in ``lastgroup``), made when the state is first reached: linting one letter makes
    only the states it meets.  ``without`` names terminals left out of every state's scanner
    (for the places where they are ruled out); ``terminals``, the regexes of single terminals,
    compiled once and shared between such sets of scanners."""

    def __init__(
        self,
        tables: LeanTables,
        without: frozenset[str] = frozenset(),
        terminals: dict[str, re.Pattern[str]] | None = None,
    ):
        super().__init__()
        self._tables = tables
        self._without = without
        self._terminals: dict[str, re.Pattern[str]] = {} if terminals is None else terminals
        self._one_regex: dict[int, re.Pattern[str] | None] = {}

    def __missing__(self, state: int) -> _TerminalByTerminal:
        lexer = self._tables.state_lexers[state]
        flags, terminals = self._tried(lexer)
        patterns = [self._terminal(name, regex, flags) for name, regex in terminals]
        scanner = self[state] = _TerminalByTerminal(self, state, lexer, patterns)
        return scanner

    def _tried(self, lexer: int) -> tuple[int, list[tuple[str, str]]]:
        """A state lexer's regex flags and the terminals these scanners try, in Lark's order."""
        flags, terminals = self._tables.lexers[lexer]
        return flags, [(name, regex) for name, regex in terminals if name not in self._without]

    def _terminal(self, name: str, regex: str, flags: int) -> re.Pattern[str]:
        """A terminal's regex, alone, as a named group (its name is the match's ``lastgroup``)."""
        pattern = self._terminals.get(name)
        if pattern is None:
            pattern = self._terminals[name] = re.compile(f"(?P<{name}>{regex})", flags)
        return pattern

    def one_regex(self, lexer: int) -> re.Pattern[str] | None:
        """The one regex of a state lexer's terminals, as Lark's contextual lexer builds it (shared
        by the states with the same terminals); None where Python cannot compile it (then the
        terminals stay tried one by one)."""
        if lexer not in self._one_regex:
            flags, terminals = self._tried(lexer)
            alternatives = "|".join(f"(?P<{name}>{regex})" for name, regex in terminals)
            try:
                self._one_regex[lexer] = re.compile(alternatives, flags) if alternatives else _NOTHING
            except (re.error, AssertionError, OverflowError, RecursionError):
                self._one_regex[lexer] = None
        return self._one_regex[lexer]


RuledOut = Callable[[str], Iterable[int]]
"""The offsets of an input at which a terminal cannot match (see :class:`LeanParser`)."""


class LeanParser:
    """The lean loop over one grammar's :class:`LeanTables`: per parser state, a scanner of the
    terminals it accepts, and what each terminal (or "$END") does there, a shift (the next state)
    or a reduction.

    ``ruled_out`` maps a terminal to a function giving the offsets of an input at which that
    terminal cannot match, found more cheaply than by trying its regex there: at those offsets
    the state's scanner leaves the terminal out.  Every offset it gives must be one where the
    terminal's regex does not match, or the trees would differ from Lark's; each such function
    is tested to be so on every real letter and on random text."""

    def __init__(self, tables: LeanTables, ruled_out: Mapping[str, RuledOut] | None = None):
        self.start, self.end, self.ignored = tables.start, tables.end, tables.ignored
        self.scanners = _Scanners(tables)
        self._tables = tables
        self.ruled_out = dict(ruled_out or {})
        # the states whose scanner tries a terminal that may be ruled out
        self._guarded = frozenset(
            state
            for state, lexer in tables.state_lexers.items()
            if any(name in self.ruled_out for name, _ in tables.lexers[lexer][1])
        )
        self._narrowed: dict[frozenset[str], _Scanners] = {}
        reductions: dict[Reduction, _Reduction] = {}
        self.actions: dict[int, dict[str, int | _Reduction]] = {
            state: {
                symbol: target if isinstance(target, int) else _shared(reductions, target)
                for symbol, target in row.items()
            }
            for state, row in tables.actions.items()
        }

    @classmethod
    def of(cls, parser: lark.Lark) -> LeanParser:
        """The loop over the tables of ``parser`` (raises where :meth:`LeanTables.of` does)."""
        return cls(LeanTables.of(parser))

    def terminals(self, text: str) -> list[Terminal] | None:
        """The terminals of ``text`` if the grammar accepts it, else None (no tree is built)."""
        stack = [self.start]
        found: list[Terminal] = []
        position = 0
        excluded = self._excluded(text)
        while position < len(text):
            state = stack[-1]
            left_out = excluded.get(position) if state in self._guarded else None
            scanner = self.scanners[state] if left_out is None else self._narrowed_scanner(state, left_out)
            match = scanner.match(text, position)
            if match is None:
                return None
            kind = match.lastgroup
            position = match.end()
            if kind in self.ignored:
                continue
            shift = self._reduce(stack, None, kind)
            if shift is None:
                return None
            stack.append(shift)
            found.append((kind, match.start(), position))
        return found if self._accept(stack, None) else None

    def tree(self, text: str) -> Tree | None:
        """The parse tree of ``text`` (its tokens with their lines and columns), as Lark builds it,
        if the grammar accepts the text, else None."""
        actions, scanners, ignored, guarded = self.actions, self.scanners, self.ignored, self._guarded
        excluded = self._excluded(text)
        stack = [self.start]
        values: list = []
        position, size = 0, len(text)
        line, line_start = 1, 0
        while position < size:
            state = stack[-1]
            left_out = excluded.get(position) if state in guarded else None
            scanner = scanners[state] if left_out is None else self._narrowed_scanner(state, left_out)
            match = scanner.match(text, position)
            if match is None:
                return None
            kind, value, end = match.lastgroup, match.group(), match.end()
            newlines = value.count("\n")
            end_line = line + newlines
            end_line_start = position + value.rindex("\n") + 1 if newlines else line_start
            if kind not in ignored:
                token = _new_token(
                    Token,
                    kind,
                    value,
                    position,
                    line,
                    position - line_start + 1,
                    end_line,
                    end - end_line_start + 1,
                    end,
                )
                shift = actions[stack[-1]].get(kind)
                if shift.__class__ is not int:  # reductions first (most tokens shift at once)
                    shift = self._reduce(stack, values, kind)
                    if shift is None:
                        return None
                stack.append(shift)
                values.append(token)
            position, line, line_start = end, end_line, end_line_start
        return values[-1] if self._accept(stack, values) else None

    def _excluded(self, text: str) -> dict[int, frozenset[str]]:
        """The offsets of ``text`` at which some terminals are ruled out, and those terminals."""
        excluded: dict[int, frozenset[str]] = {}
        for name, ruled_out in self.ruled_out.items():
            alone = frozenset((name,))
            if not excluded:
                excluded = dict.fromkeys(ruled_out(text), alone)
                continue
            for offset in ruled_out(text):
                excluded[offset] = excluded.get(offset, frozenset()) | alone
        return excluded

    def _narrowed_scanner(self, state: int, left_out: frozenset[str]) -> Any:
        """The scanner of ``state`` without the terminals ``left_out``."""
        scanners = self._narrowed.get(left_out)
        if scanners is None:
            scanners = self._narrowed[left_out] = _Scanners(self._tables, left_out, self.scanners._terminals)
        return scanners[state]

    def _accept(self, stack: list[int], values: list | None) -> bool:
        """Reduce at the end of the input: True if the input is a whole sentence of the grammar."""
        self._reduce(stack, values, "$END")
        return stack[-1] == self.end

    def _reduce(self, stack: list[int], values: list | None, symbol: str) -> int | None:
        """Apply the reductions the table calls for before ``symbol``; then the state to shift it
        to, or None if it cannot come here."""
        actions = self.actions
        while isinstance(action := actions[stack[-1]].get(symbol), _Reduction):
            size = action.size
            if values is not None:
                children = values[-size:] if size else []
                del values[len(values) - size :]
                values.append(action.build(children))
            del stack[len(stack) - size :]
            stack.append(cast(int, actions[stack[-1]][action.rule]))  # a rule's goto is a shift
        return action


def _shared(reductions: dict[Reduction, _Reduction], reduction: Reduction) -> _Reduction:
    """One :class:`_Reduction` for each rule, however many states reduce it."""
    found = reductions.get(reduction)
    if found is None:
        found = reductions[reduction] = _Reduction(reduction)
    return found
