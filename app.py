"""Ningbo Learning City Monitor: the entry point.

Run: `streamlit run app.py`. The frame (dashboard/frame.py) restores the view state from the
session and the URL, routes with st.navigation over the page registry (dashboard/navigation.py),
draws the shared sidebar, re-writes the URL for the page shown, and runs that page.
"""

from dashboard import frame

frame.run()
