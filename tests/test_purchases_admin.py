"""The organizer's catalogue through the console: /newpurchase step by step and in one line,
items pasted and added one by one, /mypurchases, the card, status changes with buyer
notifications, the orders list and exports, and forged buttons refused."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
from sqlalchemy import func, select

from bot.app import App
from bot.texts import LANGUAGES, Texts
from domain.clock import FrozenClock
from domain.lifecycle import OrderStatus, PurchaseStatus
from handlers.organizer.kit import (
    AddItems,
    AdminItemsPage,
    ExportFile,
    ExportMenu,
    FormChoice,
    ItemSkip,
    ItemToggle,
    OrdersPage,
    PurchaseView,
    StatusMove,
)
from handlers.organizer.new_purchase import CATEGORY_SLUGS
from storage.models import DialogState, OutboxKind, PurchaseItem, PurchaseStatusChange
from tests.support.drivers import ConsoleSession, button_number, press
from tests.support.exports import DISTRIBUTION_HEADERS
from tests.support.queries import organizer_row, outbox, purchases_in_db
from tests.support.shops import add_order
from tests.support.steps import QUICK, STOP_UTC, become_organizer, console_shop, move

# --- helpers -----------------------------------------------------------------------------------


async def items_of(app: App, purchase_id: int) -> list[PurchaseItem]:
    async with app.session_factory() as session:
        stmt = select(PurchaseItem).where(PurchaseItem.purchase_id == purchase_id)
        return list(await session.scalars(stmt.order_by(PurchaseItem.position)))


def without_margin(out: str) -> str:
    """What the console printed, without its five-character margin ("bot: " and the
    indent of the following lines)."""
    return "\n".join(line[5:] for line in out.splitlines())


# --- /newpurchase ------------------------------------------------------------------------------


async def test_new_purchase_step_by_step_with_bad_input_at_every_step(
    app: App, console: ConsoleSession
) -> None:
    await become_organizer(console)
    out = await console.say("/newpurchase")
    assert "Новая покупка. Как она называется?" in out and "одной строкой" in out
    out = await console.say("x")
    assert "Название — от 2 до 200 символов" in out
    out = await console.say("/frobnicate")
    assert "Команды /frobnicate нет" in out
    out = await console.say("Осенняя одежда")
    assert "Описание для покупателей" in out and "[#1 Пропустить]" in out
    out = await console.say("#1")
    assert "Поставщик (название или сайт)" in out
    out = await console.say("Ивановский трикотаж")
    assert "[#1 Одежда] [#2 Обувь] [#3 Детское]" in out and "[#8 Пропустить]" in out
    out = await console.say("#1")
    assert "[#1 0\u00a0%] [#2 10\u00a0%] [#3 15\u00a0%] [#4 20\u00a0%]" in out
    out = await console.say("70")
    assert "Оргсбор больше 50 %" in out
    out = await console.say("-5")
    assert "Оргсбор не может быть отрицательным" in out
    out = await console.say("#3")
    assert "Дата стопа" in out and "по московскому времени" in out
    out = await console.say("завтра")
    assert "Не понял дату" in out
    out = await console.say("22.11.2026")
    assert "Эта дата уже прошла. Самая ранняя возможная — 23.11.2026." in out
    out = await console.say("31.02.2027")
    assert "Такой даты нет в календаре" in out
    out = await console.say("1.12")
    assert "Не раньше даты стопа (01.12.2026)" in out
    out = await console.say("30.11")
    assert "Срок оплаты не может быть раньше стопа (01.12.2026)" in out
    out = await console.say("5.12")
    assert "Минимальная сумма заказа у поставщика" in out
    out = await console.say("0")
    assert "Минимальная сумма должна быть больше нуля" in out
    out = await console.say("30 000")
    assert "Покупка №1 «Осенняя одежда» создана — пока черновик" in out
    assert "стоп 01.12.2026, оплата до 05.12.2026" in out
    assert "Добавьте товары в «Осенняя одежда»" in out

    (purchase,) = await purchases_in_db(app)
    assert (purchase.title, purchase.description, purchase.supplier, purchase.category) == (
        "Осенняя одежда",
        "",
        "Ивановский трикотаж",
        "Одежда",
    )
    assert (purchase.fee_bp, purchase.min_total_kop, purchase.status) == (
        1500,
        3_000_000,
        PurchaseStatus.DRAFT,
    )
    assert purchase.stop_at == STOP_UTC
    assert purchase.payment_due_at == datetime(2026, 12, 5, 20, 59, 59, tzinfo=UTC)
    organizer = await organizer_row(app)
    async with app.session_factory() as session:
        (change,) = await session.scalars(select(PurchaseStatusChange))
        state = await session.get(DialogState, organizer.user_id)
    assert (change.from_status, change.to_status, change.actor_user_id) == (
        None,
        PurchaseStatus.DRAFT,
        organizer.user_id,
    )
    assert state is not None and (state.dialog, state.step) == ("purchase_items", "lines")


async def test_cancel_leaves_nothing_and_typed_category_is_kept(
    app: App, console: ConsoleSession
) -> None:
    await become_organizer(console)
    await console.say("/newpurchase", "Осень", "/cancel")
    assert await purchases_in_db(app) == []
    await console.say(
        "/newpurchase", "Осень", "Тёплые вещи\nна зиму", "#1", "Пряжа и нитки", "12,5"
    )
    await console.say("2026-12-01", "2026-12-01", "#1")
    (purchase,) = await purchases_in_db(app)
    assert (purchase.description, purchase.supplier, purchase.category, purchase.fee_bp) == (
        "Тёплые вещи\nна зиму",
        "",
        "Пряжа и нитки",
        1250,
    )
    assert purchase.min_total_kop is None and purchase.payment_due_at == STOP_UTC


async def test_one_line_form_and_its_errors(app: App, console: ConsoleSession) -> None:
    await become_organizer(console)
    out = await console.say("/newpurchase Осень; Orby; Одежда; сбор 15%; оплата 05.12.2026")
    assert "Не хватает даты стопа: добавьте «стоп 30.11.2026»" in out  # a week ahead
    out = await console.say("/newpurchase Осень; Orby")
    assert "Не хватает частей. Формат одной строкой:" in out
    out = await console.say(
        "/newpurchase Осень; Orby; Одежда; сбор 15%; стоп 01.11.2026; оплата 05.12.2026"
    )
    assert "Эта дата уже прошла" in out
    out = await console.say("/newpurchase Осень; Orby; Одежда; скидка 5; стоп 1.12; оплата 5.12")
    assert "Не понял часть «скидка 5»" in out
    assert await purchases_in_db(app) == []

    out = await console.say(QUICK + "; мин 30 000")
    assert "Покупка №1 «Осень» создана" in out
    (purchase,) = await purchases_in_db(app)
    assert (purchase.supplier, purchase.category, purchase.min_total_kop) == (
        "Orby",
        "Одежда",
        3_000_000,
    )

    await console.say("/cancel", "/lang en")
    out = await console.say("/newpurchase Autumn; -; -; fee 10; stop 1.12; pay 3.12")
    assert 'Purchase #2 "Autumn" is created as a draft' in out
    assert "stop 1 Dec 2026, pay by 3 Dec 2026" in out
    out = await console.say("/newpurchase Autumn; -; -; fee 10; stop 5.12; pay 3.12")
    assert "The payment deadline cannot be before the stop date (5 Dec 2026)." in out


async def test_the_examples_in_hints_are_ahead_of_today_and_accepted_as_typed(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await become_organizer(console)
    for year in (0, 1):
        clock.advance(days=365 * year)
        out = await console.say("/newpurchase")
        example = re.search(r"^.*?(/newpurchase [^\n]+)$", out, re.M)
        assert example is not None, out
        out = await console.say("/cancel", example[1])
        assert "создана" in out, out
        out = await console.say("/newpurchase", "Осень", "#1", "-", "#1", "#3")
        stop_example = re.search(r"Например: ([\d.]+), ", out)
        assert stop_example is not None, out
        out = await console.say(stop_example[1])
        assert "Оплатить до какого дня?" in out, out
        await console.say("/cancel")
    assert len(await purchases_in_db(app)) == 2


# --- items ---------------------------------------------------------------------------------------


async def test_pasted_items_are_all_or_nothing(app: App, console: ConsoleSession) -> None:
    await become_organizer(console)
    await console.say(QUICK)
    out = await console.say("Платье синее; 1290; 42,44,46; PL-1\nШарф; 0\n\nКуртка; -5 р.")
    assert "Ничего не добавлено: ошибки в 2 строках из 3." in out
    assert "Строка 2: цена должна быть больше нуля." in out
    assert "Строка 4: цена не может быть отрицательной." in out
    assert await items_of(app, 1) == []
    out = await console.say("Платье синее; 1290; 42,44,46; PL-1\nШарф; 10 000 001")
    assert "Строка 2: цена больше 10\u00a0000\u00a0000\u00a0₽ — похоже на опечатку." in out
    out = await console.say("Платье синее; 1290; 42,44,46; PL-1\nШарф; 590\n\nКуртка; 4 500,50 р.")
    assert "Добавлено товаров: 3. Всего в покупке: 3." in out
    dress, scarf, coat = await items_of(app, 1)
    assert (dress.name, dress.price_kop, dress.sizes, dress.article) == (
        "Платье синее",
        129_000,
        ["42", "44", "46"],
        "PL-1",
    )
    assert (scarf.sizes, scarf.article, coat.price_kop) == ([], None, 450_050)
    assert [item.position for item in (dress, scarf, coat)] == [1, 2, 3]

    # A photo with an item line as its caption is that item's photo.
    out = await console.say(":photo")
    assert "Добавьте к фото подпись-строку товара" in out
    out = await console.say(":photo Варежки; 300; S,M\nШапка; 400")
    assert "Одно фото — один товар" in out
    out = await console.say(":photo Варежки; 300; S,M")
    assert "Добавлено товаров: 1. Всего в покупке: 4." in out
    mittens = (await items_of(app, 1))[-1]
    assert mittens.name == "Варежки" and mittens.photo_id is not None


async def test_items_one_by_one_with_skips_and_a_photo(app: App, console: ConsoleSession) -> None:
    await become_organizer(console)
    await console.say(QUICK)
    out = await console.say("#1")
    assert "Название товара:" in out and "[#1 Списком] [#2 Готово]" in out
    out = await console.say("Ш")
    assert "название — от 2 до 200 символов" in out
    out = await console.say("Шапка")
    assert "Цена «Шапка» в рублях" in out
    for bad, message in [
        ("0", "цена должна быть больше нуля. Попробуйте ещё раз."),
        ("-700", "цена не может быть отрицательной."),
        ("дорого", "цена не похожа на число"),
        ("100000000", "цена больше 10\u00a0000\u00a0000\u00a0₽"),
    ]:
        assert message in await console.say(bad)
    out = await console.say("700")
    assert "Размеры или варианты через запятую" in out
    out = await console.say("S, M, M, L")
    assert "Артикул поставщика" in out
    out = await console.say("#1")
    assert "Фото товара. Можно пропустить." in out
    out = await console.say("не фото")
    assert "Нужна фотография" in out
    out = await console.say(":photo")
    assert "Товар «Шапка» за 700\u00a0₽ добавлен (всего товаров: 1)" in out

    # Skipping every optional step; a whole item line where a name is asked is a paste.
    await console.say("Шарф", "590", "#1", "#1")
    out = await console.say("#1")
    assert "Товар «Шарф» за 590\u00a0₽ добавлен (всего товаров: 2)" in out
    out = await console.say("Носки; 150; 36,38")
    assert "Добавлено товаров: 1. Всего в покупке: 3." in out
    hat, scarf, socks = await items_of(app, 1)
    assert (hat.sizes, hat.article, hat.photo_id is not None) == (["S", "M", "L"], None, True)
    assert (scarf.sizes, scarf.article, scarf.photo_id) == ([], None, None)
    assert socks.sizes == ["36", "38"]

    out = await console.say("#1")
    assert "Покупка №1: Осень" in out and "Товаров: 3" in out
    out = await press(app, "organizer", ItemSkip(step="photo"))
    assert "Эта кнопка уже не к месту" in out


async def test_items_list_retire_and_restore(app: App, console: ConsoleSession) -> None:
    purchase_id = await console_shop(app, console, points=False)
    out = await console.say("/purchase 1")
    assert "[#3 Товары (2)] [#4 Добавить товары]" in out
    out = await console.say("#3")
    assert "Товары «Осень» (2), страница 1 из 1:" in out
    assert "1. Платье синее — 1\u00a0290\u00a0₽ · 42, 44, 46 · арт. PL-1" in out
    assert "[#1 Снять №1] [#2 Снять №2]" in out
    out = await console.say("#2")
    assert "Товар «Шарф» снят" in out and "2. Шарф — 590\u00a0₽ — снят" in out
    assert "[#2 Вернуть №2]" in out
    _, scarf = await items_of(app, purchase_id)
    assert scarf.active is False  # retired, never deleted
    out = await console.say("#2")
    assert "Товар «Шарф» снова доступен для заказа." in out
    _, scarf = await items_of(app, purchase_id)
    assert scarf.active is True


# --- /mypurchases, the card, statuses ------------------------------------------------------------


async def test_my_purchases_pages_and_the_card(app: App, console: ConsoleSession) -> None:
    await become_organizer(console)
    out = await console.say("/mypurchases")
    assert "У вас пока нет покупок" in out
    for number in range(1, 8):
        await console.say(QUICK.replace("Осень", f"Осень {number}"), "/cancel")
    out = await console.say("/mypurchases")
    assert "Мои покупки (7), страница 1 из 2:" in out
    assert "№7 «Осень 7» — черновик, покупателей: 0" in out and "№3 «Осень 3»" in out
    assert "№2 «Осень 2»" not in out
    assert "[#6 Дальше ▶]" in out
    out = await console.say("#6")
    assert "страница 2 из 2" in out and "№1 «Осень 1»" in out and "[#3 ◀ Назад]" in out
    out = await console.say("#2")
    assert "Покупка №1: Осень 1" in out and "Статус: черновик" in out
    assert "Ссылка для покупателей: /start p_1" in out
    assert "[#1 Открыть сбор заказов] [#2 Отменить покупку]" in out

    out = await console.say("#1")
    assert "Чтобы открыть сбор заказов, добавьте хотя бы один товар." in out
    assert (await purchases_in_db(app))[0].status is PurchaseStatus.DRAFT

    out = await console.say("/purchase abc")
    assert "Напишите номер покупки цифрами" in out
    out = await console.say("/purchase 99999999999")
    assert "Напишите номер покупки цифрами" in out
    out = await console.say("/purchase 999")
    assert "Такой покупки у вас нет" in out
    out = await console.say("/purchase №2")
    assert "Покупка №2: Осень 2" in out


async def test_statuses_notify_every_buyer_once_in_their_language(
    app: App, console: ConsoleSession
) -> None:
    purchase_id = await console_shop(app, console)
    out = await console.say("/purchase 1", "#1")
    assert "Перевести «Осень» в статус «сбор заказов»?" in out
    assert "Заказов пока нет, уведомлять некого." in out
    out = await console.say("#1")
    assert "Готово: статус «сбор заказов». Уведомлено покупателей: 0." in out
    assert "[#1 Стоп] [#2 Отменить покупку]" in out

    first = await add_order(app, purchase_id, "buyer1", [(0, "42", 1)], point="Центр")
    second = await add_order(app, purchase_id, "buyer1", [(1, "", 2)], point="Центр", paid=50_000)
    english = await add_order(app, purchase_id, "buyer2", [(0, "44", 2)], language="en")
    await add_order(app, purchase_id, "buyer3", [(1, "", 1)], status=OrderStatus.CANCELLED)

    out = await console.say("/purchase 1")
    assert "Покупателей: 2, заказов: 3" in out
    out = await console.say("#1")
    assert "Покупатели с заказами (2) получат уведомление." in out
    out = await console.say("#1")
    assert "Готово: статус «стоп». Уведомлено покупателей: 2." in out
    assert "📨 to buyer1: Стоп в покупке «Осень»: новые заказы не принимаются." in out
    assert f"Ваш заказ {first.number}, {second.number} учтён" in out
    assert (
        f'📨 to buyer2: Stop in "Осень": no new orders. Your order {english.number} is counted'
        in out
    )
    assert "buyer3" not in out

    out = await move(console, purchase_id, PurchaseStatus.PAYMENT)
    assert "Уведомлено покупателей: 2" in out
    messages = await outbox(app)
    payment = {m.chat_id: m.body["text"] for m in messages if ":payment:" in (m.dedup_key or "")}
    # buyer1 owes 1 290 + 1 180 + 15 % = 2 840,50, has paid 500.
    assert "К оплате: 2\u00a0340,50\u00a0₽, срок — до 05.12.2026" in payment["buyer1"]
    assert "Due: 2,967 ₽, by 5 Dec 2026" in payment["buyer2"].replace("\u00a0", " ")

    await move(console, purchase_id, PurchaseStatus.ORDERED)
    await move(console, purchase_id, PurchaseStatus.ARRIVED)
    messages = await outbox(app)
    arrived = {m.chat_id: m.body["text"] for m in messages if ":arrived:" in (m.dedup_key or "")}
    assert arrived["buyer1"].endswith("Пункт выдачи:\nЦентр: ул. Ленина, 1 (пн–пт 10–19)")
    # No point chosen: every active point of the organizer.
    assert arrived["buyer2"].endswith(
        "Pickup point:\nЦентр: ул. Ленина, 1 (пн–пт 10–19)\nСевер: пр. Мира, 10"
    )
    await move(console, purchase_id, PurchaseStatus.DISTRIBUTION)
    out = await move(console, purchase_id, PurchaseStatus.CLOSED)
    assert "Готово: статус «закрыта»." in out

    messages = await outbox(app)
    buyer_ids = {m.chat_id: m.recipient_id for m in messages}
    assert len(messages) == 2 * 6 and set(buyer_ids) == {"buyer1", "buyer2"}
    assert all(m.kind is OutboxKind.NOTIFICATION for m in messages)
    assert {m.dedup_key for m in messages} == {
        f"purchase-status:{purchase_id}:{status}:{buyer_ids[chat]}"
        for status in ("stopped", "payment", "ordered", "arrived", "distribution", "closed")
        for chat in ("buyer1", "buyer2")
    }
    organizer = await organizer_row(app)
    async with app.session_factory() as session:
        changes = list(
            await session.scalars(select(PurchaseStatusChange).order_by(PurchaseStatusChange.id))
        )
    assert [c.to_status.value for c in changes] == [
        "draft",
        "open",
        "stopped",
        "payment",
        "ordered",
        "arrived",
        "distribution",
        "closed",
    ]
    assert all(c.actor_user_id == organizer.user_id for c in changes)
    assert [c.from_status for c in changes[1:]] == [c.to_status for c in changes[:-1]]

    # A replayed or stale confirmation changes nothing and notifies nobody.
    out = await press(
        app,
        "organizer",
        StatusMove(purchase_id=purchase_id, status=PurchaseStatus.CLOSED, confirmed=True),
    )
    assert "Покупка уже в статусе «закрыта»" in out
    assert len(await outbox(app)) == 12
    out = await console.say("/purchase 1")
    assert "Открыть" not in out and "Отменить покупку" not in out


async def test_cancel_a_purchase_until_it_is_ordered(app: App, console: ConsoleSession) -> None:
    purchase_id = await console_shop(app, console, points=False)
    await move(console, purchase_id, PurchaseStatus.OPEN)
    order = await add_order(app, purchase_id, "buyer1", [(0, "42", 1)])
    out = await press(
        app,
        "organizer",
        StatusMove(purchase_id=purchase_id, status=PurchaseStatus.CANCELLED, confirmed=False),
    )
    assert "Отменённую покупку нельзя вернуть." in out
    out = await move(console, purchase_id, PurchaseStatus.CANCELLED)
    assert "Уведомлено покупателей: 1." in out
    (message,) = await outbox(app)
    assert f"заказ {order.number} выполнен не будет" in message.body["text"]
    assert (await purchases_in_db(app))[0].status is PurchaseStatus.CANCELLED
    out = await press(app, "organizer", AddItems(purchase_id=purchase_id, mode="paste"))
    assert "Товары меняются только в черновике и во время сбора заказов" in out


# --- orders and exports --------------------------------------------------------------------------


async def test_orders_list_and_exports(app: App, console: ConsoleSession, tmp_path: Path) -> None:
    """A 15 % fee; Anna underpaid with a note, Boris overpaid with a promo discount, Yana
    wrote three notes, a cancelled order counts nowhere."""
    console.adapter.files_dir = tmp_path
    purchase_id = await console_shop(app, console)
    out = await press(
        app, "organizer", ExportFile(purchase_id=purchase_id, shape="supplier", fmt="csv")
    )
    assert "Заказов пока нет — выгружать нечего." in out
    await move(console, purchase_id, PurchaseStatus.OPEN)
    anna = await add_order(
        app,
        purchase_id,
        "anna",
        [(0, "42", 2), (1, "", 1)],
        point="Центр",
        paid=100_000,
        notes={0: "цвет потемнее"},
    )
    boris = await add_order(
        app,
        purchase_id,
        "boris",
        [(0, "46", 1)],
        point="Север",
        paid=150_000,
        promo=("BLOG10", 10_000),
    )
    yana = await add_order(
        app,
        purchase_id,
        "yana",
        [(0, "42", 1), (0, "44", 1), (1, "", 1)],
        notes={0: "длиннее", 1: "к празднику", 2: "в подарочной упаковке"},
    )
    await add_order(
        app,
        purchase_id,
        "gone",
        [(1, "", 5)],
        status=OrderStatus.CANCELLED,
        notes={0: "отменил"},
    )
    for number in range(9):
        await add_order(app, purchase_id, f"extra{number}", [(1, "", 1)], point="Центр")

    card = await console.say("/purchase 1")
    assert "Заказы (12)]" in card and "Выгрузки]" in card
    assert "Товары на 12\u00a0940\u00a0₽" in card
    out = without_margin(await console.say(button_number(card, "Заказы")))
    assert "Заказы «Осень» (12), страница 1 из 2:" in out
    paid = "к оплате 3\u00a0645,50\u00a0₽, оплачено 1\u00a0000\u00a0₽"
    assert (
        f"1. {anna.number} · Anna · 3 шт. · {paid} · Центр\n"
        "   ✎ Платье синее, 42: цвет потемнее\n2."
    ) in out
    assert (
        f"2. {boris.number} · Boris · 1 шт. · к оплате 1\u00a0383,50\u00a0₽ (скидка 100\u00a0₽ "
        "по промокоду BLOG10), оплачено 1\u00a0500\u00a0₽ · Север\n3."
    ) in out
    # Two notes of an order in the list, the rest in the distribution export.
    assert (
        f"3. {yana.number} · Yana · 3 шт. · к оплате 3\u00a0645,50\u00a0₽, оплачено 0\u00a0₽ · "
        "пункт не выбран\n"
        "   ✎ Платье синее, 42: длиннее\n"
        "   ✎ Платье синее, 44: к празднику\n"
        "   …ещё 1 примечание — все в выгрузке для раздачи\n4."
    ) in out
    assert "отменил" not in out
    out = await console.say("#1")
    assert "страница 2 из 2" in out and "11. " in out and "12. " in out

    out = await console.say("/purchase 1")
    out = await console.say(button_number(out, "Выгрузки"))
    assert "[#1 Поставщику, CSV] [#2 Поставщику, XLSX]" in out
    out = await console.say("#1")
    assert "Заказ поставщику по «Осень», заказов: 12." in out
    assert "📎 Осень №1 — поставщику.csv" in out
    rows = list(
        csv.reader(
            io.StringIO((tmp_path / "Осень №1 — поставщику.csv").read_text("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows == [
        ["Товар", "Артикул", "Размер", "Количество", "Цена", "Сумма", "Примечания покупателей"],
        [
            "Платье синее",
            "PL-1",
            "42",
            "3",
            "1290,00",
            "3870,00",
            "длиннее ×1; цвет потемнее ×2",
        ],
        ["Платье синее", "PL-1", "44", "1", "1290,00", "1290,00", "к празднику ×1"],
        ["Платье синее", "PL-1", "46", "1", "1290,00", "1290,00", ""],
        ["Шарф", "", "", "11", "590,00", "6490,00", "в подарочной упаковке ×1"],
        ["Итого", "", "", "16", "", "12940,00", ""],
    ]

    await console.say("#2")
    sheet = openpyxl.load_workbook(tmp_path / "Осень №1 — поставщику.xlsx").active
    assert sheet.title == "Поставщику"
    assert sheet["A1"].value == "Покупка «Осень» (№1)"  # the title row names the purchase
    assert [c.value for c in sheet[3]] == [
        "Платье синее",
        "PL-1",
        "42",
        3,
        1290,
        3870,
        "длиннее ×1; цвет потемнее ×2",
    ]
    assert [c.value for c in sheet[7]] == ["Итого", None, None, 16, None, 12940, None]

    out = await console.say("#3")
    assert "Список раздачи по «Осень», заказов: 12." in out
    rows = list(
        csv.reader(
            io.StringIO((tmp_path / "Осень №1 — раздача.csv").read_text("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[0] == DISTRIBUTION_HEADERS
    # Boris: 1 290 + 15 % - the code's 100 = 1 383,50; paid 1 500, so 116,50 to refund.
    assert rows[1] == [
        "Север, пр. Мира, 10",
        "Boris",
        "console",
        boris.number,
        "Платье синее",
        "PL-1",
        "46",
        "1",
        "1290,00",
        "1290,00",
        "",
        "1290,00",
        "193,50",
        "100,00",
        "BLOG10",
        "0,00",
        "1383,50",
        "1500,00",
        "0,00",
        "116,50",
    ]
    assert rows[2] == [
        "Центр, ул. Ленина, 1",
        "Anna",
        "console",
        anna.number,
        "Платье синее",
        "PL-1",
        "42",
        "2",
        "1290,00",
        "2580,00",
        "цвет потемнее",
        "3170,00",
        "475,50",
        "0,00",
        "",
        "0,00",
        "3645,50",
        "1000,00",
        "2645,50",
        "0,00",
    ]
    assert rows[3][:5] == ["Центр, ул. Ленина, 1", "Anna", "console", anna.number, "Шарф"]
    assert rows[3][10:] == [""] * 10
    assert [row[10] for row in rows[-4:-1]] == ["длиннее", "к празднику", "в подарочной упаковке"]
    assert rows[-2][:4] == ["пункт не выбран", "Yana", "console", yana.number]
    assert rows[-1] == [
        "Итого",
        *[""] * 10,
        "12940,00",
        "1941,00",
        "100,00",
        "",
        "0,00",
        "14781,00",
        "2500,00",
        "12397,50",  # what buyers still owe...
        "116,50",  # ...and what goes back, never netted
    ]
    assert all(row[1] != "Gone" for row in rows)

    await console.say("#4")
    sheet = openpyxl.load_workbook(tmp_path / "Осень №1 — раздача.xlsx").active
    assert [c.value for c in sheet[3]][:4] == [
        "Центр, ул. Ленина, 1",
        "Anna",
        "console",
        anna.number,
    ]
    assert [c.value for c in sheet[3]][10:] == [
        "цвет потемнее",
        3170,
        475.5,
        0,
        None,
        0,
        3645.5,
        1000,
        2645.5,
        0,
    ]
    assert [c.value for c in sheet[2]][14:] == ["BLOG10", 0, 1383.5, 1500, 0, 116.5]
    assert [c.value for c in sheet[sheet.max_row]][11:] == [
        12940,
        1941,
        100,
        None,
        0,
        14781,
        2500,
        12397.5,
        116.5,
    ]
    assert sheet.max_row == len(rows)

    await console.say("/lang en")
    out = await console.say("/purchase 1")
    out = without_margin(await console.say(button_number(out, "Orders")))
    assert (
        "due 1,383.50\u00a0₽ (discount 100\u00a0₽ with promo code BLOG10), paid 1,500\u00a0₽" in out
    )
    assert "   ✎ Платье синее, 42: цвет потемнее" in out
    assert "   …and 1 more note: all of them are in the distribution export" in out
    out = await console.say("/purchase 1")
    await console.say(button_number(out, "Exports"))
    out = await console.say("#1")
    assert 'Supplier order for "Осень", orders: 12.' in out
    rows = list(
        csv.reader(io.StringIO((tmp_path / "Осень #1 - supplier.csv").read_text("utf-8-sig")))
    )
    assert rows[0] == ["Item", "Article", "Size", "Quantity", "Price", "Sum", "Buyers' notes"]
    assert rows[1][-3:] == ["1290.00", "3870.00", "длиннее ×1; цвет потемнее ×2"]
    await console.say("#3")
    rows = list(
        csv.reader(io.StringIO((tmp_path / "Осень #1 - distribution.csv").read_text("utf-8-sig")))
    )
    assert rows[0][1:3] == ["Buyer", "Contact"]
    assert rows[0][10:] == [
        "Note",
        "Order items",
        "Organizer fee",
        "Discount",
        "Promo code",
        "Transport",
        "Due",
        "Paid",
        "Still owed",
        "To refund",
    ]
    assert rows[-1][-2:] == ["12397.50", "116.50"]


# --- forged buttons ------------------------------------------------------------------------------


async def test_another_organizers_purchase_is_refused_and_unchanged(
    app: App, console: ConsoleSession
) -> None:
    purchase_id = await console_shop(app, console)
    await move(console, purchase_id, PurchaseStatus.OPEN)
    await add_order(app, purchase_id, "buyer1", [(0, "42", 1)])
    dress_id = (await items_of(app, purchase_id))[0].id
    await become_organizer(console, "rival", "Конкурент")

    forged = [
        PurchaseView(purchase_id=purchase_id),
        StatusMove(purchase_id=purchase_id, status=PurchaseStatus.STOPPED, confirmed=True),
        StatusMove(purchase_id=purchase_id, status=PurchaseStatus.CANCELLED, confirmed=False),
        OrdersPage(purchase_id=purchase_id, page=0),
        ExportMenu(purchase_id=purchase_id),
        ExportFile(purchase_id=purchase_id, shape="distribution", fmt="xlsx"),
        AdminItemsPage(purchase_id=purchase_id, page=0),
        AddItems(purchase_id=purchase_id, mode="paste"),
    ]
    for payload in forged:
        out = await press(app, "rival", payload)
        assert out == "Такой покупки у вас нет. Ваши покупки — /mypurchases.", payload
    out = await press(app, "rival", ItemToggle(item_id=dress_id, active=False, page=0))
    assert "Такого товара в ваших покупках нет" in out
    out = await console.say(f"/purchase {purchase_id}")
    assert "Такой покупки у вас нет" in out

    (purchase,) = await purchases_in_db(app)
    assert purchase.status is PurchaseStatus.OPEN
    assert all(item.active for item in await items_of(app, purchase_id))
    assert await outbox(app) == []
    rival = await organizer_row(app, "rival")
    async with app.session_factory() as session:
        assert await session.get(DialogState, rival.user_id) is None
        changes = await session.scalar(select(func.count()).select_from(PurchaseStatusChange))
    assert changes == 2

    # Buyers are not organizers; malformed or stale payloads are refused politely.
    assert "Эта команда — для организаторов" in await press(
        app, "buyer1", PurchaseView(purchase_id=purchase_id)
    )
    assert "Эта команда — для организаторов" in await console.say(":as buyer1", "/mypurchases")
    for raw in (f"pas:{purchase_id}:flying:1", "pav:0", "pav:-1", "pax:1:supplier:pdf", "pao:1:-3"):
        assert "Эта кнопка устарела или повреждена" in await press(app, "organizer", raw)
    out = await press(app, "organizer", FormChoice(step="fee", value="1500"))
    assert "Эта кнопка уже не к месту" in out


async def test_items_dialog_ends_when_the_purchase_is_stopped_meanwhile(
    app: App, console: ConsoleSession
) -> None:
    purchase_id = await console_shop(app, console, points=False)
    await move(console, purchase_id, PurchaseStatus.OPEN)
    out = await console.say("/purchase 1", "#4")
    assert "Добавьте товары в «Осень»" in out
    await move(console, purchase_id, PurchaseStatus.STOPPED)
    out = await console.say("Шапка; 700")
    assert "Товары меняются только в черновике и во время сбора заказов" in out
    assert "сейчас в статусе «стоп»" in out
    assert len(await items_of(app, purchase_id)) == 2
    async with app.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(DialogState)) == 0
    out = await console.say("Шапка; 700")
    assert "Я не понял сообщение" in out


async def test_a_form_left_until_its_stop_date_asks_for_dates_again(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await become_organizer(console)
    await console.say("/newpurchase", "Осень", "#1", "#1", "#8", "15", "1.12", "5.12")
    clock.advance(days=9)  # 2 December: the stop date has passed meanwhile
    out = await console.say("#1")
    assert "Эта дата уже прошла. Самая ранняя возможная — 02.12.2026." in out
    assert "Дата стопа" in out
    assert await purchases_in_db(app) == []
    await console.say("10.12", "15.12")
    out = await console.say("#1")
    assert "Покупка №1 «Осень» создана" in out and "стоп 10.12.2026, оплата до 15.12.2026" in out
    (purchase,) = await purchases_in_db(app)
    assert (purchase.title, purchase.fee_bp, purchase.category) == ("Осень", 1500, "")


def test_every_status_and_category_has_texts_in_every_language() -> None:
    texts = Texts()
    for lang in LANGUAGES:
        for status in PurchaseStatus:
            label = texts.get(lang, "purchase-admin-status", status=status.value)
            assert label and label != "purchase-admin-status"
            if status is not PurchaseStatus.DRAFT:
                assert texts.has(f"purchase-admin-notify-{status.value}", lang)
                assert texts.get(lang, "purchase-admin-move", status=status.value)
        for slug in CATEGORY_SLUGS:
            assert texts.has(f"purchase-admin-category-{slug}", lang)
        for shape in ("supplier", "distribution"):
            columns = texts.get(lang, f"purchase-admin-export-{shape}-columns").split("|")
            assert len(columns) == (7 if shape == "supplier" else 20)
    statuses = {texts.get("ru", "purchase-admin-status", status=s.value) for s in PurchaseStatus}
    assert len(statuses) == len(PurchaseStatus)
