"""The coaching tool live and across workshops: stable area keys, the workshop's card set,
cards drawn or dealt, self-scan answers, neighbourhood projects and their coaches.

Revision ID: 0012_coaching_live
Revises: 0011_workshop_titles
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_coaching_live"
down_revision = "0011_workshop_titles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coaching_areas") as batch:
        batch.add_column(sa.Column("key", sa.String(length=40), nullable=True))
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("municipality", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("languages", sa.String(length=40), nullable=False, server_default="nl"),
        sa.Column("coach_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coach_id"], ["users.id"], name=op.f("fk_projects_coach_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    op.create_index(op.f("ix_projects_coach_id"), "projects", ["coach_id"])
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("coaching_set_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_workshops_coaching_set_id_coaching_sets"),
            "coaching_sets",
            ["coaching_set_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_participants_project_id_projects"),
            "projects",
            ["project_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_participants_project_id"), ["project_id"])
    op.create_table(
        "workshop_projects",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_workshop_projects_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_workshop_projects_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workshop_id", "project_id", name=op.f("pk_workshop_projects")),
    )
    op.create_index(op.f("ix_workshop_projects_project_id"), "workshop_projects", ["project_id"])
    op.create_table(
        "coaching_draws",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("table_id", sa.Integer(), nullable=True),
        sa.Column("area_key", sa.String(length=40), nullable=False),
        sa.Column("area_title", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text", sa.JSON(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_coaching_draws_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["coaching_cards.id"],
            name=op.f("fk_coaching_draws_card_id_coaching_cards"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["cafe_tables.id"],
            name=op.f("fk_coaching_draws_table_id_cafe_tables"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_draws")),
    )
    op.create_index(op.f("ix_coaching_draws_workshop_id"), "coaching_draws", ["workshop_id"])
    op.create_table(
        "selfscan_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("area_key", sa.String(length=40), nullable=False),
        sa.Column("area_title", sa.JSON(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_selfscan_answers_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_selfscan_answers_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selfscan_answers")),
        sa.UniqueConstraint(
            "workshop_id",
            "participant_id",
            "area_key",
            name=op.f("uq_selfscan_answers_workshop_id_participant_id_area_key"),
        ),
    )


def downgrade() -> None:
    op.drop_table("selfscan_answers")
    op.drop_table("coaching_draws")
    op.drop_table("workshop_projects")
    with op.batch_alter_table("participants") as batch:
        batch.drop_index(op.f("ix_participants_project_id"))
        batch.drop_constraint(op.f("fk_participants_project_id_projects"), type_="foreignkey")
        batch.drop_column("project_id")
    with op.batch_alter_table("workshops") as batch:
        batch.drop_constraint(
            op.f("fk_workshops_coaching_set_id_coaching_sets"), type_="foreignkey"
        )
        batch.drop_column("coaching_set_id")
    op.drop_table("projects")
    with op.batch_alter_table("coaching_areas") as batch:
        batch.drop_column("key")
