"""Purchases an organizer can correct, through the console: "Back" at every step of
/newpurchase, every field of a draft and of its items edited, the open purchase's rules (safe
fields only, buyers told, an ordered item's price kept), drafts deleted, closed and cancelled
purchases moved from the working lists to the archive, and stale buttons answered politely."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.app import App
from domain.clock import FrozenClock
from domain.lifecycle import PurchaseStatus
from handlers.buyer.catalog import PurchaseCard
from handlers.organizer.kit import (
    AddItems,
    AdminItemsPage,
    ArchivePage,
    DraftDelete,
    FormBack,
    ItemEdit,
    ItemEditField,
    PurchaseEditClear,
    PurchaseEditField,
    PurchaseEditMenu,
    PurchaseView,
)
from storage.models import DialogState, Purchase, PurchaseItem
from tests.support.drivers import ConsoleSession, button_number
from tests.support.queries import count, purchases_in_db
from tests.support.steps import ITEMS, QUICK, become_organizer, console_shop, move, place_socks

NBSP = "\u00a0"


async def purchase_row(app: App, purchase_id: int) -> Purchase:
    async with app.session_factory() as session:
        purchase = await session.get(Purchase, purchase_id)
        assert purchase is not None
        return purchase


async def items_of(app: App, purchase_id: int) -> list[PurchaseItem]:
    async with app.session_factory() as session:
        stmt = select(PurchaseItem).where(PurchaseItem.purchase_id == purchase_id)
        return list(await session.scalars(stmt.order_by(PurchaseItem.position)))


async def draft_with_items(console: ConsoleSession) -> int:
    """`QUICK` with `ITEMS`, left a draft ("Готово" shows its card)."""
    await become_organizer(console)
    out = await console.say(QUICK, ITEMS, "#1")
    assert "Статус: черновик" in out, out
    return (await purchases_in_db(console.app))[-1].id


async def edit(console: ConsoleSession, purchase_id: int, field: str, typed: str) -> str:
    asked = await console.press_payload(PurchaseEditField(purchase_id=purchase_id, field=field))
    assert "Сейчас:" in asked, asked
    return await console.say(typed)


# --- "Back" in /newpurchase ----------------------------------------------------------------------


async def test_back_at_every_step_keeps_what_was_typed_and_saves_no_stray_word(
    app: App, console: ConsoleSession
) -> None:
    await become_organizer(console)
    out = await console.say("/newpurchase", "Осень", "Тёплые вещи", "Orby", "#1", "#3", "1.12")
    out = await console.say("5.12")
    assert "Минимальная сумма заказа у поставщика" in out

    # Back through every step, typed and pressed in turn: each asks the step before again,
    # showing what was typed there.
    out = await console.say("назад")
    assert "Оплатить до какого дня?" in out and "Сейчас: 05.12.2026" in out
    out = await console.say(button_number(out, "« Назад"))
    assert "Дата стопа" in out and "Сейчас: 01.12.2026" in out
    out = await console.say("Back")
    assert "Оргсбор в процентах" in out and f"Сейчас: 15{NBSP}%" in out
    assert f"[#3 15{NBSP}%]" in out and "[#5 « Назад]" in out  # the fee buttons stay
    out = await console.say(button_number(out, "« Назад"))
    assert "Категория: выберите" in out and "Сейчас: Одежда" in out
    out = await console.say("  НАЗАД ")
    assert "Поставщик (название или сайт)" in out and "Сейчас: Orby" in out
    out = await console.say(button_number(out, "« Назад"))
    assert "Описание для покупателей" in out and "Сейчас: Тёплые вещи" in out
    out = await console.say("назад")
    assert "Как она называется?" in out and "Сейчас: Осень" in out
    assert "« Назад" not in out  # nothing before the first step
    out = await console.say("назад")
    assert "Это первый шаг" in out and "Как она называется?" in out
    assert await purchases_in_db(app) == []

    # A Back button of another step is stale and changes nothing.
    out = await console.press_payload(FormBack(step="pay"))
    assert "Эта кнопка уже не к месту" in out
    async with app.session_factory() as session:
        (state,) = await session.scalars(select(DialogState))
    assert (state.dialog, state.step) == ("new_purchase", "title")

    # Forward again, changing some answers: the others are kept.
    out = await console.say("Осенняя одежда")
    assert "Сейчас: Тёплые вещи" in out
    out = await console.say("#1")  # skip the description this time
    assert "Сейчас: Orby" in out
    out = await console.say("Ивановский трикотаж", "#2", "20", "2.12", "6.12")
    assert "Минимальная сумма" in out
    out = await console.say("назад")  # the bug: "назад" at a step was saved as its value
    assert "Оплатить до какого дня?" in out
    out = await console.say("6.12", "30 000")
    assert "Покупка №1 «Осенняя одежда» создана" in out

    (purchase,) = await purchases_in_db(app)
    assert (purchase.title, purchase.description, purchase.supplier, purchase.category) == (
        "Осенняя одежда",
        "",
        "Ивановский трикотаж",
        "Обувь",
    )
    assert (purchase.fee_bp, purchase.min_total_kop) == (2000, 3_000_000)
    assert "назад" not in repr(purchase.__dict__).casefold()

    # The one-line form is untouched by all this.
    out = await console.say("/cancel", QUICK)
    assert "Покупка №2 «Осень» создана" in out


async def test_back_word_on_the_english_side(app: App, console: ConsoleSession) -> None:
    await become_organizer(console)
    out = await console.say("/lang en", "/newpurchase", "Autumn", "Warm things", "back")
    assert "Now: Warm things" in out and "« Back" in out
    assert await purchases_in_db(app) == []


# --- a draft: every field --------------------------------------------------------------------


async def test_every_field_of_a_draft_and_of_its_items_is_edited(
    app: App, console: ConsoleSession
) -> None:
    purchase_id = await draft_with_items(console)
    out = await console.press_payload(PurchaseView(purchase_id=purchase_id))
    assert "✏️ Редактировать" in out and "🗑 Удалить черновик" in out
    out = await console.press_payload(PurchaseEditMenu(purchase_id=purchase_id))
    assert "Пока это черновик, можно менять всё" in out
    assert "• Поставщик: Orby" in out and "• Раздача: (пусто)" in out

    cases = [
        ("title", "Зимняя одежда", "title", "Зимняя одежда"),
        ("description", "Размеры маломерят", "description", "Размеры маломерят"),
        ("supplier", "Ивановский трикотаж", "supplier", "Ивановский трикотаж"),
        ("category", "Трикотаж", "category", "Трикотаж"),
        ("fee", "12,5", "fee_bp", 1250),
        ("min", "30 000", "min_total_kop", 3_000_000),
        ("pickup", "ТЦ Радуга, 10–12 декабря", "pickup_note", "ТЦ Радуга, 10–12 декабря"),
    ]
    for field, typed, attribute, expected in cases:
        out = await edit(console, purchase_id, field, typed)
        assert "Готово:" in out and "Сообщили" not in out, out
        assert getattr(await purchase_row(app, purchase_id), attribute) == expected, field
    assert "Раздача: ТЦ Радуга, 10–12 декабря" in out  # the card shows the pickup note

    # A bad value keeps the step and the old value; "назад" leaves without saving.
    out = await edit(console, purchase_id, "fee", "70")
    assert "Оргсбор больше 50 %" in out
    out = await console.say("назад")
    assert "Что изменить в «Зимняя одежда»?" in out
    assert (await purchase_row(app, purchase_id)).fee_bp == 1250
    assert await count(app, DialogState) == 0

    # Optional fields are emptied with "-" or the Clear button.
    out = await edit(console, purchase_id, "supplier", "-")
    assert "Поставщик в «Зимняя одежда» — (пусто)" in out
    await console.press_payload(PurchaseEditField(purchase_id=purchase_id, field="min"))
    out = await console.press_payload(PurchaseEditClear(purchase_id=purchase_id, field="min"))
    assert "Минимум в «Зимняя одежда» — (пусто)" in out
    purchase = await purchase_row(app, purchase_id)
    assert (purchase.supplier, purchase.min_total_kop) == ("", None)
    # A title can't be cleared: "-" is a (too short) title, refused.
    out = await edit(console, purchase_id, "title", "-")
    assert "Название — от 2 до 200 символов" in out
    await console.say("/cancel")
    out = await console.press_payload(PurchaseEditClear(purchase_id=purchase_id, field="title"))
    assert "Эта кнопка уже не к месту" in out
    assert (await purchase_row(app, purchase_id)).title == "Зимняя одежда"

    # Items: name, price, sizes.
    out = await console.press_payload(AdminItemsPage(purchase_id=purchase_id, page=0))
    assert "[#3 ✏️ №1] [#4 ✏️ №2]" in out
    dress, scarf = await items_of(app, purchase_id)
    out = await console.press_payload(ItemEdit(item_id=dress.id, page=0))
    assert "Товар «Платье синее»: цена 1" in out and "размеры: 42, 44, 46" in out
    for field, typed, attribute, expected in [
        ("name", "Платье красное", "name", "Платье красное"),
        ("price", "1 390,50", "price_kop", 139_050),
        ("sizes", "S, M, s", "sizes", ["S", "M"]),
    ]:
        await console.press_payload(ItemEditField(item_id=dress.id, field=field, page=0))
        out = await console.say(typed)
        assert "Готово. Товар «" in out and "Товары «Зимняя одежда»" in out, out
        item = (await items_of(app, purchase_id))[0]
        assert getattr(item, attribute) == expected, field
    await console.press_payload(ItemEditField(item_id=scarf.id, field="price", page=0))
    out = await console.say("бесплатно")
    assert "цена не похожа на число" in out
    out = await console.say("назад")
    assert "Товар «Шарф»: цена 590" in out
    await console.press_payload(ItemEditField(item_id=dress.id, field="sizes", page=0))
    await console.say("-")
    assert (await items_of(app, purchase_id))[0].sizes == []
    assert (await items_of(app, purchase_id))[1].price_kop == 59_000


# --- an open purchase ----------------------------------------------------------------------------


async def test_an_open_purchase_changes_only_safe_fields_and_tells_its_buyers(
    app: App, console: ConsoleSession
) -> None:
    purchase_id = await console_shop(app, console)
    await move(console, purchase_id, PurchaseStatus.OPEN)
    await console.say(":as buyer")
    await place_socks(console, purchase_id)  # the scarf, item 2
    await console.say(":as organizer")

    out = await console.press_payload(PurchaseEditMenu(purchase_id=purchase_id))
    assert "меняются только описание и раздача" in out
    assert "• Описание" in out and "• Раздача" in out and "• Оргсбор" not in out
    for field in ("title", "supplier", "category", "fee", "min"):
        out = await console.press_payload(PurchaseEditField(purchase_id=purchase_id, field=field))
        assert "меняется только в черновике" in out and "«сбор заказов»" in out, field
    assert await count(app, DialogState) == 0

    out = await edit(console, purchase_id, "description", "Ткань плотная")
    assert "Готово: Описание" in out and "Сообщили" not in out
    out = await edit(console, purchase_id, "pickup", "ТЦ Радуга, 10–12 декабря, 10–20")
    assert "Сообщили 1 покупателю с заказом" in out
    await console.adapter.deliver_outbox()
    assert "📨 to buyer: 📍 Покупка «Осень»: организатор обновил информацию о раздаче" in (
        console.transcript
    )
    assert "ТЦ Радуга, 10–12 декабря, 10–20" in console.transcript.split("📨 to buyer: 📍")[-1]
    # The buyer's card shows it too.
    out = await console.say(":as buyer", f"/start p_{purchase_id}", ":as organizer")
    assert "Раздача: ТЦ Радуга, 10–12 декабря, 10–20" in out

    # The payment deadline moved while collecting: buyers with orders hear of it.
    out = await console.press_payload(PurchaseView(purchase_id=purchase_id))
    out = await console.say(button_number(out, "✏️ Редактировать"))
    out = await console.say(button_number(out, "📅 Даты"))
    await console.say(button_number(out, "📅 Изменить срок оплаты"), "7.12")
    await console.adapter.deliver_outbox()
    assert "срок оплаты перенесён — до 07.12.2026" in console.transcript

    # The ordered scarf keeps its price; the dress nobody ordered may still change.
    dress, scarf = await items_of(app, purchase_id)
    out = await console.press_payload(ItemEdit(item_id=scarf.id, page=0))
    assert "На этот товар уже есть заказы" in out
    out = await console.press_payload(ItemEditField(item_id=scarf.id, field="price", page=0))
    assert "Цену «Шарф» изменить нельзя" in out and "покупатели согласились на 590" in out
    assert "добавить новый товар" in out and "отменить заказанные строки" in out
    out = await console.press_payload(ItemEditField(item_id=scarf.id, field="name", page=0))
    assert "Название «Шарф» не меняется" in out
    assert await count(app, DialogState) == 0
    await console.press_payload(ItemEditField(item_id=dress.id, field="price", page=0))
    out = await console.say("1 190")
    assert "цена 1" in out and "190" in out
    assert [i.price_kop for i in await items_of(app, purchase_id)] == [119_000, 59_000]

    # An order arriving between the button and the typed price: refused then, too.
    await console.press_payload(ItemEditField(item_id=dress.id, field="price", page=0))
    await console.say(":as buyer", f"/start p_{purchase_id}", "#1", "1", "42", "1", "-", "#3")
    out = await console.say("#1", ":as organizer", "999")
    assert "Цену «Платье синее» изменить нельзя" in out
    assert [i.price_kop for i in await items_of(app, purchase_id)] == [119_000, 59_000]
    assert await count(app, DialogState) == 0

    # Nothing to delete: an open purchase is cancelled, not deleted.
    out = await console.press_payload(DraftDelete(purchase_id=purchase_id, confirmed=True))
    assert "Удалить можно только черновик" in out
    assert (await purchase_row(app, purchase_id)).deleted_at is None


# --- deleting a draft --------------------------------------------------------------------------


async def test_a_draft_is_deleted_after_confirmation_and_its_buttons_answer_politely(
    app: App, console: ConsoleSession
) -> None:
    purchase_id = await draft_with_items(console)
    (dress, _scarf) = await items_of(app, purchase_id)
    out = await console.press_payload(DraftDelete(purchase_id=purchase_id, confirmed=False))
    assert "Удалить черновик «Осень» вместе с 2 товарами? Вернуть его будет нельзя." in out
    assert (await purchase_row(app, purchase_id)).deleted_at is None
    out = await console.press_payload(DraftDelete(purchase_id=purchase_id, confirmed=True))
    assert "Черновик «Осень» удалён" in out
    assert "У вас пока нет покупок" in out
    assert (await purchase_row(app, purchase_id)).deleted_at is not None

    stale = [
        PurchaseView(purchase_id=purchase_id),
        PurchaseEditMenu(purchase_id=purchase_id),
        PurchaseEditField(purchase_id=purchase_id, field="title"),
        DraftDelete(purchase_id=purchase_id, confirmed=True),
        AddItems(purchase_id=purchase_id, mode="paste"),
        AdminItemsPage(purchase_id=purchase_id, page=0),
    ]
    for payload in stale:
        out = await console.press_payload(payload)
        assert "Черновик «Осень» удалён — эта кнопка больше не работает" in out, payload
    out = await console.press_payload(ItemEdit(item_id=dress.id, page=0))
    assert "Такого товара в ваших покупках нет" in out
    out = await console.say(f"/purchase {purchase_id}")
    assert "эта кнопка больше не работает" in out
    out = await console.say(f"/start p_{purchase_id}")
    assert "Такой покупки нет или она ещё не открыта" in out
    out = await console.press_payload(PurchaseCard(purchase_id=purchase_id))
    assert "Такой покупки нет или она ещё не открыта" in out
    assert await count(app, DialogState) == 0

    # An edit dialog left open on a draft deleted meanwhile ends with a word.
    second = await draft_with_items(console)
    await console.press_payload(PurchaseEditField(purchase_id=second, field="title"))
    await console.press_payload(DraftDelete(purchase_id=second, confirmed=True))
    assert await count(app, DialogState) == 0
    third = await draft_with_items(console)
    await console.press_payload(PurchaseEditField(purchase_id=third, field="title"))
    async with app.session_factory() as session, session.begin():
        purchase = await session.get(Purchase, third)
        assert purchase is not None
        purchase.deleted_at = purchase.created_at  # deleted from another device
    out = await console.say("Новое название")
    assert "Этой покупки больше нет среди ваших" in out
    assert await count(app, DialogState) == 0
    assert (await purchase_row(app, third)).title == "Осень"


# --- the archive --------------------------------------------------------------------------------


async def test_cancelled_and_closed_purchases_leave_the_lists_for_the_archive(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    opened = await console_shop(app, console)
    await move(console, opened, PurchaseStatus.OPEN)
    # Six drafts cancelled an hour apart, then the open one closed: seven in the archive.
    cancelled = []
    for number in range(6):
        out = await console.say(QUICK.replace("Осень", f"Отмена {number}"), ITEMS, "#1")
        cancelled.append((await purchases_in_db(app))[-1].id)
        clock.advance(hours=1)
        await move(console, cancelled[-1], PurchaseStatus.CANCELLED)
    for status in (
        PurchaseStatus.STOPPED,
        PurchaseStatus.PAYMENT,
        PurchaseStatus.ORDERED,
        PurchaseStatus.ARRIVED,
        PurchaseStatus.DISTRIBUTION,
        PurchaseStatus.CLOSED,
    ):
        clock.advance(hours=1)
        await move(console, opened, status)
    out = await console.say(QUICK.replace("Осень", "Весна"), ITEMS, "#1")
    out = await console.say("/mypurchases")
    assert "Мои покупки (1)" in out and "«Весна» — черновик" in out
    assert "Отмена" not in out and "«Осень»" not in out
    assert "🗄 Архив (7)" in out

    out = await console.press_payload(ArchivePage(page=0))
    assert "Архив: закрытые и отменённые покупки (7), страница 1 из 2" in out
    entries = re.findall(r"№(\d+) «([^»]+)» — (закрыта|отменена)", out)
    assert [title for _, title, _ in entries] == [
        "Осень",
        "Отмена 5",
        "Отмена 4",
        "Отмена 3",
        "Отмена 2",
    ]
    out = await console.press_payload(ArchivePage(page=1))
    entries = re.findall(r"№(\d+) «([^»]+)» — (закрыта|отменена)", out)
    assert [title for _, title, _ in entries] == ["Отмена 1", "Отмена 0"]
    assert "страница 2 из 2" in out

    # An archived purchase's card still opens; nothing in it is edited any more.
    out = await console.press_payload(PurchaseView(purchase_id=opened))
    assert "Статус: закрыта" in out and "✏️ Редактировать" not in out
    out = await console.press_payload(PurchaseEditMenu(purchase_id=opened))
    assert "ничего не меняется" in out
    out = await console.press_payload(PurchaseEditField(purchase_id=opened, field="pickup"))
    assert "меняется только в черновике" in out

    # Buyers' catalogue: neither the cancelled nor the closed one.
    out = await console.say(":as buyer", "/purchases")
    assert "Сейчас нет открытых покупок" in out


async def test_only_the_archive_left(app: App, console: ConsoleSession) -> None:
    purchase_id = await draft_with_items(console)
    await move(console, purchase_id, PurchaseStatus.CANCELLED)
    out = await console.say("/mypurchases")
    assert "Текущих покупок нет" in out and "🗄 Архив (1)" in out
    out = await console.say(button_number(out, "🗄 Архив"))
    assert "№1 «Осень» — отменена 23.11.2026" in out


OPEN_TO_CLOSED = (
    PurchaseStatus.OPEN,
    PurchaseStatus.STOPPED,
    PurchaseStatus.PAYMENT,
    PurchaseStatus.ORDERED,
    PurchaseStatus.ARRIVED,
    PurchaseStatus.DISTRIBUTION,
)


async def test_the_card_and_its_edit_menu_fit_one_vk_keyboard_in_every_status(
    app: App, console: ConsoleSession
) -> None:
    """A VK inline keyboard holds ten buttons; more would spill into a second message."""
    purchase_id = await console_shop(app, console, points=False)
    await place_socks(console, purchase_id)
    await console.say(":as organizer")
    for status in (None, *OPEN_TO_CLOSED):
        if status is not None:
            await move(console, purchase_id, status)
        out = await console.say(f"/purchase {purchase_id}")
        assert len(re.findall(r"\[#\d+ ", out)) <= 10, out
        edit = re.findall(r"\[(#\d+) ✏️ Редактировать", out)
        if edit:
            menu = await console.say(edit[-1])
            assert len(re.findall(r"\[#\d+ ", menu)) <= 10, menu
