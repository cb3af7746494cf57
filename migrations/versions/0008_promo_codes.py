"""promo codes for bloggers and affiliates (issue 18)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 11:00:00

Affiliates apply (`affiliates`: their audience, the admin's decision); a buyer who opens an
affiliate's link is attributed to them for that code (`affiliate_attributions`, the last link
wins); links count their visits. Organizers ask for approval by creating a shared code and
keep a refusal's reason; shared codes keep when they were decided, why not, and when they
were cancelled.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "affiliates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_affiliates_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_affiliates")),
        sa.UniqueConstraint("user_id", name=op.f("uq_affiliates_user_id")),
    )
    op.create_table(
        "affiliate_attributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("promo_code_id", sa.Integer(), nullable=False),
        sa.Column("affiliate_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["affiliate_id"],
            ["users.id"],
            name=op.f("fk_affiliate_attributions_affiliate_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["users.id"], name=op.f("fk_affiliate_attributions_buyer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["promo_code_id"],
            ["promo_codes.id"],
            name=op.f("fk_affiliate_attributions_promo_code_id_promo_codes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_affiliate_attributions")),
        sa.UniqueConstraint(
            "buyer_id",
            "promo_code_id",
            name=op.f("uq_affiliate_attributions_buyer_id_promo_code_id"),
        ),
    )
    # Plain ADD COLUMN (SQLite has it): a batch copy of organizers or promo_codes would trip
    # the foreign keys of the rows that refer to them.
    op.add_column(
        "affiliate_links", sa.Column("visits", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column(
        "organizers",
        sa.Column("approval_requested_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column("organizers", sa.Column("approval_refusal", sa.Text(), nullable=True))
    op.add_column("promo_codes", sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("promo_codes", sa.Column("refusal_reason", sa.Text(), nullable=True))
    op.add_column(
        "promo_codes", sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("promo_codes", "cancelled_at")
    op.drop_column("promo_codes", "refusal_reason")
    op.drop_column("promo_codes", "decided_at")
    op.drop_column("organizers", "approval_refusal")
    op.drop_column("organizers", "approval_requested_at")
    op.drop_column("affiliate_links", "visits")
    op.drop_table("affiliate_attributions")
    op.drop_table("affiliates")
