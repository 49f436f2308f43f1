"""趋势 Trends: a line per selected district plus the city figure, absolute or indexed to a base year."""

import pandas as pd
import streamlit as st

from dashboard import data_access, frame, session, view_state
from dashboard.charts import chart_tools, figures, trend_view
from dashboard.formatting import axis_scale, definition, indicator_label, join_names, unit_label, value_text
from dashboard.i18n import t
from dashboard.map import maps
from lcity_data.aggregate import city_series, indexed
from lcity_data.catalog import load_catalog
from lcity_data.citation import format_source
from lcity_data.classify import standard_for_indicator
from lcity_data.provenance import any_illustrative
from lcity_data.registry import load_registry

state = frame.page_state()
lang = state.lang
cat = load_catalog()
reg = load_registry()
ind = cat.indicator(state.indicator)
table = data_access.current_table()
years = trend_view.shown_years(table, state.indicator, state.districts, state.years)

st.title(t("trends.title", lang))
if (years[0], years[-1]) == tuple(state.years):
    st.caption(t("trends.subtitle", lang, indicator=ind.name(lang), start=years[0], end=years[-1]))
else:  # the slider's range and the years this indicator has data for, both said (not 2012–2024 vs 2010)
    st.caption(t("marks.trends_span", lang, indicator=ind.name(lang), start=state.years[0], end=state.years[1],
                 first=years[0], last=years[-1]))

c1, c2 = st.columns([2, 3])
with c1:
    session.bind(st.segmented_control, "mode", t("trends.mode", lang), options=list(view_state.TREND_MODES),
                 format_func=lambda m: t(f"trends.mode_{m}", lang), required=True)
state = session.get()
rows = table[(table["indicator"] == state.indicator) & table["adcode"].isin(state.districts)
             & table["year"].between(years[0], years[-1])].copy()
if state.mode == "indexed":
    if state.base is None or state.base not in years:
        session.update(base=trend_view.default_base(rows, years))
    with c2:
        session.bind(st.selectbox, "base", t("trends.base", lang), options=years,
                     placeholder=t("defects.choose", lang))
state = session.get()
city = city_series(table, state.indicator, years=years)
city = city.assign(source=t(f"trends.city_rule_{ind.aggregate}", lang))

labels = maps.hover_labels(lang)
rows["name"] = [reg.name(a, lang) for a in rows["adcode"]]
rows["status_text"] = [maps.status_text(s, lang, src) for s, src in zip(rows["status"], rows["source"], strict=True)]
source_ids = list(rows["source"])  # for the chart's Sources panel, before they are written for people
rows["source"] = [format_source(s, lang) for s in rows["source"]]
city["status_text"] = [maps.status_text(s, lang) if isinstance(s, str) else "" for s in city["status"]]
unit = unit_label(ind.unit, lang)
ref_lines: list[figures.RefLine] = []
city_secondary = False
missing_base: list[str] = []



def index_text(index: float, value: float) -> str:
    """'112.3 (7.12 元/人)': the index with the value it stands for."""
    plain = value_text(value, ind.unit, lang)
    return f"{index:,.1f} ({plain})" if pd.notna(index) else plain


if state.mode == "indexed":
    rows = indexed(rows, state.base)
    city = indexed(city, state.base, by=None)
    rows["y"] = rows["index"]
    city["y"] = city["index"]
    rows["value_text"] = [index_text(i, v) for i, v in zip(rows["index"], rows["value"], strict=True)]
    city["value_text"] = [index_text(i, v) for i, v in zip(city["index"], city["value"], strict=True)]
    y_title = t("trends.index_axis", lang, base=state.base)
    missing_base = sorted({reg.name(a, lang) for a, g in rows.groupby("adcode") if g["index"].isna().all()})
    ref_lines.append(figures.RefLine(100, t("trends.base_line", lang, base=state.base), "#666666", "dot"))
else:
    city_secondary = ind.aggregate == "sum"
    divisor, axis_unit = axis_scale(ind.unit, lang, rows["value"].abs().max() if len(rows) else None)
    rows["y"] = rows["value"] / divisor
    rows["value_text"] = [value_text(v, ind.unit, lang) for v in rows["value"]]
    city_div, city_unit = axis_scale(ind.unit, lang, city["value"].abs().max())
    city["y"] = city["value"] / (city_div if city_secondary else divisor)
    city["value_text"] = [value_text(v, ind.unit, lang) for v in city["value"]]
    y_title = f"{ind.name(lang)} ({axis_unit})"
    std = standard_for_indicator(state.indicator)
    if std is not None:
        styles = cat.status_styles
        ref_lines.append(figures.RefLine(float(std.minimum) / divisor, t("trends.minimum_line", lang,
                                         value=f"{std.minimum}", unit=unit), styles["below_minimum"]["color"]))
        if std.target is not None:
            ref_lines.append(figures.RefLine(float(std.target) / divisor, t("trends.target_line", lang,
                                             value=f"{std.target}", unit=unit), styles["meets_target"]["color"]))

city_label = t("trends.city", lang) + (t("trends.right_axis", lang) if city_secondary else "")
color_of = {a: figures.DISTRICT_PALETTE[i % len(figures.DISTRICT_PALETTE)] for i, a in enumerate(reg.adcodes)}
fig = figures.trend(
    rows[["adcode", "name", "year", "y", "value_text", "status", "status_text", "source"]],
    city if ind.aggregate != "none" else None, years=years, y_title=y_title, labels=labels, city_label=city_label,
    ref_lines=ref_lines, city_secondary=city_secondary,
    city_axis_title=f"{t('trends.city', lang)} ({axis_scale(ind.unit, lang, city['value'].abs().max())[1]})",
    color_of=color_of,
)
if not state.districts:
    st.info(t("common.select_districts", lang))
if state.mode == "indexed":
    st.caption(t("defects.trends_indexed_explain", lang, base=state.base))
chart_tools.show_chart(fig, chart_tools.chart_meta(
    ind.name(lang), lang, key="trend_chart", unit=y_title if state.mode == "indexed" else unit, years=years,
    source_values=source_ids,
    extra_sources=[t(f"trends.city_rule_{ind.aggregate}", lang)] if ind.aggregate != "none" else ()),
    key="trend_chart", lang=lang)

notes = [t("trends.marker_note", lang), t("trends.gaps_note", lang)]
if ind.aggregate != "none":
    notes.append(t(f"trends.city_rule_{ind.aggregate}", lang) + " " + t("trends.city_complete", lang))
st.caption(" · ".join(notes))
if any_illustrative(rows["status"]):
    st.warning(t("common.illustrative_warning", lang), icon=":material/science:")
if missing_base:
    st.info(t("trends.no_base", lang, base=state.base, districts=join_names(missing_base, lang)))
with st.expander(t("trends.definition", lang, indicator=indicator_label(state.indicator, lang))):
    st.write(definition(state.indicator, lang))
