"""What became of an import: the report of every input row, and its parts.

Why a module of its own: the report is what every caller reads (the Import page, `check`, `publish`,
the import worker), while how a file is read is the other modules' business. `CellError`, the
bilingual reason a cell is refused, is here too: the row reader turns each one into a Rejection.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

import pandas as pd

from lcity_data.collection.meta import TemplateMeta
from lcity_data.plausibility import Implausible
from lcity_data.validation import COLUMNS

MISSING_YEAR_COLUMN = "年份 / year"  # the Rejection column of a row that has no year
PROVENANCE = ["row", "sheet"]  # after COLUMNS in `ImportReport.table` and `.blanks`: where each value came from


@dataclass(frozen=True)
class Rejection:
    """A refused cell: where it is (as a person sees it), what it held, and why."""

    row: int
    column: str
    value: str
    reason_zh: str
    reason_en: str
    sheet: str | None = None  # set when a workbook was read sheet by sheet


@dataclass(frozen=True)
class Skipped:
    """An input row that was deliberately not imported (not an error)."""

    row: int
    reason_zh: str
    reason_en: str
    sheet: str | None = None


@dataclass(frozen=True)
class RowNote:
    """A row that needs a second look (e.g. a pre-2016 unit, kept apart from today's map), or with
    `row` None a note on the whole table (where its year or unit came from, which sheets were read)."""

    row: int | None
    note_zh: str
    note_en: str
    sheet: str | None = None


def _row_key(item: Rejection | Skipped, sheet_mode: bool) -> int | tuple[str, int]:
    return (item.sheet or "", item.row) if sheet_mode else item.row


def _json(item: object) -> dict:
    """A report item as JSON, without `sheet` when the file was not read sheet by sheet."""
    out = asdict(item)
    if out.get("sheet") is None:
        out.pop("sheet", None)
    return out


@dataclass(frozen=True)
class IgnoredColumn:
    """A header the importer did not use, so that no column of data disappears silently."""

    column: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class FileNote:
    """Something about the whole file worth a second look (e.g. what the workbook reader warned of)."""

    note_zh: str
    note_en: str


@dataclass
class ImportReport:
    """What became of every input row, and the accepted values as a validated long table.

    `table` and `blanks` are COLUMNS plus PROVENANCE (each value's input row and sheet): callers that
    want the canonical long table alone select `table[COLUMNS]`."""

    file: str
    table: pd.DataFrame
    accepted: int
    values: int
    rejected: list[Rejection]
    skipped: list[Skipped]
    rows_total: int
    accepted_rows: list[int] | list[tuple[str, int]]  # (sheet, row) when read sheet by sheet
    partial_rows: list[int] | list[tuple[str, int]]
    notes: list[RowNote]
    ignored_columns: list[IgnoredColumn]
    layout: Literal["long", "wide"]
    header_row: int
    encoding: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)  # the worksheets read (several: one per year)
    year: int | None = None  # the year used for rows without one, and where it came from:
    year_from: Literal["given", "title", "sheet"] | None = None
    warnings: list[Implausible] = field(default_factory=list)
    blanks: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[*COLUMNS, *PROVENANCE]))
    cells: pd.DataFrame | None = field(default=None, repr=False)  # accepted values with row/column
    file_notes: list[FileNote] = field(default_factory=list)
    template: TemplateMeta | None = None  # a round template's own round, unit, year and data sheet

    @property
    def by_sheet(self) -> bool:
        """Whether rows are identified by (sheet, row): a workbook read sheet by sheet."""
        return len(self.sheets) > 1

    @property
    def rejected_rows(self) -> set[int | tuple[str, int]]:
        return {_row_key(r, self.by_sheet) for r in self.rejected}

    @property
    def skipped_rows(self) -> set[int | tuple[str, int]]:
        return {_row_key(s, self.by_sheet) for s in self.skipped}

    def upload_table(self) -> pd.DataFrame:
        """What merging this return into another table uses: the accepted values plus one row with a
        NaN value per blank cell ("no data reported"), so a blank never keeps a value underneath; both
        with their input row and sheet."""
        if self.blanks.empty:
            return self.table.copy()
        return pd.concat([self.table, self.blanks[[*COLUMNS, *PROVENANCE]]], ignore_index=True)

    def to_json(self) -> dict:
        """JSON-ready summary (what `check --format json` prints and the UI shows)."""
        return {
            "file": self.file,
            "accepted": self.accepted,
            "values": self.values,
            "rows_total": self.rows_total,
            "layout": self.layout,
            "header_row": self.header_row,
            "sheet": self.sheet,
            "sheets": self.sheets,
            "year": self.year,
            "year_from": self.year_from,
            "encoding": self.encoding,
            "rejected": [_json(r) for r in self.rejected],
            "partially_rejected_rows": self.partial_rows,
            "skipped": [{"row": s.row, "reason_en": s.reason_en, "reason_zh": s.reason_zh}
                        | ({"sheet": s.sheet} if s.sheet else {}) for s in self.skipped],
            "notes": [_json(n) for n in self.notes],
            "file_notes": [asdict(n) for n in self.file_notes],
            "ignored_columns": [asdict(c) for c in self.ignored_columns],
            "warnings": [_json(w) for w in self.warnings],
            "blank_cells": len(self.blanks),
            "template": None if self.template is None else asdict(self.template),
        }

    def rejected_frame(self) -> pd.DataFrame:
        """The rejected cells as a table, for download next to the upload."""
        return pd.DataFrame([asdict(r) for r in self.rejected], columns=list(Rejection.__dataclass_fields__)).drop(
            columns=[] if self.by_sheet else ["sheet"])


class CellError(Exception):
    """A bilingual reason a cell is refused (caught within the row, becomes a Rejection)."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_zh = reason_zh
        self.reason_en = reason_en
