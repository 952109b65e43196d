"""Participants can speak several languages (for language-aware seating).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("spoken", sa.String(40), nullable=False, server_default=""))
    op.execute("UPDATE participants SET spoken = language")


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("spoken")
