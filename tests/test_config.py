"""Configuration: discovery, profiles and extends, rule selection, per-path overrides, fail-on,
validation and `imrlint config`."""

from __future__ import annotations

import os
import textwrap

import pytest

from imrlint.config.layers import glob_problem, profile_names, resolve
from imrlint.config.selection import GROUPS, resolve_selector

from conftest import EXAMPLES, run

SEED_000 = EXAMPLES / "000_8aa5183601f98bf9.txt"  # one IMR303 warning at 109:44
MRI = EXAMPLES / "CM16-0213037.txt"


def found(out: str, codes=("IMR303",)) -> list[tuple[str, str, str]]:
    """(path, code, severity) of each finding of text output by one of ``codes`` (the rules these
    tests configure; other rules may find other things in the same letter)."""
    result = []
    for line in out.splitlines():
        if line.startswith("Checked "):
            continue
        location, rest = line.split(": ", 1)
        code, severity = rest.split(" ", 2)[:2]
        if code in codes:
            result.append((location.rsplit(":", 2)[0], code, severity.strip("[]")))
    return result


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A letters repository: .git marks its root; letters/seed.txt has one IMR303 warning."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "letters").mkdir()
    (root / "letters" / "seed.txt").write_bytes(SEED_000.read_bytes())
    monkeypatch.chdir(root)
    return root


# ----------------------------------------------------------------------------- discovery


def test_imrlint_yaml_is_found_walking_up_from_the_letter(repo, capsys, tmp_path, monkeypatch):
    write(repo / ".imrlint.yaml", "ignore: [IMR303]\n")
    assert found(run(capsys, "check", "letters/seed.txt")[1]) == []
    # From anywhere: the search starts at the letter, not at the working directory.
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "check", str(repo / "letters" / "seed.txt"))
    assert (status, found(out)) == (0, [])


def test_pyproject_tool_imrlint_table(repo, capsys):
    write(
        repo / "pyproject.toml",
        """
        [project]
        name = "letters"

        [tool.imrlint]
        fail-on = "warning"

        [tool.imrlint.rules.page-outside-topic]
        severity = "info"
        """,
    )
    status, out, _ = run(capsys, "check", "letters")
    assert (status, found(out)) == (0, [("letters/seed.txt", "IMR303", "info")])


def test_a_pyproject_without_the_table_is_passed_by(repo, capsys):
    write(repo / "letters" / "pyproject.toml", "[project]\nname = 'x'\n")
    write(repo / ".imrlint.yaml", "rules: {IMR303: {severity: error}}\n")
    status, out, _ = run(capsys, "check", "letters")
    assert (status, found(out)) == (1, [("letters/seed.txt", "IMR303", "error")])


def test_yaml_wins_over_pyproject_in_the_same_directory(repo, capsys):
    write(repo / "pyproject.toml", "[tool.imrlint]\nignore = ['IMR303']\n")
    write(repo / ".imrlint.yaml", "rules: {IMR303: {severity: error}}\n")
    assert found(run(capsys, "check", "letters")[1]) == [("letters/seed.txt", "IMR303", "error")]


def test_the_search_stops_at_the_repository_root(repo, capsys):
    write(repo.parent / ".imrlint.yaml", "ignore: [ALL]\n")  # above the repository: not read
    assert found(run(capsys, "check", "letters")[1]) == [("letters/seed.txt", "IMR303", "warning")]


def test_the_nearest_configuration_wins(repo, capsys):
    write(repo / ".imrlint.yaml", "rules: {IMR303: {severity: error}}\n")
    (repo / "letters" / "released").mkdir()
    (repo / "letters" / "released" / "old.txt").write_bytes(SEED_000.read_bytes())
    write(
        repo / "letters" / "released" / ".imrlint.yaml",
        "extends: ../../.imrlint.yaml\nrules: {IMR303: {severity: info}}\n",
    )
    status, out, _ = run(capsys, "check", "letters")
    assert (status, found(out)) == (
        1,
        [("letters/released/old.txt", "IMR303", "info"), ("letters/seed.txt", "IMR303", "error")],
    )


def test_config_option_overrides_discovery(repo, capsys, tmp_path):
    write(repo / ".imrlint.yaml", "ignore: [IMR303]\n")
    other = write(tmp_path / "other.yaml", "rules: {IMR303: {severity: error}}\n")
    status, out, _ = run(capsys, "check", "--config", str(other), "letters")
    assert (status, found(out)) == (1, [("letters/seed.txt", "IMR303", "error")])


