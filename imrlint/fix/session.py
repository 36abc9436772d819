"""``imrlint check --fix`` and ``--diff``: a lint session that fixes each text letter before it
is reported.

A letter is linted, the fixes that apply (safe ones; unsafe ones too with ``--unsafe-fixes``)
are applied to its text, and it is linted again, until no fix applies (at most
:data:`MAX_PASSES` times, as a fix may make room for another).  The report is the last lint's:
the findings that remain.  With ``--fix`` the letter is then written back once, atomically,
keeping its encoding, byte-order mark and line breaks; with ``--diff`` it is left alone and the
change is a unified diff.  PDF and Word letters are linted and never changed.
"""

from __future__ import annotations

import collections
import difflib
from dataclasses import dataclass, field

from imrlint.fix.edits import applies, apply_fixes
from imrlint.fix.text_file import decode, write_atomically
from imrlint.input.document import Document
from imrlint.input.read import TEXT_SUFFIXES
from imrlint.lint.linter import FileReport
from imrlint.lint.session import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Session
from imrlint.report.base import Reporter
from imrlint.report.output import OutputError

MAX_PASSES = 10


@dataclass
class FixReport(FileReport):
    """A FileReport of the letter as fixed: ``fixed`` counts the findings fixed by rule ("CODE
    name"), ``diff`` is the change as a unified diff, ``kept`` counts the fixes that apply to a
    letter imrlint does not change (PDF, Word, text that is not UTF-8) and ``error`` says why the
    fixed letter could not be written."""

    fixed: dict[str, int] = field(default_factory=dict)
    diff: str = ""
    kept: int = 0
    kept_reason: str = ""
    error: str = ""


def unified_diff(path: str, before: str, after: str) -> str:
    """The change from ``before`` to ``after`` as a unified diff of the file at ``path``."""
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), path, path)
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)


class FixingSession(Session):
    """A :class:`~imrlint.lint.session.Session` whose letters are fixed before they are reported:
    written back (``write``) or shown as a diff."""

    def __init__(self, *args, unsafe: bool = False, write: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.unsafe = unsafe
        self.write = write
        self.fixed: collections.Counter[str] = collections.Counter()
        self.fixed_letters = 0
        self.kept: collections.Counter[str] = collections.Counter()
        self.write_errors: list[str] = []
        self.unsafe_available = 0

    def lint_path(self, path: str, display_path: str | None = None):
        shown = display_path or path
        linter = self.linter_for(path)
        if not path.lower().endswith(TEXT_SUFFIXES):
            return self._kept(linter.lint_path(path, display_path), "PDF and Word letters are never changed")
        try:
            with open(path, "rb") as handle:
                data = handle.read(linter.max_bytes + 1)
        except OSError:
            return linter.lint_path(path, display_path)  # reported as unreadable
        return self._fixed(linter, data, shown, path if self.write else None)

    def lint_bytes(self, data: bytes, display_path: str):
        linter = self.linter_for(display_path)
        if not display_path.lower().endswith(TEXT_SUFFIXES):
            return self._kept(linter.lint_bytes(data, display_path), "PDF and Word letters are never changed")
        return self._fixed(linter, data, display_path, None)

    def _kept(self, report: FileReport, reason: str) -> FixReport:
        kept = sum(applies(finding.fix, self.unsafe) for finding in report.findings)
        return FixReport(**vars(report), kept=kept, kept_reason=reason if kept else "")

    def _fixed(self, linter, data: bytes, shown: str, target: str | None) -> FixReport:
        """Lint and fix the text letter ``data``; write it to ``target`` when it changed."""
        report = linter.lint_bytes(data, shown)
        text_file = decode(data) if len(data) <= linter.max_bytes else None
        if text_file is None:
            return self._kept(report, "a letter that is not UTF-8 (or UTF-16) is never changed: save it as UTF-8")
        text = text_file.text
        fixed: collections.Counter[str] = collections.Counter()
        for _ in range(MAX_PASSES):
            applied = apply_fixes(text, Document(shown, text).line_starts, report.findings, self.unsafe)
            if not applied.fixed:
                break
            fixed.update(f"{finding.code} {finding.name}" for finding in applied.fixed)
            text = applied.text
            report = linter.lint_bytes(text_file.encode(text), shown)
        result = FixReport(**vars(report), fixed=dict(fixed))
        if text == text_file.text:
            return result
        result.diff = unified_diff(shown, text_file.text, text)
        if target is not None:
            try:
                write_atomically(target, text_file.encode(text))
            except OutputError as error:
                result.error = str(error)
        return result

    def finish_report(self, report):
        if isinstance(report, FixReport):
            if not report.error:
                self.fixed.update(report.fixed)
                self.fixed_letters += bool(report.fixed)
            else:
                self.write_errors.append(report.error)
            if report.kept:
                self.kept[report.kept_reason] += report.kept
        self.unsafe_available += sum(
            finding.fix is not None and finding.fix.applicability == "unsafe" for finding in report.findings
        )
        return super().finish_report(report)

    def finish(self, redact: bool = False) -> list[str]:
        lines = super().finish(redact)
        lines += [f"imrlint: error: {error}" for error in self.write_errors]
        total = sum(self.fixed.values())
        verb = "Fixed" if self.write else "Would fix"
        letters = f"{self.fixed_letters} letter{'' if self.fixed_letters == 1 else 's'}"
        if total:
            by_rule = ", ".join(f"{count} {rule}" for rule, count in sorted(self.fixed.items()))
            lines.append(f"{verb} {total} finding{'' if total == 1 else 's'} in {letters} ({by_rule}).")
        if self.unsafe_available and not self.unsafe:
            count = self.unsafe_available
            lines.append(f"{count} more finding{'' if count == 1 else 's'} can be fixed with --unsafe-fixes.")
        for reason, count in sorted(self.kept.items()):
            lines.append(f"{count} fix{'' if count == 1 else 'es'} not applied: {reason}.")
        return lines

    def exit_status(self, usage_error: bool = False, internal_error: bool = False) -> int:
        """As a check's, and 2 when a fixed letter could not be written; with --diff, 1 when a
        letter would change (as Ruff's --diff), else 0."""
        if usage_error or internal_error or self.write_errors:
            return EXIT_ERROR
        if not self.write:
            return EXIT_FINDINGS if self.fixed else EXIT_CLEAN
        return super().exit_status()


class DiffReporter(Reporter):
    """``--diff``: each fixed letter's change as a unified diff; nothing else on standard output."""

    machine_readable = True

    def file(self, report) -> None:
        diff = getattr(report, "diff", "")
        if diff:
            self.stream.write(diff)


__all__ = ["DiffReporter", "FixReport", "FixingSession"]
