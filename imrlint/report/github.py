"""The GitHub Actions format: workflow commands that GitHub shows as annotations on the files.

``::error file=PATH,line=L,col=C,endLine=L2,endColumn=C2,title=CODE name::message`` per finding
(``warning`` for warnings, ``notice`` for info), then the summary line.  Values are escaped as
the Actions toolkit does (``%``, CR and LF in messages; also ``:`` and ``,`` in properties).
"""

from __future__ import annotations

from imrlint.report.base import Reporter, RunSummary

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    def file(self, report) -> None:
        lines = []
        for finding in report.findings:
            span = finding.span
            properties = {
                "file": finding.path,
                "line": span.line,
                "col": span.column,
                "endLine": span.end_line,
                "endColumn": span.end_column,
                "title": f"{finding.code} {finding.name}",
            }
            rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
            lines.append(f"::{LEVELS.get(finding.severity, 'warning')} {rendered}::{escape_data(finding.message)}\n")
        self.stream.write("".join(lines))

    def finish(self, summary: RunSummary) -> None:
        self.stream.write(summary.line() + "\n")
