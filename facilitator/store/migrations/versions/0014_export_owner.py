"""Exports that belong to a coach rather than a workshop: a project's coaching sheet and
the programme's learnings.

Revision ID: 0014_export_owner
Revises: 0013_event_indexes
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_export_owner"
down_revision = "0013_event_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("export_jobs") as batch:
        batch.alter_column("workshop_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_export_jobs_owner_id_users"),
            "users",
            ["owner_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(op.f("ix_export_jobs_owner_id"), ["owner_id"])


def downgrade() -> None:
    op.execute("DELETE FROM export_jobs WHERE workshop_id IS NULL")
    with op.batch_alter_table("export_jobs") as batch:
        batch.drop_index(op.f("ix_export_jobs_owner_id"))
        batch.drop_constraint(op.f("fk_export_jobs_owner_id_users"), type_="foreignkey")
        batch.drop_column("owner_id")
        batch.alter_column("workshop_id", existing_type=sa.Integer(), nullable=False)
