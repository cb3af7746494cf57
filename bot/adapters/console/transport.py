"""The console's `bot.core.transport.Transport`: delivering a message means printing it.

The console adapter gives it a printer that shows a message to a simulated person as
"📨 to <user>: <text>" (and remembers its buttons for `#N`), so queued notifications reach
the console through the same outbox sender as on the real platforms.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.adapters.console import PLATFORM
from bot.core.replies import Reply
from bot.core.transport import DeliveryError, SendLimits

Printer = Callable[[str, Reply], None]


class ConsoleTransport:
    platform = PLATFORM
    limits = SendLimits()  # a terminal takes whatever comes

    def __init__(self, printer: Printer) -> None:
        self.printer = printer
        self.sent = 0

    async def send(
        self, chat_id: str, reply: Reply, *, bot_key: str = "", message_key: str | None = None
    ) -> str | None:
        self.printer(chat_id, reply)
        self.sent += 1
        return str(self.sent)

    async def send_many(
        self,
        chat_ids: list[str],
        reply: Reply,
        *,
        bot_key: str = "",
        message_key: str | None = None,
    ) -> dict[str, DeliveryError | None]:
        results: dict[str, DeliveryError | None] = {}
        for chat_id in chat_ids:
            await self.send(chat_id, reply, bot_key=bot_key)
            results[chat_id] = None
        return results
