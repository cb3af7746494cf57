"""editable purchases, deletable drafts, the archive (issue 20)

A purchase gets a pickup note (where and when the goods are handed out, editable while it
runs), `deleted_at` for deleted drafts (hidden, never removed: purchases are never deleted)
and `archived_at`, the moment it was closed or cancelled, which orders the archive. Purchases
already closed or cancelled are archived at their last status change.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE rather than a batch: SQLite adds and drops these columns in place,
    # and recreating `purchases` would trip the foreign keys of the rows referring to it.
    op.add_column(
        "purchases", sa.Column("pickup_note", sa.Text(), server_default="", nullable=False)
    )
    op.add_column("purchases", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("purchases", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_purchases_archived_at"), "purchases", ["archived_at"], unique=False)
    op.execute(
        """
        UPDATE purchases SET archived_at = COALESCE(
            (SELECT MAX(c.at) FROM purchase_status_changes c
             WHERE c.purchase_id = purchases.id),
            purchases.updated_at)
        WHERE status IN ('closed', 'cancelled')
        """
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_purchases_archived_at"), table_name="purchases")
    op.drop_column("purchases", "archived_at")
    op.drop_column("purchases", "deleted_at")
    op.drop_column("purchases", "pickup_note")
