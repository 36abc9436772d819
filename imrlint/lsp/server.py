"""The language server: each open letter is linted as ``imrlint check`` would lint it (the
configuration found from its path, or the client's ``imrlint.config``), and its findings are
published as diagnostics on open, change and save.

A diagnostic's code links to the rule's documentation (``codeDescription``: a Markdown file of
``imrlint rule CODE`` written once per version to imrlint's cache directory); hovering it shows
that documentation with the finding's message and its fix; the code actions apply the fixes
(each finding's, and all the safe ones of a letter at once: ``source.fixAll``).  A
change to the client's settings, or to a configuration file (``.imrlint.yaml``, ``.imrlint.yml``,
``pyproject.toml``) saved in the editor or on disk, re-lints every open letter.
"""

from __future__ import annotations

import os
import pathlib
import sys
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from imrlint import __version__
from imrlint.errors import ConfigError
from imrlint.input.document import Document
from imrlint.lint.cache import default_directory
from imrlint.lint.session import Session
from imrlint.plugins.manager import RuleSet, load_rule_set, plugin_manager
from imrlint.rules.findings import Finding

SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
CONFIGURATION_FILES = (".imrlint.yaml", ".imrlint.yml", "pyproject.toml")


def path_of(uri: str) -> str:
    """The file path of a file: URI (any other URI is named by its path part)."""
    parsed = urlparse(uri)
    return unquote(parsed.path) or uri


def cache_directory() -> pathlib.Path:
    """Where the rules' documentation files are written: in imrlint's cache directory (which
    ``IMRLINT_CACHE_DIR`` moves), one folder per version."""
    return default_directory() / "rules" / __version__


class ImrlintServer(LanguageServer):
    """What the server keeps: the rules, the session of the current settings and each open
    letter's document and findings."""

    def __init__(self) -> None:
        super().__init__("imrlint", __version__)
        self.rule_set: RuleSet = load_rule_set(plugin_manager())
        self.config_path: str | None = None
        self.session = Session(self.rule_set)
        self.letters: dict[str, tuple[Document, list[Finding]]] = {}
        self.encoding = types.PositionEncodingKind.Utf16

    def configure(self, settings: Any) -> None:
        """Take the client's ``imrlint`` settings (``config``: a configuration file) and start a
        new session, so that every configuration is read again."""
        section = settings.get("imrlint", settings) if isinstance(settings, dict) else {}
        config = section.get("config") if isinstance(section, dict) else None
        self.config_path = os.path.expanduser(config) if config else None
        self.session = Session(self.rule_set, self.config_path)

    def lint(self, uri: str) -> None:
        """Lint the open letter at ``uri`` and publish its diagnostics."""
        from imrlint.lsp.positions import lsp_range

        text = self.workspace.get_text_document(uri).source
        path = path_of(uri)
        try:
            report = self.session.lint_bytes(text.encode("utf-8"), path)
        except ConfigError as error:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"imrlint: {error}"))
            return
        document = Document(path, text)
        self.letters[uri] = (document, report.findings)
        diagnostics = [
            types.Diagnostic(
                range=lsp_range(document, finding.span, self.encoding),
                message=finding.message,
                severity=SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
                code=finding.code,
                code_description=types.CodeDescription(href=self.documentation_uri(finding.code)),
                source="imrlint",
                data={"name": finding.name, "fix": finding.fix.applicability if finding.fix else None},
            )
            for finding in report.findings
        ]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    def documentation(self, code: str) -> str:
        from imrlint.cli.ruledoc import rule_documentation

        rule_set = self.session.rules
        if code not in rule_set.rules:
            return ""
        return rule_documentation(rule_set.rules[code], rule_set.defaults[code])

    def documentation_uri(self, code: str) -> str:
        """A file: URI of the rule's documentation, written on first use."""
        path = cache_directory() / f"{code}.md"
        if not path.exists():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(self.documentation(code), encoding="utf-8")
            except OSError:
                pass
        return path.as_uri()

    def relint_all(self) -> None:
        for uri in list(self.letters):
            self.lint(uri)


server = ImrlintServer()


@server.feature(types.INITIALIZE)
def initialize(ls: ImrlintServer, params: types.InitializeParams) -> None:
    encodings = (params.capabilities.general.position_encodings if params.capabilities.general else None) or []
    if types.PositionEncodingKind.Utf32 in encodings:
        ls.encoding = types.PositionEncodingKind.Utf32
    if params.initialization_options:
        ls.configure(params.initialization_options)


