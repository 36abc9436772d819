"""An example imrlint plugin: see plugin.py and README.md."""
