"""The command line: `python -m lcity_data funding ...`, `check FILE`, `index ...` and the release
commands (`publish`, `releases`, `revert`, `export`, `db upgrade`, in cli_releases.py) and the collection-round
commands (`round …`, `submit`, `review`, in cli_rounds.py).

Why: the same checks the dashboard shows, scriptable by a statistics office (check a return before
sending it; print the funding table; publish the year's returns). Output is bilingual; errors are one
line on stderr, never a traceback. Every command takes `--db URL` (default: LCITY_DATABASE_URL,
.streamlit/secrets.toml, then var/lcity.db). Exit codes: 0 ok, 1 the file has rejected rows (nothing
published) or, for `check`, nothing in it was accepted, 2 usage or input error (unreadable or missing
file, unknown standard, year without data), 3 a store error (unreachable or damaged database) or an
unexpected internal error. Text from files and arguments reaches the terminal with control characters
escaped (an ANSI sequence in a cell is shown as \x1b[..., never acted on).
New subcommands are added as another `subparsers.add_parser(...)` with its own handler. A command that
needs a package above this one (`briefing` renders the dashboard's slides) registers itself instead: an
entry point in the `lcity_data.commands` group of pyproject.toml names a function taking the subparsers
and the common options, so this package never imports `dashboard`.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from importlib.metadata import entry_points
from typing import NoReturn

import pandas as pd

from lcity_data import cli_accounts, cli_releases, cli_report, cli_rounds, editors
from lcity_data.catalog import Standard, load_catalog
from lcity_data.cli_error import CliError
from lcity_data.composite import NORMALISATIONS, compute_index, default_config, sensitivity
from lcity_data.funding import funding_check
from lcity_data.importer import import_file
from lcity_data.importing.bounds import UnreadableFileError
from lcity_data.importing.report import ImportReport
from lcity_data.loading import load_release, with_derived
from lcity_data.provenance import illustrative_share, is_illustrative, ratio_provenance
from lcity_data.registry import load_registry
from lcity_data.store import PublishInputError, ReleaseNotFoundError, StoreError
from lcity_data.terminal import terminal_safe
from lcity_data.validation import COLUMNS

EXIT_OK, EXIT_REJECTED, EXIT_INPUT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_STORE = 3
COMMANDS_GROUP = "lcity_data.commands"  # entry points: def add(subparsers, common) -> None


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument becomes one bilingual line instead of usage + exit."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"参数错误：{message}（用 --help 查看用法）", f"bad arguments: {message} (see --help)")


def _build_parser() -> _Parser:
    parser = _Parser(prog="python -m lcity_data", description="宁波学习型城市监测 / Ningbo Learning City Monitor")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    common = _Parser(add_help=False)
    common.add_argument("--db", metavar="URL", help="数据库地址（默认：LCITY_DATABASE_URL、secrets.toml 或 "
                        "var/lcity.db）/ store URL (default: LCITY_DATABASE_URL, secrets.toml, var/lcity.db)")

    funding = subparsers.add_parser("funding", parents=[common],
                                    help="人均社区教育经费达标情况 / per-capita funding check")
    funding.add_argument("--year", type=int, help="年份（默认：数据中最新的经费年份）/ year (default: latest)")
    funding.add_argument("--data", nargs="+", action="extend", metavar="FILE",
                         help="用这些文件代替已发布数据 / use these returns instead of the published data")
    funding.add_argument("--release", type=int, metavar="N", help="数据版本（默认最新）/ release (default: latest)")
    funding.add_argument("--standard", help="标准编号 / standard id (default: ningbo_household)")
    funding.add_argument("--format", choices=("table", "json"), default="table")
    funding.set_defaults(handler=_funding)

    check = subparsers.add_parser("check", parents=[common],
                                  help="检查一份报表文件 / check a return before uploading it")
    check.add_argument("file", metavar="FILE")
    check.add_argument("--year", type=int, help="没有年份列时使用的年份 / year for rows without one")
    check.add_argument("--sheet", help="工作表名称或序号（从1起）/ worksheet name or 1-based number")
    check.add_argument("--release", type=int, metavar="N",
                       help="与哪个数据版本比较（默认最新，与导入页面相同）/ the release the plausibility "
                            "warnings compare against (default: the latest, as on the Import page)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(handler=_check)

    index = subparsers.add_parser("index", parents=[common], help="学习型城市综合指数 / composite learning-city index")
    index.add_argument("--year", type=int, help="年份（默认：数据中最新年份）/ year (default: latest)")
    index.add_argument("--data", nargs="+", action="extend", metavar="FILE",
                       help="用这些文件代替已发布数据 / use these returns instead of the published data")
    index.add_argument("--release", type=int, metavar="N", help="数据版本（默认最新）/ release (default: latest)")
    index.add_argument("--normalisation", choices=NORMALISATIONS, help="标准化方法 / normalisation (default: minmax)")
    index.add_argument("--format", choices=("table", "json"), default="table")
    index.set_defaults(handler=_index)
    cli_releases.add_commands(subparsers, common)
    cli_report.add_commands(subparsers, common)
    cli_rounds.add_commands(subparsers, common)
    editors.add_subparser(subparsers)
    cli_accounts.add_commands(subparsers, common)
    for command in entry_points(group=COMMANDS_GROUP):  # e.g. `briefing`, from the dashboard's slides
        command.load()(subparsers, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit code (never raises, never prints a traceback)."""
    try:
        args = _build_parser().parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except (CliError, UnreadableFileError, PublishInputError, ReleaseNotFoundError) as exc:
        print(terminal_safe(f"错误 / error: {exc}"), file=sys.stderr)
        return EXIT_INPUT_ERROR
    except StoreError as exc:
        print(terminal_safe(f"数据库错误 / store error: {exc}"), file=sys.stderr)
        return EXIT_STORE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the last line of defence: users get one line, not a traceback
        print(terminal_safe(f"内部错误 / internal error: {type(exc).__name__}: {exc}"), file=sys.stderr)
        return EXIT_INTERNAL



