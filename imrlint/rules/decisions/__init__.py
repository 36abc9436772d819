"""The decisions group (IMR2xx): each disputed item's determination, quantity and name."""

from __future__ import annotations
