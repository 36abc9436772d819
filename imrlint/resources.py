"""imrlint's shipped data files (grammars, rule declarations, the MTUS knowledge base) and the
reading of YAML and TOML files, with their errors as ConfigErrors naming the file."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import pathlib
import pickle
import sys
import tempfile
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from imrlint.errors import ConfigError

if TYPE_CHECKING:
    import yaml

_PACKAGE_DIR = pathlib.Path(__file__).resolve().parent
T = TypeVar("T")


def data_path(*parts: str) -> pathlib.Path:
    """Path of a shipped data file: inside the installed package (imrlint/_data/...) or, in a
    source checkout, the repository's top-level grammars/ and rules/ folders."""
    installed = _PACKAGE_DIR / "_data"
    base = installed if installed.is_dir() else _PACKAGE_DIR.parent
    return base.joinpath(*parts)


MAX_CONFIG_VALUES = 100_000
"""The most values a configuration may hold once its YAML aliases are expanded: a few hundred
bytes of aliases naming aliases can stand for billions."""


def _children(node: yaml.Node) -> list[yaml.Node]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: yaml.Node, source: str) -> None:
    """Refuse a YAML document whose aliases expand it past :data:`MAX_CONFIG_VALUES` values, or
    make a value contain itself, before it is built: each node is counted once, however many
    aliases name it."""
    sizes: dict[int, int] = {}
    ancestors: set[int] = set()  # the nodes whose values are being counted
    pending: list[tuple[yaml.Node, bool]] = [(root, False)]
    while pending:
        node, counted = pending.pop()
        key = id(node)
        if counted:
            ancestors.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_CONFIG_VALUES:
                raise ConfigError(
                    source,
                    "",
                    f"its YAML aliases expand it to more than {MAX_CONFIG_VALUES:,} values; write the values out, or "
                    "use fewer aliases",
                )
            continue
        if key in sizes:
            continue
        if key in ancestors:
            raise ConfigError(
                source, "", f"a YAML alias (line {node.start_mark.line + 1}) names a value that contains it"
            )
        ancestors.add(key)
        pending.append((node, True))
        pending.extend((child, False) for child in _children(node))


def write_atomically(path: pathlib.Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file (readable by its owner only) renamed
    into place: a process reading it meanwhile never reads half of it.  Raises OSError."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with open(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def keep(folder: pathlib.Path, name: str, data: bytes) -> None:
    """Keep ``data`` as the file ``name`` in ``folder``, a folder of imrlint's cache, written
    atomically.  The folder is made if need be, but not its parent: a cache removed while a
    process runs is not made again without the tag that marks it imrlint's.  A folder that
    cannot be written costs only the work the file would have saved."""
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
        write_atomically(folder / name, data)


def kept_or_made(
    path: pathlib.Path, read: Callable[[pathlib.Path], T], make: Callable[[], T], write: Callable[[T], bytes | None]
) -> T:
    """What the file ``path`` of imrlint's cache holds (``read`` from it), else ``make`` it and
    keep it there (:func:`keep`) as ``write`` gives it, unless that is None.  A file absent, cut
    short or written by something else is made again and rewritten; what cannot be written is
    only not kept."""
    try:
        return read(path)
    except Exception:  # absent, cut short or from elsewhere: made and written again
        pass
    made = make()
    with contextlib.suppress(pickle.PicklingError, TypeError, ValueError):
        data = write(made)
        if data is not None:
            keep(path.parent, path.name, data)
    return made


class IdentityMemo(Generic[T]):
    """Values made from an object (and a key), found again by the object's identity where hashing
    the object would cost more than the work saved (a run's MTUS catalogue, a rule's option
    list).  Each value is kept with its object, so that the object's id is not reused meanwhile;
    the memo is emptied when it holds ``at_most`` values."""

    def __init__(self, at_most: int):
        self.at_most = at_most
        self._values: dict[tuple[int, Hashable], tuple[object, T]] = {}

    def get(self, owner: object, key: Hashable) -> T | None:
        """The value kept for ``owner`` and ``key``, if any."""
        kept = self._values.get((id(owner), key))
        return kept[1] if kept is not None and kept[0] is owner else None

    def put(self, owner: object, key: Hashable, value: T) -> T:
        """Keep ``value`` for ``owner`` and ``key``; ``value``."""
        if len(self._values) >= self.at_most:
            self._values.clear()
        self._values[id(owner), key] = (owner, value)
        return value


def write_plain(value: Any) -> bytes:
    """``value``, plain values and dates, as :func:`read_plain` reads it back."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def stat_stamp(path: str | os.PathLike[str]) -> str:
    """What changes when the file or folder at ``path`` is written, replaced or (a folder) has an
    entry added or removed: its modification time, inode, size and link count."""
    try:
        status = os.stat(path)
    except OSError:
        return "absent"
    return f"{status.st_mtime_ns} {status.st_ino} {status.st_size} {status.st_nlink}"


def index_name(kind: str, *identity: str) -> str:
    """The file name of an index of ``kind`` kept in the cache for the installation ``identity``
    names (its folders): ``plugins-<hash>.json``."""
    return f"{kind}-{hashlib.sha256(chr(0).join(identity).encode()).hexdigest()[:16]}.json"


def keep_index(path: pathlib.Path, stamp: list[str], entries: list) -> None:
    """Keep the index ``entries`` at ``path``, in the cache's own folder (never made here: a
    cache removed meanwhile stays removed), stamped with ``stamp``; a folder that cannot be
    written costs only the work the index saves."""
    with contextlib.suppress(OSError):
        write_atomically(path, json.dumps({"stamp": stamp, "entries": entries}).encode())


def kept_index(path: pathlib.Path, stamp: list[str], well_formed: Callable[[Any], bool]) -> list | None:
    """The entries of the index at ``path`` if it was kept with ``stamp`` and each entry is
    ``well_formed``; None when it is absent, damaged or stale (then built again and kept)."""
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        kept = json.loads(path.read_text(encoding="utf-8"))
        entries = kept["entries"]
        if kept["stamp"] == stamp and isinstance(entries, list) and all(map(well_formed, entries)):
            return entries
    return None


class InvalidYaml(ValueError):
    """A file that is not YAML: the parser's problem, and where it is."""


