"""Start-up pays only for what a command uses: `imrlint --version` loads no rule, grammar or
library; a run without configuration never loads jsonschema, whose place is explaining a
configuration that does not conform; a run imports the one output format it writes.  Counted in
modules imported, never timed."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imrlint.config.declarations import load_declarations
from imrlint.config.schema import DECLARATION_SCHEMA, conforms, user_config_schema
from imrlint.report import BUILTIN_FORMATS, Formats
from imrlint.report.text import TextReporter
from imrlint.resources import data_path, read_yaml

from conftest import EXAMPLES, REPO

IMPORTED = """
import json, sys
from imrlint.cli.main import main
status = main(sys.argv[1:])
print(json.dumps(sorted(sys.modules)))
"""


def modules_after(*argv: str, cwd=REPO) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", IMPORTED, *argv], cwd=cwd, capture_output=True, text=True, check=False
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_version_imports_no_rule_grammar_or_library():
    loaded = modules_after("--version")
    assert "imrlint.rules.base" not in loaded
    assert not {"lark", "yaml", "jsonschema", "pluggy", "regex", "pathspec"} & {name.split(".")[0] for name in loaded}


def test_a_run_without_configuration_never_loads_jsonschema(tmp_path):
    loaded = modules_after("check", "--no-cache", str(EXAMPLES / "000_8aa5183601f98bf9.txt"), cwd=tmp_path)
    assert "imrlint.rules.base" in loaded and "imrlint.model.letter" in loaded
    assert "lark" not in loaded  # the letter fits the grammar: parsed by the shipped tables
    assert "jsonschema" not in loaded
    assert "imrlint.lint.cluster" not in loaded and "distributed" not in loaded
    assert "imrlint.filter.baseline" not in loaded  # imported by a run with a baseline


def test_a_configuration_that_does_not_conform_is_still_explained(tmp_path):
    (tmp_path / ".imrlint.yaml").write_text("fail-on: sometimes\n", encoding="utf-8")
    (tmp_path / "letter.txt").write_bytes((EXAMPLES / "000_8aa5183601f98bf9.txt").read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "imrlint", "check", "letter.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "fail-on" in result.stderr and "'sometimes' is not one of" in result.stderr


def test_every_shipped_declaration_conforms_without_jsonschema():
    """A run does not check imrlint's own declarations again: the tests do, here."""
    checked = 0
    for path in sorted(data_path("rules").glob("*.yaml")):
        document = read_yaml(path)
        if "rules" in document and isinstance(document["rules"], list):
            assert conforms(document, DECLARATION_SCHEMA), path
            load_declarations([("plugin 'imrlint'", path)])  # validated, every pattern compiled
            checked += 1
    assert checked >= 7


@pytest.fixture(scope="module")
def config_schema():
    from imrlint.plugins.manager import load_rule_set, plugin_manager

    return user_config_schema(load_rule_set(plugin_manager()).defaults)


documents = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2) | st.sampled_from(["", "x", "IMR206", "error"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["rules", "fail-on", "select", "IMR206", "severity", "options", "code", "name", "max-bytes"]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(document=documents)
def test_conforms_never_accepts_what_jsonschema_rejects(config_schema, document):
    for schema in (DECLARATION_SCHEMA, config_schema):
        if conforms(document, schema):
            assert not list(jsonschema.Draft202012Validator(schema).iter_errors(document))


def test_conforms_accepts_a_configuration_that_conforms(config_schema):
    document = {"fail-on": "warning", "select": ["IMR2"], "rules": {"IMR206": {"severity": "warning"}}, "max-bytes": 5}
    assert conforms(document, config_schema)
    assert not conforms({**document, "fail-on": "sometimes"}, config_schema)
    assert not conforms({**document, "unknown": 1}, config_schema)


def test_a_format_s_module_is_imported_when_the_format_is_looked_up():
    code = (
        "import sys; from imrlint.report import BUILTIN_FORMATS; names = sorted(BUILTIN_FORMATS); "
        "before = 'imrlint.report.html' in sys.modules; reporter = BUILTIN_FORMATS['html']; "
        "print(names, before, reporter.__name__, 'imrlint.report.sarif' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.split("] ", 1)[1].split() == ["False", "HtmlReporter", "False"]
    assert result.stdout.startswith("['csv', 'github', 'html', 'json', 'jsonl', 'junit', 'sarif', 'text']")


def test_formats_keep_a_plugin_s_classes_and_built_in_names_unimported():
    class HouseReporter(TextReporter):
        pass

    formats = Formats(BUILTIN_FORMATS)
    formats.add({"house": HouseReporter})
    assert formats["house"] is HouseReporter
    assert formats["text"] is TextReporter
    assert list(formats)[-1] == "house" and len(formats) == len(BUILTIN_FORMATS) + 1


def test_a_run_imports_the_one_format_it_writes(tmp_path):
    letter = str(EXAMPLES / "000_8aa5183601f98bf9.txt")
    text = {
        name
        for name in modules_after("check", "--no-cache", letter, cwd=tmp_path)
        if name.startswith("imrlint.report.")
    }
    assert "imrlint.report.text" in text
    assert (
        not {f"imrlint.report.{name}" for name in ("html", "sarif", "junit", "csv", "json", "jsonl", "github")} & text
    )
    sarif = modules_after("check", "--no-cache", "--format", "sarif", letter, cwd=tmp_path)
    assert "imrlint.report.sarif" in sarif and "imrlint.report.html" not in sarif


QUICK_EXIT = """
import atexit, sys, threading, time
atexit.register(lambda: print("exit handler ran", flush=True))
class TornDown:
    def __del__(self):
        print("torn down", flush=True)
marker = TornDown()  # freed by the interpreter's teardown, if there is one
if sys.argv[1] == "thread":
    def late():
        time.sleep(0.3)
        print("thread finished", flush=True)
    threading.Thread(target=late).start()
sys.argv[1:] = ["check", "--fail-on", "warning", sys.argv[2]]
from imrlint.cli.main import command
command()
"""


@pytest.mark.parametrize("thread", [False, True])
def test_the_command_ends_without_teardown_yet_loses_nothing(tmp_path, thread):
    """``imrlint`` ends the process at once after its work (the interpreter's teardown is a tenth
    of a short run), yet its report is whole, its exit status kept and exit handlers run; while
    another thread runs, the process ends as Python ends it, after the thread."""
    letter = EXAMPLES / "000_8aa5183601f98bf9.txt"
    expected = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from imrlint.cli.main import main; sys.exit(main())",
            "check",
            "--fail-on",
            "warning",
            str(letter),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    result = subprocess.run(
        [sys.executable, "-c", QUICK_EXIT, "thread" if thread else "alone", str(letter)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == expected.returncode == 1
    ending = "thread finished\nexit handler ran\ntorn down\n" if thread else "exit handler ran\n"
    assert result.stdout == expected.stdout + ending
    assert result.stderr == expected.stderr == ""
