"""Key findings for Learning Week briefings, as sentences generated from the data (zh and en).

The numbers in a sentence come from the same funding check the dashboard shows, so a slide can never
say something the table does not. Templates live in catalog/sentences.toml.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from lcity_data.catalog import _read, load_catalog
from lcity_data.funding import funding_check
from lcity_data.registry import load_registry


@dataclass(frozen=True)
class FundingFindings:
    """What changed in one year, for the districts shown."""

    year: int
    n_total: int
    n_missing: int
    n_min: int
    n_target: int
    minimum: Decimal
    target: Decimal | None
    largest_rise: tuple[str, ...]
    largest_delta: Decimal | None
    crossed_min: tuple[str, ...]
    crossed_target: tuple[str, ...]


def funding_findings(df: pd.DataFrame, year: int, standard_id: str | None = None,
                     adcodes: list[str] | None = None) -> FundingFindings:
    """Counts against the standard, who crossed a line since the previous year, and the largest rise."""
    std = load_catalog().standard(standard_id)
    now = funding_check(df, year, standard_id).set_index("adcode")
    before = funding_check(df, year - 1, standard_id).set_index("adcode")
    if adcodes is not None:
        now, before = now.loc[adcodes], before.loc[adcodes]
    meets_min = now["status"].isin(["meets_minimum", "meets_target"])
    was_min = before["status"].isin(["meets_minimum", "meets_target"])
    both = now["per_capita"].notna() & before["per_capita"].notna()
    deltas = (now.loc[both, "per_capita"] - before.loc[both, "per_capita"]) if both.any() else pd.Series(dtype=object)
    largest = max(deltas) if len(deltas) else None
    rise = tuple(deltas.index[deltas == largest]) if largest is not None and largest > 0 else ()
    return FundingFindings(
        year=year, n_total=len(now), n_missing=int((now["status"] == "no_data").sum()),
        n_min=int(meets_min.sum()), n_target=int((now["status"] == "meets_target").sum()),
        minimum=std.minimum, target=std.target,
        largest_rise=rise, largest_delta=largest if rise else None,
        crossed_min=tuple(now.index[meets_min & ~was_min & (before["status"] != "no_data")]),
        crossed_target=tuple(now.index[(now["status"] == "meets_target") & (before["status"] != "meets_target")
                                       & (before["status"] != "no_data")]),
    )


def _number(value: Decimal) -> str:
    """4 → '4', 10.50 → '10.5': thresholds and changes as a person would say them."""
    return format(value.normalize(), "f")


def funding_sentence(f: FundingFindings, lang: str) -> str:
    """One sentence with the year's key funding finding, e.g. '2024年，10个区（县、市）中有8个…'."""
    t = _read("sentences.toml")[lang]
    reg = load_registry()
    if f.n_missing == f.n_total:
        return t["no_data"].format(year=f.year)

    def names(adcodes: tuple[str, ...]) -> str:
        return t["list_sep"].join(reg.district(a).name(lang) for a in adcodes)

    key = "funding" if f.target is not None else "funding_no_target"
    text = t[key].format(year=f.year, n_total=f.n_total, n_min=f.n_min, n_target=f.n_target,
                         minimum=_number(f.minimum), target=_number(f.target) if f.target is not None else "")
    if f.n_missing:
        text += t["missing"].format(n_missing=f.n_missing)
    if f.largest_rise:
        template = t["largest_tied"] if len(f.largest_rise) > 1 else t["largest"]
        text += template.format(names=names(f.largest_rise), delta=f"+{f.largest_delta:.2f}".rstrip("0").rstrip("."))
    if f.crossed_min:
        text += t["crossed_min"].format(names=names(f.crossed_min), minimum=_number(f.minimum))
    if f.crossed_target and f.target is not None:
        text += t["crossed_target"].format(names=names(f.crossed_target), target=_number(f.target))
    return text + t["end"]
