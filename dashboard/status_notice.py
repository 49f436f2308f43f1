"""How a page says, above the fold, how much of what it shows is made up: "7 of 10 districts
illustrative" as a notice at the top and a mark on each KPI card that rests on illustrative values.

Why here: the Overview, Map and Funding pages must say it the same way, and the count must come from
lcity_data.provenance (pages never compare status names).
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from dashboard.i18n import t
from lcity_data.provenance import illustrative_share


def share_text(statuses: Iterable[object], lang: str, *, per: str = "districts") -> str:
    """"10个区县中7个为示例数据（非官方统计）" for these statuses; "" when none is illustrative."""
    n, total = illustrative_share(statuses)
    if not n:
        return ""
    return t("marks.share" if per == "districts" else "marks.share_values", lang, n=n, total=total)


def show_notice(statuses: Iterable[object], lang: str, *, per: str = "districts") -> bool:
    """The illustrative notice with its share, where it is called (the top of a page); whether it showed.

    Always one element, empty when nothing is illustrative: the map under it then keeps its place in the
    page when a year without sample data is shown, so Streamlit keeps the map instead of redrawing it."""
    share = share_text(statuses, lang, per=per)
    slot = st.empty()
    if share:
        slot.warning(t("marks.notice", lang, share=share), icon=":material/science:")
    return bool(share)


def card_label(label: str, statuses: Iterable[object], lang: str) -> tuple[str, str]:
    """(label, help line) of a KPI card: "… · 示例" and how many districts it rests on, when any is illustrative."""
    n, _ = illustrative_share(statuses)
    if not n:
        return label, ""
    return t("marks.card", lang, label=label), t("marks.card_help", lang, n=n)
