"""The round-trip floor for bench/run_bench.py: a bare Streamlit app with a year slider and a text line.

Nothing else: no data, no frame, no map. A year step here is keydown -> widget message -> script rerun
-> delta -> React -> the text line shows the year: what any server-side year change costs on this
machine before an app adds anything. Not part of the app. Run: streamlit run bench/bare_app.py
"""

import streamlit as st

YEARS = list(range(2010, 2025))

year = st.select_slider("年份", options=YEARS, value=YEARS[-1])
st.write(f"year {year}")
