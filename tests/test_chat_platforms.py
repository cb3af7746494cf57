"""Buyer–organizer chat on real platform adapters (issue 19): on the fake Telegram server and
on VK's, messages and photos relayed both ways carry no user id, username, name or profile
link of the other side, neither in their text nor in their buttons.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.app import App
from domain.lifecycle import PurchaseStatus
from domain.order_numbers import format_order_number
from storage.models import Order, OrderLine, Organizer, Purchase, PurchaseItem, User
from tests.support.outbox import fast_sender
from tests.support.telegram import TelegramHarness, buttons, texts
from tests.support.vk import ANNA, BORIS, VkWorld

ORGANIZER_TG, BUYER_TG = 7001, 7002


async def give_order(app: App, organizer_id: int, buyer: User) -> Order:
    async with app.session_factory() as session, session.begin():
        purchase = Purchase(
            organizer_id=organizer_id, title="Шапки", status=PurchaseStatus.DISTRIBUTION
        )
        session.add(purchase)
        await session.flush()
        item = PurchaseItem(purchase_id=purchase.id, name="Шапка", price_kop=90_000)
        session.add(item)
        await session.flush()
        order = Order(
            purchase_id=purchase.id, buyer_id=buyer.id, items_total_kop=90_000, due_kop=90_000
        )
        session.add(order)
        await session.flush()
        order.number = format_order_number(order.id)
        session.add(OrderLine(order_id=order.id, item_id=item.id, quantity=1, price_kop=90_000))
    return order


def leaks(record: Any, *identities: str) -> list[str]:
    """Which of the identities appear in what a person sees of a message: its text or
    caption, its entities (mentions, links) and its buttons (labels, payloads, urls)."""
    seen = {
        key: record.get(key)
        for key in (
            "text",
            "caption",
            "entities",
            "caption_entities",
            "reply_markup",
            "keyboard",
            "attachment",
        )
    }
    dumped = json.dumps(seen, ensure_ascii=False, default=str).casefold()
    return [identity for identity in identities if identity.casefold() in dumped]


async def test_telegram_relay_without_identities(app: App, tg: TelegramHarness) -> None:
    organizer = await tg.make_organizer(ORGANIZER_TG, "СП Солнышко")
    await tg.say(BUYER_TG, "/start", first_name="Маша", username="masha_buys")
    buyer = await tg.user(BUYER_TG)
    assert buyer is not None
    order = await give_order(app, organizer.id, buyer)

    sent = await tg.say(BUYER_TG, "/chat")
    [choose] = [b for b in buttons(sent[-1]) if order.number in b["text"]]
    await tg.callback(BUYER_TG, choose["callback_data"])
    before = len(tg.server.messages_to(ORGANIZER_TG))
    await tg.say(
        BUYER_TG,
        "Шапка с дыркой, вот фото",
        photo=b"\xff\xd8hole",
        first_name="Маша",
        username="masha_buys",
    )
    sender = fast_sender(app, tg.adapter.transport)
    await sender.drain()
    [photo] = tg.server.messages_to(ORGANIZER_TG)[before:]
    assert photo["method"] == "sendPhoto" and "Шапка с дыркой, вот фото" in photo["caption"]
    assert leaks(photo, str(BUYER_TG), "masha_buys", "Маша", "tg://", "t.me/") == []

    # The organizer replies with the button under the message.
    [reply] = [b for b in buttons(photo) if b["text"] == "✍ Ответить"]
    await tg.callback(ORGANIZER_TG, reply["callback_data"])
    before = len(tg.server.messages_to(BUYER_TG))
    await tg.say(ORGANIZER_TG, "Поменяем на новую в пятницу на раздаче.", username="anna_org")
    await sender.drain()
    [answer] = tg.server.messages_to(BUYER_TG)[before:]
    assert "Поменяем на новую в пятницу на раздаче." in texts([answer])[0]
    assert "СП Солнышко" in texts([answer])[0]  # the organizer's public name only
    assert leaks(answer, str(ORGANIZER_TG), "anna_org", "tg://", "t.me/") == []

    # A phone in a reply is not delivered; the organizer is told why.
    await tg.callback(ORGANIZER_TG, reply["callback_data"])
    sent = await tg.say(ORGANIZER_TG, "Звоните: +7 912 345-67-89")
    await sender.drain()
    assert "⛔ Сообщение не отправлено" in texts(sent)[-1]
    assert len(tg.server.messages_to(BUYER_TG)) == before + 1
    assert tg.server.errors == []


async def test_vk_relay_without_identities(app: App, vk: VkWorld) -> None:
    await vk.say(ANNA, "/organizer")
    await vk.say(ANNA, "СП Солнышко")
    await vk.say(BORIS, "Начать")
    async with app.session_factory() as session:
        organizer = await session.scalar(
            select(Organizer).join(User).where(User.external_id == str(ANNA))
        )
        buyer = await session.scalar(select(User).where(User.external_id == str(BORIS)))
    assert organizer is not None and buyer is not None
    order = await give_order(app, organizer.id, buyer)

    await vk.say(BORIS, "/chat")
    await vk.press(BORIS, f"№ {order.number}")
    await vk.say(BORIS, "Когда раздача моей шапки?")
    delivered = await vk.deliver()
    [to_anna] = [m for m in delivered if m.peer_id == ANNA]
    assert "Когда раздача моей шапки?" in to_anna.text
    shown = {"text": to_anna.text, "keyboard": to_anna.keyboard, "attachment": to_anna.attachment}
    assert shown["keyboard"]  # the Reply button is there, and checked too
    assert leaks(shown, str(BORIS), "Борис", "vk.com", "[id") == []

    await vk.press(ANNA, "✍ Ответить")
    await vk.say(ANNA, "Раздача в субботу с 12 до 15.")
    delivered = await vk.deliver()
    [to_boris] = [m for m in delivered if m.peer_id == BORIS]
    assert "Раздача в субботу с 12 до 15." in to_boris.text
    shown = {
        "text": to_boris.text,
        "keyboard": to_boris.keyboard,
        "attachment": to_boris.attachment,
    }
    assert leaks(shown, str(ANNA), "Анна", "Орг", "vk.com", "[id") == []
