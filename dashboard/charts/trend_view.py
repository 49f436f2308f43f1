"""Which years the trends chart draws and which base year its index defaults to. Pure: no Streamlit.

Years before an indicator's first value carry nothing but empty axis (funding starts in 2012, the
table in 2010), and an index based on such a year is an empty chart: both start at the data.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def shown_years(table: pd.DataFrame, indicator: str, adcodes: Sequence[str], years: tuple[int, int]) -> list[int]:
    """The chosen range, starting at the first year any of `adcodes` has a value (the whole range if none has)."""
    start, end = years
    have = table.loc[(table["indicator"] == indicator) & table["adcode"].isin(adcodes)
                     & table["year"].between(start, end) & table["value"].notna(), "year"]
    first = int(have.min()) if len(have) else start
    return list(range(first, end + 1))


def default_base(rows: pd.DataFrame, years: Sequence[int]) -> int:
    """The first year in which every district shown has a value, else the first with any value."""
    have = rows[rows["value"].notna() & rows["year"].isin(years)]
    if have.empty:
        return years[0]
    per_year = have.groupby("year")["adcode"].nunique()
    complete = per_year[per_year == have["adcode"].nunique()]
    return int(complete.index.min() if len(complete) else per_year.index.min())
