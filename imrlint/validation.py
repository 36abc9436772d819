"""Checking a document against a JSON Schema (jsonschema, imported only when there is something to
check): the first, most specific error, for the caller to word as its own error."""

from __future__ import annotations

import datetime
from collections import deque
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema


def best_error(document: Any, schema: Mapping[str, Any]) -> jsonschema.ValidationError | None:
    """The most relevant error of ``document`` against ``schema`` (JSON Schema 2020-12), or None.
    Among errors equally relevant, the first by key path, so the answer does not depend on the
    order jsonschema finds them in."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(
        validator.iter_errors(document), key=lambda error: (list(map(str, error.absolute_path)), error.message)
    )
    if not errors:
        return None
    best = jsonschema.exceptions.best_match(errors)
    if best not in errors:  # an error from within an alternative (anyOf, oneOf)
        return best
    # jsonschema breaks ties by the key path, preferring the later; the first in the document reads better
    relevance = _relevance(best)
    return next(error for error in errors if _relevance(error) == relevance)


def _relevance(error: jsonschema.ValidationError) -> tuple:
    import jsonschema

    key: Any = jsonschema.exceptions.relevance(error)
    return tuple(part for part in key if not isinstance(part, Sequence | deque))


def json_shaped(value: Any) -> Any:
    """``value`` with the dates YAML reads from ``2016-07-18`` as ISO strings, as a JSON Schema (and
    an editor checking the YAML against it) sees them."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: json_shaped(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_shaped(item) for item in value]
    return value
