"""Release commands of the CLI: `publish`, `releases`, `revert`, `export` and `db upgrade`.

Why separate from cli.py: these commands write to the store and share its error handling (exit 3
for a store error); cli.py registers them next to the read-only commands. Every value shown comes
from the importer's report and the store's plan; nothing is recomputed here.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from lcity_data.backup import backup_csv_bytes
from lcity_data.catalog import load_catalog
from lcity_data.cli_accounts import upgrade_hint
from lcity_data.loading import load_release
from lcity_data.returns import Returns, read_returns
from lcity_data.store import PublishPlan, ReleaseInfo, check_text, open_store, upgrade_store
from lcity_data.terminal import terminal_lines, terminal_safe

EXIT_OK, EXIT_REJECTED, EXIT_INPUT_ERROR = 0, 1, 2
CHANGED_SHOWN = 50  # text output lists this many changes; JSON lists all


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Register the release commands on the CLI's subparsers (`common` carries --db)."""
    publish = subparsers.add_parser("publish", parents=[common],
                                    help="发布区县报表为新数据版本 / publish returns as a new data release")
    publish.add_argument("files", nargs="+", metavar="FILE")
    publish.add_argument("--year", type=int, help="没有年份列时使用的年份 / year for rows without one")
    publish.add_argument("--sheet", help="工作表名称或序号（从1起）/ worksheet name or 1-based number")
    publish.add_argument("--by", required=True, metavar="NAME", help="发布人 / who publishes")
    publish.add_argument("--note", default="", help="版本说明 / release note")
    publish.add_argument("--allow-rejected", action="store_true",
                         help="有被拒绝的行时仍发布其余数值 / publish the accepted values despite rejected rows")
    publish.add_argument("--dry-run", action="store_true", help="只显示变化，不写入 / show the changes, write nothing")
    publish.add_argument("--replace", action="store_true",
                         help="以这些文件作为完整数据集 / the files are the whole dataset")
    publish.add_argument("--format", choices=("text", "json"), default="text")
    publish.set_defaults(handler=_publish)

    listing = subparsers.add_parser("releases", parents=[common], help="列出数据版本 / list the data releases")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(handler=_releases)

    revert = subparsers.add_parser("revert", parents=[common],
                                   help="以版本N的数值发布新版本 / publish a new release equal to release N")
    revert.add_argument("release", type=int, metavar="N",
                        help="要恢复的数据版本号（见 releases 命令）：新版本的数值与版本N完全相同；N不能是当前版本 / "
                             "the release to go back to (see the `releases` command): the new release has exactly "
                             "its values; N cannot be the current release")
    revert.add_argument("--by", required=True, metavar="NAME", help="发布人 / who publishes")
    revert.add_argument("--note", default="", help="版本说明 / release note")
    revert.add_argument("--format", choices=("text", "json"), default="text")
    revert.set_defaults(handler=_revert)

    export = subparsers.add_parser("export", parents=[common],
                                   help="把一个数据版本写成长表CSV（备份）/ write a release as the long CSV (backup)")
    export.add_argument("--release", type=int, metavar="N", help="版本号（默认最新）/ release (default: latest)")
    export.set_defaults(handler=_export)

    db = subparsers.add_parser("db", help="数据库维护 / store maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, parser_class=type(common))
    upgrade = db_commands.add_parser("upgrade", parents=[common],
                                     help="把数据库升级到当前结构 / migrate the store to the current schema")
    upgrade.set_defaults(handler=_db_upgrade)


# ---------------------------------------------------------------------------------------------------
# publish


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _changes(plan: PublishPlan) -> list[dict]:
    return [{**c, "old": _number(c["old"]), "new": _number(c["new"])} for c in plan.changed]


def _publish_json(returns: Returns, plan: PublishPlan | None, release: int | None, *, dry_run: bool,
                  refused: str | None) -> dict:
    return {
        "release": release, "published": release is not None, "dry_run": dry_run, "refused": refused,
        "accepted": returns.accepted, "rejected": returns.rejected, "skipped": returns.skipped,
        "no_data_reported": returns.blanks,
        "added": plan.added if plan else 0, "unchanged": plan.unchanged if plan else 0,
        "removed": plan.removed if plan else 0, "changed": _changes(plan) if plan else [],
        "files": returns.files,
        "rejected_cells": [{"file": r.file, "row": x.row, "column": x.column, "value": x.value,
                            "reason_zh": x.reason_zh, "reason_en": x.reason_en}
                           for r in returns.reports for x in r.rejected],
        "conflicts": returns.conflicts,
    }


def _shown(value: int | float | None) -> str:
    return "无数据 no data" if value is None else f"{value:,}"


def _publish_text(out: dict) -> str:
    lines = []
    for f in out["files"]:
        lines.append(f"文件 / file: {f['name']}" + (f"（工作表 sheet {f['sheet']}）" if f["sheet"] else "")
                     + f" · sha256 {f['sha256'][:12]} · {f['size']:,} bytes")
    lines.append(f"行 / rows: 接受 accepted {out['accepted']} · 拒绝 rejected {out['rejected']} · "
                 f"跳过 skipped {out['skipped']} · 空白（无数据）blank (no data reported) {out['no_data_reported']}")
    for cell in out["rejected_cells"]:
        lines.append(f"  拒绝 rejected: {cell['file']} 第{cell['row']}行 row {cell['row']} [{cell['column']}] "
                     f"“{cell['value']}”: {cell['reason_zh']} / {cell['reason_en']}")
    for c in out["conflicts"]:
        lines.append(f"  冲突 conflict: {c['adcode']} {c['year']} {c['indicator']} 在多个文件中数值不同 / "
                     f"different values in {', '.join(c['files'])}")
    lines.append(f"新增 added {out['added']} · 修改 changed {len(out['changed'])} · 未变 unchanged "
                 f"{out['unchanged']} · 移除 removed {out['removed']}")
    for c in out["changed"][:CHANGED_SHOWN]:
        lines.append(f"  {c['adcode']} {c['year']} {c['indicator']}: {_shown(c['old'])} → {_shown(c['new'])}"
                     + (f" ({c['old_status']} → {c['new_status']})"
                        if c["new_status"] and c["new_status"] != c["old_status"] else ""))
    if len(out["changed"]) > CHANGED_SHOWN:
        lines.append(f"  … 另有 {len(out['changed']) - CHANGED_SHOWN} 项 / {len(out['changed']) - CHANGED_SHOWN} "
                     "more (use --format json)")
    if out["refused"]:
        lines.append(f"未发布 / NOT published: {out['refused']}")
    elif out["dry_run"]:
        lines.append("试运行：未写入任何内容 / dry run: nothing was written")
    else:
        lines.append(f"已发布数据版本 {out['release']} / published as release {out['release']}")
    return "\n".join(terminal_safe(line) for line in lines)  # cells and file names shown, never acted on


def _emit(out: dict | list, text: str, fmt: str) -> None:
    print(json.dumps(out, ensure_ascii=False, indent=2) if fmt == "json" else terminal_lines(text))


def _publish(args: argparse.Namespace) -> int:
    returns = read_returns(args.files, sheet=args.sheet, year=args.year)
    store = open_store(args.db)
    refused = None
    if returns.conflicts:
        refused = "同一数值在多个文件中不一致 / the files disagree on some values (see conflicts)"
    elif returns.rejected and not args.allow_rejected:
        refused = ("有被拒绝的行；修正后重试，或用 --allow-rejected 只发布被接受的数值 / rows were rejected: "
                   "fix them, or publish the accepted values with --allow-rejected")
    elif returns.table.empty:
        refused = "文件中没有可发布的数值 / the files hold no values to publish"
    release, plan = None, None
    if refused is None and not args.dry_run:
        result = store.publish(returns.table, by=args.by, note=args.note, files=returns.files,
                               report=returns.report_json(), replace=args.replace)
        release, plan = result.release, result.plan
    elif not returns.table.empty:
        plan = store.plan(returns.table, replace=args.replace)
    out = _publish_json(returns, plan, release, dry_run=args.dry_run, refused=refused)
    _emit(out, _publish_text(out), args.format)
    if refused is None:
        return EXIT_OK
    return EXIT_INPUT_ERROR if returns.table.empty and not returns.rejected else EXIT_REJECTED


# ---------------------------------------------------------------------------------------------------
# releases, revert, export, db upgrade


def release_json(info: ReleaseInfo) -> dict:
    return {"release": info.release, "created_at": info.created_at.isoformat(), "published_by": info.published_by,
            "note": info.note, "files": info.files, "values": info.values, "reverted_from": info.reverted_from}


def _releases(args: argparse.Namespace) -> int:
    infos = open_store(args.db).releases()
    lines = []
    for info in infos:
        files = ", ".join(f["name"] for f in info.files) or ("—" if info.reverted_from is None
                                                             else f"恢复版本 revert of {info.reverted_from}")
        # one line per release: a line break in a name, note or file name is shown as \n, never as a new line
        lines.append(terminal_safe(f"{info.release:>4}  {info.created_at:%Y-%m-%d %H:%M} UTC  {info.published_by}  "
                                   f"{info.values:,} 个数值 values  {files}" + (f"  {info.note}" if info.note else "")))
    _emit([release_json(i) for i in infos], "\n".join(lines), args.format)
    return EXIT_OK


def _revert(args: argparse.Namespace) -> int:
    check_text(args.by, args.note)  # a bad argument is said as one (exit 2) before what the store holds
    store = open_store(args.db)
    current = store.latest_release().release
    if args.release == current:  # an identical release would say something changed: refuse
        print(terminal_safe(f"版本 {current} 已是当前版本，无需恢复 / release {current} is the current release: "
                            "nothing to revert"), file=sys.stderr)
        return EXIT_REJECTED
    result = store.revert(args.release, by=args.by, note=args.note)
    out = {"release": result.release, "reverted_from": args.release, "added": result.plan.added,
           "unchanged": result.plan.unchanged, "removed": result.plan.removed, "changed": _changes(result.plan)}
    text = (f"已发布数据版本 {result.release}，数值与版本 {args.release} 相同 / published release {result.release} "
            f"with the values of release {args.release}\n新增 added {out['added']} · 修改 changed "
            f"{len(out['changed'])} · 未变 unchanged {out['unchanged']} · 移除 removed {out['removed']}")
    _emit(out, text, args.format)
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    table, _info = load_release(args.release, url=args.db)
    sys.stdout.flush()
    sys.stdout.buffer.write(backup_csv_bytes(table[~table["indicator"].isin(load_catalog().derived_ids())]))
    sys.stdout.buffer.flush()
    return EXIT_OK


def _db_upgrade(args: argparse.Namespace) -> int:
    url, revision = upgrade_store(args.db)
    print(terminal_safe(f"数据库已是最新结构 / store is at schema revision {revision}: {url}"))
    hint = upgrade_hint()
    if hint:
        print(hint, file=sys.stderr)
    return EXIT_OK
