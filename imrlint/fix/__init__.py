"""Fixes: applying the corrections findings carry to the letters they were found in.

:mod:`imrlint.fix.edits` applies fixes to a text, :mod:`imrlint.fix.text_file` reads and writes a
text letter keeping its encoding, byte-order mark and line breaks, and :mod:`imrlint.fix.session`
runs ``imrlint check --fix`` and ``--diff`` (a lint session that fixes each letter before it is
reported).  PDF and Word letters are never changed.
"""
