"""Publishing a round: one release, through the store's publish, from the approved submissions.

Why through the store: a round's release is an ordinary release (append-only, revertible, shown on
every page) whose note names the round; each value keeps its file, sheet and row, and its note says
who submitted and who approved it; the release's report lists every unit's submission. Units not yet
approved keep their current values; the round stays open, and publishing again later adds another
release. The round's history records the release in the same transaction.
"""

from __future__ import annotations

import pandas as pd

from lcity_data.catalog import reporting_units
from lcity_data.collection.errors import Refused
from lcity_data.collection.rounds import get_round, person
from lcity_data.collection.submissions import Review, Submission, round_records
from lcity_data.store import PublishResult, Store
from lcity_data.store import rounds as round_rows


def _rows(rnd_title: str, round_id: int, sub: Submission, rev: Review) -> list[dict]:
    info = reporting_units()[sub.unit]
    source = f"{rnd_title}（第{round_id}轮）{info.name_zh}填报 / round {round_id} return of {info.name_en}"
    signed = (f"提交：{sub.submitted_by}；审核通过：{rev.reviewed_by} / submitted by {sub.submitted_by}, "
              f"approved by {rev.reviewed_by}")
    return [{"adcode": v["adcode"], "year": v["year"], "indicator": v["indicator"], "value": v["value"],
             "unit": v["unit"], "status": v["status"], "source": source,
             "note": f"{v['note']}；{signed}" if v.get("note") else signed,
             "file": sub.file_name, "sheet": v.get("sheet"), "row": v.get("row")} for v in sub.values]


def publish_round(store: Store, round_id: int, *, by: str, note: str = "") -> PublishResult:
    """Publish the round's approved submissions as one release (Refused when none is approved)."""
    by = person(by)
    rnd = get_round(store, round_id)
    with round_rows.reading(store) as tx:  # one consistent view: each unit's latest submission and its review
        subs, revs = round_records(tx, round_id)
    last = {s.unit: s for s in subs}  # oldest first, so the latest version wins
    approved = [(last[u], revs[last[u].id]) for u in rnd.units
                if u in last and last[u].id in revs and revs[last[u].id].decision == "approved"]
    if not approved:
        raise Refused("本轮没有已审核通过的提交，未发布", "nothing in this round is approved; nothing was published")
    rows = [r for sub, rev in approved for r in _rows(rnd.title, rnd.id, sub, rev)]
    units = [{"unit": s.unit, "submission": s.id, "version": s.version, "file": s.file_name,
              "sha256": s.file_sha256, "submitted_by": s.submitted_by, "submitted_at": s.submitted_at.isoformat(),
              "approved_by": r.reviewed_by, "approved_at": r.reviewed_at.isoformat()} for s, r in approved]
    waiting = [u for u in rnd.units if u not in {s.unit for s, _ in approved}]
    release_note = f"{rnd.title}（第{rnd.id}轮）/ collection round {rnd.id}" + (f"：{note.strip()}" if note.strip()
                                                                               else "")
    return round_rows.publish(store, pd.DataFrame(rows), round_id=rnd.id, by=by, note=release_note,
                              files=[s.file_record() for s, _ in approved],
                              report={"round": rnd.id, "title": rnd.title, "year": rnd.year, "units": units,
                                      "not_approved": waiting},
                              detail={"units": [u["unit"] for u in units], "not_approved": waiting})
