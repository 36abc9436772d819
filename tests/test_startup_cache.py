"""What a run reads before its work, kept in the cache from one run to the next: the index of
installed plugins, the built-in rules' index (so that rule modules are imported only when a
letter is linted), the content of YAML files."""

from __future__ import annotations

import datetime
import json
import os
import pickle
import subprocess
import sys

import pytest

from imrlint import resources
from imrlint.errors import ConfigError
from imrlint.plugins import builtin, installed
from imrlint.plugins.installed import installed_entry_points, load_entry_point
from imrlint.resources import index_name
from imrlint.rules.base import DeferredCheck

from conftest import REPO, SEEDS

SEED_000 = SEEDS / "000_8aa5183601f98bf9.txt"


# --- the index of installed plugins --------------------------------------------------------------


def install(folder, name: str, body: str = "") -> None:
    """A distribution ``name`` in ``folder`` with an entry point of the group imrlint."""
    (folder / f"{name}.py").write_text(body or "from imrlint.plugins.hookspecs import hookimpl\n", encoding="utf-8")
    distribution = folder / f"{name}-1.0.dist-info"
    distribution.mkdir()
    (distribution / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    (distribution / "entry_points.txt").write_text(f"[imrlint]\n{name} = {name}\n", encoding="utf-8")


def plugin_index(folder):
    """Where the index of this environment's plugins is kept in ``folder``."""
    return folder / index_name("plugins", sys.prefix, *sys.path)


@pytest.fixture
def site(tmp_path, monkeypatch):
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def test_the_index_is_read_instead_of_the_metadata_while_nothing_is_installed(site, tmp_path, monkeypatch):
    install(site, "house_style")
    index = tmp_path
    assert installed_entry_points(index) == [("house_style", "house_style")]
    kept = json.loads(plugin_index(index).read_text(encoding="utf-8"))
    assert kept["entries"] == [["house_style", "house_style"]]

    def unread():
        raise AssertionError("the metadata was read")

    monkeypatch.setattr(installed, "_read_metadata", unread)
    assert installed_entry_points(index) == [("house_style", "house_style")]


def test_an_index_is_not_written_where_the_cache_was_removed(site, tmp_path):
    install(site, "house_style")
    assert installed_entry_points(tmp_path / "removed") == [("house_style", "house_style")]
    assert not (tmp_path / "removed").exists()


def test_each_environment_keeps_its_own_index(site, tmp_path, monkeypatch):
    """Two environments sharing the user's cache folder do not take turns rewriting one index."""
    installed_entry_points(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path / "another"))
    installed_entry_points(tmp_path)
    assert len(list(tmp_path.glob("plugins-*.json"))) == 2


def test_installing_a_distribution_reads_the_metadata_again(site, tmp_path):
    index = tmp_path
    assert installed_entry_points(index) == installed_entry_points(None)
    install(site, "house_style")
    assert ("house_style", "house_style") in installed_entry_points(index)


@pytest.mark.parametrize(
    "content", ["", "{", "{}", '{"stamp": 1}', "[]", '{"stamp": [], "entries": 5}', "STAMPED [[1, 2]]"]
)
def test_an_unreadable_index_is_rewritten(site, tmp_path, content):
    install(site, "house_style")
    index = tmp_path
    if content.startswith("STAMPED "):
        stamp = installed._search_path_stamp()
        content = json.dumps({"stamp": stamp, "entries": json.loads(content.removeprefix("STAMPED "))})
    plugin_index(index).write_text(content, encoding="utf-8")
    assert installed_entry_points(index) == [("house_style", "house_style")]
    assert json.loads(plugin_index(index).read_text(encoding="utf-8"))["entries"] == [["house_style", "house_style"]]


def test_an_entry_point_names_a_module_or_an_attribute():
    assert load_entry_point("json") is json
    assert load_entry_point("os.path:join") is os.path.join
    assert load_entry_point("imrlint.plugins.installed : load_entry_point [extra]") is load_entry_point
    with pytest.raises(ValueError, match="not an entry point"):
        load_entry_point("not a reference")


def test_the_command_line_keeps_the_index_in_the_cache_it_uses(tmp_path):
    cache = tmp_path / "cache"
    command = [sys.executable, "-m", "imrlint", "check", "--cache-dir", str(cache), str(SEED_000)]
    environment = {**os.environ, "IMRLINT_CACHE_DIR": str(tmp_path / "elsewhere")}
    subprocess.run([sys.executable, "-m", "imrlint", "cache", "dir"], env=environment, cwd=REPO, check=True)
    assert not (tmp_path / "elsewhere").exists()  # asking where the cache is makes nothing
    subprocess.run(command, env=environment, cwd=REPO, capture_output=True, check=False)
    assert not list((cache / "v1").glob("plugins-*.json"))  # the first run makes the cache
    subprocess.run(command, env=environment, cwd=REPO, capture_output=True, check=False)
    assert len(list((cache / "v1").glob("plugins-*.json"))) == 1
    assert list((cache / "v1" / "yaml").glob("*.pickle"))
    subprocess.run([*command[:4], "--no-cache", *command[4:]], env=environment, cwd=REPO, check=False)
    assert not (tmp_path / "elsewhere").exists()


