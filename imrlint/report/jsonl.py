"""The JSON Lines format: one finding per line, written (and flushed) as each file finishes.

Each line is a JSON object with the keys of the ``json`` format (``path``, ``line``, ``column``,
``end_line``, ``end_column``, ``code``, ``name``, ``severity``, ``message``, and ``item``,
``page``, ``paragraph`` and ``fix`` when known).  Nothing else is written, so the output can be piped into
``jq`` or a log store while a long run is still going.
"""

from __future__ import annotations

import json

from imrlint.report.base import Reporter
from imrlint.report.json import finding_record


class JsonLinesReporter(Reporter):
    def file(self, report) -> None:
        if not report.findings:
            return
        self.stream.write(
            "".join(json.dumps(finding_record(finding), ensure_ascii=False) + "\n" for finding in report.findings)
        )
        self.stream.flush()
