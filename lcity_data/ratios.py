"""Ratios of two indicators (per capita, per 10,000 residents …) at reporting precision.

Division is done in Decimal on the shortest decimal form of the stored values and rounded half-up,
so a boundary value such as 626.3万元 / 62.63万人 = 10.00 is not lost to float error. A missing input
or a zero denominator gives None ("no data"), never 0.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from lcity_data.catalog import load_catalog
from lcity_data.provenance import derived_status, mixed
from lcity_data.units import as_decimal


def ratio(numerator: float | None, denominator: float | None, per: int = 1, precision: int = 2) -> Decimal | None:
    """numerator / denominator × per, rounded half-up to `precision` decimals; None if not computable."""
    if numerator is None or denominator is None or pd.isna(numerator) or pd.isna(denominator):
        return None
    if denominator <= 0:
        return None
    value = as_decimal(numerator) * per / as_decimal(denominator)
    return value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


def ratio_table(df: pd.DataFrame, numerator: str, denominator: str, per: int = 1, precision: int = 2) -> pd.DataFrame:
    """One row per (unit, year) having either input: the inputs, the ratio, its status, sources.

    `status_of_inputs` is the weakest input's derived status (provenance.derived_status) and `mixed`
    says whether the inputs mix real and sample data; both only where the ratio exists."""
    parts = {}
    for role, ind in (("num", numerator), ("den", denominator)):
        sub = df[df["indicator"] == ind].set_index(["adcode", "year"])
        parts[role] = sub[["value", "status", "source"]].add_prefix(f"{role}_")
    wide = parts["num"].join(parts["den"], how="outer").reset_index()
    wide["per_capita"] = [
        ratio(n, d, per, precision) for n, d in zip(wide["num_value"], wide["den_value"], strict=True)
    ]
    wide["status_of_inputs"] = [
        derived_status([a, b]) if pc is not None else None
        for a, b, pc in zip(wide["num_status"], wide["den_status"], wide["per_capita"], strict=True)
    ]
    wide["mixed"] = [
        pc is not None and mixed([a, b])
        for a, b, pc in zip(wide["num_status"], wide["den_status"], wide["per_capita"], strict=True)
    ]
    wide["source"] = [
        a if a == b else f"{a} ÷ {b}"
        for a, b in zip(wide["num_source"].fillna(""), wide["den_source"].fillna(""), strict=True)
    ]
    cat = load_catalog()
    num, den = cat.indicator(numerator), cat.indicator(denominator)
    scale = "" if per == 1 else f" × {per:,}"
    wide["formula_note"] = f"{num.name_zh} ÷ {den.name_zh}{scale} / {num.name_en} ÷ {den.name_en}{scale}"
    return wide