_yaml_cache: pathlib.Path | None = None


def use_yaml_cache(directory: pathlib.Path | None) -> None:
    """Keep what YAML files hold in ``directory`` (a folder of imrlint's cache, which has checked
    it is the user's own), or parse them in every process (None)."""
    global _yaml_cache
    _yaml_cache = directory


class _DataUnpickler(pickle.Unpickler):
    """Builds plain values, dates and times (what a safe YAML loader builds), nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in ("date", "datetime", "timedelta", "timezone"):
            return getattr(datetime, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


def read_plain(path: pathlib.Path) -> Any:
    """The plain values (and dates) pickled in the cache's file at ``path``: an object of any
    other class is never built.  Raises OSError, or any error for a file cut short or not
    pickled by imrlint."""
    with open(path, "rb") as handle:
        return _DataUnpickler(handle).load()


def load_yaml(path: pathlib.Path | str, bounded: bool = False, source: str = "") -> Any:
    """The YAML document in the file at ``path``.  ``bounded``: a file from a user, whose
    aliases may not expand it beyond :data:`MAX_CONFIG_VALUES` values (a ConfigError naming
    ``source`` otherwise).  Raises OSError, UnicodeDecodeError or :class:`InvalidYaml`.

    With a YAML cache (:func:`use_yaml_cache`), a document is kept there under the SHA-256 of the
    file's bytes, and read back instead of parsed: a run then does not import PyYAML at all, which
    takes longer than the lint of a letter."""
    data = pathlib.Path(path).read_bytes()
    directory = _yaml_cache
    if directory is None:
        return _parse_yaml(data.decode("utf-8"), bounded, source)
    identity = hashlib.sha256(data + f"\n{bounded}\n{sys.version}".encode()).hexdigest()[:40]
    return kept_or_made(
        directory / f"{identity}.pickle",
        read_plain,
        lambda: _parse_yaml(data.decode("utf-8"), bounded, source),
        write_plain,
    )


def _parse_yaml(text: str, bounded: bool, source: str) -> Any:
    import yaml

    # LibYAML's safe loader, where PyYAML was built with it, reads the rule declarations and the
    # MTUS knowledge base ten times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if bounded:
            _check_expansion(node, source)
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise InvalidYaml(f"{where}{getattr(error, 'problem', None) or error}") from None
    finally:
        loader.dispose()


def read_yaml(path: pathlib.Path | str, source: str | None = None, bounded: bool = False) -> Any:
    """Load a YAML file (:func:`load_yaml`), turning I/O and syntax errors into a ConfigError."""
    source = source or str(path)
    try:
        return load_yaml(path, bounded, source)
    except OSError as error:
        raise ConfigError(source, "", f"cannot read: {error.strerror or error}") from None
    except InvalidYaml as error:
        raise ConfigError(source, "", f"invalid YAML: {error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(source, "", f"not UTF-8: {error.reason} at byte {error.start}") from None


def read_toml(path: pathlib.Path | str, source: str | None = None) -> dict[str, Any]:
    """Load a TOML file (pyproject.toml), turning I/O and syntax errors into a ConfigError."""
    import tomllib

    source = source or str(path)
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as error:
        raise ConfigError(source, "", f"cannot read: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(source, "", f"invalid TOML: {error}") from None
