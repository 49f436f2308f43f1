"""The composite-index page without Streamlit: slider weights ↔ index configuration, shares that add up
to exactly 100 %, and the ranking the page shows.

Weights a person sets: one slider per dimension and one per input within its dimension, each a raw
weight 0–100. What counts is the share: a raw weight ÷ the sum of its group (dimension shares ×
within-dimension shares = the input's share of the index, as in lcity_data/composite.py). The page
shows those shares next to the sliders, rounded so the shown numbers add up to exactly 100 %. Raw
defaults are the catalog weights (catalog/evaluation.toml) in percent; only raw weights that differ
from them go into the URL (dashboard/view_state.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd

from dashboard.formatting import join_names
from dashboard.i18n import t
from dashboard.map.maps import status_text as data_status_text
from dashboard.view_state import Weights
from lcity_data.catalog import load_catalog
from lcity_data.composite import NORMALISATIONS, IndexConfig, default_config, settings
from lcity_data.provenance import weakest
from lcity_data.registry import load_registry

SHARE_DECIMALS = 1


def _percent(weights: Mapping[str, float]) -> dict[str, int]:
    total = sum(weights.values()) or 1.0
    return {k: round(w / total * 100) for k, w in weights.items()}


def default_raw() -> tuple[dict[str, int], dict[str, int]]:
    """Raw slider defaults: dimension weights and within-dimension input weights, in percent."""
    cfg = default_config()
    dims = _percent(cfg.dimensions)
    inds: dict[str, int] = {}
    for dim in cfg.dimensions:
        inds |= _percent({i: w for i, w in cfg.indicators.items() if cfg.dimension_of(i) == dim})
    return dims, {i: inds[i] for i in cfg.indicators}


def dimension_inputs() -> dict[str, list[str]]:
    """The index inputs of each dimension, in catalog order."""
    cfg = default_config()
    return {d: [i for i in cfg.indicators if cfg.dimension_of(i) == d] for d in cfg.dimensions}


def raw_weights(overrides: Weights, defaults: Mapping[str, int]) -> dict[str, int]:
    """The raw weight of every key: the override where there is one, else the default."""
    return {**defaults, **{k: v for k, v in overrides if k in defaults}}


def with_weight(overrides: Weights, defaults: Mapping[str, int], key: str, value: int) -> Weights:
    """`overrides` with `key` set to `value`; a value equal to the default is dropped (short URLs)."""
    raw = raw_weights(overrides, defaults) | {key: int(value)}
    return tuple((k, raw[k]) for k in defaults if raw[k] != defaults[k])


def round_shares(weights: Mapping[str, float], total: float = 100.0, decimals: int = SHARE_DECIMALS,
                 ) -> dict[str, float]:
    """Shares of `total` in proportion to `weights` that add up to exactly `total` at `decimals`
    (largest-remainder rounding).

    Rounding each share on its own can show 33.3 + 33.3 + 33.3 = 99.9; here the leftover units go to
    the largest remainders (ties: the earlier key). All weights 0 gives all shares 0.
    """
    weight_sum = sum(max(w, 0.0) for w in weights.values())
    if weight_sum <= 0:
        return dict.fromkeys(weights, 0.0)
    unit = 10 ** decimals
    units = round(total * unit)
    exact = {k: round(max(w, 0.0) / weight_sum * units, 6) for k, w in weights.items()}
    floors = {k: math.floor(v) for k, v in exact.items()}
    left = max(units - sum(floors.values()), 0)
    for k in sorted(exact, key=lambda k: floors[k] - exact[k])[:left]:  # stable: earlier keys win ties
        floors[k] += 1
    return {k: v / unit for k, v in floors.items()}


def build_config(dim_raw: Mapping[str, int], ind_raw: Mapping[str, int], normalisation: str,
                 ) -> IndexConfig | None:
    """The index configuration for these raw weights; None when no input has any weight left.

    Inputs with weight 0, or in a dimension with weight 0, are left out altogether, so they neither
    count toward the index nor toward the 20 % missing-input rule.
    """
    base = default_config(normalisation)
    dims = {d: float(w) for d, w in dim_raw.items() if w > 0}
    inds = {i: float(w) for i, w in ind_raw.items() if w > 0 and base.dimension_of(i) in dims}
    if not inds:
        return None
    return replace(base, dimensions=dims, indicators=inds)


def shares(config: IndexConfig | None, dims: Sequence[str], inputs: Sequence[str],
           ) -> tuple[dict[str, float], dict[str, float]]:
    """(dimension shares, input shares) of the index in percent, each set adding up to exactly 100.

    Rounded top-down: the dimension shares first, then each dimension's share among its inputs, so
    the shown input shares of a dimension add up to exactly its shown share. Left-out dimensions and
    inputs get 0; with no configuration at all, everything is 0.
    """
    if config is None:
        return dict.fromkeys(dims, 0.0), dict.fromkeys(inputs, 0.0)
    effective = config.effective_weights()
    by_input = {i: float(effective.get(i, 0.0)) for i in inputs}
    dim_of = {i: config.dimension_of(i) for i in inputs}
    dim_shares = round_shares({d: sum(w for i, w in by_input.items() if dim_of[i] == d) for d in dims})
    input_shares: dict[str, float] = {}
    for d in dims:
        input_shares |= round_shares({i: w for i, w in by_input.items() if dim_of[i] == d}, dim_shares[d])
    return dim_shares, {i: input_shares[i] for i in inputs}


def within_shares(ind_raw: Mapping[str, int], groups: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """Each input's share of its own dimension, in percent (each dimension adds up to exactly 100)."""
    out: dict[str, float] = {}
    for members in groups.values():
        out |= round_shares({i: float(ind_raw[i]) for i in members})
    return out


