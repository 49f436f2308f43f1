"""Normalising text from spreadsheets before it is matched against catalog names.

Chinese returns mix full-width and half-width characters, stray spaces (including U+3000) and
different bracket styles; NFKC folds them so that an exact, non-guessing match still works.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalise(text: object) -> str:
    """NFKC-fold, drop all whitespace and lower-case: the key used for every catalog lookup."""
    folded = unicodedata.normalize("NFKC", str(text))
    return _SPACE.sub("", folded).lower()
