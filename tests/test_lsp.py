"""imrlint lsp end to end, driven by pytest-lsp as an editor drives it: diagnostics on open,
change and save with their codes linked to the rules' documentation, hover, the code actions
that apply the fixes, and the workspace's configuration (re-read when it changes)."""

from __future__ import annotations

import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import CORPUS, SEEDS, edited

MRI = CORPUS / "CM16-0213037.txt"
SEED_004 = SEEDS / "004_2a473cbf33bb0773.txt"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "imrlint", "lsp"]))
async def client(lsp_client: LanguageClient, tmp_path):
    registered = lsp_client.registered = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registered.extend(params.registrations)

    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="letters")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def opened(client: LanguageClient, path, text: str) -> list[types.Diagnostic]:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="plaintext", version=1, text=text))
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[uri]


@pytest.mark.asyncio
async def test_diagnostics_on_open_link_to_the_rules_documentation(client: LanguageClient, tmp_path):
    diagnostics = await opened(client, tmp_path / "seed.txt", SEED_004.read_text(encoding="utf-8"))
    by_code = {diagnostic.code: diagnostic for diagnostic in diagnostics}
    misspelt = by_code["IMR210"]
    assert misspelt.range == types.Range(types.Position(249, 0), types.Position(249, 10))
    assert misspelt.severity == types.DiagnosticSeverity.Warning
    assert misspelt.source == "imrlint"
    assert misspelt.message.startswith("'Omepraxole' in the heading is spelt 'Omeprazole'")
    assert misspelt.code_description is not None
    documentation = misspelt.code_description.href
    assert documentation.startswith("file://") and documentation.endswith("/IMR210.md")
    assert by_code["IMR312"].severity == types.DiagnosticSeverity.Information


@pytest.mark.asyncio
async def test_positions_count_utf16_code_units(client: LanguageClient, tmp_path):
    # an emoji before the finding on its line is two UTF-16 code units, one code point
    text = edited(MRI, ("an MRI of \nthe shoulder. However", "an MRI of \n\U0001f600 the the shoulder. However"))
    diagnostics = await opened(client, tmp_path / "emoji.txt", text)
    (doubled,) = [diagnostic for diagnostic in diagnostics if diagnostic.code == "IMR603"]
    assert doubled.range == types.Range(types.Position(61, 7), types.Position(61, 10))


@pytest.mark.asyncio
async def test_change_and_save_lint_again(client: LanguageClient, tmp_path):
    path = tmp_path / "mri.txt"
    uri = path.as_uri()
    assert list(await opened(client, path, MRI.read_text(encoding="utf-8"))) == []
    text = edited(MRI, ("without contrast: Upheld", "without contrast: Overturned"))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert [diagnostic.code for diagnostic in client.diagnostics[uri]] == ["IMR206"]
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert [diagnostic.code for diagnostic in client.diagnostics[uri]] == ["IMR206"]


@pytest.mark.asyncio
async def test_hover_shows_the_rule_and_its_fix(client: LanguageClient, tmp_path):
    path = tmp_path / "seed.txt"
    await opened(client, path, SEED_004.read_text(encoding="utf-8"))
    result = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=path.as_uri()), types.Position(249, 3))
    )
    assert result is not None
    contents = result.contents
    assert isinstance(contents, types.MarkupContent) and contents.kind == types.MarkupKind.Markdown
    assert contents.value.startswith("**IMR210 item-name-misspelt** (warning): 'Omepraxole' in the heading")
    assert "*Fix (safe):* spell the name as the summary and the rationale do — `Omeprazole`" in contents.value
    assert "Labor Code 4610.5(d)" in contents.value  # the rule's documentation: why, with its legal basis
    nothing = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=path.as_uri()), types.Position(0, 0))
    )
    assert nothing is None


@pytest.mark.asyncio
async def test_code_actions_apply_the_fixes(client: LanguageClient, tmp_path):
    path = tmp_path / "seed.txt"
    uri = path.as_uri()
    diagnostics = await opened(client, path, SEED_004.read_text(encoding="utf-8"))
    misspelt = next(diagnostic for diagnostic in diagnostics if diagnostic.code == "IMR210")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=misspelt.range,
            context=types.CodeActionContext(diagnostics=[misspelt]),
        )
    )
    assert actions is not None
    quick, fix_all = actions
    assert isinstance(quick, types.CodeAction) and isinstance(fix_all, types.CodeAction)
    assert (quick.title, quick.kind, quick.is_preferred) == (
        "imrlint: spell the name as the summary and the rationale do (IMR210)",
        types.CodeActionKind.QuickFix,
        True,
    )
    assert quick.edit is not None and quick.edit.changes == {
        uri: (types.TextEdit(types.Range(types.Position(249, 0), types.Position(249, 10)), "Omeprazole"),)
    }
    assert fix_all.title == "imrlint: apply every safe fix in this letter (2)"
    assert fix_all.edit is not None and len(fix_all.edit.changes[uri]) == 2


@pytest.mark.asyncio
async def test_legal_wording_gets_no_code_action(client: LanguageClient, tmp_path):
    path = tmp_path / "mri.txt"
    text = edited(MRI, ("Therefore the request for an MRI", "Therefore the request for an an MRI"))
    (doubled,) = await opened(client, path, text)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=doubled.range,
            context=types.CodeActionContext(diagnostics=[doubled]),
        )
    )
    assert list(actions or []) == []


@pytest.mark.asyncio
async def test_the_workspace_configuration_applies_and_a_change_lints_again(client: LanguageClient, tmp_path):
    path = tmp_path / "mri.txt"
    uri = path.as_uri()
    config = tmp_path / ".imrlint.yaml"
    config.write_text("extend-select: [IMR604]\n", encoding="utf-8")
    assert [diagnostic.code for diagnostic in await opened(client, path, MRI.read_text(encoding="utf-8"))] == ["IMR604"]
    (watcher,) = client.registered  # type: ignore[attr-defined]  # asked for when the session began
    assert watcher.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    config.write_text("ignore: [IMR604]\n", encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(config.as_uri(), types.FileChangeType.Changed)])
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(client.diagnostics[uri]) == []
    other = tmp_path / "other.yaml"
    other.write_text("select: [IMR604]\n", encoding="utf-8")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"imrlint": {"config": str(other)}})
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert [diagnostic.code for diagnostic in client.diagnostics[uri]] == ["IMR604"]


def test_the_rules_documentation_is_written_in_imrlint_s_cache_directory(monkeypatch, tmp_path):
    from imrlint import __version__
    from imrlint.lsp.server import cache_directory

    monkeypatch.setenv("IMRLINT_CACHE_DIR", str(tmp_path))
    assert cache_directory() == tmp_path / "rules" / __version__
