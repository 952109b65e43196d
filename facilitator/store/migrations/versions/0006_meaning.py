"""The meaning of each note, key insight and commitment: a sentence vector and its model;
the language the projector shows the harvest's themes in.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("contributions", "commitments")


def upgrade() -> None:
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("harvest_language", sa.String(length=8), nullable=True))
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("meaning", sa.LargeBinary(), nullable=True))
            batch.add_column(sa.Column("meaning_model", sa.String(length=64), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("meaning_model")
            batch.drop_column("meaning")
    with op.batch_alter_table("workshops") as batch:
        batch.drop_column("harvest_language")
