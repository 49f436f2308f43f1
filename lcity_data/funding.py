"""Per-capita standards: community-education funding per person (and the staffing ratio).

per_capita = numerator / denominator × per, on the standard's population basis (Ningbo's rule uses
household-registered 户籍 population, the national one resident 常住 population). Ratios are exact
at the reporting precision (lcity_data/ratios.py), so 626.3万元 / 62.63万人 is exactly 10.00 and
meets a 10-yuan target. A missing input gives `no_data`, never 0.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from lcity_data.catalog import Standard, load_catalog
from lcity_data.ratios import ratio, ratio_table
from lcity_data.registry import load_registry

STATUS_ORDER = ("below_minimum", "meets_minimum", "meets_target", "no_data")


def statuses_for(standard: Standard) -> tuple[str, ...]:
    """The statuses a standard can give: no "meets target" when it sets no target."""
    return tuple(s for s in STATUS_ORDER if s != "meets_target" or standard.target is not None)


def per_capita(numerator: float | None, denominator: float | None, standard: Standard) -> Decimal | None:
    """The standard's ratio at its reporting precision, or None when an input is missing."""
    return ratio(numerator, denominator, standard.per, standard.precision)


def classify(value: Decimal | None, minimum: Decimal, target: Decimal | None) -> str:
    """Status of a per-capita value against thresholds (the standard's, or what-if ones)."""
    if value is None:
        return "no_data"
    if target is not None and value >= target:
        return "meets_target"
    return "meets_minimum" if value >= minimum else "below_minimum"


def per_capita_table(df: pd.DataFrame, standard: Standard) -> pd.DataFrame:
    """The standard's ratio for every (unit, year) with either input (see ratios.ratio_table)."""
    return ratio_table(df, standard.numerator, standard.denominator, standard.per, standard.precision)


def funding_check(
    df: pd.DataFrame,
    year: int | None = None,
    standard_id: str | None = None,
    minimum: Decimal | None = None,
    target: Decimal | None = None,
    per_capita: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Status of every current district for `year` (default: latest year with the numerator).

    All 10 districts appear, with `no_data` where an input is missing. `minimum`/`target` override the
    standard's thresholds for what-if views. Columns: adcode, district_zh, district_en, year,
    numerator, denominator, population_basis, per_capita, status, input statuses and sources.
    `per_capita`: `per_capita_table(df, standard)` of all years, when the caller checks many years (the
    ratio is per district and year, so one table serves them all).
    """
    cat = load_catalog()
    std = cat.standard(standard_id)
    minimum = std.minimum if minimum is None else minimum
    target = std.target if target is None else target
    if year is None:
        years = df.loc[df["indicator"] == std.numerator, "year"]
        year = int(years.max()) if len(years) else int(df["year"].max())
    if per_capita is None:
        per_capita = per_capita_table(df[df["year"] == year], std)
    table = per_capita[per_capita["year"] == year].set_index("adcode")
    reg = load_registry()
    rows = []
    for adcode in reg.adcodes:
        d = reg.district(adcode)
        r = table.loc[adcode] if adcode in table.index else None

        def get(col: str, row: pd.Series | None = r) -> object:
            return None if row is None or pd.isna(row[col]) else row[col]

        pc = get("per_capita")
        rows.append({
            "adcode": adcode, "district_zh": d.name_zh, "district_en": d.name_en, "year": year,
            "standard": std.id, "numerator": get("num_value"), "denominator": get("den_value"),
            "population_basis": std.basis, "per_capita": pc, "minimum": minimum, "target": target,
            "status": classify(pc, minimum, target),
            "numerator_status": get("num_status"), "denominator_status": get("den_status"),
            "numerator_source": get("num_source"), "denominator_source": get("den_source"),
        })
    return pd.DataFrame(rows)


def status_counts(df: pd.DataFrame, standard_id: str | None = None) -> pd.DataFrame:
    """Districts per status for every year in the data (for the 'over time' chart)."""
    years = sorted(df["year"].unique())
    counts = [
        funding_check(df, int(y), standard_id)["status"].value_counts().reindex(STATUS_ORDER, fill_value=0)
        .rename(int(y))
        for y in years
    ]
    return pd.DataFrame(counts).rename_axis("year")


def city_per_capita(check: pd.DataFrame, standard_id: str | None = None) -> tuple[Decimal | None, int]:
    """City-wide ratio = Σ numerator / Σ denominator over districts with both inputs, and their count.

    Population-weighted by construction: the right aggregate for a per-person figure.
    """
    std = load_catalog().standard(standard_id)
    both = check.dropna(subset=["numerator", "denominator"])
    if both.empty:
        return None, 0
    return per_capita(float(both["numerator"].sum()), float(both["denominator"].sum()), std), len(both)
