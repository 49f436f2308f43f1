"""A composite learning-city index per district and year, and how much its ranking depends on weights.

Inputs are catalog indicators grouped by their Zhejiang index dimension; each is normalised over the
panel (min–max to 0–100, z-score, or distance to a target — the policy target in
catalog/evaluation.toml, else the best value observed in the panel), turned so that higher is better, and
weighted (dimension weights × indicator weights within the dimension, both renormalised to sum to 1).
A district-year missing more than 20% of its inputs gets no index ("insufficient data", never 0);
otherwise the weights of the inputs it has are renormalised. Ranks use competition ranking for ties
(1, 2, 2, 4) of scores rounded to the decimals they are shown at (lcity_data/ranking.py). The
sensitivity run perturbs every weight by ±10% many times (seeded) and reports each district's rank range,
so nobody over-reads a one-place difference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
import pandas as pd

from lcity_data.catalog import load_catalog
from lcity_data.ranking import competition_rank

NORMALISATIONS = ("minmax", "zscore", "target")


@cache
def settings() -> dict:
    """The index rules (weights, missing-input share, sensitivity, source text) from the catalog."""
    return load_catalog().index_rules()


def score_decimals(normalisation: str) -> int:
    """Decimals a score under `normalisation` is shown at (and compared at for ties)."""
    return int(settings()["score_decimals"][normalisation])


@dataclass(frozen=True)
class IndexConfig:
    """Which indicators, with which weights, normalised how."""

    indicators: dict[str, float]
    dimensions: dict[str, float]
    normalisation: str = "minmax"
    targets: dict[str, float] = field(default_factory=dict)
    max_missing_share: float = 0.2

    def dimension_of(self, indicator: str) -> str:
        return load_catalog().indicator(indicator).zhejiang or "other"

    def effective_weights(self) -> pd.Series:
        """Weight of each indicator in the index: dimension share × share within the dimension."""
        dims = {i: self.dimension_of(i) for i in self.indicators}
        used = set(dims.values())
        dim_w = {d: self.dimensions.get(d, 0.0) for d in used}
        dim_total = sum(dim_w.values()) or 1.0
        within = {d: sum(w for i, w in self.indicators.items() if dims[i] == d) or 1.0 for d in used}
        return pd.Series({i: dim_w[dims[i]] / dim_total * w / within[dims[i]] for i, w in self.indicators.items()})


def default_config(normalisation: str | None = None) -> IndexConfig:
    s = settings()
    return IndexConfig(
        indicators=dict(s["indicators"]), dimensions=dict(s["dimensions"]),
        normalisation=normalisation or s["default_normalisation"], targets=dict(s["targets"]),
        max_missing_share=s["max_missing_share"],
    )


def panel(df: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    """Wide table (adcode, year) × indicator of current districts; missing stays NaN."""
    sub = df[df["indicator"].isin(indicators) & ~df["adcode"].str.contains("-|330204", regex=True)]
    wide = sub.pivot_table(index=["adcode", "year"], columns="indicator", values="value", aggfunc="first")
    return wide.reindex(columns=indicators)


def normalise(wide: pd.DataFrame, method: str, targets: dict[str, float] | None = None) -> pd.DataFrame:
    """Normalise each column over the whole panel; lower-is-better columns are turned around."""
    if method not in NORMALISATIONS:
        raise ValueError(f"normalisation must be one of {NORMALISATIONS}")
    cat = load_catalog()
    out = {}
    for col in wide.columns:
        x = wide[col].astype(float)
        lower = cat.indicator(col).direction == "lower"
        if method == "minmax":
            lo, hi = x.min(), x.max()
            score = (x - lo) / (hi - lo) * 100 if hi > lo else x * 0 + 100
            out[col] = 100 - score if lower else score
        elif method == "zscore":
            sd = x.std(ddof=0)
            z = (x - x.mean()) / sd if sd > 0 else x * 0
            out[col] = -z if lower else z
        else:
            target = (targets or {}).get(col)
            if target is None:  # no policy target: the best value observed in the panel (the frontier)
                target = x.min() if lower else x.max()
            ratio = (target / x) if lower else (x / target)
            out[col] = ratio.clip(upper=1.0) * 100
    return pd.DataFrame(out, index=wide.index)


def _weighted(norm: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean over the available (non-NaN) inputs of each row."""
    mask = ~np.isnan(norm)
    w = np.where(mask, weights, 0.0)
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.nansum(norm * w, axis=1) / total, np.nan)


