"""The package's architecture: each stage of the pipeline imports only the stages below it (the
layers contract in pyproject.toml, checked by import-linter), and no module imports itself back
through others."""

from __future__ import annotations

import importlib
import pathlib
import subprocess
import sys

import grimp

from conftest import REPO


def test_stages_import_only_the_stages_below_them():
    result = subprocess.run(
        [str(pathlib.Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle():
    graph = grimp.build_graph("imrlint")
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="a")
    graph.add_import(importer="b", imported="c")
    assert _cycles(graph) == [["a", "b"]]


def test_a_rule_s_group_is_its_code_prefix_its_module_and_its_declaration_file():
    from imrlint.config.selection import GROUPS, default_group
    from imrlint.plugins.builtin import BUILTIN_RULE_MODULES, RULE_DECLARATION_FILES
    from imrlint.resources import read_yaml
    from imrlint.rules.base import Rule

    module_groups = {}
    for module in BUILTIN_RULE_MODULES:
        group = module.split(".")[2]
        for value in vars(importlib.import_module(module)).values():
            if isinstance(value, Rule):
                module_groups[value.code] = group
    file_groups = {}
    for name in RULE_DECLARATION_FILES:
        for entry in read_yaml(REPO / "rules" / name)["rules"]:
            file_groups[entry["code"]] = name.removesuffix(".yaml")
    assert module_groups.keys() == file_groups.keys()
    assert {code: default_group(code) for code in module_groups} == module_groups == file_groups
    assert set(module_groups.values()) == set(GROUPS)


def test_the_readme_draws_every_stage_and_the_import_rule():
    import tomllib

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture\n", 1)[1].split("\n## ", 1)[0]
    packages = sorted(path.parent.name for path in (REPO / "imrlint").glob("*/__init__.py"))
    undrawn = [package for package in packages if f"`imrlint/{package}`" not in section]
    assert undrawn == [], f"add {undrawn} to the stages table of the README's Architecture section"
    contract = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = [
        name.strip().removeprefix("imrlint.")
        for layer in contract["contracts"][0]["layers"]
        for name in layer.split("|")
    ]
    rule = section.split("**Which may import which.**", 1)[1].split("—", 1)[0]
    unstated = [name for name in layers if f"`{name}`" not in rule]
    assert unstated == [], f"add {unstated} to the import rule in the README's Architecture section"