# --- YAML files --------------------------------------------------------------------------------


@pytest.fixture
def yaml_cache(tmp_path):
    resources.use_yaml_cache(tmp_path / "yaml")
    yield tmp_path / "yaml"
    resources.use_yaml_cache(None)


def test_a_yaml_document_is_read_back_from_the_cache(tmp_path, yaml_cache, monkeypatch):
    path = tmp_path / "mtus.yaml"
    path.write_text("chapter: Chronic Pain\nin force: 2016-12-01\npages: [1, 2.5, null, true]\n", encoding="utf-8")
    expected = {"chapter": "Chronic Pain", "in force": datetime.date(2016, 12, 1), "pages": [1, 2.5, None, True]}
    assert resources.load_yaml(path) == expected

    def unparsed(*arguments):
        raise AssertionError("parsed again")

    monkeypatch.setattr(resources, "_parse_yaml", unparsed)
    assert resources.load_yaml(path) == expected
    path.write_text("chapter: Low Back\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed again"):
        resources.load_yaml(path)


def test_a_damaged_or_foreign_cache_entry_is_parsed_again(tmp_path, yaml_cache):
    path = tmp_path / "rules.yaml"
    path.write_text("rules: []\n", encoding="utf-8")
    resources.load_yaml(path)
    (entry,) = yaml_cache.glob("*.pickle")
    entry.write_bytes(pickle.dumps(os.system))  # builds something a YAML document never holds
    assert resources.load_yaml(path) == {"rules": []}
    entry.write_bytes(b"\x80")
    assert resources.load_yaml(path) == {"rules": []}
    assert pickle.loads(entry.read_bytes()) == {"rules": []}


def test_a_bounded_document_is_checked_however_it_was_kept(tmp_path, yaml_cache):
    """The same bytes read unbounded (kept) and then as a user's configuration are still refused."""
    aliases = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + level)}: &{chr(98 + level)} [*{chr(97 + level)}, *{chr(97 + level)}, *{chr(97 + level)}, "
        f"*{chr(97 + level)}, *{chr(97 + level)}, *{chr(97 + level)}, *{chr(97 + level)}, *{chr(97 + level)}, "
        f"*{chr(97 + level)}, *{chr(97 + level)}]\n"
        for level in range(5)
    )
    path = tmp_path / ".imrlint.yaml"
    path.write_text(aliases, encoding="utf-8")
    resources.load_yaml(path)
    with pytest.raises(ConfigError, match="expand it to more than"):
        resources.read_yaml(path, bounded=True)


def test_yaml_errors_are_the_same_with_the_cache(tmp_path, yaml_cache):
    path = tmp_path / "broken.yaml"
    path.write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"invalid YAML: line 2, column 1"):
        resources.read_yaml(path)
    assert not list(yaml_cache.glob("*.pickle"))


# --- the built-in rules' index -------------------------------------------------------------------


def rule_set_with_index(directory):
    from imrlint.plugins.manager import load_rule_set, plugin_manager

    return load_rule_set(plugin_manager(entry_points=False, index_directory=directory))


def test_the_built_in_rules_are_read_from_their_index_and_lint_alike(tmp_path):
    from imrlint.config.layers import load_config
    from imrlint.input.document import Document
    from imrlint.lint.linter import Linter
    from imrlint.rules.base import DeferredCheck

    imported = rule_set_with_index(tmp_path)
    indexed = rule_set_with_index(tmp_path)
    assert json.loads((tmp_path / builtin._index_name()).read_text(encoding="utf-8"))["entries"][0][:2] == [
        "IMR001",
        "parse-error",
    ]
    assert [(rule.code, rule.name, rule.doc) for rule in indexed.rules.values()] == [
        (rule.code, rule.name, rule.doc) for rule in imported.rules.values()
    ]
    assert isinstance(indexed.rules["IMR210"].check, DeferredCheck) and indexed.rules["IMR002"].check is None
    assert indexed.defaults == imported.defaults
    letters = sorted((REPO / "tests" / "data" / "letters" / "seeds").glob("*.txt"))
    linters = [Linter(rule_set, load_config(rule_set.defaults, None)) for rule_set in (imported, indexed)]
    assert [check for _, check, _ in linters[1].checks] == [check for _, check, _ in linters[0].checks]
    for letter in letters:
        document = Document(str(letter), letter.read_text(encoding="utf-8"))
        assert linters[1].lint_document(document).findings == linters[0].lint_document(document).findings


