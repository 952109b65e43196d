"""Notes written on paper and typed in for a table: where a note came from, its own
language, and no author (the facilitator or the table's host typed it for the table).

Revision ID: 0010_paper_notes
Revises: 0009_coaching
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_paper_notes"
down_revision = "0009_coaching"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contributions") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=8), nullable=False, server_default="phone")
        )
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=True))
        batch.alter_column("participant_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # Paper notes have no author; they cannot live in the older schema.
    op.execute("DELETE FROM contributions WHERE participant_id IS NULL")
    with op.batch_alter_table("contributions") as batch:
        batch.alter_column("participant_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("language")
        batch.drop_column("source")
