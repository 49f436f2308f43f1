"""A release as the long CSV that the importer reads back as the same values: the backup behind `export`.

Why not just the table: the importer resolves districts by name and year, so a pre-2016 unit's id
(`330203-pre2016`) is not a name it accepts, and it appends the unit's boundary note to every such row.
The backup writes those units by their registry name and leaves out the note the importer adds back,
so `publish backup.csv --replace` reproduces the release. The note is learned from the importer itself
(a one-row probe), not copied from its code.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from lcity_data.catalog import load_catalog
from lcity_data.export import to_csv_bytes
from lcity_data.importer import import_file
from lcity_data.registry import load_registry
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
    for unit_id in sorted(set(out["adcode"]) & set(historical)):
        rows = out["adcode"] == unit_id
        added = _added_note(unit_id)
        out.loc[rows, "note"] = out.loc[rows, "note"].map(lambda n, added=added: _without(str(n), added))
        out.loc[rows, "adcode"] = historical[unit_id]["name_zh"]
    return out.reset_index(drop=True)


def backup_csv_bytes(table: pd.DataFrame) -> bytes:
    """The backup as CSV bytes (UTF-8 with BOM, formula-safe like every download)."""
    return to_csv_bytes(backup_frame(table))
