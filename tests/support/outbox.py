"""Shared pieces of the outbox tests: people and messages made directly in the database, a
sender tuned for fast tests, the fake Telegram server with a real aiogram Bot, and waiting
until every message is settled."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import func, select

from bot.adapters.telegram.transport import TelegramTransport
from bot.app import App
from bot.core.replies import Button, Reply
from bot.core.transport import DeliveryError, SendLimits, Transport
from bot.delivery.outbox import Sender
from bot.delivery.ratelimit import DeliveryLimits
from storage.models import OutboxKind, OutboxMessage, OutboxStatus, User
from storage.uow import UnitOfWork
from tests.fakes.telegram_server import FakeTelegramServer

TOKEN = "424242:outbox-tests-token"

# Small times so that retries, claims and back-offs take milliseconds, not minutes.
FAST: dict[str, Any] = {
    "batch_size": 50,
    "concurrency": 4,
    "poll_interval": 0.02,
    "lease_ttl": 5.0,
    "claim_ttl": 1.0,
    "send_timeout": 0.8,
    "backoff_base": 0.01,
    "backoff_max": 0.05,
    "report_interval": 0.0,
    "db_retry_delay": 0.05,
    "max_attempts": 3,
}


def fast_sender(app: App, transport: Transport, **options: Any) -> Sender:
    settings = {**FAST, **options}
    fast = SendLimits(per_bot=2000, per_private_chat=2000, per_group_per_minute=2000)
    settings.setdefault("limits", DeliveryLimits.of(fast))
    return Sender(transport, app.session_factory, app.texts, **settings)


@contextlib.asynccontextmanager
async def telegram(**server_options: Any) -> AsyncIterator[tuple[FakeTelegramServer, Bot]]:
    async with FakeTelegramServer(token=TOKEN, **server_options) as server:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(server.base_url)))
        try:
            yield server, bot
        finally:
            await bot.session.close()


def transport_for(bot: Bot, timeout: float = 0.3) -> TelegramTransport:
    return TelegramTransport(bot, timeout=timeout)


async def person(
    app: App,
    external_id: int | str,
    *,
    platform: str = "telegram",
    language: str = "ru",
    **flags: Any,
) -> User:
    async with app.session_factory() as session, session.begin():
        user = User(
            platform=platform,
            external_id=str(external_id),
            name=f"user{external_id}",
            language=language,
            **flags,
        )
        session.add(user)
    return user


async def queue(
    app: App,
    user: User,
    text: str,
    kind: OutboxKind = OutboxKind.NOTIFICATION,
    *,
    buttons: list[list[Button]] | None = None,
    broadcast_id: int | None = None,
) -> int:
    async with app.session_factory() as session, session.begin():
        message = await UnitOfWork(session).outbox.enqueue(
            user, Reply(text, buttons or []), kind, broadcast_id=broadcast_id
        )
        assert message is not None
        await session.flush()
        return message.id


async def messages(app: App, **where: Any) -> list[OutboxMessage]:
    async with app.session_factory() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            stmt = stmt.where(getattr(OutboxMessage, name) == value)
        return list(await session.scalars(stmt))


async def pending_count(app: App) -> int:
    async with app.session_factory() as session:
        stmt = select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)
        return await session.scalar(stmt) or 0


async def wait_settled(app: App, timeout: float = 20.0) -> None:
    """Until no message is pending (a guard against hanging, not a speed test)."""
    async with asyncio.timeout(timeout):
        while await pending_count(app):  # noqa: ASYNC110 (the database has no events)
            await asyncio.sleep(0.02)


async def drain_until_settled(sender: Sender, app: App, timeout: float = 20.0) -> None:
    """`drain()` repeatedly: back-offs and flood control make messages due again later."""
    async with asyncio.timeout(timeout):
        while True:
            await sender.drain()
            if not await pending_count(app):
                return
            await asyncio.sleep(0.02)


async def user_row(app: App, user_id: int) -> User:
    async with app.session_factory() as session:
        user = await session.get(User, user_id)
    assert user is not None
    return user


def received(server: FakeTelegramServer, chat_id: int | str) -> list[str]:
    return [record.get("plain_text") or "" for record in server.messages_to(chat_id)]


class FakeTransport:
    """A VK-style transport in memory: one text to up to `batch` chats in one call."""

    def __init__(self, platform: str = "vk", batch: int = 100) -> None:
        self.platform = platform
        self.limits = SendLimits(recipients_per_call=batch)
        self.calls: list[tuple[str, list[str], str, str | None]] = []
        self.errors: dict[str, DeliveryError] = {}
        self.fail_calls: list[DeliveryError] = []

    def got(self, chat_id: str) -> list[str]:
        return [text for _, chats, text, _ in self.calls if chat_id in chats]

    async def send(
        self, chat_id: str, reply: Reply, *, bot_key: str = "", message_key: str | None = None
    ) -> str | None:
        if self.fail_calls:
            raise self.fail_calls.pop(0)
        if chat_id in self.errors:
            raise self.errors[chat_id]
        self.calls.append(("send", [chat_id], reply.text, message_key))
        return "1"

    async def send_many(
        self,
        chat_ids: list[str],
        reply: Reply,
        *,
        bot_key: str = "",
        message_key: str | None = None,
    ) -> dict[str, DeliveryError | None]:
        if self.fail_calls:
            raise self.fail_calls.pop(0)
        delivered = [c for c in chat_ids if c not in self.errors]
        self.calls.append(("send_many", delivered, reply.text, message_key))
        return {chat: self.errors.get(chat) for chat in chat_ids}
