"""Sending a handled event's replies at once, the outbox behind them (Telegram and MAX).

The event's state is committed before its replies go, so a reply the platform does not take
now goes to the outbox (`leave_to_outbox`) rather than being lost. VK and OK send through
their own `_send` (a client per community, VK's `random_id`): not this.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.events import EventKind, Incoming
from bot.core.replies import Reply
from bot.core.transport import (
    DeliveryError,
    RecipientUnreachable,
    RetryAfter,
    TemporaryFailure,
    Transport,
)
from bot.delivery.outbox import leave_to_outbox

log = logging.getLogger(__name__)


class EditingTransport(Transport, Protocol):
    """A transport that can also replace a message's text and buttons."""

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> str: ...


async def deliver_now(
    transport: EditingTransport,
    session_factory: async_sessionmaker[AsyncSession],
    event: Incoming,
    replies: Iterable[Reply],
    *,
    platform: str,
    attempts: int,
    max_retry_wait: float,
    retry_pause: float,
) -> None:
    """Send the replies of a handled event in order: the first `edit` reply edits the
    pressed button's message (else a new one goes); a blocked person stops the rest."""
    chat_id = event.chat.external_id
    editable = event.kind is EventKind.BUTTON and event.message_id is not None
    # Once a reply waits in the outbox, the event's later replies wait behind it there:
    # sent directly they would overtake it.
    queued = False
    for index, reply in enumerate(replies):
        if queued:
            await leave_to_outbox(session_factory, event, index, reply)
            continue
        if reply.edit and editable and reply.photo is None and reply.document is None:
            editable = False  # one message to edit: later replies are new messages
            if await _edit(transport, chat_id, event.message_id or "", reply, platform):
                continue
        error = await send_with_retries(
            transport,
            chat_id,
            reply,
            platform=platform,
            attempts=attempts,
            max_retry_wait=max_retry_wait,
            retry_pause=retry_pause,
        )
        if isinstance(error, RecipientUnreachable):
            break
        if error is not None:
            queued = True
            await leave_to_outbox(session_factory, event, index, reply, error)


async def _edit(
    transport: EditingTransport, chat_id: str, message_id: str, reply: Reply, platform: str
) -> bool:
    try:
        await transport.edit(chat_id, message_id, reply)
    except DeliveryError as exc:
        # A photo message has no text to edit, the message may be too old...: send anew.
        log.info("%s edit of %s/%s failed (%s): sending anew", platform, chat_id, message_id, exc)
        return False
    return True


async def send_with_retries(
    transport: Transport,
    chat_id: str,
    reply: Reply,
    *,
    platform: str,
    attempts: int,
    max_retry_wait: float,
    retry_pause: float,
) -> DeliveryError | None:
    """Send one reply, waiting out short rate limits and retrying brief outages.

    None when it went out, or when the platform refused it for good (logged: trying again
    cannot help). Else the error: `RecipientUnreachable`, or `RetryAfter` /
    `TemporaryFailure` when the reply must wait for a later try (a wait longer than
    `max_retry_wait` would hold the chat up: the outbox takes it, due when the wait is over).
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            await transport.send(chat_id, reply)
            return None
        except RetryAfter as exc:
            if exc.seconds > max_retry_wait or attempt >= attempts:
                return exc
            await asyncio.sleep(exc.seconds)
        except TemporaryFailure as exc:
            if attempt >= attempts:
                return exc
            # Seconds before the next try after a 5xx or a time-out, times the try's number.
            await asyncio.sleep(attempt * retry_pause)
        except RecipientUnreachable as exc:
            log.info("%s chat %s unreachable: %s", platform, chat_id, exc)
            return exc
        except DeliveryError as exc:
            log.error("reply to %s refused by %s: %s", chat_id, platform, exc)
            return None
