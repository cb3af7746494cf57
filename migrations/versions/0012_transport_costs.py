"""transport costs and supplier exports (issue 21)

A purchase keeps its transport cost ("ТР") as entered after arrival, how it was split and
when; each order keeps its share (already part of its due); items get an optional weight in
grams for a split by weight.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE: SQLite adds these columns in place (see 0006).
    op.add_column("purchases", sa.Column("transport_kop", sa.BigInteger(), nullable=True))
    op.add_column("purchases", sa.Column("transport_basis", sa.String(length=16), nullable=True))
    op.add_column(
        "purchases", sa.Column("transport_set_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("purchase_items", sa.Column("weight_g", sa.Integer(), nullable=True))
    op.add_column(
        "orders",
        sa.Column("transport_kop", sa.BigInteger(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("orders", "transport_kop")
    op.drop_column("purchase_items", "weight_g")
    op.drop_column("purchases", "transport_set_at")
    op.drop_column("purchases", "transport_basis")
    op.drop_column("purchases", "transport_kop")
