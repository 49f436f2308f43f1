"""The release store: read the current or any past release, plan, publish and revert.

Every publish and revert is one write transaction that appends a release (ids 1, 2, 3 …), its new
values, its full membership list and its snapshot (the same table as one blob, for fast reads);
nothing is updated or deleted, so every release stays readable exactly as it was published, and a
killed publish leaves the store as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, literal, select

from lcity_data.catalog import load_catalog
from lcity_data.store import migrate, snapshot, store_file
from lcity_data.store.engine import dispose_all, get_engine, reading, sqlite_engine, translated, writing
from lcity_data.store.errors import PublishInputError, ReleaseNotFoundError, StoreError, mask_url
from lcity_data.store.merge import FIELDS, KEY, PROVENANCE, Merge, PublishPlan, merge
from lcity_data.store.schema import data_values, release_members, release_snapshots, releases
from lcity_data.store.seed import seed_release
from lcity_data.store.url import resolve_url
from lcity_data.validation import COLUMNS, validate_table

READ_COLUMNS = [*COLUMNS, "release", *PROVENANCE]


@dataclass(frozen=True)
class ReleaseInfo:
    """One release as the history shows it."""

    release: int
    created_at: datetime  # UTC, tz-aware
    published_by: str
    note: str
    files: list[dict]  # {name, sha256, size, sheet}
    values: int  # value rows in this release's full table
    report: dict = field(default_factory=dict)
    reverted_from: int | None = None


@dataclass(frozen=True)
class PublishResult:
    release: int | None  # None for a dry run
    plan: PublishPlan


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _info(row) -> ReleaseInfo:
    return ReleaseInfo(release=row.id, created_at=_utc(row.created_at), published_by=row.published_by,
                       note=row.note, files=list(row.files or []), values=row.value_count,
                       report=dict(row.report or {}), reverted_from=row.reverted_from)


def _snapshot(conn: Connection, release: int) -> pd.DataFrame:
    """Release `release`'s table (SNAPSHOT_COLUMNS); an empty table for release 0 (no release yet)."""
    if release == 0:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _EMPTY_DTYPES.items()})
    data = conn.execute(select(release_snapshots.c.data).where(release_snapshots.c.release_id == release)).scalar()
    if data is None:
        raise StoreError(str(conn.engine.url), f"release {release} has no stored table",
                         "The store is damaged: restore it from an export into a new store.")
    return snapshot.decode(data)


_EMPTY_DTYPES = {"value_id": "int64", "adcode": "str", "year": "int64", "indicator": "str", "value": "float64",
                 "unit": "str", "status": "str", "source": "str", "note": "str", "release": "int64", "file": "str",
                 "sheet": "str", "row": "Int64"}


def _clean(value: object) -> object:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _incoming(table: pd.DataFrame) -> pd.DataFrame:
    """The caller's table checked and in canonical form; NaN values are "no data reported"."""
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise PublishInputError(f"the table lacks the columns {', '.join(missing)}")
    df = table.copy()
    for col in PROVENANCE:
        if col not in df.columns:
            df[col] = None
    df["note"] = df["note"].fillna("")
    df["value"] = pd.to_numeric(df["value"], errors="coerce").where(df["value"].notna())
    blank = df["value"].isna()
    check = df[COLUMNS].copy()
    check.loc[blank, "value"] = 0.0
    from pandera.errors import SchemaError, SchemaErrors  # here, not at the top: reading pages never load pandera

    try:
        valid = validate_table(check)
    except (SchemaErrors, SchemaError) as exc:
        first = str(exc).strip().splitlines()[:6]
        raise PublishInputError("the table does not pass the data checks: " + " ".join(first)) from None
    if valid["indicator"].isin(load_catalog().derived_ids()).any():
        raise PublishInputError("derived indicators (e.g. per-capita funding) are computed, never published")
    out = valid[COLUMNS].copy()
    out.loc[blank, "value"] = float("nan")
    out["file"] = df["file"].map(_clean)
    out["sheet"] = df["sheet"].map(lambda s: None if _clean(s) is None else str(s))
    out["row"] = pd.to_numeric(df["row"], errors="coerce").astype("Int64")
    return out.reset_index(drop=True)


def _value_records(frame: pd.DataFrame, first_id: int, release: int) -> list[dict]:
    cols = ["adcode", "year", "indicator", "value", "unit", "status", "source", "note", "file", "sheet", "row"]
    records = []
    for offset, values in enumerate(frame[cols].itertuples(index=False, name=None)):
        rec = {c: _clean(v) for c, v in zip(cols, values, strict=True)}
        rec["year"] = int(rec["year"])
        rec["row"] = None if rec["row"] is None else int(rec["row"])
        rec["value"] = None if rec["value"] is None else float(rec["value"])
        rec.update(id=first_id + offset, release_id=release)
        records.append(rec)
    return records


