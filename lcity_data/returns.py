"""District returns as one publishable table: the importer's values with their provenance.

Why a module of its own: publishing (CLI `publish`, the app's Import page) needs, beyond what
`import_file` reports, the input row each value came from and the value cells left blank (a blank
cell publishes "no data reported" and hides the old value). The importer stays the one parser: this
module replays its own row reader (`_RowReader`) over the same grid, so labels, districts and years
are resolved exactly as the import did. If the importer's internals change, `cell_rows` is the one
place to follow (tests/test_store_returns.py checks it against `import_file`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lcity_data import importer as imp
from lcity_data.catalog import load_catalog
from lcity_data.table_reader import read_limited
from lcity_data.validation import COLUMNS

KEY = ["adcode", "year", "indicator"]


def cell_rows(data: bytes, name: str, *, sheet: str | int | None = None, year: int | None = None) -> pd.DataFrame:
    """Per (adcode, year, indicator): the input row of its first accepted value or, for a cell left blank
    in a row whose labels are valid, `blank=True` with that row's status, source and note."""
    grids = imp._read_grid(data, name, sheet)
    cat = load_catalog()
    records: list[dict] = []
    for grid in grids:  # one per year sheet, each with the year of its name (as import_file reads them)
        layout = imp._find_layout(grid)
        context = imp._table_context(grid, layout, year if len(grids) == 1 else None)
        reader = imp._RowReader(grid, layout, context, f"上传文件 {name} / uploaded file {name}")
        for row, cells in grid.rows:
            if row <= layout.header_row or all(imp._blank(c) for c in cells):
                continue
            result = reader.read(row, cells)
            records += [{"adcode": c.key[0], "year": c.key[1], "indicator": c.key[2], "row": row, "blank": False,
                         "status": c.status, "source": c.source, "note": c.note} for c in result.candidates]
            if layout.kind == "long":
                if not imp._blank(grid.raw(row, layout.fields["value"].index)):
                    continue
                match = imp._match_indicator(imp._text(reader.label(row, "indicator")))
                blank_ids = [match[0]] if match and not cat.indicator(match[0]).derived else []
            else:
                blank_ids = [c.indicator for c in layout.indicators if imp._blank(grid.raw(row, c.index))]
            if not blank_ids:
                continue
            labels = reader._labels(imp._RowResult(row))
            if labels.adcode is None:
                continue
            records += [{"adcode": labels.adcode, "year": labels.year, "indicator": ind, "row": row, "blank": True,
                         "status": labels.status, "source": labels.source, "note": labels.note} for ind in blank_ids]
    frame = pd.DataFrame(records, columns=[*KEY, "row", "blank", "status", "source", "note"])
    # a value anywhere in the file wins over a blank; the importer keeps the first row of a value
    return frame.sort_values(["blank", "row"], kind="stable").drop_duplicates(KEY).reset_index(drop=True)


@dataclass
class Returns:
    """One or more imported returns, ready for `Store.publish`."""

    table: pd.DataFrame                      # COLUMNS + file, sheet, row; value NaN = "no data reported"
    files: list[dict]                        # {name, sha256, size, sheet}
    reports: list[imp.ImportReport]
    conflicts: list[dict] = field(default_factory=list)  # the same cell with different values in two files

    @property
    def rejected(self) -> int:
        return sum(len(r.rejected_rows) for r in self.reports)

    @property
    def accepted(self) -> int:
        return sum(r.accepted for r in self.reports)

    @property
    def skipped(self) -> int:
        return sum(len(r.skipped) for r in self.reports)

    @property
    def blanks(self) -> int:
        return int(self.table["value"].isna().sum())

    def report_json(self) -> dict:
        """What a release keeps of its import: every file's row-by-row report, plus conflicts."""
        return {"files": [r.to_json() for r in self.reports], "accepted": self.accepted,
                "rejected": self.rejected, "skipped": self.skipped, "no_data_reported": self.blanks,
                "conflicts": self.conflicts}


def _one(data: bytes, name: str, sheet: str | int | None, year: int | None) -> tuple[imp.ImportReport, pd.DataFrame]:
    report = imp.import_file(data, filename=name, sheet=sheet, year=year)
    cells = cell_rows(data, name, sheet=sheet, year=year)
    values = report.table.merge(cells.loc[~cells["blank"], [*KEY, "row"]], on=KEY, how="left")
    blanks = cells[cells["blank"]].merge(report.table[KEY], on=KEY, how="left", indicator=True)
    blanks = blanks[blanks["_merge"] == "left_only"]
    units = {i.id: i.unit for i in load_catalog().indicators.values()}
    blank_rows = blanks.assign(value=float("nan"), unit=blanks["indicator"].map(units))
    table = pd.concat([values, blank_rows[[*COLUMNS, "row"]]], ignore_index=True)
    return report, table.assign(file=report.file, sheet=report.sheet)


def read_returns(items: list[str | Path | tuple[str, bytes]], *, sheet: str | int | None = None,
                 year: int | None = None) -> Returns:
    """Import each file (a path, or (filename, bytes) for an upload) and combine them.

    Raises importer.UnreadableFileError for a file that is not a table. The same cell in two files
    with different values is a conflict (listed, and the caller must not publish); equal values and
    a blank against a value keep the value.
    """
    reports, tables, files = [], [], []
    for item in items:
        if isinstance(item, tuple):
            name, data = item
        else:
            # Bounded as every import: regular files only, at most the upload limit.
            data, name = read_limited(Path(item), None, imp.MAX_BYTES)
        report, table = _one(data, name, sheet, year)
        reports.append(report)
        tables.append(table)
        files.append({"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                      "sheet": report.sheet})
    combined = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=[*COLUMNS, "row"])
    combined = combined.sort_values("value", key=lambda v: v.isna(), kind="stable")
    given = combined[combined["value"].notna()]
    spread = given.groupby(KEY)["value"].nunique()
    conflicts = [{"adcode": k[0], "year": int(k[1]), "indicator": k[2],
                  "files": sorted(set(given.set_index(KEY).loc[[k], "file"]))}
                 for k in spread[spread > 1].index]
    table = combined.drop_duplicates(KEY).sort_values(["file", "row"], kind="stable").reset_index(drop=True)
    return Returns(table=table, files=files, reports=reports, conflicts=conflicts)
