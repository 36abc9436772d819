"""``python -m imrlint``."""

from imrlint.cli.main import command

command()
