"""imrlint's shipped data files (grammars, rule declarations, the MTUS knowledge base) and the
reading of YAML and TOML files, with their errors as ConfigErrors naming the file."""

from __future__ import annotations

import pathlib
from typing import Any

import yaml

from imrlint.errors import ConfigError

_PACKAGE_DIR = pathlib.Path(__file__).resolve().parent


def data_path(*parts: str) -> pathlib.Path:
    """Path of a shipped data file: inside the installed package (imrlint/_data/...) or, in a
    source checkout, the repository's top-level grammars/ and rules/ folders."""
    installed = _PACKAGE_DIR / "_data"
    base = installed if installed.is_dir() else _PACKAGE_DIR.parent
    return base.joinpath(*parts)


# LibYAML's safe loader, where PyYAML was built with it, reads the rule declarations and the
# MTUS knowledge base ten times faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_CONFIG_VALUES = 100_000
"""The most values a configuration may hold once its YAML aliases are expanded: a few hundred
bytes of aliases naming aliases can stand for billions."""


def _children(node: yaml.Node) -> list[yaml.Node]:
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


def read_yaml(path: pathlib.Path | str, source: str | None = None, bounded: bool = False) -> Any:
    """Load a YAML file, turning I/O and syntax errors into a ConfigError; ``bounded``: a file
    from a user, whose aliases may not expand it beyond :data:`MAX_CONFIG_VALUES` values."""
    source = source or str(path)
    try:
        with open(path, encoding="utf-8") as handle:
            loader = YAML_LOADER(handle)
            try:
                node = loader.get_single_node()
                if node is None:
                    return None
                if bounded:
                    _check_expansion(node, source)
                return loader.construct_document(node)
            finally:
                loader.dispose()
    except OSError as error:
        raise ConfigError(source, "", f"cannot read: {error.strerror or error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ConfigError(source, "", f"invalid YAML: {where}{getattr(error, 'problem', None) or error}") from None
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