class Store:
    """One store (a database URL). Methods open short transactions; instances are cheap and thread-safe."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self._engine = engine
        self._path = store_file.sqlite_path(url)
        self._identity = store_file.identity(self._path) if self._path else None
        self._file_lock = threading.Lock()

    def _check_file(self) -> None:
        """SQLite: the file this store opened is still the one at its path (one stat per call).

        Deleted: refused until a file is back (never the old data from open connections, never a new
        store). Replaced (restored, or made by `db upgrade`): the new file is opened, if it is a store.
        """
        if self._path is None or store_file.identity(self._path) == self._identity:
            return
        with self._file_lock:
            now = store_file.identity(self._path)
            if now is None:
                raise StoreError(self.url, DELETED, RESTORE)
            if now != self._identity:
                self._engine.dispose()
                with translated(self.url):
                    _ready(self.url, self._engine)
                self._identity = now

    # -- reading ------------------------------------------------------------------------------------

    def releases(self) -> list[ReleaseInfo]:
        """Every release, oldest first."""
        self._check_file()
        with translated(self.url), reading(self._engine) as conn:
            return [_info(r) for r in conn.execute(select(releases).order_by(releases.c.id))]

    def release_ids(self) -> list[int]:
        """Every release id, oldest first (one column: cheaper than `releases()`, which carries the reports)."""
        with translated(self.url), reading(self._engine) as conn:
            return list(conn.execute(select(releases.c.id).order_by(releases.c.id)).scalars())

    def release(self, n: int) -> ReleaseInfo:
        """Release `n` (StoreError when there is none)."""
        self._check_file()
        with translated(self.url), reading(self._engine) as conn:
            row = conn.execute(select(releases).where(releases.c.id == n)).first()
            if row is None:
                latest = conn.execute(select(func.max(releases.c.id))).scalar() or 0
                raise ReleaseNotFoundError(self.url, f"there is no release {n}",
                                           f"Releases are numbered 1 to {latest}; "
                                           "list them with `python -m lcity_data releases`.")
            return _info(row)

    def latest_release(self) -> ReleaseInfo:
        self._check_file()
        with translated(self.url), reading(self._engine) as conn:
            row = conn.execute(select(releases).order_by(releases.c.id.desc()).limit(1)).first()
        if row is None:
            raise StoreError(self.url, "the store has no release", "Publish one with `python -m lcity_data publish`.")
        return _info(row)

    def read(self, release: int | None = None) -> pd.DataFrame:
        """The long table as of `release` (default: latest), with each value's provenance."""
        self._check_file()
        if release is not None:
            self.release(release)
        with translated(self.url), reading(self._engine) as conn:
            n = _latest(conn) if release is None else release
            df = _snapshot(conn, n)
        return df[READ_COLUMNS].sort_values(["indicator", "adcode", "year"], ignore_index=True)

    # -- writing ------------------------------------------------------------------------------------

    def plan(self, table: pd.DataFrame, *, replace: bool = False) -> PublishPlan:
        """What publishing `table` would change now (writes nothing)."""
        self._check_file()
        incoming = _incoming(table)
        with translated(self.url), reading(self._engine) as conn:
            return merge(self._current(conn), incoming, replace=replace).plan

    def publish(self, table: pd.DataFrame, *, by: str, note: str = "", files: list[dict] | tuple = (),
                report: dict | None = None, replace: bool = False, dry_run: bool = False,
                then: Callable[[Connection, int], None] | None = None) -> PublishResult:
        """Append a release: `table` merged onto the latest one (or, with `replace`, as the whole dataset).

        `then(conn, release)` runs in the same transaction, so what a caller records about the release
        (a collection round's history) is written with it or not at all."""
        if dry_run:
            return PublishResult(None, self.plan(table, replace=replace))
        self._check_file()
        by = _publisher(by)
        incoming = _incoming(table)
        _check_lengths(note, [f.get("name") for f in files] + incoming["file"].dropna().unique().tolist())
        with translated(self.url), writing(self._engine) as conn:
            result = _append(conn, incoming, by=by, note=note, files=list(files), report=report or {},
                             replace=replace)
            if then is not None:
                then(conn, result.release)
            return result

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction on the store, for the other records it keeps (collection rounds)."""
        self._check_file()
        with translated(self.url), reading(self._engine) as conn:
            yield conn

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """The store's one write transaction (exclusive among writers, all or nothing), for the same."""
        self._check_file()
        with translated(self.url), writing(self._engine) as conn:
            yield conn

    def revert(self, n: int, *, by: str, note: str = "") -> PublishResult:
        """Append a release whose values are exactly release `n`'s (nothing is deleted)."""
        self._check_file()
        by = _publisher(by)
        _check_lengths(note, [])
        self.release(n)
        with translated(self.url), writing(self._engine) as conn:
            target = _snapshot(conn, n)
            plan = merge(self._current(conn), target[[*KEY, *FIELDS, *PROVENANCE]], replace=True).plan
            new_id = _next_release(conn)
            _insert_release(conn, new_id, by=by, note=note, files=[], report={"revert_of": n},
                            value_count=len(target), reverted_from=n)
            _insert_members(conn, new_id, target["value_id"].astype(int).tolist())
            conn.execute(insert(release_snapshots).from_select(
                ["release_id", "format", "data"],
                select(literal(new_id), release_snapshots.c.format, release_snapshots.c.data)
                .where(release_snapshots.c.release_id == n)))
        return PublishResult(new_id, plan)

    @staticmethod
    def _current(conn: Connection) -> pd.DataFrame:
        return _snapshot(conn, _latest(conn))


