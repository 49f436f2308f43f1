"""The Overview's line on the latest collection round: how many units have reported.

Why a line and not a panel: the Overview is for reading the figures; the round's progress is one
sentence there, and the Returns page holds the board. Before the first round, or when the store
cannot be read (the page says so elsewhere), there is no line.
"""

from __future__ import annotations

from dashboard import data_access
from dashboard.i18n import t
from lcity_data.collection.status import reported_count
from lcity_data.store import StoreError


def round_line(lang: str) -> str | None:
    """'第2轮填报（2025年度）：3/14个单位已提交', or None."""
    try:
        found = reported_count(data_access.store())
    except (StoreError, data_access.StoreUnavailable):
        return None
    if found is None:
        return None
    rnd, reported, total = found
    return t("returns.overview_line", lang, n=rnd.id, year=rnd.year, reported=reported, total=total)
