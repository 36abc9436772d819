"""imrlint serve: the API on a real server (uvicorn on a free loopback port), and the page in a
real browser (Debian's chromium driven by Playwright): real DOCX, PDF and text letters uploaded,
their findings highlighted in place, the jump, the rule panel, the filters, uploads refused, and
a letter holding <script> that runs nothing."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest
import uvicorn

from imrlint.serve.app import create_app

from conftest import CORPUS, PDFS, SEEDS, SHAPES, edited

MRI = CORPUS / "CM16-0213037.txt"
SEED_004 = SEEDS / "004_2a473cbf33bb0773.txt"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The page's server on a free loopback port, with a configuration in its directory."""
    root = tmp_path_factory.mktemp("desk")
    (root / ".imrlint.yaml").write_text("extend-select: [IMR604]\n", encoding="utf-8")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(create_app(root=str(root), max_upload=2_000_000), log_level="warning"))
    thread = threading.Thread(target=running.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}", root
    running.should_exit = True
    thread.join(10)


def post(url: str, data: bytes, name: str, **headers: str):
    request = urllib.request.Request(url, data=data, headers={"X-Letter-Name": name, **headers}, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_api_lints_a_letter_with_the_configuration_found(server):
    base, root = server
    with urllib.request.urlopen(base + "/api/info") as response:
        assert json.load(response)["configuration"] == str(root / ".imrlint.yaml")
    status, headers, body = post(base + "/api/lint", MRI.read_bytes(), "CM16-0213037.txt")
    letter = json.loads(body)
    assert status == 200
    assert "default-src 'none'; script-src 'self'; style-src 'self'" in headers["content-security-policy"]
    assert "access-control-allow-origin" not in headers
    (finding,) = letter["findings"]
    assert (finding["code"], finding["line"], finding["column"], finding["item"]) == ("IMR604", 42, 56, None)
    assert letter["text"][finding["start"] : finding["end"]] == "diagnostic imaging"
    assert [item["label"] for item in letter["items"]] == ["Upheld", "Upheld"]
    assert letter["rules"]["IMR604"]["why"].startswith("A repeated entry says less")


def test_the_api_refuses_what_is_not_a_letter_too_large_or_from_elsewhere(server):
    base, _ = server
    assert post(base + "/api/lint", b"\x89PNG\r\n", "photo.png")[0] == 415
    status, _, body = post(base + "/api/lint", b"\x00\x01binary", "letter.txt")
    assert (status, json.loads(body)["error"]) == (
        422,
        "letter.txt: binary data, not a text letter (NUL bytes or control characters)",
    )
    connection = http.client.HTTPConnection(base.removeprefix("http://"))
    connection.putrequest("POST", "/api/lint")
    connection.putheader("X-Letter-Name", "big.txt")
    connection.putheader("Content-Length", "2000001")
    connection.endheaders()  # answered before the body is sent
    assert connection.getresponse().status == 413
    connection.close()
    assert post(base + "/api/lint", MRI.read_bytes(), "a.txt", Origin="http://evil.example")[0] == 403
    assert post(base + "/api/lint", MRI.read_bytes(), "a.txt", Host="evil.example")[0] == 400


def test_the_api_reports_as_html_csv_and_sarif(server):
    base, _ = server
    for kind, start in (("html", b"<!DOCTYPE html>"), ("csv", b"path,line,column"), ("sarif", b'{"$schema"')):
        status, headers, body = post(base + f"/api/report?format={kind}", SEED_004.read_bytes(), "seed.txt")
        assert status == 200 and body.startswith(start), kind
        assert headers["content-disposition"] == f'attachment; filename="seed.imrlint.{kind}"'
    assert b"seed.txt,91,90" in post(base + "/api/report?format=csv", SEED_004.read_bytes(), "seed.txt")[2]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    base, _ = server
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + "/")
    page.wait_for_selector("#configuration:not(:empty)")
    yield page
    page.close()
    assert errors == []


def test_a_text_letter_shows_its_findings_in_place_and_jumps_to_them(page):
    page.set_input_files("#file", str(SEED_004))
    page.wait_for_selector("#text mark")
    assert page.locator("#text mark").count() == 2
    assert page.locator("#findings .finding").count() == 2
    assert page.locator("#items li").count() == 4
    assert page.locator("#items li").first.inner_text() == "Norco 10/325mg #120 for 30 days Upheld"
    page.locator("#findings .finding", has_text="IMR210").click()
    mark = page.locator("#text mark.active")
    assert mark.inner_text() == "Omepraxole"
    assert mark.is_visible()
    rule = page.locator("#rule")
    assert "Labor Code 4610.5(d)" in rule.inner_text()
    assert rule.locator(".fix del").inner_text() == "Omepraxole"
    assert rule.locator(".fix ins").inner_text() == "Omeprazole"


def test_the_filters_hide_findings(page):
    page.set_input_files("#file", str(SEED_004))
    page.wait_for_selector("#text mark")
    page.locator("input[data-severity=info]").uncheck()
    assert [text.split()[1] for text in page.locator("#findings .finding").all_inner_texts()] == ["IMR210"]
    assert page.locator("#count").inner_text() == "(1 of 2)"
    page.locator("input[data-severity=info]").check()
    page.select_option("#item-filter", "1")
    assert [text.split()[1] for text in page.locator("#findings .finding").all_inner_texts()] == ["IMR312"]


def test_pdf_and_docx_letters_show_pages_and_paragraphs(page):
    page.set_input_files("#file", str(PDFS / "CM16-0213037.pdf"))
    page.wait_for_selector("#text .unit")
    assert page.locator("#text .unit").all_inner_texts() == ["page 1", "page 2"]
    assert "page 1" in page.locator("#findings .finding").first.inner_text()
    page.set_input_files("#file", str(SHAPES / "docx" / "CM16-0213037.docx"))
    page.wait_for_selector("#name:has-text('(DOCX)')")
    assert "paragraph 24" in page.locator("#findings .finding").first.inner_text()
    page.locator("#findings .finding").first.click()
    assert page.locator("#text mark.active").inner_text() == "diagnostic imaging"


def test_uploads_that_are_not_letters_or_too_large_are_refused(page, tmp_path):
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n")
    page.set_input_files("#file", str(photo))
    page.wait_for_selector("#error:not([hidden])")
    assert page.locator("#error").inner_text() == "not a letter: open a .txt, .pdf or .docx file"
    big = tmp_path / "big.txt"
    big.write_bytes(b"letter " * 300_000)
    page.set_input_files("#file", str(big))
    page.wait_for_selector("#error:has-text('limit')")
    assert page.locator("#error").inner_text() == "the file is over the 2,000,000-byte limit"


def test_a_letter_holding_a_script_runs_nothing(page, tmp_path):
    letter = tmp_path / "script.txt"
    script = '<script>window.imrlintRan = true</script><img src=x onerror="window.imrlintRan = true">'
    letter.write_text(
        edited(
            MRI,
            (
                "MRI of the right shoulder without contrast: Upheld",
                script + " MRI of the right shoulder without contrast: Upheld",
            ),
        ),
        encoding="utf-8",
    )
    page.set_input_files("#file", str(letter))
    page.wait_for_selector("#items li")
    page.wait_for_timeout(200)
    assert page.evaluate("window.imrlintRan === undefined")
    assert script in page.locator("#text").inner_text()
    assert script in page.locator("#items li").first.inner_text()
