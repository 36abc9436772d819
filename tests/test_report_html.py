"""The HTML audit report at archive size: each finding beside the passages it refers to, a strict
Content-Security-Policy that still lets the page's own script and style run, the same bytes for the
same run, and search and filters that work offline in a real browser (Debian's chromium driven by
Playwright) over every letter, a page of rows at a time."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil

import pytest

from conftest import CORPUS, SEEDS, run


def report(capsys, *paths, arguments=()) -> str:
    status, out, err = run(
        capsys, "check", "--no-cache", "--exit-zero", "--format", "html", *arguments, *map(str, paths)
    )
    assert (status, err) == (0, "")
    return out


def finding_blocks(page: str, code: str) -> list[str]:
    return re.findall(rf'<div class="finding" data-f="{code}:[a-z]+">.*?</div></div>', page, re.S)


@pytest.fixture(autouse=True)
def reproducible(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def test_a_contradicted_label_shows_the_conclusion_it_contradicts(capsys, tmp_path):
    text = (SEEDS / "002_a1ae487a7b68567a.txt").read_text(encoding="utf-8")
    heading = next(line for line in text.splitlines() if line.rstrip().endswith(": Upheld"))
    letter = tmp_path / "letter.txt"
    letter.write_text(text.replace(heading, heading.replace(": Upheld", ": Overturned"), 1), encoding="utf-8")
    page = report(capsys, letter)
    (block,) = finding_blocks(page, "IMR206")
    conclusion = re.search(r"the rationale&#x27;s conclusion &quot;(.*?)&quot;", block).group(1)
    line = int(re.search(r"correct the rationale&#x27;s conclusion \(line (\d+)\)", block).group(1))
    assert f'<p class="refers">Refers to line {line}:</p><pre>' in block
    related = block.split(f"Refers to line {line}:", 1)[1]
    marked = " ".join(re.findall(r"<mark>(.*?)</mark>", related))
    assert " ".join(marked.split()) == conclusion  # the conclusion itself, marked
    assert "<mark>Overturned</mark>" in block.split('<p class="refers">', 1)[0]  # the label, beside the finding


def test_a_request_the_summary_does_not_name_shows_the_summary_line(capsys):
    page = report(capsys, SEEDS / "001_4c5777553f12bddd.txt")
    (block,) = finding_blocks(page, "IMR212")
    assert "(line 49)" in block
    summary_line = (SEEDS / "001_4c5777553f12bddd.txt").read_text(encoding="utf-8").splitlines()[48]
    assert f'Refers to line 49:</p><pre><span class="ln">49</span>{html.escape(summary_line)}</pre>' in block


def test_a_finding_inside_an_item_shows_the_items_heading(capsys):
    page = report(capsys, SEEDS / "000_8aa5183601f98bf9.txt")
    (block,) = finding_blocks(page, "IMR303")
    heading = (SEEDS / "000_8aa5183601f98bf9.txt").read_text(encoding="utf-8").splitlines()[96]
    assert "Refers to the item's heading:" in block
    assert f'<span class="ln">97</span><mark>{html.escape(heading.rstrip())}</mark>' in block


def test_the_policy_allows_the_pages_own_style_and_script_and_nothing_else(capsys):
    page = report(capsys, SEEDS)
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    (style,) = re.findall(r"<style>(.*?)</style>", page, re.S)
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.S)

    def digest(source: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"

    assert policy.startswith("default-src 'none'; ")
    assert f"style-src {digest(style)};" in policy and f"script-src {digest(script)};" in policy
    assert "unsafe-inline" not in policy and not re.search(r"<[^>]*\son[a-z]+=", page)  # no inline handler


def test_the_same_run_writes_the_same_bytes(capsys):
    assert report(capsys, SEEDS, CORPUS) == report(capsys, SEEDS, CORPUS)


def test_a_redacted_report_shows_no_passage(capsys):
    page = report(capsys, SEEDS / "001_4c5777553f12bddd.txt", arguments=("--redact",))
    assert "Refers to" not in page and "<pre>" not in page
    assert "Passage withheld (--redact)." in page


# --- in a browser ------------------------------------------------------------------------------


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """250 letters (the 68 real letters copied round-robin) and their JSON findings."""
    folder = tmp_path_factory.mktemp("archive")
    letters = sorted(CORPUS.glob("*.txt")) + sorted(SEEDS.glob("*.txt"))
    for index in range(250):
        source = letters[index % len(letters)]
        shutil.copyfile(source, folder / f"{index:03d}_{source.name}")
    return folder


@pytest.fixture
def opened(browser, archive, capsys, tmp_path):
    page_file = tmp_path / "report.html"
    page_file.write_text(report(capsys, archive), encoding="utf-8")
    _, out, _ = run(capsys, "check", "--no-cache", "--exit-zero", "--format", "json", str(archive))
    findings = json.loads(out)
    page = browser.new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(page_file.as_uri())
    yield page, findings
    assert problems == []  # no script error, nothing the policy refused
    page.close()


def visible_letters(page) -> list[str]:
    return page.eval_on_selector_all(
        "#letters tbody tr", "rows => rows.filter(row => row.offsetParent !== null).map(row => row.cells[0].dataset.v)"
    )


def visible_sections(page) -> list[str]:
    return page.eval_on_selector_all(
        "section.letter", "sections => sections.filter(section => !section.hidden).map(section => section.id)"
    )


def test_the_letters_are_shown_a_page_at_a_time(opened, archive):
    page, _ = opened
    names = sorted(str(path) for path in archive.iterdir())
    assert page.inner_text("#count") == "250 of 250 letters"
    assert visible_letters(page) == names[:100]
    page.click("#next")
    assert visible_letters(page) == names[100:200]
    assert page.inner_text("#page") == "letters 101-200 of 250"
    page.click("#next")
    assert visible_letters(page) == names[200:]
    assert page.is_disabled("#next") and not page.is_disabled("#prev")


def test_filters_choose_the_letters_and_their_findings(opened):
    page, findings = opened
    with_212 = sorted({finding["path"] for finding in findings if finding["code"] == "IMR212"})
    page.select_option("#f-rule", "IMR212")
    assert page.inner_text("#count") == f"{len(with_212)} of 250 letters"
    assert sorted(visible_letters(page)) == with_212
    assert len(visible_sections(page)) == len(with_212)
    shown_codes = page.eval_on_selector_all(
        "section.letter:not([hidden]) .finding", "nodes => nodes.filter(n => !n.hidden).map(n => n.dataset.f)"
    )
    assert set(shown_codes) == {"IMR212:info"}
    # a rule and a severity that no finding has together
    page.select_option("#f-severity", "error")
    assert page.inner_text("#count") == "0 of 250 letters"
    page.select_option("#f-rule", "")
    with_errors = sorted({finding["path"] for finding in findings if finding["severity"] == "error"})
    assert sorted(visible_letters(page)) == with_errors[:100]
    page.select_option("#f-severity", "")
    page.check("#f-only")
    assert page.inner_text("#count") == f"{len({finding['path'] for finding in findings})} of 250 letters"


def test_the_label_filter_and_the_search(opened):
    page, findings = opened
    labelled = page.eval_on_selector_all(
        "#letters tbody tr", "rows => rows.filter(r => / Overturned /.test(' ' + r.cells[0].dataset.l + ' ')).length"
    )
    overturned = page.eval_on_selector_all(
        "#letters tbody tr", "rows => rows.filter(r => r.cells[3].textContent !== '0').length"
    )
    assert labelled == overturned > 0
    page.select_option("#f-label", "Overturned")
    assert page.inner_text("#count") == f"{overturned} of 250 letters"
    page.select_option("#f-label", "")
    page.fill("#f-q", "017_")
    expect(page.locator("#count")).to_have_text("1 of 250 letters")
    (only,) = visible_letters(page)
    assert only.split("/")[-1].startswith("017_")
    # the search reads the findings' messages too
    message = findings[0]["message"][:30]
    page.fill("#f-q", message.upper())
    expected = {finding["path"] for finding in findings if message.lower() in finding["message"].lower()}
    expect(page.locator("#count")).to_have_text(f"{len(expected)} of 250 letters")


def test_sorting_orders_every_letter_not_just_a_page(opened):
    page, _ = opened
    every = page.eval_on_selector_all("#letters tbody tr", "rows => rows.map(r => Number(r.cells[1].textContent))")
    page.click("#letters th:nth-child(2)")  # Items, ascending
    shown = page.eval_on_selector_all("#letters tbody tr.on", "rows => rows.map(r => Number(r.cells[1].textContent))")
    assert shown == sorted(every)[:100]
    page.click("#letters th:nth-child(2)")  # descending
    shown = page.eval_on_selector_all("#letters tbody tr.on", "rows => rows.map(r => Number(r.cells[1].textContent))")
    assert shown == sorted(every, reverse=True)[:100]
