"""总览 Overview: the selected year at a glance — funding status counts, the city figure, a status
map, and how much of what is shown is official vs illustrative."""

import streamlit as st

from dashboard import data_access, frame, page_style, session
from dashboard.charts import chart_tools, figures, progress_view, tables
from dashboard.formatting import change_text, join_names, unit_label, value_text
from dashboard.i18n import t
from dashboard.map import maps
from dashboard.map.map_component import view as map_view
from dashboard.profile import profile_links
from dashboard.returns.round_line import round_line
from lcity_data import funding
from lcity_data.catalog import load_catalog
from lcity_data.provenance import any_illustrative

state = frame.page_state()
lang = state.lang
table = data_access.current_table()
cat = load_catalog()
std = cat.standard()
basis = cat.basis_names[std.basis][lang]

st.title(t("overview.title", lang))
st.caption(t("overview.subtitle", lang, year=state.year, standard=std.name(lang)))

checks = data_access.funding_checks(table, std.id)
check = checks[checks["year"] == state.year].reset_index(drop=True)
selected = check[check["adcode"].isin(state.districts)]
n_sel = len(selected)
meets_min = int(selected["status"].isin(["meets_minimum", "meets_target"]).sum())
meets_target = int((selected["status"] == "meets_target").sum())
no_data = int((selected["status"] == "no_data").sum())

city, n_city = funding.city_per_capita(check, std.id)
earlier = sorted(y for y in checks["year"].unique() if y < state.year)
prev_year = int(earlier[-1]) if earlier else None
prev_city = None
if prev_year is not None:
    prev_city, _ = funding.city_per_capita(checks[checks["year"] == prev_year], std.id)
delta = None if city is None or prev_city is None else float(city - prev_city)

st.html(page_style.KPI_STYLE)
c1, c2, c3, c4 = st.container(key=page_style.KPI_KEY).columns(4)
c1.metric(t("overview.meets_minimum", lang, minimum=f"{std.minimum}", unit=unit_label(std.unit, lang)),
          f"{meets_min} / {n_sel}", help=t("overview.count_help", lang, basis=basis), border=True)
c2.metric(t("overview.meets_target", lang, target=f"{std.target}", unit=unit_label(std.unit, lang)),
          f"{meets_target} / {n_sel}", help=t("overview.count_help", lang, basis=basis), border=True)
vs_prev = "" if prev_year is None else t("overview.vs", lang, year=prev_year)
c3.metric(t("overview.city_per_capita", lang, year=state.year), value_text(city, std.unit, lang),
          delta=None if delta is None else f"{change_text(delta, std.unit, lang)} {vs_prev}",
          help=t("overview.city_help", lang, basis=basis, n=n_city), border=True)
c4.metric(t("overview.no_data", lang), f"{no_data} / {n_sel}", border=True)
below = selected.loc[selected["status"] == "below_minimum", "adcode"].tolist()
if below:  # each name links to the district's profile
    st.caption(t("defects.overview_below", lang, minimum=f"{std.minimum}", unit=unit_label(std.unit, lang),
                 names=join_names([profile_links.markdown(a, lang) for a in below], lang)))
target_year = progress_view.default_target_year()
progress = progress_view.standard_progress(checks, std, target_year, state.year)
if progress is not None and state.districts:
    st.markdown(t("progress.overview", lang, target=progress_view.target_label(std, target_year, lang), year=state.year,
                  counts=progress_view.counts_line(progress_view.status_counts(progress, state.districts), lang)),
                help=t("progress.overview_help", lang))

if not state.districts:
    st.info(t("common.select_districts", lang))

left, right = st.columns([3, 2], gap="large")
with left:
    st.header(t("overview.status_map", lang, year=state.year))
    illustrative = maps.shows_illustrative(maps.check_frame(check, lang, state.districts))
    map_view.status_map(table, std.id, state.districts, state.year, lang, key="overview_map",
                        title=std.name(lang), value_label=t("funding.per_capita", lang), max_height=520)
    session.page_link("map", t("overview.to_map", lang))
    session.page_link("funding", t("overview.to_funding", lang))

with right:
    st.header(t("overview.provenance", lang))
    shown = table[(table["year"] == state.year) & table["adcode"].isin(state.districts)]
    shares = tables.provenance_counts(shown, lang)
    chart_tools.show_chart(figures.status_share(shares, colors=tables.PROVENANCE_COLORS), chart_tools.chart_meta(
        t("overview.provenance", lang), lang, key="overview_share", unit=t("col.count", lang), years=[state.year],
        source_values=shown["source"]), key="overview_share", lang=lang)
    st.dataframe(
        shares.assign(share=shares["share"] * 100)[["label", "count", "share"]].rename(columns={
            "label": t("col.status", lang), "count": t("col.count", lang), "share": t("col.share", lang)}),
        hide_index=True, column_config={t("col.share", lang): st.column_config.NumberColumn(format="%.1f%%")},
    )
    st.caption(t("defects.overview_provenance", lang, year=state.year, total=f"{len(shown):,}"))
    if collection := round_line(lang):
        st.caption(collection)
    if illustrative or any_illustrative(shown["status"]):
        st.warning(t("common.illustrative_warning", lang), icon=":material/science:")
