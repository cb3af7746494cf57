"""Inserting a row a unique constraint may refuse, without aborting the caller's transaction."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession


async def add_unless_refused(session: AsyncSession, row: object) -> bool:
    """Insert `row` in a savepoint; False when a unique constraint refused it (a twin
    written meanwhile), the transaction going on as before."""
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True
