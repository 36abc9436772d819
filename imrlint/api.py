"""imrlint's public interface for plugins: what a plugin package imports.

A plugin declares rules with :func:`rule` and registers them, their declarations and output
formats through the hooks of :mod:`imrlint.plugins.hookspecs`, marked with :data:`hookimpl`; an
output format subclasses :class:`Reporter`.  The names here keep their meaning across releases;
the modules they come from may move.
"""

from imrlint.plugins.hookspecs import hookimpl
from imrlint.report.base import Reporter
from imrlint.rules.base import RuleContext, rule
from imrlint.rules.findings import Finding

__all__ = ["Finding", "Reporter", "RuleContext", "hookimpl", "rule"]
