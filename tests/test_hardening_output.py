"""Where reports go, and what a signal leaves: -o never replaces a device, FIFO or link, never
overwrites a letter being linted, says in one line why it cannot write; SIGTERM cleans up as
Ctrl-C does; the worker processes end with the parent, even when it is killed."""

from __future__ import annotations

import contextlib
import os
import pathlib
import signal
import stat
import subprocess
import sys
import threading

import pytest

from conftest import REPO, SEEDS, run

SEED_001 = SEEDS / "001_4c5777553f12bddd.txt"
WAIT_LIMIT = 60  # seconds a test waits for a process to reach a state before it fails


@pytest.fixture
def letter(tmp_path, monkeypatch) -> pathlib.Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "letter.txt"
    path.write_bytes(SEED_001.read_bytes())
    return path


def a_device(tmp_path: pathlib.Path) -> str:
    """A character device to write to: a null device made here when running as root (so the
    test never risks the system's /dev/null), else /dev/null itself, which only root could
    replace."""
    if os.geteuid() != 0:
        return "/dev/null"
    device = tmp_path / "null-device"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return str(device)


def test_a_device_is_written_to_never_replaced(capsys, letter, tmp_path):
    device = a_device(tmp_path)
    status, out, err = run(capsys, "check", "-o", device, str(letter))
    assert (status, out, err) == (0, "", "")
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_a_fifo_is_written_to_never_replaced(capsys, letter, tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    status, _, _ = run(capsys, "check", "-o", str(fifo), str(letter))
    reader.join(WAIT_LIMIT)
    assert status == 0
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received[0].endswith("Checked 1 letter: 0 errors, 1 warning, 1 info (0 with errors).\n")


def test_a_symbolic_link_is_kept_and_its_target_replaced(capsys, letter, tmp_path):
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "latest.txt"
    target.write_text("old report\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "report.txt"
    link.symlink_to(target)
    status, _, _ = run(capsys, "check", "-o", str(link), str(letter))
    assert status == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8").startswith(f"{letter}:183:1: IMR212 [info]")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(path.name for path in tmp_path.iterdir()) == ["letter.txt", "report.txt", "reports"]


@pytest.mark.parametrize("option", ["--output-file", "--write-baseline"])
def test_a_letter_being_linted_is_never_overwritten(capsys, letter, option):
    before = letter.read_bytes()
    status, _out, err = run(capsys, "check", option, "letter.txt", str(letter.parent))
    assert status == 2
    assert (
        err == f"imrlint: error: cannot write letter.txt ({option}): it is one of the letters being linted; write to "
        "another file\n"
    )
    assert letter.read_bytes() == before
    assert sorted(path.name for path in letter.parent.iterdir()) == ["letter.txt"]


def test_a_letter_reached_through_a_link_is_never_overwritten(capsys, letter):
    os.symlink("letter.txt", letter.parent / "report.txt")
    status, _, err = run(capsys, "check", "-o", "report.txt", "letter.txt")
    assert status == 2 and "it is one of the letters being linted" in err
    assert letter.read_bytes() == SEED_001.read_bytes()


@pytest.mark.parametrize(
    ("destination", "reason"),
    [
        ("missing/report.txt", "the directory {tmp}/missing does not exist"),
        ("folder", "it is a directory"),
        ("letter.txt/report.txt", "Not a directory"),
    ],
)
def test_a_report_that_cannot_be_written_is_one_line_and_exit_2(capsys, letter, tmp_path, destination, reason):
    (tmp_path / "folder").mkdir()
    status, out, err = run(capsys, "check", "-o", destination, "letter.txt")
    assert (status, out) == (2, "")
    assert err == f"imrlint: error: cannot write {destination}: {reason.format(tmp=tmp_path)}\n"


def test_a_directory_that_cannot_be_written_is_one_line_and_exit_2(capsys, letter, tmp_path, monkeypatch):
    reports = tmp_path / "reports"
    reports.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: the refusal the file system would give, given here
        import tempfile

        def refused(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refused)
    else:
        reports.chmod(0o500)
    try:
        status, out, err = run(capsys, "check", "-o", "reports/report.txt", "letter.txt")
    finally:
        reports.chmod(0o700)
    assert (status, out, err) == (2, "", "imrlint: error: cannot write reports/report.txt: Permission denied\n")


@pytest.fixture
def imrlint_process():
    """Start imrlint in a process of its own; whatever the test leaves running is killed."""
    started = []

    def start(*arguments: str, cwd: pathlib.Path, **options) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "imrlint", *arguments],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            **options,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        leftovers = children(process.pid)
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in leftovers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_dev_stdout_is_the_standard_output(tmp_path, letter, imrlint_process):
    process = imrlint_process(
        "check", "-o", "/dev/stdout", "letter.txt", cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = process.communicate(timeout=WAIT_LIMIT)
    assert (process.returncode, err) == (0, b"")
    assert out.decode().endswith("Checked 1 letter: 0 errors, 1 warning, 1 info (0 with errors).\n")


# --- signals --------------------------------------------------------------------------------


def many_letters(folder: pathlib.Path, count: int = 3000) -> pathlib.Path:
    """A folder of ``count`` letters (links to one real letter): a run long enough to signal."""
    letters = folder / "letters"
    letters.mkdir()
    for index in range(count):
        os.link(SEED_001, letters / f"{index:05}.txt")
    return letters


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = pathlib.Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def running(pid: int) -> bool:
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_for(condition, what: str):
    """Poll ``condition`` until it holds (or fail after WAIT_LIMIT seconds, naming ``what``)."""
    finished = threading.Event()
    for _ in range(WAIT_LIMIT * 20):
        value = condition()
        if value:
            return value
        finished.wait(0.05)
    pytest.fail(f"waited {WAIT_LIMIT} s for {what}")


def test_sigterm_cleans_up_as_ctrl_c_does(tmp_path, imrlint_process):
    letters = many_letters(tmp_path)
    process = imrlint_process(
        "check",
        "--jobs",
        "2",
        "-o",
        "report.txt",
        str(letters),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    workers = wait_for(lambda: children(process.pid), "the worker processes")
    temporary = wait_for(
        lambda: [path for path in tmp_path.iterdir() if path.name.startswith(".report.txt.")], "the temporary report"
    )
    assert temporary[0].name.endswith(".tmp")
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=WAIT_LIMIT)
    assert (process.returncode, out, err) == (128 + signal.SIGTERM, b"", b"imrlint: terminated\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["letters"]  # no report, no part of one
    wait_for(lambda: not any(running(pid) for pid in workers), "the workers to end")


def test_workers_end_and_release_the_output_when_the_parent_is_killed(tmp_path, imrlint_process):
    letters = many_letters(tmp_path)
    process = imrlint_process(
        "check", "--jobs", "2", str(letters), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    workers = wait_for(lambda: children(process.pid), "the worker processes")
    process.kill()
    # The reader of the output sees its end: no worker holds the pipe open.
    ended = threading.Event()
    reader = threading.Thread(target=lambda: (process.stdout.read(), ended.set()), daemon=True)
    reader.start()
    reader.join(WAIT_LIMIT)
    assert ended.is_set(), "the output stayed open after the parent was killed"
    assert process.wait(WAIT_LIMIT) == -signal.SIGKILL
    wait_for(lambda: not any(running(pid) for pid in workers), "the workers to end")