def input_status(table: pd.DataFrame, indicators: Sequence[str], year: int) -> dict[str, str]:
    """Per district, the weakest data status among its index inputs in `year` (illustrative if any is)."""
    sub = table[table["indicator"].isin(indicators) & (table["year"] == year)]
    return {str(adcode): weakest(grp["status"]) or "" for adcode, grp in sub.groupby("adcode")}


def results(index: pd.DataFrame, sens: pd.DataFrame, provenance: Mapping[str, str], dims: Sequence[str],
            lang: str) -> pd.DataFrame:
    """One row per current district, best rank first and insufficient data last (never as 0).

    Columns: adcode, name, index, rank, rank_min, rank_max, range_text, missing_share, status,
    status_text, input_status, input_status_text and dim_<dimension> for each of `dims`.
    A district with no inputs at all in the year is 'insufficient data' too.
    """
    reg = load_registry()
    idx = index.set_index("adcode")
    rng = sens.set_index("adcode")
    rows = []
    for order, adcode in enumerate(reg.adcodes):
        have = adcode in idx.index
        r = idx.loc[adcode] if have else None
        status = r["status"] if have else "insufficient_data"
        ok = status == "ok"
        lo = rng.loc[adcode, "rank_min"] if ok and adcode in rng.index else pd.NA
        hi = rng.loc[adcode, "rank_max"] if ok and adcode in rng.index else pd.NA
        row = {
            "adcode": adcode, "name": reg.name(adcode, lang), "_order": order,
            "index": float(r["index"]) if ok else math.nan,
            "rank": int(r["rank"]) if ok else pd.NA,
            "rank_min": lo, "rank_max": hi, "range_text": range_text(lo, hi),
            "missing_share": float(r["missing_share"]) if have else 1.0,
            "status": status, "status_text": t(f"index.status_{status}", lang),
            "input_status": provenance.get(adcode, ""),
            "input_status_text": data_status_text(provenance.get(adcode) or None, lang),
        }
        for dim in dims:
            col = f"dim_{dim}"
            row[col] = float(r[col]) if have and col in idx.columns and not pd.isna(r[col]) else math.nan
        rows.append(row)
    out = pd.DataFrame(rows)
    out["rank"] = out["rank"].astype("Int64")
    out["rank_min"] = out["rank_min"].astype("Int64")
    out["rank_max"] = out["rank_max"].astype("Int64")
    return out.sort_values(["rank", "_order"], na_position="last").drop(columns="_order").reset_index(drop=True)


