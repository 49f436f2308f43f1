"""Every year of a district map, ready for `payload.build`: the indicator map (Map page) and the
funding-status map (Overview, Funding, Briefing). Pure (no Streamlit).

Both reuse the one-year builders in dashboard.map.maps (`map_frame` + `apply_classes`, `check_frame`), so a
year drawn here is the year the ranking table and the downloads show; this module only adds the fill
colour of each district (class colour, continuous colour, or None = no data) and the legend per year.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
from plotly.colors import sample_colorscale

from dashboard.formatting import legend_text
from dashboard.i18n import t
from dashboard.map import maps
from dashboard.map.map_component.payload import LegendEntry, YearFrame
from lcity_data.loading import mixed_sources
from lcity_data.provenance import illustrative_share

COLORSCALE = maps.SEQUENTIAL
GRADIENT_STOPS = 5

ProgressTexts = Callable[[pd.DataFrame, int], pd.DataFrame]
"""(one year's frame, year) -> the frame with a `progress_text` column (progress toward a target)."""


def _fills(frame: pd.DataFrame, classes: Sequence[maps.MapClass] | None, lang: str,
           ) -> tuple[list[str | None], tuple | None]:
    """Fill colour per row (None = no data) and, for a continuous map, the gradient (low, high, stops)."""
    has_value = frame["selected"].astype(bool) & frame["value"].notna() & frame["class_key"].notna()
    if classes is not None:
        color_of = {c.key: c.color for c in classes}
        return [color_of.get(k) if ok else None for k, ok in zip(frame["class_key"], has_value, strict=True)], None
    shown = frame.loc[has_value, "value"]
    if not len(shown):
        return [None] * len(frame), None
    lo, hi = float(shown.min()), float(shown.max())
    span = (hi - lo) or 1.0
    fills = [sample_colorscale(COLORSCALE, [(v - lo) / span])[0] if ok else None
             for v, ok in zip(frame["value"], has_value, strict=True)]
    stops = sample_colorscale(COLORSCALE, [i / (GRADIENT_STOPS - 1) for i in range(GRADIENT_STOPS)])
    unit = frame["unit"].iloc[0] if "unit" in frame and len(frame) else ""
    top = max(abs(lo), abs(hi))
    return fills, (legend_text((lo,), unit, lang, top), legend_text((hi,), unit, lang, top), stops)


def _year_frame(frame: pd.DataFrame, year: int, classes: Sequence[maps.MapClass] | None, lang: str) -> YearFrame:
    fills, gradient = _fills(frame, classes, lang)
    legend = [LegendEntry(c.key, c.label, c.color) for c in classes or ()]
    return YearFrame(int(year), frame.assign(fill=fills), legend, gradient, illustrative_note(frame, lang))


def illustrative_note(frame: pd.DataFrame, lang: str) -> str:
    """The map's flag with its share ("10个区县中7个为示例数据"), or "" when no selected district is made up:
    a map with three real returns among seven samples must not read as all sample (or all real)."""
    n, total = illustrative_share(frame.loc[frame["selected"].astype(bool), "status"])
    return t("marks.share", lang, n=n, total=total) if n else ""


def indicator_years(table: pd.DataFrame, indicator_id: str, years: Sequence[int], lang: str,
                    selected: Sequence[str], method: str, k: int,
                    progress: ProgressTexts | None = None) -> list[YearFrame]:
    """The Map page's choropleth for each of `years`: values, classes (policy or data-driven, per year),
    hover texts and, when `progress` is given, each district's progress toward the target."""
    mixes = mixed_sources(table, indicator_id)  # the same for every year: computed once
    out = []
    for year in years:
        frame = maps.map_frame(table, indicator_id, int(year), lang, selected, mixes)
        frame, classes, _ = maps.apply_classes(frame, indicator_id, method, k, lang)
        if progress is not None:
            frame = progress(frame, int(year))
        out.append(_year_frame(frame, int(year), classes, lang))
    return out


def status_years(checks: pd.DataFrame, standard_id: str, lang: str, selected: Sequence[str],
                 progress: ProgressTexts | None = None) -> list[YearFrame]:
    """The funding-status map (policy classes of the standard) for every year in `checks`
    (`data_access.funding_checks`): the Overview, Funding and Briefing maps."""
    classes = maps.policy_legend(standard_id, lang)
    out = []
    for year in sorted(int(y) for y in checks["year"].unique()):
        frame = maps.check_frame(checks[checks["year"] == year].reset_index(drop=True), lang, selected)
        if progress is not None:
            frame = progress(frame, year)
        out.append(_year_frame(frame, year, classes, lang))
    return out


def ui_texts(lang: str) -> dict[str, str]:
    """The component's own words (buttons, slider name, announced year) in `lang`."""
    keys = ("play", "pause", "speed", "speed_value", "slider", "year_value", "png", "png_name", "year")
    return {**{k: t(f"mapcomp.{k}", lang) for k in keys}, "svg": t("map_tools.svg", lang),
            "mark_illustrative": t("marks.illustrative", lang), "mark_real": t("marks.real", lang)}


def hover_labels(lang: str, value_label: str | None = None) -> dict[str, str]:
    """Hover line captions (payload.HOVER_FIELDS) in `lang`."""
    base = maps.hover_labels(lang)
    return {"value": value_label or base["value"], "class": base["class"], "progress": base["progress"],
            "rank": base["rank"], "status": base["status"], "source": base["source"], "note": base["note"]}
