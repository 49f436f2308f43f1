"""Where the Map page's first run spends its time, in a fresh interpreter (what a cold server pays).

Run: `.venv/bin/python bench/first_run_parts.py` (prints JSON; bench/run_bench.py records it next to
the cold start). Streamlit only runs the script once a browser has connected, so everything here comes
after Chromium's first load of the frontend, which the bare app pays too: this is what the app adds.
Each step is the page's own call, uncached, in the order the page makes it.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    out: dict[str, float] = {}

    def lap(name: str, t0: float) -> float:
        now = time.perf_counter()
        out[name] = round((now - t0) * 1000, 1)
        return now

    t = time.perf_counter()
    import streamlit  # noqa: F401  (the server has it loaded before any session)

    t = lap("import_streamlit_ms", t)
    logging.disable(logging.WARNING)  # bare mode: st.cache_* warn that no runtime is running
    import dashboard.frame  # noqa: F401
    from dashboard.map import map_ranking, maps  # noqa: F401
    from dashboard.map.map_component import view
    from lcity_data import loading
    from lcity_data.classify import standard_for_indicator
    from lcity_data.registry import load_registry

    t = lap("import_app_ms", t)
    table, _ = loading.load_release()
    t = lap("load_release_ms", t)
    years = sorted(int(y) for y in table["year"].unique())
    std = standard_for_indicator("funding_per_capita")
    progress = view._progress_texts(table, std.id, "zh")
    t = lap("funding_progress_ms", t)
    frames = view.frames.indicator_years(table, "funding_per_capita", years, "zh", load_registry().adcodes,
                                         "quantiles", 5, progress)
    t = lap("all_years_frames_ms", t)
    view._build(frames, "t", "zh")
    lap("shapes_and_payload_ms", t)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
