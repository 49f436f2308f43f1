"""经费达标 Funding check: per-capita funding against a standard, by district and year, with what-if
thresholds."""

from decimal import Decimal

import streamlit as st

from dashboard import data_access, frame, page_style, session, status_notice, view_state
from dashboard.charts import chart_tools, figures, funding_cards, progress_view, tables
from dashboard.formatting import target_text
from dashboard.i18n import t
from dashboard.map import maps
from dashboard.map.map_component import view as map_view
from dashboard.profile import profile_links
from lcity_data.catalog import load_catalog
from lcity_data.citation import cite
from lcity_data.funding import statuses_for
from lcity_data.progress import rules

state = frame.page_state()
lang = state.lang
cat = load_catalog()
table = data_access.current_table()
styles = cat.status_styles
status_colors = {k: v["color"] for k, v in styles.items()}

st.title(t("funding.title", lang))


def standard_chosen(standard_id: str) -> str:
    """Another standard starts from its own thresholds: what-if values of the old one are dropped."""
    session.update(whatif_min=None, whatif_target=None)
    return standard_id


session.bind(st.selectbox, "standard", t("funding.standard", lang), options=list(cat.standards),
             format_func=lambda s: cat.standard(s).name(lang), from_widget=standard_chosen,
             placeholder=t("defects.choose", lang))
state = session.get()
std = cat.standard(state.standard)
num, den = cat.indicator(std.numerator), cat.indicator(std.denominator)
basis = cat.basis_names[std.basis][lang]
unit = std.unit_label(lang)
source = cat.sources[std.source]
ratio_label = std.value_label(lang)
shown_statuses = statuses_for(std)

checks = data_access.funding_checks(table, std.id)
check = checks[checks["year"] == state.year].reset_index(drop=True)
sel = check[check["adcode"].isin(state.districts)].reset_index(drop=True)
status_frame = maps.check_frame(check, lang, state.districts)
status_notice.show_notice(status_frame.loc[status_frame["selected"], "status"], lang)

with st.container(border=True):
    st.markdown(t("funding.formula", lang, ratio=ratio_label, numerator=num.name(lang),
                  denominator=den.name(lang), basis=basis, per=f"{std.per:,}", unit=unit,
                  precision=std.precision))
    st.markdown(t("funding.thresholds", lang, minimum=f"{std.minimum}", unit=unit,
                  target=target_text(std.target, unit, lang)))
    st.markdown(t("funding.source", lang, citation=cite(source, lang), url=""))
    if source.quote:
        st.caption(f"“{source.quote}”")

if not state.districts:
    st.info(t("common.select_districts", lang))

st.header(t("funding.year_heading", lang, year=state.year, basis=basis))
named = tables.funding_detail(sel, lang)  # plain names: the phone cards
district_col = named.columns[0]
detail = profile_links.linked(named, district_col, list(sel["adcode"]))  # the table: names link to profiles
status_col = t("col.funding_status", lang)
key_of = {f"{v['icon']} {v[lang]}": k for k, v in styles.items()}
number_cols = (detail.columns[1], *detail.columns[4:6])  # per capita, then funding and population
styled = detail.style.apply(
    lambda s: [f"background-color: {status_colors[key_of[v]]}; color: "
               f"{tables.text_color(status_colors[key_of[v]])}" for v in s], subset=[status_col]
).format({c: tables.styler_number(u) for c, u in zip(number_cols, (std.unit, num.unit, den.unit), strict=True)},
         na_rep=t("common.no_data", lang))
# district pinned (a link to its profile), per capita and both statuses next to it (1024 px); cards on a phone
with st.container(key=funding_cards.TABLE_KEY):
    st.dataframe(styled, hide_index=True, key="funding_detail", column_config={
        district_col: profile_links.column(t("profile.link_help", lang), pinned=True),
        detail.columns[1]: st.column_config.NumberColumn(width="small")})
with st.container(key=funding_cards.CARDS_KEY):
    chips = [(status_colors[key_of[v]], tables.text_color(status_colors[key_of[v]])) for v in named[status_col]]
    st.html(funding_cards.cards_html(named, chips, std.unit, lang))
st.caption(t("funding.basis_note", lang, basis=basis, denominator=den.name(lang)))

st.header(t("progress.heading", lang))
progress = None
if std.target is None:
    st.caption(t("progress.no_target", lang, standard=std.name(lang)))
else:
    choices = progress_view.target_years(int(table["year"].max()))
    default_year = progress_view.default_target_year()
    target_year = st.select_slider(
        t("progress.target_year", lang), options=choices, key=f"progress_target_year_{choices[0]}",
        value=default_year if default_year in choices else choices[0],
        help=t("progress.target_year_help", lang, year=default_year))
    progress = progress_view.standard_progress(checks, std, target_year, state.year)
    st.markdown(t("progress.intro", lang, target=progress_view.target_label(std, target_year, lang),
                  base=rules()["base_year"], year=state.year))
    progress_table = progress_view.progress_detail(progress, state.districts, std, lang)
    st.dataframe(progress_table, hide_index=True, key="funding_progress", column_config={
        c: st.column_config.NumberColumn(format="%.2f") for c in progress_table.columns
        if progress_table[c].dtype.kind == "f"})
    st.caption(t("progress.method_source", lang, source=rules()[f"source_{lang}"]))

