"""Loading the shipped indicator table and adding derived indicators.

Files are read once per process (the app adds `st.cache_data` on top); callers get a copy so that an
upload overlay can never change the shipped data.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from lcity_data.catalog import DATA_DIR, load_catalog
from lcity_data.ratios import ratio_table
from lcity_data.validation import COLUMNS, conform, digest, validate_table

SHIPPED_TABLE = DATA_DIR / "ningbo_indicators.csv"
SHIPPED_DIGEST = DATA_DIR / "ningbo_indicators.validated"
"""The digest of the shipped table as it last passed validation (tests/test_loading_fast.py keeps it true)."""


def read_long_csv(path, validated_digest: str | None = None) -> pd.DataFrame:
    """Read a table already in the canonical long format (base units) and validate it.

    With `validated_digest`: when the file's content has exactly that digest, this very data version
    passed the schema before, and only its dtypes are set, so a server's first page does not load
    pandera (and the geopandas it pulls in) to check the same rows again. Any other content is validated.
    """
    df = pd.read_csv(path, dtype={"adcode": str, "note": str, "source": str}, keep_default_na=False,
                     na_values={"value": [""]})
    df["note"] = df["note"].fillna("")
    if validated_digest is not None and digest(df) == validated_digest:
        return conform(df)
    return validate_table(df)


def _validated_digest() -> str | None:
    try:
        return SHIPPED_DIGEST.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def record_shipped_digest() -> str:
    """Validate the shipped table and record its digest (run after editing the shipped CSV)."""
    validated = read_long_csv(SHIPPED_TABLE)
    value = digest(validated)
    SHIPPED_DIGEST.write_text(value + "\n", encoding="utf-8")
    return value


@cache
def _shipped() -> pd.DataFrame:
    return with_derived(read_long_csv(SHIPPED_TABLE, _validated_digest()))


def load_shipped() -> pd.DataFrame:
    """The shipped sample table plus derived indicators (a fresh copy every call)."""
    return _shipped().copy()


def with_derived(df: pd.DataFrame) -> pd.DataFrame:
    """Add rows for derived catalog indicators (e.g. funding_per_capita), replacing any given ones.

    Derived values are always recomputed from their inputs, so an uploaded per-capita column can never
    disagree with the uploaded funding and population it should come from.

    A derived value is `derived` only when every input is official or derived; if any input is
    illustrative, so is the result: made-up inputs never yield an official-looking number.
    """
    cat = load_catalog()
    derived_ids = [i.id for i in cat.indicators.values() if i.derived]
    out = [df[~df["indicator"].isin(derived_ids)]]
    for ind_id in derived_ids:
        ind = cat.indicator(ind_id)
        pc = ratio_table(df, ind.numerator, ind.denominator, ind.per, ind.precision).dropna(subset=["per_capita"])
        if pc.empty:
            continue
        out.append(pd.DataFrame({
            "adcode": pc["adcode"], "year": pc["year"], "indicator": ind_id,
            "value": pc["per_capita"].astype(float), "unit": ind.unit, "status": pc["status_of_inputs"],
            "source": pc["source"], "note": pc["formula_note"],
        }))
    return pd.concat(out, ignore_index=True)[COLUMNS].sort_values(
        ["indicator", "adcode", "year"], ignore_index=True)
