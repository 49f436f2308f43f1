"""The project's one importer: a district return (xlsx or csv, long or wide) -> canonical long table + report.

Why one importer: every upload path (dashboard, `python -m lcity_data check`, `funding --data`) must
accept and refuse exactly the same things, and say why in Chinese and English, row by row.
The steps are the modules of lcity_data.importing (bounds, table_reader, grid, layout, rows, report);
this module runs them and assembles the rows' outcomes into the report.

What it reads
- `.xlsx` and legacy `.xls` (the first visible sheet, a chosen one, or every sheet of a workbook
  whose visible sheets are named by years: one sheet per year) and `.csv` in UTF-8, UTF-8 with BOM,
  GBK/GB18030 (or UTF-16 with BOM); the format and encoding are detected from the bytes, not asked.
  The bytes are read within fixed bounds by `lcity_data.importing` (size, used range, cell budget;
  hostile files are refused there with a reason), so every step below works on a bounded grid.
- Long format (year, district, indicator, value, unit, optional status/source/note columns) or wide
  format (one row per district, one column per indicator, unit in the header: `社区教育经费（万元）`,
  `Funding (10k yuan)`). Header texts are catalog data (`catalog/import_headers.toml`, indicator
  names and aliases in `catalog/indicators.toml`). The header row is the first row that has a
  district column and either indicator+value columns (long) or indicator columns (wide), alone or
  with the row below it (a group header over sub-headers, or units under the headers); title rows
  and a 填报单位 line above it are ignored.
- Merged cells: the top-left value applies to the whole range in the header and in label columns
  (district, year, indicator, unit, status, source, note), never in value cells.
- A row's year comes from its year cell, else from the `year` argument, else (no year column) from
  the title above the header or the sheet name (lcity_data.return_layout; both named and different:
  every row is rejected asking for the year). A date cell formatted to show its year is that year.
  Units: the unit cell, else the unit in the indicator cell or header brackets, else a table-wide
  unit line ("单位：万元") that fits the indicator, else the indicator's only input unit. Numbers
  may be text, with full-width digits, stray spaces or 1,234.5 grouping (a percentage as 45.3% for
  percent indicators); they are converted to base units exactly once (units.to_base).
- Districts go through registry.resolve with the row's year: pre-2016 海曙/鄞州/江东 become their
  historical unit ids, are accepted and get a note (`ImportReport.notes`, and the table's note).
- Header cells the importer does not use are listed in `ImportReport.ignored_columns`, so no column
  of data disappears silently; a derived indicator (人均经费) is never imported: the app computes it.
- A blank value cell of a known district and year is "not reported": `ImportReport.blanks` (NaN
  values, merged by `upload_table()`/`overlay` so no earlier value shows through); it is no rejection.
- Every value and blank keeps where it came from: `table` and `blanks` carry, after COLUMNS, the input
  row (the report's row numbers) and the sheet (None for a CSV), so publishing a release needs no
  second parse of the file.
- Values three-fold off their district's previous year or the other districts' median are listed in
  `ImportReport.warnings` (lcity_data.plausibility), accepted all the same. Values are `reported`
  unless the status column says otherwise.
- A round template (lcity_data.collection) names its data sheet, year, round and unit in hidden document
  properties (`ImportReport.template`): it is read with no options.

Row outcomes (the coverage rule)
Every non-blank row below the header is one *input row* and ends in exactly one outcome:
- rejected: at least one of its cells was rejected (one Rejection per bad cell). A wide row with one
  bad cell and good cells is *partially rejected*: the good values are imported, the row counts as
  rejected and is listed in `ImportReport.partial_rows`;
- accepted: nothing rejected and at least one value imported;
- skipped: nothing imported, for a reason that is not an error: a total row (合计, 全市 …), a footnote
  (注：…), no value (a blank cell is missing data, never 0), a derived indicator (the app computes
  it), or an exact duplicate of an earlier row.
Blank rows and rows above the header are not input rows. `accepted` counts accepted rows and
`values` the values imported (from accepted and partially rejected rows), so
`rows_total == len(set(accepted_rows) | skipped rows | rejected rows)`, with no row in two outcomes.
A unit-year-indicator given twice with different values is rejected in every row that gives it.
Row numbers are what a person sees: the Excel row, or the CSV line (the header is line 1 when there
is no title).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO, Literal

import pandas as pd

from lcity_data.catalog import load_catalog
from lcity_data.collection.meta import read_template_meta
from lcity_data.export import to_csv_bytes, to_xlsx_bytes
from lcity_data.importing import bounds
from lcity_data.importing.bounds import UnreadableFileError
from lcity_data.importing.grid import Grid, is_blank, read_grids
from lcity_data.importing.layout import Context, Layout, find_layout, headers, table_context
from lcity_data.importing.report import PROVENANCE, FileNote, ImportReport, Rejection, RowNote, Skipped
from lcity_data.importing.rows import Candidate, Labels, RowReader, RowResult
from lcity_data.plausibility import check as plausibility_check
from lcity_data.validation import COLUMNS, validate_table

_CONFLICT_ROWS_SHOWN = 5


# ---------------------------------------------------------------------------------------------------
# Assembly: the rows' outcomes as one report


def _resolve_duplicates(results: list[RowResult]) -> tuple[list[Candidate], dict[int, int]]:
    """Accepted values, and row -> earlier row for exact duplicates; conflicting values are rejected."""
    groups: dict[tuple[str, int, str], list[Candidate]] = defaultdict(list)
    for res in results:
        for cand in res.candidates:
            groups[cand.key].append(cand)
    by_row = {res.row: res for res in results}
    accepted: list[Candidate] = []
    duplicate_of: dict[int, int] = {}
    for cands in groups.values():
        if len({c.value for c in cands}) == 1:
            accepted.append(cands[0])
            for c in cands[1:]:
                if c.row != cands[0].row:
                    duplicate_of.setdefault(c.row, cands[0].row)
            continue
        reason_zh, reason_en = _conflict_reason(sorted({c.row for c in cands}))
        for c in cands:  # one shared reason per conflict: the report grows by one line per row, not by n
            by_row[c.row].issues.append((c.col, Rejection(c.row, c.column, c.raw, reason_zh, reason_en)))
    return accepted, duplicate_of


BLANK_NOTE = "空白：未上报（不保留原有数值）/ blank: not reported (no earlier value is kept)"


def _conflict_reason(rows: list[int]) -> tuple[str, str]:
    """The conflict's reason, naming its first few rows and how many more there are."""
    shown, more = rows[:_CONFLICT_ROWS_SHOWN], len(rows) - _CONFLICT_ROWS_SHOWN
    where_zh = "、".join(map(str, shown)) + (f"等共{len(rows):,}行" if more > 0 else "行")
    where_en = ", ".join(map(str, shown)) + (f" and {more:,} more" if more > 0 else "")
    return (f"同一地区、年份、指标出现多次且数值不同（第{where_zh}），无法确定哪个正确",
            f"the same district, year and indicator appears with different values (rows {where_en})")


