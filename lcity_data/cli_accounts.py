"""Account commands of the CLI: `user add | list | disable | unlock | log | import-editors`.

Why separate: they manage who may sign in (lcity_data/accounts.py), not data; cli.py registers them.
The command line is the data office's own tool, so `--by` records a name and needs no account (it
defaults to the operating-system user). A password is read from a prompt (twice, never echoed) or,
for scripts, one line from standard input with `--password-stdin`; it is never printed or logged.
Exit codes as in cli.py: 0 ok, 2 bad input (unknown role, wrong unit, taken name), 3 a store error.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from lcity_data import accounts, editors
from lcity_data.terminal import terminal_safe

EXIT_OK, EXIT_INPUT_ERROR = 0, 2


def _default_by() -> str:
    try:
        return f"{getpass.getuser()} (命令行 / command line)"
    except (KeyError, OSError):  # no user name in this environment (a container without /etc/passwd entry)
        return "命令行 / command line"


def add_commands(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Register `user …` on the CLI's subparsers (`common` carries --db)."""
    user = subparsers.add_parser("user", help="账户与角色 / accounts and roles")
    commands = user.add_subparsers(dest="user_command", required=True, parser_class=type(common))
    by = argparse.ArgumentParser(add_help=False)
    by.add_argument("--by", default=None, metavar="NAME", help="操作人（默认：系统用户）/ who does this "
                    "(default: the operating-system user)")

    add = commands.add_parser("add", parents=[common, by], help="新建账户 / add an account")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=sorted(accounts.roles()),
                     help="角色 / role (catalog/roles.toml)")
    add.add_argument("--unit", metavar="CODE", help="填报员所属单位代码，如 330203 / a reporter's unit, e.g. 330203")
    add.add_argument("--password-stdin", action="store_true",
                     help="从标准输入读取一行作为密码 / read the password as one line from standard input")
    add.set_defaults(handler=_add)

    listing = commands.add_parser("list", parents=[common], help="列出账户 / list the accounts")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(handler=_list)

    disable = commands.add_parser("disable", parents=[common, by], help="停用账户 / disable an account")
    disable.add_argument("name", metavar="NAME")
    disable.set_defaults(handler=_disable)

    unlock = commands.add_parser("unlock", parents=[common, by],
                                 help="解除登录等待 / lift the sign-in waits at a name")
    unlock.add_argument("name", metavar="NAME")
    unlock.add_argument("--client", help="只解除此客户端 / only for this client (as the log names it)")
    unlock.set_defaults(handler=_unlock)

    history = commands.add_parser("log", parents=[common], help="账户变更记录 / the account change log")
    history.add_argument("name", nargs="?", metavar="NAME")
    history.add_argument("--format", choices=("text", "json"), default="text")
    history.set_defaults(handler=_log)

    move = commands.add_parser("import-editors", parents=[common, by],
                               help="把 secrets.toml 中的编辑者移入数据库（审核员）/ move secrets.toml editors "
                                    "into the store as reviewers")
    move.set_defaults(handler=_import_editors)


def _fail(exc: Exception) -> int:
    print(terminal_safe(f"错误 / error: {exc}"), file=sys.stderr)
    return EXIT_INPUT_ERROR


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    first = getpass.getpass("密码 / password: ")
    if first != getpass.getpass("再输入一次 / repeat: "):
        raise editors.EditorError("两次输入的密码不一致", "the passwords do not match")
    return first


def _add(args: argparse.Namespace) -> int:
    try:
        accounts.check_account(args.name, args.role, args.unit)  # a wrong unit is said before the password prompt
        account = accounts.add_user(args.name, _password(args.password_stdin), args.role, args.unit,
                                    by=args.by or _default_by(), url=args.db)
    except editors.EditorError as exc:
        return _fail(exc)
    except (EOFError, KeyboardInterrupt):
        return _fail(editors.EditorError("未输入密码", "no password given"))
    unit = f"，单位 / unit {account.unit}" if account.unit else ""
    print(terminal_safe(f"已添加账户 / account added: {account.name}（{account.role}{unit}）"))
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    rows = [{**r, "created_at": r["created_at"].isoformat(timespec="seconds")} for r in accounts.users(args.db)]
    legacy = sorted(accounts.legacy_editors())
    if args.format == "json":
        print(json.dumps({"accounts": rows, "secrets_editors": legacy}, ensure_ascii=False, indent=2))
        return EXIT_OK
    lines = [f"{r['name']}  {r['role']}  {r['unit'] or '—'}  {'已停用 disabled' if r['disabled'] else '启用 active'}  "
             f"{r['created_at']}  {r['created_by']}" for r in rows] or ["（没有账户 / no accounts）"]
    if legacy:
        lines.append(f"secrets.toml [editors]（审核员 / reviewers）: {', '.join(legacy)}")
    print("\n".join(terminal_safe(line) for line in lines))
    return EXIT_OK


def _disable(args: argparse.Namespace) -> int:
    try:
        accounts.disable_user(args.name, by=args.by or _default_by(), url=args.db)
    except editors.EditorError as exc:
        return _fail(exc)
    print(terminal_safe(f"已停用账户 / account disabled: {args.name}"))
    return EXIT_OK


def _unlock(args: argparse.Namespace) -> int:
    try:
        cleared = accounts.unlock(args.name, args.client, by=args.by or _default_by(), url=args.db)
    except editors.EditorError as exc:
        return _fail(exc)
    print(terminal_safe(f"已解除 {cleared} 个客户端的登录等待 / lifted the sign-in wait of {cleared} client(s) "
                        f"at {args.name}"))
    return EXIT_OK


def _log(args: argparse.Namespace) -> int:
    entries = [{**e, "at": e["at"].isoformat(timespec="seconds")} for e in accounts.events(args.name, args.db)]
    if args.format == "json":
        print(json.dumps(entries, ensure_ascii=False, indent=2))
        return EXIT_OK
    lines = [f"{e['at']}  {e['by']}  {e['action']}  {e['account']}  {json.dumps(e['detail'], ensure_ascii=False)}"
             for e in entries] or ["（没有记录 / no entries）"]
    print("\n".join(terminal_safe(line) for line in lines))
    return EXIT_OK


def _import_editors(args: argparse.Namespace) -> int:
    try:
        moved = accounts.import_editors(accounts.legacy_editors(), by=args.by or _default_by(), url=args.db)
    except editors.EditorError as exc:
        return _fail(exc)
    print(terminal_safe(f"已移入 {len(moved)} 个编辑者（审核员）/ moved {len(moved)} editor(s) into the store as "
                        f"reviewers: {', '.join(moved) or '—'}"))
    if moved:
        print("现在可以从 .streamlit/secrets.toml 删除 [editors] 段 / you can now remove [editors] from "
              ".streamlit/secrets.toml", file=sys.stderr)
    return EXIT_OK


def upgrade_hint() -> str | None:
    """What `db upgrade` adds when secrets.toml still lists editors: how to move them into the store."""
    legacy = accounts.legacy_editors()
    if not legacy:
        return None
    return (f"提示 / hint: .streamlit/secrets.toml 的 [editors] 中有 {len(legacy)} 个编辑者，仍可作为审核员登录。"
            "运行 python -m lcity_data user import-editors 把他们移入数据库（密码不变），再删除 [editors] 段。 / "
            f"{len(legacy)} editor(s) under [editors] in .streamlit/secrets.toml still sign in as reviewers. Run "
            "python -m lcity_data user import-editors to move them into the store (passwords unchanged), then "
            "remove the [editors] section.")