# ---------------------------------------------------------------------------------------------------
# funding


def load_data(args: argparse.Namespace) -> pd.DataFrame:
    """A published release (default: latest), or the given returns combined (a later file wins on the same
    unit-year-indicator)."""
    files = args.data
    if files and args.release is not None:
        raise CliError("--data 与 --release 不能同时使用", "--data and --release cannot be used together")
    if not files:
        return load_release(args.release, url=args.db)[0][COLUMNS]
    tables = []
    for path in files:
        report = import_file(path, year=args.year)
        if report.rejected:
            print(terminal_safe(f"警告 / warning: {report.file}: {len(report.rejected)} 处被拒绝，未计入 / "
                                f"{len(report.rejected)} rejected cells left out (run `check` for details)"),
                  file=sys.stderr)
        tables.append(report.upload_table())
    combined = pd.concat(tables, ignore_index=True)[COLUMNS]
    combined = combined.drop_duplicates(["adcode", "year", "indicator"], keep="last").dropna(subset=["value"])
    if combined.empty:
        raise CliError("文件中没有可用的数据", "the files hold no usable data")
    return with_derived(combined)


def _number(value: object, decimals: int | None = None) -> int | float | None:
    """A JSON number: missing -> None, whole numbers as int, else rounded to `decimals`."""
    if value is None or (not isinstance(value, Decimal) and pd.isna(value)):
        return None
    if decimals is not None:
        return round(float(value), decimals)
    number = float(value)
    return int(number) if number.is_integer() else number


