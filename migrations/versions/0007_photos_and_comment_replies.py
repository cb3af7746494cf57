"""purchase photos; organizers' replies to comments (issue 20)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 10:00:00

A purchase gets several photos (`purchase_photos`, in order; the first stays the cover in
`purchases.photo_id`). A comment keeps the organizer's reply and when it was given: a comment
without one is in the organizer's list of unanswered comments.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "purchase_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purchase_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_id"], ["media.id"], name=op.f("fk_purchase_photos_media_id_media")
        ),
        sa.ForeignKeyConstraint(
            ["purchase_id"],
            ["purchases.id"],
            name=op.f("fk_purchase_photos_purchase_id_purchases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purchase_photos")),
    )
    with op.batch_alter_table("purchase_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purchase_photos_purchase_id"), ["purchase_id"], unique=False
        )
    # A cover set before this revision becomes the purchase's first photo.
    op.execute(
        "INSERT INTO purchase_photos (purchase_id, media_id, position, created_at) "
        "SELECT id, photo_id, 0, created_at FROM purchases WHERE photo_id IS NOT NULL"
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("replied_at")
        batch_op.drop_column("reply_text")
    with op.batch_alter_table("purchase_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_photos_purchase_id"))
    op.drop_table("purchase_photos")
