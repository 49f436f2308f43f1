"""Cold start: the first page reads the shipped table without re-validating a data version that already
passed the schema, and loads none of the heavy libraries it does not use (pandera, geopandas, openpyxl,
mapclassify, folium). Any other content is still validated in full."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lcity_data import loading
from lcity_data.catalog import SHIPPED_CSV
from lcity_data.validation import conform, digest, validate_table

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandera", "geopandas", "openpyxl", "mapclassify", "folium", "streamlit_folium", "sklearn", "scipy")


def _raw(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"adcode": str, "note": str, "source": str}, keep_default_na=False,
                     na_values={"value": [""]})
    df["note"] = df["note"].fillna("")
    return df


def test_recorded_digest_is_the_shipped_table_and_it_validates():
    raw = _raw(SHIPPED_CSV)
    recorded = loading.SHIPPED_DIGEST.read_text(encoding="utf-8").strip()
    assert digest(raw) == recorded, (
        "the shipped CSV changed: run `python -c 'from lcity_data.loading import record_shipped_digest; "
        "record_shipped_digest()'` (it validates the table first)")
    pd.testing.assert_frame_equal(conform(raw), validate_table(raw))


def test_other_content_is_validated_in_full(tmp_path):
    bad = _raw(SHIPPED_CSV)
    bad.loc[0, "status"] = "made_up"
    path = tmp_path / "changed.csv"
    bad.to_csv(path, index=False)
    recorded = loading.SHIPPED_DIGEST.read_text(encoding="utf-8").strip()
    with pytest.raises(Exception, match="made_up"):
        loading.read_long_csv(path, recorded)


def test_first_page_loads_no_heavy_library():
    code = (
        "import sys\n"
        "from dashboard import data_access, frame\n"
        "from dashboard.charts import figures, progress_view, tables\n"
        "from dashboard.map import maps\n"
        "from dashboard.map.map_component import frames, payload, view\n"
        "from lcity_data.geometry import boundaries_geojson\n"
        "from lcity_data.loading import load_shipped\n"
        "from lcity_data.registry import load_registry\n"
        "table = load_shipped()\n"
        "years = sorted(int(y) for y in table['year'].unique())\n"
        "payload.project(boundaries_geojson())\n"
        "frames.indicator_years(table, 'funding_per_capita', years, 'zh', load_registry().adcodes, 'quantiles', 5)\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
