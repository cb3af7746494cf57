"""What a platform adapter must offer to deliver messages, and how delivery can fail.

The outbox sender (bot/delivery/outbox.py) is platform-neutral: it asks a `Transport` to send
and maps these exceptions to its rules (wait, retry with back-off, mark the user unreachable,
give up). Adapters translate their library's errors (aiogram's TelegramRetryAfter, vk_api's ApiError
codes) into them, so the sender never sees aiogram or vk_api.
"""

from __future__ import annotations

from typing import Protocol

from bot.core.replies import Reply


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

    async def send(self, chat_id: str, reply: Reply, *, bot_key: str = "") -> str | None:
        """Deliver one message; returns the platform's message id when it has one."""
        ...

    async def send_many(
        self, chat_ids: list[str], reply: Reply, *, bot_key: str = ""
    ) -> dict[str, DeliveryError | None]:
        """Deliver one text to several chats (VK sends up to 100 per call).

        Returns, per chat id, None for success or the error for that chat. A `RetryAfter`
        or `TemporaryFailure` raised instead applies to the whole call.
        """
        ...
