"""Collection-round commands of the CLI: `round open|template|status|publish|list`, `submit`, `review`.

Why separate from cli.py: these are the data office's own tools for a round (whoever can reach the
database). `--by` records a name and needs no account, but the round's rules hold by name: one
unit's cells per submission, no approving your own submission, nothing published without approval.
Exit codes: 0 done, 1 refused by the round's rules or rejected cells (nothing changed), 2 an
unreadable file or bad arguments, 3 a store error (cli.main turns StoreError into 3).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lcity_data.collection.errors import RoundError, SubmissionRejected
from lcity_data.collection.publish import publish_round
from lcity_data.collection.review import review
from lcity_data.collection.rounds import get_round, list_rounds, open_round
from lcity_data.collection.status import board_json, status_board, status_label
from lcity_data.collection.submissions import submit
from lcity_data.collection.template import build_template
from lcity_data.store import open_store
from lcity_data.terminal import terminal_lines, terminal_safe

EXIT_OK = 0


def _emit(out: dict | list, text: str, fmt: str) -> None:
    print(json.dumps(out, ensure_ascii=False, indent=2) if fmt == "json" else terminal_lines(text))


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A round's refusal is one bilingual line on stderr (and JSON on stdout with --format json)."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except RoundError as exc:
            rejected = exc.rejections if isinstance(exc, SubmissionRejected) else []
            if getattr(args, "format", "text") == "json":
                print(json.dumps({"refused": str(exc), "message_zh": exc.message_zh, "message_en": exc.message_en,
                                  "rejected_cells": rejected}, ensure_ascii=False, indent=2))
            for cell in rejected:
                print(terminal_safe(f"  第{cell['row']}行 row {cell['row']} [{cell['column']}] “{cell['value']}”: "
                                    f"{cell['reason_zh']} / {cell['reason_en']}"), file=sys.stderr)
            print(terminal_safe(f"未完成 / refused: {exc}"), file=sys.stderr)
            return exc.exit_code

    return run


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Register `round …`, `submit` and `review` on the CLI's subparsers (`common` carries --db)."""
    fmt = {"choices": ("text", "json"), "default": "text"}
    rnd = subparsers.add_parser("round", help="年度数据填报轮次 / yearly collection rounds")
    commands = rnd.add_subparsers(dest="round_command", required=True, parser_class=type(common))

    opening = commands.add_parser("open", parents=[common], help="开启填报轮次 / open a round")
    opening.add_argument("--year", type=int, required=True)
    opening.add_argument("--by", required=True, metavar="NAME")
    opening.add_argument("--deadline", metavar="YYYY-MM-DD")
    opening.add_argument("--units", default="all", metavar="all|CODE,…")
    opening.add_argument("--title")
    opening.add_argument("--format", **fmt)
    opening.set_defaults(handler=_guarded(_open))

    template = commands.add_parser("template", parents=[common], help="下载单位填报模板 / write a unit's template")
    template.add_argument("--round", type=int, required=True, metavar="R")
    template.add_argument("--unit", required=True, metavar="CODE")
    template.add_argument("-o", "--output", required=True, metavar="FILE")
    template.set_defaults(handler=_guarded(_template))

    status = commands.add_parser("status", parents=[common], help="填报进度 / the round's status board")
    status.add_argument("--round", type=int, required=True, metavar="R")
    status.add_argument("--format", **fmt)
    status.set_defaults(handler=_guarded(_status))

    publish = commands.add_parser("publish", parents=[common], help="发布已通过的数据 / publish the approved returns")
    publish.add_argument("--round", type=int, required=True, metavar="R")
    publish.add_argument("--by", required=True, metavar="NAME")
    publish.add_argument("--note", default="")
    publish.add_argument("--format", **fmt)
    publish.set_defaults(handler=_guarded(_publish))

    listing = commands.add_parser("list", parents=[common], help="列出填报轮次 / list the rounds")
    listing.add_argument("--format", **fmt)
    listing.set_defaults(handler=_guarded(_list))

    sub = subparsers.add_parser("submit", parents=[common], help="提交单位填报文件 / submit a unit's return")
    sub.add_argument("file", metavar="FILE")
    sub.add_argument("--round", type=int, required=True, metavar="R")
    sub.add_argument("--unit", required=True, metavar="CODE")
    sub.add_argument("--by", required=True, metavar="NAME")
    sub.add_argument("--format", **fmt)
    sub.set_defaults(handler=_guarded(_submit))

    rev = subparsers.add_parser("review", parents=[common], help="审核：通过或退回 / approve or return a unit")
    rev.add_argument("--round", type=int, required=True, metavar="R")
    rev.add_argument("--unit", required=True, metavar="CODE")
    decision = rev.add_mutually_exclusive_group(required=True)
    decision.add_argument("--approve", action="store_true")
    decision.add_argument("--return", dest="send_back", action="store_true")
    rev.add_argument("--by", required=True, metavar="NAME")
    rev.add_argument("--comment", default="")
    rev.add_argument("--format", **fmt)
    rev.set_defaults(handler=_guarded(_review))


