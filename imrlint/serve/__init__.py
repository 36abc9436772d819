"""``imrlint serve``: a local web page for editors (Starlette on uvicorn; the ``serve`` extra).
Open or drop a letter and see its findings in place, the rules' documentation and the fixes;
nothing leaves the machine and no letter is written to disk."""
