"""总览 Overview: the selected year at a glance — funding status counts, the city figure, a status
map, and how much of what is shown is official vs illustrative."""

import streamlit as st

from dashboard import data_access, frame, page_style, session, status_notice
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
if not state.districts:  # nothing to count: a clear prompt, not "0 / 0" beside a city figure
    st.info(t("marks.no_selection", lang), icon=":material/touch_app:")
else:  # no st.stop(): the sidebar's controls are drawn after this page (PageSpec.main_first)
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
    # each district's per-capita status (the weakest of funding and population): the notice and the cards' marks
    status_frame = maps.check_frame(check, lang, state.districts)
    district_statuses = status_frame.loc[status_frame["selected"], "status"]
    status_notice.show_notice(district_statuses, lang)


    def card(column: st.delta_generator.DeltaGenerator, label: str, value: str, help_text: str,
             statuses: object = district_statuses, **kw: object) -> None:
        """A KPI card, marked "· 示例" when the districts it counts rest on illustrative values."""
        label, mark = status_notice.card_label(label, statuses, lang)
        column.metric(label, value, help=" ".join(x for x in (help_text, mark) if x), border=True, **kw)


    st.html(page_style.KPI_STYLE)
    c1, c2, c3, c4 = st.container(key=page_style.KPI_KEY).columns(4)
    card(c1, t("overview.meets_minimum", lang, minimum=f"{std.minimum}", unit=unit_label(std.unit, lang)),
         f"{meets_min} / {n_sel}", t("overview.count_help", lang, basis=basis))
    card(c2, t("overview.meets_target", lang, target=f"{std.target}", unit=unit_label(std.unit, lang)),
         f"{meets_target} / {n_sel}", t("overview.count_help", lang, basis=basis))
    vs_prev = "" if prev_year is None else t("overview.vs", lang, year=prev_year)
    card(c3, t("overview.city_per_capita", lang, year=state.year), value_text(city, std.unit, lang),
         t("overview.city_help", lang, basis=basis, n=n_city), status_frame["status"],  # the city: every district
         delta=None if delta is None else f"{change_text(delta, std.unit, lang)} {vs_prev}")
    c4.metric(t("overview.no_data", lang), f"{no_data} / {n_sel}", border=True)
    below = selected.loc[selected["status"] == "below_minimum", "adcode"].tolist()
    if below:  # each name links to the district's profile (body text: links in a caption's grey are too faint)
        st.markdown(t("defects.overview_below", lang, minimum=f"{std.minimum}", unit=unit_label(std.unit, lang),
                      names=join_names([profile_links.markdown(a, lang) for a in below], lang)))
    target_year = progress_view.default_target_year()
    progress = progress_view.standard_progress(checks, std, target_year, state.year)
    if progress is not None and state.districts:
        target = progress_view.target_label(std, target_year, lang)
        counts = progress_view.counts_line(progress_view.status_counts(progress, state.districts), lang)
        st.markdown(t("progress.overview", lang, target=target, year=state.year, counts=counts),
                    help=t("progress.overview_help", lang))

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.header(t("overview.status_map", lang, year=state.year))
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
        if any_illustrative(shown["status"]):
            st.caption(status_notice.share_text(shown["status"], lang, per="values"))
