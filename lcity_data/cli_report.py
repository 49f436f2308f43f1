"""`python -m lcity_data profile --district 330212 --year Y --format json|html` and
`python -m lcity_data report --year Y --format docx|pdf|html -o FILE`: the district profile and the
annual monitoring report without the app.

Why here: both are written from a published release by lcity_data alone (no dashboard code), so a
statistics office can produce them from a script or a scheduled job. cli.py registers them with
`add_commands`, as it does the release commands.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from lcity_data.cli_error import CliError
from lcity_data.loading import load_release
from lcity_data.profile import build_profile, to_json
from lcity_data.profile_html import page_html
from lcity_data.registry import DistrictLookupError, load_registry
from lcity_data.store import ReleaseInfo

REPORT_FORMATS = ("docx", "pdf", "html")


def add_commands(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """The `profile` and `report` subcommands (`common` carries --db)."""
    profile = subparsers.add_parser("profile", parents=[common], help="区县画像 / one district's profile")
    profile.add_argument("--district", required=True, metavar="ADCODE|NAME",
                         help="区县代码或名称，如 330212 或 鄞州区 / district code or name")
    profile.add_argument("--year", type=int, help="年份（默认：最新）/ year (default: latest)")
    profile.add_argument("--release", type=int, metavar="N", help="数据版本（默认最新）/ release (default: latest)")
    profile.add_argument("--lang", choices=("zh", "en"), default="zh", help="HTML 的语言 / language of the HTML")
    profile.add_argument("--format", choices=("json", "html"), default="json")
    profile.add_argument("-o", "--output", metavar="FILE",
                         help="输出文件（默认：标准输出）/ output file (default: stdout)")
    profile.set_defaults(handler=_profile)

    report = subparsers.add_parser("report", parents=[common], help="年度监测报告 / the annual monitoring report")
    report.add_argument("--year", type=int, help="年份（默认：最新的经费年份）/ year (default: latest funding year)")
    report.add_argument("--release", type=int, metavar="N", help="数据版本（默认最新）/ release (default: latest)")
    report.add_argument("--lang", choices=("zh", "en"), default="zh", help="语言 / language (default: zh)")
    report.add_argument("--format", choices=REPORT_FORMATS, default="docx")
    report.add_argument("-o", "--output", required=True, metavar="FILE", help="输出文件 / output file")
    report.set_defaults(handler=_report)


def write_atomic(path: Path, data: bytes) -> None:
    """Write next to the target and rename: a killed export never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _release(args: argparse.Namespace) -> tuple[pd.DataFrame, ReleaseInfo]:
    return load_release(args.release, url=args.db)


def _year(df: pd.DataFrame, wanted: int | None, indicator: str | None = None) -> int:
    rows = df if indicator is None else df[df["indicator"] == indicator]
    years = sorted({int(y) for y in rows["year"]})
    if not years:
        raise CliError("数据中没有可用的年份", "the data hold no usable year")
    if wanted is None:
        return years[-1]
    if wanted not in years:
        raise CliError(f"没有{wanted}年的数据（可用：{years[0]}–{years[-1]}）",
                       f"no data for {wanted} (available: {years[0]}–{years[-1]})")
    return wanted


def _district(text: str) -> str:
    reg = load_registry()
    if text in reg.adcodes:
        return text
    try:
        resolved = reg.resolve(text)
    except DistrictLookupError as exc:
        raise CliError(f"“{text}”：{exc.reason_zh}", f"'{text}': {exc.reason_en}") from exc
    if resolved.historical:
        raise CliError(f"“{text}”是2016年前的行政区，没有画像", f"'{text}' is a pre-2016 unit: no profile")
    return resolved.unit_id


def _profile(args: argparse.Namespace) -> int:
    adcode = _district(args.district)
    df, info = _release(args)
    year = _year(df, args.year)
    profile = build_profile(df, adcode, year)
    if args.format == "json":
        text = json.dumps({**to_json(profile), "release": info.release}, ensure_ascii=False, indent=2)
    else:
        text = page_html(profile, args.lang, release=info.release, published=info.created_at.date())
    if args.output:
        write_atomic(Path(args.output), text.encode("utf-8"))
        print(f"已写入 / wrote {args.output}")
    else:
        print(text)
    return 0


def report_bytes(df: pd.DataFrame, year: int, lang: str, fmt: str, info: ReleaseInfo | None) -> bytes:
    """The report for `year` in `fmt` (docx, pdf or html): the CLI's and the Briefing page's download."""
    from lcity_data.report_content import build_report
    from lcity_data.report_docx import render_docx
    from lcity_data.report_html import render_html
    from lcity_data.report_pdf import to_pdf

    report = build_report(df, year, lang, release=info.release if info else None,
                          published=info.created_at.date() if info else None)
    if fmt == "html":
        return render_html(report).encode("utf-8")
    docx = render_docx(report)
    return to_pdf(docx) if fmt == "pdf" else docx


def _report(args: argparse.Namespace) -> int:
    from lcity_data.briefing import TREND_INDICATOR

    df, info = _release(args)
    year = _year(df, args.year, TREND_INDICATOR)
    data = report_bytes(df, year, args.lang, args.format, info)
    write_atomic(Path(args.output), data)
    print(f"已写入 / wrote {args.output} ({args.format}, {year}, 数据版本 / release {info.release})")
    return 0