MAX_BY = 200  # releases.published_by is VARCHAR(200)
MAX_NOTE = 2000
MAX_FILE_NAME = 255  # a file name on common file systems
"""Text limits of a release, checked before the write, so both back-ends refuse the same input the same way
(PostgreSQL would refuse an over-long name mid-write, SQLite would store anything)."""


def _too_long(what_zh: str, what_en: str, text: str, limit: int) -> PublishInputError:
    return PublishInputError(f"{what_zh}超过 {limit} 个字符（{len(text)} 个）/ {what_en} is longer than {limit} "
                             f"characters ({len(text)}); nothing was published")


def _publisher(by: str) -> str:
    by = (by or "").strip()
    if not by:
        raise PublishInputError("a release needs the name of who publishes it (--by NAME)")
    if len(by) > MAX_BY:
        raise _too_long("发布人名称（--by）", "the publisher's name (--by)", by, MAX_BY)
    return by


def check_text(by: str, note: str = "") -> str:
    """`--by` and `--note` within the limits every back-end keeps (the same on SQLite and PostgreSQL), checked
    before anything else is asked of the store; the publisher's name, stripped."""
    by = _publisher(by)
    _check_lengths(note, [])
    return by


def _check_lengths(note: str, file_names: list) -> None:
    if len(note or "") > MAX_NOTE:
        raise _too_long("版本说明（--note）", "the release note (--note)", note, MAX_NOTE)
    for name in file_names:
        if isinstance(name, str) and len(name) > MAX_FILE_NAME:
            raise _too_long("文件名", f"the file name {name[:40]}…", name, MAX_FILE_NAME)


def _latest(conn: Connection) -> int:
    """The latest release id (0: none yet)."""
    return conn.execute(select(func.max(releases.c.id))).scalar() or 0


def _next_release(conn: Connection) -> int:
    return _latest(conn) + 1


def _insert_release(conn: Connection, n: int, *, by: str, note: str, files: list[dict], report: dict,
                    value_count: int, reverted_from: int | None = None) -> None:
    conn.execute(insert(releases).values(
        id=n, created_at=datetime.now(UTC), published_by=by, note=note or "", files=files, report=report,
        value_count=value_count, reverted_from=reverted_from))


def _insert_members(conn: Connection, n: int, value_ids: list[int]) -> None:
    if value_ids:
        conn.execute(insert(release_members), [{"release_id": n, "value_id": v} for v in value_ids])


def _append(conn: Connection, incoming: pd.DataFrame, *, by: str, note: str, files: list[dict], report: dict,
            replace: bool) -> PublishResult:
    """The body of a publish, inside the caller's write transaction."""
    current = Store._current(conn)
    m: Merge = merge(current, incoming, replace=replace)
    n = _next_release(conn)
    first_id = (conn.execute(select(func.max(data_values.c.id))).scalar() or 0) + 1
    new = _value_records(m.new_rows, first_id, n)
    hidden = _value_records(m.hidden, first_id + len(new), n)
    member_ids = m.kept_ids + [r["id"] for r in new]
    _insert_release(conn, n, by=by, note=note, files=files, report=report, value_count=len(member_ids))
    if new or hidden:
        conn.execute(insert(data_values), new + hidden)
    _insert_members(conn, n, sorted(member_ids))
    table = pd.concat([current[current["value_id"].isin(m.kept_ids)],
                       m.new_rows.assign(value_id=[r["id"] for r in new], release=n)], ignore_index=True)
    conn.execute(insert(release_snapshots).values(release_id=n, format=snapshot.FORMAT,
                                                  data=snapshot.encode(table.sort_values("value_id"))))
    return PublishResult(n, m.plan)


