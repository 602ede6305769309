"""The log of what each write changed.

Revision ID: 0003
Revises: 0001
Create Date: 2026-12-04 15:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_change",
        sa.Column("generation", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("change", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("generation"),
    )


def downgrade() -> None:
    op.drop_table("store_change")