def test_an_edited_rule_module_writes_the_index_again(tmp_path, monkeypatch):
    rule_set_with_index(tmp_path)
    monkeypatch.setattr(builtin, "_modules_stamp", lambda: ["another version"])
    assert all(not isinstance(rule.check, DeferredCheck) for rule in rule_set_with_index(tmp_path).rules.values())
    assert json.loads((tmp_path / builtin._index_name()).read_text(encoding="utf-8"))["stamp"] == ["another version"]


@pytest.mark.parametrize(
    "entries", [None, [], 3, [[1]], [["IMR210", "item-name-misspelt", "doc", 7, "item_name_misspelt"]], [["IMR210"]]]
)
def test_an_unreadable_rule_index_is_written_again(tmp_path, entries):
    content = json.dumps({"stamp": builtin._modules_stamp(), "entries": entries}) if entries else "{"
    (tmp_path / builtin._index_name()).write_text(content, encoding="utf-8")
    assert len(rule_set_with_index(tmp_path).rules) > 50
    assert isinstance(rule_set_with_index(tmp_path).rules["IMR210"].check, DeferredCheck)


def test_a_deferred_check_imports_its_module_when_first_used():
    check = DeferredCheck("imrlint.rules.decisions.names", "item_name_misspelt")
    assert repr(check) == "DeferredCheck('imrlint.rules.decisions.names', 'item_name_misspelt')"
    from imrlint.rules.decisions.names import item_name_misspelt

    assert check.load() is item_name_misspelt.check
    with pytest.raises(TypeError, match="has no check"):
        DeferredCheck("imrlint.rules.input", "unreadable_file").load()


def runs_with_their_imports(arguments, prefixes, folder, environment, times):
    """``imrlint ARGUMENTS`` run ``times`` in fresh processes in ``folder``: each one's output, and
    its exit status with the modules it imported whose names start with ``prefixes``, on its last
    line of standard error."""
    code = (
        f"import sys; from imrlint.cli.main import main; status = main({list(arguments)!r}); "
        f"print(status, sorted(name for name in sys.modules if name.startswith({tuple(prefixes)!r})), file=sys.stderr)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], env=environment, capture_output=True, text=True, cwd=folder, check=False
        )
        for _ in range(times)
    ]
    return [(run.stdout, run.stderr.strip().splitlines()[-1]) for run in runs]


def test_listing_the_rules_imports_no_rule_module_once_indexed(tmp_path):
    environment = {**os.environ, "IMRLINT_CACHE_DIR": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-m", "imrlint", "check", str(SEED_000)], env=environment, capture_output=True, check=False
    )
    (first, imported), (again, imported_again) = runs_with_their_imports(
        ["rules"], ["imrlint.rules.", "imrlint.model", "lark"], tmp_path, environment, 2
    )
    assert first == again and "IMR210  item-name-misspelt" in again
    assert "imrlint.rules.decisions.names" in imported  # the index written
    assert imported_again == "0 ['imrlint.rules.base', 'imrlint.rules.custom', 'imrlint.rules.findings']"


def test_a_deferred_check_is_named_in_cache_keys_as_the_function_it_names():
    """A report kept by a run that imported the rules is found by a run that read their index."""
    from imrlint.lint.cache import rules_fingerprint
    from imrlint.plugins.builtin import _defined_rules

    rules = [(module, attribute, rule) for module, attribute, rule in _defined_rules() if rule.check is not None]
    deferred = [(rule.code, DeferredCheck(module, attribute), None) for module, attribute, rule in rules]
    imported = [(rule.code, rule.check, None) for _, _, rule in rules]
    assert rules_fingerprint(deferred) == rules_fingerprint(imported) is not None


def test_a_letter_answered_from_the_cache_imports_no_rule_nor_the_parser(tmp_path):
    letter = tmp_path / "letter.txt"
    letter.write_bytes(SEED_000.read_bytes())
    environment = {**os.environ, "IMRLINT_CACHE_DIR": str(tmp_path / "cache")}
    runs = runs_with_their_imports(
        ["check", "letter.txt"], ["imrlint.rules.decisions.", "imrlint.model.letter", "lark"], tmp_path, environment, 3
    )
    assert runs[0][0] == runs[1][0] == runs[2][0]
    status = runs[0][1].split()[0]
    assert "'imrlint.model.letter'" in runs[0][1]  # linted: the rules and the model imported
    assert runs[2][1] == f"{status} []"  # the report read back
