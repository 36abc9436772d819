"""The rules: how a rule is declared and what it receives (:mod:`imrlint.rules.base`), the
findings it yields (:mod:`imrlint.rules.findings`), rules defined in configuration
(:mod:`imrlint.rules.custom`), and imrlint's own rules, one module per rule family, registered
through the same plugin hooks a third-party package uses (:mod:`imrlint.plugins.builtin`)."""
