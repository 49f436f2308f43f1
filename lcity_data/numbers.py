"""How numbers are shown: decimals per base unit and 万/亿 scaling for Chinese text.

Why here and not in dashboard/: ranks are decided at the precision a value is shown at
(lcity_data/ranking.py), and the district profile, its printable page and the annual report show and
rank values without the app. One table of decimals serves the screen, the print and every rank.
Pure: no Streamlit.
"""

from __future__ import annotations

from decimal import Decimal

from lcity_data.catalog import load_catalog

# decimals shown per base unit (and the precision ranks are decided at)
DECIMALS = {
    "yuan_per_person": 2,
    "per_10k": 2,
    "per_100": 2,
    "percent": 1,
    "yuan": 0,
    "person": 0,
    "person_time": 0,
    "count": 0,
}
# base units that get 万/亿 scaling in Chinese text
CJK_SCALABLE = {"yuan", "person", "person_time"}
WAN = 10_000
YI = 100_000_000


def decimals(unit: str) -> int:
    """Decimals a value in `unit` is shown (and ranked) at."""
    return DECIMALS.get(unit, 2)


def cjk_scale(value: float, unit: str) -> tuple[float, str]:
    """(scaled value, prefix) for Chinese text: 万 from 10,000, 亿 from 100,000,000."""
    if unit not in CJK_SCALABLE:
        return value, ""
    if abs(value) >= YI:
        return value / YI, "亿"
    if abs(value) >= WAN:
        return value / WAN, "万"
    return value, ""


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def shown_text(value: float | Decimal, unit: str, lang: str, compact: bool = True) -> str:
    """A present value with its unit, e.g. '7.12 元/人', '626.3 万元', '6,263,000 yuan', '52.4 %'."""
    v = float(value)
    label = load_catalog().unit_label(unit, lang) if unit in load_catalog().unit_display else unit
    if lang == "zh" and compact:
        scaled, prefix = cjk_scale(v, unit)
        if prefix:
            return f"{_trim(f'{scaled:,.2f}')} {prefix}{label}"
    places = decimals(unit)
    text = _trim(f"{v:,.2f}") if places == 0 and v != round(v) else f"{v:,.{places}f}"
    return f"{text} {label}"
