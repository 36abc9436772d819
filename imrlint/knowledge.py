"""What the rules know beyond the letter, loaded once per run from rules/ and the user's config."""

from __future__ import annotations

from typing import Any

from .catalogue import Catalogue, CatalogueError
from .conclusions import ConclusionReader
from .config import Config, ConfigError, read_yaml
from .resources import data_path
from .rule import Knowledge


def merge_phrases(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra`` added: lists are extended, mappings merged, other values replaced."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, list):
            merged[key] = list(base.get(key, [])) + value
        elif isinstance(value, dict):
            merged[key] = merge_phrases(base.get(key, {}), value)
        else:
            merged[key] = value
    return merged


def load_knowledge(config: Config) -> Knowledge:
    """The MTUS catalogue and phrase lists, with the user's additions from ``config``."""
    try:
        catalogue = Catalogue.load(extra=config.mtus or None)
    except CatalogueError as error:
        raise ConfigError(config.source if config.mtus else "rules/mtus.yaml", "mtus", str(error)) from None
    phrases = merge_phrases(read_yaml(data_path("rules", "phrases.yaml")), config.phrases)
    try:
        reader = ConclusionReader(phrases["conclusions"])
    except Exception as error:  # a user's regular expression that does not compile
        raise ConfigError(config.source, "phrases.conclusions", f"invalid pattern: {error}") from None
    decision_words = frozenset(" ".join(word.lower().split()) for word in phrases["decision_words"])
    return Knowledge(catalogue=catalogue, conclusions=reader, decision_words=decision_words)
