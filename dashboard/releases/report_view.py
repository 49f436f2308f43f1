"""A release's import report as tables a person reads (About page), not raw JSON: what was accepted,
file by file, and every rejected, skipped or doubtful cell with its reason in the UI language.

Why tables: the report is data from the store (file names, cell values typed by a district); st.dataframe
shows it as plain cells, never as markup. Keys the tables do not know stay visible under their own name.
"""

from __future__ import annotations

import pandas as pd

from dashboard.i18n import t

SUMMARY = ("file", "accepted", "rejected", "skipped", "values", "no_data_reported", "derived_left_out")
FILE_FIELDS = ("file", "sheet", "layout", "header_row", "rows_total", "accepted", "values", "encoding")
ISSUES = ("rejected", "warnings", "skipped", "notes")


def _t(key: str, lang: str) -> str:
    return t(f"release_report.{key}", lang)


def _cell(value: object) -> str:
    """A cell as text: lists joined, nothing for a missing value (never "None")."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, list | tuple):
        return "、".join(_cell(v) for v in value)
    return str(value)


def summary_table(report: dict, lang: str) -> pd.DataFrame:
    """One row per counted item (rows accepted, rejected, ...), then the note in the UI language."""
    rows = [(_t(key, lang), _cell(len(report[key]) if isinstance(report[key], list) else report[key]))
            for key in SUMMARY if key in report]
    note = report.get(f"note_{lang}")
    if note:
        rows.append((_t("note", lang), note))
    known = {*SUMMARY, *ISSUES, "files", "note_zh", "note_en", "seed", "conflicts"}
    rows += [(key, _cell(value)) for key, value in report.items() if key not in known and not isinstance(value, dict)]
    return pd.DataFrame(rows, columns=[_t("item", lang), _t("value", lang)])


def files_table(report: dict, lang: str) -> pd.DataFrame:
    """One row per file read: name, sheet, layout, header row, rows, accepted, values, encoding, issues."""
    files = report.get("files") or []
    return pd.DataFrame([
        {**{_t(k, lang): _cell(f.get(k)) for k in FILE_FIELDS},
         **{_t(k, lang): len(f.get(k) or []) for k in ISSUES if k in f}}
        for f in files])


def issues_table(report: dict, lang: str) -> pd.DataFrame:
    """Every rejected, doubtful (warning), skipped or noted cell of every file, with its reason in `lang`."""
    out = []
    for f in report.get("files") or [report]:
        for kind in ISSUES:
            for item in f.get(kind) or []:
                out.append({_t("kind", lang): _t(kind, lang), _t("file", lang): _cell(f.get("file")),
                            _t("sheet", lang): _cell(item.get("sheet")), _t("row", lang): _cell(item.get("row")),
                            _t("column", lang): _cell(item.get("column")), _t("cell", lang): _cell(item.get("value")),
                            _t("reason", lang): _cell(item.get(f"reason_{lang}") or item.get(f"note_{lang}"))})
    return pd.DataFrame(out)