def range_text(lo: object, hi: object) -> str:
    """'2–4', or '3' when the rank never moves; '' without a rank."""
    if pd.isna(lo) or pd.isna(hi):
        return ""
    return f"{int(lo)}" if int(lo) == int(hi) else f"{int(lo)}–{int(hi)}"


def dimension_name(dim: str, lang: str) -> str:
    zj = load_catalog().zhejiang
    return zj[dim][lang] if dim in zj else dim


def ranking_table(res: pd.DataFrame, adcodes: Sequence[str], dims: Sequence[str], lang: str) -> pd.DataFrame:
    """The ranked table for the selected districts, headers in the UI language: what matters for reading
    a rank (index, rank range, status, data status) first, dimension scores after."""
    rows = res[res["adcode"].isin(adcodes)].reset_index(drop=True)
    out = pd.DataFrame({
        t("index.col_rank", lang): rows["rank"],
        t("col.district", lang): rows["name"],
        t("index.col_index", lang): rows["index"],
        t("index.col_range", lang): rows["range_text"],
        t("index.col_status", lang): rows["status_text"],
        t("col.data_status", lang): rows["input_status_text"],
        t("index.col_missing", lang): rows["missing_share"] * 100,
    })
    for dim in dims:  # last: the widest columns, also drawn in the radars
        out[dimension_name(dim, lang)] = rows[f"dim_{dim}"]
    return out


def ranking_text(ranking: pd.DataFrame, score_cols: Sequence[str], value_format: str, lang: str,
                 ) -> pd.DataFrame:
    """`ranking_table` as the text the screen shows: ranks, scores at the precision shown, words for
    what is missing. Streamlit draws a missing number as "None" whatever a Styler says, so the words
    have to be in the cells."""
    dash = t("common.no_data_short", lang)

    def fmt(values: pd.Series, missing: str, pattern: str) -> list[str]:
        return [missing if pd.isna(v) else format(v, pattern) for v in values]

    out = ranking.copy()
    rank_col, index_col, missing_col = (t("index.col_rank", lang), t("index.col_index", lang),
                                        t("index.col_missing", lang))
    out[rank_col] = [dash if pd.isna(r) else str(int(r)) for r in ranking[rank_col]]
    out[index_col] = fmt(ranking[index_col], t("index.status_insufficient_data", lang), value_format)
    out[missing_col] = [f"{v:.0f}%" for v in ranking[missing_col]]
    for c in score_cols:
        out[c] = fmt(ranking[c], dash, value_format)
    return out


def radar_range(res: pd.DataFrame, dims: Sequence[str], normalisation: str) -> tuple[float, float]:
    """Radial range shared by all radars: 0–100 for scores on that scale, symmetric for z-scores."""
    if normalisation != "zscore":
        return 0.0, 100.0
    values = res[[f"dim_{d}" for d in dims]].abs().to_numpy().ravel()
    finite = [v for v in values if not math.isnan(v)]
    top = math.ceil(max(finite) * 2) / 2 if finite else 1.0
    return -top, top


def method_paragraphs(lang: str) -> list[str]:
    """How the index is computed, in Markdown paragraphs (Index and About pages), numbers from the catalog."""
    cat = load_catalog()
    rule = settings()
    groups = dimension_inputs()
    inputs = t("common.list_sep", lang).join(
        t("index.input_item", lang, dimension=dimension_name(d, lang),
          inputs=join_names([cat.indicator(i).name(lang) for i in members], lang))
        for d, members in groups.items())
    spread = rule["sensitivity_spread"]
    return [
        t("index.method_inputs", lang, inputs=inputs),
        t("index.method_normalisation", lang, **{m: t(f"index.norm_help_{m}", lang) for m in NORMALISATIONS}),
        t("index.method_weights", lang),
        t("index.method_missing", lang, share=f"{rule['max_missing_share'] * 100:g}", source=rule[f"source_{lang}"]),
        t("index.method_sensitivity", lang, low=f"{1 - spread:g}", high=f"{1 + spread:g}",
          draws=rule["sensitivity_draws"], seed=rule["sensitivity_seed"]),
        t("index.method_illustrative", lang),
    ]
