"""Every store gets the current `data_values.adcode` width (40): 0001 was edited after release (12 -> 40),
so stores created before that edit still had 12 and refused pre-2016 unit ids such as `330203-pre2016`.

PostgreSQL widens the column in place (no table rewrite). SQLite cannot alter a column type, and its
`data_values` is referenced by `release_members`, so both are rebuilt in this transaction (foreign keys
stay on: the members are parked in a plain table while `data_values` is swapped). A store whose column
already has the current width is left as it is. Migrations are never edited once released: a later
change to the schema is a new migration.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ADCODE_LENGTH = 40
_VALUE_COLUMNS = ('id, release_id, adcode, year, indicator, value, unit, status, source, note, file, sheet, "row"')


def _adcode_length() -> int | None:
    column = next(c for c in sa.inspect(op.get_bind()).get_columns("data_values") if c["name"] == "adcode")
    return getattr(column["type"], "length", None)


def _data_values(name: str, length: int) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id"), nullable=False),
        sa.Column("adcode", sa.String(length), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("indicator", sa.String(80), nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("file", sa.Text, nullable=True),
        sa.Column("sheet", sa.Text, nullable=True),
        sa.Column("row", sa.Integer, nullable=True),
    )


def _release_members() -> None:
    op.create_table(
        "release_members",
        sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id"), primary_key=True),
        sa.Column("value_id", sa.Integer, sa.ForeignKey("data_values.id"), primary_key=True),
        sqlite_with_rowid=False,
    )


def _set_adcode_length(length: int, existing: int | None) -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("data_values", "adcode", type_=sa.String(length),
                        existing_type=sa.String(existing), existing_nullable=False)
        return
    op.execute("CREATE TABLE _members_0004 AS SELECT release_id, value_id FROM release_members")
    op.drop_table("release_members")
    _data_values("_data_values_0004", length)
    op.execute(f"INSERT INTO _data_values_0004 ({_VALUE_COLUMNS}) SELECT {_VALUE_COLUMNS} FROM data_values")
    op.drop_table("data_values")
    op.rename_table("_data_values_0004", "data_values")
    _release_members()
    op.execute("INSERT INTO release_members (release_id, value_id) SELECT release_id, value_id FROM _members_0004")
    op.drop_table("_members_0004")


def upgrade() -> None:
    existing = _adcode_length()
    if existing != ADCODE_LENGTH:
        _set_adcode_length(ADCODE_LENGTH, existing)


def downgrade() -> None:
    """Nothing to undo: 40 is also what 0001 creates now (narrowing would refuse pre-2016 ids)."""
