"""A lean run of a Lark LALR grammar: Lark's own tables and terminal regexes, without its
per-token bookkeeping, for the inputs the grammar accepts.

Lark compiles a grammar into LALR tables and, for each parser state, one regex of the terminals
that state accepts (its contextual lexer).  Its parse loop also serves error recovery, interactive
parsing and lexer callbacks; on a letter of short lines that generality costs about as much as the
matching itself.  :class:`LeanParser` runs the same tables, regexes and tree-building callbacks in a
short loop and gives up (returns None) at the first token the grammar does not accept: callers then
parse that input with Lark's own parser, which says where and why.  On the inputs it accepts, the
result is exactly Lark's (``tests/test_lalr.py`` compares them on the real letters and on random
and damaged ones).

The loop reads what Lark does not document as public: the parse table and tree callbacks of the
LALR parser, each state's terminals and compiled terminal regex, and the function that gives a
lexer its callbacks.  A state's terminals are tried one by one until the state has been met a
few hundred times, and its one regex compiled only then (:class:`_TerminalByTerminal`): the
same matches, without compiling a regex for every state one letter meets.  :meth:`LeanParser.of` checks that
the grammar uses nothing the loop leaves out and raises otherwise; pyproject.toml bounds the Lark
version.  ``IMRLINT_PARSER=lark`` in the environment (``imrlint check --parser lark``) parses every
input with Lark's own parser instead, and a Lark whose internals no longer fit the loop falls
back to it by itself (:func:`lean_parser_of`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import lark
from lark.parsers.lalr_analysis import Shift


def lean_parser_of(parser: lark.Lark) -> LeanParser | None:
    """The lean loop for ``parser``, or None where it cannot run the grammar, or cannot read the
    tables of the installed Lark: the inputs are then parsed by Lark's own parser."""
    try:
        return LeanParser.of(parser)
    except (RuntimeError, AttributeError, KeyError, TypeError, IndexError):
        return None


# A terminal read from the text: its type, start and end offsets.
Terminal = tuple[str, int, int]

_NOTHING = re.compile("(?!)")

# lark.Token's constructor without the check for a deprecated keyword that it makes first: half
# the cost, and a letter has a hundred tokens.
_new_token = lark.Token._future_new


@dataclass(frozen=True, slots=True)
class _Reduction:
    """The LALR action that replaces the right-hand side of a rule on the stack by the rule."""

    size: int  # how many states (and values) the rule's right-hand side pops
    rule: str  # the rule's name, whose goto is taken after popping
    build: Callable[[list], Any] | None  # Lark's tree-building callback for the rule


