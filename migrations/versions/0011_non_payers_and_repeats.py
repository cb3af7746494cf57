"""minimum to buy out, non-payers, black list, next buy-out (issue 21)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 11:00:00

Reserved: filled by the change that needs it (an empty revision is removed when merged).
"""

from collections.abc import Sequence

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