def _build_report(grid: Grid, layout: Layout, context: Context, name: str) -> ImportReport:
    reader = RowReader(grid, layout, context, f"上传文件 {name} / uploaded file {name}")
    results = [reader.read(row, cells) for row, cells in grid.rows
               if row > layout.header_row and not all(is_blank(c) for c in cells)]
    accepted, duplicate_of = _resolve_duplicates(results)
    value_rows = {c.row for c in accepted}
    rejected: list[Rejection] = []
    skipped: list[Skipped] = []
    accepted_rows: list[int] = []
    partial: list[int] = []
    notes: list[RowNote] = list(context.notes)
    for res in results:
        if res.row in value_rows and res.note is not None:
            notes.append(res.note)
        if res.issues:
            rejected += [rej for _, rej in sorted(res.issues, key=lambda item: item[0])]
            if res.row in value_rows:
                partial.append(res.row)
        elif res.skip is not None:
            skipped.append(Skipped(res.row, *res.skip))
        elif res.row in value_rows:
            accepted_rows.append(res.row)
        else:
            first = duplicate_of[res.row]
            skipped.append(Skipped(res.row, f"与第{first}行完全相同（重复）", f"exact duplicate of row {first}"))
    cat = load_catalog()
    table = pd.DataFrame(
        [{"adcode": c.key[0], "year": c.key[1], "indicator": c.key[2], "value": c.value,
          "unit": cat.indicator(c.key[2]).unit, "status": c.status, "source": c.source, "note": c.note,
          "row": c.row, "sheet": grid.sheet}
         for c in accepted],
        columns=[*COLUMNS, *PROVENANCE],
    )
    given = {cand.key for res in results for cand in res.candidates}
    blanks: dict[tuple[str, int, str], tuple[int, Labels]] = {}
    for res in results:  # a cell left blank in two rows is one blank, at its first row
        for key, labels in res.blanks:
            if key not in given:
                blanks.setdefault(key, (res.row, labels))
    blank_table = pd.DataFrame(
        [{"adcode": key[0], "year": key[1], "indicator": key[2], "value": math.nan,
          "unit": cat.indicator(key[2]).unit, "status": labels.status, "source": labels.source, "note": BLANK_NOTE,
          "row": row, "sheet": grid.sheet}
         for key, (row, labels) in blanks.items()], columns=[*COLUMNS, *PROVENANCE])
    if blanks:
        notes.append(RowNote(None, f"{len(blanks)}个空白单元格按“未上报”处理：应用后这些地区、年份、指标不显示原有数值",
                             f"{len(blanks)} blank cells are 'not reported': once applied, no earlier value is shown "
                             "for those districts, years and indicators"))
    cells = pd.DataFrame(
        [{"adcode": c.key[0], "year": c.key[1], "indicator": c.key[2], "value": c.value, "row": c.row,
          "column": c.column, "value_text": c.raw, "sheet": None}
         for c in accepted],
        columns=["adcode", "year", "indicator", "value", "row", "column", "value_text", "sheet"])
    return ImportReport(
        file=name, table=_validated(table), accepted=len(accepted_rows), values=len(accepted),
        rejected=rejected, skipped=skipped, rows_total=len(results),
        accepted_rows=accepted_rows, partial_rows=partial, notes=notes, ignored_columns=layout.ignored,
        layout=layout.kind, header_row=layout.header_row, encoding=grid.encoding, sheet=grid.sheet,
        sheets=[grid.sheet] if grid.sheet else [], year=context.year, year_from=context.year_from,
        blanks=blank_table, cells=cells, file_notes=[FileNote(zh, en) for zh, en in grid.notes],
    )


