"""The map alone: the app's own map pipeline with nothing else on the page, for bench/run_bench.py.

A sidebar year slider, the app's cached table (the store's latest release) and boundaries (dashboard.data_access), and
pages/map.py's plotly path for funding per capita (map_frame -> apply_classes -> figures.choropleth
-> st.plotly_chart). No frame, no URL state, no ranking table. Timed in the same run as the app, it
shows what a Streamlit rerun costs on this machine before the app adds anything: the floor under the
app's year-change time.
Not part of the app. Run: streamlit run bench/floor_app.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard import data_access, figures, maps  # noqa: E402

INDICATOR = "funding_per_capita"

url = data_access.store_url()
data = data_access.release_table(url, data_access.latest_release(url).release)[0]
years = sorted(int(y) for y in data.loc[data["indicator"] == INDICATOR, "year"].unique())
year = st.sidebar.select_slider("年份", options=years, value=years[-1])
frame = maps.map_frame(data, INDICATOR, year, "zh")
frame, classes, _ = maps.apply_classes(frame, INDICATOR, "quantiles", 5, "zh")
fig = figures.choropleth(frame, data_access.districts_geojson(), classes=classes, labels=maps.hover_labels("zh"),
                         legend_title=INDICATOR, no_data_label="无数据")
st.plotly_chart(fig, config=figures.PLOTLY_CONFIG, key="map_chart")
