"""The HTML audit report: one self-contained file an auditor can open offline and send on.

It holds a summary (letters checked, letters with errors, findings by severity and by rule, the
Upheld / Overturned counts, the rules that ran and the configuration used, imrlint's version and
the date), a bar chart of findings by rule (inline SVG), the table of the letters, and for each
letter with findings the findings beside the passage they point at and the other passages they
refer to (the conclusion a label contradicts, the line a message names, the item's heading).

Built for archives: a search box and filters (rule, severity, label, letters with findings only)
work offline in the page, over every letter; the letters table shows a page of them at a time
(sortable by any column), and a letter's findings are laid out only when scrolled to
(``content-visibility``), so a report of 20,000 letters opens and filters smoothly.  Without
scripts the page still shows the summary, the first page of letters and every finding.

Nothing is loaded from elsewhere: the CSS, the SVG and the one script are inline, and a
Content-Security-Policy allows only that script and style (by hash).  Every piece of letter text,
path and message is HTML-escaped, so a letter containing ``<script>`` shows it as text and runs
nothing.  Under --redact no letter text is collected, so no passage is shown.

The letters' rows and sections are spooled to temporary files as letters finish, so memory stays
flat however many letters are linted; the summary, which needs the totals, is written first.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import shutil
import tempfile

from imrlint.report.base import Reporter, RunSummary
from imrlint.report.excerpt import MAX_SPAN_LINES
from imrlint.report.fixes import fix_html
from imrlint.rules.findings import SEVERITIES

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SEVERITY_COLOURS = {"error": "#c0392b", "warning": "#d68910", "info": "#2e86c1"}

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f23;background:#f6f8fa}
header,main{max-width:1200px;margin:0 auto;padding:0 20px}
header{padding-top:16px}
h1{font-size:22px;margin:12px 0 4px}h2{font-size:18px;margin:28px 0 8px}
h3{font-size:15px;margin:0 0 8px;word-break:break-all}
.meta{color:#57606a;margin:0 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:130px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;background:#fff;width:100%;margin:8px 0}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eaeef2}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" \\25B2"}
table.sortable th[aria-sort=descending]::after{content:" \\25BC"}
td.n,th.n,#letters td+td{text-align:right}
#letters:not(.js) tbody tr:nth-child(n+101){display:none}
#letters.js tbody tr{display:none}#letters.js tbody tr.on{display:table-row}
.filters{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;background:#fff;border:1px solid #d0d7de;
border-radius:6px;padding:8px 12px;margin:8px 0;position:sticky;top:0;z-index:1}
.filters input[type=search]{min-width:280px;flex:1}
.filters input,.filters select,.pager button{font:inherit;padding:3px 6px}
.pager{display:flex;gap:12px;align-items:center;margin:4px 0 12px}
[hidden]{display:none!important}
.sev-error{color:#c0392b;font-weight:600}.sev-warning{color:#b9770e;font-weight:600}.sev-info{color:#2e86c1;font-weight:600}
section.letter{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:14px 0;
content-visibility:auto;contain-intrinsic-size:auto 360px}
.finding{display:grid;grid-template-columns:minmax(260px,2fr) 3fr;gap:12px;border-top:1px solid #eaeef2;padding:8px 0}
.finding:first-of-type{border-top:0}
.where{color:#57606a;font-size:12px}
.refers{color:#57606a;font-size:12px;margin:6px 0 2px}
pre{margin:0;background:#f6f8fa;border:1px solid #eaeef2;border-radius:4px;padding:6px;overflow-x:auto;
font:12px/1.4 ui-monospace,Consolas,monospace;white-space:pre-wrap;word-break:break-word}
pre .ln{color:#8c959f;user-select:none;display:inline-block;min-width:3.5em}
mark{background:#ffe08a;border-bottom:2px solid #d68910}
.none{color:#57606a;font-style:italic}
svg text{font:12px system-ui,sans-serif;fill:#1b1f23}
footer{max-width:1200px;margin:24px auto;padding:0 20px;color:#57606a;font-size:12px}
"""

