"""A letter's syntax tree: the rules of the grammar that matched (:class:`Tree`) and the lines they
matched (:class:`Token`), each with its exact place in the parser's input.

The tree is shaped as Lark shapes its own (rules named ``_x`` and the ``?x`` rules with one child
inlined, filtered terminals left out), but built from imrlint's own classes: a letter the grammar
accepts is parsed without importing Lark at all (:mod:`imrlint.parsing.lalr`).  A tree built by
Lark's parser (a letter with lines out of place) is turned into these classes by :func:`from_lark`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class Token(str):
    """A terminal read from the text: its text, with its kind (``type``, the terminal's name) and
    its place: offsets ``start_pos`` and ``end_pos`` in the parser's input, ``line`` and ``column``
    of its first character and ``end_line`` and ``end_column`` just past its last (from 1)."""

    type: str
    start_pos: int
    end_pos: int
    line: int
    column: int
    end_line: int
    end_column: int

    def __new__(
        cls, kind: str, value: str, start_pos: int, line: int, column: int, end_line: int, end_column: int, end_pos: int
    ) -> Token:
        token = str.__new__(cls, value)
        token.type = kind
        token.start_pos = start_pos
        token.end_pos = end_pos
        token.line = line
        token.column = column
        token.end_line = end_line
        token.end_column = end_column
        return token

    def __repr__(self) -> str:
        return f"Token({self.type!r}, {str(self)!r})"

    def __reduce__(self) -> tuple:
        return (
            Token,
            (
                self.type,
                str(self),
                self.start_pos,
                self.line,
                self.column,
                self.end_line,
                self.end_column,
                self.end_pos,
            ),
        )


class Tree:
    """A rule of the grammar that matched: its name (``data``) and its children, trees and tokens
    in the order of the text."""

    __slots__ = ("children", "data")

    def __init__(self, data: str, children: list[Tree | Token]):
        self.data = data
        self.children = children

    def __repr__(self) -> str:
        return f"Tree({self.data!r}, {self.children!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tree) and self.data == other.data and self.children == other.children

    def __hash__(self) -> int:
        return hash((self.data, tuple(self.children)))

    def subtrees(self) -> Iterator[Tree]:
        """This tree and every tree under it, each before its children."""
        yield self
        for child in self.children:
            if isinstance(child, Tree):
                yield from child.subtrees()

    def tokens(self) -> Iterator[Token]:
        """The tokens under this tree, in the order of the text."""
        for child in self.children:
            if isinstance(child, Tree):
                yield from child.tokens()
            else:
                yield child


def from_lark(node: Any) -> Tree | Token:
    """The same tree as Lark's ``node`` (a ``lark.Tree`` or ``lark.Token``), in imrlint's classes."""
    if hasattr(node, "children"):
        return Tree(str(node.data), [from_lark(child) for child in node.children])
    return Token(
        str(node.type), str(node), node.start_pos, node.line, node.column, node.end_line, node.end_column, node.end_pos
    )
