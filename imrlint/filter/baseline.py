"""Baselines: accept the findings a repository already has, report only new ones.

Released letters cannot be edited, so a team adopting imrlint records what is there
(``--write-baseline FILE``) and from then on is told only about new defects (``--baseline FILE``).

A finding is recognised by its *fingerprint*, which never depends on line numbers:

- the rule code;
- the disputed item it concerns, by name (lower case, whitespace collapsed), if any;
- its text context: the words of the finding's own span (the first and last ten when it is
  longer than twenty) and the three words either side, whitespace collapsed.

Editing text above a finding, or reflowing the letter (re-wrapping its lines), keeps it matched;
a new defect of the same rule in the same letter has another context and is reported.  Identical
fingerprints in one letter (the same defect twice) are counted: the baseline accepts as many as
it recorded, and the next one is new.  The letter's path (relative to the baseline file, with '/'
separators) is stored beside the fingerprint, so a fingerprint only matches in its own letter.

The baseline file is JSON::

    {
      "version": 1,
      "findings": [
        {"path": "letters/CM16-0213037.txt", "code": "IMR307", "name": "no-standard-cited",
         "fingerprint": "6f1c...", "message": "the MAXIMUS guideline for ... cites no standard ..."}
      ]
    }

``message`` is for people reading the file; only ``path``, ``code`` and ``fingerprint`` match.
Entries that no longer match any finding (the defect was fixed, or its text changed) are *stale*:
they are listed on standard error after the run, and do not change the exit status.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from imrlint import __version__
from imrlint.config.schema import validate
from imrlint.config.settings import display_path
from imrlint.errors import ConfigError
from imrlint.rules.findings import Finding

if TYPE_CHECKING:
    from imrlint.input.document import Document
    from imrlint.model.letter import Letter

VERSION = 1
CONTEXT_WORDS = 3
SPAN_WORDS = 10
_WORD = re.compile(r"\S+")
_LOOK = 400  # characters searched for the words around a span

SCHEMA = {
    "type": "object",
    "required": ["version", "findings"],
    "properties": {
        "version": {"const": VERSION},
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["path", "code", "fingerprint"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "code": {"type": "string", "minLength": 1},
                    "name": {"type": "string"},
                    "fingerprint": {"type": "string", "minLength": 1},
                    "message": {"type": "string"},
                },
            },
        },
    },
}


def _normal(text: str) -> str:
    return " ".join(text.split())


def _offset(document: Document, line: int, column: int) -> int:
    starts = document.line_starts
    line = max(1, min(line, len(starts)))
    return min(starts[line - 1] + column - 1, len(document.text))


def text_context(document: Document, finding: Finding) -> str:
    """The finding's normalised text context: span words in brackets, three words either side."""
    text = document.text
    start = _offset(document, finding.span.line, finding.span.column)
    end = max(start, _offset(document, finding.span.end_line, finding.span.end_column))
    words = text[start:end].split()
    if len(words) > 2 * SPAN_WORDS:
        words = [*words[:SPAN_WORDS], "...", *words[-SPAN_WORDS:]]
    before = text[max(0, start - _LOOK) : start].split()[-CONTEXT_WORDS:]
    after = text[end : end + _LOOK].split()[:CONTEXT_WORDS]
    return f"{' '.join(before)} [{' '.join(words)}] {' '.join(after)}"


def fingerprint(code: str, item_name: str, context: str) -> str:
    digest = hashlib.sha256(f"{code}\x00{_normal(item_name).lower()}\x00{context}".encode())
    return digest.hexdigest()[:24]


def with_fingerprints(findings: Iterable[Finding], document: Document, letter: Letter | None) -> list[Finding]:
    """``findings`` with their :attr:`~imrlint.rules.findings.Finding.fingerprint` set."""
    names = {item.index: item.name.text for item in letter.items} if letter is not None else {}
    return [
        replace(
            finding,
            fingerprint=fingerprint(
                finding.code,
                names.get(finding.item, "") if finding.item is not None else "",
                text_context(document, finding),
            ),
        )
        for finding in findings
    ]


def finding_fingerprint(finding: Finding) -> str:
    """A finding's fingerprint; a finding without one (a file that could not be read) has only
    its rule to tell it by."""
    return getattr(finding, "fingerprint", None) or fingerprint(finding.code, "", "")


def baseline_path(report_path: str, base: pathlib.Path) -> str:
    """A letter's path as the baseline records it: relative to the baseline's directory, '/'."""
    absolute = os.path.abspath(report_path)
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive (Windows)
        relative = absolute
    return relative.replace(os.sep, "/")


@dataclass
class Entry:
    path: str
    code: str
    fingerprint: str
    name: str = ""
    message: str = ""

    def record(self) -> dict[str, str]:
        return {
            "path": self.path,
            "code": self.code,
            "name": self.name,
            "fingerprint": self.fingerprint,
            "message": self.message,
        }


