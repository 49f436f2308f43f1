"""The footer line of every exported slide and chart picture: issuing unit (制表单位), date, data.

Why a catalog entry: the unit presenting at Learning Week differs between years and offices, so it
is set in lcity_data/catalog/briefing.toml, not in code. Pure: no Streamlit.
"""

from __future__ import annotations

from datetime import date

from dashboard.i18n import t
from lcity_data import __version__
from lcity_data.catalog import load_catalog


def issuer(lang: str) -> str:
    """The issuing unit (制表单位) from catalog/briefing.toml."""
    return load_catalog().issuer(lang)


def release_text(lang: str, release: str | None = None) -> str:
    """The data release a picture or slide shows; the shipped sample when no release is named."""
    return release or t("present.release_shipped", lang, version=__version__)


def store_release_text(lang: str, release: int, published: date) -> str:
    """'数据：数据版本 3（2026-12-01）': the published release a picture or slide was made from."""
    return t("present.release_store", lang, release=release, date=published.isoformat())


def footer_text(lang: str, today: date, release: str | None = None) -> str:
    """'制表单位：… · 制表日期：2026-11-30 · 数据：…'."""
    return f"{t('present.footer', lang, issuer=issuer(lang), date=today.isoformat())} · {release_text(lang, release)}"
