"""Internal rules (IMR9xx): imrlint's own failures on a letter, reported as findings so that
nothing is lost or silently skipped.  The engine reports these itself."""

from __future__ import annotations

from imrlint.rules.base import input_rule

internal_error = input_rule(
    "IMR900",
    "internal-error",
    """
    A rule failed with an unexpected error on this letter (a bug in imrlint or a plugin); the run
    goes on.

    The letter's other rules still ran; the exit status is 2 so the failure is not mistaken for a
    clean letter.

    Fix: report the message and the letter (or a redacted copy) to the rule's maintainers.
""",
)
