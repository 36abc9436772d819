// The editor's desk.  Every piece of letter text reaches the page as a text node (textContent,
// createTextNode), never as HTML, so a letter containing <script> shows it and runs nothing.
(function () {
  "use strict";
  var state = { letter: null, file: null, active: null };
  var $ = function (id) { return document.getElementById(id); };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function showError(message) {
    var box = $("error");
    box.textContent = message;
    box.hidden = !message;
  }

  fetch("/api/info").then(function (response) { return response.json(); }).then(function (info) {
    $("configuration").textContent = info.configuration;
    $("version").textContent = "imrlint " + info.version;
  });

  function open(file) {
    if (!file) { return; }
    showError("");
    state.file = file;
    fetch("/api/lint", { method: "POST", body: file, headers: { "X-Letter-Name": file.name } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (!result.ok) { showError(result.body.error || "the letter could not be linted"); return; }
        draw(result.body);
      })
      .catch(function (error) { showError("the letter could not be sent: " + error); });
  }

  function severityRank(severity) { return { error: 0, warning: 1, info: 2 }[severity]; }

  function drawText(letter) {
    var pre = $("text");
    pre.textContent = "";
    var text = letter.text;
    var points = {};
    function point(at) { points[at] = true; }
    point(0); point(text.length);
    letter.findings.forEach(function (finding) { point(finding.start); point(Math.max(finding.start, finding.end)); });
    letter.units.forEach(function (unit) { point(unit.start); });
    var cuts = Object.keys(points).map(Number).sort(function (a, b) { return a - b; });
    var unitsAt = {};
    letter.units.forEach(function (unit) { unitsAt[unit.start] = unit; });
    for (var index = 0; index < cuts.length - 1; index++) {
      var start = cuts[index], end = cuts[index + 1];
      if (unitsAt[start] && letter.unit_kind === "page") {
        pre.appendChild(element("span", "unit", "page " + unitsAt[start].number));
      }
      var covering = letter.findings.filter(function (finding) { return finding.start <= start && end <= finding.end && finding.start < finding.end; });
      var piece = text.slice(start, end);
      if (!covering.length) { pre.appendChild(document.createTextNode(piece)); continue; }
      covering.sort(function (a, b) { return severityRank(a.severity) - severityRank(b.severity); });
      var mark = element("mark", "sev-" + covering[0].severity, piece);
      mark.dataset.findings = covering.map(function (finding) { return finding.index; }).join(" ");
      mark.title = covering.map(function (finding) { return finding.code + " " + finding.message; }).join("\n");
      mark.addEventListener("click", function (event) {
        select(Number(event.currentTarget.dataset.findings.split(" ")[0]), false);
      });
      pre.appendChild(mark);
    }
    // A finding with an empty span (at a place, not over text) is marked by the character after it.
    letter.findings.forEach(function (finding) {
      if (finding.start === finding.end && !marksOf(finding.index).length) {
        var marker = element("mark", "sev-" + finding.severity, "\u2038");
        marker.dataset.findings = String(finding.index);
        pre.insertBefore(marker, nodeAt(pre, finding.start));
      }
    });
    pre.hidden = false;
    $("drop").hidden = true;
  }

  function nodeAt(pre, offset) {
    var seen = 0;
    for (var node = pre.firstChild; node; node = node.nextSibling) {
      if (node.className === "unit") { continue; }
      var length = node.textContent.length;
      if (seen + length > offset) { return node; }
      seen += length;
    }
    return null;
  }

  function marksOf(index) {
    return Array.prototype.filter.call($("text").querySelectorAll("mark"), function (mark) {
      return mark.dataset.findings.split(" ").indexOf(String(index)) >= 0;
    });
  }

  function where(finding) {
    var parts = ["line " + finding.line + ", column " + finding.column];
    if (finding.page) { parts.push("page " + finding.page); }
    if (finding.paragraph) { parts.push("paragraph " + finding.paragraph); }
    return parts.join(", ");
  }

  function drawFindings(letter) {
    var list = $("findings");
    list.textContent = "";
    var shown = {};
    Array.prototype.forEach.call($("filters").querySelectorAll("input[data-severity]"), function (box) {
      shown[box.dataset.severity] = box.checked;
    });
    var only = $("item-filter").value;
    var groups = [{ key: "", title: "The letter" }].concat(letter.items.map(function (item) {
      return { key: String(item.index), title: "Item " + item.index + ": " + item.heading };
    }));
    var count = 0;
    groups.forEach(function (group) {
      if (only && only !== group.key) { return; }
      var inGroup = letter.findings.filter(function (finding) {
        return String(finding.item || "") === group.key && shown[finding.severity];
      });
      if (!inGroup.length) { return; }
      inGroup.sort(function (a, b) { return severityRank(a.severity) - severityRank(b.severity) || a.start - b.start; });
      var box = element("div", "group");
      box.appendChild(element("h3", null, group.title));
      inGroup.forEach(function (finding) {
        count++;
        var row = element("div", "finding");
        row.dataset.index = finding.index;
        row.appendChild(element("span", "badge " + finding.severity, finding.severity));
        row.appendChild(document.createTextNode(" "));
        row.appendChild(element("b", null, finding.code + " " + finding.name));
        row.appendChild(element("p", null, finding.message));
        row.appendChild(element("p", "where", where(finding)));
        row.addEventListener("click", function () { select(finding.index, true); });
        box.appendChild(row);
      });
      list.appendChild(box);
    });
    $("count").textContent = "(" + count + " of " + letter.findings.length + ")";
    Array.prototype.forEach.call($("text").querySelectorAll("mark"), function (mark) {
      var visible = mark.dataset.findings.split(" ").some(function (index) {
        var finding = letter.findings[Number(index)];
        return shown[finding.severity] && (!only || String(finding.item || "") === only);
      });
      mark.classList.toggle("hidden-finding", !visible);
      if (!visible) { mark.style.background = "transparent"; mark.style.borderBottomColor = "transparent"; }
      else { mark.style.background = ""; mark.style.borderBottomColor = ""; }
    });
  }

  function fixView(letter, finding) {
    var box = element("div", "fix");
    box.appendChild(element("b", null, "Suggested fix"));
    box.appendChild(element("p", "where", finding.fix.label + ": " + finding.fix.message));
    var text = letter.text;
    var edits = finding.fix.edits.slice().sort(function (a, b) { return a.start - b.start; });
    var from = text.lastIndexOf("\n", edits[0].start - 1) + 1;
    var last = edits[edits.length - 1].end;
    var to = text.indexOf("\n", last);
    if (to < 0) { to = text.length; }
    var pre = element("pre");
    var position = from;
    edits.forEach(function (edit) {
      pre.appendChild(document.createTextNode(text.slice(position, edit.start)));
      if (edit.end > edit.start) { pre.appendChild(element("del", null, text.slice(edit.start, edit.end))); }
      if (edit.replacement) { pre.appendChild(element("ins", null, edit.replacement)); }
      position = edit.end;
    });
    pre.appendChild(document.createTextNode(text.slice(position, to)));
    box.appendChild(pre);
    return box;
  }

  function drawRule(letter, finding) {
    var rule = letter.rules[finding.code] || {};
    var panel = $("rule");
    panel.textContent = "";
    panel.appendChild(element("h3", null, finding.code + " " + (rule.name || finding.name)));
    panel.appendChild(element("p", null, finding.message));
    [["What", rule.what], ["Why", rule.why], ["Fails", rule.fails], ["Passes", rule.passes], ["How to fix", rule.fix]]
      .forEach(function (part) {
        if (!part[1]) { return; }
        panel.appendChild(element("h4", null, part[0]));
        String(part[1]).split("\n\n").forEach(function (paragraph) { panel.appendChild(element("p", null, paragraph)); });
      });
    if (finding.fix) { panel.appendChild(fixView(letter, finding)); }
    panel.hidden = false;
  }

  function select(index, scroll) {
    var letter = state.letter;
    var finding = letter.findings[index];
    state.active = index;
    Array.prototype.forEach.call(document.querySelectorAll(".active"), function (node) { node.classList.remove("active"); });
    var marks = marksOf(index);
    marks.forEach(function (mark) { mark.classList.add("active"); });
    var row = $("findings").querySelector('.finding[data-index="' + index + '"]');
    if (row) { row.classList.add("active"); if (!scroll) { row.scrollIntoView({ block: "nearest" }); } }
    if (scroll && marks.length) { marks[0].scrollIntoView({ block: "center" }); }
    drawRule(letter, finding);
  }

  function drawOutline(letter) {
    var list = $("items");
    list.textContent = "";
    var filter = $("item-filter");
    while (filter.options.length > 1) { filter.remove(1); }
    letter.items.forEach(function (item) {
      var entry = element("li");
      entry.appendChild(document.createTextNode(item.heading + " "));
      entry.appendChild(element("span", "label-" + (item.label || "none"), item.label || "no label"));
      entry.addEventListener("click", function () {
        var target = nodeAt($("text"), item.start);
        if (target && target.scrollIntoView) { target.scrollIntoView({ block: "start" }); }
        else if (target && target.parentNode) { target.parentNode.scrollIntoView({ block: "start" }); }
      });
      list.appendChild(entry);
      var option = element("option", null, "item " + item.index);
      option.value = String(item.index);
      filter.appendChild(option);
    });
  }

  function draw(letter) {
    state.letter = letter;
    $("name").textContent = letter.name + (letter.kind !== "text" ? " (" + letter.kind.toUpperCase() + ")" : "");
    $("downloads").hidden = false;
    $("rule").hidden = true;
    drawText(letter);
    drawOutline(letter);
    drawFindings(letter);
  }

  $("file").addEventListener("change", function (event) { open(event.target.files[0]); });
  $("filters").addEventListener("change", function () { if (state.letter) { drawFindings(state.letter); } });
  var drop = $("letter");
  drop.addEventListener("dragover", function (event) { event.preventDefault(); $("drop").classList.add("over"); });
  drop.addEventListener("dragleave", function () { $("drop").classList.remove("over"); });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    $("drop").classList.remove("over");
    open(event.dataTransfer.files[0]);
  });
  Array.prototype.forEach.call($("downloads").querySelectorAll("button"), function (button) {
    button.addEventListener("click", function () {
      if (!state.file) { return; }
      var format = button.dataset.format;
      fetch("/api/report?format=" + format, { method: "POST", body: state.file, headers: { "X-Letter-Name": state.file.name } })
        .then(function (response) { return response.blob(); })
        .then(function (blob) {
          var link = element("a");
          link.href = URL.createObjectURL(blob);
          link.download = state.file.name.replace(/\.[^.]+$/, "") + ".imrlint." + format;
          document.body.appendChild(link);
          link.click();
          link.remove();
        });
    });
  });
})();
