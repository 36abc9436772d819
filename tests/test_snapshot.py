"""Every finding on every bundled letter (all shapes) and example, in the JSON report, compared
byte for byte with the snapshot in tests/data/snapshots, parsed by the lean loop and by Lark's own
parser: a change of behaviour or output shows up as a diff to review, not by chance.

After a deliberate change, review the difference and rewrite the snapshot::

    imrlint check --exit-zero -j 1 --format json tests/data/letters examples > tests/data/snapshots/bundled.json
"""

from __future__ import annotations

import difflib
import subprocess
import sys

import pytest

from conftest import DATA, REPO

pytestmark = pytest.mark.corpus  # every bundled letter: `pytest -m 'not corpus'` leaves it out

SNAPSHOT = DATA / "snapshots" / "bundled.json"


@pytest.mark.parametrize("parser", ["lean", "lark"])
def test_the_json_report_on_the_bundled_letters_matches_the_snapshot(parser):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "imrlint",
            "--parser",
            parser,
            "check",
            "--exit-zero",
            "-j",
            "2",
            "--format",
            "json",
            "tests/data/letters",
            "examples",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    expected = SNAPSHOT.read_text(encoding="utf-8")
    if result.stdout != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), result.stdout.splitlines(), "snapshot", "now", lineterm="", n=0
        )
        raise AssertionError("the findings changed:\n" + "\n".join(list(diff)[:40]))
