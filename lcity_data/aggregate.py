"""City figures from district values, by each indicator's catalog `aggregate` rule.

- `sum`: Σ district values (counts, money, persons);
- `weighted_mean`: Σ(value × weight) / Σ weight, weights = the indicator named in `weight`
  (e.g. participation rate weighted by resident population);
- `ratio`: Σ numerator / Σ denominator (e.g. funding per person = total funding / total population),
  never the mean of the district ratios;
- `none`: no city figure.

A city value needs every district (by default, all 10 current districts): a sum over 8 districts is
not the city, so incomplete years are gaps (NaN), never partial totals. The status of a city value
is its weakest input's derived status (lcity_data.provenance): `illustrative` if any input is, `reported`
if any is a district return, else `derived`.

Also `indexed`: a series as an index (base year = 100). Pure pandas; no Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from lcity_data.catalog import load_catalog
from lcity_data.provenance import derived_status
from lcity_data.ratios import ratio
from lcity_data.registry import load_registry

CITY_COLUMNS = ["year", "value", "status", "n_districts", "n_expected"]


def _status(statuses: Iterable[str]) -> str:
    return derived_status(statuses) or "derived"


def _values(df: pd.DataFrame, indicator_id: str, adcodes: list[str]) -> pd.DataFrame:
    sub = df[(df["indicator"] == indicator_id) & df["adcode"].isin(adcodes)]
    return sub[["adcode", "year", "value", "status"]].dropna(subset=["value"])


def city_series(df: pd.DataFrame, indicator_id: str, adcodes: Iterable[str] | None = None,
                years: Iterable[int] | None = None, require_complete: bool = True) -> pd.DataFrame:
    """One row per year: the city value (NaN where it cannot be formed), status and coverage.

    `adcodes` defaults to all current districts (the whole city). `years` defaults to every year in
    which the indicator (or, for ratios, an input) appears.
    """
    cat = load_catalog()
    ind = cat.indicator(indicator_id)
    codes = sorted(adcodes) if adcodes is not None else load_registry().adcodes
    expected = len(codes)
    rule = ind.aggregate
    if rule == "ratio":
        parts = [_values(df, ind.numerator, codes), _values(df, ind.denominator, codes)]
    elif rule == "weighted_mean":
        parts = [_values(df, indicator_id, codes), _values(df, ind.weight, codes)]
    else:
        parts = [_values(df, indicator_id, codes)]
    if years is None:
        years = sorted({int(y) for p in parts for y in p["year"].unique()})
    rows = []
    for year in sorted(int(y) for y in years):
        rows.append(_city_year(rule, [p[p["year"] == year] for p in parts], year, expected, require_complete,
                               indicator_id))
    return pd.DataFrame(rows, columns=CITY_COLUMNS)


def _city_year(rule: str, parts: list[pd.DataFrame], year: int, expected: int, require_complete: bool,
               indicator_id: str) -> dict:
    empty = {"year": year, "value": np.nan, "status": None, "n_districts": 0, "n_expected": expected}
    if rule == "none":
        return empty
    if rule == "sum":
        (vals,) = parts
        n = vals["adcode"].nunique()
        if n == 0 or (require_complete and n < expected):
            return {**empty, "n_districts": n}
        return {"year": year, "value": float(vals["value"].sum()), "status": _status(vals["status"]),
                "n_districts": n, "n_expected": expected}
    first, second = parts
    both = first.merge(second, on="adcode", suffixes=("", "_w"))
    n = both["adcode"].nunique()
    if n == 0 or (require_complete and n < expected):
        return {**empty, "n_districts": n}
    statuses = [*both["status"], *both["status_w"]]
    if rule == "weighted_mean":
        wsum = float(both["value_w"].sum())
        if wsum <= 0:
            return {**empty, "n_districts": n}
        value = float((both["value"] * both["value_w"]).sum() / wsum)
    elif rule == "ratio":
        value = _ratio(float(both["value"].sum()), float(both["value_w"].sum()), indicator_id)
        if value is None:
            return {**empty, "n_districts": n}
    else:
        raise ValueError(f"unknown aggregate rule {rule!r}")
    return {"year": year, "value": value, "status": _status(statuses), "n_districts": n, "n_expected": expected}


def _ratio(numerator: float, denominator: float, indicator_id: str) -> float | None:
    """Σnum/Σden × per, at the indicator's reporting precision (as the district values are)."""
    ind = load_catalog().indicator(indicator_id)
    value = ratio(numerator, denominator, ind.per, ind.precision)
    return None if value is None else float(value)


def indexed(df: pd.DataFrame, base_year: int, by: str | None = "adcode", value: str = "value") -> pd.DataFrame:
    """Add `index` = value / value in `base_year` × 100, per group `by` (None = one series).

    A group with no (or a zero) base-year value gets NaN throughout: no index is invented.
    """
    out = df.copy()
    keys = out[by] if by else pd.Series(0, index=out.index)
    base = out[out["year"] == base_year].assign(_k=keys[out["year"] == base_year])
    base_map = base.groupby("_k")[value].first()
    denom = keys.map(base_map)
    denom = denom.where(denom > 0)
    out["index"] = out[value] / denom * 100
    return out
