"""Every store ever released upgrades to exactly the current schema, and released migrations stay as released.

A store is built at each released schema revision by running the migrations up to it (for the first
release of 0001, whose `data_values.adcode` was 12 characters before commit efa242c edited it in place,
the column is narrowed back right after 0001, as that version created it); it is filled, upgraded with
`db upgrade`, and its schema (tables, column types with their lengths, nullability, keys) must equal a
fresh store's, on SQLite and PostgreSQL. It must then read as before and take a pre-2016 unit id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from lcity_data.store import StoreError, forget_stores, migrate, open_store, snapshot, upgrade_store
from lcity_data.store.engine import get_engine, writing
from lcity_data.validation import COLUMNS

RELEASED = {  # file name -> sha256 (LF line ends): a released migration is never edited, a change is a new one
    "0001_initial.py": "f5214776f404662bab33ce1bb630200e9e2a1729e7e55cea2d440145bd37e2c6",
    "0002_reverted_from.py": "b86ca1b8baf6636961452f5394e46ce5d830d6db35ad6058b4b34b67cbf970a0",
    "0003_release_snapshots.py": "bddd77f5e209ac67adaf02e49238f769b0e9523d6474c96ebaa4a6497621c2a4",
    "0004_adcode_width.py": "ede4ea694c43c1a71a7ff9ebae7bb02dfa26f0f14ecfbbd3ac24e81a150f03ae",
    "0005_accounts.py": "782bf0edb01aceda4adfe462258bd854d07f3f8ff51e81c5a75adfd9f0c0fe56",
    "0006_rounds.py": "c9b80f3258b457e14079ca608c845765bb63bb59038e25f09d2b8e63d6144e2e",
}
# (revision, adcode width): each schema a store can have been created with
STORES = [("0001", 12), ("0001", 40), ("0002", 12), ("0002", 40), ("0003", 12), ("0003", 40),
          ("0004", 40), ("0005", 40)]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()


def test_released_migrations_are_never_edited() -> None:
    files = {p.name: _sha256(p) for p in (migrate.MIGRATIONS / "versions").glob("*.py")}
    assert set(files) == set(RELEASED), "record the sha256 of every new migration in RELEASED"
    edited = [name for name, digest in RELEASED.items() if files[name] != digest]
    assert not edited, f"released migrations were edited: {edited}; write a new migration instead"


def _narrow_adcode(conn: sa.Connection) -> None:
    """`data_values.adcode` as the first release of 0001 created it: VARCHAR(12)."""
    recreate = "always" if conn.dialect.name == "sqlite" else "never"  # SQLite cannot alter a column's type
    with Operations.context(MigrationContext.configure(conn)) as op, \
            op.batch_alter_table("data_values", recreate=recreate) as batch:
        batch.alter_column("adcode", type_=sa.String(12), existing_type=sa.String(40), existing_nullable=False)


def _fill(conn: sa.Connection, revision: str) -> None:
    """Two releases of one value each, written as the code of `revision` wrote them."""
    now = datetime(2026, 1, 5, tzinfo=UTC)
    for n in (1, 2):
        conn.execute(sa.text(
            "INSERT INTO releases (id, created_at, published_by, note, files, report, value_count) "
            "VALUES (:id, :at, :by, '', '[]', '{}', 1)"), {"id": n, "at": now, "by": f"p{n}"})
    for n, value in ((1, 100.0), (2, 200.0)):
        conn.execute(sa.text(
            'INSERT INTO data_values (id, release_id, adcode, year, indicator, value, unit, status, source, note, '
            'file, sheet, "row") VALUES (:n, :n, \'330203\', 2023, \'funding_community_edu\', :v, \'yuan\', '
            "'reported', 'return', '', 'a.csv', NULL, 2)"), {"n": n, "v": value})
        conn.execute(sa.text("INSERT INTO release_members (release_id, value_id) VALUES (:n, :n)"), {"n": n})
    if revision >= "0003":
        for n, value in ((1, 100.0), (2, 200.0)):
            table = pd.DataFrame([{"value_id": n, "adcode": "330203", "year": 2023,
                                   "indicator": "funding_community_edu", "value": value, "unit": "yuan",
                                   "status": "reported", "source": "return", "note": "", "release": n,
                                   "file": "a.csv", "sheet": None, "row": 2}])
            conn.execute(sa.text("INSERT INTO release_snapshots (release_id, format, data) VALUES (:n, :f, :d)"),
                         {"n": n, "f": snapshot.FORMAT, "d": snapshot.encode(table)})


def _build(url: str, revision: str, width: int) -> None:
    with writing(get_engine(url)) as conn:
        migrate.upgrade(conn, "0001")
        if width != 40:
            _narrow_adcode(conn)
        migrate.upgrade(conn, revision)
        _fill(conn, revision)


def schema_of(url: str) -> dict:
    """Tables with their columns (type as the database declares it, length included), keys and indexes."""
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        out = {}
        for table in sorted(inspector.get_table_names()):
            out[table] = {
                "columns": [(c["name"], c["type"].compile(dialect=engine.dialect), c["nullable"])
                            for c in inspector.get_columns(table)],
                "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
                "foreign_keys": sorted((tuple(f["constrained_columns"]), f["referred_table"],
                                        tuple(f["referred_columns"])) for f in inspector.get_foreign_keys(table)),
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                  for i in inspector.get_indexes(table)),
            }
        return out
    finally:
        engine.dispose()


@pytest.fixture
def fresh_url(empty_store_url: str, tmp_path: Path) -> Iterator[str]:
    """A second new database next to `empty_store_url` (same backend), for a fresh store to compare with."""
    store_url = empty_store_url
    if store_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = sa.make_url(store_url).database + "_fresh"
    admin = sa.create_engine(store_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield sa.make_url(store_url).set(database=name).render_as_string(hide_password=False)
    forget_stores()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.mark.parametrize(("revision", "width"), STORES)
def test_every_released_schema_upgrades_to_the_current_one(empty_store_url: str, fresh_url: str, revision: str,
                                                           width: int) -> None:
    store_url = empty_store_url
    _build(store_url, revision, width)
    assert schema_of(store_url)["data_values"]["columns"][2][1] == f"VARCHAR({width})"
    with pytest.raises(StoreError, match="db upgrade"):
        open_store(store_url)
    assert upgrade_store(store_url)[1] == migrate.HEAD
    upgrade_store(fresh_url)
    assert schema_of(store_url) == schema_of(fresh_url)
    store = open_store(store_url)
    assert [i.published_by for i in store.releases()] == ["p1", "p2"]
    assert store.read(1)["value"].tolist() == [100.0]
    assert store.read()["value"].tolist() == [200.0]
    pre_2016 = store.read()[COLUMNS].assign(adcode="330203-pre2016", year=2012)
    assert store.publish(pre_2016, by="x").release == 3  # refused as "value too long" on PostgreSQL before 0004
    assert set(store.read()["adcode"]) == {"330203", "330203-pre2016"}
    assert store.read(2)["value"].tolist() == [200.0]
