"""The schema of the long indicator table, checked with pandera.

Every table the app shows (shipped or uploaded) passes through here, so a page can rely on: known
units (current districts or flagged pre-2016 units), known indicators in their base unit, a status
from the fixed list, a source on every row, and one value per unit-year-indicator.
"""

from __future__ import annotations

import datetime as _dt
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # pandera loads with the first validation, not with every module that imports this one
    import pandera.pandas as pa

from lcity_data.catalog import STATUSES, load_catalog
from lcity_data.registry import load_registry

COLUMNS = ["adcode", "year", "indicator", "value", "unit", "status", "source", "note"]
DTYPES = {"adcode": str, "year": "int64", "indicator": str, "value": "float64", "unit": str, "status": str,
          "source": str, "note": str}
"""What the schema's coercion makes of each column (tests check `conform` == `validate_table` output)."""
FIRST_YEAR = 1990


def last_year() -> int:
    return _dt.date.today().year


@cache
def _schema() -> pa.DataFrameSchema:
    import pandera.pandas as pa

    cat = load_catalog()
    reg = load_registry()
    units = sorted(reg.districts) + sorted(reg.historical)
    unit_of = {i.id: i.unit for i in cat.indicators.values()}
    return pa.DataFrameSchema(
        {
            "adcode": pa.Column(str, pa.Check.isin(units)),
            "year": pa.Column(int, pa.Check.in_range(FIRST_YEAR, last_year())),
            "indicator": pa.Column(str, pa.Check.isin(sorted(unit_of))),
            "value": pa.Column(float, pa.Check.ge(0)),
            "unit": pa.Column(str),
            "status": pa.Column(str, pa.Check.isin(STATUSES)),
            "source": pa.Column(str, pa.Check.str_length(min_value=1)),
            "note": pa.Column(str, nullable=True),
        },
        checks=[
            pa.Check(lambda df: df["unit"] == df["indicator"].map(unit_of), error="unit is the indicator's base unit"),
        ],
        unique=["adcode", "year", "indicator"],
        strict=True,
        ordered=False,
        coerce=True,
    )


def validate_table(df: pd.DataFrame) -> pd.DataFrame:
    """Return the table with canonical dtypes, or raise pandera's SchemaErrors listing every failure."""
    return _schema().validate(df[COLUMNS], lazy=True)


def digest(df: pd.DataFrame) -> str:
    """A content digest of the table's columns (row order included): which data version this is."""
    import hashlib

    return hashlib.sha256(pd.util.hash_pandas_object(df[COLUMNS], index=False).to_numpy().tobytes()).hexdigest()


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """The canonical dtypes without checking: only for a table whose digest already passed `validate_table`."""
    return df[COLUMNS].astype(DTYPES)


def read_long_csv(path: str | Path, validated_digest: str | None = None) -> pd.DataFrame:
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
