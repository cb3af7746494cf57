"""minimum to buy out, non-payers, black list, next buy-out (issue 21)

A purchase's minimum may be in pieces (`min_pieces`, beside `min_total_kop`), and the moment
it was reached is kept (`minimum_reached_at`: the organizer is told once). A repeated
purchase names the one it repeats (`repeat_of_id`, a plain id: SQLite adds no foreign key to
an existing table in place). An order still owing at the payment deadline is marked
(`unpaid_marked_at`). Each organizer keeps their own black list (`blacklist_entries`).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE (see 0006): recreating `purchases` or `orders` would trip the
    # foreign keys of the rows referring to them.
    op.add_column("purchases", sa.Column("min_pieces", sa.Integer(), nullable=True))
    op.add_column(
        "purchases", sa.Column("minimum_reached_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("purchases", sa.Column("repeat_of_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_purchases_repeat_of_id"), "purchases", ["repeat_of_id"], unique=False)
    op.add_column(
        "orders", sa.Column("unpaid_marked_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "blacklist_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("order_number", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["users.id"], name=op.f("fk_blacklist_entries_buyer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organizer_id"],
            ["organizers.id"],
            name=op.f("fk_blacklist_entries_organizer_id_organizers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blacklist_entries")),
        sa.UniqueConstraint(
            "organizer_id", "buyer_id", name=op.f("uq_blacklist_entries_organizer_id_buyer_id")
        ),
    )
    op.create_index(
        op.f("ix_blacklist_entries_organizer_id"),
        "blacklist_entries",
        ["organizer_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_blacklist_entries_organizer_id"), table_name="blacklist_entries")
    op.drop_table("blacklist_entries")
    op.drop_column("orders", "unpaid_marked_at")
    op.drop_index(op.f("ix_purchases_repeat_of_id"), table_name="purchases")
    op.drop_column("purchases", "repeat_of_id")
    op.drop_column("purchases", "minimum_reached_at")
    op.drop_column("purchases", "min_pieces")