def _round_json(r) -> dict:
    return {"round": r.id, "year": r.year, "deadline": r.deadline, "title": r.title, "units": list(r.units),
            "opened_by": r.opened_by, "opened_at": r.opened_at.isoformat()}


def _open(args: argparse.Namespace) -> int:
    r = open_round(open_store(args.db), year=args.year, by=args.by, deadline=args.deadline, units=args.units,
                   title=args.title)
    text = f"{r.id}\n已开启第{r.id}轮：{r.title}（{len(r.units)}个单位）/ opened round {r.id} ({len(r.units)} units)"
    _emit({"round": r.id, "year": r.year, "deadline": r.deadline}, text, args.format)
    return EXIT_OK


def _template(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    data = build_template(get_round(store, args.round), args.unit, store.read())
    try:
        Path(args.output).write_bytes(data)
    except OSError as exc:
        raise RoundError(f"无法写入 {args.output}（{exc.strerror}）",
                         f"cannot write {args.output} ({exc.strerror})") from None
    print(terminal_safe(f"已写入模板 / template written: {args.output} ({len(data):,} bytes)"))
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    rnd, board = status_board(open_store(args.db), args.round)
    lines = [f"第{rnd.id}轮 round {rnd.id} · {rnd.title} · {rnd.year} · 截止 deadline {rnd.deadline or '—'}"]
    for u in board:
        when = f"{u.submitted_at:%Y-%m-%d %H:%M} UTC {u.submitted_by}" if u.submitted_at else ""
        lines.append(f"  {u.unit:<14} {u.name_zh}  {status_label(u.status, 'zh')} {u.status}  "
                     f"{u.expected - u.missing}/{u.expected}  提示 warnings {u.warnings}  {when}"
                     + (f"  意见 comment: {u.comment}" if u.comment else ""))
    _emit(board_json(rnd, board), "\n".join(lines), args.format)
    return EXIT_OK


def _publish(args: argparse.Namespace) -> int:
    result = publish_round(open_store(args.db), args.round, by=args.by, note=args.note)
    out = {"release": result.release, "round": args.round, "added": result.plan.added,
           "changed": len(result.plan.changed), "unchanged": result.plan.unchanged}
    _emit(out, f"{result.release}\n已发布数据版本 {result.release} / published as release {result.release}",
          args.format)
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    found = list_rounds(open_store(args.db))
    lines = [f"{r.id:>4}  {r.year}  {r.title}  截止 deadline {r.deadline or '—'}  {len(r.units)} 个单位 units  "
             f"{r.opened_by} {r.opened_at:%Y-%m-%d}" for r in found]
    _emit([_round_json(r) for r in found], "\n".join(lines) or "还没有填报轮次 / no rounds yet", args.format)
    return EXIT_OK


def _submit(args: argparse.Namespace) -> int:
    s = submit(open_store(args.db), args.round, args.unit, args.file, by=args.by)
    out = {"submitted": True, "submission": s.id, "round": s.round_id, "unit": s.unit, "version": s.version,
           "file": s.file_record(), "values": len(s.values), "missing": s.missing, "warnings": s.warnings}
    lines = [f"已提交 / submitted: {s.unit} 第{s.version}版 version {s.version} · {len(s.values)} 个数值 values · "
             f"缺报 missing {len(s.missing)} · sha256 {s.file_sha256[:12]}"]
    lines += [f"  缺报 missing: {m['adcode']} {m['indicator']}" for m in s.missing]
    lines += [f"  提示 warning: 第{w['row']}行 row {w['row']} [{w['column']}] {w['value']}: {w['reason_zh']} / "
              f"{w['reason_en']}" for w in s.warnings]
    _emit(out, "\n".join(lines), args.format)
    return EXIT_OK


def _review(args: argparse.Namespace) -> int:
    r = review(open_store(args.db), args.round, args.unit, approve=args.approve, by=args.by, comment=args.comment)
    out = {"round": args.round, "unit": args.unit, "decision": r.decision, "submission": r.submission_id,
           "comment": r.comment, "by": r.reviewed_by, "at": r.reviewed_at.isoformat()}
    _emit(out, f"{args.unit}: {status_label(r.decision, 'zh')} / {r.decision}", args.format)
    return EXIT_OK
