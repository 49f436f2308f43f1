"""Plausibility warnings for imported values: a second look, never a rejection.

Why: a ten-fold typo (5,120.0 万元 for 512.0) is a valid number in a valid unit, so no rule can refuse
it, yet it would make one district look ten times better funded. A value `factor` times above (or
at 1/`factor` or less of) the same district's previous year, or of the median of the other districts
that year, is listed with its row, column, value and reason. The comparison base is the rest of the
upload plus, when given, the table it will be merged into (the upload wins on the same key).
Thresholds are catalog data (import_headers.toml [plausibility]).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from lcity_data.catalog import load_catalog

KEY = ["adcode", "year", "indicator"]


@dataclass(frozen=True)
class Implausible:
    """A value that may be a typo: where it is, what was typed, and why it looks odd."""

    row: int
    column: str
    value: str
    reason_zh: str
    reason_en: str
    sheet: str | None = None
    adcode: str | None = None  # which district, year and indicator: the publish step names them, not the row
    year: int | None = None
    indicator: str | None = None


def _times(ratio: float) -> str:
    return f"{ratio:.1f}" if ratio >= 1 else f"{ratio:.2f}"


def check(values: pd.DataFrame, base: pd.DataFrame | None = None) -> list[Implausible]:
    """Warnings for `values` (adcode, year, indicator, value, row, column, value_text, sheet).

    Each value is compared with its district's previous year and with the median of the other
    districts in its year, taken from `values` and `base` together (values win on the same key).
    """
    spec = load_catalog().plausibility()
    factor, min_others = spec.factor, spec.min_others
    own = values[[*KEY, "value"]].dropna(subset=["value"])
    pool = own if base is None else pd.concat([base[[*KEY, "value"]], own], ignore_index=True)
    pool = pool.dropna(subset=["value"]).drop_duplicates(KEY, keep="last")
    # plain dicts: one lookup per value, so a 20,000-row return stays well under a second
    lookup = {(a, int(y), i): float(v) for a, y, i, v in pool.itertuples(index=False)}
    by_year: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
    for (a, y, i), v in lookup.items():
        by_year[(i, y)][a] = v
    out: list[Implausible] = []
    for r in values.dropna(subset=["value"]).itertuples(index=False):
        v = float(r.value)
        reasons: list[tuple[str, str]] = []
        prev = lookup.get((r.adcode, int(r.year) - 1, r.indicator))
        if prev is not None and prev > 0 and not (prev / factor < v < prev * factor):
            x = _times(v / prev)
            reasons.append((f"是该地区上一年（{int(r.year) - 1}年）数值的{x}倍，请核对单位和小数点",
                            f"{x} times the district's previous year ({int(r.year) - 1}): check the unit and "
                            "decimal point"))
        others = [x for a, x in by_year.get((r.indicator, int(r.year)), {}).items() if a != r.adcode]
        median = statistics.median(others) if len(others) >= min_others else 0.0
        if median > 0 and not (median / factor < v < median * factor):
            x = _times(v / median)
            reasons.append((f"是同年其他{len(others)}个地区中位数的{x}倍，请核对单位和小数点",
                            f"{x} times the median of the other {len(others)} districts that year: check the unit "
                            "and decimal point"))
        out += [Implausible(int(r.row), str(r.column), str(r.value_text), zh, en,
                            r.sheet if isinstance(r.sheet, str) else None, str(r.adcode), int(r.year), str(r.indicator))
                for zh, en in reasons]
    return out
