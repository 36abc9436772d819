"""Letters named by fsspec URLs: ``s3://bucket/2017/``, ``gs://...``, ``file:///srv/letters``,
``memory://...`` — wherever the matching fsspec backend is installed (s3fs, gcsfs, adlfs, ...).

A URL is read where imrlint runs: on a Dask cluster, by the worker linting the letter, so the
letters go from the store to the workers and never through the machine that started the run.  A
URL that names a directory (a prefix, in an object store) stands for the letters under it, in
path order, as a local directory does.
"""

from __future__ import annotations

from imrlint.input.read import InputProblem, ReadResult


def _filesystem(url: str):
    """(filesystem, path in it) for ``url``; raises ImportError when fsspec (or the backend for
    the URL's scheme) is missing, ValueError for an unknown scheme."""
    import fsspec.core

    return fsspec.core.url_to_fs(url)


def _missing_backend(url: str, error: Exception) -> str:
    scheme = url.split("://", 1)[0]
    if isinstance(error, ImportError) and getattr(error, "name", None) == "fsspec":
        return "reading letters by URL needs fsspec: pip install fsspec"
    return f"cannot read {scheme}:// URLs: {error}"


def read_url(url: str, max_bytes: int) -> bytes | ReadResult:
    """The bytes of the letter at ``url`` (at most ``max_bytes`` + 1 of them, enough to report
    one over the limit), or the problem that kept it from being read."""
    try:
        filesystem, path = _filesystem(url)
        with filesystem.open(path, "rb") as handle:
            return handle.read(max_bytes + 1)
    except (ImportError, ValueError) as error:
        return ReadResult(None, (InputProblem("unreadable-file", _missing_backend(url, error)),))
    except (OSError, FileNotFoundError) as error:
        return ReadResult(None, (InputProblem("unreadable-file", f"cannot read file: {error.strerror or error}"),))


def _hidden(relative: str) -> bool:
    """Whether a path below a directory named passes through a hidden folder (or is hidden)."""
    return any(part.startswith(".") for part in relative.split("/"))


def url_files(url: str) -> list[str] | None:
    """The files ``url`` stands for: itself when it names a file, the files under it (sorted;
    none in a hidden folder) when it names a directory; None when nothing is there.  A URL whose
    scheme no installed backend reads stands for itself (reading it then says why it cannot be
    read)."""
    try:
        filesystem, path = _filesystem(url)
        if not filesystem.isdir(path):
            return [url] if filesystem.exists(path) else None
        protocol = url.split("://", 1)[0]
        found = sorted(name for name in filesystem.find(path) if not _hidden(name[len(path) :]))
    except (ImportError, ValueError, OSError):
        return [url]
    return [name if "://" in name else f"{protocol}://{name}" for name in found]
