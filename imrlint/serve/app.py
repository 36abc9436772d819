"""The web page's server: one page (static files shipped in the package) and a small JSON API.

- ``POST /api/lint`` takes a letter as the request body (its name in ``X-Letter-Name``) and
  answers its text (a PDF's or Word file's as extracted), findings (with offsets into the text in
  UTF-16 code units, as the browser counts), disputed items, pages or paragraphs, and the
  documentation of the rules that found something.
- ``POST /api/report?format=html|csv|sarif`` answers the report of the same letter, to download.
- ``GET /api/info`` names imrlint's version and the configuration in use.

The letter is read from the request into memory, linted and forgotten: it is never written to
disk (the body is read as bytes, up to the size limit, not parsed as a form that would spool to a
temporary file).  The server listens on 127.0.0.1 unless told otherwise; it answers only requests
addressed to the host it serves (no DNS rebinding) and refuses any request from another origin
(no CORS headers are ever sent); every response forbids framing, and the page runs under a
Content-Security-Policy that allows only its own script and style.
"""

from __future__ import annotations

import io
import os

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from imrlint import __version__
from imrlint.input.read import LETTER_SUFFIXES, read_bytes
from imrlint.lint.session import Session
from imrlint.plugins.manager import load_rule_set, plugin_manager
from imrlint.serve.letter import letter_view

STATIC = os.path.join(os.path.dirname(__file__), "static")
MAX_UPLOAD = 10 * 1024 * 1024
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
REPORT_FORMATS = {
    "html": ("text/html", "html"),
    "csv": ("text/csv", "csv"),
    "sarif": ("application/sarif+json", "sarif"),
}


class SecurityHeaders:
    """Headers on every response: the page's Content-Security-Policy, no framing, no sniffing,
    no referrer, nothing cached."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cache-control", b"no-store"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class Desk:
    """What the server holds between requests: the rules and the configuration (found from the
    directory it was started in, or the file given), never a letter."""

    def __init__(self, config: str | None, root: str, max_upload: int):
        self.rule_set = load_rule_set(plugin_manager())
        self.config = config
        self.root = root
        self.max_upload = max_upload
        self.session = Session(self.rule_set, config)
        self.session.linter_for(os.path.join(root, "letter.txt"))  # a configuration error stops the start

    def configuration(self) -> str:
        file = self.session.config_file(os.path.join(self.root, "letter.txt"))
        return file or "the rules' defaults (no configuration file found)"

    def path(self, name: str) -> str:
        """Where a letter named ``name`` would be, for the configuration and its overrides."""
        return os.path.join(self.root, os.path.basename(name.replace("\\", "/")) or "letter.txt")


class UploadError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


async def _letter(request: Request, desk: Desk) -> tuple[str, bytes]:
    """The uploaded letter's name and bytes, read into memory up to the size limit."""
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.headers.get('host', '')}":
        raise UploadError(403, "a request from another site is refused")
    name = request.headers.get("x-letter-name", "").strip()
    if not name.lower().endswith(LETTER_SUFFIXES):
        raise UploadError(415, "not a letter: open a .txt, .pdf or .docx file")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > desk.max_upload:
        raise UploadError(413, f"the file is over the {desk.max_upload:,}-byte limit")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > desk.max_upload:
            raise UploadError(413, f"the file is over the {desk.max_upload:,}-byte limit")
    return name, bytes(body)


def _error(error: UploadError) -> JSONResponse:
    return JSONResponse({"error": str(error)}, status_code=error.status)


async def index(request: Request) -> Response:
    return FileResponse(os.path.join(STATIC, "index.html"), media_type="text/html; charset=utf-8")


async def info(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    return JSONResponse({"version": __version__, "configuration": desk.configuration()})


async def lint(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    try:
        name, data = await _letter(request, desk)
    except UploadError as error:
        return _error(error)
    path = desk.path(name)
    linter = desk.session.linter_for(path)
    read = read_bytes(data, name, max_bytes=linter.max_bytes)
    if read.document is None:
        problem = read.problems[0].message if read.problems else "not a letter"
        return JSONResponse({"error": f"{name}: {problem}"}, status_code=422)
    report = linter.lint_bytes(data, name)
    return JSONResponse(letter_view(name, read.document, report, desk.session.rules))


async def report(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    kind = request.query_params.get("format", "html")
    if kind not in REPORT_FORMATS:
        return JSONResponse({"error": f"no report format '{kind}'"}, status_code=400)
    try:
        name, data = await _letter(request, desk)
    except UploadError as error:
        return _error(error)
    from imrlint.lint.parallel import check_run

    stream = io.StringIO()
    reporter_class = desk.rule_set.formats[kind]

    class Captured(reporter_class):  # type: ignore[misc, valid-type]
        def __init__(self, _stream):
            super().__init__(stream)

    session = Session(desk.rule_set, desk.config)
    path = desk.path(name)
    check_run(
        session,
        [path],
        Captured,
        named_paths=[path],
        output_file=os.devnull,
        jobs=1,
        local=lambda _: session.linter_for(path).lint_bytes(data, name),
        finish_report=session.finish_report,
        settings={"format": kind},
    )
    media_type, suffix = REPORT_FORMATS[kind]
    download = os.path.splitext(os.path.basename(name))[0] + f".imrlint.{suffix}"
    return Response(
        stream.getvalue(),
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{download}"'},
    )


def create_app(
    config: str | None = None, root: str | None = None, max_upload: int = MAX_UPLOAD, hosts=None
) -> Starlette:
    """The web page's application: the configuration ``config`` (default: found from ``root``,
    the current directory), answering requests addressed to ``hosts``."""
    app = Starlette(
        routes=[
            Route("/", index),
            Route("/api/info", info),
            Route("/api/lint", lint, methods=["POST"]),
            Route("/api/report", report, methods=["POST"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=hosts or ["127.0.0.1", "localhost", "[::1]"]),
        ],
    )
    app.state.desk = Desk(config, root or os.getcwd(), max_upload)
    return app


def run_server(host: str, port: int, config: str | None, open_browser: bool = True) -> int:
    """Serve the page until Ctrl-C; the address is printed (and opened in a browser)."""
    import socket
    import sys
    import webbrowser

    import uvicorn

    loopback = host in ("127.0.0.1", "localhost", "::1")
    app = create_app(config, hosts=None if loopback else ["*"])
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{listener.getsockname()[1]}/"
    print(f"imrlint: the web page is at {address} (Ctrl-C to stop)", file=sys.stderr)
    if not loopback:
        print(f"imrlint: warning: listening on {host}: other machines can reach the page", file=sys.stderr)
    if open_browser:
        webbrowser.open(address)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[listener])
    return 0
