"""The district map with a timeline (issue 13): payload.py builds what the browser gets, frames.py every
year of a map, view.py mounts it in Streamlit; map.js and map.css draw it (app and offline briefing)."""

from pathlib import Path

ASSETS = Path(__file__).resolve().parent
