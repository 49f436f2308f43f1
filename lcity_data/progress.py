"""Progress toward a target, SDSN-style: is the observed pace enough to reach the target in time?

r = observed pace ÷ needed pace, where the observed pace is the linear annual change from the base
year (or the first later observation) to the latest one, and the needed pace is what would close the
remaining gap by the target year. ↑ on track or maintaining (r ≥ 1, or the target is already met),
➚ moderately improving (r ≥ 0.5), → stagnating (0 ≤ r < 0.5), ↓ decreasing (r < 0), • insufficient
data (fewer than 3 observations). Thresholds and labels are in catalog/evaluation.toml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import pandas as pd

from lcity_data.catalog import load_catalog
from lcity_data.registry import load_registry


@cache
def rules() -> dict:
    """The progress rule (base year, minimum points, thresholds, labels) from the catalog."""
    return load_catalog().progress_rules()


@dataclass(frozen=True)
class Progress:
    status: str
    pace: float | None
    needed: float | None
    ratio: float | None
    years_to_target: float | None
    latest_year: int | None
    latest_value: float | None
    points: int

    @property
    def symbol(self) -> str:
        return rules()["status"][self.status]["symbol"]

    def label(self, lang: str) -> str:
        return rules()["status"][self.status][lang]


def assess(
    series: Mapping[int, float],
    target: float,
    target_year: int,
    direction: str = "higher",
    base_year: int | None = None,
) -> Progress:
    """Progress of one yearly series toward `target` by `target_year` (missing years simply absent)."""
    r = rules()
    base_year = r["base_year"] if base_year is None else base_year
    window = {y: v for y, v in sorted(series.items()) if y >= base_year and v is not None and not pd.isna(v)}
    if len(window) < r["min_points"]:
        last = max(window) if window else None
        return Progress("insufficient", None, None, None, None, last, window.get(last), len(window))
    sign = 1.0 if direction != "lower" else -1.0
    first, last = min(window), max(window)
    v0, v1, goal = sign * window[first], sign * window[last], sign * target
    pace = (v1 - v0) / (last - first)
    gap = goal - v1
    if gap <= 0:
        return Progress("on_track", sign * pace, 0.0, None, 0.0, last, window[last], len(window))
    needed = gap / max(target_year - last, 1)
    ratio = pace / needed
    if ratio >= 1:
        status = "on_track"
    elif ratio >= r["moderate"]:
        status = "moderate"
    elif ratio >= 0:
        status = "stagnating"
    else:
        status = "decreasing"
    years = gap / pace if pace > 0 else None
    return Progress(status, sign * pace, sign * needed, ratio, years, last, window[last], len(window))


def progress_table(df: pd.DataFrame, indicator: str, target: float, target_year: int,
                   up_to_year: int | None = None) -> pd.DataFrame:
    """Progress of every current district for one indicator, using data up to `up_to_year`."""
    direction = load_catalog().indicator(indicator).direction
    sub = df[df["indicator"] == indicator]
    return series_progress(sub, target, target_year, direction, up_to_year)


def series_progress(long: pd.DataFrame, target: float, target_year: int, direction: str = "higher",
                    up_to_year: int | None = None) -> pd.DataFrame:
    """Progress of every current district from rows (adcode, year, value) of one series.

    Split out of `progress_table` so a series that is not a catalog indicator (a standard's per-capita
    ratio on its own population basis) is assessed by exactly the same rule.
    """
    sub = long if up_to_year is None else long[long["year"] <= up_to_year]
    rows = []
    for adcode in load_registry().adcodes:
        mine = sub[sub["adcode"] == adcode]
        p = assess(dict(zip(mine["year"], mine["value"], strict=True)), target, target_year, direction)
        rows.append({"adcode": adcode, "status": p.status, "symbol": p.symbol, "pace": p.pace, "needed": p.needed,
                     "ratio": p.ratio, "years_to_target": p.years_to_target, "latest_year": p.latest_year,
                     "latest_value": p.latest_value, "points": p.points})
    return pd.DataFrame(rows)
