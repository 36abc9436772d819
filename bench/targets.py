"""Every performance target of imrlint in one run: the figure, its floor and its target.

Each measure runs in a fresh process against the imrlint source tree given with ``--src``
(default: this repository), so that another tree — an earlier commit unpacked with
``git archive REV | tar -x -C /tmp/before`` — is measured by the same code in the same spell:

    python bench/targets.py                                  # every measure
    python bench/targets.py --only throughput,startup         # some of them
    python bench/targets.py --src /tmp/before --only throughput

CPU time (user + system, the process and its children) is the figure wherever work is counted:
the machine is shared, and CPU time does not grow when another process takes a core.  Wall
time is reported where only wall time means anything (start-up, the speed-up of ``--jobs 2``,
opening the HTML report); each figure is the best of ``--repeat`` runs.

Measures (``--only``):

- ``throughput``: text letters per CPU second, ``imrlint check --jobs 1`` end to end (every rule
  on, the text report written, no cache), beside a bare Lark LALR parse of the same letters
  (Lark's own parser, the letter grammar, no imrlint code) and the read-and-split floor (read
  each file, decode it, split it into lines), measured in the same run.
- ``startup``: wall time of ``imrlint check one.txt``, ``imrlint --version`` and ``imrlint rules``,
  and the modules each imports.
- ``big``: one letter of 5 MB (one letter's header and summary, then the items of the bundled
  letters until 5 MB) against the same bytes as separate letters, CPU time in one process.
- ``pdf``: PDF letters per CPU second, ``imrlint check --jobs 1`` on copies of the 63 published
  PDFs (no cache).
- ``cache``: a re-audit of unchanged letters (the cache filled by a first run) against a run
  without the cache, CPU time.
- ``jobs``: ``--jobs 2`` against ``--jobs 1``, wall time.
- ``dask``: letters per second through a ``LocalCluster`` of two single-threaded workers
  (``--dask``), beside ``--jobs 2`` (wall time; the cluster is started before timing).
- ``html``: the HTML report of ``--html-letters`` letters (default 20,000): its size, and the time
  headless Chromium takes to open it (load and first script run, less the time it takes to open
  an empty page).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from bench import build_corpus, source_letters  # noqa: E402

PDF_LETTERS = REPO / "tests" / "data" / "letters" / "corpus" / "pdf"
NEUTRAL = pathlib.Path(tempfile.gettempdir())  # where imrlint runs: outside any checkout
MEASURES = ("throughput", "startup", "big", "pdf", "cache", "jobs", "dask", "html")
TARGETS = {
    "letters per CPU second": ">= 1,000",
    "all rules / bare LALR parse": "<= 2x",
    "check one.txt (wall)": "<= 120 ms",
    "5 MB letter / same bytes as letters": "<= 1.3x",
    "PDF letters per CPU second": ">= 60",
    "re-audit / audit (CPU)": "<= 10%",
    "--jobs 2 speed-up": ">= 1.8x",
}


# --- running imrlint -------------------------------------------------------------------------


def environment(src: pathlib.Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "IMRLINT_CACHE_DIR")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH", "")]))
    return env


def timed(command: list[str], env: dict[str, str], cwd: pathlib.Path | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children) of ``command``, run outside
    the repository (``python -m imrlint`` would otherwise import the checkout's imrlint, not --src's)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        command, env=env, cwd=cwd or NEUTRAL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        print(f"  note: {' '.join(command[2:6])}... exited {result.returncode}: {result.stderr.decode()[-300:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def imrlint(src: pathlib.Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "imrlint", *arguments]


def has_option(src: pathlib.Path, option: str) -> bool:
    result = subprocess.run(
        imrlint(src, "check", "--help"), env=environment(src), cwd=NEUTRAL, capture_output=True, text=True, check=False
    )
    return option in result.stdout


def best(runs: int, measure) -> tuple[float, float]:
    """The run with the least CPU time among ``runs`` calls of ``measure()`` (wall, CPU)."""
    return min((measure() for _ in range(max(1, runs))), key=lambda result: result[1])


def in_process(
    src: pathlib.Path,
    function: str,
    *arguments: str,
    env: dict[str, str] | None = None,
    cwd: pathlib.Path | None = None,
) -> dict:
    """Run ``function`` of this file in a fresh process on ``src`` (in ``env``, else its
    environment), outside the repository as :func:`timed` runs imrlint; its JSON result."""
    result = subprocess.run(
        [sys.executable, __file__, "--in-process", function, *arguments],
        env=env or environment(src),
        cwd=cwd or NEUTRAL,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- measures run in a fresh process (python bench/targets.py --in-process NAME ...) -------------


def floors(corpus: str, grammar: str, repeat: str) -> dict:
    """CPU seconds per letter of a bare Lark LALR parse and of reading and splitting, best of
    ``repeat`` rounds over the corpus."""
    import lark

    paths = sorted(str(path) for path in pathlib.Path(corpus).rglob("*.txt"))
    parser = lark.Lark(pathlib.Path(grammar).read_text(encoding="utf-8"), parser="lalr", lexer="contextual")

    def read_and_split() -> list[str]:
        texts = []
        for path in paths:
            with open(path, "rb") as handle:
                text = handle.read().decode("utf-8-sig")
            text.split("\n")
            texts.append(text)
        return texts

    read_best = parse_best = float("inf")
    for _ in range(int(repeat)):
        start = time.process_time()
        texts = read_and_split()
        read_best = min(read_best, time.process_time() - start)
        sources = ["\n" + text.replace("\r", " ").replace("\f", " ") for text in texts]
        start = time.process_time()
        for source in sources:
            with contextlib.suppress(lark.exceptions.UnexpectedInput):
                parser.parse(source)
        parse_best = min(parse_best, time.process_time() - start)
    return {"letters": len(paths), "parse": parse_best / len(paths), "read": read_best / len(paths)}


def big_letter(repeat: str, megabytes: str) -> dict:
    """CPU seconds to lint one letter of ``megabytes`` MB, and to lint the same bytes as separate letters."""
    from imrlint.input.document import Document
    from imrlint.lint.session import Session
    from imrlint.plugins.manager import load_rule_set, plugin_manager

    letters = [path.read_text(encoding="utf-8") for path in source_letters()]
    marker = "IMR ISSUES, DECISIONS AND RATIONALES"
    first = letters[0]
    head = first[: first.index(marker)] + marker + "\n\n"
    items = [letter[letter.index(marker) + len(marker) :] for letter in letters if marker in letter]
    size = int(float(megabytes) * 1_000_000)
    parts, total, index = [head], len(head), 0
    while total < size:
        parts.append(items[index % len(items)])
        total += len(items[index % len(items)])
        index += 1
    big = "".join(parts)
    separate: list[str] = []  # whole letters, round-robin, as many bytes as the big one
    while sum(map(len, separate)) < len(big):
        separate.append(letters[len(separate) % len(letters)])
    session = Session(load_rule_set(plugin_manager()))
    linter = session.linter_for("letter.txt")
    linter.lint_document(Document("warm.txt", letters[0]))
    big_best = small_best = float("inf")
    findings = 0
    for _ in range(int(repeat)):
        start = time.process_time()
        findings = len(linter.lint_document(Document("big.txt", big)).findings)
        big_best = min(big_best, time.process_time() - start)
        start = time.process_time()
        for number, text in enumerate(separate):
            linter.lint_document(Document(f"{number}.txt", text))
        small_best = min(small_best, time.process_time() - start)
    return {"bytes": len(big), "letters": len(separate), "big": big_best, "separate": small_best, "findings": findings}


def imports(src: str, *arguments: str) -> dict:
    """How many modules ``imrlint ARGUMENTS`` imports (standard output discarded)."""
    import contextlib
    import io

    before = set(sys.modules)
    from imrlint.cli.main import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        main(list(arguments))
    added = set(sys.modules) - before
    return {"modules": len(added), "heavy": sorted({name.split(".")[0] for name in added} & set(HEAVY))}


HEAVY = ("lark", "jsonschema", "yaml", "pluggy", "multiprocessing", "concurrent", "pypdf", "docx", "tqdm", "regex")


# --- the measures ----------------------------------------------------------------------------


def measure_throughput(args, src, corpus, report) -> None:
    no_cache = ["--no-cache"] if has_option(src, "--no-cache") else []
    env = environment(src)
    _wall, cpu = best(
        args.repeat,
        lambda: timed(imrlint(src, "check", "--jobs", "1", *no_cache, "-o", os.devnull, str(corpus)), env),
    )
    floor = in_process(src, "floors", str(corpus), str(src / "grammars" / "letter.lark"), str(args.repeat))
    per_letter = cpu / args.letters
    report("letters per CPU second", f"{args.letters / cpu:,.0f}", f"{per_letter * 1000:.2f} ms of CPU a letter")
    report("bare LALR parse", f"{floor['parse'] * 1000:.2f} ms", "Lark's parser, the letter grammar, per letter")
    report("read-and-split floor", f"{floor['read'] * 1000:.3f} ms", "per letter")
    report("all rules / bare LALR parse", f"{per_letter / floor['parse']:.2f}x", "")


def measure_startup(args, src, corpus, report) -> None:
    """An editor's or a pre-commit hook's run: one letter, just edited (so its report is not in
    the cache; the grammars are), as users run imrlint; the same letter unchanged (its report
    read back); the first run of all (nothing cached); --version and rules."""
    env = environment(src)
    cached = has_option(src, "--no-cache")
    with tempfile.TemporaryDirectory() as folder:
        work = pathlib.Path(folder)
        letter = work / "one.txt"
        letter.write_bytes(next(iter(sorted(corpus.rglob("*.txt")))).read_bytes())
        env["IMRLINT_CACHE_DIR"] = str(work / "cache")

        def edited() -> None:
            with open(letter, "a", encoding="utf-8") as handle:
                handle.write("\n")  # another letter to the cache: its report is not there

        commands = {
            "check one.txt (wall)": (["check", str(letter)], edited),
            "check one.txt, unchanged (wall)": (["check", str(letter)], None) if cached else None,
            "check one.txt, no cache (wall)": (["check", "--no-cache", str(letter)], None) if cached else None,
            "--version (wall)": (["--version"], None),
            "rules (wall)": (["rules"], None),
        }
        timed(imrlint(src, "check", str(letter)), env, work)  # the grammars cached, as after any first run
        for label, entry in commands.items():
            if entry is None:
                continue
            command, before_each = entry
            walls = []
            for _ in range(max(5, args.repeat * 3)):
                if before_each is not None:
                    before_each()
                walls.append(timed(imrlint(src, *command), env, work)[0])
            # in the run's own cache, as it is after a first run from this process's search path
            # (the installed plugins' index is kept by search path): what a run imports depends on
            # what is kept there
            for _ in range(2):
                if before_each is not None:
                    before_each()
                modules = in_process(src, "imports", str(src), *command, env=env, cwd=work)
            report(
                label,
                f"{min(walls) * 1000:.0f} ms",
                f"median {statistics.median(walls) * 1000:.0f} ms; imports {modules['modules']} modules"
                + (f" ({', '.join(modules['heavy'])})" if modules["heavy"] else ""),
            )


def measure_big(args, src, corpus, report) -> None:
    result = in_process(src, "big_letter", str(args.repeat), "5")
    report(
        "5 MB letter / same bytes as letters",
        f"{result['big'] / result['separate']:.2f}x",
        f"{result['bytes'] / 1e6:.1f} MB: {result['big']:.2f} s as one letter, {result['separate']:.2f} s as "
        f"{result['letters']} letters",
    )


def measure_pdf(args, src, corpus, report) -> None:
    pdfs = sorted(PDF_LETTERS.glob("*.pdf"))
    if not pdfs:
        report("PDF letters per CPU second", "-", "no bundled PDFs")
        return
    no_cache = ["--no-cache"] if has_option(src, "--no-cache") else []
    with tempfile.TemporaryDirectory() as folder:
        build_corpus(pathlib.Path(folder), args.pdf_letters, pdfs)
        env = environment(src)
        _, cpu = best(
            args.repeat, lambda: timed(imrlint(src, "check", "--jobs", "1", *no_cache, "-o", os.devnull, folder), env)
        )
    report("PDF letters per CPU second", f"{args.pdf_letters / cpu:,.0f}", f"{args.pdf_letters} PDFs")


def measure_cache(args, src, corpus, report) -> None:
    if not has_option(src, "--no-cache"):
        report("re-audit / audit (CPU)", "100%", "no cache: a re-audit costs a full audit")
        return
    env = environment(src)
    results = []
    for _ in range(max(1, args.repeat)):
        with tempfile.TemporaryDirectory() as cache:
            base = imrlint(src, "check", "--jobs", "1", "-o", os.devnull, "--cache-dir", cache, str(corpus))
            _, cold = timed([*base[:-1], "--no-cache", str(corpus)], env)
            _, fill = timed(base, env)
            _, warm = timed(base, env)
            results.append((warm, cold, fill))
    warm, cold, fill = min(results)
    report(
        "re-audit / audit (CPU)",
        f"{warm / cold:.0%}",
        f"{warm:.2f} s against {cold:.2f} s without the cache ({fill:.2f} s filling it)",
    )


def measure_jobs(args, src, corpus, report) -> None:
    env = environment(src)
    no_cache = ["--no-cache"] if has_option(src, "--no-cache") else []
    walls = {}
    for jobs in (1, 2):
        command = imrlint(src, "check", "--jobs", str(jobs), *no_cache, "-o", os.devnull, str(corpus))
        walls[jobs] = min(timed(command, env)[0] for _ in range(max(1, args.repeat)))
    report("--jobs 2 speed-up", f"{walls[1] / walls[2]:.2f}x", f"{walls[1]:.2f} s and {walls[2]:.2f} s (wall)")
    report("--jobs 2 letters per second", f"{args.letters / walls[2]:,.0f}", "wall")


def measure_dask(args, src, corpus, report) -> None:
    if not has_option(src, "--dask"):
        report("Dask letters per second", "-", "this imrlint has no --dask")
        return
    try:
        from distributed import LocalCluster
    except ImportError:
        report("Dask letters per second", "-", "dask.distributed is not installed: pip install 'imrlint[dask]'")
        return
    env = environment(src)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        command = imrlint(
            src, "check", "--dask", cluster.scheduler_address, "--no-cache", "-o", os.devnull, str(corpus)
        )
        timed(command, env)  # the workers import imrlint and build their linters once
        wall = min(timed(command, env)[0] for _ in range(max(1, args.repeat)))
    jobs = imrlint(src, "check", "--jobs", "2", "--no-cache", "-o", os.devnull, str(corpus))
    wall_jobs = min(timed(jobs, env)[0] for _ in range(max(1, args.repeat)))
    report(
        "Dask letters per second",
        f"{args.letters / wall:,.0f}",
        f"LocalCluster, 2 workers; --jobs 2: {args.letters / wall_jobs:,.0f} (wall)",
    )


def chromium() -> str | None:
    return next((path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None)


def open_seconds(browser: str, page: pathlib.Path) -> float:
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()]
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=600)
    return time.perf_counter() - start


def measure_html(args, src, corpus, report) -> None:
    env = environment(src)
    no_cache = ["--no-cache"] if has_option(src, "--no-cache") else []
    with tempfile.TemporaryDirectory() as folder:
        letters = pathlib.Path(folder) / "letters"
        letters.mkdir()
        build_corpus(letters, args.html_letters, source_letters())
        page = pathlib.Path(folder) / "report.html"
        subprocess.run(
            imrlint(src, "check", "--jobs", "2", *no_cache, "--format", "html", "-o", str(page), str(letters)),
            env=env,
            cwd=NEUTRAL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        size = page.stat().st_size
        browser = chromium()
        if browser is None:
            report(f"HTML report, {args.html_letters:,} letters", f"{size / 1e6:.1f} MB", "chromium is not installed")
            return
        blank = pathlib.Path(folder) / "blank.html"
        blank.write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
        empty = min(open_seconds(browser, blank) for _ in range(max(2, args.repeat)))
        opened = min(open_seconds(browser, page) for _ in range(max(2, args.repeat)))
    report(
        f"HTML report, {args.html_letters:,} letters",
        f"{size / 1e6:.1f} MB",
        f"opens in {max(0.0, opened - empty):.2f} s in headless Chromium (an empty page: {empty:.2f} s)",
    )


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--in-process"]:
        function, *arguments = sys.argv[2:]
        print(json.dumps(globals()[function](*arguments)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--src", type=pathlib.Path, default=REPO, help="the imrlint source tree (default: this one)")
    parser.add_argument("--only", help=f"comma-separated measures: {', '.join(MEASURES)} (default: all)")
    parser.add_argument("--letters", type=int, default=2000, help="text letters in the corpus (default 2000)")
    parser.add_argument("--pdf-letters", type=int, default=126, help="PDF letters (default 126)")
    parser.add_argument("--html-letters", type=int, default=20000, help="letters in the HTML report (default 20000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure; the best is kept (default 3)")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in (args.only or ",".join(MEASURES)).split(",") if name.strip()]
    unknown = set(chosen) - set(MEASURES)
    if unknown:
        parser.error(f"unknown measure(s): {', '.join(sorted(unknown))}")
    src = args.src.resolve()

    def report(measure: str, figure: str, detail: str) -> None:
        print(f"{measure:<38} {figure:>10}  {TARGETS.get(measure, ''):>10}  {detail}", flush=True)

    print(f"imrlint at {src}; {os.cpu_count()} cores; Python {sys.version.split()[0]}; best of {args.repeat}")
    print(f"{'measure':<38} {'figure':>10}  {'target':>10}  detail")
    with tempfile.TemporaryDirectory(prefix="imrlint-targets-") as folder:
        corpus = pathlib.Path(folder) / "corpus"
        corpus.mkdir()
        build_corpus(corpus, args.letters, source_letters())
        for name in chosen:
            globals()[f"measure_{name}"](args, src, corpus, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