class _TerminalByTerminal:
    """A parser state's terminals tried one by one, in the order of the one regex Lark's
    contextual lexer builds for the state, until the state has been met
    :data:`COMPILE_AFTER` times; then that regex is compiled and takes this one's place.

    A regex alternation gives the first of its alternatives that matches, so both give the same
    match.  The one regex is faster per token, but compiling it, for each of the dozens of states
    one letter meets, costs more than the rest of an editor's lint of that letter; each
    terminal's own regex is compiled once, for all the states."""

    __slots__ = ("lexer", "patterns", "scanners", "state", "visits")

    def __init__(self, scanners: _Scanners, state: int, lexer: Any, patterns: list[re.Pattern[str]]):
        self.scanners, self.state, self.lexer, self.patterns = scanners, state, lexer, patterns
        self.visits = 0

    def match(self, text: str, position: int) -> re.Match[str] | None:
        self.visits += 1
        if self.visits == COMPILE_AFTER:
            # Lark splits the regex past Python's limit of groups, if it has one: then the
            # terminals stay tried one by one
            compiled = self.lexer.scanner._mres  # none for a state that accepts only the end
            if len(compiled) <= 1:
                self.scanners[self.state] = compiled[0] if compiled else _NOTHING
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
    only the states it meets."""

    def __init__(self, lexers: dict[int, Any]):
        super().__init__()
        self._lexers = lexers
        self._terminals: dict[str, re.Pattern[str]] = {}

    def __missing__(self, state: int) -> _TerminalByTerminal:
        lexer = self._lexers[state]
        patterns = [self._terminal(terminal, lexer.g_regex_flags) for terminal in lexer.terminals]
        scanner = self[state] = _TerminalByTerminal(self, state, lexer, patterns)
        return scanner

    def _terminal(self, terminal: Any, flags: int) -> re.Pattern[str]:
        """A terminal's regex, alone, as a named group (its name is the match's ``lastgroup``)."""
        pattern = self._terminals.get(terminal.name)
        if pattern is None:
            pattern = re.compile(f"(?P<{terminal.name}>{terminal.pattern.to_regexp()})", flags)
            self._terminals[terminal.name] = pattern
        return pattern


@dataclass(frozen=True)
class LeanParser:
    """Lark's LALR automaton for one grammar, laid out for a short parse loop: per parser state,
    the regex of the terminals it accepts and what each terminal (or "$END") does there, a shift
    (the next state) or a reduction."""

    start: int
    end: int
    scanners: _Scanners
    ignored: frozenset[str]
    actions: dict[int, dict[str, int | _Reduction]]

    @classmethod
    def of(cls, parser: lark.Lark) -> LeanParser:
        """The automaton of ``parser`` (built with ``parser="lalr", lexer="contextual"``)."""
        frontend = parser.parser
        lalr = frontend.parser.parser
        table, callbacks = lalr.parse_table, lalr.callbacks
        if any(isinstance(symbol, str) for symbol in callbacks):
            raise RuntimeError("the grammar has terminal callbacks, which LeanParser does not run")
        # Lark adds callbacks to its lexers for string terminals that a regex also matches; all
        # the terminals together (the root lexer) show whether any state would need them.  Asked
        # of the function Lark builds them with, which compiles nothing when there are none.
        root = frontend.lexer.root_lexer
        terminals, callbacks_needed = lark.lexer._create_unless(
            root.terminals, root.g_regex_flags, root.re, root.use_bytes
        )
        if callbacks_needed or len(terminals) != len(root.terminals) or root.use_bytes:
            raise RuntimeError("the grammar needs more of Lark's lexer than LeanParser runs")
        # Plain strings for names: Lark's rule names are Tokens, whose comparisons slow each lookup.
        actions = {
            state: {
                str(symbol): target
                if action is Shift
                else _Reduction(len(target.expansion), str(target.origin.name), callbacks.get(target))
                for symbol, (action, target) in row.items()
            }
            for state, row in table.states.items()
        }
        return cls(
            start=table.start_states["start"],
            end=table.end_states["start"],
            scanners=_Scanners(frontend.lexer.lexers),
            ignored=frozenset().union(*(lexer.ignore_types for lexer in frontend.lexer.lexers.values())),
            actions=actions,
        )

    def terminals(self, text: str) -> list[Terminal] | None:
        """The terminals of ``text`` if the grammar accepts it, else None (no tree is built)."""
        stack = [self.start]
        found: list[Terminal] = []
        position = 0
        while position < len(text):
            match = self.scanners[stack[-1]].match(text, position)
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

    def tree(self, text: str) -> lark.Tree | None:
        """Lark's parse tree of ``text`` (its tokens with their lines and columns) if the grammar
        accepts it, else None."""
        actions, scanners, ignored = self.actions, self.scanners, self.ignored
        stack = [self.start]
        values: list = []
        position, size = 0, len(text)
        line, line_start = 1, 0
        while position < size:
            match = scanners[stack[-1]].match(text, position)
            if match is None:
                return None
            kind, value, end = match.lastgroup, match.group(), match.end()
            newlines = value.count("\n")
            end_line = line + newlines
            end_line_start = position + value.rindex("\n") + 1 if newlines else line_start
            if kind not in ignored:
                token = _new_token(
                    kind, value, position, line, position - line_start + 1, end_line, end - end_line_start + 1, end
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
                values.append(action.build(children) if action.build else children)
            del stack[len(stack) - size :]
            stack.append(cast(int, actions[stack[-1]][action.rule]))  # a rule's goto is a shift
        return action
