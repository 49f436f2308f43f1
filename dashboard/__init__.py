"""Streamlit-side helpers for the dashboard.

Pure (no Streamlit import, unit-tested directly): `state` (URL <-> view state), `i18n` (the
translation catalog `i18n.toml`), `formatting` (numbers and units for display), `figures` (plotly
builders), `maps` (map frames, classes and the folium view), `tables` (the tables pages show and
download), `assets` (self-hosted Leaflet), `safe_text` (text from links and uploads shown literally).
Streamlit glue: `frame` (the shared frame app.py runs), `navigation` (the page registry), `session`
(state in session + URL, bound widgets), `sidebar`, `data_access` (cached data, upload overlay),
`errors` (a bug as a short message with a reference), `upload_status` (a lost upload is said),
`import_worker` (uploads imported in a bounded worker process).
"""
