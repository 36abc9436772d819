"""The pre-commit hook, installed and run by the real pre-commit tool (``pre-commit try-repo``).

try-repo clones a git repository, so the test first commits a snapshot of this checkout (with its
uncommitted and untracked files: the hook must work as the working tree has it) to a temporary
repository, then runs the hook from it in a temporary repository of letters.  pre-commit builds
the hook's environment (``language: python``: a virtualenv with this package installed), which
needs the package index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import EXAMPLES, REPO

pytest.importorskip("pre_commit", reason="pre-commit is in the test extra: pip install -e '.[test]'")

MRI = EXAMPLES / "CM16-0213037.txt"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "imrlint tests",
    "GIT_AUTHOR_EMAIL": "tests@imrlint.invalid",
    "GIT_COMMITTER_NAME": "imrlint tests",
    "GIT_COMMITTER_EMAIL": "tests@imrlint.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(*args, cwd) -> str:
    result = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """A committed snapshot of this checkout's package files, as pre-commit clones it."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    snapshot = tmp_path_factory.mktemp("imrlint-checkout")
    listed = git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=REPO).split("\0")
    keep = ("imrlint/", "grammars/", "rules/")
    for name in listed:
        source = REPO / name
        if (
            name.startswith(keep) or name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml")
        ) and source.is_file():
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git("init", "-q", cwd=snapshot)
    git("add", "-A", cwd=snapshot)
    git("commit", "-q", "-m", "snapshot of the imrlint checkout", cwd=snapshot)
    return snapshot


@pytest.fixture
def letters(tmp_path):
    """A repository of letters: a clean one, a defective one, and the team's configuration."""
    repo = tmp_path / "letters"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    text = MRI.read_text(encoding="utf-8")
    (repo / "clean.txt").write_text(text, encoding="utf-8")
    (repo / "defective.txt").write_text(
        text.replace(
            "MRI of the right shoulder without contrast: Upheld",
            "MRI of the right shoulder without contrast: Overturned",
        ),
        encoding="utf-8",
    )
    (repo / "notes.md").write_text("not a letter\n", encoding="utf-8")
    # The team's configuration, found by the hook from the letters it is given.
    (repo / ".imrlint.yaml").write_text(
        "select: [structure, decisions, reviewer]\nignore: [item-not-in-rationale]\n", encoding="utf-8"
    )
    git("add", "-A", cwd=repo)
    return repo


def try_repo(checkout, letters, *files):
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(letters.parent / "pre-commit-home")}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(checkout),
            "imrlint",
            "--color",
            "never",
            "--verbose",
            "--files",
            *files,
        ],
        cwd=letters,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_hook_fails_on_a_defective_letter_and_passes_on_a_clean_one(checkout, letters):
    failed = try_repo(checkout, letters, "defective.txt", "notes.md")
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "imrlint" in output and "Failed" in output
    assert "defective.txt:50:45: IMR206 [error] label 'Overturned' contradicts the rationale's conclusion" in output
    assert "notes.md" not in output.split("Failed", 1)[1]  # the hook only looks at letters

    passed = try_repo(checkout, letters, "clean.txt")
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "Passed" in output


def test_hook_manifest_is_valid():
    from pre_commit.clientlib import load_manifest

    (hook,) = load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    assert (hook["id"], hook["language"], hook["entry"]) == ("imrlint", "python", "imrlint check --force-exclude")
    import re

    names = ("a.txt", "b.pdf", "c.docx", "d.md", "e.txt.bak", "F.TXT", "G.Pdf", "H.DOCX")
    assert [name for name in names if re.search(hook["files"], name)] == [
        "a.txt",
        "b.pdf",
        "c.docx",
        "F.TXT",
        "G.Pdf",
        "H.DOCX",
    ]


def readme_examples() -> list[str]:
    """The .pre-commit-config.yaml examples of the README's pre-commit section, as written."""
    section = (REPO / "README.md").read_text(encoding="utf-8").split("\n## pre-commit\n", 1)[1].split("\n## ", 1)[0]
    return [block.split("\n```", 1)[0] + "\n" for block in section.split("```yaml\n")[1:]]


@pytest.mark.parametrize("example", [0, 1], ids=["pinned-clone", "local"])
def test_the_readmes_pre_commit_examples_work(checkout, letters, example):
    config = readme_examples()[example]
    sha = git("rev-parse", "HEAD", cwd=checkout).strip()
    assert "/path/to/imrlint" in config
    config = config.replace("/path/to/imrlint", str(checkout)).replace("0123456789abcdef0123456789abcdef01234567", sha)
    (letters / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    text = MRI.read_text(encoding="utf-8")
    defective = text.replace(
        "MRI of the right shoulder without contrast: Upheld", "MRI of the right shoulder without contrast: Overturned"
    )
    (letters / "SHOUTED.TXT").write_text(defective, encoding="utf-8")  # extensions in any case
    for folder in ("drafts", "scratch"):
        (letters / folder).mkdir()
        (letters / folder / "draft.txt").write_text(defective, encoding="utf-8")
    (letters / ".imrlint.yaml").write_text(
        "select: [structure, decisions, reviewer]\nexclude: [drafts/]\n", encoding="utf-8"
    )
    (letters / ".gitignore").write_text("scratch/\n", encoding="utf-8")
    git("add", "-A", cwd=letters)
    git("add", "-f", "scratch/draft.txt", cwd=letters)  # tracked all the same: the hook is given it
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(letters.parent / "pre-commit-home")}
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=letters,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "SHOUTED.TXT:50:45: IMR206 [error]" in output and "defective.txt:50:45: IMR206 [error]" in output
    assert "draft.txt" not in output  # excluded by the configuration, and by .gitignore
    assert "Checked 3 letters" in output  # clean.txt, defective.txt and SHOUTED.TXT
