"""Rounds: opening one year's collection, reading rounds back, and their append-only history.

Why here: a round fixes, when it is opened, which units owe which cells (the catalog may change
later; a round already sent out must not). Every state change of a round is recorded in its history
inside the same write transaction as the change itself (lcity_data.store.rounds), so the history is
never behind the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from lcity_data.catalog import reporting_units
from lcity_data.collection.errors import RoundError, RoundNotFound
from lcity_data.store import Store
from lcity_data.store import rounds as round_rows
from lcity_data.validation import FIRST_YEAR, last_year

NAME_MAX = 200


@dataclass(frozen=True)
class Round:
    """One year's collection: what each unit owes ({code: {"rows": adcodes, "indicators": ids}})."""

    id: int
    year: int
    title: str
    deadline: str | None
    units: dict[str, dict[str, list[str]]]
    opened_by: str
    opened_at: datetime

    def expected(self, unit: str) -> list[tuple[str, str]]:
        """The (adcode, indicator) cells `unit` owes, in template order."""
        owed = self.unit(unit)
        return [(a, i) for a in owed["rows"] for i in owed["indicators"]]

    def unit(self, code: str) -> dict[str, list[str]]:
        if code not in self.units:
            raise RoundNotFound(f"单位 {code} 不在第{self.id}轮填报范围内（本轮单位：{'、'.join(self.units)}）",
                                f"unit {code} is not part of round {self.id} (its units: {', '.join(self.units)})")
        return self.units[code]


@dataclass(frozen=True)
class Event:
    """One line of a round's history: who did what, when."""

    id: int
    round_id: int
    at: datetime
    by: str
    action: str
    unit: str | None
    detail: dict


def person(by: str | None) -> str:
    """The name a change is recorded under (required: every change says who)."""
    name = " ".join((by or "").split())
    if not name:
        raise RoundError("需要填写操作人姓名（--by NAME）", "a name is needed for who does this (--by NAME)")
    if len(name) > NAME_MAX:
        raise RoundError(f"姓名过长（最多{NAME_MAX}个字符）", f"the name is too long (at most {NAME_MAX} characters)")
    return name


def same_person(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _units(choice: str | list[str] | None) -> dict[str, dict[str, list[str]]]:
    catalog = reporting_units()
    if choice is None or choice == "all":
        codes = [code for code, u in catalog.items() if u.indicators]
    else:
        codes = [c.strip() for c in (choice.split(",") if isinstance(choice, str) else choice) if c.strip()]
        unknown = [c for c in codes if c not in catalog]
        if unknown or not codes:
            raise RoundError(f"未知的填报单位：{'、'.join(unknown) or '（空）'}（可选：all 或 {'、'.join(catalog)}）",
                             f"unknown reporting units: {', '.join(unknown) or '(none)'} "
                             f"(choose all or {', '.join(catalog)})")
        empty = [c for c in codes if not catalog[c].indicators]
        if empty:
            raise RoundError(f"这些单位在指标目录中没有需要填报的指标：{'、'.join(empty)}",
                             f"these units report no indicator in the catalog: {', '.join(empty)}")
    return {c: {"rows": list(catalog[c].rows), "indicators": list(catalog[c].indicators)}
            for c in dict.fromkeys(codes)}


def _deadline(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise RoundError(f"截止日期“{text}”不是 YYYY-MM-DD 格式的日期", f"deadline '{text}' is not a date "
                         "as YYYY-MM-DD") from None


def default_title(year: int) -> str:
    return f"{year}年度学习型城市监测数据填报"


def open_round(store: Store, *, year: int, by: str, deadline: str | None = None,
               units: str | list[str] | None = None, title: str | None = None) -> Round:
    """Open a round for `year` (units: "all", a list or "CODE,CODE"); recorded as the round's first event."""
    by = person(by)
    if not FIRST_YEAR <= year <= last_year() + 1:
        raise RoundError(f"年份 {year} 不在 {FIRST_YEAR}–{last_year() + 1} 之间",
                         f"year {year} is outside {FIRST_YEAR}–{last_year() + 1}")
    owed, due = _units(units), _deadline(deadline)
    title = " ".join((title or default_title(year)).split())[:NAME_MAX]
    row = {"year": year, "title": title, "deadline": due, "units": owed, "opened_by": by,
           "opened_at": datetime.now(UTC)}
    with round_rows.writing(store) as rows:
        n = rows.add_round(row)
        rows.record(n, by=by, action="opened", detail={"year": year, "deadline": due, "units": list(owed)})
    return Round(id=n, **row)


def get_round(store: Store, round_id: int) -> Round:
    with round_rows.reading(store) as rows:
        row = rows.round(round_id)
    if row is None:
        raise RoundNotFound(f"没有第{round_id}轮填报（用 round list 查看）",
                            f"there is no round {round_id} (see `round list`)")
    return Round(**row)


def list_rounds(store: Store) -> list[Round]:
    """Every round, newest first."""
    with round_rows.reading(store) as rows:
        return [Round(**r) for r in rows.rounds()]


def latest_round(store: Store) -> Round | None:
    found = list_rounds(store)
    return found[0] if found else None


def history(store: Store, round_id: int) -> list[Event]:
    """The round's history, oldest first (nothing is ever removed from it)."""
    get_round(store, round_id)
    with round_rows.reading(store) as rows:
        return [Event(**e) for e in rows.events(round_id)]
