"""The Returns page's tables, built without Streamlit (so tests read them directly): a unit's history,
its latest report (missing cells, warnings, rejected cells) and a submission's diff, in either language.

Text from files and the store only ever reaches the page as table cells (shown as plain text)."""

from __future__ import annotations

import json

import pandas as pd

from dashboard.formatting import in_lang
from dashboard.i18n import t
from lcity_data.catalog import load_catalog
from lcity_data.collection.rounds import Event
from lcity_data.collection.status import status_label
from lcity_data.collection.submissions import Review, Submission
from lcity_data.registry import load_registry


def _c(key: str, lang: str) -> str:
    return t(f"returns.col_{key}", lang)


def when(sub: Submission) -> str:
    return f"{sub.submitted_at:%Y-%m-%d %H:%M} UTC"


def history_frame(history: list[tuple[Submission, Review | None]], lang: str) -> pd.DataFrame:
    """Every version, newest first, with its review (decision, reviewer, comment)."""
    rows = [{_c("version", lang): s.version, _c("at", lang): when(s), _c("by", lang): s.submitted_by,
             _c("file", lang): s.file_name,
             _c("decision", lang): status_label(r.decision if r else "submitted", lang),
             _c("reviewer", lang): r.reviewed_by if r else "", _c("comment", lang): r.comment if r else ""}
            for s, r in history]
    return pd.DataFrame(rows)


def _names(adcode: str, indicator: str, lang: str) -> tuple[str, str]:
    return load_registry().district(adcode).name(lang), load_catalog().indicator(indicator).name(lang)


def missing_frame(sub: Submission, lang: str) -> pd.DataFrame:
    rows = [dict(zip((_c("district", lang), _c("indicator", lang)), _names(m["adcode"], m["indicator"], lang),
                     strict=True)) for m in sub.missing]
    return pd.DataFrame(rows, columns=[_c("district", lang), _c("indicator", lang)])


def cells_frame(cells: list[dict], lang: str) -> pd.DataFrame:
    """Warnings or rejected cells: row, column, value, reason in `lang`."""
    rows = [{_c("row", lang): c["row"], _c("column", lang): c["column"], _c("value", lang): c["value"],
             _c("reason", lang): in_lang(lang, c["reason_zh"], c["reason_en"])} for c in cells]
    return pd.DataFrame(rows, columns=[_c(k, lang) for k in ("row", "column", "value", "reason")])


def diff_frame(diff: pd.DataFrame, lang: str) -> pd.DataFrame:
    """lcity_data.collection.status.diff for people: names in `lang`, values in base units (named)."""
    cat, reg = load_catalog(), load_registry()
    return pd.DataFrame({
        _c("district", lang): [reg.district(a).name(lang) for a in diff["adcode"]],
        _c("indicator", lang): [cat.indicator(i).name(lang) if i in cat.indicators else i
                                for i in diff["indicator_id"]],
        _c("unit", lang): [cat.unit_label(u, lang) for u in diff["unit"]],
        _c("submitted", lang): diff["submitted"], _c("current", lang): diff["current"],
        _c("earlier", lang): diff["earlier"],
    })


def events_frame(events: list[Event], lang: str) -> pd.DataFrame:
    """The round's history, newest first: when, who, what, which unit, and the details as JSON text."""
    rows = [{_c("event_at", lang): f"{e.at:%Y-%m-%d %H:%M:%S} UTC", _c("event_by", lang): e.by,
             _c("event_action", lang): t(f"returns.action_{e.action}", lang), _c("event_unit", lang): e.unit or "",
             _c("event_detail", lang): json.dumps(e.detail, ensure_ascii=False)} for e in reversed(events)]
    return pd.DataFrame(rows)
