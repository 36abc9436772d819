"""Output formats, one module each.  A reporter receives each file's findings as soon as the
file is linted (in input order) and the run's summary at the end, so output streams and memory
stays flat however many letters are linted.  Plugins add formats through the
``imrlint_formats`` hook."""

from __future__ import annotations

from .base import Reporter, RunSummary
from .json import JsonReporter
from .text import TextReporter

BUILTIN_FORMATS = {"text": TextReporter, "json": JsonReporter}

__all__ = ["BUILTIN_FORMATS", "Reporter", "RunSummary"]
