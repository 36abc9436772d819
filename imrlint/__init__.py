"""imrlint: a compliance linter for California workers' compensation IMR Final Determination letters."""

__version__ = "0.1.0"