class Baseline:
    """A loaded baseline: filters each file's findings, then tells which entries went unused."""

    def __init__(self, path: str | os.PathLike[str], entries: list[Entry]):
        self.path = str(path)
        self.base = pathlib.Path(os.path.abspath(path)).parent
        self.entries = entries
        self._unused: dict[tuple[str, str, str], list[Entry]] = {}
        for entry in entries:
            self._unused.setdefault((entry.path, entry.code, entry.fingerprint), []).append(entry)
        self._linted: set[str] = set()
        self.matched = 0

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Baseline:
        label = display_path(path)
        try:
            with open(path, encoding="utf-8") as handle:
                document = json.load(handle)
        except OSError as error:
            raise ConfigError(label, "", f"cannot read the baseline: {error.strerror or error}") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise ConfigError(label, "", f"not a baseline (invalid JSON: {error})") from None
        if isinstance(document, dict) and "version" in document and document["version"] != VERSION:
            raise ConfigError(
                label,
                "version",
                f"baseline version {document['version']!r} is not supported (this imrlint writes version {VERSION}); "
                "write it again with --write-baseline",
            )
        validate(document, SCHEMA, label)
        entries = [
            Entry(item["path"], item["code"], item["fingerprint"], item.get("name", ""), item.get("message", ""))
            for item in document["findings"]
        ]
        return cls(path, entries)

    def filter(self, report: Any) -> Any:
        """Remove the findings the baseline accepts from ``report`` (in place); returns it."""
        path = baseline_path(report.path, self.base)
        self._linted.add(path)
        kept = []
        for finding in report.findings:
            bucket = self._unused.get((path, finding.code, finding_fingerprint(finding)))
            if bucket:
                bucket.pop(0)
                self.matched += 1
            else:
                kept.append(finding)
        report.findings = kept
        return report

    def stale(self) -> list[Entry]:
        """Entries that matched nothing: in a letter linted in this run, or whose letter is gone.
        (Entries of letters not linted in this run, e.g. by a pre-commit hook given only the
        changed files, are not judged.)"""
        stale = []
        for entry in self.entries:
            bucket = self._unused.get((entry.path, entry.code, entry.fingerprint), [])
            if any(unused is entry for unused in bucket) and (
                entry.path in self._linted or not (self.base / entry.path).exists()
            ):
                stale.append(entry)
        return stale


class BaselineWriter:
    """Collects every finding of a run and writes them as a baseline."""

    def __init__(self, path: str | os.PathLike[str]):
        from imrlint.report.output import OutputError, output_target

        self.path = str(path)
        try:  # a baseline that cannot be written is said before the run, not after it
            output_target(self.path)
        except OutputError as error:
            raise ConfigError(display_path(self.path), "", f"cannot write the baseline: {error.reason}") from None
        self.base = pathlib.Path(os.path.abspath(path)).parent
        self.entries: list[tuple[str, int, Entry]] = []

    def add(self, report: Any) -> None:
        path = baseline_path(report.path, self.base)
        for finding in report.findings:
            self.entries.append(
                (
                    path,
                    len(self.entries),
                    Entry(path, finding.code, finding_fingerprint(finding), finding.name, finding.message),
                )
            )

    def write(self) -> int:
        """Write the file (atomically); returns the number of findings recorded."""
        entries = [entry for _, _, entry in sorted(self.entries, key=lambda item: (item[0], item[1]))]
        document = {
            "version": VERSION,
            "generator": f"imrlint {__version__}",
            "comment": "Findings accepted as they are; 'imrlint check --baseline FILE' reports only new ones. Rewrite "
            "with --write-baseline.",
            "findings": [entry.record() for entry in entries],
        }
        from imrlint.report.output import OutputError, file_output

        try:
            with file_output(self.path) as stream:
                json.dump(document, stream, indent=2, ensure_ascii=False)
                stream.write("\n")
        except OutputError as error:
            raise ConfigError(display_path(self.path), "", f"cannot write the baseline: {error.reason}") from None
        except OSError as error:
            raise ConfigError(
                display_path(self.path), "", f"cannot write the baseline: {error.strerror or error}"
            ) from None
        return len(entries)


def stale_lines(baseline: Baseline, stale: list[Entry], redact: bool = False) -> list[str]:
    """What standard error says about stale entries (under ``redact``, not their messages)."""
    if not stale:
        return []
    label = display_path(baseline.path)
    count = len(stale)
    lines = [
        f"imrlint: {label}: {count} baseline entr{'y' if count == 1 else 'ies'} no longer "
        f"match{'es' if count == 1 else ''} a finding (fixed, or the text changed); rewrite the baseline with "
        f"--write-baseline to drop {'it' if count == 1 else 'them'}:"
    ]
    lines += [
        f"  {entry.path}: {entry.code} {entry.name}: {'' if redact else entry.message}".rstrip(": ") for entry in stale
    ]
    return lines
