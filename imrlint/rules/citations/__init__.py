"""The citations group (IMR3xx): the MTUS chapters, editions, sections and pages a letter cites, checked
against the MTUS catalogue (rules/mtus.yaml)."""

from __future__ import annotations
