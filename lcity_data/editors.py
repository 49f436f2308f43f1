"""Password hashes, and the first kind of account: editors listed in `.streamlit/secrets.toml`.

Why this shape: a hash is scrypt (memory-hard, in the standard library) with a random salt, and
carries its own parameters, so they can be raised later without invalidating old lines; checks are
constant-time (`hmac.compare_digest`). Accounts in the store (lcity_data/accounts.py) use the same
hashes. Editors under `[editors]` as `NAME = "<hash>"` (written by `python -m lcity_data editor add
NAME`) keep signing in, as reviewers; accounts.py does the signing in and its throttling. Passwords
are never logged or echoed.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import json
import re
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass

SCHEME = "scrypt"
# N=2**15, r=8, p=1: 32 MiB and a fraction of a second per check; sign-ins are rare, guesses costly.
DEFAULT_N, DEFAULT_R, DEFAULT_P = 2**15, 8, 1
MAX_N = 2**20  # a hash line asking for more is refused rather than run (bounded work)
SALT_BYTES, KEY_BYTES = 16, 32
MAX_NAME_CHARS = 64
MAX_PASSWORD_CHARS = 1024
_NAME = re.compile(r"^[^\x00-\x1f\x7f\"\\=\[\]#]+$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class EditorError(ValueError):
    """A bad name, password or hash line: a bilingual message, never the password itself."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh, self.message_en = message_zh, message_en


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_BYTES,
                          maxmem=2 * 128 * r * n + 1024 * 1024)


def check_name(name: str) -> str:
    """The editor name, stripped; refused if empty, too long or holding characters TOML or a log would mangle."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS or not _NAME.match(name):
        raise EditorError(f"编辑者名称无效（1–{MAX_NAME_CHARS} 个字符，不含引号、反斜杠、=、[]、# 或控制字符）",
                          f"invalid editor name (1–{MAX_NAME_CHARS} characters, no quotes, backslash, =, [], # "
                          "or control characters)")
    return name


def hash_password(password: str, *, n: int = DEFAULT_N, r: int = DEFAULT_R, p: int = DEFAULT_P) -> str:
    """`scrypt$n=…,r=…,p=…$<salt>$<key>` (base64) for `password`, with a fresh random salt."""
    if not password or len(password) > MAX_PASSWORD_CHARS:
        raise EditorError(f"密码不能为空，且不超过 {MAX_PASSWORD_CHARS} 个字符",
                          f"the password must be 1–{MAX_PASSWORD_CHARS} characters")
    salt = secrets.token_bytes(SALT_BYTES)
    return f"{SCHEME}$n={n},r={r},p={p}${_b64(salt)}${_b64(_scrypt(password, salt, n, r, p))}"


@dataclass(frozen=True)
class _Parsed:
    n: int
    r: int
    p: int
    salt: bytes
    key: bytes


def _parse(encoded: str) -> _Parsed:
    try:
        scheme, params, salt, key = encoded.strip().split("$")
        values = dict(part.split("=", 1) for part in params.split(","))
        n, r, p = int(values["n"]), int(values["r"]), int(values["p"])
        parsed = _Parsed(n, r, p, base64.b64decode(salt, validate=True), base64.b64decode(key, validate=True))
    except (ValueError, KeyError) as exc:
        raise EditorError("编辑者密码哈希格式无效", "malformed editor password hash") from exc
    if scheme != SCHEME or not (2 <= n <= MAX_N and n & (n - 1) == 0) or not (1 <= r <= 32 and 1 <= p <= 4):
        raise EditorError("编辑者密码哈希参数无效", "editor password hash has invalid parameters")
    if not parsed.salt or len(parsed.key) != KEY_BYTES:
        raise EditorError("编辑者密码哈希格式无效", "malformed editor password hash")
    return parsed


def verify_password(password: str, encoded: str) -> bool:
    """Whether `password` matches `encoded` (constant-time comparison; a malformed hash never matches)."""
    try:
        parsed = _parse(encoded)
    except EditorError:
        return False
    candidate = _scrypt(password[:MAX_PASSWORD_CHARS], parsed.salt, parsed.n, parsed.r, parsed.p)
    return hmac.compare_digest(candidate, parsed.key)


def secrets_line(name: str, encoded: str) -> str:
    """The TOML line for `[editors]` in `.streamlit/secrets.toml` (the name quoted when it is not a bare key)."""
    name = check_name(name)
    key = name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)
    return f"{key} = {json.dumps(encoded)}"


def read_accounts(section: object) -> dict[str, str]:
    """`[editors]` from the secrets as a plain name -> hash dict (anything that is not a string is left out)."""
    if not isinstance(section, Mapping):
        return {}
    return {str(k): v for k, v in section.items() if isinstance(v, str) and v.startswith(SCHEME + "$")}


# ---------------------------------------------------------------------------------------------------
# command line: python -m lcity_data editor add NAME


def add_subparser(subparsers: argparse._SubParsersAction) -> None:
    """Register `editor add NAME` on the CLI (cli.py calls this; the handler lives here)."""
    editor = subparsers.add_parser("editor", help="编辑者账户 / editor accounts")
    actions = editor.add_subparsers(dest="editor_command", required=True, parser_class=type(editor))
    add = actions.add_parser("add", help="生成编辑者账户行 / print an editor line for secrets.toml")
    add.add_argument("name", metavar="NAME")
    add.set_defaults(handler=_cli_add)


def _cli_add(args: argparse.Namespace) -> int:
    """Ask for the password twice (never echoed) and print the secrets.toml line; 2 on bad input."""
    prompt = getpass.getpass
    try:
        name = check_name(args.name)
        first = prompt("密码 / password: ")
        if first != prompt("再输入一次 / repeat: "):
            raise EditorError("两次输入的密码不一致", "the passwords do not match")
        line = secrets_line(name, hash_password(first))
    except EditorError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    except (EOFError, KeyboardInterrupt):
        print("错误 / error: 未输入密码 / no password given", file=sys.stderr)
        return 2
    print("# 把下面一行粘贴到 .streamlit/secrets.toml 的 [editors] 段下 / "
          "paste the next line under [editors] in .streamlit/secrets.toml", file=sys.stderr)
    print(line)
    return 0