# years in which some district reported the numerator (funding); earlier years hold only populations
reported = checks[checks["numerator"].notna()]["year"].unique()
over_time = checks[checks["year"].isin(reported)]
left, right = st.columns([2, 3], gap="large")
with left:
    st.header(t("funding.status_map", lang, year=state.year))
    map_view.status_map(table, std.id, state.districts, state.year, lang, key="funding_map",
                        title=t("funding.map_legend", lang, unit=unit), value_label=ratio_label,
                        progress_target=target_year if progress is not None else None, max_height=480)
with right:
    st.header(t("funding.over_time", lang))
    counts = tables.status_counts(over_time, state.districts, shown_statuses)
    chart_tools.show_chart(figures.status_bars(
        counts, status_labels={k: f"{v['icon']} {v[lang]}" for k, v in styles.items()}, status_colors=status_colors,
        x_title=t("common.year", lang), y_title=t("funding.districts_axis", lang),
        hover_label=t("funding.districts", lang), height=420,
    ), chart_tools.chart_meta(
        t("funding.over_time", lang), lang, key="funding_bars", unit=t("funding.districts_axis", lang),
        years=over_time["year"], source_values=[std.source, *chart_tools.check_sources(
            over_time[over_time["adcode"].isin(state.districts)])]), key="funding_bars", lang=lang)

st.header(t("defects.funding_matrix", lang, value=ratio_label, unit=unit))
labels_m, keys_m = tables.funding_matrix(over_time, state.districts, lang)
st.html(tables.matrix_html(labels_m, keys_m, status_colors, corner=t("col.district", lang)))
st.caption("  ".join(f"{styles[s]['icon']} {styles[s][lang]}" for s in shown_statuses) + " · "
           + t("defects.funding_matrix_note", lang))

st.header(t("funding.whatif", lang))
w1, w2 = st.columns(2)
step = 1.0 if std.per == 1 else 0.5


def threshold_input(column: st.delta_generator.DeltaGenerator, field: str, label: str, own: Decimal) -> str:
    """A what-if threshold bound to the URL (`wmin` / `wtarget`), written only where it differs from `own`."""
    with column:
        session.bind(st.number_input, field, label, min_value=0.0, step=step, key_suffix=f"_{std.id}",
                     to_widget=lambda v: float(own if v is None else Decimal(v)),
                     from_widget=lambda v: None if Decimal(repr(float(v))) == own else view_state.threshold_text(v))
    value = getattr(session.get(), field)
    return view_state.threshold_text(own) if value is None else value


lo = threshold_input(w1, "whatif_min", t("funding.whatif_minimum", lang, unit=unit), std.minimum)
hi = None
if std.target is not None:
    hi = threshold_input(w2, "whatif_target", t("funding.whatif_target", lang, unit=unit), std.target)
if hi is not None and Decimal(hi) < Decimal(lo):
    st.warning(t("funding.whatif_order", lang))
whatif = data_access.funding_checks(table, std.id, lo, hi)
w_year = whatif[(whatif["year"] == state.year) & whatif["adcode"].isin(state.districts)].reset_index(drop=True)
compare = tables.whatif_table(sel, w_year, lang)
passing_now = int(sel["status"].isin(["meets_minimum", "meets_target"]).sum())
passing_whatif = int(w_year["status"].isin(["meets_minimum", "meets_target"]).sum())
target_now = int((sel["status"] == "meets_target").sum())
target_whatif = int((w_year["status"] == "meets_target").sum())
def versus_standard(change: int) -> str:
    """The chip under a what-if count: how many more or fewer than under the standard, never a bare 0."""
    return t("defects.whatif_delta", lang, n=f"{change:+d}") if change else t("defects.whatif_same", lang)


st.html(page_style.KPI_STYLE)
m1, m2 = st.container(key=page_style.KPI_KEY).columns(2)
m1.metric(t("funding.whatif_pass", lang), f"{passing_whatif} / {len(sel)}",
          delta=versus_standard(passing_whatif - passing_now), delta_arrow="auto" if passing_whatif != passing_now
          else "off", delta_color="normal" if passing_whatif != passing_now else "off", border=True)
if std.target is not None:
    m2.metric(t("funding.whatif_target_pass", lang), f"{target_whatif} / {len(sel)}",
              delta=versus_standard(target_whatif - target_now), delta_arrow="auto" if target_whatif != target_now
              else "off", delta_color="normal" if target_whatif != target_now else "off", border=True)
st.dataframe(compare, hide_index=True, key="funding_whatif", column_config={
    c: st.column_config.NumberColumn(format=f"%.{std.precision}f") for c in compare.columns
    if compare[c].dtype.kind == "f"})
