"""The cache: each letter's report, and each PDF's or Word file's text, kept between runs.

A re-audit of letters that have not changed reads their reports back instead of linting them
again, as Ruff does.  A report is kept under a key made of

- the letter's content (SHA-256 of its bytes) and the name it is reported under;
- the configuration that applies to it (every rule's effective settings, the MTUS additions,
  the phrases, the limits, the custom rules) and what the report collects (excerpts,
  fingerprints);
- imrlint itself: its version and the size and modification time of every file of its code and
  data, so that an upgrade or an edit is never answered from an older imrlint's results;
- the rules: each check's module, name and source file (and the version of the distribution
  that installed a plugin's), so that a plugin added, removed or upgraded starts afresh.

Text extracted from a PDF or a Word file is kept under its content, the extracting library's
version and the text limit, so that a change of configuration re-lints a PDF without extracting
it again.  Reports with an internal error (IMR900) or a time budget run out (IMR011) are never
kept: they say something about that run, not the letter.

The directory (``--cache-dir``, else ``IMRLINT_CACHE_DIR``, else ``.imrlint_cache`` beside the
configuration file found from the current directory, else in the current directory) holds a
``CACHEDIR.TAG`` and a ``.gitignore`` that ignores it all.  Entries are written to a temporary
file and renamed into place, so processes running side by side (``--jobs``, two runs) never read
half an entry; one that cannot be read (cut short, damaged, from another version) is ignored and
written again.  Entries are pickles read by an unpickler that builds only report classes, and the
directory is used only when it belongs to the user running imrlint and no one else may write in
it (a cache in a shared directory could hide findings).  A directory that cannot be created or
written leaves the run uncached, without a word.  The cache is kept under ``IMRLINT_CACHE_MAX_SIZE``
bytes (default 512 MB): past it, the entries used longest ago are removed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import pathlib
import pickle
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from imrlint.lint.discovery import writable_by_others
from imrlint.resources import stat_stamp, write_atomically
from imrlint.rules.base import DeferredCheck

if TYPE_CHECKING:
    from imrlint.config.settings import Config
    from imrlint.input.extracted import Extracted

DIRECTORY_VARIABLE = "IMRLINT_CACHE_DIR"
MAX_SIZE_VARIABLE = "IMRLINT_CACHE_MAX_SIZE"
DEFAULT_MAX_SIZE = 512 * 1024 * 1024
FORMAT = "v1"  # the layout and entry format: a new one starts an empty cache beside the old
EVICTION_INTERVAL = 3600.0  # seconds between size checks after short runs
EVICT_AFTER_LETTERS = 100  # a run of more letters checks the size when it ends
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by imrlint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)

GITIGNORE = b"# Created by imrlint: the cache is not for version control.\n*\n"

# What an entry may contain: the classes of a report and of extracted text, nothing else.
_ALLOWED_CLASSES = {
    ("imrlint.lint.linter", "FileReport"),
    ("imrlint.lint.linter", "ItemDetail"),
    ("imrlint.rules.findings", "Finding"),
    ("imrlint.rules.findings", "Fix"),
    ("imrlint.rules.findings", "Edit"),
    ("imrlint.input.document", "Span"),
    ("imrlint.input.extracted", "Extracted"),
}


class _ReportUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED_CLASSES:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a cache entry")
        return super().find_class(module, name)


def parse_size(text: str) -> int:
    """Bytes from "512M", "2G", "100000" (K, M, G: powers of 1024)."""
    value = text.strip().upper().removesuffix("B")
    scale = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(value[-1:], 1)
    number = float(value[:-1] if scale > 1 else value)
    if number <= 0:
        raise ValueError(text)
    return int(number * scale)


def default_directory() -> pathlib.Path:
    """``IMRLINT_CACHE_DIR``, else imrlint's folder in the user's cache directory:
    ``$XDG_CACHE_HOME/imrlint`` (``~/.cache/imrlint``) on Linux, ``~/Library/Caches/imrlint`` on
    macOS, ``%LOCALAPPDATA%\\imrlint\\Cache`` on Windows.  Out of the letters' folders: an archive
    may be read-only, and a folder of letters is no place for a cache."""
    configured = os.environ.get(DIRECTORY_VARIABLE, "").strip()
    if configured:
        return pathlib.Path(configured)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
        return pathlib.Path(base) / "imrlint" / "Cache"
    if sys.platform == "darwin":
        return pathlib.Path.home() / "Library" / "Caches" / "imrlint"
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (pathlib.Path(base) if os.path.isabs(base) else pathlib.Path.home() / ".cache") / "imrlint"


def max_size() -> int:
    """The size the cache is kept under: ``IMRLINT_CACHE_MAX_SIZE``, else 512 MB (an unreadable
    value is said on standard error and the default used)."""
    configured = os.environ.get(MAX_SIZE_VARIABLE, "").strip()
    if not configured:
        return DEFAULT_MAX_SIZE
    try:
        return parse_size(configured)
    except ValueError:
        print(
            f"imrlint: warning: {MAX_SIZE_VARIABLE}={configured[:40]!r} is not a size (such as 512M or 2G); "
            f"the cache is kept under {DEFAULT_MAX_SIZE // 1024**2} MB",
            file=sys.stderr,
        )
        return DEFAULT_MAX_SIZE


# --- what the key is made of -----------------------------------------------------------------


def _file_stamp(path: str | os.PathLike[str]) -> str:
    return f"{path}:{stat_stamp(path)}"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """imrlint's version and the stamp (size, modification time) of every file of its code and
    shipped data: any upgrade or edit changes it."""
    import imrlint
    from imrlint.resources import data_path

    package = pathlib.Path(imrlint.__file__).resolve().parent
    stamps = [imrlint.__version__, sys.version]
    for folder in dict.fromkeys([package, data_path("grammars").resolve(), data_path("rules").resolve()]):
        for root, directories, files in os.walk(folder):
            directories[:] = sorted(name for name in directories if name != "__pycache__")
            stamps.extend(
                _file_stamp(os.path.join(root, name))
                for name in sorted(files)
                if name.endswith((".py", ".lark", ".yaml", ".yml", ".json"))
            )
    return _digest("\n".join(stamps))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _stable(text: str) -> str | None:
    """``text`` if it describes values the same way in every process (no object addresses)."""
    return None if " at 0x" in text else text


def _function_identity(module: str, name: str, source: str, captured: tuple, defaults: Any) -> str | None:
    return _stable(f"{module}:{name}:{_file_stamp(source)}:{captured!r}:{defaults!r}")


def _check_identity(check: Callable) -> str | None:
    """What identifies a rule's check across runs: its module, name and source file's stamp,
    the values its closure holds, or the value of a callable object (a custom rule's).  A check
    not yet imported (a built-in rule's, from the rules' index) is named as the function it
    names would be, so a report kept by either is found by the other."""
    if isinstance(check, DeferredCheck):  # a module-level function, without closure or defaults
        import importlib.util

        spec = importlib.util.find_spec(check.module)
        return _function_identity(check.module, check.attribute, (spec.origin if spec else None) or "", (), None)
    code = getattr(check, "__code__", None)
    if code is not None:
        captured = tuple(cell.cell_contents for cell in getattr(check, "__closure__", None) or ())
        return _function_identity(
            check.__module__, check.__qualname__, code.co_filename, captured, getattr(check, "__defaults__", None)
        )
    module = sys.modules.get(type(check).__module__)
    source = getattr(module, "__file__", None) or ""
    return _stable(f"{type(check).__module__}:{type(check).__qualname__}:{_file_stamp(source)}:{check!r}")


def _plugin_versions(modules: set[str]) -> str:
    """name==version of the distributions that installed the top-level packages ``modules``."""
    if not modules:
        return ""
    from importlib.metadata import packages_distributions, version

    distributions = packages_distributions()
    found = []
    for module in sorted(modules):
        for name in distributions.get(module, ()):
            with contextlib.suppress(Exception):
                found.append(f"{name}=={version(name)}")
    return ",".join(found)


def rules_fingerprint(checks: list[tuple[str, Callable, Any]]) -> str | None:
    """The identity of the checks a linter runs; None when one of them cannot be told apart
    from another across runs (then the linter's results are not kept)."""
    parts = []
    outside: set[str] = set()
    for code, check, _ in checks:
        identity = _check_identity(check)
        if identity is None:
            return None
        parts.append(f"{code}={identity}")
        module = getattr(check, "__module__", None) or type(check).__module__
        if module.split(".")[0] != "imrlint":
            outside.add(module.split(".")[0])
    parts.append(_plugin_versions(outside))
    return _digest("\n".join(parts))


def config_fingerprint(config: Config) -> str | None:
    """The identity of what a configuration changes in a letter's findings; None when it holds
    a value that cannot be told apart from another across runs."""
    text = _stable(
        repr(
            (
                sorted(config.rules.items()),
                config.mtus,
                config.phrases,
                config.max_bytes,
                config.time_budget,
                config.custom_rules,
            )
        )
    )
    return None if text is None else _digest(text)


# --- the cache directory ---------------------------------------------------------------------


def _trusted(directory: pathlib.Path) -> bool:
    """Whether ``directory`` is the user's own and no one else may write in it."""
    try:
        status = directory.stat()
    except OSError:
        return False
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        return False
    return not writable_by_others(directory)


class LetterCache:
    """The cache of one run: reports and extracted text, in ``directory``; paths and a number
    only, so it travels to worker processes as it is."""

    def __init__(self, directory: pathlib.Path, limit: int = DEFAULT_MAX_SIZE):
        self.directory = directory
        self.limit = limit
        self.root = directory / FORMAT

    @classmethod
    def open(cls, directory: str | os.PathLike[str], limit: int | None = None) -> LetterCache | None:
        """The cache in ``directory``, created if need be; None when it cannot be used (not
        writable, not the user's own, or others may write in it)."""
        path = pathlib.Path(directory).absolute()
        try:
            path.mkdir(parents=True, exist_ok=True)
            if not _trusted(path):
                return None
            if not _ours(path):
                if any(path.iterdir()):  # someone's folder: never filled, never cleaned
                    from imrlint.report.base import printable

                    print(
                        f"imrlint: warning: {printable(str(path))} is not a cache imrlint made, and not empty: not "
                        "used as the cache",
                        file=sys.stderr,
                    )
                    return None
                write_atomically(path / "CACHEDIR.TAG", CACHEDIR_TAG.encode("ascii"))
                write_atomically(path / ".gitignore", GITIGNORE)
            (path / FORMAT).mkdir(exist_ok=True)
        except OSError:
            return None
        return cls(path, max_size() if limit is None else limit)

    @classmethod
    def existing(cls, directory: str | os.PathLike[str]) -> LetterCache | None:
        """The cache in ``directory`` if a run has made it there and it can be trusted, else None;
        nothing is made, and nothing said."""
        path = pathlib.Path(directory).absolute()
        if not (path / FORMAT).is_dir() or not _ours(path) or not _trusted(path):
            return None
        return cls(path, max_size())

    def _entry(self, kind: str, key: str) -> pathlib.Path:
        return self.root / kind / key[:2] / key[2:]

    def _read(self, kind: str, key: str) -> Any:
        path = self._entry(kind, key)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        try:
            stored_key, value = _ReportUnpickler(io.BytesIO(data)).load()
        except Exception:  # cut short, damaged, or not ours: a miss, written again
            return None
        if stored_key != key:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: evicted last
        return value

    def _write(self, kind: str, key: str, value: Any) -> None:
        path = self._entry(kind, key)
        data = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):
            try:
                write_atomically(path, data)
            except FileNotFoundError:  # the entry's folder is made on its first entry, not asked after at each
                path.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(path, data)

    # -- reports

    def report(self, key: str) -> Any:
        """The report (a FileReport) kept under ``key``, if any."""
        return self._read("results", key)

    def keep_report(self, key: str, report: Any) -> None:
        """Keep ``report`` under ``key``, unless it says something about this run rather than
        the letter (an internal error, a time budget run out)."""
        if report.internal_error or any(finding.name == "time-budget-exceeded" for finding in report.findings):
            return
        self._write("results", key, report)

    # -- extracted text

    def extracted(self, kind: str, data: bytes, max_chars: int | None, extract: Callable) -> Extracted:
        """``extract(data, max_chars)`` (a PDF's or Word file's text), from the cache when it was
        extracted before with the same library; an ExtractionError is kept and raised again."""
        from imrlint.input.extracted import ExtractionError

        environment = extraction_environment(kind)
        key = _digest(f"{kind}\n{environment}\n{code_fingerprint()}\n{max_chars}\n{_content_key(data)}")
        kept = self._read("text", key)
        if isinstance(kept, tuple) and len(kept) == 2:
            raise ExtractionError(*kept)
        if kept is not None:
            return kept
        try:
            extracted = extract(data, max_chars)
        except ExtractionError as error:
            self._write("text", key, (error.kind, error.message))
            raise
        self._write("text", key, extracted)
        return extracted

    # -- size

    def entries(self) -> Iterator[tuple[pathlib.Path, os.stat_result]]:
        """The entries eviction may remove: reports and texts (in folders by the key's first two
        characters), and YAML files' content (a configuration edited often leaves many)."""
        folders = [self.root / "yaml"]
        for kind in ("results", "text"):
            with contextlib.suppress(OSError), os.scandir(self.root / kind) as shards:
                folders.extend(pathlib.Path(shard.path) for shard in shards)
        for folder in folders:
            with contextlib.suppress(OSError), os.scandir(folder) as files:
                for entry in files:
                    with contextlib.suppress(OSError):
                        yield pathlib.Path(entry.path), entry.stat()

    def evict(self, letters: int = EVICT_AFTER_LETTERS) -> int:
        """Remove the entries used longest ago until the cache is under 80% of its limit;
        looked at after a run of ``letters`` letters, or an hour after the last look.  Returns
        the number removed."""
        marker = self.root / "evicted"
        try:
            recent = time.time() - marker.stat().st_mtime < EVICTION_INTERVAL
        except OSError:
            recent = False
        if recent and letters < EVICT_AFTER_LETTERS:
            return 0
        with contextlib.suppress(OSError):
            marker.touch()
        found = list(self.entries())
        total = sum(status.st_size for _, status in found)
        if total <= self.limit:
            return 0
        removed = 0
        for path, status in sorted(found, key=lambda entry: entry[1].st_mtime):
            if total <= self.limit * 0.8:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= status.st_size
                removed += 1
        return removed


def _content_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def letter_key(prefix: str, data: bytes, display_path: str) -> str:
    """The key of the report on the letter ``data`` shown as ``display_path`` under a linter
    whose settings make ``prefix``."""
    kind = document_kind(display_path)
    environment = extraction_environment(kind) if kind else ""
    return _digest(f"{prefix}\n{display_path}\n{environment}\n{_content_key(data)}")


EXTRACTORS = {"pdf": (("pypdf", "pypdf"), ("cryptography", "cryptography")), "docx": (("docx", "python-docx"),)}
"""The modules (and their distributions) that read each kind of document."""


@functools.cache
def extraction_environment(kind: str) -> str:
    """The version of each library that reads documents of ``kind`` ("pdf", "docx"), or that it
    cannot be imported: a report or a text made by one is not the answer of another, nor of a
    process where it is missing."""
    import importlib.util
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for module, distribution in EXTRACTORS.get(kind, ()):
        try:
            importable = importlib.util.find_spec(module) is not None
            found.append(f"{distribution}=={version(distribution)}" if importable else f"{distribution} missing")
        except (PackageNotFoundError, ImportError, ValueError):
            found.append(f"{distribution} missing")
    return ",".join(found)


def document_kind(path: str) -> str:
    """ "pdf" or "docx" for the letters read by an extracting library, else ""."""
    lower = path.lower()
    return next((kind for kind in EXTRACTORS if lower.endswith(f".{kind}")), "")


def _ours(path: pathlib.Path) -> bool:
    """Whether ``path`` is a cache imrlint made: it holds imrlint's own CACHEDIR.TAG (other
    tools' caches carry the same signature line, not the same words)."""
    try:
        return (path / "CACHEDIR.TAG").read_text(encoding="ascii", errors="replace") == CACHEDIR_TAG
    except OSError:
        return False


def clean(directory: str | os.PathLike[str]) -> bool:
    """Remove the cache in ``directory`` (only a directory imrlint made).  Returns whether there
    was one."""
    path = pathlib.Path(directory)
    if not _ours(path):
        return False
    shutil.rmtree(path, ignore_errors=True)
    return True
