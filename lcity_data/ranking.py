"""The one tie rule for every table, chart and sentence: competition ranking ("1, 1, 3") of values
rounded half up to the precision they are shown at.

Two districts printed as 75.5 and 75.5 share a rank: a difference nobody can see on the screen is not
one a table, a chart or a presenter should turn into first and second place.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd


def shown(value: float, decimals: int) -> Decimal:
    """`value` as it is shown: rounded half up at `decimals` (from its shortest repr, so 75.55 → 75.6)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def at_precision(values: Iterable[float], decimals: int) -> np.ndarray:
    """Every value rounded as `shown` rounds it (NaN stays NaN), as floats for ranking."""
    return np.array([np.nan if pd.isna(v) else float(shown(v, decimals)) for v in values], dtype=float)


def competition_rank(values: Iterable[float], decimals: int, higher_is_better: bool = True) -> pd.Series:
    """Rank 1 = best; values equal at `decimals` share the best rank of their group; NaN has no rank."""
    rounded = pd.Series(at_precision(list(values), decimals))
    return rounded.rank(method="min", ascending=not higher_is_better).astype("Int64")
