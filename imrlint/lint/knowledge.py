"""What the rules know beyond the letter, loaded once per run from rules/ and the user's config."""

from __future__ import annotations

import re

from imrlint.config.layers import merge_additions
from imrlint.config.settings import Config
from imrlint.errors import ConfigError
from imrlint.knowledge.catalogue import Catalogue, CatalogueError
from imrlint.model.conclusions import ConclusionReader
from imrlint.resources import data_path, read_yaml
from imrlint.rules.base import Knowledge


def load_knowledge(config: Config) -> Knowledge:
    """The MTUS catalogue and phrase lists, with the user's additions from ``config``."""
    try:
        catalogue = Catalogue.load(extra=config.mtus or None)
    except CatalogueError as error:
        raise ConfigError(config.source if config.mtus else "rules/mtus.yaml", "mtus", str(error)) from None
    phrases = merge_additions(read_yaml(data_path("rules", "phrases.yaml")), config.phrases)
    try:
        reader = ConclusionReader(phrases["conclusions"])
    except re.error as error:
        raise ConfigError(config.source, "phrases.conclusions", f"invalid pattern: {error}") from None
    decision_words = frozenset(" ".join(word.lower().split()) for word in phrases["decision_words"])
    item_names = tuple(tuple(" ".join(name.lower().split()) for name in group) for group in phrases["item_names"])
    return Knowledge(catalogue=catalogue, conclusions=reader, decision_words=decision_words, item_names=item_names)
