"""a comment's source is "bot" or the platform of the post it was written under

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 08:00:00

Was "vk_wall" and "telegram_discussion": a name per platform in an enum of its own, which
every new platform had to extend. The column stays a VARCHAR(20).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED = {"vk_wall": "vk", "telegram_discussion": "telegram"}


def upgrade() -> None:
    for old, new in RENAMED.items():
        op.execute(f"UPDATE comments SET source = '{new}' WHERE source = '{old}'")


def downgrade() -> None:
    for old, new in RENAMED.items():
        op.execute(f"UPDATE comments SET source = '{old}' WHERE source = '{new}'")
