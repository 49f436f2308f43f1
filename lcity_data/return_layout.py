"""What a return says about the whole table, outside its header: the year in its title or sheet name,
and a table-wide unit line ("单位：万元").

Why a module of its own: a clerk's return names its year once, in the title ("2023年宁波市各区（县、
市）社区教育经费统计表") or the sheet tab, and its unit once, in a line above the table; reading these
is text matching on a few cells, kept apart from the row-by-row importer and driven by
catalog/import_headers.toml [table].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lcity_data.catalog import load_catalog
from lcity_data.textnorm import normalise
from lcity_data.units import UnknownUnitError, unit_id_for


@dataclass(frozen=True)
class _Words:
    unit_prefixes: tuple[str, ...]
    unit_split: re.Pattern[str]
    title_year: re.Pattern[str]
    sheet_year: re.Pattern[str]


@cache
def _words() -> _Words:
    raw = load_catalog().import_headers()["table"]
    suffixes = "|".join(re.escape(normalise(s)) for s in sorted(raw["year_suffixes"], key=len, reverse=True))
    return _Words(
        unit_prefixes=tuple(normalise(p) for p in raw["unit_line_prefixes"]),
        unit_split=re.compile("|".join(re.escape(normalise(s)) for s in raw["unit_separators"])),
        title_year=re.compile(rf"(?<!\d)(\d{{4}})(?:{suffixes})"),
        sheet_year=re.compile(rf"(\d{{4}})(?:{suffixes})?"),
    )


def title_years(text: str) -> list[int]:
    """The distinct years a title names ("2023年…", "宁波市2023年度…"), in order of appearance."""
    found = [int(m.group(1)) for m in _words().title_year.finditer(normalise(text))]
    return list(dict.fromkeys(found))


def sheet_year(name: str) -> int | None:
    """The year a sheet is named by ("2023", "2023年", "2023年度"), else None."""
    match = _words().sheet_year.fullmatch(normalise(name))
    return int(match.group(1)) if match else None


def unit_line(text: str) -> list[str] | None:
    """The unit ids a unit line names ("单位：万元" -> ['wan_yuan']), or None if the text is not one.

    A text that starts like a unit line but names an unknown unit is not one (it stays an ignored
    cell), so a note such as "单位：宁波市教育局" is never taken for a unit.
    """
    key = normalise(text)
    prefix = next((p for p in _words().unit_prefixes if key.startswith(p)), None)
    if prefix is None:
        return None
    labels = [part for part in _words().unit_split.split(key[len(prefix):]) if part]
    try:
        units = [unit_id_for(label) for label in labels]
    except UnknownUnitError:
        return None
    return list(dict.fromkeys(units)) or None


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|[^A-Za-z]')


def shows_only_year(number_format: str) -> bool:
    """Whether an Excel number format shows a date as its year alone ("yyyy", 'yyyy"年"', "e"): such a
    year cell holds a date, but Excel shows 2023, so the importer reads 2023."""
    codes = set(_FORMAT_LITERALS.sub("", number_format).lower())
    return bool(codes) and codes <= {"y", "e"}
