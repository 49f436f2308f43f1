"""简报 Briefing: the Lifelong Learning Week slide show. One slide at a time in large type for a
projector (full screen with `?embed=true`); the slide number lives in the URL (`slide=3`) so a
presenter can open a slide directly. The slides are built by dashboard/briefing/slides.py and the offline
HTML file by dashboard/briefing/briefing_export.py; this page only shows them."""

from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data_access, frame, session
from dashboard.briefing import briefing_export, briefing_pptx, slides
from dashboard.charts import chart_tools
from dashboard.i18n import t
from dashboard.map.map_component import view as map_view
from lcity_data import report_docx
from lcity_data.catalog import load_catalog
from lcity_data.cli_report import report_bytes

state = frame.page_state()
lang = state.lang


@st.cache_data(show_spinner=False, max_entries=8)
def deck(table: pd.DataFrame, year: int, districts: tuple[str, ...], lang: str) -> tuple[slides.Slide, ...]:
    """The slides for this view (cached: they run the funding check, the trends and the index)."""
    return slides.build_deck(table, year, districts, lang, data_access.districts_geojson())


def turn(step: int) -> None:
    """Previous / next: move the slide in the view state (the frame writes it to the URL)."""
    total = len(slides.SLIDE_KEYS)
    session.update(slide=min(max(session.get().slide + step, 1), total))


table = data_access.current_table()
shown = deck(table, state.year, state.districts, lang)
number, total = state.slide, len(shown)
slide = shown[number - 1]

embedded = bool(st.context.is_embedded)
st.html(f"<style>{briefing_export.PAGE_STYLE}{briefing_export.EMBED_STYLE if embedded else ''}</style>")
if not state.districts:
    st.info(t("common.select_districts", lang))
st.html(f'<div class="lc-brief lc-brief-{slide.key}">{briefing_export.heading_html(slide, "h1")}</div>')
if slide.map is not None:  # the timeline moves the whole briefing's year (headline and sentence follow)
    map_view.show(slide.map, state.year, key=f"briefing_{slide.key}", projector=True,
                  max_height=slides.EMBED_MAP_HEIGHT if embedded else slides.CHART_HEIGHT,
                  png_name=f"ningbo-briefing-{number}-{slide.key}",
                  sources=map_view.status_sources(table, load_catalog().standard().id, state.districts, lang))
elif slide.figure is not None and embedded:
    # Presenting: nothing but the slide; the chart takes the height the headline, sentence and buttons
    # leave on the screen (EMBED_STYLE makes the page one screen tall), so every slide fits 1280×720 and 1024×768.
    st.plotly_chart(go.Figure(slide.figure).update_layout(height=None),
                    config=slides.chart_config(state.year, number, slide.key),
                    key=f"briefing_{slide.key}", height="stretch")
elif slide.figure is not None:
    values = briefing_pptx.slide_source_values(table, state.year, list(state.districts))[slide.key]
    chart_tools.show_chart(slide.figure, chart_tools.chart_meta(
        slide.headline, lang, key=f"briefing-{state.year}-{number}-{slide.key}", years=[state.year],
        source_values=values), key=f"briefing_{slide.key}", lang=lang,
        config=slides.chart_config(state.year, number, slide.key))
st.html(f'<div class="lc-brief lc-brief-{slide.key}">{briefing_export.finding_html(slide, lang)}</div>')

back, counter, forward = st.columns(3, vertical_alignment="center")
back.button(t("briefing.prev", lang), key="briefing_prev", on_click=turn, args=(-1,), disabled=number <= 1,
            icon=":material/arrow_back:", shortcut="PageUp", width="stretch")
counter.html(briefing_export.counter_html(number, total, lang))
forward.button(t("briefing.next", lang), key="briefing_next", on_click=turn, args=(1,), disabled=number >= total,
               icon=":material/arrow_forward:", icon_position="right", shortcut="PageDown", width="stretch")

if not embedded:  # the files a presenter takes away, on the page where they look (not under the sidebar's chips)
    html_file, pptx_file, report_file = st.columns(3)
    html_file.download_button(
        t("briefing.download", lang), key="briefing_download", icon=":material/download:",
        data=partial(briefing_export.build_briefing_html, table, state.year, state.districts, lang,
                     release=chart_tools.session_release(lang)),
        file_name=f"ningbo-briefing-{state.year}-{lang}.html", mime="text/html",
        help=t("briefing.download_help", lang, n=total), on_click="ignore", width="stretch")
    pptx_file.download_button(
        t("present.download_pptx", lang), key="briefing_download_pptx", icon=":material/slideshow:",
        data=partial(briefing_pptx.render_pptx, shown, table, state.year, state.districts, lang,
                     data_access.districts_geojson(), release=chart_tools.session_release(lang)),
        file_name=f"ningbo-briefing-{state.year}-{lang}.pptx", mime=briefing_pptx.MIME,
        help=t("present.download_pptx_help", lang, n=total), on_click="ignore", width="stretch")
    run = data_access.current_run()
    report_file.download_button(
        t("report.download", lang), key="briefing_download_report", icon=":material/description:",
        data=partial(report_bytes, table, state.year, lang, "docx", run.shown if run else None),
        file_name=f"ningbo-report-{state.year}-{lang}.docx", mime=report_docx.MIME,
        help=t("report.download_help", lang), on_click="ignore", width="stretch")
    with st.expander(t("briefing.presenting", lang), icon=":material/co_present:"):
        st.markdown(t("briefing.presenting_body", lang))
