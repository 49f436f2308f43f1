"""Scale-benchmark app: the app's map component on ~150 synthetic towns × 25 years × 60 indicators.

Built by bench/run_bench.py (data from bench/scale_data.py in bench/_work/). Mirrors the Map page's
path: cached table, shapes projected once (cache_resource), every year's frame with quantile classes
(lcity_data.classify.class_breaks, coloured with dashboard.map.maps.sequential_colors) built once per
indicator (cache_data), the component mounted with the year; a year the timeline reports comes back
into the sidebar slider (one state), as on the Map page. Not part of the app.
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
from dashboard.map import maps  # noqa: E402
from dashboard.map.map_component import frames, payload, view  # noqa: E402
from lcity_data.classify import NO_DATA, class_breaks  # noqa: E402

YEAR_KEY = "scale_year"


@st.cache_data(show_spinner=False)
def table() -> pd.DataFrame:
    return pd.read_parquet(WORK / "towns.parquet")


@st.cache_resource(show_spinner=False)
def shapes() -> payload.Shapes:
    with (WORK / "towns.geojson").open(encoding="utf-8") as fh:
        return payload.project(json.load(fh))


@st.cache_resource(show_spinner=False)
def towns() -> list[dict]:
    with (WORK / "towns.geojson").open(encoding="utf-8") as fh:
        return [f["properties"] for f in json.load(fh)["features"]]


def town_year(values: pd.Series, year: int) -> payload.YearFrame:
    rows = [{"adcode": p["adcode"], "name": p["name_zh"], "name_alt": p["name_en"],
             "value": float(values.get(p["adcode"], float("nan"))), "selected": True, "source": "synthetic",
             "status_text": "示例"} for p in towns()]
    frame = pd.DataFrame(rows)
    frame["rank"] = frame["value"].rank(ascending=False, method="min")
    frame["value_text"] = [f"{v:,.2f}" for v in frame["value"]]
    frame["rank_text"] = [f"{int(r)}/{len(frame)}" if r == r else "" for r in frame["rank"]]
    result = class_breaks(frame["value"], "quantiles", 5)
    colors = maps.sequential_colors(result.k)
    legend = [payload.LegendEntry(b.key, f"{b.lower:,.1f} – {b.upper:,.1f}", c)
              for b, c in zip(result.bins, colors, strict=True)]
    color_of = {b.key: c for b, c in zip(result.bins, colors, strict=True)}
    frame["fill"] = [None if i == NO_DATA else color_of[result.bins[i].key] for i in result.ids]
    return payload.YearFrame(year, frame, legend)


@st.cache_data(show_spinner=False)
def map_payload(indicator: str) -> dict:
    sub = table()[table()["indicator"] == indicator]
    years = [town_year(g.set_index("adcode")["value"], int(y)) for y, g in sub.groupby("year")]
    return payload.build(shapes(), years, year=years[-1].year, title=indicator, labels=frames.hover_labels("zh"),
                         ui=frames.ui_texts("zh"), no_data_label="无数据", not_selected_label="未选择", lang="zh")


def year_reported(key: str) -> None:
    value = (st.session_state.get(key) or {}).get("year")
    if isinstance(value, dict) and value.get("year") in YEARS:
        st.session_state[YEAR_KEY] = value["year"]


st.set_page_config(page_title="Scale bench", layout="wide")
tab = table()
indicators = sorted(tab["indicator"].unique())
YEARS = sorted(int(y) for y in tab["year"].unique())
indicator = st.sidebar.selectbox("Indicator", indicators)
year = st.sidebar.select_slider("Year 年份", options=YEARS, value=YEARS[-1], key=YEAR_KEY)
view.show(map_payload(indicator), year, key="map_chart", on_year=year_reported)
st.caption(f"{len(towns())} towns · {year}")