def _validated(table: pd.DataFrame) -> pd.DataFrame:
    """The table's COLUMNS in canonical dtypes (validate_table), with its PROVENANCE columns kept."""
    out = validate_table(table).reset_index(drop=True)
    out["row"] = table["row"].astype(int).to_numpy()
    out["sheet"] = table["sheet"].to_numpy(dtype=object)
    return out


def _import_grid(grid: Grid, year: int | None, name: str) -> ImportReport:
    layout = find_layout(grid)
    return _build_report(grid, layout, table_context(grid, layout, year), name)


def _in_sheet(items: list, sheet: str) -> list:
    return [replace(item, sheet=sheet) for item in items]


def _merge_sheets(parts: list[ImportReport], name: str) -> ImportReport:
    """One report for a workbook read sheet by sheet (one sheet per year): rows are named by sheet, and a
    district-year-indicator given by two sheets with different values is rejected in both."""
    rejected = [r for p in parts for r in _in_sheet(p.rejected, p.sheet)]
    tables = pd.concat([p.table for p in parts], ignore_index=True)
    cells = pd.concat([p.cells.assign(sheet=p.sheet) for p in parts], ignore_index=True)
    key = ["adcode", "year", "indicator"]
    clash = tables.groupby(key)["value"].transform("nunique") > 1
    for c in cells.merge(tables.loc[clash, key].drop_duplicates(), on=key).itertuples(index=False):
        rejected.append(Rejection(int(c.row), c.column, c.value_text,
                                  "另一工作表中同一地区、年份、指标的数值不同，无法确定哪个正确",
                                  "another sheet gives this district, year and indicator a different value",
                                  c.sheet))
    table = tables[~clash].drop_duplicates(key)
    kept = pd.MultiIndex.from_frame(table[key])
    cells = cells[pd.MultiIndex.from_frame(cells[key]).isin(kept)].drop_duplicates(key)
    bad = {(r.sheet, r.row) for r in rejected}
    kept_rows = set(zip(cells["sheet"], cells["row"], strict=True))
    accepted_rows = [(p.sheet, row) for p in parts for row in p.accepted_rows if (p.sheet, row) not in bad]
    partial = [(p.sheet, row) for p in parts for row in p.partial_rows]
    partial += [(p.sheet, row) for p in parts for row in p.accepted_rows if (p.sheet, row) in bad & kept_rows]
    blanks = pd.concat([p.blanks for p in parts], ignore_index=True).drop_duplicates(key)
    blanks = blanks[~pd.MultiIndex.from_frame(blanks[key]).isin(kept)]
    first = parts[0]
    return ImportReport(
        file=name, table=_validated(table), accepted=len(accepted_rows), values=len(table), rejected=rejected,
        skipped=[s for p in parts for s in _in_sheet(p.skipped, p.sheet)],
        rows_total=sum(p.rows_total for p in parts), accepted_rows=accepted_rows,
        partial_rows=partial, notes=[n for p in parts for n in _in_sheet(p.notes, p.sheet)],
        ignored_columns=list({c: None for p in parts for c in p.ignored_columns}), layout=first.layout,
        header_row=first.header_row, sheet=None, sheets=[p.sheet for p in parts], year=None, year_from="sheet",
        blanks=blanks.reset_index(drop=True), cells=cells.reset_index(drop=True),
        file_notes=list(dict.fromkeys(n for p in parts for n in p.file_notes)),
    )