# -- opening ----------------------------------------------------------------------------------------

_stores: dict[str, Store] = {}
_ready_lock = threading.Lock()


def open_store(url: str | None = None) -> Store:
    """The store at `url` (resolved by precedence); a missing SQLite file becomes a new store (the
    sample as release 1). Any other database must already hold a store (`db upgrade` makes one)."""
    url = resolve_url(url)
    with _ready_lock:
        if url in _stores:
            return _stores[url]
        engine = get_engine(url)
        with translated(url):
            _create_if_missing(url, engine)
            _ready(url, engine)
        _stores[url] = Store(url, engine)
        return _stores[url]


def forget_stores() -> None:
    """Drop cached stores and close their connections (tests; a store whose file was moved away)."""
    with _ready_lock:
        _stores.clear()
        dispose_all()


def _create_if_missing(url: str, engine: Engine) -> bool:
    """A SQLite store whose file does not exist is made whole in a new file (see store_file.py)."""
    path = store_file.sqlite_path(url)
    if path is None or store_file.identity(path) is not None:
        return False
    store_file.create(url, path, sqlite_engine, initialise)
    engine.dispose()  # no pooled connection to an older file at this path
    return True


def _ready(url: str, engine: Engine) -> None:
    """Check that `url` holds a store of this code's schema with a release; never create or seed one."""
    head = migrate.HEAD
    with reading(engine) as conn:
        rev = migrate.current_revision(conn)
        seeded = rev == head and conn.execute(select(func.count()).select_from(releases)).scalar() > 0
    if seeded:
        return
    if rev is None:
        raise StoreError(url, EMPTY, RESTORE)
    if rev != head:
        if rev in migrate.known_revisions():
            raise StoreError(url, f"the store's schema is at revision {rev}, this version needs {head}",
                             "Upgrade it with `python -m lcity_data db upgrade` (add --db URL for another store).")
        raise StoreError(url, f"the store's schema revision {rev} is newer than this version of the app knows",
                         "Update the app to the version that wrote this store.")
    raise StoreError(url, NO_RELEASE, RESTORE)


def initialise(engine: Engine) -> None:
    """Migrate to the current schema and seed the shipped sample as release 1 when there is no release yet."""
    with writing(engine) as conn:
        migrate.upgrade(conn)
        if conn.execute(select(func.count()).select_from(releases)).scalar() == 0:
            table, files, report = seed_release()
            _append(conn, _incoming(table), by=SEED_PUBLISHER, note=SEED_NOTE, files=files, report=report,
                    replace=True)


def upgrade_store(url: str | None = None) -> tuple[str, str]:
    """`db upgrade`: migrate the store to this code's schema, or start a new store (the sample as release 1)
    in an empty database or file, on purpose; (masked URL, revision)."""
    url = resolve_url(url)
    engine = get_engine(url)
    with translated(url):
        if not _create_if_missing(url, engine):
            initialise(engine)
    with _ready_lock:
        _stores.pop(url, None)
    return mask_url(url), migrate.head_revision()


SEED_PUBLISHER = "内置示例数据 / shipped sample"
SEED_NOTE = "示例数据，非官方统计 / illustrative sample shipped with the app, not official statistics"

EMPTY = ("数据库是空的：文件或数据库中没有本应用的数据表（磁盘写满或复制出错都可能造成），未用示例数据代替 / "
         "the store is empty: the file or database holds no store tables (a full disk or a bad copy can do this); "
         "it was not replaced with the sample")
NO_RELEASE = ("数据库中没有任何数据版本（数据行已被删除）/ "
              "the store's tables hold no release (their rows were deleted)")
DELETED = ("数据库文件在应用运行时被删除，旧数据不再显示 / the store file was deleted while the app was running, "
           "so its old data is no longer shown")
RESTORE = ("从备份恢复：先运行 python -m lcity_data db upgrade --db URL 新建数据库，再运行 python -m lcity_data "
           "publish BACKUP.csv --replace --by NAME（BACKUP.csv 为 export 命令的输出）；"
           "有意新建数据库：只运行 db upgrade "
           "/ To restore from a backup: start a new store with `python -m lcity_data db upgrade --db URL`, then "
           "`python -m lcity_data publish BACKUP.csv --replace --by NAME` (BACKUP.csv written by `export`). To start "
           "a new store on purpose, run `db upgrade` alone")
