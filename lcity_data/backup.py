"""A release as the long CSV that the importer reads back as the same values: the backup behind `export`.

Why not just the table: the importer resolves districts by name and year, so a pre-2016 unit's id
(`330203-pre2016`) is not a name it accepts, and it appends the unit's boundary note to every such row.
The backup writes those units by their registry name and leaves out the note the importer adds back;
a current district's value for a year when its plain name meant the pre-2016 unit (the sample's
current-boundary 海曙/鄞州 figures before 2016) is written under its current-boundary name
(海曙区（现行区划）). So `publish backup.csv --replace` reproduces the release. The note is learned from
the importer itself (a one-row probe), not copied from its code.

Why no formula guard: a backup must give back every text exactly, so text starting with = + - @ is
written as it is (the spreadsheet downloads in export.py neutralise it; this file is data for `publish`).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from lcity_data.catalog import load_catalog
from lcity_data.importer import import_file
from lcity_data.registry import current_boundary_name, load_registry
from lcity_data.validation import COLUMNS

PROBE_INDICATOR = "population_household"


@cache
def _added_note(unit_id: str) -> str:
    """The note the importer appends to a row of this pre-2016 unit ('' if none)."""
    unit = load_registry().historical[unit_id]
    ind = load_catalog().indicator(PROBE_INDICATOR)
    probe = (f"year,district,indicator,value,unit\n{unit['valid_until']},{unit['name_zh']},{ind.id},1,{ind.unit}\n")
    table = import_file(probe.encode("utf-8"), filename="probe.csv").table
    return str(table["note"].iloc[0]) if len(table) else ""


def _without(note: str, added: str) -> str:
    """The note as the return gave it, before the importer appended `added`."""
    if not added:
        return note
    return "" if note == added else note.removesuffix("；" + added)


def backup_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The release's base values (COLUMNS), with pre-2016 units written as the importer reads them."""
    historical = load_registry().historical
    out = table[COLUMNS].copy()
    names = {}
    for adcode, year in out[["adcode", "year"]].drop_duplicates().itertuples(index=False):
        if adcode in historical:
            names[(adcode, year)] = historical[adcode]["name_zh"]
        elif _read_as_other_unit(adcode, int(year)):
            names[(adcode, year)] = current_boundary_name(adcode)
    for unit_id in sorted(set(out["adcode"]) & set(historical)):
        rows = out["adcode"] == unit_id
        added = _added_note(unit_id)
        out.loc[rows, "note"] = out.loc[rows, "note"].map(lambda n, added=added: _without(str(n), added))
    keys = list(zip(out["adcode"], out["year"], strict=True))
    out["adcode"] = [names.get(k, k[0]) for k in keys]
    return out.reset_index(drop=True)


def _read_as_other_unit(adcode: str, year: int) -> bool:
    """Whether the importer would read this current district's adcode, in `year`, as another unit."""
    return load_registry().resolve(adcode, year).unit_id != adcode


def backup_csv_bytes(table: pd.DataFrame) -> bytes:
    """The backup as CSV bytes: UTF-8 with BOM (Excel on Chinese Windows), CRLF rows, every text exactly as
    stored (no formula guard: see the module docstring)."""
    return backup_frame(table).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
