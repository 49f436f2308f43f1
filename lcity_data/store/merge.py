"""The merge rule, as pure table arithmetic (no database): what a publish changes.

A published return replaces, for each district/year/indicator it covers, the current value; a blank
cell (value NaN) publishes "no data reported" and hides the old value; with `replace` the return is
the whole dataset. A value that is republished unchanged keeps its row (and so its provenance).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

KEY = ["adcode", "year", "indicator"]
FIELDS = ["value", "unit", "status", "source", "note"]
PROVENANCE = ["file", "sheet", "row"]


@dataclass(frozen=True)
class PublishPlan:
    """What a publish would change, relative to the latest release."""

    changed: list[dict]  # {adcode, year, indicator, old, new, old_status, new_status}; new None = removed
    added: int
    unchanged: int
    removed: int


@dataclass(frozen=True)
class Merge:
    plan: PublishPlan
    kept_ids: list[int]        # value rows of the current release that stay members
    new_rows: pd.DataFrame     # values to write (KEY + FIELDS + PROVENANCE)
    hidden: pd.DataFrame       # "no data reported" cells that hid a current value (written with value NULL)


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _entries(frame: pd.DataFrame, old: str, new: str | None, old_status: str, new_status: str | None) -> list[dict]:
    return [
        {"adcode": r["adcode"], "year": int(r["year"]), "indicator": r["indicator"],
         "old": _number(r[old]), "new": None if new is None else _number(r[new]),
         "old_status": r[old_status], "new_status": None if new_status is None else r[new_status]}
        for r in frame.to_dict("records")
    ]


def merge(current: pd.DataFrame, incoming: pd.DataFrame, *, replace: bool) -> Merge:
    """Apply `incoming` (KEY + FIELDS + PROVENANCE, unique keys) to `current` (same + value_id)."""
    old = current[[*KEY, *FIELDS, "value_id"]].rename(columns={f: f"{f}_old" for f in FIELDS})
    m = incoming.merge(old, on=KEY, how="left")
    blank = m["value"].isna()
    had = m["value_id"].notna()
    same = had & ~blank & (m["value"] == m["value_old"])
    for f in FIELDS[1:]:
        same &= m[f].fillna("") == m[f"{f}_old"].fillna("")
    added = ~had & ~blank
    changed = had & ~blank & ~same
    hidden = had & blank
    covered = pd.MultiIndex.from_frame(current[KEY]).isin(pd.MultiIndex.from_frame(incoming[KEY]))
    untouched = current[~covered]
    dropped = untouched if replace else untouched.iloc[0:0]
    kept = [] if replace else untouched["value_id"].astype(int).tolist()
    entries = (
        _entries(m[changed], "value_old", "value", "status_old", "status")
        + _entries(m[hidden], "value_old", None, "status_old", None)
        + _entries(dropped, "value", None, "status", None)
    )
    entries.sort(key=lambda e: (e["indicator"], e["adcode"], e["year"]))
    plan = PublishPlan(changed=entries, added=int(added.sum()), unchanged=int(same.sum()),
                       removed=int(hidden.sum()) + len(dropped))
    cols = [*KEY, *FIELDS, *PROVENANCE]
    return Merge(plan=plan, kept_ids=kept + m.loc[same, "value_id"].astype(int).tolist(),
                 new_rows=m.loc[added | changed, cols].reset_index(drop=True),
                 hidden=m.loc[hidden, cols].reset_index(drop=True))
