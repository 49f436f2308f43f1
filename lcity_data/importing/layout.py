"""Where a return's header is and what each column means, and what the table says around it.

Why a module of its own: returns come with title rows, group headers over sub-headers, units in
brackets or on a line of their own, and the year in the title or the sheet name. This module finds the
header row (`find_layout`) in the header vocabulary (catalog/import_headers.toml, indicator names and
aliases) and reads the table's context (`table_context`); the rows below it are lcity_data.importing.rows'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from lcity_data.catalog import load_catalog
from lcity_data.importing.bounds import UnreadableFileError
from lcity_data.importing.grid import Grid, cell_text, is_blank
from lcity_data.importing.report import CellError, IgnoredColumn, RowNote
from lcity_data.provenance import status_aliases
from lcity_data.registry import load_registry
from lcity_data.return_layout import sheet_year, title_years, unit_line
from lcity_data.textnorm import normalise
from lcity_data.units import UnknownUnitError, split_header, unit_id_for

HEADER_SEARCH_ROWS = 50

# ---------------------------------------------------------------------------------------------------
# The header vocabulary (catalog data)


@dataclass(frozen=True)
class Headers:
    """The import vocabulary of catalog/import_headers.toml, normalised once: column aliases, the names
    of total rows, footnote prefixes, status aliases and the template's rows."""

    fields: dict[str, str]
    labels: dict[str, dict[str, str]]
    totals: frozenset[str]
    footnote_prefixes: tuple[str, ...]
    statuses: dict[str, str]
    template: tuple[dict, ...]


@cache
def headers() -> Headers:
    """The vocabulary, read once per process (every row of every upload asks it)."""
    raw = load_catalog().import_headers()
    city = load_registry().city
    return Headers(
        fields={normalise(a): name for name, col in raw["column"].items() for a in col["aliases"]},
        labels={name: {"zh": col["zh"], "en": col["en"]} for name, col in raw["column"].items()},
        totals=frozenset(normalise(t) for t in [*raw["rows"]["total_names"], *city["aliases"], city["adcode"]]),
        footnote_prefixes=tuple(normalise(p) for p in raw["rows"]["footnote_prefixes"]),
        statuses={normalise(a): status for a, status in status_aliases().items()},
        template=tuple(raw["template"]),
    )


@cache
def _indicator_index() -> dict[str, str]:
    """normalised indicator id, names and aliases -> indicator id."""
    return {
        normalise(label): ind.id
        for ind in load_catalog().indicators.values()
        for label in (ind.id, ind.name_zh, ind.name_en, *ind.aliases)
    }


def _match_header(text: str) -> tuple[str, str, str | None] | None:
    """('field' | 'indicator', id, unit label or None) for a header text, or None if unknown."""
    for name, unit in ((text, None), split_header(text)):
        key = normalise(name)
        if key in headers().fields:
            return "field", headers().fields[key], unit
        if key in _indicator_index():
            return "indicator", _indicator_index()[key], unit
    return None


def match_indicator(text: str) -> tuple[str, str | None] | None:
    """(indicator id, unit label or None) for an indicator's header or cell text, else None."""
    match = _match_header(text)
    return (match[1], match[2]) if match and match[0] == "indicator" else None


# ---------------------------------------------------------------------------------------------------
# The layout: where the header is and what each column means


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    unit: str | None = None
    indicator: str | None = None


@dataclass
class Layout:
    kind: Literal["long", "wide"]
    header_row: int
    fields: dict[str, Column]
    indicators: list[Column]
    ignored: list[IgnoredColumn]


def find_layout(grid: Grid) -> Layout:
    """The first row that is a header on its own, or with the row below it (a two-row header)."""
    search = grid.rows[:HEADER_SEARCH_ROWS]
    for i, (row, cells) in enumerate(search):
        layout = _layout_of(grid, row, len(cells))
        if i + 1 < len(search):
            below, below_cells = search[i + 1]
            units_below = [cell_text(c) for c in below_cells if not is_blank(c)]
            if (layout is None and _layout_of(grid, below, len(below_cells)) is None) or (
                    layout is not None and units_below and all(map(_is_unit, units_below))):
                layout = _two_row_layout(grid, row, below, max(len(cells), len(below_cells))) or layout
        if layout is not None:
            return layout
    raise UnreadableFileError(
        "找不到表头：需要一行包含“地区”列，以及“指标”“数值”列或指标名称列（如“社区教育经费（万元）”）",
        "no header row found: a row needs a district column and either indicator + value columns or "
        "indicator-name columns (e.g. 'Funding (10k yuan)')",
    )


def _layout_of(grid: Grid, row: int, width: int) -> Layout | None:
    return _layout_from(row, [cell_text(grid.filled(row, col)) for col in range(width)])