SCRIPT = """
(function(){
  'use strict';
  var PAGE = 100;
  function byId(id){ return document.getElementById(id); }
  function cellValue(cell, numeric){
    var text = cell.getAttribute('data-v');
    if (text === null) { text = cell.textContent; }
    return numeric ? Number(text) : text.toLowerCase();
  }
  function compare(x, y, direction){ return x < y ? -direction : x > y ? direction : 0; }
  function sortable(table, sortRows){
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function(th, column){
      th.setAttribute('tabindex', '0');
      function sort(){
        var numeric = th.getAttribute('data-type') === 'number';
        var direction = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        Array.prototype.forEach.call(heads, function(other){ other.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', direction === 1 ? 'ascending' : 'descending');
        sortRows(column, numeric, direction);
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function(event){ if (event.key === 'Enter') { sort(); } });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable:not(#letters)'), function(table){
    sortable(table, function(column, numeric, direction){
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function(a, b){
        return compare(cellValue(a.cells[column], numeric), cellValue(b.cells[column], numeric), direction);
      });
      var fragment = document.createDocumentFragment();
      rows.forEach(function(row){ fragment.appendChild(row); });
      body.appendChild(fragment);
    });
  });

  var table = byId('letters');
  if (!table) { return; }
  var body = table.tBodies[0];
  var letters = Array.prototype.map.call(body.rows, function(row, index){
    var cell = row.cells[0];
    var section = cell.getAttribute('data-s') ? byId(cell.getAttribute('data-s')) : null;
    return {
      row: row, index: index, path: cell.getAttribute('data-v') || '',
      findings: (cell.getAttribute('data-f') || '').split(' ').filter(Boolean),
      labels: ' ' + (cell.getAttribute('data-l') || '') + ' ', section: section, text: null, findingNodes: null,
      filtered: false
    };
  });
  var filters = {
    q: byId('f-q'), rule: byId('f-rule'), severity: byId('f-severity'), label: byId('f-label'), only: byId('f-only')
  };
  var order = letters.slice(), shown = [], page = 0, on = [];
  table.classList.add('js');
  byId('filters').hidden = false;
  byId('pager').hidden = false;

  function text(letter){
    if (letter.text === null) {
      letter.text = (letter.path + ' ' + (letter.section ? letter.section.textContent : '')).toLowerCase();
    }
    return letter.text;
  }
  function wanted(){
    return {q: filters.q.value.trim().toLowerCase(), rule: filters.rule.value, severity: filters.severity.value,
      label: filters.label.value, only: filters.only.checked};
  }
  function findingMatches(pair, want){
    var parts = pair.split(':');
    return (!want.rule || parts[0] === want.rule) && (!want.severity || parts[1] === want.severity);
  }
  function matches(letter, want){
    var byFinding = want.rule || want.severity;
    if ((want.only || byFinding) && !letter.findings.length) { return false; }
    if (byFinding && !letter.findings.some(function(pair){ return findingMatches(pair, want); })) { return false; }
    if (want.label && letter.labels.indexOf(' ' + want.label + ' ') < 0) { return false; }
    return !want.q || text(letter).indexOf(want.q) >= 0;
  }
  function showSections(want){
    var byFinding = want.rule || want.severity, visible = new Set(shown);
    letters.forEach(function(letter){
      if (!letter.section) { return; }
      var show = visible.has(letter);
      if (letter.section.hidden === show) { letter.section.hidden = !show; }  // only what changes
      if (!show || (!byFinding && !letter.filtered)) { return; }
      if (letter.findingNodes === null) { letter.findingNodes = letter.section.querySelectorAll('.finding'); }
      Array.prototype.forEach.call(letter.findingNodes, function(node){
        var hide = Boolean(byFinding) && !findingMatches(node.getAttribute('data-f'), want);
        if (node.hidden !== hide) { node.hidden = hide; }
      });
      letter.filtered = Boolean(byFinding);
    });
  }
  function render(){
    on.forEach(function(letter){ letter.row.classList.remove('on'); });
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(page, pages - 1);
    on = shown.slice(page * PAGE, page * PAGE + PAGE);
    var fragment = document.createDocumentFragment();
    on.forEach(function(letter){ letter.row.classList.add('on'); fragment.appendChild(letter.row); });
    body.insertBefore(fragment, body.firstChild);
    var first = page * PAGE + 1, last = page * PAGE + on.length;
    byId('page').textContent = shown.length ? 'letters ' + first + '-' + last + ' of ' + shown.length
      : 'no letter matches';
    byId('prev').disabled = page === 0;
    byId('next').disabled = page >= pages - 1;
    byId('count').textContent = shown.length + ' of ' + letters.length + ' letters';
  }
  function apply(){
    var want = wanted();
    shown = order.filter(function(letter){ return matches(letter, want); });
    page = 0;
    render();
    showSections(want);
  }
  sortable(table, function(column, numeric, direction){
    order.sort(function(a, b){
      var x = cellValue(a.row.cells[column], numeric), y = cellValue(b.row.cells[column], numeric);
      return compare(x, y, direction) || a.index - b.index;
    });
    apply();
  });
  var timer = null;
  filters.q.addEventListener('input', function(){ clearTimeout(timer); timer = setTimeout(apply, 150); });
  [filters.rule, filters.severity, filters.label, filters.only].forEach(function(control){
    control.addEventListener('change', apply);
  });
  byId('prev').addEventListener('click', function(){ page -= 1; render(); });
  byId('next').addEventListener('click', function(){ page += 1; render(); });
  apply();
})();
"""


