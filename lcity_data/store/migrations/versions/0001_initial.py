"""Initial schema: releases, write-once values with provenance, release membership.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("report", sa.JSON, nullable=False),
        sa.Column("value_count", sa.Integer, nullable=False),
    )
    op.create_table(
        "data_values",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id"), nullable=False),
        sa.Column("adcode", sa.String(40), nullable=False),
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
    op.create_table(
        "release_members",
        sa.Column("release_id", sa.Integer, sa.ForeignKey("releases.id"), primary_key=True),
        sa.Column("value_id", sa.Integer, sa.ForeignKey("data_values.id"), primary_key=True),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("release_members")
    op.drop_table("data_values")
    op.drop_table("releases")