def _funding_records(check: pd.DataFrame, std: Standard) -> list[dict]:
    styles = load_catalog().status_styles
    names = std.output_names
    records = []
    for r in check.to_dict("records"):
        sources = [s for s in (r["numerator_source"], r["denominator_source"]) if s]
        data_status, mixed = ratio_provenance(r["numerator_status"], r["denominator_status"])
        records.append({
            "adcode": r["adcode"], "district_zh": r["district_zh"], "district_en": r["district_en"],
            "year": int(r["year"]), "standard": std.id,
            names["numerator"]: _number(r["numerator"]), names["denominator"]: _number(r["denominator"]),
            "population_basis": r["population_basis"], names["ratio"]: _number(r["per_capita"], std.precision),
            "status": r["status"], "minimum": _number(r["minimum"]), "target": _number(r["target"]),
            "status_zh": styles[r["status"]]["zh"], "status_en": styles[r["status"]]["en"],
            "sources": list(dict.fromkeys(sources)),
            # made-up values say so here too: the per-capita figure's status is its weakest input's
            "data_status": data_status, "mixed_sources": mixed, "illustrative": is_illustrative(data_status),
        })
    return records


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def _funding_table(records: list[dict], std: Standard) -> str:
    cat = load_catalog()
    names = std.output_names
    num, den = cat.indicator(std.numerator), cat.indicator(std.denominator)
    header = [
        "地区", f"{num.name_zh}（{cat.unit_label(num.unit, 'zh')}）",
        f"{cat.basis_names[std.basis]['zh']}（{cat.unit_label(den.unit, 'zh')}）",
        f"比值（{cat.unit_label(std.unit, 'zh')}）", "状态 / status", "数据性质 / data",
    ]
    rows = []
    for r in records:
        style = cat.status_styles[r["status"]]
        ratio = r[names["ratio"]]
        rows.append([
            r["district_zh"],
            "—" if r[names["numerator"]] is None else f"{r[names['numerator']]:,}",
            "—" if r[names["denominator"]] is None else f"{r[names['denominator']]:,}",
            "—" if ratio is None else f"{ratio:.{std.precision}f}",
            f"{style['icon']} {style['zh']} / {style['en']}",
            _data_status_text(r),
        ])
    widths = [max(_width(line[i]) for line in [header, *rows]) for i in range(len(header))]
    numeric = {1, 2, 3}
    lines = [f"{std.name_zh}", f"{std.name_en}", f"{records[0]['year']}年 / year {records[0]['year']}", ""]
    for line in [header, *rows]:
        lines.append("  ".join(_pad(cell, widths[i], right=i in numeric) for i, cell in enumerate(line)).rstrip())
    n, total = illustrative_share(r["data_status"] for r in records)
    if n:
        lines += ["", f"* {total}个区县中{n}个为示例数据（非官方统计），不能用于评价 / {n} of {total} districts "
                      "illustrative (not official statistics): not for judging any district"]
    return "\n".join(lines)


def _data_status_text(record: dict) -> str:
    """'示例 illustrative *' (with 混合来源 mixed when real and sample inputs meet); '—' without a status."""
    status = record["data_status"]
    if status is None:
        return "—"
    found = load_catalog().statuses[status]
    text = f"{found.zh} {found.en}" + (" 混合来源 mixed" if record["mixed_sources"] else "")
    return text + (" *" if record["illustrative"] else "")


def _funding(args: argparse.Namespace) -> int:
    cat = load_catalog()
    if args.standard is not None and args.standard not in cat.standards:
        known = ", ".join(cat.standards)
        raise CliError(f"未知标准“{args.standard}”（可用：{known}）",
                       f"unknown standard '{args.standard}' (known: {known})")
    df = load_data(args)
    if args.year is not None and args.year not in set(df["year"]):
        raise CliError(f"没有{args.year}年的数据", f"no data for {args.year}")
    std = cat.standard(args.standard)
    records = _funding_records(funding_check(df, args.year, std.id), std)
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        print(_funding_table(records, std))
    return EXIT_OK


# ---------------------------------------------------------------------------------------------------
# check


def _where(item: object) -> str:
    """'第5行 row 5', with '[sheet] ' in front for a workbook read sheet by sheet; 'table' for a note on
    the whole table."""
    sheet, row = getattr(item, "sheet", None), getattr(item, "row", None)
    prefix = f"[{sheet}] " if sheet else ""
    return prefix + (f"第{row}行 row {row}" if row is not None else "表格 / table")


