"""Submitting a unit's return to a round: through the one importer, only the unit's own cells, every
version kept with its file, report and plausibility warnings.

Why these rules: a round is only as good as the promise that a district's figures came from that
district, so a return carrying anything but the unit's own rows and indicators is rejected whole,
with each foreign cell named. Blank cells are listed as missing (never zero). A unit may send again
until a reviewer approves it; the latest version counts. Nothing here changes a release: other users
see nothing until a reviewer publishes.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from lcity_data.collection.errors import Refused, SubmissionRejected
from lcity_data.collection.rounds import Round, get_round, person
from lcity_data.collection.template_check import check_template
from lcity_data.importer import import_file
from lcity_data.importing.bounds import MAX_BYTES, read_limited
from lcity_data.importing.report import ImportReport
from lcity_data.store import Store
from lcity_data.store import rounds as round_rows
from lcity_data.store.rounds import RoundRows

VALUE_FIELDS = ["adcode", "year", "indicator", "value", "unit", "status", "source", "note", "row", "sheet"]


@dataclass(frozen=True)
class Submission:
    """One version of a unit's return (the file's bytes are read separately: `submission_file`)."""

    id: int
    round_id: int
    unit: str
    version: int
    submitted_by: str
    submitted_at: datetime
    file_name: str
    file_sha256: str
    file_size: int
    report: dict
    warnings: list[dict]
    values: list[dict]
    missing: list[dict]

    def file_record(self) -> dict:
        return {"name": self.file_name, "sha256": self.file_sha256, "size": self.file_size,
                "sheet": self.report.get("sheet")}


@dataclass(frozen=True)
class Review:
    """A reviewer's decision on one submission."""

    id: int
    submission_id: int
    decision: str  # "returned" or "approved"
    comment: str
    reviewed_by: str
    reviewed_at: datetime


def round_records(rows: RoundRows, round_id: int) -> tuple[list[Submission], dict[int, Review]]:
    """Every submission of the round (oldest first) and the review of each that has one."""
    subs = [Submission(**s) for s in rows.submissions(round_id)]
    return subs, {n: Review(**r) for n, r in rows.reviews_of([s.id for s in subs]).items()}


def latest(rows: RoundRows, round_id: int, unit: str) -> tuple[Submission | None, Review | None]:
    """The unit's latest submission and its review (None, None before its first)."""
    sub = rows.latest_submission(round_id, unit)
    if sub is None:
        return None, None
    found = rows.review_of(sub["id"])
    return Submission(**sub), None if found is None else Review(**found)


def history_of(store: Store, round_id: int, unit: str) -> list[tuple[Submission, Review | None]]:
    """The unit's versions, newest first, each with its review (what a reporter sees as history)."""
    with round_rows.reading(store) as rows:
        subs, revs = round_records(rows, round_id)
    return [(s, revs.get(s.id)) for s in reversed(subs) if s.unit == unit]


def submission_file(store: Store, submission_id: int) -> tuple[str, bytes]:
    """The file exactly as it was submitted: (name, bytes)."""
    with round_rows.reading(store) as rows:
        found = rows.submission_file(submission_id)
    if found is None:
        raise Refused(f"没有编号为{submission_id}的提交", f"there is no submission {submission_id}")
    return found


def _rejection(row: int, column: str, value: str, zh: str, en: str) -> dict:
    return {"row": row, "column": column, "value": value, "reason_zh": zh, "reason_en": en}


def own_cells(report: ImportReport, rnd: Round, unit: str) -> list[dict]:
    """Rejections for every value in the return that is not this unit's to send in this round."""
    owed = rnd.unit(unit)
    rows, indicators = set(owed["rows"]), set(owed["indicators"])
    out = []
    cells = report.cells if report.cells is not None else report.table.assign(column="", value_text="")
    for c in cells.itertuples(index=False):
        if c.adcode not in rows:
            out.append(_rejection(int(c.row), str(c.column), str(c.value_text),
                                  f"地区 {c.adcode} 不属于本单位（{unit}）的填报范围",
                                  f"district {c.adcode} is not one unit {unit} reports"))
        elif c.indicator not in indicators:
            out.append(_rejection(int(c.row), str(c.column), str(c.value_text),
                                  f"指标 {c.indicator} 不由本单位（{unit}）填报",
                                  f"indicator {c.indicator} is not reported by unit {unit}"))
        elif int(c.year) != rnd.year:
            out.append(_rejection(int(c.row), str(c.column), str(c.value_text),
                                  f"年份 {int(c.year)} 不是本轮的年份 {rnd.year}",
                                  f"year {int(c.year)} is not the round's year {rnd.year}"))
    return out


def _values(report: ImportReport) -> list[dict]:
    table = report.table[VALUE_FIELDS].astype(object).where(report.table[VALUE_FIELDS].notna(), None)
    return [{k: (int(v) if k in ("year", "row") else v) for k, v in rec.items()}
            for rec in table.to_dict("records")]


def submit(store: Store, round_id: int, unit: str, source: bytes | str, *, by: str,
           filename: str | None = None) -> Submission:
    """Submit `source` (a path, or bytes named by `filename`) as `unit`'s return to round `round_id`.

    Raises UnreadableFileError (not a table, a bomb), SubmissionRejected (rejected or foreign cells, a
    tampered template, nothing filled in; nothing submitted), Refused (already approved).
    """
    by = person(by)
    rnd = get_round(store, round_id)
    rnd.unit(unit)
    data, name = read_limited(source, filename, MAX_BYTES)
    report = import_file(data, filename=name, year=rnd.year, base=store.read())
    if report.template is not None:
        check_template(data, report.template, rnd, unit)
    rejected = [_rejection(r.row, r.column, r.value, r.reason_zh, r.reason_en) for r in report.rejected]
    rejected += own_cells(report, rnd, unit)
    if rejected:
        raise SubmissionRejected(f"有{len(rejected)}个单元格被拒绝，未提交", f"{len(rejected)} cells were "
                                 "rejected; nothing was submitted", rejected)
    values = _values(report)
    if not values:
        raise SubmissionRejected("文件中没有填写任何数值，未提交", "the file holds no figures; nothing was submitted")
    filled = {(v["adcode"], v["indicator"]) for v in values}
    missing = [{"adcode": a, "indicator": i} for a, i in rnd.expected(unit) if (a, i) not in filled]
    warnings = [asdict(w) for w in report.warnings]
    with round_rows.writing(store) as rows:
        previous, review = latest(rows, round_id, unit)
        if review is not None and review.decision == "approved":
            raise Refused(f"{unit} 的第{previous.version}版已由{review.reviewed_by}审核通过，不能再提交；"
                          "如需更正请联系审核人",
                          f"version {previous.version} of {unit} was approved by {review.reviewed_by}; it cannot "
                          "be submitted again (ask the reviewer)")
        row = {"round_id": round_id, "unit": unit,
               "version": 1 if previous is None else previous.version + 1, "submitted_by": by,
               "submitted_at": datetime.now(UTC), "file_name": name, "file_sha256": hashlib.sha256(data).hexdigest(),
               "file_size": len(data), "report": report.to_json(), "warnings": warnings, "values": values,
               "missing": missing}
        n = rows.add_submission(row, data)
        rows.record(round_id, by=by, action="submitted", unit=unit,
                    detail={"submission": n, "version": row["version"], "file": name,
                            "sha256": row["file_sha256"], "values": len(values), "missing": len(missing),
                            "warnings": len(warnings)})
    return Submission(id=n, **row)
