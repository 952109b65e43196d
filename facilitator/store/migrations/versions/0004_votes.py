"""Upvotes on notes: one per participant and note.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

import facilitator.store.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", facilitator.store.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contributions.id"],
            name=op.f("fk_votes_contribution_id_contributions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_votes_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_votes")),
        sa.UniqueConstraint(
            "contribution_id",
            "participant_id",
            name=op.f("uq_votes_contribution_id_participant_id"),
        ),
    )
    op.create_index(op.f("ix_votes_contribution_id"), "votes", ["contribution_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_votes_contribution_id"), table_name="votes")
    op.drop_table("votes")
