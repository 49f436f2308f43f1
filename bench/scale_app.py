"""Scale-benchmark app: the app's own map figure builder on ~150 synthetic towns × 25 years × 60 indicators.

Built by bench/run_bench.py (data from bench/scale_data.py in bench/_work/). Mirrors pages/map.py's
plotly path: cached table and geometry, one frame per (indicator, year), quantile classes from
lcity_data.classify.class_breaks coloured with dashboard.maps.sequential_colors, and the figure from
dashboard.figures.choropleth, shown with st.plotly_chart(config=figures.PLOTLY_CONFIG). Not part of the app.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.scale_data import WORK  # noqa: E402
from dashboard import figures, maps  # noqa: E402
from lcity_data.classify import NO_DATA, class_breaks  # noqa: E402


@st.cache_data(show_spinner=False)
def table() -> pd.DataFrame:
    return pd.read_parquet(WORK / "towns.parquet")


@st.cache_resource(show_spinner=False)
def geometry() -> dict:
    with (WORK / "towns.geojson").open(encoding="utf-8") as fh:
        return json.load(fh)


@st.cache_data(show_spinner=False)
def by_indicator_year(indicator: str) -> dict[int, pd.DataFrame]:
    sub = table()[table()["indicator"] == indicator]
    return {int(y): g.set_index("adcode") for y, g in sub.groupby("year")}


def town_frame(indicator: str, year: int, towns: list[dict]) -> pd.DataFrame:
    values = by_indicator_year(indicator)[year]["value"]
    rows = [{"adcode": p["adcode"], "name": p["name_zh"], "name_alt": p["name_en"],
             "value": float(values.get(p["adcode"], float("nan"))), "year": year, "status_text": "示例",
             "source": "synthetic", "selected": True} for p in towns]
    frame = pd.DataFrame(rows)
    frame["rank"] = frame["value"].rank(ascending=False, method="min")
    frame["value_text"] = [f"{v:,.2f}" for v in frame["value"]]
    frame["rank_text"] = [f"{int(r)}/{len(frame)}" for r in frame["rank"]]
    return frame


st.set_page_config(page_title="Scale bench", layout="wide")
tab = table()
indicators = sorted(tab["indicator"].unique())
years = sorted(int(y) for y in tab["year"].unique())
indicator = st.sidebar.selectbox("Indicator", indicators)
year = st.sidebar.select_slider("Year 年份", options=years, value=years[-1])
geo = geometry()
towns = [f["properties"] for f in geo["features"]]

frame = town_frame(indicator, year, towns)
result = class_breaks(frame["value"], "quantiles", 5)
colors = maps.sequential_colors(result.k)
classes = [figures.MapClass(b.key, f"{b.lower:,.1f} – {b.upper:,.1f}", c)
           for b, c in zip(result.bins, colors, strict=True)]
frame["class_key"] = [None if i == NO_DATA else result.bins[i].key for i in result.ids]
labels = {"value": "值", "rank": "排名", "year": "年份", "status": "状态", "source": "来源", "note": "备注",
          "class": "分级", "not_selected": "未选"}
fig = figures.choropleth(frame, geo, classes=classes, labels=labels, legend_title=f"{indicator} {year}",
                         no_data_label="无数据")
st.plotly_chart(fig, config=figures.PLOTLY_CONFIG, key="map_chart")
st.caption(f"{len(towns)} towns · {year}")
