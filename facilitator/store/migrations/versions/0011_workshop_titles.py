"""The workshop's title in each of its languages (the `title` column stays its default).

Revision ID: 0011_workshop_titles
Revises: 0010_paper_notes
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_workshop_titles"
down_revision = "0010_paper_notes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("titles", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workshops") as batch:
        batch.drop_column("titles")
