"""buyer-organizer chat, claims, moderation (issue 19)

Users get chat strikes and a suspension time; orders the money of claims decided with a
refund or compensation (`compensation_kop`, read by domain/balance.py `order_money`);
conversations the waiting time of the buyer and a claim's line, problem, wish, decider and
acceptance; moderation violations where they happened and the false-block mark.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CONVERSATION_COLUMNS = (
    ("waiting_since", sa.DateTime(timezone=True)),
    ("last_message_at", sa.DateTime(timezone=True)),
    ("claim_line_id", sa.Integer()),
    ("claim_problem", sa.String(length=16)),
    ("claim_wish", sa.String(length=32)),
    ("claim_decided_by", sa.String(length=16)),
    ("claim_accepted_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    # Plain ALTER TABLE (as 0006): SQLite adds these columns in place, and recreating the
    # tables would trip the foreign keys of the rows referring to them.
    op.add_column(
        "users", sa.Column("chat_strikes", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column(
        "users", sa.Column("chat_suspended_until", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "orders",
        sa.Column("compensation_kop", sa.BigInteger(), server_default="0", nullable=False),
    )
    for name, type_ in _CONVERSATION_COLUMNS:
        op.add_column("conversations", sa.Column(name, type_, nullable=True))
    op.add_column(
        "moderation_violations",
        sa.Column("source", sa.String(length=16), server_default="chat", nullable=False),
    )
    op.add_column(
        "moderation_violations",
        sa.Column("false_block", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("moderation_violations", "false_block")
    op.drop_column("moderation_violations", "source")
    for name, _ in reversed(_CONVERSATION_COLUMNS):
        op.drop_column("conversations", name)
    op.drop_column("orders", "compensation_kop")
    op.drop_column("users", "chat_suspended_until")
    op.drop_column("users", "chat_strikes")