def esc(value) -> str:
    """Text escaped for HTML content and attribute values (stray control characters replaced)."""
    return html.escape(_CONTROL.sub("\ufffd", str(value)), quote=True)


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


CSP = (
    f"default-src 'none'; style-src {_csp_hash(STYLE)}; script-src {_csp_hash(SCRIPT)}; img-src data:; base-uri "
    "'none'; form-action 'none'"
)


def bar_chart(counts: list[tuple[str, str, int]], colours: dict[str, str]) -> str:
    """An inline SVG horizontal bar chart: (label, severity, count) per bar."""
    if not counts:
        return '<p class="none">No findings.</p>'
    bar_height, gap, label_width, bar_width = 20, 6, 330, 520
    top = max(count for _, _, count in counts)
    height = len(counts) * (bar_height + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_width + 80}" height="{height}" role="img" '
        'aria-label="Findings by rule">'
    ]
    for index, (label, severity, count) in enumerate(counts):
        y = gap + index * (bar_height + gap)
        width = max(1, round(bar_width * count / top))
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end">{esc(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{width}" height="{bar_height}" '
            f'fill="{colours.get(severity, "#6e7781")}"><title>{esc(label)}: {count}</title></rect>'
            f'<text x="{label_width + width + 6}" y="{y + 14}">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _lines(span, excerpts: dict[int, str], first: int, last: int) -> list[str]:
    """Lines ``first`` to ``last`` of the excerpts, numbered, ``span`` marked."""
    out = []
    for line in range(first, last + 1):
        if line not in excerpts:
            continue
        text = excerpts[line]
        start = span.column - 1 if line == span.line else 0
        end = span.end_column - 1 if line == span.end_line else len(text)
        inside = span.line <= line <= span.end_line
        if inside and end > start:
            body = f"{esc(text[:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:])}"
        else:
            body = esc(text)
        out.append(f'<span class="ln">{line}</span>{body}')
    return out


def render_passage(finding, excerpts: dict[int, str]) -> str:
    """The lines around a finding, its span marked."""
    span = finding.span
    if span.line not in excerpts:
        return '<p class="none">No passage to show.</p>'
    return "<pre>" + "\n".join(_lines(span, excerpts, span.line - 1, span.end_line + 1)) + "</pre>"


def render_related(finding, excerpts: dict[int, str], heading) -> str:
    """The other passages a finding refers to (the conclusion a label contradicts, the line its
    message names, its item's heading), each under what it is."""
    out = []
    for span in finding.related:
        lines = _lines(span, excerpts, span.line, min(span.end_line, span.line + MAX_SPAN_LINES - 1))
        if not lines:
            continue
        what = "the item's heading" if heading is not None and span == heading.span else f"line {span.line}"
        out.append(f'<p class="refers">Refers to {what}:</p><pre>' + "\n".join(lines) + "</pre>")
    return "".join(out)


def _letter_attributes(report) -> str:
    """What the page's filters read from a letter's row: its findings (code:severity) and labels."""
    pairs = " ".join(dict.fromkeys(f"{finding.code}:{finding.severity}" for finding in report.findings))
    labels = " ".join(sorted(label.replace(" ", "") for label in report.labels))
    return (f' data-f="{esc(pairs)}"' if pairs else "") + f' data-l="{esc(labels)}"'