def _two_row_layout(grid: Grid, top: int, bottom: int, width: int) -> Layout | None:
    """A group header over sub-headers (经费情况 over 社区教育经费（万元）, 社区教育经费 over 万元).

    Per column: the sub-header when it is a known column, else the group header with the sub-header
    as its unit when that is a unit, else the group header when the sub-header is blank (a label
    column not merged down). Data starts below the sub-headers.
    """
    headers = []
    for col in range(width):
        upper, lower = cell_text(grid.filled(top, col)), cell_text(grid.filled(bottom, col))
        if not upper or upper == lower or (lower and _match_header(lower)):
            headers.append(lower)
        elif lower and _is_unit(lower) and _match_header(upper):
            headers.append(f"{upper}({lower})")
        else:
            headers.append(upper if not lower else f"{upper} {lower}")
    return _layout_from(bottom, headers)


def _is_unit(text: str) -> bool:
    try:
        unit_id_for(text.strip("()（）"))
    except UnknownUnitError:
        return False
    return True


def _layout_from(row: int, headers: list[str]) -> Layout | None:
    fields: dict[str, Column] = {}
    indicators: list[Column] = []
    ignored: list[IgnoredColumn] = []
    for col, header in enumerate(headers):
        if not header:
            continue
        match = _match_header(header)
        if match is None:
            ignored.append(IgnoredColumn(header, "未识别的列，已忽略", "unrecognised column, ignored"))
        elif match[0] == "field" and match[1] not in fields:
            fields[match[1]] = Column(col, header, unit=match[2])
        elif match[0] == "field":
            ignored.append(IgnoredColumn(header, "重复的列，已忽略", "repeated column, ignored"))
        else:
            indicators.append(Column(col, header, unit=match[2], indicator=match[1]))
    if "district" not in fields:
        return None
    if "indicator" in fields and "value" in fields:
        ignored += [IgnoredColumn(c.header, "长表中的指标名称列，已忽略",
                                  "indicator-name column in a long table, ignored") for c in indicators]
        return Layout("long", row, fields, [], ignored)
    if not indicators:
        return None
    ignored += [IgnoredColumn(fields.pop(name).header, "宽表中不使用此列，已忽略", "not used in a wide table, ignored")
                for name in ("indicator", "value") if name in fields]
    cat = load_catalog()
    derived = [c for c in indicators if cat.indicator(c.indicator).derived]
    ignored += [IgnoredColumn(c.header, "派生指标由系统根据经费和人口计算，此列已忽略",
                              "derived indicator: the app computes it from its inputs; column ignored")
                for c in derived]
    return Layout("wide", row, fields, [c for c in indicators if c not in derived], ignored)


# ---------------------------------------------------------------------------------------------------
# What the table says outside its header: its year (title or sheet name) and a unit line


@dataclass
class Context:
    year: int | None
    year_from: Literal["given", "title", "sheet"] | None = None
    year_error: CellError | None = None
    units: tuple[str, ...] = ()
    notes: list[RowNote] = field(default_factory=list)


def table_context(grid: Grid, layout: Layout, year: int | None) -> Context:
    """The year for rows without one and the table-wide units, with notes saying where they came from.

    A given year wins; a year column needs none. Otherwise the title rows above the header and the
    sheet name are read; when they disagree no year is guessed: every row is rejected asking for one.
    """
    context = Context(year, "given" if year is not None else None)
    above = [(row, cell_text(c)) for row, cells in grid.rows if row <= layout.header_row
             for c in cells if not is_blank(c)]
    for row, text in above:
        units = unit_line(text)
        if units and not context.units:
            context.units = tuple(units)
            layout.ignored[:] = [c for c in layout.ignored if c.column != text]
            context.notes.append(RowNote(
                row, f"全表单位“{text}”（第{row}行）适用于未注明单位的列",
                f"table-wide unit '{text}' (row {row}) applies to the columns that give no unit"))
    if year is not None or "year" in layout.fields:
        return context
    titles = [(row, years) for row, text in above
              if row < layout.header_row and unit_line(text) is None
              and not normalise(text).startswith(headers().footnote_prefixes)
              for years in [title_years(text)] if years]
    from_sheet = sheet_year(grid.sheet) if grid.sheet else None
    if titles and (len(titles[0][1]) > 1 or (from_sheet is not None and from_sheet != titles[0][1][0])):
        row, years = titles[0]
        named_zh = "、".join(map(str, years)) + (f"，工作表名“{grid.sheet}”为{from_sheet}年" if from_sheet else "")
        named_en = ", ".join(map(str, years)) + (f"; sheet '{grid.sheet}' says {from_sheet}" if from_sheet else "")
        context.year_error = CellError(
            f"年份不明确：标题（第{row}行）为{named_zh}；请在导入时指定年份（--year）",
            f"the year is ambiguous: the title (row {row}) says {named_en}; give the year (--year)")
    elif titles:
        row, (context.year,) = titles[0]
        context.year_from = "title"
        context.notes.insert(0, RowNote(row, f"年份{context.year}取自标题（第{row}行）",
                                        f"year {context.year} taken from the title (row {row})"))
    elif from_sheet is not None:
        context.year, context.year_from = from_sheet, "sheet"
        context.notes.insert(0, RowNote(None, f"年份{from_sheet}取自工作表名“{grid.sheet}”",
                                        f"year {from_sheet} taken from the sheet name '{grid.sheet}'"))
    return context
