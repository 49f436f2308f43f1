"""Accounts in the store (name, role, unit, scrypt hash, disabled), their audit log, and the sign-in throttle.

Why in the store: every app server of a deployment must see the same accounts and the same failed
sign-ins (the old in-memory lockout was per process and locked a name for everyone).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit", sa.String(40), nullable=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "account_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_account_events_account", "account_events", ["account"])
    op.create_table(
        "sign_in_failures",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("client", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure", sa.Float, nullable=False),
        sa.Column("blocked_until", sa.Float, nullable=False),
    )
    op.create_index("ix_sign_in_failures_blocked_until", "sign_in_failures", ["blocked_until"])


def downgrade() -> None:
    op.drop_table("sign_in_failures")
    op.drop_table("account_events")
    op.drop_table("accounts")
