"""The grammars (grammars/*.lark) compiled by Lark and kept in imrlint's cache, and the lean
loop's tables of them (:class:`imrlint.parsing.lalr.LeanTables`): shipped beside each grammar,
or, for a grammar edited since, kept in the cache.

Setting the cache's folder (:func:`use_grammar_cache`) imports nothing, and the lean tables are
read as JSON: a run whose letters the grammars accept never loads Lark."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import pathlib
import sys
from typing import TYPE_CHECKING, Any

from imrlint.resources import data_path, kept_or_made, stat_stamp

if TYPE_CHECKING:
    import lark

    from imrlint.parsing.lalr import LeanTables

_grammar_cache: pathlib.Path | None = None


def use_grammar_cache(directory: pathlib.Path | None) -> None:
    """Keep compiled grammars in ``directory`` (a folder of imrlint's cache, which has checked it
    is the user's own), or compile them in every process (None)."""
    global _grammar_cache
    _grammar_cache = directory


def compiled_grammar(name: str, **options: Any) -> lark.Lark:
    """The grammar grammars/``name`` compiled by Lark with ``options``: loaded from the grammar
    cache when it holds it (a few milliseconds instead of tens), else compiled and kept there.

    A cached grammar is named by :func:`_cache_name`, so an edit or an upgrade compiles afresh; it
    is written atomically (processes starting together never read half of one,
    :func:`imrlint.resources.keep`), and one that cannot be loaded is compiled again and
    rewritten.  A cache that cannot be written (a read-only folder) only costs the compilation."""
    import lark

    grammar = data_path("grammars", name).read_text(encoding="utf-8")
    directory = _grammar_cache
    if directory is None:
        return lark.Lark(grammar, **options)

    def load(path: pathlib.Path) -> lark.Lark:
        with open(path, "rb") as handle:
            return lark.Lark.load(handle)

    def save(parser: lark.Lark) -> bytes:
        serialised = io.BytesIO()
        parser.save(serialised)
        return serialised.getvalue()

    path = directory / _cache_name(name, grammar, options, "lark")
    return kept_or_made(path, load, lambda: lark.Lark(grammar, **options), save)


def lean_tables(name: str, **options: Any) -> LeanTables | None:
    """The lean loop's tables of grammars/``name`` compiled with ``options``, without importing
    Lark where they can be read: the tables shipped with imrlint (:func:`shipped_tables`), else
    those in the grammar cache (the same JSON); else taken from Lark's compiled grammar and kept in the cache.
    None where the installed Lark's tables cannot be read (the grammar is then run by Lark's
    parser)."""
    from imrlint.parsing.lalr import LeanTables, lean_tables_of

    grammar = data_path("grammars", name).read_text(encoding="utf-8")
    shipped = shipped_tables(name, grammar, options)
    if shipped is not None:
        return shipped
    directory = _grammar_cache
    if directory is None:
        return lean_tables_of(compiled_grammar(name, **options))
    return kept_or_made(
        directory / _cache_name(name, grammar, options, "lean"),
        lambda path: LeanTables.from_json(json.loads(path.read_bytes())),
        lambda: lean_tables_of(compiled_grammar(name, **options)),
        lambda tables: None if tables is None else json.dumps(tables.to_json()).encode(),
    )


SHIPPED_FORMAT = 1
"""The layout of the shipped tables (:meth:`imrlint.parsing.lalr.LeanTables.to_json`)."""


def shipped_tables(name: str, grammar: str, options: dict[str, Any]) -> LeanTables | None:
    """The tables shipped beside grammars/``name`` (``name.json``), if they were made from this
    very grammar text with these options in this layout; else None.

    An LALR table is a complete description of its parser: tables Lark made once parse as the
    installed Lark's would, whatever its version (the tests parse every real letter both ways),
    so a first run, or one under ``--no-cache``, need not compile the grammar with Lark."""
    from imrlint.parsing.lalr import LeanTables

    try:
        shipped = json.loads(data_path("grammars", f"{name}.json").read_text(encoding="utf-8"))
        if shipped["made_from"] == _made_from(grammar, options):
            return LeanTables.from_json(shipped["tables"])
    except (OSError, ValueError, KeyError, TypeError):  # absent or from another grammar
        pass
    return None


def write_shipped_tables(name: str, options: dict[str, Any]) -> pathlib.Path:
    """Write the tables of grammars/``name`` compiled with ``options`` beside it (``python -m
    imrlint.parsing``, after a grammar is edited); the file written."""
    from imrlint.parsing.lalr import LeanTables

    grammar = data_path("grammars", name).read_text(encoding="utf-8")
    tables = LeanTables.of(compiled_grammar(name, **options))
    path = data_path("grammars", f"{name}.json")
    document = {"made_from": _made_from(grammar, options), "tables": tables.to_json()}
    path.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


def _made_from(grammar: str, options: dict[str, Any]) -> str:
    """What shipped tables were made from: the grammar's text, the options and the layout."""
    identity = "\n".join([grammar, repr(sorted(options.items())), str(SHIPPED_FORMAT)])
    return hashlib.sha256(identity.encode()).hexdigest()


def _cache_name(name: str, grammar: str, options: dict[str, Any], kind: str) -> str:
    """The file a grammar compiled with ``options`` is kept in: named by the hash of the grammar's
    text, the options, the installed Lark (its place and its files' stamp, which an upgrade
    changes; found without importing it), the module that lays out the lean tables, and Python's
    version."""
    spec = importlib.util.find_spec("lark")
    installed = (spec.origin or "") if spec is not None else ""
    layout = importlib.util.find_spec("imrlint.parsing.lalr")  # found, not imported
    identity = "\n".join(
        [
            grammar,
            repr(sorted(options.items())),
            installed,
            stat_stamp(installed),
            stat_stamp((layout.origin or "") if layout is not None else ""),
            sys.version,
        ]
    )
    return f"{pathlib.Path(name).stem}-{hashlib.sha256(identity.encode()).hexdigest()[:32]}.{kind}"