@server.feature(types.INITIALIZED)
def initialized(ls: ImrlintServer, params: types.InitializedParams) -> None:
    """Ask to be told of changes to configuration files on disk, where the client can."""
    capabilities = ls.client_capabilities.workspace
    watched = capabilities.did_change_watched_files if capabilities else None
    if watched is not None and watched.dynamic_registration:
        ls.client_register_capability(
            types.RegistrationParams(
                registrations=[
                    types.Registration(
                        id="imrlint-configuration",
                        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                        register_options=types.DidChangeWatchedFilesRegistrationOptions(
                            watchers=[
                                types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIGURATION_FILES
                            ]
                        ),
                    )
                ]
            )
        )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: ImrlintServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.lint(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ImrlintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.lint(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: ImrlintServer, params: types.DidSaveTextDocumentParams) -> None:
    if os.path.basename(path_of(params.text_document.uri)) in CONFIGURATION_FILES:
        ls.configure({"imrlint": {"config": ls.config_path}})
        ls.relint_all()
    elif params.text_document.uri in ls.letters:
        ls.lint(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ImrlintServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.letters.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: ImrlintServer, params: types.DidChangeConfigurationParams) -> None:
    ls.configure(params.settings or {})
    ls.relint_all()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: ImrlintServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(os.path.basename(path_of(change.uri)) in CONFIGURATION_FILES for change in params.changes):
        ls.configure({"imrlint": {"config": ls.config_path}})
        ls.relint_all()


def _at(ls: ImrlintServer, uri: str, where: types.Position) -> list[Finding]:
    from imrlint.lsp.positions import column_of

    document, findings = ls.letters.get(uri, (None, []))
    if document is None:
        return []
    point = column_of(document, where, ls.encoding)
    return [
        finding
        for finding in findings
        if (finding.span.line, finding.span.column) <= point <= (finding.span.end_line, finding.span.end_column)
    ]


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: ImrlintServer, params: types.HoverParams) -> types.Hover | None:
    """The documentation of the rules whose findings are under the cursor."""
    found = _at(ls, params.text_document.uri, params.position)
    if not found:
        return None
    parts = []
    for finding in found:
        part = f"**{finding.code} {finding.name}** ({finding.severity}): {finding.message}"
        if finding.fix is not None:
            replacements = "; ".join(
                f"`{edit.replacement}`" if edit.replacement else "delete" for edit in finding.fix.edits
            )
            part += f"\n\n*Fix ({finding.fix.applicability}):* {finding.fix.message} — {replacements}"
        parts.append(part + "\n\n```text\n" + ls.documentation(finding.code) + "```")
    return types.Hover(contents=types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(parts)))


def _workspace_edit(ls: ImrlintServer, uri: str, findings: list[Finding]) -> types.WorkspaceEdit:
    from imrlint.lsp.positions import lsp_range

    document, _ = ls.letters[uri]
    edits = [
        types.TextEdit(lsp_range(document, edit.span, ls.encoding), edit.replacement)
        for finding in findings
        if finding.fix is not None
        for edit in finding.fix.edits
    ]
    return types.WorkspaceEdit(changes={uri: edits})


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]),
)
def code_action(ls: ImrlintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """A quick fix for each finding in the range whose fix may be applied (safe, or unsafe and
    said so; never a display-only one, which would rewrite legal wording), and one that applies
    every safe fix of the letter that do not overlap."""
    from imrlint.fix.edits import apply_fixes

    uri = params.text_document.uri
    if uri not in ls.letters:
        return []
    document, findings = ls.letters[uri]
    start = _at(ls, uri, params.range.start)
    end = _at(ls, uri, params.range.end)
    actions = []
    for finding in dict.fromkeys([*start, *end]):
        fix = finding.fix
        if fix is None or fix.applicability == "display-only":
            continue
        unsafe = " (unsafe)" if fix.applicability == "unsafe" else ""
        actions.append(
            types.CodeAction(
                title=f"imrlint: {fix.message}{unsafe} ({finding.code})",
                kind=types.CodeActionKind.QuickFix,
                is_preferred=fix.applicability == "safe",
                edit=_workspace_edit(ls, uri, [finding]),
            )
        )
    safe = apply_fixes(document.text, document.line_starts, findings).fixed
    if safe:
        actions.append(
            types.CodeAction(
                title=f"imrlint: apply every safe fix in this letter ({len(safe)})",
                kind=types.CodeActionKind.SourceFixAll,
                edit=_workspace_edit(ls, uri, safe),
            )
        )
    return actions


def serve_stdio(config: str | None = None) -> int:
    """Run the server on standard input and output until the client ends it; ``config`` is the
    configuration file to use until the client's settings name another."""
    if config:
        server.configure({"imrlint": {"config": config}})
    server.start_io(sys.stdin.buffer, sys.stdout.buffer)
    return 0