def filters(summary: RunSummary) -> str:
    """The search box and filters over the letters (shown by the page's script, which runs them):
    rule and severity (of a finding), label (of an item), letters with findings only."""
    rules = "".join(
        f'<option value="{esc(label.split(" ", 1)[0])}">{esc(label)}</option>' for label in sorted(summary.by_rule)
    )
    severities = "".join(f'<option value="{severity}">{severity}</option>' for severity in SEVERITIES)
    labels = "".join(
        f'<option value="{esc(label)}">{esc(label if label != "(none)" else "no label")}</option>'
        for label in sorted(summary.labels)
    )
    return (
        '<div class="filters" id="filters" hidden><input type="search" id="f-q" placeholder="Search paths, '
        'headings, messages and passages" aria-label="Search the letters">'
        f'<select id="f-rule" aria-label="Rule"><option value="">Every rule</option>{rules}</select>'
        f'<select id="f-severity" aria-label="Severity"><option value="">Every severity</option>{severities}</select>'
        f'<select id="f-label" aria-label="Label"><option value="">Every label</option>{labels}</select>'
        '<label><input type="checkbox" id="f-only"> Letters with findings only</label>'
        '<span id="count" class="meta"></span></div>'
        '<noscript><p class="meta">The first 100 letters are listed; the search, the filters and the other pages '
        "need scripts.</p></noscript>"
    )


