"""Direct replies are never dropped: what the platform refuses for now goes to the outbox.

A reply is sent after the event's change is committed; when Telegram asks to wait longer
than the adapter may hold the chat (flood control), or keeps failing (5xx), and when VK keeps
refusing (error 6 "too many requests", 10 "internal"), the reply is handed to the outbox and
the outbox sender delivers it once the platform allows. The replies after it in the same
event follow it there, so the person reads them in order. Through the real adapters against
the fake Bot API and the fake VK server.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.adapters.telegram import adapter as telegram_adapter
from bot.app import App
from bot.core.events import Chat, EventKind, Incoming, Sender
from bot.core.replies import Button, Document, Reply
from domain.clock import FrozenClock
from storage.models import OutboxKind, OutboxStatus
from tests.support.outbox import fast_sender, messages
from tests.support.telegram import TelegramHarness, texts
from tests.support.vk import BORIS, GROUP_ID, VkWorld

ANNA = 501
GREETING = "Здравствуйте, Test!"


# --- Telegram ---------------------------------------------------------------------------------


async def test_telegram_flood_control_longer_than_the_chat_may_wait(
    tg: TelegramHarness, app: App, clock: FrozenClock
) -> None:
    tg.server.fail_next("sendMessage", 429, retry_after=60, chat_id=ANNA)
    assert await tg.say(ANNA, "/start") == []  # refused: not waited for in the chat's turn

    [queued] = await messages(app)
    assert (queued.platform, queued.chat_id, queued.kind) == ("telegram", str(ANNA), "answer")
    assert queued.status is OutboxStatus.PENDING and queued.body["text"].startswith(GREETING)
    assert queued.next_attempt_at == clock() + timedelta(seconds=60)
    assert queued.body["buttons"]  # the main menu travels with it

    sender = fast_sender(app, tg.adapter.transport)
    await sender.drain()  # Telegram's wait is not over: nothing is tried
    assert len(tg.server.calls("sendMessage")) == 1

    clock.advance(seconds=61)
    await sender.drain()
    [delivered] = tg.server.messages_to(ANNA)
    assert texts([delivered])[0].startswith(GREETING) and delivered["reply_markup"]
    [queued] = await messages(app)
    assert queued.status is OutboxStatus.SENT
    assert not tg.server.errors


async def test_telegram_server_errors_on_every_try(
    tg: TelegramHarness, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(telegram_adapter, "SEND_RETRY_PAUSE", 0.01)
    tg.server.fail_next("sendMessage", 500, times=telegram_adapter.SEND_ATTEMPTS)
    assert await tg.say(ANNA, "/start") == []
    assert len(tg.server.calls("sendMessage")) == telegram_adapter.SEND_ATTEMPTS

    [queued] = await messages(app)
    assert queued.status is OutboxStatus.PENDING and queued.kind is OutboxKind.ANSWER
    await fast_sender(app, tg.adapter.transport).drain()  # Telegram is back
    assert texts(tg.server.messages_to(ANNA))[0].startswith(GREETING)
    [queued] = await messages(app)
    assert queued.status is OutboxStatus.SENT


async def test_telegram_replies_after_a_queued_one_follow_it(
    tg: TelegramHarness, app: App, clock: FrozenClock
) -> None:
    [menu] = await tg.say(ANNA, "/start")
    pressed = Incoming(
        platform="telegram",
        update_id="900",
        sender=Sender(str(ANNA)),
        chat=Chat(str(ANNA)),
        kind=EventKind.BUTTON,
        message_id=str(menu["message_id"]),
    )
    tg.server.fail_next("sendMessage", 429, retry_after=60, chat_id=ANNA)
    await tg.adapter.deliver(
        pressed,
        [
            Reply("один", edit=True),  # edits the pressed message: goes out
            Reply("два"),  # flood control: to the outbox
            Reply("три", [[Button("OK", payload="cmd:help:")]]),  # behind it, not tried
            Reply("файл", document=Document("orders.csv", b"a;b\n")),  # no files are kept
        ],
    )
    assert [edit.get("text") for edit in tg.server.edits] == ["один"]
    assert len(tg.server.calls("sendMessage")) == 2  # /start's menu and the refused "два"
    assert tg.server.calls("sendDocument") == []
    queued = await messages(app)
    assert [m.body["text"] for m in queued] == ["два", "три"]

    clock.advance(seconds=61)
    await fast_sender(app, tg.adapter.transport).drain()
    assert texts(tg.server.messages_to(ANNA))[-2:] == ["два", "три"]
    assert all(m.status is OutboxStatus.SENT for m in await messages(app))


# --- VK ---------------------------------------------------------------------------------------


async def test_vk_too_many_requests_on_every_try(vk: VkWorld, clock: FrozenClock) -> None:
    vk.server.fail_next("messages.send", 6, times=vk.adapter.reply_attempts)
    assert await vk.say(BORIS, "/start") == []

    [queued] = await messages(vk.app)
    assert (queued.platform, queued.bot_key, queued.chat_id) == ("vk", str(GROUP_ID), str(BORIS))
    assert queued.next_attempt_at > clock()  # VK's wait is not over
    assert await vk.deliver() == []

    clock.advance(seconds=2)
    [delivered] = await vk.deliver()
    assert delivered.peer_id == BORIS and delivered.text.startswith("Здравствуйте, Борис Б!")
    [queued] = await messages(vk.app)
    assert queued.status is OutboxStatus.SENT


async def test_vk_internal_errors_and_the_replies_behind(vk: VkWorld) -> None:
    await vk.say(BORIS, "/start")
    [menu] = vk.server.sent_to(BORIS)
    pressed = Incoming(
        platform="vk",
        update_id="vk-900",
        bot_key=str(GROUP_ID),
        sender=Sender(str(BORIS)),
        chat=Chat(str(BORIS)),
        kind=EventKind.BUTTON,
        message_id=str(menu.conversation_message_id),
    )
    sends = len(vk.server.calls_of("messages.send"))
    vk.server.fail_next("messages.send", 10, times=vk.adapter.reply_attempts)
    client = vk.transport.client(str(GROUP_ID))
    await vk.adapter._deliver(
        client, pressed, [Reply("один", edit=True), Reply("два"), Reply("три")]
    )
    assert [edit.text for edit in vk.server.edits] == ["один"]
    # "два" tried reply_attempts times with the same random_id; "три" never tried.
    assert len(vk.server.calls_of("messages.send")) == sends + vk.adapter.reply_attempts
    assert [m.body["text"] for m in await messages(vk.app)] == ["два", "три"]

    delivered = await vk.deliver()
    assert [m.text for m in delivered] == ["два", "три"]
