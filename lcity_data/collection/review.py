"""Reviewing a unit's latest submission: return it with a comment, or approve it.

Why an optimistic check: two reviewers may look at the same unit at once. Each decision is made in
the store's one write transaction against the state read inside it: if the submission the reviewer
saw is no longer the latest, or someone already decided on it, the second reviewer is told who did
what and nothing changes (and a submission has at most one review: a unique key). A reviewer never
approves a submission made under their own name.
"""

from __future__ import annotations

from datetime import UTC, datetime

from lcity_data.catalog import round_status_labels
from lcity_data.collection.errors import Refused, ReviewConflict
from lcity_data.collection.rounds import get_round, person, same_person
from lcity_data.collection.submissions import Review, latest
from lcity_data.store import Store
from lcity_data.store import rounds as round_rows

APPROVED, RETURNED = "approved", "returned"
COMMENT_MAX = 2000


def _said(decision: str) -> tuple[str, str]:
    label = round_status_labels()[decision]
    return label["zh"], label["en"]


def review(store: Store, round_id: int, unit: str, *, approve: bool, by: str, comment: str = "",
           expected_submission: int | None = None) -> Review:
    """Approve or return `unit`'s latest submission; `expected_submission` is the one the reviewer saw."""
    by = person(by)
    comment = (comment or "").strip()[:COMMENT_MAX]
    get_round(store, round_id).unit(unit)
    if not approve and not comment:
        raise Refused("退回时请写明原因（--comment），填报单位会看到",
                      "say why when returning (--comment): the unit sees it")
    with round_rows.writing(store) as rows:
        sub, done = latest(rows, round_id, unit)
        if sub is None:
            raise Refused(f"{unit} 尚未提交，无可审核的内容", f"{unit} has not submitted anything to review")
        if expected_submission is not None and sub.id != expected_submission:
            raise ReviewConflict(f"{unit} 已重新提交（第{sub.version}版，{sub.submitted_by}），请刷新后审核最新版本",
                                 f"{unit} has submitted again (version {sub.version}, by {sub.submitted_by}): "
                                 "reload and review the latest version")
        if done is not None:
            zh, en = _said(done.decision)
            raise ReviewConflict(f"{unit} 的第{sub.version}版已由{done.reviewed_by}于"
                                 f"{done.reviewed_at:%Y-%m-%d %H:%M} UTC {zh}，未作更改",
                                 f"version {sub.version} of {unit} was already {en} by {done.reviewed_by} at "
                                 f"{done.reviewed_at:%Y-%m-%d %H:%M} UTC; nothing was changed")
        if approve and same_person(by, sub.submitted_by):
            raise Refused("不能审核通过自己提交的数据，请由另一位审核人审核",
                          "you cannot approve a submission you made yourself: another reviewer must")
        decision = APPROVED if approve else RETURNED
        row = {"submission_id": sub.id, "decision": decision, "comment": comment, "reviewed_by": by,
               "reviewed_at": datetime.now(UTC)}
        n = rows.add_review(row)
        rows.record(round_id, by=by, action=decision, unit=unit,
                    detail={"submission": sub.id, "version": sub.version, "comment": comment})
    return Review(id=n, **row)
