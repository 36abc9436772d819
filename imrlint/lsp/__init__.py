"""``imrlint lsp``: a language server for letters kept as text (pygls): diagnostics as a letter is
opened, changed and saved, the rule's documentation on hover, code actions for the fixes, and the
configuration found from each letter (or the client's ``imrlint.config`` setting)."""