# ----------------------------------------------------------------------------- profiles and extends


def test_profiles_ship_and_say_what_they_do(rule_set):
    assert profile_names() == ["recommended", "release", "strict"]
    defaults = rule_set.defaults
    recommended = resolve(defaults, document={"extends": "recommended"}, source="t")
    assert {code: (s.severity, s.enabled) for code, s in recommended.rules.items()} == {
        code: (s.severity, s.enabled) for code, s in defaults.items()
    }
    strict = resolve(defaults, document={"extends": "strict"}, source="t")
    assert all(settings.enabled for settings in strict.rules.values())
    assert {settings.severity for settings in strict.rules.values()} <= {"error", "info"}
    assert strict.origin("rules.IMR303.severity") == "profile strict: severity-map"
    release = resolve(defaults, document={"extends": "release"}, source="t")
    assert (release.rules["IMR303"].severity, release.rules["IMR307"].severity) == ("error", "error")
    assert not release.rules["IMR304"].enabled
    assert release.rules["IMR006"].severity == "warning"
    assert release.layers == ("profile recommended", "profile release", "t")


def test_extends_a_profile_then_changes_it(repo, capsys):
    write(repo / ".imrlint.yaml", "extends: strict\n")
    status, out, _ = run(capsys, "check", "letters")
    assert status == 1 and ("letters/seed.txt", "IMR303", "error") in found(out)
    write(
        repo / ".imrlint.yaml",
        "extends: [strict]\nrules: {page-outside-topic: {severity: warning}}\nselect: [citations]\n",
    )
    status, out, _ = run(capsys, "check", "letters")
    assert (status, found(out)) == (0, [("letters/seed.txt", "IMR303", "warning")])


def test_extends_another_file_relative_to_the_extending_one(repo, capsys):
    write(repo / "config" / "base.yaml", "fail-on: warning\nselect: [IMR303]\n")
    write(repo / ".imrlint.yaml", "extends: config/base.yaml\n")
    status, out, _ = run(capsys, "check", "letters")
    assert (status, found(out)) == (1, [("letters/seed.txt", "IMR303", "warning")])


@pytest.mark.parametrize(
    ("files", "key", "reason"),
    [
        (
            {".imrlint.yaml": "extends: lenient\n"},
            "extends",
            "unknown profile 'lenient'; the profiles are recommended, release, strict",
        ),
        (
            {".imrlint.yaml": "extends: [strict, missing.yaml]\n"},
            "extends.1",
            "cannot extend 'missing.yaml': no such file",
        ),
        ({".imrlint.yaml": "extends: a.yaml\n", "a.yaml": "extends: .imrlint.yaml\n"}, "extends", "extends itself"),
        ({".imrlint.yaml": "extends: 3\n"}, "extends", "must be a profile name or a file path"),
    ],
)
def test_bad_extends(repo, capsys, files, key, reason):
    for name, text in files.items():
        write(repo / name, text)
    status, out, err = run(capsys, "check", "letters")
    assert (status, out) == (2, "")
    assert f": {key}: " in err and reason in err, err


# ----------------------------------------------------------------------------- selection


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--select", "IMR303"], ["IMR303"]),
        (["--select", "page-outside-topic"], ["IMR303"]),
        (["--select", "IMR3"], ["IMR303"]),
        (["--select", "citations"], ["IMR303"]),
        (["--select", "decisions,reviewer"], []),
        (["--select", "ALL", "--ignore", "IMR30"], []),
        (["--ignore", "citations"], []),
        (["--select", "IMR101", "--extend-select", "imr303"], ["IMR303"]),
        (["--select", "IMR101", "--select", "IMR303"], ["IMR303"]),
    ],
)
def test_select_ignore_and_extend_select_by_code_name_prefix_and_group(repo, capsys, options, expected):
    _status, out, _ = run(capsys, "check", *options, "letters")
    assert [code for _, code, _ in found(out)] == expected


def test_select_in_the_file_and_on_the_command_line(repo, capsys):
    write(repo / ".imrlint.yaml", "select: [structure]\n")
    assert found(run(capsys, "check", "letters")[1]) == []
    assert [c for _, c, _ in found(run(capsys, "check", "--extend-select", "IMR303", "letters")[1])] == ["IMR303"]


def test_a_group_selects_the_rules_of_its_code_prefix(rule_set):
    for group, (prefix, _) in GROUPS.items():
        assert resolve_selector(group, rule_set.defaults) == resolve_selector(prefix, rule_set.defaults), group