def _normalised(df: pd.DataFrame, config: IndexConfig, year: int | None) -> pd.DataFrame:
    norm = normalise(panel(df, list(config.indicators)), config.normalisation, config.targets)
    return norm if year is None else norm[norm.index.get_level_values("year") == year]


def _index_values(values: np.ndarray, weights: np.ndarray, max_missing_share: float) -> tuple[np.ndarray, np.ndarray]:
    """(index, missing share) per row; no index where more than the allowed share is missing."""
    missing = np.isnan(values).mean(axis=1) if values.shape[1] else np.ones(len(values))
    index = _weighted(values, weights)
    index[missing > max_missing_share + 1e-12] = np.nan
    return index, missing


def compute_index(df: pd.DataFrame, config: IndexConfig, year: int | None = None) -> pd.DataFrame:
    """Index, dimension scores, missing share, status and rank per district-year (one year if given)."""
    indicators = list(config.indicators)
    norm = _normalised(df, config, year)
    weights = config.effective_weights().reindex(indicators).to_numpy()
    values = norm.to_numpy(dtype=float)
    index, missing = _index_values(values, weights, config.max_missing_share)
    out = pd.DataFrame({"index": index, "missing_share": missing,
                        "status": np.where(np.isnan(index), "insufficient_data", "ok")}, index=norm.index)
    for dim in sorted({config.dimension_of(i) for i in indicators}):
        cols = [k for k, i in enumerate(indicators) if config.dimension_of(i) == dim]
        out[f"dim_{dim}"] = _weighted(values[:, cols], weights[cols])
    out = out.reset_index()
    decimals = score_decimals(config.normalisation)
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    for _, rows in out.groupby("year").groups.items():
        out.loc[rows, "rank"] = competition_rank(out.loc[rows, "index"], decimals).to_numpy()
    return out


def dimension_reference(rows: pd.DataFrame, columns: Iterable[str]) -> dict[str, float]:
    """Per dimension-score column, the median over the districts that have an index (status ok).

    The one reference a district's dimension scores are read against: the Index page's radar, the
    profile and the report's charts. The median, as the Index page documents it: one outlying district
    moves a mean, not the median. Columns with no score among those districts are left out.
    """
    ranked = rows[rows["status"] == "ok"]
    return {c: float(ranked[c].median()) for c in columns if c in ranked.columns and ranked[c].notna().any()}


def sensitivity(df: pd.DataFrame, config: IndexConfig, year: int, draws: int | None = None,
                spread: float | None = None, seed: int | None = None) -> pd.DataFrame:
    """Rank range of each district when every weight is perturbed by ±spread (seeded, reproducible)."""
    s = settings()
    draws = s["sensitivity_draws"] if draws is None else draws
    spread = s["sensitivity_spread"] if spread is None else spread
    rng = np.random.default_rng(s["sensitivity_seed"] if seed is None else seed)
    base = compute_index(df, config, year)
    norm = _normalised(df, config, year)
    values = norm.to_numpy(dtype=float)
    indicators = list(config.indicators)
    decimals = score_decimals(config.normalisation)
    ranks = []
    for _ in range(draws):
        dims = {d: w * rng.uniform(1 - spread, 1 + spread) for d, w in config.dimensions.items()}
        inds = {i: w * rng.uniform(1 - spread, 1 + spread) for i, w in config.indicators.items()}
        weights = replace(config, dimensions=dims, indicators=inds).effective_weights().reindex(indicators).to_numpy()
        index, _ = _index_values(values, weights, config.max_missing_share)
        ranks.append(competition_rank(index, decimals).to_numpy(dtype=float, na_value=np.nan))
    table = pd.DataFrame(ranks)  # pandas min/max skip NaN (districts without an index) without warnings
    return pd.DataFrame({
        "adcode": base["adcode"], "rank": base["rank"],
        "rank_min": pd.array(table.min().to_numpy() if draws else base["rank"], dtype="Int64"),
        "rank_max": pd.array(table.max().to_numpy() if draws else base["rank"], dtype="Int64"),
        "index": base["index"], "status": base["status"],
    })
