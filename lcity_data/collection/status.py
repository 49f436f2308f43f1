"""The status board of a round: per unit, its status, when and by whom, completeness, warnings and the
latest comment; a submission's diff against the current release; the board as a downloadable .xlsx.

Why derived, not stored: a unit's status follows from its latest submission and that submission's
review (none: submitted; returned; approved), so it can never disagree with the history.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

import pandas as pd

from lcity_data.catalog import load_catalog, reporting_units, round_status_labels
from lcity_data.collection.rounds import Round, get_round, latest_round
from lcity_data.collection.submissions import Review, Submission, round_records
from lcity_data.collection.template import references
from lcity_data.export import to_xlsx_bytes
from lcity_data.registry import load_registry
from lcity_data.store import Store
from lcity_data.store import rounds as round_rows

NOT_SUBMITTED, SUBMITTED = "not_submitted", "submitted"
STATUSES = (NOT_SUBMITTED, SUBMITTED, "returned", "approved")


def status_label(status: str, lang: str) -> str:
    return round_status_labels()[status]["zh" if lang == "zh" else "en"]


@dataclass(frozen=True)
class UnitStatus:
    """One row of the status board."""

    unit: str
    name_zh: str
    name_en: str
    status: str
    submissions: int
    submission_id: int | None
    submitted_at: datetime | None
    submitted_by: str | None
    values: int
    expected: int
    missing: int
    warnings: int
    comment: str
    reviewed_by: str | None
    reviewed_at: datetime | None

    def to_json(self) -> dict:
        out = asdict(self)
        out["name"] = self.name_zh
        for key in ("submitted_at", "reviewed_at"):
            out[key] = None if out[key] is None else out[key].isoformat()
        return out


def _row(rnd: Round, unit: str, subs: list[Submission], revs: dict[int, Review]) -> UnitStatus:
    info = reporting_units()[unit]
    expected = len(rnd.expected(unit))
    mine = [s for s in subs if s.unit == unit]
    comments = [revs[s.id] for s in mine if s.id in revs and revs[s.id].comment]
    comment = comments[-1].comment if comments else ""
    if not mine:
        return UnitStatus(unit, info.name_zh, info.name_en, NOT_SUBMITTED, 0, None, None, None, 0, expected,
                          expected, 0, comment, None, None)
    last = mine[-1]
    rev = revs.get(last.id)
    return UnitStatus(unit, info.name_zh, info.name_en, SUBMITTED if rev is None else rev.decision, len(mine),
                      last.id, last.submitted_at, last.submitted_by, len(last.values), expected, len(last.missing),
                      len(last.warnings), comment, None if rev is None else rev.reviewed_by,
                      None if rev is None else rev.reviewed_at)


def status_board(store: Store, round_id: int) -> tuple[Round, list[UnitStatus]]:
    """The round and one row per unit, in the round's unit order (one consistent read)."""
    rnd = get_round(store, round_id)
    with round_rows.reading(store) as rows:
        subs, revs = round_records(rows, round_id)
    return rnd, [_row(rnd, unit, subs, revs) for unit in rnd.units]


def board_json(rnd: Round, board: list[UnitStatus]) -> dict:
    """What `round status --format json` prints."""
    return {"round": rnd.id, "year": rnd.year, "deadline": rnd.deadline, "title": rnd.title,
            "units": [u.to_json() for u in board]}


def _when(at: datetime | None) -> str:
    return "" if at is None else f"{at:%Y-%m-%d %H:%M} UTC"


def board_frame(board: list[UnitStatus], lang: str) -> pd.DataFrame:
    """The board as a table people read (and download to send reminders)."""
    zh = lang == "zh"
    rows = [{
        ("代码" if zh else "code"): u.unit, ("单位" if zh else "unit"): u.name_zh if zh else u.name_en,
        ("状态" if zh else "status"): status_label(u.status, lang),
        ("提交次数" if zh else "submissions"): u.submissions,
        ("最近提交" if zh else "last submitted"): _when(u.submitted_at),
        ("提交人" if zh else "submitted by"): u.submitted_by or "",
        ("已填/应填" if zh else "filled / expected"): f"{u.expected - u.missing}/{u.expected}",
        ("提示" if zh else "warnings"): u.warnings,
        ("审核人" if zh else "reviewed by"): u.reviewed_by or "",
        ("意见" if zh else "comment"): u.comment,
    } for u in board]
    return pd.DataFrame(rows)


def board_xlsx(rnd: Round, board: list[UnitStatus], lang: str) -> bytes:
    """The status board as .xlsx (text from names and comments can never run as a formula)."""
    return to_xlsx_bytes(board_frame(board, lang), sheet_name=f"{rnd.year}填报进度" if lang == "zh" else "status",
                         footer=f"{rnd.title}（第{rnd.id}轮）")


def diff(current: pd.DataFrame, sub: Submission) -> pd.DataFrame:
    """Each submitted value beside the current release's value of the same cell and the latest published
    value of an earlier year (base units)."""
    cat, reg = load_catalog(), load_registry()
    now = current.set_index(["adcode", "year", "indicator"])
    earlier = references(current, sub.values[0]["year"]) if sub.values else {}
    rows = []
    for v in sub.values:
        key = (v["adcode"], int(v["year"]), v["indicator"])
        old = now.loc[key] if key in now.index else None
        rows.append({"adcode": v["adcode"], "district": reg.district(v["adcode"]).name_zh,
                     "indicator": cat.indicator(v["indicator"]).name_zh, "indicator_id": v["indicator"],
                     "unit": v["unit"], "year": key[1],
                     "current": None if old is None or pd.isna(old["value"]) else float(old["value"]),
                     "current_status": None if old is None else old["status"], "submitted": v["value"],
                     "earlier": earlier.get((v["adcode"], v["indicator"]), (None, None, None))[0],
                     "earlier_year": earlier.get((v["adcode"], v["indicator"]), (None, None, None))[1]})
    frame = pd.DataFrame(rows, columns=["adcode", "district", "indicator", "indicator_id", "unit", "year", "current",
                                        "current_status", "submitted", "earlier", "earlier_year"])
    for col in ("current", "submitted", "earlier"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    frame["change"] = frame["submitted"] - frame["current"]
    return frame


def reported_count(store: Store) -> tuple[Round, int, int] | None:
    """(latest round, units submitted or approved, units in it), None before the first round: the
    Overview's data line."""
    rnd = latest_round(store)
    if rnd is None:
        return None
    _, board = status_board(store, rnd.id)
    return rnd, sum(u.status != NOT_SUBMITTED for u in board), len(board)
