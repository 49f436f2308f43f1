"""Editor accounts: who may publish a release from the app.

Why this shape: accounts live in `.streamlit/secrets.toml` under `[editors]` as `NAME = "<hash>"`, so
a deployment needs no user table and no password ever sits in the store or in git. A hash is scrypt
(memory-hard, in the standard library) with a random salt, and carries its own parameters, so they can
be raised later without invalidating old lines. `python -m lcity_data editor add NAME` writes the line.

Checks are constant-time (`hmac.compare_digest`) and an unknown name costs the same scrypt work as a
known one, so timing tells an attacker nothing. Five failed attempts lock the name AND the session
for 15 minutes (`Lockout`, one per server process, thread-safe). Passwords are never logged or echoed.
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
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

SCHEME = "scrypt"
# N=2**15, r=8, p=1: 32 MiB and a fraction of a second per check; sign-ins are rare, guesses costly.
DEFAULT_N, DEFAULT_R, DEFAULT_P = 2**15, 8, 1
MAX_N = 2**20  # a hash line asking for more is refused rather than run (bounded work)
SALT_BYTES, KEY_BYTES = 16, 32
MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60
MAX_NAME_CHARS = 64
MAX_PASSWORD_CHARS = 1024
MAX_TRACKED = 10_000  # lockout entries kept per process (oldest expired ones go first)
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


_DUMMY_LOCK = threading.Lock()
_dummy: dict[tuple[int, int, int], str] = {}


def _dummy_hash(like: str | None) -> str:
    """A hash of a random password with the same parameters as a real account, for unknown names."""
    try:
        parsed = _parse(like) if like else None
    except EditorError:
        parsed = None
    params = (parsed.n, parsed.r, parsed.p) if parsed else (DEFAULT_N, DEFAULT_R, DEFAULT_P)
    with _DUMMY_LOCK:
        if params not in _dummy:
            _dummy[params] = hash_password(secrets.token_urlsafe(16), n=params[0], r=params[1], p=params[2])
        return _dummy[params]


def secrets_line(name: str, encoded: str) -> str:
    """The TOML line for `[editors]` in `.streamlit/secrets.toml` (the name quoted when it is not a bare key)."""
    name = check_name(name)
    key = name if _BARE_KEY.match(name) else json.dumps(name, ensure_ascii=False)
    return f"{key} = {json.dumps(encoded)}"


class Lockout:
    """Failed sign-ins per name and per session; MAX_FAILURES in a row lock that key for LOCK_SECONDS.

    One instance per server process (the app keeps it in `st.cache_resource`), so a name stays locked
    whichever session tries it next. `clock` is injectable for tests (seconds, monotonic).
    """

    def __init__(self, max_failures: int = MAX_FAILURES, lock_seconds: float = LOCK_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures, self.lock_seconds, self.clock = max_failures, lock_seconds, clock
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[int, float]] = {}  # key -> (failures, locked until)

    def _current(self, key: tuple[str, str], now: float) -> tuple[int, float]:
        failures, until = self._entries.get(key, (0, 0.0))
        if until and now >= until:  # the lock has run out: start afresh
            self._entries.pop(key, None)
            return 0, 0.0
        return failures, until

    def locked_for(self, name: str | None, session: str) -> float:
        """Seconds until the name (if given) and the session may try again (0 when neither is locked)."""
        now = self.clock()
        keys = [("session", session)] if name is None else [("name", name), ("session", session)]
        with self._lock:
            untils = [self._current(k, now)[1] for k in keys]
        return max([0.0, *(u - now for u in untils if u)])

    def failed(self, name: str, session: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (("name", name), ("session", session)):
                failures, until = self._current(key, now)
                failures += 1
                if failures >= self.max_failures and not until:
                    until = now + self.lock_seconds
                self._entries[key] = (failures, until)
            self._prune(now)

    def succeeded(self, name: str, session: str) -> None:
        with self._lock:
            self._entries.pop(("name", name), None)
            self._entries.pop(("session", session), None)

    def _prune(self, now: float) -> None:
        """Bound memory: drop expired locks, then the oldest entries beyond MAX_TRACKED."""
        if len(self._entries) <= MAX_TRACKED:
            return
        for key in [k for k, (_, until) in self._entries.items() if until and now >= until]:
            del self._entries[key]
        while len(self._entries) > MAX_TRACKED:
            del self._entries[next(iter(self._entries))]


@dataclass(frozen=True)
class SignIn:
    """The outcome of one attempt: `ok`, or why not (`locked` with the seconds left, or `wrong`)."""

    ok: bool
    name: str
    locked_seconds: float = 0.0

    @property
    def locked(self) -> bool:
        return self.locked_seconds > 0


def sign_in(name: str, password: str, accounts: Mapping[str, str], session: str, lockout: Lockout) -> SignIn:
    """Check one sign-in attempt against `accounts` (name -> hash), counting failures in `lockout`.

    A locked name or session is refused before any password work. An unknown name is checked against
    a dummy hash of the same cost, and counts as a failure like a wrong password.
    """
    name = name.strip()[:MAX_NAME_CHARS]
    wait = lockout.locked_for(name, session)
    if wait > 0:
        return SignIn(False, name, wait)
    stored = accounts.get(name) if name else None
    good = verify_password(password, stored if isinstance(stored, str) else _dummy_hash(
        next((v for v in accounts.values() if isinstance(v, str)), None)))
    if good and isinstance(stored, str):
        lockout.succeeded(name, session)
        return SignIn(True, name)
    lockout.failed(name, session)
    return SignIn(False, name, lockout.locked_for(name, session))


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
