"""District returns as one publishable table: the importer's values with their provenance.

Why a module of its own: publishing (CLI `publish`, the app's Import page) takes several files at
once, and must know which file each value came from and which files disagree. Everything about one
file comes from the importer, the one parser: `ImportReport.upload_table()` gives each value and each
blank cell (a blank publishes "no data reported" and hides the old value) with its input row and
sheet; this module adds the file, combines the files and lists their conflicts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lcity_data.importer import import_file
from lcity_data.importing import bounds
from lcity_data.importing.report import PROVENANCE, ImportReport
from lcity_data.validation import COLUMNS

KEY = ["adcode", "year", "indicator"]
COLUMNS_OUT = [*COLUMNS, "file", *PROVENANCE]  # what Store.publish keeps of each value


@dataclass
class Returns:
    """One or more imported returns, ready for `Store.publish`."""

    table: pd.DataFrame                      # COLUMNS_OUT; value NaN = "no data reported"
    files: list[dict]                        # {name, sha256, size, sheet}
    reports: list[ImportReport]
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


def _provenanced(report: ImportReport) -> pd.DataFrame:
    """The report's values and blank cells, each with its file, sheet and input row."""
    return report.upload_table().assign(file=report.file)[COLUMNS_OUT]


def read_returns(items: list[str | Path | tuple[str, bytes]], *, sheet: str | int | None = None,
                 year: int | None = None) -> Returns:
    """Import each file (a path, or (filename, bytes) for an upload) and combine them (`combine`).

    Raises bounds.UnreadableFileError for a file that is not a table.
    """
    imported = []
    for item in items:
        if isinstance(item, tuple):
            name, data = item
        else:
            # Bounded as every import: regular files only, at most the upload limit.
            data, name = bounds.read_limited(Path(item), None, bounds.MAX_BYTES)
        imported.append((import_file(data, filename=name, sheet=sheet, year=year), data))
    return combine(imported)


def combine(imported: list[tuple[ImportReport, bytes]]) -> Returns:
    """Returns from files already imported, each report with its file's bytes (for the file record).

    Why apart from `read_returns`: the Import page publishes the report its import worker made, so
    the file is parsed once, within the worker's limits, never again in the server process. The same
    cell in two files with different values is a conflict (listed, and the caller must not publish);
    equal values and a blank against a value keep the value.
    """
    reports = [report for report, _data in imported]
    tables = [_provenanced(report) for report in reports]
    files = [{"name": report.file, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
              "sheet": report.sheet} for report, data in imported]
    combined = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=COLUMNS_OUT)
    combined = combined.sort_values("value", key=lambda v: v.isna(), kind="stable")
    given = combined[combined["value"].notna()]
    spread = given.groupby(KEY)["value"].nunique()
    conflicts = [{"adcode": k[0], "year": int(k[1]), "indicator": k[2],
                  "files": sorted(set(given.set_index(KEY).loc[[k], "file"]))}
                 for k in spread[spread > 1].index]
    table = combined.drop_duplicates(KEY).sort_values(["file", "sheet", "row"], kind="stable").reset_index(drop=True)
    return Returns(table=table, files=files, reports=reports, conflicts=conflicts)
