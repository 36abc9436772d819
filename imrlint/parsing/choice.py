"""Which parser runs the grammars: the lean loop over Lark's tables (the default, with Lark's own
parser for inputs the grammar rejects) or Lark's own parser for every input.  Chosen by
``IMRLINT_PARSER`` in the environment (``imrlint --parser``), so that worker processes parse as the
process that started them; this module imports nothing, for the command line to check the choice
cheaply."""

from __future__ import annotations

import os

PARSER_VARIABLE = "IMRLINT_PARSER"
PARSERS = ("lean", "lark")


def chosen_parser() -> str:
    """The parser the environment chooses; a value that names none is the caller's to refuse."""
    return os.environ.get(PARSER_VARIABLE, "lean")


def lean_parsing() -> bool:
    """Whether inputs go through the lean loop first rather than straight to Lark's parser."""
    return chosen_parser() != "lark"
