"""Number and unit formatting for display: the ONE place values leave their base unit.

Values stay in base units (yuan, persons) everywhere else; the decimals per unit and the 万/亿 scaling
are lcity_data/numbers.py's (ranks and the printed profile use them too). For the Chinese UI, large money and
population figures read better in 万/亿 (626.3 万元, 104.13 万人); the English UI uses full numbers
with thousands separators. Tables for researchers keep raw base-unit numbers and a unit column.
Pure: no Streamlit.
"""

from __future__ import annotations

import math
from decimal import Decimal

from dashboard.i18n import t
from lcity_data.catalog import load_catalog
from lcity_data.numbers import DECIMALS, WAN, YI, cjk_scale, shown_text
from lcity_data.registry import load_registry


def is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def unit_label(unit: str, lang: str) -> str:
    """How a base unit is written in the UI (units.toml [display])."""
    display = load_catalog().unit_display
    return display[unit][lang] if unit in display else unit


def number(value: float | Decimal | None, decimals: int = 0, lang: str = "zh") -> str:
    """Thousands separators, fixed decimals; '—' for missing."""
    if is_missing(value):
        return t("common.no_data_short", lang)
    return f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def value_text(value: float | Decimal | None, unit: str, lang: str, compact: bool = True) -> str:
    """A value with its unit, e.g. '7.12 元/人', '626.3 万元', '6,263,000 yuan', '52.4 %'."""
    if is_missing(value):
        return t("common.no_data", lang)
    return shown_text(value, unit, lang, compact)  # type: ignore[arg-type]


def axis_scale(unit: str, lang: str, max_abs: float | None) -> tuple[float, str]:
    """(divisor, axis unit label) for a chart axis: 万元/亿元 in the Chinese UI, else the base unit."""
    label = unit_label(unit, lang)
    if lang != "zh" or max_abs is None or is_missing(max_abs):
        return 1.0, label
    _, prefix = cjk_scale(float(max_abs), unit)
    if prefix == "亿":
        return float(YI), f"亿{label}"
    if prefix == "万":
        return float(WAN), f"万{label}"
    return 1.0, label


def legend_text(values: tuple[float, ...], unit: str, lang: str, max_abs: float) -> str:
    """A map legend entry in ONE scale chosen by the legend's largest value, unit written once:
    '48.89–55.62 万人', '488,885–556,224 persons', '50.8 %' (a colour bar never mixes 人 and 万人, or reads 'M')."""
    divisor, label = axis_scale(unit, lang, max_abs)
    decimals = 2 if divisor > 1 else DECIMALS.get(unit, 2)
    texts = [_trim(f"{v / divisor:,.2f}") if divisor > 1 else f"{v:,.{decimals}f}" for v in values]
    return f"{'–'.join(dict.fromkeys(texts))} {label}"


def change_text(delta: float | None, unit: str, lang: str) -> str:
    """A signed change with unit ('+0.48 元/人')."""
    if is_missing(delta):
        return t("common.no_data", lang)
    sign = "+" if float(delta) > 0 else ""  # type: ignore[arg-type]
    return sign + value_text(delta, unit, lang)


def percent_text(ratio: float | None, decimals: int = 1) -> str:
    """A share or relative change given as a fraction (0.123 -> '12.3%')."""
    if is_missing(ratio):
        return "—"
    return f"{float(ratio) * 100:,.{decimals}f}%"  # type: ignore[arg-type]


def indicator_label(indicator_id: str, lang: str) -> str:
    """Indicator name with its unit, e.g. '人均社区教育经费（元/人）'."""
    ind = load_catalog().indicator(indicator_id)
    unit = unit_label(ind.unit, lang)
    return t("common.name_unit", lang, name=ind.name(lang), unit=unit)


def definition(indicator_id: str, lang: str) -> str:
    ind = load_catalog().indicator(indicator_id)
    return getattr(ind, f"definition_{lang}", ind.definition_zh)


def join_names(names: list[str], lang: str) -> str:
    """A list of names with the language's separator (、 in Chinese)."""
    return t("common.list_sep", lang).join(names)


def in_lang(lang: str, zh: str, en: str) -> str:
    """One of a bilingual pair that comes with the data (a unit's name, a refusal's reason), in the UI language."""
    return zh if lang == "zh" else en


def other_lang(lang: str) -> str:
    """The other interface language (for bilingual district names in hover text)."""
    return "en" if lang == "zh" else "zh"


def column_format(unit: str) -> str:
    """st.column_config.NumberColumn format for a base unit: fixed decimals for small per-person
    figures, locale thousands separators for counts, persons and money."""
    decimals = DECIMALS.get(unit, 2)
    if unit in ("yuan_per_person", "per_10k", "per_100", "percent"):
        return f"%.{decimals}f"
    return "localized"


def target_text(target: object, unit: str, lang: str) -> str:
    """'；目标 10 元/人' or '（未设目标值）' for a standard's optional target."""
    if target is None:
        return t("funding.no_target", lang)
    return t("funding.target", lang, target=f"{target}", unit=unit)


def map_label(adcode: str, lang: str) -> str:
    """A district's name as a label on a map or slide: 江北区 in Chinese, Jiangbei in English (the pinyin,
    without "District", so neighbouring names fit); hovers keep the full names. "" for an unknown code."""
    reg = load_registry()
    if adcode not in reg.districts:
        return ""
    district = reg.district(adcode)
    return district.name_zh if lang == "zh" else district.pinyin
