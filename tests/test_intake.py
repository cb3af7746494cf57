"""Receiving updates without losing one (bot/core/intake.py, the Telegram and VK pollers):
the inbox, refused updates, answers a crash left unsent, bad getUpdates answers, leases."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.adapters.vk.adapter import resume_from
from bot.app import App
from bot.core.intake import Inbox
from bot.core.replies import Reply
from domain import clock
from storage.models import InboxUpdate, Lease, ProcessedUpdate, RefusedUpdate
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.vk_server import FakeVkServer
from tests.support.drivers import wait_until
from tests.support.queries import count
from tests.support.telegram import TOKEN, TelegramHarness
from tests.support.texts import ru
from tests.support.vk import ANNA as VK_ANNA
from tests.support.vk import BORIS as VK_BORIS
from tests.support.vk import GROUP_ID as VK_GROUP
from tests.support.vk import TOKEN as VK_TOKEN
from tests.support.vk import vk_world

ANNA = 501


def greeting(record: dict) -> bool:
    return record["plain_text"].startswith(ru("start-welcome", name="Anna").split(",")[0])


async def test_a_poison_update_is_recorded_and_passed(tg: TelegramHarness, app: App) -> None:
    poison = tg.server.user_message(ANNA, "/start")
    poison["message"]["message_id"] = "not a number"  # aiogram cannot read it
    after = tg.server.user_message(ANNA, "/help")
    sent = await tg.push(after)
    assert sent and sent[0]["plain_text"].startswith(ru("help-title"))
    async with app.session_factory() as session:
        [refused] = (await session.scalars(select(RefusedUpdate))).all()
    assert refused.platform == "telegram" and refused.update_id == str(poison["update_id"])
    assert "message_id" in refused.reason and json.loads(refused.raw) == poison
    # Confirmed to Telegram like a handled one: it is never asked for again.
    await wait_until(lambda: not tg.server.pending_updates)


async def test_bad_get_updates_answers_never_stop_polling(tg: TelegramHarness) -> None:
    tg.server.answer_next("getUpdates", {"ok": True})  # no result: aiogram's polling ended
    tg.server.answer_next("getUpdates", "<html>502 Bad Gateway</html>")
    tg.server.answer_next("getUpdates", {"ok": True, "result": {"update_id": 1}})
    tg.server.fail_next("getUpdates", 500)
    tg.server.fail_next("getUpdates", 429, retry_after=1)
    sent = await tg.say(ANNA, "/help")
    assert sent and sent[0]["plain_text"].startswith(ru("help-title"))
    assert tg.adapter.polling is not None and tg.adapter.polling.polling.is_set()


async def test_a_batch_is_confirmed_only_once_the_inbox_has_it(
    tg: TelegramHarness, app: App
) -> None:
    # The database refuses the batch (here: the inbox table is gone for a moment): Telegram is
    # not told to forget it, and it is handled once the database takes it.
    await wait_until(lambda: len(tg.server.calls("getUpdates")) >= 1)  # polling has begun
    async with app.engine.begin() as conn:
        await conn.exec_driver_sql("ALTER TABLE inbox RENAME TO inbox_away")
    update = tg.server.user_message(ANNA, "/help")
    await wait_until(lambda: len(tg.server.calls("getUpdates")) >= 3)
    assert [u["update_id"] for u in tg.server.pending_updates] == [update["update_id"]]
    async with app.engine.begin() as conn:
        await conn.exec_driver_sql("ALTER TABLE inbox_away RENAME TO inbox")
    sent = await tg.push(update)
    assert sent and sent[0]["plain_text"].startswith(ru("help-title"))


async def test_a_restart_handles_what_a_crash_left_in_the_inbox(app: App) -> None:
    """A process died after its batch was kept and confirmed: one update was never handled,
    another committed but its replies never went out. The next process handles the first
    and sends the kept replies of the second, without handling it again."""
    async with FakeTelegramServer(token=TOKEN) as server:
        await _restart_after_crash(app, server)


async def _restart_after_crash(app: App, tg_server: FakeTelegramServer) -> None:
    unhandled = tg_server.user_message(ANNA, "/help")
    committed = tg_server.user_message(ANNA + 1, "/organizer Осень")
    tg_server.forget_updates()  # confirmed by the process that died
    inbox = Inbox(app.session_factory, "telegram", "")
    await inbox.keep([(str(u["update_id"]), u) for u in (unhandled, committed)])
    kept = Reply("Готово: вы организатор «Осень»")
    async with app.session_factory() as session, session.begin():
        session.add(
            ProcessedUpdate(
                platform="telegram",
                bot_key="",
                update_id=str(committed["update_id"]),
                processed_at=clock.now(),
                replies=[kept.to_json()],
            )
        )
    harness = TelegramHarness(app, tg_server)
    await harness.start()
    try:
        await harness.adapter.wait_handled(unhandled["update_id"])
        await tg_server.wait_for(lambda: len(tg_server.messages_to(ANNA + 1)) == 1)
    finally:
        await harness.stop()
    assert tg_server.messages_to(ANNA)[0]["plain_text"].startswith(ru("help-title"))
    assert [m["plain_text"] for m in tg_server.messages_to(ANNA + 1)] == [kept.text]
    assert committed["update_id"] not in harness.adapter.handled  # answered, not re-run
    # The next batch prunes what was handled; a clean stop leaves no lease behind.
    assert await count(app, Lease) == 0


async def test_replies_are_kept_with_the_claim(tg: TelegramHarness, app: App) -> None:
    update = tg.server.user_message(ANNA, "/help")
    await tg.push(update)
    async with app.session_factory() as session:
        key = ("telegram", "", str(update["update_id"]))
        claim = await session.get(ProcessedUpdate, key)
    assert claim is not None and claim.replies is not None
    assert Reply.from_json(claim.replies[0]).text.startswith(ru("help-title"))


async def test_the_inbox_is_pruned_as_updates_are_handled(tg: TelegramHarness, app: App) -> None:
    for n in range(5):
        await tg.say(ANNA + n, "/help")
    # Each batch prunes the rows handled before it: at most the last batch stays.
    async with app.session_factory() as session:
        rows = (await session.scalars(select(InboxUpdate))).all()
    assert len(rows) <= 1


async def test_vk_a_restart_handles_the_inbox_and_asks_from_the_kept_ts(app: App) -> None:
    """VK forgets nothing, but a fresh long-poll server starts after what it has already
    delivered: a batch handed to a process that died is found only in the inbox, and the
    next process asks VK from the ts kept with it."""
    template = FakeVkServer(group_id=VK_GROUP, token=VK_TOKEN)  # only to shape the events
    unhandled = template.message_new(VK_ANNA, "/help")
    committed = template.message_new(VK_BORIS, "/organizer Осень")
    inbox = Inbox(app.session_factory, "vk", str(VK_GROUP))
    await inbox.keep([(u["event_id"], u) for u in (unhandled, committed)], cursor="3")
    kept = Reply("Готово: вы организатор «Осень»")
    async with app.session_factory() as session, session.begin():
        session.add(
            ProcessedUpdate(
                platform="vk",
                bot_key=str(VK_GROUP),
                update_id=committed["event_id"],
                processed_at=clock.now(),
                replies=[kept.to_json()],
            )
        )
    async with vk_world(app) as vk:
        await vk.server.wait_for_sent(2, timeout=10)
        assert [m.text for m in vk.server.sent_to(VK_BORIS)] == [kept.text]
        assert vk.server.sent_to(VK_ANNA)[0].text.startswith(ru("help-title"))
        # A new message: handled, and the ts after it kept as the community's cursor.
        await vk.say(VK_ANNA, "/help")
        await wait_until(lambda: inbox.in_hand == set())
        assert await inbox.cursor() is not None
    async with app.session_factory() as session:
        organizers = (await session.scalars(select(ProcessedUpdate))).all()
    # The committed update was answered from its kept replies, not handled a second time.
    assert sum(1 for row in organizers if row.update_id == committed["event_id"]) == 1


def test_vk_asks_from_the_kept_ts_only_when_vk_has_reached_it() -> None:
    assert resume_from("40", "57") == "40"  # events 40..56 came while no process polled
    assert resume_from("57", "57") == "57"
    assert resume_from(None, "57") == "57"
    assert resume_from("90", "57") == "57"  # not a position of this community's history
    assert resume_from("garbage", "57") == "57"