def _report_text(report: ImportReport) -> str:
    sheets = "”“".join(report.sheets)
    where = f"工作表 sheet “{sheets}”" if report.sheets else f"编码 encoding {report.encoding}"
    layout = "长表 / long" if report.layout == "long" else "宽表 / wide"
    lines = [
        f"文件 / file: {report.file}（{where}；表头第{report.header_row}行 / header row {report.header_row}；"
        f"{layout}）",
        f"共 {report.rows_total} 行 / rows: 接受 accepted {report.accepted}（{report.values} 个数值 / values），"
        f"跳过 skipped {len(report.skipped)}，拒绝 rejected {len(report.rejected_rows)}",
    ]
    if report.partial_rows:
        rows = ", ".join(map(str, report.partial_rows))
        lines.append(f"部分拒绝的行（其余数值已接受）/ partially rejected rows (other values accepted): {rows}")
    if report.rejected:
        lines.append("拒绝 / rejected:")
        lines += [f"  {_where(r)} [{r.column}] “{r.value}”: {r.reason_zh} / {r.reason_en}"
                  for r in report.rejected]
    if report.skipped:
        lines.append("跳过 / skipped:")
        lines += [f"  {_where(s)}: {s.reason_zh} / {s.reason_en}" for s in report.skipped]
    if report.notes:
        lines.append("提示 / notes:")
        lines += [f"  {_where(n)}: {n.note_zh} / {n.note_en}" for n in report.notes]
    if report.file_notes:
        lines.append("文件提示 / file notes:")
        lines += [f"  {n.note_zh} / {n.note_en}" for n in report.file_notes]
    if report.warnings:
        lines.append("请核对（可能录入有误，已接受）/ please check (possible typos, accepted):")
        lines += [f"  {_where(w)} [{w.column}] “{w.value}”: {w.reason_zh} / {w.reason_en}" for w in report.warnings]
    if report.ignored_columns:
        lines.append("忽略的列 / ignored columns:")
        lines += [f"  [{c.column}]: {c.reason_zh} / {c.reason_en}" for c in report.ignored_columns]
    if report.values == 0:
        lines.append("没有接受任何数值 / nothing was accepted")
    return "\n".join(terminal_safe(line) for line in lines)  # a line break inside a cell is escaped too


def _check(args: argparse.Namespace) -> int:
    # the same base as the Import page: a value ten times the district's published figure is flagged in both
    base, info = load_release(args.release, url=args.db)
    report = import_file(args.file, sheet=args.sheet, year=args.year, base=base)
    if args.format == "json":
        print(json.dumps({**report.to_json(), "base_release": info.release}, ensure_ascii=False, indent=2))
    else:
        print(_report_text(report))
        print(f"对照数据版本 {info.release} / compared with release {info.release}")
    return EXIT_REJECTED if report.rejected or report.values == 0 else EXIT_OK


# ---------------------------------------------------------------------------------------------------
# index


def _index(args: argparse.Namespace) -> int:
    df = load_data(args)
    year = int(df["year"].max()) if args.year is None else args.year
    if year not in set(df["year"]):
        raise CliError(f"没有{year}年的数据", f"no data for {year}")
    config = default_config(args.normalisation)
    result = compute_index(df, config, year).set_index("adcode")
    ranges = sensitivity(df, config, year).set_index("adcode")
    reg = load_registry()
    dims = [c for c in result.columns if c.startswith("dim_")]
    records = []
    for adcode in reg.adcodes:
        row = result.loc[adcode] if adcode in result.index else None
        d = reg.district(adcode)
        has = row is not None and not pd.isna(row["index"])
        records.append({
            "adcode": adcode, "district_zh": d.name_zh, "district_en": d.name_en, "year": year,
            "normalisation": config.normalisation,
            "index": _number(row["index"], 2) if has else None,
            "rank": int(row["rank"]) if has else None,
            "rank_min": int(ranges.loc[adcode, "rank_min"]) if has else None,
            "rank_max": int(ranges.loc[adcode, "rank_max"]) if has else None,
            "status": "ok" if has else "insufficient_data",
            "missing_share": _number(row["missing_share"], 3) if row is not None else 1.0,
            **{dim.removeprefix("dim_"): (_number(row[dim], 2) if row is not None else None) for dim in dims},
        })
    records.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["adcode"]))
    if args.format == "json":
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return EXIT_OK
    header = ["排名 rank", "地区 district", "指数 index", "权重±10%排名范围 rank range"]
    rows = [[
        "—" if r["rank"] is None else str(r["rank"]), f"{r['district_zh']} {r['district_en']}",
        "数据不足 insufficient data" if r["index"] is None else f"{r['index']:.1f}",
        "—" if r["rank"] is None else f"{r['rank_min']}–{r['rank_max']}",
    ] for r in records]
    widths = [max(_width(line[i]) for line in [header, *rows]) for i in range(len(header))]
    lines = [f"学习型城市综合指数 / composite index, {year} ({config.normalisation})", ""]
    lines += ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(line)).rstrip() for line in [header, *rows]]
    print("\n".join(lines))
    return EXIT_OK
