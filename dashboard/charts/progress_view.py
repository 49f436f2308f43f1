"""Progress toward a standard's target, for display: the series, its status texts, counts and tables.

The rule itself (SDSN-style observed vs needed pace) lives in lcity_data/progress.py and its thresholds
and labels in catalog/evaluation.toml; this module only feeds it a standard's per-capita series (on the
standard's own population basis, so the funding page, the map and the overview agree) and words the
result in the UI language. Pure: no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from dashboard.formatting import is_missing, unit_label
from dashboard.i18n import t
from lcity_data.catalog import Standard
from lcity_data.progress import rules, series_progress
from lcity_data.registry import load_registry

TARGET_YEARS_AHEAD = 10  # how far past the default target year the target-year choice reaches


def statuses() -> list[str]:
    """Progress statuses in the catalog's order (↑ ➚ → ↓ •)."""
    return list(rules()["status"])


def default_target_year() -> int:
    return int(rules()["default_target_year"])


def target_years(last_data_year: int) -> list[int]:
    """Target years a user may pick: after the data, up to ten years past the catalog default."""
    first = last_data_year + 1
    return list(range(first, max(default_target_year(), first) + TARGET_YEARS_AHEAD + 1))


def standard_progress(checks: pd.DataFrame, standard: Standard, target_year: int, up_to_year: int,
                      ) -> pd.DataFrame | None:
    """Progress of every district's per-capita value (from `funding_checks`) toward the standard's
    target, using years up to `up_to_year`; None when the standard sets no target."""
    if standard.target is None:
        return None
    long = pd.DataFrame({
        "adcode": checks["adcode"], "year": checks["year"].astype(int),
        "value": [math.nan if is_missing(v) else float(v) for v in checks["per_capita"]],
    })
    return series_progress(long, float(standard.target), target_year, "higher", up_to_year)


def status_text(status: str, lang: str) -> str:
    """Symbol and label, e.g. '↑ 按期达标或保持' (readable without colour)."""
    entry = rules()["status"][status]
    return f"{entry['symbol']} {entry[lang]}"


def target_label(standard: Standard, target_year: int, lang: str) -> str:
    """'10 元/人（2030年）': what the progress is measured toward."""
    return t("progress.target_label", lang, target=f"{standard.target}", unit=unit_label(standard.unit, lang),
             year=target_year)


def years_text(status: str, years: float | None, latest_year: int | None, lang: str) -> str:
    """How long the current pace needs to reach the target, in words."""
    if status == "insufficient":
        return t("progress.years_insufficient", lang)
    if years is None or is_missing(years):
        return t("progress.years_never", lang)
    if years == 0:
        return t("progress.years_met", lang)
    reach = None if latest_year is None else int(latest_year) + math.ceil(years)
    return t("progress.years", lang, years=f"{years:.1f}", year=reach)


def progress_detail(progress: pd.DataFrame, adcodes: Sequence[str], standard: Standard, lang: str,
                    ) -> pd.DataFrame:
    """Per selected district: latest value and year, status, observed and needed pace, years to target."""
    reg = load_registry()
    unit = unit_label(standard.unit, lang)
    rows = progress[progress["adcode"].isin(adcodes)]
    return pd.DataFrame({
        t("col.district", lang): [reg.name(a, lang) for a in rows["adcode"]],
        t("progress.col_latest", lang, unit=unit): [_num(v) for v in rows["latest_value"]],
        t("progress.col_latest_year", lang): pd.array([None if is_missing(y) else int(y) for y in rows["latest_year"]],
                                                       dtype="Int64"),
        t("progress.col_status", lang): [status_text(s, lang) for s in rows["status"]],
        t("progress.col_pace", lang, unit=unit): [_num(v) for v in rows["pace"]],
        t("progress.col_needed", lang, unit=unit): [_num(v) for v in rows["needed"]],
        t("progress.col_years", lang): [
            years_text(s, y, ly, lang)
            for s, y, ly in zip(rows["status"], rows["years_to_target"], rows["latest_year"], strict=True)],
    })


def _num(v: object) -> float:
    return math.nan if is_missing(v) else float(v)  # type: ignore[arg-type]


def status_counts(progress: pd.DataFrame, adcodes: Sequence[str]) -> dict[str, int]:
    """Selected districts per progress status, every status present (0 where none)."""
    counts = progress.loc[progress["adcode"].isin(adcodes), "status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in statuses()}


def counts_line(counts: dict[str, int], lang: str) -> str:
    """'↑ 按期达标或保持 6 · → 停滞 4 …' (statuses with no district left out)."""
    return " · ".join(t("progress.count_item", lang, status=status_text(s, lang), n=n)
                      for s, n in counts.items() if n)


def with_hover_text(frame: pd.DataFrame, progress: pd.DataFrame, standard: Standard, target_year: int,
                    lang: str) -> pd.DataFrame:
    """`frame` (one row per district) with a `progress_text` column for map hovers and tooltips."""
    target = target_label(standard, target_year, lang)
    by_adcode = progress.set_index("adcode")
    texts = []
    for adcode in frame["adcode"]:
        if adcode not in by_adcode.index:
            texts.append("")
            continue
        r = by_adcode.loc[adcode]
        texts.append(t("progress.hover_value", lang, status=status_text(r["status"], lang), target=target,
                       years=years_text(r["status"], r["years_to_target"], r["latest_year"], lang)))
    return frame.assign(progress_text=texts)



def method_paragraphs(lang: str) -> list[str]:
    """How progress is judged, in Markdown paragraphs (About page), thresholds and source from the catalog."""
    r = rules()
    names = {s: status_text(s, lang) for s in statuses()}
    return [
        t("progress.method_rule", lang, base=r["base_year"]),
        t("progress.method_thresholds", lang, **names, m=f"{r['moderate']:g}", base=r["base_year"],
          points=r["min_points"]),
        t("progress.method_source", lang, source=r[f"source_{lang}"]),
    ]
