"""Indexes for a phone's catch-up: its audiences' events after a seq, and seat changes.

Revision ID: 0013_event_indexes
Revises: 0012_coaching_live
Create Date: 2026-12-03
"""

from alembic import op

revision = "0013_event_indexes"
down_revision = "0012_coaching_live"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_events_workshop_id_audience_seq", "events", ["workshop_id", "audience", "seq"]
    )
    op.create_index("ix_events_workshop_id_name_seq", "events", ["workshop_id", "name", "seq"])


def downgrade() -> None:
    op.drop_index("ix_events_workshop_id_name_seq", table_name="events")
    op.drop_index("ix_events_workshop_id_audience_seq", table_name="events")
