"""payment reports decided per order; purchases may opt out of referral-round discounts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 10:00:00

payment_allocations gets a status (pending / confirmed / rejected), decided_at and
reject_reason: one report may cover several orders, and the organizer confirms or rejects
each order's part. Existing parts take their report's status, so nothing already decided
looks pending again.

purchases gets accepts_round_discounts (default true): a referral round's discount comes off
what the organizer receives, so the organizer may refuse round codes on a purchase.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (not batch mode): SQLite would rebuild the table, and a rebuilt table
    # that other rows refer to fails its foreign keys.
    op.add_column(
        "payment_allocations",
        sa.Column("status", sa.String(length=20), server_default="pending", nullable=False),
    )
    op.add_column(
        "payment_allocations", sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("payment_allocations", sa.Column("reject_reason", sa.Text(), nullable=True))
    op.execute(
        "UPDATE payment_allocations SET status = (SELECT payment_reports.status "
        "FROM payment_reports WHERE payment_reports.id = payment_allocations.report_id), "
        "decided_at = (SELECT payment_reports.decided_at FROM payment_reports "
        "WHERE payment_reports.id = payment_allocations.report_id), "
        "reject_reason = (SELECT payment_reports.reject_reason FROM payment_reports "
        "WHERE payment_reports.id = payment_allocations.report_id)"
    )
    op.add_column(
        "purchases",
        sa.Column(
            "accepts_round_discounts", sa.Boolean(), server_default=sa.true(), nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("purchases", "accepts_round_discounts")
    for column in ("reject_reason", "decided_at", "status"):
        op.drop_column("payment_allocations", column)
