"""The coaching tool: an organiser's sets of areas of reflection and action and their cards.

Revision ID: 0009_coaching
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_coaching"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coaching_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_coaching_sets_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_sets")),
    )
    op.create_index(op.f("ix_coaching_sets_owner_id"), "coaching_sets", ["owner_id"])
    op.create_table(
        "coaching_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["coaching_sets.id"],
            name=op.f("fk_coaching_areas_set_id_coaching_sets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_areas")),
    )
    op.create_index(op.f("ix_coaching_areas_set_id"), "coaching_areas", ["set_id"])
    op.create_table(
        "coaching_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["coaching_areas.id"],
            name=op.f("fk_coaching_cards_area_id_coaching_areas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_cards")),
    )
    op.create_index(op.f("ix_coaching_cards_area_id"), "coaching_cards", ["area_id"])


def downgrade() -> None:
    op.drop_table("coaching_cards")
    op.drop_table("coaching_areas")
    op.drop_table("coaching_sets")
