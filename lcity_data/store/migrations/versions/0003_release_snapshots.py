"""Each release's full table as one compressed Arrow blob (reading 15k rows through SQL was ~10x a CSV read).

Backfills a snapshot for every existing release from its membership list, in the same transaction.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import pandas as pd
import sqlalchemy as sa
from alembic import op

from lcity_data.store.snapshot import FORMAT, encode

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_MEMBERS = sa.text(
    "SELECT v.id AS value_id, v.adcode, v.year, v.indicator, v.value, v.unit, v.status, v.source, v.note, "
    'v.release_id AS "release", v.file, v.sheet, v."row" FROM release_members m '
    "JOIN data_values v ON v.id = m.value_id WHERE m.release_id = :n ORDER BY v.id")


def upgrade() -> None:
    snapshots = op.create_table(
        "release_snapshots",
        sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id"), primary_key=True, autoincrement=False),
        sa.Column("format", sa.String(40), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    conn = op.get_bind()
    for (n,) in conn.execute(sa.text("SELECT id FROM releases ORDER BY id")).all():
        result = conn.execute(_MEMBERS, {"n": n})
        df = pd.DataFrame([tuple(r) for r in result], columns=list(result.keys()))
        df["row"] = df["row"].astype("Int64")
        op.bulk_insert(snapshots, [{"release_id": n, "format": FORMAT, "data": encode(df)}])


def downgrade() -> None:
    op.drop_table("release_snapshots")