class HtmlReporter(Reporter):
    wants_excerpts = True

    def start(self) -> None:
        # spools that outlive this method: closed by finish()
        self.rows = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.sections = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self.index = 0

    def file(self, report) -> None:
        self.index += 1
        anchor = f"letter-{self.index}"
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in report.findings:
            counts[finding.severity] = counts.get(finding.severity, 0) + 1
        path = esc(report.path)
        name = f'<a href="#{anchor}">{path}</a>' if report.findings else path
        section = f' data-s="{anchor}"' if report.findings else ""
        cells = [f'<td data-v="{path}"{section}{_letter_attributes(report)}>{name}</td>']
        # the counts: right-aligned by the stylesheet (#letters td+td), no attribute on each of 20,000 rows
        cells.append(f"<td>{report.items}</td>")
        cells += [f"<td>{report.labels.get(label, 0)}</td>" for label in ("Upheld", "Overturned")]
        cells += [f"<td>{counts[severity]}</td>" for severity in SEVERITIES]
        self.rows.write(f"<tr>{''.join(cells)}</tr>\n")
        if report.findings:
            self.sections.write(self._section(report, anchor))

    def _section(self, report, anchor: str) -> str:
        headings = {item.index: item for item in report.item_details}
        redact = self.context.redact
        out = [f'<section class="letter" id="{anchor}"><h3>{esc(report.path)}</h3>']
        for finding in report.findings:
            where = f"line {finding.span.line}, column {finding.span.column}"
            if finding.unit is not None and finding.unit_kind:
                where += f", {esc(finding.unit_kind)} {finding.unit[0]}"
            item = headings.get(finding.item) if finding.item is not None else None
            if finding.item is not None:
                where += f", item {finding.item}"
                if item is not None and not redact:
                    where += f": {esc(item.heading)}"
            if redact:
                passage = '<p class="none">Passage withheld (--redact).</p>'
            else:
                passage = render_passage(finding, report.excerpts) + render_related(finding, report.excerpts, item)
            out.append(
                f'<div class="finding" data-f="{esc(finding.code)}:{esc(finding.severity)}"><div><span '
                f'class="sev-{esc(finding.severity)}">{esc(finding.code)} {esc(finding.severity)}</span> '
                f"<code>{esc(finding.name)}</code><p>{esc(finding.message)}</p><p "
                f'class="where">{where}</p>{fix_html(finding, report.excerpts, esc)}</div><div>{passage}</div></div>'
            )
        out.append("</section>\n")
        return "".join(out)

    def finish(self, summary: RunSummary) -> None:
        context = self.context
        write = self.stream.write
        severities = {rule.code: rule.severity for rule in context.rules}
        write(
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>imrlint audit report - {summary.files} letters</title><style>{STYLE}</style></head><body>\n"
        )
        created = context.created.strftime("%Y-%m-%d %H:%M UTC")
        write(
            f"<header><h1>IMR Final Determination letters: audit report</h1>"
            f'<p class="meta">imrlint {esc(context.version)} &middot; {esc(created)} &middot; configuration: '
            f"{esc(context.config_source)}"
            f"{' &middot; redacted: reports carry no letter text' if context.redact else ''}</p></header><main>\n"
        )
        cards = [
            ("Letters checked", summary.files),
            ("Letters with errors", summary.files_with_errors),
            ("Disputed items", summary.items),
            ("Upheld", summary.labels.get("Upheld", 0)),
            ("Overturned", summary.labels.get("Overturned", 0)),
        ] + [
            (severity.capitalize() + (" findings" if severity != "info" else ""), summary.by_severity.get(severity, 0))
            for severity in SEVERITIES
        ]
        write(
            '<h2>Summary</h2><div class="cards">'
            + "".join(f'<div class="card"><b>{value}</b>{esc(label)}</div>' for label, value in cards)
            + "</div>\n"
        )
        if summary.labels.get("(none)"):
            write(f'<p class="meta">{summary.labels["(none)"]} disputed items have no Upheld / Overturned label.</p>\n')

        by_rule = sorted(summary.by_rule.items(), key=lambda entry: (-entry[1], entry[0]))
        write("<h2>Findings by rule</h2>\n")
        write(
            bar_chart(
                [(label, severities.get(label.split(" ", 1)[0], ""), count) for label, count in by_rule],
                SEVERITY_COLOURS,
            )
        )
        if by_rule:
            write(
                '<table class="sortable"><thead><tr><th>Rule</th><th>Severity</th><th class="n" '
                'data-type="number">Findings</th></tr></thead><tbody>'
            )
            for label, count in by_rule:
                severity = severities.get(label.split(" ", 1)[0], "")
                write(
                    f'<tr><td>{esc(label)}</td><td class="sev-{esc(severity)}">{esc(severity)}</td><td '
                    f'class="n">{count}</td></tr>'
                )
            write("</tbody></table>\n")

        write("<h2>Letters</h2>\n" + filters(summary) + "\n")
        write(
            '<table class="sortable" id="letters"><thead><tr><th>Letter</th>'
            '<th class="n" data-type="number">Items</th><th class="n" data-type="number">Upheld</th><th class="n" '
            'data-type="number">Overturned</th>'
            + "".join(f'<th class="n" data-type="number">{esc(severity.capitalize())}</th>' for severity in SEVERITIES)
            + "</tr></thead><tbody>\n"
        )
        self._copy(self.rows)
        write(
            '</tbody></table>\n<div class="pager" id="pager" hidden><button type="button" id="prev">Previous</button>'
            '<span id="page"></span><button type="button" id="next">Next</button></div>\n'
            "<h2>Findings by letter</h2>\n"
        )
        if summary.total == 0:
            write('<p class="none">No findings.</p>\n')
        self._copy(self.sections)

        write(
            "<h2>Rules that ran</h2><table "
            'class="sortable"><thead><tr><th>Code</th><th>Name</th><th>Severity</th><th>Checks</th></tr></thead><tbody>'
        )
        for rule in context.enabled_rules:
            write(
                f"<tr><td>{esc(rule.code)}</td><td><code>{esc(rule.name)}</code></td><td "
                f'class="sev-{esc(rule.severity)}">{esc(rule.severity)}</td><td>{esc(rule.summary)}</td></tr>'
            )
        write("</tbody></table>\n")
        disabled = [rule for rule in context.rules if not rule.enabled]
        if disabled:
            write(
                '<p class="meta">Not run: '
                + ", ".join(f"{esc(rule.code)} {esc(rule.name)}" for rule in disabled)
                + "</p>\n"
            )
        write("<h2>Configuration</h2><table><tbody>")
        write(f"<tr><th>Configuration</th><td>{esc(context.config_source)}</td></tr>")
        for key, value in context.settings.items():
            write(f"<tr><th>{esc(key)}</th><td>{esc(value)}</td></tr>")
        write(
            "<tr><th>imrlint "
            f"version</th><td>{esc(context.version)}</td></tr><tr><th>Date</th><td>{esc(created)}</td></tr></tbody></table>\n"
        )
        write(
            f"</main><footer>Generated by imrlint {esc(context.version)}. Positions are 1-based line:column in each "
            "letter as its author has it.</footer>"
        )
        write(f"<script>{SCRIPT}</script></body></html>\n")

    def _copy(self, spool) -> None:
        spool.seek(0)
        shutil.copyfileobj(spool, self.stream)
        spool.close()
