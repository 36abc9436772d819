"""imrlint's built-in rules, one module per rule family.

The modules are registered through the same plugin hooks a third-party package uses (see
:mod:`imrlint.builtin`); their defaults are declared in ``rules/*.yaml``.
"""

from . import anonymity, artefacts, chronology, citations, consistency, decisions, guidelines, header, input, reviewer, structure

BUILTIN_RULE_MODULES = (input, structure, header, decisions, consistency, citations, guidelines, reviewer, anonymity, chronology, artefacts)
