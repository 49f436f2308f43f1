"""区县画像 District profile: one district in one year — where it stands and why. The district is the
first of the `district` URL parameter; the numbers are lcity_data/profile.py's (the Funding check's,
the Index page's and the map's ranks), the table and charts dashboard/profile/profile_view.py's."""

from functools import partial

import pandas as pd
import streamlit as st

from dashboard import data_access, frame, page_style, session
from dashboard.charts import chart_tools
from dashboard.i18n import t
from dashboard.profile import profile_view
from lcity_data.profile import Profile, build_profile, rules, sentences
from lcity_data.profile_html import headline_values, page_html, status_text
from lcity_data.registry import load_registry
from lcity_data.report_text import label

state = frame.page_state()
lang = state.lang
reg = load_registry()
adcodes = reg.adcodes


@st.cache_data(show_spinner=False, max_entries=32)
def profile_of(table: pd.DataFrame, adcode: str, year: int) -> Profile:
    """The profile (cached per release table, district and year: it runs the index over all years)."""
    return build_profile(table, adcode, year)


session.bind(st.selectbox, "districts", t("profile.picker", lang), options=list(adcodes),
             format_func=lambda a: reg.name(a, lang), to_widget=lambda ds: ds[0] if ds else adcodes[0],
             from_widget=lambda a: (a,), key_suffix="_profile")
state = session.get()
adcode = state.districts[0] if state.districts else adcodes[0]
table = data_access.current_table()
profile = profile_of(table, adcode, state.year)
name = reg.name(adcode, lang)

st.title(label("profile.title", lang, district=name, year=state.year))
if profile.illustrative:
    st.warning(label("profile.illustrative", lang), icon=":material/science:")

st.html(page_style.KPI_STYLE)
for column, (what, big, note) in zip(st.container(key=page_style.KPI_KEY).columns(3),
                                     headline_values(profile, lang), strict=True):
    column.metric(what, big, border=True)
    column.caption(note)

strengths, gaps = sentences(profile, lang)
none = label("profile.none", lang, top=rules()["top"], bottom=rules()["bottom"])
left, right = st.columns(2, gap="large")
for column, heading, lines in ((left, "profile.strengths", strengths), (right, "profile.gaps", gaps)):
    column.subheader(label(heading, lang))
    column.markdown("\n".join(f"- {line}" for line in lines) if lines else none)

st.header(label("profile.indicators", lang))
indicators = profile_view.indicator_frame(profile, lang)
st.dataframe(indicators, hide_index=True, key="profile_table", column_config={
    label("profile.col_trend", lang): st.column_config.LineChartColumn(width="small"),
    label("profile.col_source", lang): st.column_config.TextColumn(width="medium")})
st.caption(label("profile.rank_note", lang))
sources = [r.source for r in profile.rows]
chart_tools.show_link_and_sources(chart_tools.chart_meta(
    label("profile.indicators", lang), lang, key=f"profile-{adcode}", years=[state.year], source_values=sources),
    key="profile_table_tools", lang=lang)

# one under the other: side by side, each chart got half of 1024 px and its heading wrapped to three lines
st.header(label("profile.dimensions", lang))
chart_tools.show_chart(profile_view.dimension_figure(profile, lang), chart_tools.chart_meta(
    f"{name} · {label('profile.dimensions', lang)}", lang, key=f"profile-dims-{adcode}",
    unit=label("profile.dimension_score", lang), years=[state.year], source_values=sources),
    key="profile_dims", lang=lang)
st.header(label("profile.rank_trend", lang))
chart_tools.show_chart(profile_view.rank_figure(profile, lang), chart_tools.chart_meta(
    f"{name} · {label('profile.rank_trend', lang)}", lang, key=f"profile-rank-{adcode}",
    unit=label("profile.rank_axis", lang), years=[y for y, _ in profile.rank_trend],
    source_values=table[(table["adcode"] == adcode)]["source"]), key="profile_rank", lang=lang)

st.header(label("profile.data_status", lang))
status_line, origins = status_text(profile, lang)
st.markdown(status_line)
st.markdown("\n".join(f"- {o}" for o in origins))

run = data_access.current_run()
with st.sidebar:
    st.download_button(t("profile.download", lang), key="profile_download", icon=":material/print:",
                       data=partial(page_html, profile, lang, release=run.shown.release if run else None,
                                    published=run.shown.created_at.date() if run else None),
                       file_name=f"ningbo-profile-{adcode}-{state.year}-{lang}.html", mime="text/html",
                       help=t("profile.download_help", lang), on_click="ignore")
