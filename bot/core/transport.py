"""What a platform adapter must offer to deliver messages, and how delivery can fail.

The outbox sender (bot/delivery/outbox.py) is platform-neutral: it asks a `Transport` to send
and maps these exceptions to its rules (wait, retry with back-off, mark the user unreachable,
give up). Adapters translate their library's errors (aiogram's TelegramRetryAfter, vk_api's ApiError
codes) into them, so the sender never sees aiogram or vk_api.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.core.replies import Reply


def _no_groups(chat_id: str) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class SendLimits:
    """A platform's published limits on sending, declared by its transport; the outbox
    sender keeps to them (bot/delivery/ratelimit.py). None: no such limit."""

    # Messages (API calls) per second over all chats of one bot identity: the Telegram bot,
    # one VK community token.
    per_bot: float | None = None
    # Messages per second to one person.
    per_private_chat: float | None = None
    # Messages per minute to one group or channel (`is_group` tells them apart).
    per_group_per_minute: float | None = None
    is_group: Callable[[str], bool] = _no_groups
    # Chats one call may send one text to (VK's messages.send takes 100 peer ids).
    recipients_per_call: int = 1


class DeliveryError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryAfter(DeliveryError):
    """The platform asked us to slow down (HTTP 429, VK error 6 or 9)."""

    def __init__(self, seconds: float, reason: str = "too many requests") -> None:
        super().__init__(reason)
        self.seconds = seconds


class RecipientUnreachable(DeliveryError):
    """Blocked by the user, deactivated account, chat not found, messages not allowed: retrying
    cannot help, and the user is marked unreachable."""


class MessagesNotAllowed(RecipientUnreachable):
    """The person has not allowed the community to write to them (VK error 901). Not a block:
    they may allow it any time, and a reply to their own message still goes. The sender
    records it as "not allowed" and stops notifications, reminders and broadcasts."""


class TemporaryFailure(DeliveryError):
    """Server error, time-out, network trouble: worth retrying with back-off."""


class PermanentFailure(DeliveryError):
    """The request itself is wrong (bad markup, too long): retrying cannot help."""


class Transport(Protocol):
    platform: str
    limits: SendLimits

    async def send(
        self, chat_id: str, reply: Reply, *, bot_key: str = "", message_key: str | None = None
    ) -> str | None:
        """Deliver one message; returns the platform's message id when it has one.

        `message_key` names the logical message (the same on every retry): a platform that
        deduplicates by a key of its own (VK's random_id) uses it so that a retry after a
        time-out cannot deliver twice; others ignore it.
        """
        ...

    async def send_many(
        self,
        chat_ids: list[str],
        reply: Reply,
        *,
        bot_key: str = "",
        message_key: str | None = None,
    ) -> dict[str, DeliveryError | None]:
        """Deliver one text to several chats, at most `limits.recipients_per_call` of them.

        Returns, per chat id, None for success or the error for that chat. A `RetryAfter`
        or `TemporaryFailure` raised instead applies to the whole call.
        """
        ...


async def send_one_by_one(
    send: Callable[[str], Awaitable[object]], chat_ids: list[str]
) -> dict[str, DeliveryError | None]:
    """`Transport.send_many` for a platform without a multi-recipient send (Telegram, MAX):
    one `send(chat_id)` per chat, in order. Flood control or an outage before anything went
    out is raised for the whole call; after that, the chats not yet served get that error as
    their result."""
    results: dict[str, DeliveryError | None] = {}
    for position, chat_id in enumerate(chat_ids):
        try:
            await send(chat_id)
        except (RetryAfter, TemporaryFailure) as exc:
            if not results:
                raise
            for rest in chat_ids[position:]:
                results[rest] = exc
            break
        except DeliveryError as exc:
            results[chat_id] = exc
        else:
            results[chat_id] = None
    return results