def import_file(
    path_or_bytes: str | Path | bytes | BinaryIO,
    *,
    filename: str | None = None,
    sheet: str | int | None = None,
    year: int | None = None,
    base: pd.DataFrame | None = None,
) -> ImportReport:
    """Read a district return and report every input row's outcome.

    `filename` names an upload given as bytes (it is shown in the report and in the default source).
    `sheet`: a worksheet name, a 0-based index, or a 1-based position as text (as the CLI passes it);
    with none, a workbook whose visible sheets are named by years is read sheet by sheet, each with the
    year of its name (`year` is not used then), else its first visible sheet. `year` applies to rows
    without a year of their own; without it, a table with no year column takes its year from its title
    or sheet name. `base`, the table the
    return will be merged into, is the comparison base of the plausibility warnings with the rest of the
    file. Raises UnreadableFileError when the file is not a table at all; a readable table never raises,
    whatever its cells hold.
    """
    data, name = bounds.read_limited(path_or_bytes, filename, bounds.MAX_BYTES)
    template = read_template_meta(data)  # a round template names its own data sheet and year
    if template is not None:
        sheet = template.sheet if sheet is None else sheet
        year = template.year if year is None else year
    grids = read_grids(data, name, sheet)
    if len(grids) == 1:
        report = _import_grid(grids[0], year, name)
    else:
        parts = []
        for grid in grids:  # each sheet has its own year: its name (a given year would merge them all)
            try:
                parts.append(_import_grid(grid, None, name))
            except UnreadableFileError as err:
                raise UnreadableFileError(f"工作表“{grid.sheet}”：{err.reason_zh}",
                                          f"sheet '{grid.sheet}': {err.reason_en}") from None
        report = _merge_sheets(parts, name)
        if year is not None:
            report.notes.insert(0, RowNote(None, f"未使用指定的年份{year}：每张工作表使用其名称中的年份",
                                           f"the given year {year} is not used: each sheet has the year of its name"))
    if sheet is None and grids[0].unread:  # a chosen sheet needs no word on the others
        names = "、".join(grids[0].unread)
        read_zh = "、".join(report.sheets)
        report.notes.append(RowNote(None, f"已读取工作表：{read_zh}；未读取：{names}（如需读取请指定工作表）",
                                    f"sheets read: {', '.join(report.sheets)}; not read: {names} "
                                    "(name a sheet to read it)"))
    report.warnings = plausibility_check(report.cells, base)
    report.template = template
    return report


# ---------------------------------------------------------------------------------------------------
# Using imported tables


def template_frame(lang: str = "zh") -> pd.DataFrame:
    """The long-format template with the headers of `lang` ('zh' or 'en') and two illustrative rows."""
    key = "zh" if lang == "zh" else "en"
    order = ["year", "district", "indicator", "value", "unit", "status", "source", "note"]
    labels = headers().labels
    rows = [[ex["year"], ex[key]["district"], ex[key]["indicator"], ex["value"], ex[key]["unit"],
             ex[key]["status"], ex[key]["source"], ex[key]["note"]] for ex in headers().template]
    return pd.DataFrame(rows, columns=[labels[name][key] for name in order])


def template_bytes(fmt: Literal["xlsx", "csv"], lang: str = "zh") -> bytes:
    """The template as a downloadable file."""
    frame = template_frame(lang)
    if fmt == "xlsx":
        return to_xlsx_bytes(frame, sheet_name="模板" if lang == "zh" else "template")
    return to_csv_bytes(frame)
