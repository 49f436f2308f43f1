"""What the Import page shows for an upload: pure functions from bytes to a translated report.

Why a module of its own: the page must never show a traceback, and everything it displays (counts,
rejected cells with reasons, skipped rows, notes, ignored columns, the preview of what will be used)
is computed here, so it is tested with real messy files without Streamlit. Text from the upload (file
and sheet names, cell values) only ever reaches the page as table cells or inside `code_span`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

from dashboard.charts import tables
from dashboard.i18n import t
from dashboard.safe_text import plain
from lcity_data import importer
from lcity_data.importing import bounds, grid
from lcity_data.importing.report import MISSING_YEAR_COLUMN, ImportReport, RowNote
from lcity_data.registry import load_registry
from lcity_data.return_layout import sheet_year

log = logging.getLogger(__name__)
MAX_MB = bounds.MAX_BYTES // (1024 * 1024)
T = TypeVar("T")


@dataclass(frozen=True)
class Failure:
    """The whole file was refused: one reason in each language (no traceback reaches the page)."""

    reason_zh: str
    reason_en: str

    def reason(self, lang: str) -> str:
        return _in_lang(self, "reason", lang)


@dataclass(frozen=True)
class Summary:
    """An ImportReport laid out for the page, headers and reasons in the UI language."""

    counts: list[tuple[str, int]]
    rejected: pd.DataFrame
    partial_rows: list[int] | list[str]  # "sheet row" when the workbook was read sheet by sheet
    needs_year: bool
    skipped: pd.DataFrame
    notes: pd.DataFrame
    ignored: pd.DataFrame
    preview: pd.DataFrame
    warnings: pd.DataFrame


def _in_lang(obj: object, field: str, lang: str) -> str:
    """`obj.<field>_<lang>` (the importer's bilingual fields), Chinese when the language is unknown."""
    return getattr(obj, f"{field}_{lang}", None) or getattr(obj, f"{field}_zh")


def sheet_names(data: bytes) -> list[str]:
    """Visible worksheet names of an .xlsx or .xls upload (empty for CSV or an unreadable workbook: the
    importer says why). Hidden sheets are not offered: they are read only when named explicitly (CLI
    --sheet). Opened through the importer's bounded reader: part sizes first, no warnings on stderr."""
    try:
        return grid.sheet_names(data)
    except Exception:  # any malformed workbook: import_file reports it in both languages
        return []


def sheet_choices(names: list[str]) -> list[str | None]:
    """The sheet box's options: None first ("every year sheet") when the sheets are named by years."""
    by_year = [n for n in names if sheet_year(n) is not None]
    return [None, *names] if len(by_year) > 1 else list(names)


def sheet_label(choice: str | None, names: list[str], lang: str) -> str:
    if choice is not None:
        return choice
    years = t("common.list_sep", lang).join(n for n in names if sheet_year(n) is not None)
    return t("import_returns.all_year_sheets", lang, sheets=years)


def year_placeholder(auto: ImportReport | Failure, lang: str) -> str:
    """What the year box will use when left empty, from the import run without a year."""
    if isinstance(auto, Failure):
        return t("import.year_placeholder", lang)
    if auto.year_from == "title":
        return t("import_returns.year_from_title", lang, year=auto.year)
    if auto.year_from == "sheet":
        return t("import_returns.year_from_sheets" if auto.by_sheet else "import_returns.year_from_sheet", lang,
                 year=auto.year)
    if any(r.column == MISSING_YEAR_COLUMN for r in auto.rejected):
        return t("import_returns.year_missing", lang)
    return t("import.year_placeholder", lang)


def run_import(data: bytes, filename: str, sheet: str | None = None, year: int | None = None,
               base: pd.DataFrame | None = None) -> ImportReport | Failure:
    """The importer's report (plausibility checked against `base`), or a Failure with a friendly
    reason (never an exception)."""
    try:
        return importer.import_file(data, filename=filename, sheet=sheet, year=year, base=base)
    except bounds.UnreadableFileError as err:
        return Failure(err.reason_zh, err.reason_en)
    except MemoryError:
        raise  # the import worker (dashboard/uploads/import_worker.py) says the file needed too much memory
    except Exception:
        # A bug, not the user's file: log it for the team, show the user a plain message.
        log.exception("import of %r failed unexpectedly", filename)
        return Failure(t("import.error_unexpected", "zh"), t("import.error_unexpected", "en"))


def memo(store: MutableMapping[str, Any], slot: str, key: tuple, compute: Callable[[], T]) -> T:
    """The value kept in `store[slot]` for `key`, computed again only when the key changes.

    The page passes st.session_state: every click reruns the page, and re-reading a 10 MB workbook
    each time would be slow; one entry per slot keeps a session's memory bounded and private.
    """
    held = store.get(slot)
    if held is None or held[0] != key:
        held = (key, compute())
        store[slot] = held
    return held[1]


def _where(items: list, report: ImportReport, lang: str) -> dict[str, list]:
    """The leading columns of a row-by-row table: the sheet (when read sheet by sheet), then the row
    ("—" for a note on the whole workbook or table)."""
    out: dict[str, list] = {}
    if report.by_sheet:
        out[t("import_returns.col_sheet", lang)] = [i.sheet or "—" for i in items]
    out[t("import.col_row", lang)] = [i.row if i.row is not None else "—" for i in items]
    return out


def rejected_table(report: ImportReport, lang: str) -> pd.DataFrame:
    """Rejected cells: row, column, value as given, reason (also what the rejected-rows download holds)."""
    return pd.DataFrame(_where(report.rejected, report, lang) | {
        t("import.col_column", lang): [r.column for r in report.rejected],
        t("import.col_value", lang): [r.value for r in report.rejected],
        t("import.col_reason", lang): [_in_lang(r, "reason", lang) for r in report.rejected],
    })


def warnings_table(report: ImportReport, lang: str) -> pd.DataFrame:
    """Values accepted but worth a second look (possible typos): district and year (not only the row),
    row, column, value, reason."""
    reg = load_registry()
    named = {
        t("col.district", lang): [reg.name(w.adcode, lang) if w.adcode in reg.adcodes else (w.adcode or "")
                                  for w in report.warnings],
        t("col.year", lang): ["" if w.year is None else str(w.year) for w in report.warnings],
    }
    return pd.DataFrame(named | _where(report.warnings, report, lang) | {
        t("import.col_column", lang): [w.column for w in report.warnings],
        t("import.col_value", lang): [w.value for w in report.warnings],
        t("import.col_reason", lang): [_in_lang(w, "reason", lang) for w in report.warnings],
    })


def summarise(report: ImportReport, lang: str) -> Summary:
    """Counts first, then the row-by-row outcomes and the long table that would be used."""
    reason = t("import.col_reason", lang)
    notes = [RowNote(None, n.note_zh, n.note_en) for n in report.file_notes] + report.notes
    return Summary(
        counts=[
            (t("import.count_rows", lang), report.rows_total),
            (t("import.count_accepted", lang), report.accepted),
            (t("import.count_skipped", lang), len(report.skipped_rows)),
            (t("import.count_rejected", lang), len(report.rejected_rows)),
            (t("import.count_values", lang), report.values),
        ],
        rejected=rejected_table(report, lang),
        partial_rows=[f"{r[0]} {r[1]}" if isinstance(r, tuple) else r for r in report.partial_rows],
        needs_year=any(r.column == MISSING_YEAR_COLUMN for r in report.rejected),
        skipped=pd.DataFrame(_where(report.skipped, report, lang)
                             | {reason: [_in_lang(s, "reason", lang) for s in report.skipped]}),
        notes=pd.DataFrame(_where(notes, report, lang)
                           | {t("import.col_note", lang): [_in_lang(n, "note", lang) for n in notes]}),
        ignored=pd.DataFrame([[c.column, _in_lang(c, "reason", lang)] for c in report.ignored_columns],
                             columns=[t("import.col_column", lang), reason]),
        preview=tables.long_table(report.upload_table(), lang),
        warnings=warnings_table(report, lang),
    )


def details(report: ImportReport, lang: str) -> str:
    """One caption line: file, sheet, layout, header row, encoding (data text escaped)."""
    parts = [t("import.detail_file", lang, file=plain(report.file))]
    if report.sheets:
        parts.append(t("import.detail_sheet", lang, sheet=plain(t("common.list_sep", lang).join(report.sheets))))
    layouts = {"long": t("import.layout_long", lang), "wide": t("import.layout_wide", lang)}
    parts.append(layouts[report.layout])
    parts.append(t("import.detail_header", lang, row=report.header_row))
    if report.encoding:
        parts.append(t("import.detail_encoding", lang, encoding=plain(report.encoding)))
    return " · ".join(parts)


def uploader_style(key: str, lang: str) -> str:
    """CSS that writes the uploader's own button and limit line in `lang`.

    Why CSS: Streamlit's file uploader has no parameter for its "Upload" button or its "10MB per file"
    line, which stay English in the Chinese UI. The originals are hidden (font-size 0) and the page's
    words are drawn in their place; `key` scopes it to this uploader. The texts are the catalog's own.
    """
    button = json.dumps(t("uploader.button", lang), ensure_ascii=False)
    limit = json.dumps(t("uploader.limit", lang, mb=MAX_MB), ensure_ascii=False)
    box = f'.st-key-{key} [data-testid="stFileUploaderDropzone"]'
    return (f"<style>{box} button p {{ font-size: 0; }}"
            f"{box} button p::after {{ content: {button}; font-size: 0.875rem; }}"
            f'{box} [data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}'
            f'{box} [data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: {limit}; '
            "font-size: 0.875rem; }</style>")


def limit_note(lang: str) -> str:
    """The upload limit, exactly the importer's (in bytes too), and what happens to a bigger file.

    Why spelled out: the browser refuses a bigger file before sending it, with Streamlit's own
    message in English only; this line says the same in the user's language.
    """
    return t("app_harden.upload_limit", lang, mb=bounds.MAX_BYTES // (1024 * 1024), bytes=f"{bounds.MAX_BYTES:,}")
