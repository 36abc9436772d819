"""How soon the web page shows a 10-page Word letter with its findings (target: 1 s).

Builds a 10-page DOCX (a bundled 2016-17 letter whose disputed items are repeated until its text
fills ten pages of about 3,000 characters), starts ``imrlint serve``'s application on a free
loopback port and, in Debian's chromium driven by Playwright, opens the letter --repeat times,
timing each from the file chosen to its findings drawn in the text.  Prints the fastest and the
median time.

    python bench/serve.py --repeat 10
"""

from __future__ import annotations

import argparse
import io
import pathlib
import shutil
import socket
import statistics
import tempfile
import threading
import time

import docx
import uvicorn
from playwright.sync_api import sync_playwright

from imrlint.serve.app import create_app

REPO = pathlib.Path(__file__).resolve().parents[1]
LETTER = REPO / "tests" / "data" / "letters" / "corpus" / "text" / "CM16-0213037.txt"
PAGE_CHARACTERS = 3000


def ten_page_docx(pages: int = 10) -> tuple[bytes, int]:
    """A Word letter of ``pages`` pages: the letter's header and summary, its items repeated."""
    lines = LETTER.read_text(encoding="utf-8").splitlines()
    first_item = next(index for index, line in enumerate(lines) if line.strip().endswith(": Upheld"))
    head, items = lines[:first_item], lines[first_item:]
    body = list(head)
    while sum(len(line) for line in body) < pages * PAGE_CHARACTERS:
        body += items
    document = docx.Document()
    for line in body:
        document.add_paragraph(line.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), sum(len(line) for line in body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    data, characters = ten_page_docx()
    folder = pathlib.Path(tempfile.mkdtemp())
    letter = folder / "ten-pages.docx"
    letter.write_bytes(data)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(root=str(folder)), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{listener.getsockname()[1]}/")
        for _ in range(args.repeat):
            page.reload()
            page.wait_for_selector("#configuration:not(:empty)")
            start = time.perf_counter()
            page.set_input_files("#file", str(letter))
            page.wait_for_selector("#text mark")
            times.append(time.perf_counter() - start)
        findings = page.locator("#findings .finding").count()
        browser.close()
    server.should_exit = True
    thread.join(10)
    shutil.rmtree(folder)
    print(f"a {len(data):,}-byte DOCX letter of {characters:,} characters (10 pages), {findings} findings:")
    print(
        f"  shown with its findings {min(times) * 1000:.0f} ms after the upload at best, median "
        f"{statistics.median(times) * 1000:.0f} ms, over {len(times)} uploads (target: 1 s)"
    )


if __name__ == "__main__":
    main()
