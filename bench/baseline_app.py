"""A deliberately naive baseline for bench/run_bench.py: what a first-draft Streamlit map looks like.

folium with the FULL-resolution boundaries (geo/ningbo_districts_full.geojson), no caching at all
(the CSV and the GeoJSON are re-read and the map rebuilt with folium.Choropleth on every rerun),
drawn with st_folium, one year slider. Funding per capita = funding / household population.

Not part of the app: it exists only to be measured against. Run:
    streamlit run bench/baseline_app.py
Offline note: folium's default page loads Leaflet, jQuery and Bootstrap from CDNs, so in a browser
with no internet the map never paints; the bench measures what it can (server-side rerun, bytes).
"""

from __future__ import annotations

import json
from pathlib import Path

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "lcity_data" / "data" / "ningbo_indicators.csv"
GEOJSON = ROOT / "geo" / "ningbo_districts_full.geojson"



def per_capita_table() -> pd.DataFrame:
    """Re-read the CSV and derive funding per household resident (no caching, on purpose)."""
    table = pd.read_csv(CSV, dtype={"adcode": str})
    wide = table.pivot_table(index=["adcode", "year"], columns="indicator", values="value").reset_index()
    wide["per_capita"] = wide["funding_community_edu"] / wide["population_household"]
    return wide


def build_map(wide: pd.DataFrame, year: int) -> folium.Map:
    """Re-read the full-resolution GeoJSON and build the folium choropleth for `year`."""
    with GEOJSON.open(encoding="utf-8") as fh:
        geo = json.load(fh)
    data = wide[wide["year"] == year][["adcode", "per_capita"]]
    m = folium.Map(location=[29.75, 121.55], zoom_start=8)
    folium.Choropleth(
        geo_data=geo, data=data, columns=["adcode", "per_capita"], key_on="feature.properties.adcode",
        fill_color="YlGnBu", legend_name=f"人均经费 {year} (元)",
    ).add_to(m)
    return m


def main() -> None:
    st.set_page_config(page_title="Baseline map", layout="wide")
    st.title("社区教育人均经费 (baseline)")
    wide = per_capita_table()
    years = sorted(int(y) for y in wide["year"].unique() if y >= 2012)
    year = st.slider("年份 Year", min_value=years[0], max_value=years[-1], value=years[-1])
    st_folium(build_map(wide, year), width=900, height=600, key="map")
    st.caption(f"{year}: {int((wide['year'] == year).sum())} districts")


if __name__ == "__main__":  # streamlit runs the file as __main__; bench/run_bench.py imports the functions
    main()
