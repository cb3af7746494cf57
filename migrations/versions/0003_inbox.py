"""the inbox of polled updates, refused updates and poll cursors

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 09:10:00

`inbox`: updates read by long polling and not yet handled, so the platform can be told to
forget them at once. `refused_updates`: updates a platform sent that could not be read, kept
with the reason instead of being retried forever. `poll_cursors`: how far each long-poll
source is handled, so a restart or another process asks from there. `outbox.claimed_by`:
whose claim holds a message, so a sender taking the lease over gives a dead holder's claims
back at once. `processed_updates.replies`: an update's replies, kept with its claim, so a
polled update committed just before a crash is still answered after the restart.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("bot_key", sa.String(length=64), nullable=False),
        sa.Column("update_id", sa.String(length=64), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_inbox")),
    )
    with op.batch_alter_table("inbox", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_source", ["platform", "bot_key", "seq"], unique=False)
    op.create_table(
        "refused_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("bot_key", sa.String(length=64), nullable=False),
        sa.Column("update_id", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refused_updates")),
    )
    op.create_table(
        "poll_cursors",
        sa.Column("source", sa.String(length=128), nullable=False),
        sa.Column("position", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_poll_cursors")),
    )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=128), nullable=True))
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replies", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.drop_column("replies")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
    op.drop_table("poll_cursors")
    op.drop_table("inbox")
    op.drop_table("refused_updates")
