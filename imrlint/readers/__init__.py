"""Readers that turn PDF and DOCX letters into plain text for the linter.

Each reader takes the file's bytes and returns an :class:`~imrlint.readers.extracted.Extracted`
or raises :class:`~imrlint.readers.extracted.ExtractionError`. The third-party libraries they
need are optional extras, imported only when a reader is called, so plain-text linting stays
dependency-free.
"""
