"""Benchmark imrlint at corpus scale: letters per second, MB per second and peak memory.

Builds a corpus of N letters (default 5,000) by copying the bundled real letters round-robin
into a temporary directory (1,000 per sub-directory), then runs ``imrlint check`` on it end to end
as a user would (a fresh process: start-up, directory walk, every rule, the report written) once
per ``--jobs`` value, and prints a table.

Peak memory is sampled from /proc every 20 ms: the main process, and the whole process tree
(main process plus workers).  CPU seconds (user + system, all processes) are reported beside wall
time: on a machine shared with other work, letters per CPU second is the steadier figure.  Run from the repository:

    python bench/bench.py                          # 5,000 letters, --jobs 1 and 2
    python bench/bench.py --letters 20000 --jobs-list 1,2 --format json

The letters are the 68 real letters bundled for the tests (tests/data/letters), else, in a
source tree without them, the repository's examples/ (11).  Copies of the same letters make a
realistic load: each copy is linted afresh (``--no-cache``; a re-audit through the cache is
measured by bench/targets.py).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
SOURCES = (
    REPO / "tests" / "data" / "letters" / "corpus" / "text",
    REPO / "tests" / "data" / "letters" / "seeds",
    REPO / "examples",
)


def source_letters() -> list[pathlib.Path]:
    bundled = [path for folder in SOURCES[:2] if folder.is_dir() for path in sorted(folder.glob("*.txt"))]
    return bundled or sorted(SOURCES[2].glob("*.txt"))


def build_corpus(target: pathlib.Path, count: int, letters: list[pathlib.Path]) -> int:
    """Copy ``letters`` round-robin into ``target`` until it holds ``count``; returns its bytes."""
    size = 0
    for index in range(count):
        source = letters[index % len(letters)]
        folder = target / f"{index // 1000:03d}"
        if index % 1000 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        destination = folder / f"{index:06d}_{source.name}"
        shutil.copyfile(source, destination)
        size += destination.stat().st_size
    return size


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                found.extend(int(child) for child in children.read().split())
    except OSError:
        pass
    return found


class MemorySampler(threading.Thread):
    """Peak RSS of a process and of its whole tree, sampled every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.02):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_main = 0
        self.peak_tree = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            main = _rss_kb(self.pid)
            tree = main
            pending = _children(self.pid)
            while pending:
                child = pending.pop()
                tree += _rss_kb(child)
                pending.extend(_children(child))
            self.peak_main = max(self.peak_main, main)
            self.peak_tree = max(self.peak_tree, tree)
            self.stopped.wait(self.interval)


def run_once(corpus: pathlib.Path, jobs: int, format: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "imrlint", "check", "--no-cache", "--jobs", str(jobs), "--format", format]
    command.append(str(corpus))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    sampler = MemorySampler(process.pid)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    sampler.stopped.set()
    sampler.join()
    if process.returncode not in (0, 1):
        # 2 is an internal error (a rule crashed on a letter: reported, the run went on) or a usage error.
        print(
            f"  note: imrlint exited {process.returncode}: {stderr.decode(errors='replace').strip()[-500:]}",
            file=sys.stderr,
        )
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "peak_main_mb": sampler.peak_main / 1024,
        "peak_tree_mb": sampler.peak_tree / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--letters", type=int, default=5000, help="letters in the corpus (default 5000)")
    parser.add_argument("--jobs-list", default="1,2", help="comma-separated --jobs values to time (default 1,2)")
    parser.add_argument("--format", default="text", help="output format (default text; the report goes to /dev/null)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per --jobs value; the fastest is reported (default 1)"
    )
    parser.add_argument("--corpus", help="use (and keep) this directory for the corpus instead of a temporary one")
    args = parser.parse_args(argv)
    jobs_list = [int(value) for value in args.jobs_list.split(",") if value.strip()]

    letters = source_letters()
    with tempfile.TemporaryDirectory(prefix="imrlint-bench-") as temporary:
        corpus = pathlib.Path(args.corpus) if args.corpus else pathlib.Path(temporary) / "corpus"
        if corpus.exists():
            shutil.rmtree(corpus)
        corpus.mkdir(parents=True)
        size = build_corpus(corpus, args.letters, letters)
        megabytes = size / 1e6
        print(
            f"corpus: {args.letters:,} letters ({megabytes:.1f} MB) copied from {len(letters)} real letters; "
            f"{os.cpu_count()} cores; Python {sys.version.split()[0]}; format {args.format}"
        )
        print(
            f"{'jobs':>4}  {'seconds':>8}  {'letters/s':>9}  {'MB/s':>6}  {'speed-up':>8}  {'CPU s':>7}  "
            f"{'letters/CPU s':>13}  {'peak MB (main)':>14}  {'peak MB (all)':>13}"
        )
        baseline = None
        for jobs in jobs_list:
            best = min(
                (run_once(corpus, jobs, args.format) for _ in range(max(1, args.repeat))),
                key=lambda result: result["seconds"],
            )
            seconds = best["seconds"]
            baseline = baseline or seconds
            print(
                f"{jobs:>4}  {seconds:>8.2f}  {args.letters / seconds:>9.0f}  {megabytes / seconds:>6.2f}  "
                f"{baseline / seconds:>7.2f}x  "
                f"{best['cpu']:>7.1f}  {args.letters / best['cpu']:>13.0f}  {best['peak_main_mb']:>14.0f}  "
                f"{best['peak_tree_mb']:>13.0f}",
                flush=True,
            )
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"largest single process (getrusage): {children:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
