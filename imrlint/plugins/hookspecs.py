"""The plugin interface: every hook imrlint calls.

imrlint's own rules and output formats are registered through these same hooks, by the plugin
module :mod:`imrlint.plugins.builtin`.  A third-party package registers a module (or object) implementing
any of them under the entry-point group ``imrlint``::

    [project.entry-points.imrlint]
    my_rules = "my_package.imrlint_plugin"
"""

from __future__ import annotations

import pluggy

PROJECT = "imrlint"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def imrlint_rules():
    """Return the rules this plugin implements: a list of :class:`imrlint.rules.base.Rule`."""


@hookspec
def imrlint_rule_declarations():
    """Return the YAML files (paths) or mappings declaring this plugin's rules.

    Each declares, per rule, its code, name, default severity, enabled flag, message template,
    one-line summary and options with their defaults, and optionally its group (for --select and
    --ignore) and which options are regular expressions (``patterns``); see ``rules/*.yaml``.
    """


@hookspec
def imrlint_formats():
    """Return a mapping of output format name to reporter class (see :mod:`imrlint.report`)."""
