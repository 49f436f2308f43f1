"""Map classes for indicator values: fixed policy classes or data-driven class breaks.

Pure functions (no Streamlit, no plotting) so the rules behind every map colour can be tested:

- `policy_classes` puts per-capita values into the standard's status classes (below minimum /
  meets minimum / meets target), with thresholds read from the catalog and compared exactly as
  `lcity_data.funding` compares them (Decimal at the reporting precision);
- `class_breaks` computes Quantiles, natural breaks (Fisher–Jenks, the exact and deterministic form
  of Jenks' method) or equal-interval breaks with mapclassify.

A missing value is never put in a class: it gets class -1 ("no data"), never 0.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lcity_data.catalog import Standard, load_catalog
from lcity_data.funding import classify as funding_status
from lcity_data.units import as_decimal

NO_DATA = -1
METHODS = ("quantiles", "natural_breaks", "equal_interval")
POLICY_KEYS = ("below_minimum", "meets_minimum", "meets_target")
K_MIN, K_MAX = 2, 7


@dataclass(frozen=True)
class ClassBin:
    """One class: its key (a status id for policy classes, `c0`… otherwise) and its value range.

    `lower`/`upper` are the bounds shown in the legend; `closed_upper` says whether values equal to
    `upper` belong to this class (mapclassify bins are (lower, upper]; policy classes are [lower, upper)).
    """

    key: str
    lower: float | None
    upper: float | None
    closed_upper: bool = True


@dataclass(frozen=True)
class Classification:
    """Class index per input value (-1 = no data) and the classes, lowest first."""

    method: str
    bins: tuple[ClassBin, ...]
    ids: tuple[int, ...]

    @property
    def k(self) -> int:
        return len(self.bins)

    def keys(self) -> list[str | None]:
        """Class key per value (None for no data)."""
        return [self.bins[i].key if i != NO_DATA else None for i in self.ids]


def standard_for_indicator(indicator_id: str) -> Standard | None:
    """The catalog standard that defines this (derived per-capita) indicator, if any.

    funding_per_capita = funding_community_edu / population_household is exactly what the Ningbo
    standard divides, so its map uses that standard's thresholds.
    """
    cat = load_catalog()
    ind = cat.indicator(indicator_id)
    if not ind.derived:
        return None
    for std in cat.standards.values():
        if std.numerator == ind.numerator and std.denominator == ind.denominator and std.unit == ind.unit:
            return std
    return None


def _clean(values: Iterable[float | None]) -> list[float]:
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v):
            out.append(math.nan)
        else:
            out.append(float(v))
    return out


def policy_classes(values: Iterable[float | None], standard: Standard,
                   minimum: float | None = None, target: float | None = None) -> Classification:
    """Status classes of a standard (thresholds from the catalog unless what-if ones are given)."""
    lo = as_decimal(minimum) if minimum is not None else standard.minimum
    hi = as_decimal(target) if target is not None else standard.target
    bins = [ClassBin("below_minimum", None, float(lo), closed_upper=False)]
    if hi is None:
        bins.append(ClassBin("meets_minimum", float(lo), None))
    else:
        bins.append(ClassBin("meets_minimum", float(lo), float(hi), closed_upper=False))
        bins.append(ClassBin("meets_target", float(hi), None))
    index = {b.key: i for i, b in enumerate(bins)}
    ids = []
    for v in _clean(values):
        if math.isnan(v):
            ids.append(NO_DATA)
            continue
        ids.append(index[funding_status(as_decimal(v), lo, hi)])
    return Classification("policy", tuple(bins), tuple(ids))


def class_breaks(values: Iterable[float | None], method: str = "quantiles", k: int = 5) -> Classification:
    """Data-driven classes for the non-missing values.

    `k` is clamped to [2, 7] and to the number of distinct values (10 districts cannot fill 7
    quantiles if several share a value). With one distinct value there is one class.
    """
    if method not in METHODS:
        raise ValueError(f"unknown classification method {method!r}; expected one of {METHODS}")
    vals = _clean(values)
    present = np.array([v for v in vals if not math.isnan(v)], dtype=float)
    if present.size == 0:
        return Classification(method, (), tuple(NO_DATA for _ in vals))
    k = max(K_MIN, min(K_MAX, int(k)))
    distinct = np.unique(present)
    if distinct.size == 1:
        only = float(distinct[0])
        bins = (ClassBin("c0", only, only),)
        return Classification(method, bins, tuple(NO_DATA if math.isnan(v) else 0 for v in vals))
    k = min(k, int(distinct.size))
    uppers = _mapclassify_uppers(present, method, k)
    uppers = sorted(set(uppers))
    uppers[-1] = float(present.max())
    lower = float(present.min())
    bins = []
    for i, up in enumerate(uppers):
        bins.append(ClassBin(f"c{i}", lower if i == 0 else uppers[i - 1], up))
    ids = []
    for v in vals:
        if math.isnan(v):
            ids.append(NO_DATA)
            continue
        ids.append(next(i for i, up in enumerate(uppers) if v <= up))
    return Classification(method, tuple(bins), tuple(ids))


_CLASSIFIERS = {"quantiles": "Quantiles", "natural_breaks": "FisherJenks", "equal_interval": "EqualInterval"}


def _mapclassify_uppers(present: np.ndarray, method: str, k: int) -> list[float]:
    """Upper class bounds from mapclassify.

    Imported here, not at module level: mapclassify pulls in scipy.stats (~3 s), which pages that
    only show policy classes should not pay for. Its warnings are expected and silenced: Quantiles
    warns when tied values merge edges (we de-duplicate), FisherJenks that numba is absent (the
    pure-Python path is instant for 10 values).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import mapclassify

        classifier = getattr(mapclassify, _CLASSIFIERS[method])
        return [float(b) for b in classifier(present, k=k).bins]
