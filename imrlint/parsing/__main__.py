"""``python -m imrlint.parsing``: write the tables of imrlint's grammars beside them, after a
grammar is edited (imrlint.parsing.grammars.shipped_tables)."""

from imrlint.parsing import citations, letter
from imrlint.parsing.grammars import write_shipped_tables

for name, options in (("letter.lark", letter.OPTIONS), ("citation.lark", citations.OPTIONS)):
    print(write_shipped_tables(name, options))
