"""size rows and what the supplier did not send (issue 21)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 11:00:00

`purchase_items.by_rows`, `row_pieces`: an item sold by size rows (domain/size_rows.py).
`size_row_decisions`: the organizer's choice for an unfilled row at the stop (buy it out or
drop it). `order_lines`: pieces dropped with their row, pieces the supplier did not send
(and why), a replacement and the buyer's answer (domain/shortfalls.py).
`organizers.credits_allowed` and `buyer_credits`: money owed back that a buyer keeps as a
credit with the organizer, as a ledger (+ kept, - used by a later order).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Booleans default to "0" (false on both engines): an expression default would make
# SQLite rebuild the table, which fails on tables other rows refer to.


def upgrade() -> None:
    with op.batch_alter_table("organizers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("credits_allowed", sa.Boolean(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("purchase_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("by_rows", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("row_pieces", sa.Integer(), nullable=True))
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dropped_qty", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("missing_qty", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("shortfall", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("replacement", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("replacement_qty", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("replacement_state", sa.String(length=16), nullable=True))
    op.create_table(
        "size_row_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["users.id"],
            name=op.f("fk_size_row_decisions_decided_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["purchase_items.id"],
            name=op.f("fk_size_row_decisions_item_id_purchase_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_size_row_decisions")),
        sa.UniqueConstraint(
            "item_id", "row_number", name=op.f("uq_size_row_decisions_item_id_row_number")
        ),
    )
    op.create_table(
        "buyer_credits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("amount_kop", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["users.id"], name=op.f("fk_buyer_credits_buyer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_buyer_credits_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["organizer_id"],
            ["organizers.id"],
            name=op.f("fk_buyer_credits_organizer_id_organizers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buyer_credits")),
    )
    with op.batch_alter_table("buyer_credits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_buyer_credits_buyer_id"), ["buyer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("buyer_credits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_buyer_credits_buyer_id"))
    op.drop_table("buyer_credits")
    op.drop_table("size_row_decisions")
    # Plain DROP COLUMN (no batch rebuild): other tables' rows refer to these.
    for column in (
        "replacement_state",
        "replacement_qty",
        "replacement",
        "shortfall",
        "missing_qty",
        "dropped_qty",
    ):
        op.drop_column("order_lines", column)
    op.drop_column("purchase_items", "row_pieces")
    op.drop_column("purchase_items", "by_rows")
    op.drop_column("organizers", "credits_allowed")
