"""Agenda phase start times, paused round timers, projector view settings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

import facilitator.store.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("phases") as batch:
        batch.add_column(
            sa.Column("started_at", facilitator.store.models.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("paused_remaining", sa.Integer(), nullable=True))
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(
            sa.Column("projector_view", sa.String(12), nullable=False, server_default="auto")
        )
        batch.add_column(
            sa.Column("show_names", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("workshops") as batch:
        batch.drop_column("show_names")
        batch.drop_column("projector_view")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("paused_remaining")
    with op.batch_alter_table("phases") as batch:
        batch.drop_column("started_at")