def test_extend_select_turns_on_a_rule_that_is_off_by_default(rule_set):
    off = [code for code, settings in rule_set.defaults.items() if not settings.enabled]
    config = resolve(rule_set.defaults, document={"extend-select": ["ALL"]}, source="t")
    assert all(config.rules[code].enabled for code in off)


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (["--select", "IMR99"], "command line: --select: 'IMR99' is not a rule code, rule name, group"),
        (["--ignore", "citation"], "did you mean 'citations'?"),
        (["--extend-select", "no-such-rule"], "command line: --extend-select: 'no-such-rule' is not"),
        (["--ignore", "consistency"], "'consistency' is no longer a group: its rules are now in 'decisions'"),
    ],
)
def test_unknown_selectors_are_errors(repo, capsys, options, reason):
    status, out, err = run(capsys, "check", *options, "letters")
    assert (status, out) == (2, "")
    assert err.startswith("imrlint: error: ") and reason in err


# ----------------------------------------------------------------------------- fail-on and exit-zero


def test_fail_on_warning_and_info(repo, capsys):
    assert run(capsys, "check", "letters")[0] == 0
    assert run(capsys, "check", "--fail-on", "warning", "letters")[0] == 1
    write(repo / ".imrlint.yaml", "fail-on: info\nrules: {IMR303: {severity: info}}\n")
    assert run(capsys, "check", "letters")[0] == 1
    assert run(capsys, "check", "--fail-on", "error", "letters")[0] == 0


def test_exit_zero_but_configuration_errors_still_exit_2(repo, capsys):
    assert run(capsys, "check", "--fail-on", "info", "--exit-zero", "letters")[0] == 0
    write(repo / ".imrlint.yaml", "ignore: [nothing-like-this]\n")
    assert run(capsys, "check", "--exit-zero", "letters")[0] == 2
    assert run(capsys, "check", "--exit-zero", "letters/missing.txt")[0] == 2


# ----------------------------------------------------------------------------- per-path overrides


def test_overrides_by_glob_relative_to_the_configuration_file(repo, capsys):
    (repo / "letters" / "released").mkdir()
    (repo / "letters" / "released" / "old.txt").write_bytes(SEED_000.read_bytes())
    (repo / "letters" / "draft.txt").write_bytes(SEED_000.read_bytes())
    write(
        repo / ".imrlint.yaml",
        """
        fail-on: warning
        overrides:
          - files: ["letters/released/**"]
            rules:
              page-outside-topic: {severity: info}
          - files: "draft.txt"          # no '/': the file name in any directory
            ignore: [citations]
          - files: ["elsewhere/**"]
            ignore: [ALL]
        """,
    )
    status, out, _ = run(capsys, "check", "letters")
    assert (status, found(out)) == (
        1,
        [("letters/released/old.txt", "IMR303", "info"), ("letters/seed.txt", "IMR303", "warning")],
    )
    status, out, _ = run(capsys, "config", "letters/released/old.txt")
    assert "# overrides that match this path: .imrlint.yaml: overrides.0 (letters/released/**)" in out
    assert "severity: info" in out and "# .imrlint.yaml: overrides.0.rules.page-outside-topic.severity" in out


@pytest.mark.parametrize(
    ("glob", "key", "reason"),
    [
        ("released/[ab", "overrides.0.files.0", "invalid glob 'released/[ab': '[' at position 10 is not closed by ']'"),
        (
            "../up/*.txt",
            "overrides.0.files.0",
            "'..' cannot match: a glob is relative to the configuration file's directory",
        ),
        ("", "overrides.0.files.0", "a glob cannot be empty"),
    ],
)
def test_invalid_globs_are_configuration_errors(repo, capsys, glob, key, reason):
    write(repo / ".imrlint.yaml", f"overrides:\n  - files: [{glob!r}]\n    ignore: [IMR303]\n")
    status, out, err = run(capsys, "check", "letters")
    assert (status, out) == (2, "")
    assert err.startswith(f"imrlint: error: .imrlint.yaml: {key}: ") and reason in err, err


