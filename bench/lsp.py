"""How soon the language server publishes diagnostics after a change (target: 50 ms).

Starts ``imrlint lsp`` as an editor does, opens a typical letter (a bundled 2016-17 letter of
two disputed items, or --letter FILE) and changes it --changes times (a word edited back and
forth, so each change has findings to publish), timing each change from the notification sent to
the diagnostics received.  Prints the median, the 95th percentile and the slowest.

    python bench/lsp.py --changes 200
"""

from __future__ import annotations

import argparse
import asyncio
import pathlib
import statistics
import sys
import time

from lsprotocol import types
from pygls.lsp.client import LanguageClient

REPO = pathlib.Path(__file__).resolve().parents[1]
LETTER = REPO / "tests" / "data" / "letters" / "corpus" / "text" / "CM16-0213037.txt"


async def measure(letter: pathlib.Path, changes: int) -> list[float]:
    client = LanguageClient("bench", "1")
    published: asyncio.Queue = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def received(params: types.PublishDiagnosticsParams) -> None:
        published.put_nowait(time.perf_counter())

    await client.start_io(sys.executable, "-m", "imrlint", "lsp")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    text = letter.read_text(encoding="utf-8")
    uri = letter.resolve().as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "plaintext", 1, text)))
    await published.get()
    times = []
    for version in range(2, changes + 2):
        changed = text.replace(": Upheld", ": Overturned", 1) if version % 2 else text
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangeWholeDocument(text=changed)],
            )
        )
        times.append((await published.get()) - sent)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letter", type=pathlib.Path, default=LETTER)
    parser.add_argument("--changes", type=int, default=200)
    args = parser.parse_args()
    times = sorted(asyncio.run(measure(args.letter, args.changes)))
    print(f"{args.letter.name} ({args.letter.stat().st_size:,} bytes), {len(times)} changes:")
    print(
        f"  diagnostics after a change: median {statistics.median(times) * 1000:.1f} ms, "
        f"95th percentile {times[int(len(times) * 0.95) - 1] * 1000:.1f} ms, slowest {times[-1] * 1000:.1f} ms "
        f"(target: 50 ms)"
    )


if __name__ == "__main__":
    main()
