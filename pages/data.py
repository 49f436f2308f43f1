"""数据 Data: the filtered table (long or wide), change between two years, downloads of exactly what
is shown, and the coverage of the chosen indicator."""

from datetime import date

import streamlit as st

from dashboard import data_access, frame, session, view_state
from dashboard.charts import tables
from dashboard.charts.export_footer import footer_text
from dashboard.formatting import column_format, indicator_label, unit_label
from dashboard.i18n import t
from dashboard.profile import profile_links
from lcity_data.catalog import load_catalog
from lcity_data.export import to_csv_bytes, to_xlsx_bytes
from lcity_data.provenance import any_illustrative

state = frame.page_state()
lang = state.lang
cat = load_catalog()
table = data_access.current_table()
ind = cat.indicator(state.indicator)
years = [y for y in sorted(table["year"].unique()) if state.years[0] <= y <= state.years[1]]

st.title(t("data.title", lang))
c1, c2 = st.columns([2, 3])
with c1:
    session.bind(st.segmented_control, "layout", t("data.layout", lang), options=list(view_state.LAYOUTS),
                 format_func=lambda v: t(f"data.layout_{v}", lang), required=True)
with c2:
    all_indicators = st.toggle(t("data.all_indicators", lang), value=False, key="data_all_indicators")
state = session.get()

if not state.districts:
    st.info(t("common.select_districts", lang))
rows = tables.filter_table(table, None if all_indicators else [state.indicator], state.districts, state.years)
shown = tables.long_table(rows, lang) if state.layout == "long" else tables.wide_table(rows, lang, years)
scope = t("data.all_indicators_short", lang) if all_indicators else indicator_label(state.indicator, lang)
st.caption(t("data.summary", lang, rows=len(shown), scope=scope, start=state.years[0], end=state.years[1],
             n=len(state.districts)))
value_cols = [t("col.value", lang)] if state.layout == "long" else [str(y) for y in years]
number_format = "localized" if all_indicators else column_format(ind.unit)
district_col, adcode_col = t("col.district", lang), t("col.adcode", lang)
link_config = {district_col: profile_links.column(t("profile.link_help", lang))}
st.dataframe(profile_links.linked(shown, district_col, list(shown.get(adcode_col, []))), hide_index=True,
             key="data_table",
             column_config={c: st.column_config.NumberColumn(format=number_format) for c in value_cols}
             | {t("col.year", lang): st.column_config.NumberColumn(format="%d")} | link_config)
footer = footer_text(lang, date.today())  # printed at the foot of each Excel page
stem = f"ningbo_{'all' if all_indicators else state.indicator}_{state.years[0]}-{state.years[1]}_{state.layout}"
d1, d2, _ = st.columns([1, 1, 3])
d1.download_button(t("data.download_csv", lang), to_csv_bytes(shown), file_name=f"{stem}.csv", mime="text/csv",
                   icon=":material/download:", key="dl_csv")
d2.download_button(t("data.download_xlsx", lang), to_xlsx_bytes(shown, sheet_name="data", footer=footer),
                   file_name=f"{stem}.xlsx", icon=":material/download:", key="dl_xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
st.caption(t("data.download_note", lang) + " " + t("store_app.provenance_note", lang))
if any_illustrative(rows["status"]):
    st.warning(t("common.illustrative_warning", lang), icon=":material/science:")

st.header(t("data.change", lang, indicator=indicator_label(state.indicator, lang)))
have = sorted(int(y) for y in table.loc[table["indicator"] == state.indicator, "year"].unique()
              if state.years[0] <= y <= state.years[1]) or years
y1, y2 = st.columns(2)
start = y1.selectbox(t("data.change_from", lang), options=have, index=0, key=f"change_from_{state.indicator}",
                     placeholder=t("defects.choose", lang))
end = y2.selectbox(t("data.change_to", lang), options=have, index=len(have) - 1, key=f"change_to_{state.indicator}",
                   placeholder=t("defects.choose", lang))
change = tables.change_table(table, state.indicator, state.districts, int(start), int(end), lang)
unit = unit_label(ind.unit, lang)
st.dataframe(profile_links.linked(change, district_col, list(change.get(adcode_col, []))), hide_index=True,
             key="change_table", column_config=link_config | {
    c: st.column_config.NumberColumn(format=column_format(ind.unit))
    for c in (tables.with_unit(str(start), unit), tables.with_unit(str(end), unit),
              tables.with_unit(t("col.change", lang), unit))}
    | {tables.with_unit(t("col.pct_change", lang), "%"): st.column_config.NumberColumn(format="%.1f")})
e1, e2, _ = st.columns([1, 1, 3])
cstem = f"ningbo_{state.indicator}_change_{start}-{end}"
e1.download_button(t("data.download_csv", lang), to_csv_bytes(change), file_name=f"{cstem}.csv", mime="text/csv",
                   icon=":material/download:", key="dl_change_csv")
e2.download_button(t("data.download_xlsx", lang), to_xlsx_bytes(change, sheet_name="change", footer=footer),
                   file_name=f"{cstem}.xlsx", icon=":material/download:", key="dl_change_xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.header(t("data.coverage", lang, indicator=ind.name(lang)))
cov_labels, cov_keys = tables.coverage_matrix(table, state.indicator, state.districts,
                                              list(range(state.years[0], state.years[1] + 1)), lang)
st.dataframe(cov_labels.style.apply(lambda _: tables.cell_styles(cov_keys, tables.PROVENANCE_COLORS), axis=None),
             key="coverage")
st.caption("  ".join(f"{tables.PROVENANCE_ICONS[s]} {t('status.' + s, lang)}" for s in tables.PROVENANCE_COLORS)
           + " · " + t("data.coverage_note", lang))