def test_glob_semantics(rule_set, tmp_path):
    """Overrides' globs are gitignore-style patterns (pathspec), relative to the configuration
    file's directory."""

    def matches(glob, path):
        config = resolve(
            rule_set.defaults, document={"overrides": [{"files": [glob], "ignore": ["IMR303"]}]}, source="t"
        )
        return config.for_path(os.path.join(os.getcwd(), path)).applied == (0,)

    assert matches("released/**", "released/2016/a.txt") and matches("released/", "released/a.txt")
    assert matches("**/*.txt", "a.txt") and matches("**/*.txt", "x/y/a.txt")
    assert matches("*.draft.txt", "deep/down/b.draft.txt") and not matches("*.txt", "a.pdf")
    assert not matches("released/*.txt", "released/2016/a.txt")
    assert matches("letters/CM1[67]-*.txt", "letters/CM16-1.txt") and not matches(
        "letters/CM1[!67]-*.txt", "letters/CM16-1.txt"
    )
    assert matches("a?c/*", "abc/x") and not matches("a?c/*", "a/c/x")
    assert matches("/top.txt", "top.txt") and not matches("/top.txt", "deep/top.txt")


@pytest.mark.parametrize(
    ("glob", "problem"),
    [
        ("", "a glob cannot be empty"),
        ("../letters/*.txt", "'..' cannot match: a glob is relative to the configuration file's directory"),
        ("released/[ab", "'[' at position 10 is not closed by ']'"),
    ],
)
def test_globs_that_can_match_nothing_are_refused(glob, problem):
    assert glob_problem(glob) == problem


# ----------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("content", "key", "reason"),
    [
        ("selct: [IMR303]\n", "(top level)", "unknown key 'selct'; did you mean 'select'?"),
        ("fail-on: fatal\n", "fail-on", "'fatal' is not one of ['error', 'warning', 'info']"),
        ("severity-map: {warning: loud}\n", "severity-map.warning", "'loud' is not one of"),
        (
            "rules:\n  IMR303: {severity: fatal}\n",
            "rules.IMR303.severity",
            "'fatal' is not one of ['error', 'warning', 'info']",
        ),
        (
            "rules:\n  IMR307: {options: {reason_phrases: ['fine', 'not (addressed']}}\n",
            "rules.IMR307.options.reason_phrases.1",
            "invalid regular expression 'not (addressed': missing ), unterminated subpattern",
        ),
        (
            "phrases:\n  conclusions:\n    anchors: ['medically (reasonable']\n",
            "phrases.conclusions.anchors.0",
            "invalid regular expression",
        ),
        (
            "phrases:\n  conclusions:\n    anchor: ['x']\n",
            "phrases.conclusions",
            "unknown key 'anchor'; did you mean 'anchors'?",
        ),
        ("overrides:\n  - ignore: [IMR303]\n", "overrides.0", "'files' is a required property"),
        (
            "overrides:\n  - files: ['*.txt']\n    ignore: [IMR3O3]\n",
            "overrides.0.ignore.0",
            "'IMR3O3' is not a rule code",
        ),
        (
            "overrides:\n  - files: ['*.txt']\n    rules: {IMR999: {enabled: false}}\n",
            "overrides.0.rules",
            "unknown key 'IMR999'",
        ),
        ("max-bytes: 0\n", "max-bytes", "0 is less than the minimum of 1"),
        # of errors equally relevant, the first by key path (not the last, as jsonschema prefers)
        ("exclude: [1, 2]\n", "exclude.0", "1 is not of type 'string'"),
        ("select: [IMR303]\nignore: [7]\nexclude: [8]\n", "exclude.0", "8 is not of type 'string'"),
    ],
)
def test_invalid_configuration_names_file_key_and_reason(repo, capsys, content, key, reason):
    write(repo / ".imrlint.yaml", content)
    status, out, err = run(capsys, "check", "letters")
    assert (status, out) == (2, "")
    assert err.startswith(f"imrlint: error: .imrlint.yaml: {key}: "), err
    assert reason in err, err
    assert len(err.splitlines()) == 1


def test_pyproject_keys_are_named_with_their_table(repo, capsys):
    write(repo / "pyproject.toml", "[tool.imrlint]\nfail-on = 'sometimes'\n")
    status, _, err = run(capsys, "check", "letters")
    assert status == 2
    assert err.startswith("imrlint: error: pyproject.toml: tool.imrlint.fail-on: 'sometimes' is not one of")
    write(repo / "pyproject.toml", "[tool.imrlint\n")
    status, _, err = run(capsys, "check", "letters")
    assert status == 2 and err.startswith("imrlint: error: pyproject.toml: invalid TOML")


# ----------------------------------------------------------------------------- imrlint config


