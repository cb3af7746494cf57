"""How a purchase really gets bought out (issue 21), played in the console: the minimum's
progress and its one-time notice, non-payers marked at the deadline and reminded with one
button, the organizer's own black list (refused, prepayment), and the next buy-out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.scheduler import Scheduler
from bot.services.tasks import TASKS
from domain.buyouts import (
    Minimum,
    MinimumError,
    Progress,
    clean_note,
    minimum_progress,
    parse_minimum,
)
from domain.clock import FrozenClock
from domain.lifecycle import PurchaseStatus
from handlers.organizer.photos import PurchasePhotos, PurchasePhotosDone
from storage.models import (
    BlacklistEntry,
    Media,
    Order,
    Organizer,
    OutboxKind,
    OutboxMessage,
    Purchase,
    PurchaseItem,
    PurchasePhoto,
    User,
)
from tests.support.drivers import ConsoleSession, button_number
from tests.support.queries import count, orders_in_db, purchases_in_db
from tests.support.shops import Shop
from tests.support.steps import ITEMS, QUICK, STOP_UTC, become_organizer, move, place_socks
from tests.support.texts import ru

PAY_UTC = STOP_UTC + timedelta(days=4)  # 5 December, 23:59:59 in Moscow
REACHED = "набрала минималку"


async def open_shop(console: ConsoleSession, app: App, quick: str = QUICK) -> int:
    """The organizer with one pickup point and an open purchase (`quick` and `ITEMS`)."""
    await become_organizer(console)
    await console.say("/organizer", "#5", "#1", "Центр", "ул. Ленина, 1", "пн–пт 10–19")
    out = await console.say(quick, ITEMS, "#1")
    out = await console.say(button_number(out, "Открыть сбор"), "#1")
    assert "сбор заказов" in out, out
    return (await purchases_in_db(app))[-1].id


async def texts_to(app: App, user: str) -> list[str]:
    async with app.session_factory() as session:
        stmt = (
            select(OutboxMessage)
            .join(User, User.id == OutboxMessage.recipient_id)
            .where(User.external_id == user)
            .order_by(OutboxMessage.id)
        )
        return [str(m.body.get("text", "")) for m in await session.scalars(stmt)]


async def order_of(app: App, buyer: str) -> Order:
    async with app.session_factory() as session:
        found = await session.scalar(
            select(Order).join(User, User.id == Order.buyer_id).where(User.external_id == buyer)
        )
        assert found is not None
        return found


# --- the rules --------------------------------------------------------------------------------


def test_a_minimum_is_a_sum_or_pieces_and_progress_rounds_down() -> None:
    assert parse_minimum("30 000") == Minimum(total_kop=3_000_000)
    assert parse_minimum("30000,50 ₽") == Minimum(total_kop=3_000_050)
    assert parse_minimum("50 шт") == Minimum(pieces=50)
    assert parse_minimum("50шт.") == Minimum(pieces=50)
    assert parse_minimum("1 200 pcs") == Minimum(pieces=1200)
    for bad, code in (("", "empty"), ("много", "not_a_number"), ("0 шт", "zero"), ("0", "zero")):
        with pytest.raises(MinimumError) as caught:
            parse_minimum(bad)
        assert caught.value.code == code
    with pytest.raises(MinimumError):
        parse_minimum("1000000 шт")
    pieces = Minimum(pieces=3)
    assert minimum_progress(pieces, items_kop=10**9, pieces=2) == Progress(66, False, 1)
    assert minimum_progress(pieces, items_kop=0, pieces=4) == Progress(100, True, 0)
    money = Minimum(total_kop=1000)
    assert minimum_progress(money, items_kop=999, pieces=50) == Progress(99, False, 1)
    assert minimum_progress(Minimum(), items_kop=1, pieces=1) is None
    assert clean_note("  не  оплатил ") == "не оплатил"
    assert clean_note("") is None and clean_note("x" * 301) is None


# --- the minimum ------------------------------------------------------------------------------


async def test_the_minimums_progress_is_shown_and_its_notice_comes_once(
    app: App, console: ConsoleSession
) -> None:
    purchase_id = await open_shop(console, app, QUICK + "; мин 3 шт")
    out = await console.say(f"/purchase {purchase_id}")
    assert "Собрано 0 % минималки (3 шт), осталось 3 шт." in out

    await console.say(":as buyer1")
    await place_socks(console, purchase_id, "2")
    # Buyers see it on the card.
    out = await console.say(f"/start p_{purchase_id}")
    assert "Собрано 66 % минималки (3 шт), осталось 1 шт." in out
    await console.adapter.deliver_outbox()
    assert not [t for t in await texts_to(app, "organizer") if REACHED in t]

    await console.say(":as buyer2")
    out = await place_socks(console, purchase_id, "1")
    await console.adapter.deliver_outbox()
    reached = [t for t in await texts_to(app, "organizer") if REACHED in t]
    assert reached == [
        f"Покупка №{purchase_id} «Осень» набрала минималку (3 шт). Можно готовить выкуп."
    ]
    out = await console.say(":as organizer", f"/purchase {purchase_id}")
    assert "Минималка (3 шт) собрана: 100 %." in out

    # Below it again and back above: the organizer was told once, and is not told again.
    await console.say(":as buyer1", f"/start p_{purchase_id}", "#1", "#2", "#1", "3", "#1", "#3")
    await console.say(":as buyer3")
    await place_socks(console, purchase_id, "5")
    await console.adapter.deliver_outbox()
    assert len([t for t in await texts_to(app, "organizer") if REACHED in t]) == 1


async def test_a_minimum_in_the_form_and_in_the_edit_menu(
    app: App, console: ConsoleSession
) -> None:
    await become_organizer(console)
    await console.say(QUICK + "; мин 30 000", ITEMS, "#1")
    (purchase,) = await purchases_in_db(app)
    assert (purchase.min_total_kop, purchase.min_pieces) == (3_000_000, None)
    out = await console.say(f"/purchase {purchase.id}")
    assert "Собрано 0 % минималки (30\u00a0000\u00a0₽)" in out

    out = await console.say(button_number(out, "✏️ Редактировать"))
    out = await console.say(button_number(out, "Минимум"))
    out = await console.say("много")
    assert "Не понял минимум" in out
    out = await console.say("0 шт")
    assert "больше нуля" in out
    out = await console.say("50 шт")
    (purchase,) = await purchases_in_db(app)
    assert (purchase.min_total_kop, purchase.min_pieces) == (None, 50)
    out = await console.say(f"/purchase {purchase.id}")
    assert "Собрано 0 % минималки (50 шт), осталось 50 шт." in out

    # The one-line form refuses a bad minimum and creates nothing.
    out = await console.say(QUICK + "; мин пять")
    assert "Не понял минимум" in out
    assert len(await purchases_in_db(app)) == 1


# --- non-payers -------------------------------------------------------------------------------


async def test_non_payers_are_marked_at_the_deadline_listed_and_reminded_at_once(
    app: App, console: ConsoleSession, shop: Shop, clock: FrozenClock
) -> None:
    purchase_id = await open_shop(console, app)
    await console.say(":as buyer1")
    await place_socks(console, purchase_id, "2")
    await console.say(":as buyer2")
    await place_socks(console, purchase_id, "1")
    await console.say("/notify off")
    await console.say(":as buyer3")
    await place_socks(console, purchase_id, "1")
    await console.say(":as organizer")
    await move(console, purchase_id, PurchaseStatus.STOPPED)
    await move(console, purchase_id, PurchaseStatus.PAYMENT)
    # buyer3 reported a payment the organizer has not decided yet: not a non-payer.
    third = await order_of(app, "buyer3")
    buyer3 = await shop.get(User, third.buyer_id)
    purchase = await shop.get(Purchase, purchase_id)
    organizer = await shop.get(Organizer, purchase.organizer_id)
    await shop.report(buyer3, organizer, [(third, third.due_kop)])

    out = await console.say(f"/nonpayers {purchase_id}")
    assert "пока нет неплательщиков" in out and "05.12.2026" in out

    # The deadline passes: the two orders still owing are marked, the organizer is told.
    clock.set(PAY_UTC + timedelta(minutes=1))
    scheduler = Scheduler(app.session_factory, app.texts, handlers=TASKS)
    assert await scheduler.run_due() >= 1
    await console.adapter.deliver_outbox()
    told = [t for t in await texts_to(app, "organizer") if "прошёл" in t]
    assert told == [
        "Срок оплаты покупки «Осень» (05.12.2026) прошёл, 2 заказа не оплачены."
        " Список — по кнопке, там же можно напомнить всем сразу."
    ]
    marked = {o.id for o in await orders_in_db(app) if o.unpaid_marked_at is not None}
    first, second = await order_of(app, "buyer1"), await order_of(app, "buyer2")
    assert marked == {first.id, second.id}
    assert await scheduler.run_due() == 0  # once

    out = await console.say(f"/purchase {purchase_id}")
    out = await console.say(button_number(out, "Неплательщики (2)"))
    assert "Неплательщики покупки «Осень» (срок оплаты 05.12.2026): 2 заказа" in out
    assert f"заказ {first.number} — buyer1" in out and f"заказ {second.number} — buyer2" in out
    assert third.number not in out
    out = await console.say(button_number(out, "Напомнить всем (2)"))
    assert "Напоминание уйдёт 1 покупателю." in out
    assert "уведомления выключены" in out  # buyer2 turned them off
    reminders = [t for t in await texts_to(app, "buyer1") if "Срок оплаты покупки" in t]
    assert len(reminders) == 1 and first.number in reminders[0]
    assert not [t for t in await texts_to(app, "buyer3") if "Срок оплаты покупки" in t]
    # A second press the same day reminds nobody twice.
    out = await console.say(f"/nonpayers {purchase_id}")
    out = await console.say(button_number(out, "Напомнить всем"))
    assert "Сегодня вы уже напоминали" in out
    assert (
        await count(
            app,
            OutboxMessage,
            OutboxMessage.kind == OutboxKind.REMINDER,
            OutboxMessage.dedup_key.like("nonpayer-remind:%"),
        )
        == 2
    )
    # The orders list marks them.
    out = await console.say(f"/purchase {purchase_id}")
    out = await console.say(button_number(out, "Заказы"))
    assert out.count("не оплачен в срок") == 2

    # A new payment deadline lifts the marks; at that deadline the check runs again.
    out = await console.say(f"/purchase {purchase_id}")
    out = await console.say(button_number(out, "✏️ Редактировать"))
    out = await console.say(button_number(out, "📅 Даты"))
    out = await console.say(button_number(out, "📅 Изменить срок оплаты"), "12.12")
    assert "Готово: оплата в «Осень» — до 12.12.2026" in out
    assert [o for o in await orders_in_db(app) if o.unpaid_marked_at is not None] == []
    out = await console.say(f"/purchase {purchase_id}")
    assert "Неплательщики" not in out
    clock.set(PAY_UTC + timedelta(days=7, minutes=1))
    assert await scheduler.run_due() >= 1
    await console.adapter.deliver_outbox()
    told = [t for t in await texts_to(app, "organizer") if "прошёл" in t]
    assert len(told) == 2 and "(12.12.2026)" in told[-1]
    out = await console.say(f"/purchase {purchase_id}")
    assert "Неплательщики (2)" in out

    # Another organizer sees nothing of it.
    await become_organizer(console, "vera", "СП у Веры")
    out = await console.say(f"/nonpayers {purchase_id}")
    assert "Неплательщики" not in out and ru("purchase-admin-not-found") in out


# --- the black list ---------------------------------------------------------------------------


async def test_a_black_list_refuses_one_buyer_and_asks_another_for_prepayment(
    app: App, console: ConsoleSession
) -> None:
    purchase_id = await open_shop(console, app)
    await console.say(":as buyer1")
    await place_socks(console, purchase_id, "1")
    await console.say(":as buyer2")
    await place_socks(console, purchase_id, "1")
    first, second = await order_of(app, "buyer1"), await order_of(app, "buyer2")
    assert first.number and second.number

    out = await console.say(":as organizer", "/blacklist")
    assert "Ваш чёрный список пуст." in out
    out = await console.say(button_number(out, "Добавить по номеру заказа"))
    out = await console.say("абракадабра")
    assert "не похоже на номер заказа" in out
    asked = await console.say(first.number)
    assert f"Покупатель заказа {first.number}: что делать с его заказами?" in asked
    out = await console.say("не принимать")
    assert "Выберите режим кнопкой" in out
    out = await console.say(button_number(asked, "Не принимать заказы"))
    out = await console.say("x" * 400)
    assert "до 300 символов" in out
    out = await console.say("не оплатил осенний выкуп")
    assert f"покупатель заказа {first.number} в вашем чёрном списке" in out
    assert f"1. buyer1 (заказ {first.number}) — Не принимать заказы." in out

    out = await console.say(f"/blacklist {second.number}")
    out = await console.say(button_number(out, "Только предоплата"))
    out = await console.say(button_number(out, "Пропустить"))
    assert f"2. buyer2 (заказ {second.number}) — Только предоплата." in out
    entries = await count(app, BlacklistEntry)
    assert entries == 2

    # Nobody else sees the list, and no one can list another organizer's buyers.
    await become_organizer(console, "vera", "СП у Веры")
    out = await console.say("/blacklist")
    assert "Ваш чёрный список пуст." in out and "buyer1" not in out
    out = await console.say(f"/blacklist {first.number}")
    assert f"Заказа {first.number} нет в ваших покупках" in out
    assert await count(app, BlacklistEntry) == 2

    # The refused buyer is told politely, and nothing changes.
    out = await console.say(":as buyer1", f"/start p_{purchase_id}", "#1")
    assert "Организатор «СП у Анны» не принимает от вас заказы." in out
    assert len(await orders_in_db(app)) == 2
    # The one needing prepayment orders, and is told to pay it in full first.
    out = await console.say(":as buyer2", f"/start p_{purchase_id}", "#1", "2", "1", "-", "#3")
    assert "Организатор «СП у Анны» принимает ваши заказы по предоплате" in out
    # The organizer sees both marked in the orders list.
    out = await console.say(":as organizer", f"/purchase {purchase_id}")
    out = await console.say(button_number(out, "Заказы"))
    assert "в вашем чёрном списке: заказы не принимаются" in out
    assert "в вашем чёрном списке: только по предоплате" in out

    # Taken off the list, the buyer orders again.
    out = await console.say("/blacklist")
    out = await console.say(button_number(out, "Убрать 1. buyer1"))
    out = await console.say(button_number(out, "Да"))
    assert "buyer1 больше не в вашем чёрном списке" in out
    out = await console.say(":as buyer1", f"/start p_{purchase_id}", "#1")
    assert "не принимает от вас заказы" not in out and "Что заказать" in out


# --- the next buy-out -------------------------------------------------------------------------


async def test_the_next_buy_out_copies_the_purchase_and_tells_previous_buyers_when_it_opens(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await become_organizer(console)
    await console.say("/organizer", "#5", "#1", "Центр", "ул. Ленина, 1", "пн–пт 10–19")
    out = await console.say(QUICK + "; мин 30 шт", ITEMS, ":photo Шапка; 700; S,M")
    assert "Шапка" in out
    (source,) = await purchases_in_db(app)
    await console.press_payload(PurchasePhotos(purchase_id=source.id))
    await console.say(":photo", ":photo")
    await console.press_payload(PurchasePhotosDone(purchase_id=source.id))
    out = await console.say(f"/purchase {source.id}")
    out = await console.say(button_number(out, "✏️ Редактировать"))
    out = await console.say(button_number(out, "Описание"), "Тёплые вещи к зиме")
    out = await console.say(f"/purchase {source.id}")
    await console.say(button_number(out, "Открыть сбор"), "#1")
    await console.say(":as buyer1")
    await place_socks(console, source.id, "1")
    await console.say(":as buyer2")
    await place_socks(console, source.id, "2")
    await console.say("/notify off")
    await console.say(":as organizer")
    out = await console.say(f"/purchase {source.id}")
    assert "Повторить выкуп" not in out  # still collecting
    await move(console, source.id, PurchaseStatus.STOPPED)

    out = await console.say(f"/purchase {source.id}")
    out = await console.say(button_number(out, "Повторить выкуп"))
    assert "Следующий выкуп «Осень»" in out and "(30 шт)" in out
    out = await console.say("вчера")
    assert "Не понял дату" in out
    out = await console.say("10.12")
    assert "Стоп 10.12.2026" in out
    out = await console.say("08.12")
    assert "не может быть раньше стопа" in out
    out = await console.say("15.12")
    assert "создан: 3 товара" in out
    purchases = await purchases_in_db(app)
    assert len(purchases) == 2
    copy = purchases[-1]
    source = purchases[0]
    assert copy.status is PurchaseStatus.DRAFT and copy.repeat_of_id == source.id
    copied = ("title", "description", "supplier", "category", "fee_bp", "min_pieces")
    assert [getattr(copy, f) for f in copied] == [getattr(source, f) for f in copied]
    assert copy.description == "Тёплые вещи к зиме"
    assert copy.stop_at != source.stop_at and copy.stop_at is not None
    assert (copy.stop_at.month, copy.stop_at.day) == (12, 10)
    async with app.session_factory() as session:

        async def items(purchase_id: int) -> list[tuple]:
            found = await session.scalars(
                select(PurchaseItem)
                .where(PurchaseItem.purchase_id == purchase_id)
                .order_by(PurchaseItem.position)
            )
            return [(i.name, i.price_kop, i.sizes, i.article, i.photo_id) for i in found]

        async def photos(purchase_id: int) -> list[int]:
            found = await session.scalars(
                select(PurchasePhoto)
                .where(PurchasePhoto.purchase_id == purchase_id)
                .order_by(PurchasePhoto.position)
            )
            return [p.media_id for p in found]

        assert await items(copy.id) == await items(source.id)
        assert len(await items(copy.id)) == 3
        assert (await items(copy.id))[2][4] is not None  # the hat's photo
        assert await photos(copy.id) == await photos(source.id) and len(await photos(copy.id)) == 2
        assert copy.photo_id == source.photo_id is not None
        assert await session.get(Media, copy.photo_id) is not None
    # Nobody is told of a draft.
    await console.adapter.deliver_outbox()
    assert not [t for t in await texts_to(app, "buyer1") if "новый выкуп" in t]

    await move(console, copy.id, PurchaseStatus.OPEN)
    told = [t for t in await texts_to(app, "buyer1") if "новый выкуп" in t]
    assert told == [
        "Открыт новый выкуп «Осень», стоп 10.12.2026. Вы заказывали в прошлом — заглядывайте!"
    ]
    # buyer2 turned notifications off: queued, skipped by the outbox.
    async with app.session_factory() as session:
        skipped = await session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.dedup_key.like(f"repeat-opened:{copy.id}:%"))
            .join(User, User.id == OutboxMessage.recipient_id)
            .where(User.external_id == "buyer2")
        )
    assert skipped is not None and skipped.status.value == "skipped"
    # The notice's button opens the new purchase.
    out = await console.say(":as buyer1", f"/start p_{copy.id}")
    assert "Осень" in out and "Шапка" in out
