"""The grammars (grammars/*.lark) compiled by Lark, or loaded from imrlint's cache.

Setting the cache's folder (:func:`use_grammar_cache`) imports nothing: a run answered from the
cache never loads Lark."""

from __future__ import annotations

import hashlib
import io
import pathlib
import sys
from typing import TYPE_CHECKING, Any

from imrlint.resources import data_path, keep

if TYPE_CHECKING:
    import lark

_grammar_cache: pathlib.Path | None = None


def use_grammar_cache(directory: pathlib.Path | None) -> None:
    """Keep compiled grammars in ``directory`` (a folder of imrlint's cache, which has checked it
    is the user's own), or compile them in every process (None)."""
    global _grammar_cache
    _grammar_cache = directory


def compiled_grammar(name: str, **options: Any) -> lark.Lark:
    """The grammar grammars/``name`` compiled by Lark with ``options``: loaded from the grammar
    cache when it holds it (a few milliseconds instead of tens), else compiled and kept there.

    A cached grammar is named by the hash of the grammar's text, the options, Lark's version
    and Python's, so an edit or an upgrade compiles afresh; it is written atomically (processes
    starting together never read half of one, :func:`imrlint.resources.keep`), and one that
    cannot be loaded is compiled again and rewritten.  A cache that cannot be written (a
    read-only folder) only costs the compilation."""
    import lark

    grammar = data_path("grammars", name).read_text(encoding="utf-8")
    directory = _grammar_cache
    if directory is None:
        return lark.Lark(grammar, **options)
    identity = "\n".join([grammar, repr(sorted(options.items())), lark.__version__, sys.version])
    path = directory / f"{pathlib.Path(name).stem}-{hashlib.sha256(identity.encode()).hexdigest()[:32]}.lark"
    try:
        with open(path, "rb") as handle:
            return lark.Lark.load(handle)
    except Exception:  # absent, cut short or from elsewhere: compiled and written again
        pass
    parser = lark.Lark(grammar, **options)
    serialised = io.BytesIO()
    parser.save(serialised)
    keep(directory, path.name, serialised.getvalue())
    return parser
