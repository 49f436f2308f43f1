"""The dashboard's UI text in Chinese and English, from one catalog file (`dashboard/i18n.toml`).

Every entry holds both languages side by side, so a translator sees the pair; district and indicator
names are NOT here (they come from the data catalogs). `t("page.overview", "en")` looks a key up;
keyword arguments fill `{placeholders}` with str.format. Pure: no Streamlit.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

CATALOG = Path(__file__).with_name("i18n.toml")
LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


@cache
def _flat() -> dict[str, dict[str, str]]:
    with CATALOG.open("rb") as fh:
        raw = tomllib.load(fh)
    flat: dict[str, dict[str, str]] = {}

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict) and set(value) <= set(LANGS) and value:
                flat[path] = value
            elif isinstance(value, dict):
                walk(value, path)
            else:
                raise ValueError(f"i18n entry {path!r} must be a table with zh/en strings")

    walk(raw, "")
    return flat


def all_keys() -> list[str]:
    """All message keys (for tests: every key has both languages, every used key exists)."""
    return sorted(_flat())


def has(key: str) -> bool:
    return key in _flat()


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The message `key` in `lang` (zh if the language is unknown), formatted with `fmt`.

    A missing key returns the key itself in brackets, so a gap shows up on screen instead of
    crashing a page; the test suite checks no key used in code is missing.
    """
    entry = _flat().get(key)
    if entry is None:
        return f"[{key}]"
    text = entry.get(lang) or entry.get(DEFAULT_LANG, f"[{key}]")
    return text.format(**fmt) if fmt else text
