"""`python -m lcity_data briefing --year Y --format pptx|html -o FILE`: the briefing without a browser.

Why: an office preparing Learning Week wants the deck from a script or a scheduled job, in the same
two forms the Briefing page offers (PowerPoint with native charts, or the offline HTML slide show).
The subcommand registers itself (entry point `briefing` of the `lcity_data.commands` group in
pyproject.toml): lcity_data never imports dashboard. The exporters live with the slides in dashboard/, so
they are imported only when the subcommand runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
from pathlib import Path

from lcity_data.terminal import terminal_safe

FORMATS = ("pptx", "html")


def add_parser(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """The `briefing` subcommand and its options (`common` carries --db)."""
    parser = subparsers.add_parser("briefing", parents=[common],
                                   help="导出学习周简报 / export the Learning Week briefing")
    parser.add_argument("--year", type=int, help="年份（默认：最新的经费年份）/ year (default: latest funding year)")
    parser.add_argument("--format", choices=FORMATS, default="pptx", help="pptx（PowerPoint）或 html / pptx or html")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="输出文件 / output file")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="语言 / language (default: zh)")
    parser.add_argument("--data", nargs="+", action="extend", metavar="FILE",
                        help="用这些文件代替已发布数据 / use these returns instead of the published data")
    parser.add_argument("--release", type=int, metavar="N", help="数据版本（默认最新）/ release (default: latest)")
    parser.set_defaults(handler=run)


def _new_file_mode() -> int:
    """What open() gives a new file: 0666 less the umask (mkstemp's own 0600 hid the deck from colleagues)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write(path: Path, data: bytes) -> None:
    """Write next to the target and rename: a killed export never leaves half a file. The file gets the
    mode any new file would (the umask), not the temporary file's private 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _new_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    """Build the deck for the year and write it; one line on stdout saying where."""
    # The slide builders' st.cache_data works without a Streamlit server; its warning saying so is noise
    # here (disabled, not levelled: Streamlit resets its loggers' levels when it reads its config).
    logging.getLogger("streamlit.runtime.caching.cache_data_api").disabled = True
    from dashboard.briefing import briefing_export, briefing_pptx, slides
    from dashboard.charts.export_footer import store_release_text
    from lcity_data.briefing import TREND_INDICATOR
    from lcity_data.cli import EXIT_OK, CliError, load_data
    from lcity_data.loading import load_release
    from lcity_data.registry import load_registry
    from lcity_data.validation import COLUMNS

    release = None
    if args.data:
        df = load_data(args)
    else:  # the published release, named in every footer
        table, info = load_release(args.release, url=args.db)
        df = table[COLUMNS]
        release = store_release_text(args.lang, info.release, info.created_at.date())
    years = set(df.loc[df["indicator"] == TREND_INDICATOR, "year"].astype(int))
    if not years:
        raise CliError("数据中没有人均经费，无法生成简报", "the data hold no per-capita funding: no briefing")
    year = max(years) if args.year is None else args.year
    if year not in years:
        raise CliError(f"没有{year}年的经费数据（可用：{min(years)}–{max(years)}）",
                       f"no funding data for {year} (available: {min(years)}–{max(years)})")
    adcodes = load_registry().adcodes
    if args.format == "pptx":
        data = briefing_pptx.build_briefing_pptx(df, year, adcodes, args.lang, release=release)
    else:
        data = briefing_export.build_briefing_html(df, year, adcodes, args.lang, release=release).encode("utf-8")
    out = Path(args.output)
    _write(out, data)
    print(terminal_safe(f"已写入 / wrote {out} ({len(slides.SLIDE_KEYS)} 页 / slides, {args.format}, {year})"))
    return EXIT_OK
