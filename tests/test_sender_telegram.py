"""TelegramTransport and the outbox sender against the fake Bot API server on 127.0.0.1:
formatting, error mapping, and delivery through 429s, 500s, time-outs, blocked users, a
sender killed mid-batch and two senders sharing one database."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.adapters.telegram.transport import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    TelegramTransport,
    split_text,
    utf16_len,
)
from bot.app import App
from bot.core.replies import Button, Document, Photo, Reply
from bot.core.transport import (
    DeliveryError,
    PermanentFailure,
    RecipientUnreachable,
    RetryAfter,
    TemporaryFailure,
)
from storage.models import OutboxKind, OutboxStatus
from tests.support.outbox import (
    drain_until_settled,
    fast_sender,
    messages,
    person,
    queue,
    received,
    telegram,
    transport_for,
    user_row,
    wait_settled,
)

# Retries and back-offs wait for real fractions of a second: the clock must run.
pytestmark = pytest.mark.usefixtures("running_clock")

# --- the transport alone ----------------------------------------------------------------------


def test_split_text_cuts_at_lines_and_counts_utf16() -> None:
    text = "\n".join(f"line {n} " + "x" * 90 for n in range(100))  # ~10 000 characters
    parts = split_text(text)
    assert len(parts) == 3
    assert all(utf16_len(p) <= TEXT_LIMIT for p in parts)
    assert "\n".join(parts) == text  # cut only at line breaks, nothing lost
    # Emoji are two UTF-16 units: 3 000 of them do not fit one message.
    emoji = "😀" * 3000
    pieces = split_text(emoji)
    assert len(pieces) == 2 and "".join(pieces) == emoji
    assert all(utf16_len(p) <= TEXT_LIMIT for p in pieces)
    # One endless line: cut at spaces.
    words = " ".join(["слово"] * 2000)
    assert all(not p.startswith(" ") for p in split_text(words))
    assert split_text("short") == ["short"]


async def test_text_buttons_long_texts_photos_and_documents() -> None:
    async with telegram() as (server, bot):
        transport = TelegramTransport(bot)
        buttons = [
            [Button("Заказать", payload="ord:1:show"), Button("Сайт", url="https://example.org")]
        ]
        message_id = await transport.send("501", Reply("<b>Привет</b> & пока", buttons))
        (record,) = server.messages_to(501)
        assert message_id == str(record["message_id"])
        # No parse mode: what people typed arrives exactly as typed, tags and all.
        assert record["plain_text"] == "<b>Привет</b> & пока" and record["parse_mode"] is None
        keyboard = record["reply_markup"]["inline_keyboard"]
        assert keyboard == [
            [
                {"text": "Заказать", "callback_data": "ord:1:show"},
                {"text": "Сайт", "url": "https://example.org"},
            ]
        ]

        long_text = "\n".join(f"строка {n}: " + "я" * 60 for n in range(80))
        await transport.send("502", Reply(long_text, buttons))
        parts = server.messages_to(502)
        assert len(parts) == 2
        assert parts[0]["reply_markup"] is None and parts[1]["reply_markup"] is not None
        assert "\n".join(r["plain_text"] for r in parts) == long_text

        # A photo by bytes with a short caption; a caption too long goes as a second message.
        await transport.send("503", Reply("фото", photo=Photo(content=b"\xff\xd8jpeg")))
        file_id = server.messages_to(503)[0]["photo"]["file_id"]
        await transport.send("503", Reply("а" * (CAPTION_LIMIT + 1), photo=Photo(file_id=file_id)))
        photos = server.messages_to(503)
        assert [r["method"] for r in photos] == ["sendPhoto", "sendPhoto", "sendMessage"]
        assert photos[1]["plain_text"] is None and len(photos[2]["plain_text"]) == 1025
        # A VK photo id means nothing to Telegram: the text still goes.
        await transport.send("504", Reply("текст", photo=Photo(file_id="photo-1_2", platform="vk")))
        assert [r["method"] for r in server.messages_to(504)] == ["sendMessage"]

        await transport.send("505", Reply("файл", document=Document("orders.csv", b"a;b\n")))
        (doc,) = server.messages_to(505)
        assert doc["method"] == "sendDocument" and doc["document"]["filename"] == "orders.csv"

        # Editing: the same text twice is not an error; a media reply cannot be an edit.
        first = server.messages_to(501)[0]["message_id"]
        await transport.edit("501", str(first), Reply("Новый текст"))
        await transport.edit("501", str(first), Reply("Новый текст"))
        assert server.message(501, first)["text"] == "Новый текст"
        with pytest.raises(PermanentFailure):
            await transport.edit("501", str(first), Reply("x", photo=Photo(file_id=file_id)))
        with pytest.raises(DeliveryError):
            await transport.edit("501", "999999", Reply("нет такого"))
        with pytest.raises(PermanentFailure):
            await transport.send("not-a-chat", Reply("x"))


@pytest.mark.parametrize(
    ("code", "description", "expected"),
    [
        (429, None, RetryAfter),
        (500, None, TemporaryFailure),
        (502, None, TemporaryFailure),
        (403, "Forbidden: bot was blocked by the user", RecipientUnreachable),
        (403, "Forbidden: user is deactivated", RecipientUnreachable),
        (400, "Bad Request: chat not found", RecipientUnreachable),
        (400, "Bad Request: can't parse entities", PermanentFailure),
        (401, "Unauthorized", TemporaryFailure),
    ],
)
async def test_errors_map_to_delivery_errors(
    code: int, description: str | None, expected: type[DeliveryError]
) -> None:
    async with telegram() as (server, bot):
        transport = TelegramTransport(bot)
        server.fail_next("sendMessage", code, description, retry_after=2 if code == 429 else None)
        with pytest.raises(expected) as caught:
            await transport.send("501", Reply("x"))
        if isinstance(caught.value, RetryAfter):
            assert caught.value.seconds == 2
        assert server.messages_to(501) == []


async def test_time_out_is_temporary_and_send_many_reports_per_chat() -> None:
    async with telegram() as (server, bot):
        transport = transport_for(bot, timeout=0.2)
        server.delay_next("sendMessage", 1.0)
        with pytest.raises(TemporaryFailure):
            await transport.send("501", Reply("x"))
        server.block_user(602)
        results = await transport.send_many(["601", "602", "603"], Reply("всем"))
        assert results["601"] is None and results["603"] is None
        assert isinstance(results["602"], RecipientUnreachable)
        # Flood control after the first chat: the rest get it as their result.
        server.fail_next("sendMessage", 429, retry_after=1, chat_id=605)
        results = await transport.send_many(["604", "605", "606"], Reply("ещё"))
        assert results["604"] is None
        assert isinstance(results["605"], RetryAfter) and isinstance(results["606"], RetryAfter)
        assert received(server, 606) == []


# --- the sender -------------------------------------------------------------------------------


async def test_every_message_ends_sent_failed_or_skipped(app: App) -> None:
    async with telegram() as (server, bot):
        users = [await person(app, 700 + n) for n in range(12)]
        muted = await person(app, 800, notifications_allowed=False)
        vk_denied = await person(app, 801, messages_allowed=False)
        ids = {u.id: await queue(app, u, f"привет {u.external_id}") for u in users}
        muted_notice = await queue(app, muted, "статус", OutboxKind.NOTIFICATION)
        muted_reminder = await queue(app, muted, "напоминание", OutboxKind.REMINDER)
        muted_answer = await queue(app, muted, "ваш заказ принят", OutboxKind.ANSWER)
        denied = await queue(app, vk_denied, "рассылка", OutboxKind.BROADCAST)

        blocked, flaky, broken, slow = users[0], users[1], users[2], users[3]
        server.block_user(blocked.external_id)
        server.fail_next("sendMessage", 500, times=2, chat_id=flaky.external_id)
        server.fail_next(
            "sendMessage", 400, "Bad Request: can't parse entities", chat_id=broken.external_id
        )
        server.delay_next("sendMessage", 2.0, chat_id=slow.external_id)  # the client times out
        server.fail_next("sendMessage", 429, retry_after=1, chat_id=users[4].external_id)

        sender = fast_sender(app, transport_for(bot))
        await drain_until_settled(sender, app)

        rows = {m.id: m for m in await messages(app)}
        assert not [m for m in rows.values() if m.status is OutboxStatus.PENDING]
        # Blocked: skipped as unreachable, and the person marked so.
        assert rows[ids[blocked.id]].status is OutboxStatus.SKIPPED
        assert rows[ids[blocked.id]].last_error.startswith("unreachable: ")
        marked = await user_row(app, blocked.id)
        assert marked.reachable is False and "blocked" in (marked.unreachable_reason or "")
        # A bad request fails at once, with Telegram's reason.
        assert rows[ids[broken.id]].status is OutboxStatus.FAILED
        assert "can't parse entities" in rows[ids[broken.id]].last_error
        assert rows[ids[broken.id]].attempts == 1
        # Two 500s, then delivered on the third attempt; the time-out retried too.
        assert rows[ids[flaky.id]].status is OutboxStatus.SENT and rows[ids[flaky.id]].attempts == 3
        assert rows[ids[slow.id]].status is OutboxStatus.SENT and rows[ids[slow.id]].attempts == 2
        # Flood control does not count as an attempt.
        assert rows[ids[users[4].id]].status is OutboxStatus.SENT
        assert rows[ids[users[4].id]].attempts == 1
        assert sender.stats["rate_limited"] == 1
        # Consent: notifications and reminders skipped, the answer delivered.
        assert rows[muted_notice].status is OutboxStatus.SKIPPED
        assert rows[muted_notice].last_error == "not allowed: notifications are off"
        assert rows[muted_reminder].status is OutboxStatus.SKIPPED
        assert rows[muted_answer].status is OutboxStatus.SENT
        assert rows[denied].status is OutboxStatus.SKIPPED
        assert "does not allow messages" in rows[denied].last_error
        assert received(server, 800) == ["ваш заказ принят"]
        assert received(server, 801) == []
        # Nobody got anything twice.
        for user in users:
            got = received(server, user.external_id)
            expected = [] if user in (blocked, broken) else [f"привет {user.external_id}"]
            assert got == expected, user.external_id

        # Unreachable now: later messages are skipped without asking Telegram, answers too.
        requests_before = len(server.calls("sendMessage"))
        later = await queue(app, blocked, "ещё статус")
        later_answer = await queue(app, blocked, "ответ", OutboxKind.ANSWER)
        await sender.drain()
        rows = {m.id: m for m in await messages(app)}
        assert rows[later].status is rows[later_answer].status is OutboxStatus.SKIPPED
        assert len(server.calls("sendMessage")) == requests_before


async def test_one_chat_in_order_and_giving_up_after_max_attempts(app: App) -> None:
    async with telegram() as (server, bot):
        anna = await person(app, 901)
        boris = await person(app, 902)
        for n in range(5):
            await queue(app, anna, f"anna {n}")
        first_boris = await queue(app, boris, "boris 0")
        await queue(app, boris, "boris 1")
        # Anna's first message meets two server errors; Boris's first never gets through.
        server.fail_next("sendMessage", 500, times=2, chat_id=901)
        server.fail_next("sendMessage", 502, times=3, chat_id=902)  # as many as attempts
        sender = fast_sender(app, transport_for(bot), max_attempts=3)

        async with asyncio.timeout(20):
            while True:
                await sender.drain()
                rows = await messages(app, recipient_id=boris.id)
                if rows[0].status is not OutboxStatus.PENDING:
                    break
                # Boris's second message waits while his first is being retried.
                assert rows[1].status is OutboxStatus.PENDING and rows[1].attempts == 0
                await asyncio.sleep(0.02)
        await drain_until_settled(sender, app)

        assert received(server, 901) == [f"anna {n}" for n in range(5)]
        rows = await messages(app, recipient_id=boris.id)
        assert rows[0].id == first_boris and rows[0].status is OutboxStatus.FAILED
        assert "gave up after 3 attempts" in rows[0].last_error
        assert len(server.calls("sendMessage")) >= 3 + 7  # Boris 3 tries, Anna 5 + 2 errors
        assert received(server, 902) == ["boris 1"]  # after the first finally failed


async def test_flood_control_pauses_the_whole_bot(app: App) -> None:
    async with telegram() as (server, bot):
        people = [await person(app, 1000 + n) for n in range(6)]
        for user in people:
            await queue(app, user, "hi")
        server.fail_next("sendMessage", 429, retry_after=1)
        sender = fast_sender(app, transport_for(bot), concurrency=1)
        task = asyncio.create_task(sender.run())
        try:
            await server.wait_for(lambda: server.calls("sendMessage"), what="the first call")
            # The first call got 429: while paused, nothing else is asked of Telegram.
            await asyncio.sleep(0.3)
            assert len(server.calls("sendMessage")) == 1
            await wait_settled(app)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        assert all(received(server, u.external_id) == ["hi"] for u in people)
        assert sender.stats["rate_limited"] == 1 and sender.stats["sent"] == 6


async def test_killed_mid_batch_restarted_sender_finishes_it(app: App) -> None:
    async with telegram() as (server, bot):
        people = [await person(app, 2000 + n) for n in range(40)]
        for user in people:
            await queue(app, user, f"msg {user.external_id}")
        # Every answer is late but the message is already sent: a killed sender cannot know.
        server.delay_next("sendMessage", 0.05, times=None, process_first=True)
        # Generous time-outs: under load a late answer would be a time-out, retried, and a
        # second copy that has nothing to do with the kill this test is about.
        patient = {"claim_ttl": 3.0, "send_timeout": 2.5}
        first = fast_sender(app, transport_for(bot, timeout=2.5), concurrency=4, **patient)
        task = asyncio.create_task(first.run())
        await server.wait_for(lambda: len(server.sent) >= 12, timeout=10, what="12 sent")
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        sent_before = len(server.sent)
        assert sent_before < 40

        rows = await messages(app)
        pending = [m for m in rows if m.status is OutboxStatus.PENDING]
        assert pending
        # Claimed but never started: given back untouched; at most the in-flight ones wait
        # for their claim to run out.
        in_flight = [m for m in pending if m.attempts > 0]
        assert len(in_flight) <= first.concurrency

        second = fast_sender(app, transport_for(bot, timeout=2.5), concurrency=4, **patient)
        task = asyncio.create_task(second.run())
        try:
            await wait_settled(app)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

        assert all(m.status is OutboxStatus.SENT for m in await messages(app))
        counts = Counter(record["chat_id"] for record in server.sent)
        assert set(counts) == {int(u.external_id) for u in people}
        twice = [chat for chat, n in counts.items() if n > 1]
        assert len(twice) <= len(in_flight)
        assert all(counts[chat] == 2 for chat in twice)


async def test_two_senders_share_the_lease(app: App) -> None:
    async with telegram() as (server, bot):
        people = [await person(app, 3000 + n) for n in range(30)]
        for user in people:
            await queue(app, user, "один раз")
        server.delay_next("sendMessage", 0.01, times=None)
        # Generous time-outs: under load a late answer would be a time-out, retried, and a
        # second copy that has nothing to do with the lease this test is about.
        patient = {"claim_ttl": 3.0, "send_timeout": 2.5}
        one = fast_sender(app, transport_for(bot, timeout=2.5), holder="process-1", **patient)
        two = fast_sender(app, transport_for(bot, timeout=2.5), holder="process-2", **patient)
        tasks = [asyncio.create_task(one.run()), asyncio.create_task(two.run())]
        try:
            await wait_settled(app)
            assert sorted([one.stats["sent"], two.stats["sent"]]) == [0, 30]
            leader, follower = (one, two) if one.stats["sent"] else (two, one)
            # The leader stops cleanly: the other takes over at once (the lease is released).
            stopped = tasks[0 if leader is one else 1]
            stopped.cancel()
            await asyncio.gather(stopped, return_exceptions=True)
            latecomer = await person(app, 3999)
            await queue(app, latecomer, "после смены")
            await wait_settled(app)
            assert follower.stats["sent"] == 1
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        counts = Counter(record["chat_id"] for record in server.sent)
        assert all(n == 1 for n in counts.values()) and len(counts) == 31
