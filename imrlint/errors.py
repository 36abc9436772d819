"""imrlint's own errors: a bad configuration or command line, and an unexpected failure described
in one line.  A leaf module: every stage may raise these, and the command line reports them with
exit status 2."""

from __future__ import annotations

import traceback


class ConfigError(Exception):
    """A configuration or declaration problem: where (file), which key, and why."""

    def __init__(self, source: str, key: str, reason: str):
        super().__init__(f"{source}: {key}: {reason}" if key else f"{source}: {reason}")
        self.source = source
        self.key = key
        self.reason = reason


class UsageError(Exception):
    """A command-line mistake: reported on one line, exit status 2."""


def describe_error(error: BaseException) -> str:
    """An unexpected error on one line, with where it was raised: the detail of an IMR900 finding."""
    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    return " ".join(f"{type(error).__name__}: {error}{where}".split())