def test_config_command_prints_values_and_their_sources(repo, capsys):
    write(
        repo / ".imrlint.yaml",
        """
        extends: strict
        ignore: [reviewer]
        rules:
          no-standard-cited:
            severity: info
            options: {reason_phrases: ['not addressed']}
        """,
    )
    status, out, _ = run(capsys, "config", "--ignore", "IMR302", "letters/seed.txt")
    assert status == 0
    assert out.startswith(
        "# imrlint configuration for letters/seed.txt\n# configuration file: .imrlint.yaml (found from "
        "letters/seed.txt)\n"
    )
    assert "# layers, base first: default, profile recommended, profile strict, .imrlint.yaml, command line" in out

    def block(code):
        start = out.index(f"\n  {code}:")
        return out[start : out.index("\n  IMR", start + 3)]

    assert "severity: error" in block("IMR303") and "# profile strict: severity-map" in block("IMR303")
    assert "# .imrlint.yaml: rules.no-standard-cited.severity" in block("IMR307")
    assert "reason_phrases: [not addressed]" in block(
        "IMR307"
    ) and "# .imrlint.yaml: rules.no-standard-cited.options.reason_phrases" in block("IMR307")
    assert "enabled: false" in block("IMR401") and "# .imrlint.yaml: ignore" in block("IMR401")
    assert "enabled: false" in block("IMR302") and "# command line: --ignore" in block("IMR302")
    assert "severity: error" in block("IMR201") and "# default" in block("IMR201")
    assert "fail-on: error" in out and "# profile strict: fail-on" in out
    import yaml

    assert yaml.safe_load(out)["rules"]["IMR303"]["severity"] == "error"  # the output is YAML


def test_config_command_without_a_file(tmp_path, capsys, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "config")
    assert status == 0
    assert "# configuration file: none found (the defaults: profile recommended)" in out
    status, _, err = run(capsys, "config", "nowhere.txt")
    assert status == 2 and "nowhere.txt: no such file or directory" in err


def test_a_relative_path_outside_the_configuration_directory_matches_no_override(repo, rule_set, tmp_path):
    config = resolve(
        rule_set.defaults, path=write(repo / ".imrlint.yaml", "overrides:\n  - files: ['*.txt']\n    ignore: [ALL]\n")
    )
    assert config.for_path(repo / "letters" / "seed.txt").applied == (0,)
    assert config.for_path(tmp_path / "elsewhere.txt").applied == ()
    assert os.path.exists(repo / "letters" / "seed.txt")


def test_discovery_overrides_and_custom_rules_hold_in_a_parallel_run(repo, capsys):
    """--jobs lints in worker processes: each letter still gets its own configuration."""
    (repo / "letters" / "released").mkdir()
    for index in range(4):
        (repo / "letters" / "released" / f"old{index}.txt").write_bytes(SEED_000.read_bytes())
    write(
        repo / ".imrlint.yaml",
        r"""
        overrides:
          - files: ["letters/released/**"]
            rules: {IMR303: {severity: error}}
        custom-rules:
          - {code: HS101, name: no-iw, type: forbidden-pattern, scope: summary, pattern: '\bIW\b', severity: info}
        """,
    )
    serial = run(capsys, "check", "letters")
    parallel = run(capsys, "check", "--jobs", "2", "letters")
    assert serial == parallel
    assert found(parallel[1], ("IMR303", "HS101")) == [
        *[
            item
            for index in range(4)
            for item in (
                (f"letters/released/old{index}.txt", "HS101", "info"),
                (f"letters/released/old{index}.txt", "IMR303", "error"),
            )
        ],
        ("letters/seed.txt", "HS101", "info"),
        ("letters/seed.txt", "IMR303", "warning"),
    ]
    assert parallel[0] == 1


def test_the_readme_configuration_examples_load(rule_set, tmp_path):
    """Every YAML and TOML configuration shown in the README is valid."""
    import re

    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(yaml|toml)\n(.*?)```", readme, re.S)
    configs = [
        (kind, text)
        for kind, text in blocks
        if (kind == "toml" and "[tool.imrlint" in text)
        or (kind == "yaml" and re.search(r"^(extends|custom-rules|rules):", text, re.M))
    ]
    assert len(configs) >= 3
    for index, (kind, text) in enumerate(configs):
        path = tmp_path / (f"c{index}.yaml" if kind == "yaml" else f"c{index}/pyproject.toml")
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        config = resolve(rule_set.defaults, path=path)
        assert config.layers[-1].endswith(path.name)
