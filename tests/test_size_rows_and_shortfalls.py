"""Issue 21, how a purchase really gets bought: size rows and what the supplier did not send.

One purchase played in the console from the organizer's paste to the second buy-out, every
money result checked against the worked table below, in every view that shows it (the
order's state from domain/balance.py, /reconcile's rows, the distribution export).

The purchase "Ряды", organizer fee 10 %:
    Платье 1 000 ₽, sold by rows of 42-44-46-48;  Шарф 500 ₽.

Orders, in this order (rows are assembled oldest order first):
    Анна:  Платье 44 ×2, Платье 42 ×1, Шарф ×1
    Борис: Платье 46 ×2, Платье 48 ×1, Шарф ×2
    row 1: 42 Анна, 44 Анна, 46 Борис, 48 Борис             -> filled
    row 2: 42 free, 44 Анна, 46 Борис, 48 free              -> dropped at the stop

                            items     fee     due    paid   refund
    Анна  placed            3 500     350   3 850
          row 2 dropped     2 500     250   2 750   2 750       0    (44 ×1 not bought)
          Шарф not in stock 2 000     200   2 200   2 750     550    -> kept as credit
    Борис placed            4 000     400   4 400
          row 2 dropped     3 000     300   3 300   3 300       0    (46 ×1 not bought)
          48 short-shipped  2 000     200   2 200   3 300   1 100
          Шарф ×1 replaced
          by "синий", refused 1 500   150   1 650   3 300   1 650    -> refunded from /reconcile
    Анна's 42 replaced by "40", accepted: no change.

Next purchase of the same organizer, "Носки" 100 ₽, fee 10 %: Анна orders 3:
    items 300, fee 30, due 330; her credit 550 pays 330 (confirmed 330, owed 0), 220 stays.
"""

from __future__ import annotations

import csv
import io
from dataclasses import astuple, dataclass

from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import App
from bot.services.shortfalls import KeepCredit, ReplacementAnswer
from domain.lifecycle import PurchaseStatus
from domain.size_rows import RowDecision
from handlers.organizer.kit import AdminItemsPage, ExportFile, StatusMove
from handlers.organizer.shortfalls import (
    RowDecide,
    RowsMenu,
    ShortfallLine,
    ShortfallMark,
    ShortfallsPage,
)
from storage.models import BuyerCredit, Order, OrderLine, User
from storage.uow import UnitOfWork
from tests.support.drivers import ConsoleSession, button_number, press_replies
from tests.support.queries import purchases_in_db
from tests.support.steps import become_organizer, move
from tests.support.texts import rub

FEE_QUICK = "/newpurchase {title}; Orby; Одежда; сбор 10%; стоп 01.12.2026; оплата 05.12.2026"
ITEMS = "Платье; 1000; ряд 42,44,46,48; PL-1\nШарф; 500"


@dataclass(frozen=True)
class Expect:
    """One row of the worked table, in kopecks."""

    items: int
    fee: int
    due: int
    confirmed: int
    owed: int
    refund: int


async def order_of(app: App, purchase_id: int, buyer: str) -> Order:
    async with app.session_factory() as session:
        order = await session.scalar(
            select(Order)
            .join(User, User.id == Order.buyer_id)
            .where(Order.purchase_id == purchase_id, User.external_id == buyer)
        )
        assert order is not None
        return order


async def check(app: App, purchase_id: int, buyer: str, expected: Expect) -> Order:
    """The order's money as every view computes it equals the table's row."""
    order = await order_of(app, purchase_id, buyer)
    async with app.session_factory() as session:
        uow = UnitOfWork(session)
        fresh = (await uow.payments.orders([order.id]))[order.id]
        state = (await uow.refunds.moneys([fresh]))[fresh.id]
        got = (
            fresh.items_total_kop,
            fresh.fee_kop,
            state.due,
            state.confirmed,
            state.owed,
            state.refund,
        )
        assert got == astuple(expected), f"order_money of {buyer}"
        row = next(
            r for r in await uow.payments.reconciliation(purchase_id) if r.order_id == order.id
        )
        assert (
            row.items_kop,
            row.fee_kop,
            row.money.due,
            row.confirmed_kop,
            row.owed_kop,
            row.refund_kop,
        ) == astuple(expected), f"reconciliation of {buyer}"
        exported = next(
            d
            for d in await uow.purchases.distribution_orders(purchase_id)
            if d.order_number == order.number
        )
        assert (
            exported.items_kop,
            exported.fee_kop,
            exported.money.due,
            exported.money.confirmed,
            exported.money.owed,
            exported.money.refund,
        ) == astuple(expected), f"distribution export of {buyer}"
    return order


async def place(console: ConsoleSession, buyer: str, purchase_id: int, picks: list[tuple]) -> str:
    """The buyer orders `picks` ((item number, size or None, quantity)) and confirms."""
    await console.say(f":as {buyer}", f"/start p_{purchase_id}", "#1")
    for index, (item, size, quantity) in enumerate(picks):
        if index:
            await console.say("#1")  # add an item
        steps = [str(item)] + ([size] if size else []) + [str(quantity), "-"]
        await console.say(*steps)
    out = await console.say("#3")  # confirm; the only pickup point is chosen by itself
    assert "Заказ оформлен" in out, out
    return out


async def pay(console: ConsoleSession, buyer: str, amount: str) -> None:
    """The buyer reports `amount` through /pay and the organizer confirms it."""
    await console.say(f":as {buyer}", "/pay", amount, "#1", "#1", "#1", "#1", "#1")
    listed = await console.say(":as organizer", "/payments")
    confirmed = await console.say("#1")
    assert "подтверждена" in confirmed, listed + confirmed


async def export_rows(console: ConsoleSession, purchase_id: int, shape: str) -> list[list[str]]:
    """The organizer's CSV export of `shape`, as rows of cells."""
    replies = await press_replies(
        console.app, "organizer", ExportFile(purchase_id=purchase_id, shape=shape, fmt="csv")
    )
    document = next(reply.document for reply in replies if reply.document is not None)
    text = document.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


async def credit_of(app: App, buyer: str) -> int:
    async with app.session_factory() as session:
        user = await session.scalar(select(User).where(User.external_id == buyer))
        assert user is not None
        rows = await session.scalars(select(BuyerCredit).where(BuyerCredit.buyer_id == user.id))
        return sum(row.amount_kop for row in rows)


async def lines_of(app: App, order: Order) -> list[OrderLine]:
    async with app.session_factory() as session:
        return list(
            await session.scalars(
                select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)
            )
        )


async def test_rows_shortfalls_replacements_and_a_credit(console: ConsoleSession) -> None:
    app = console.app
    await become_organizer(console)
    await console.say("/organizer", "#5", "#1", "Центр", "ул. Ленина, 1", "пн–пт 10–19")
    await console.say(FEE_QUICK.format(title="Ряды"), ITEMS, "#1")
    pid = (await purchases_in_db(app))[-1].id
    await move(console, pid, PurchaseStatus.OPEN)

    await place(console, "anna", pid, [(1, "44", 2), (1, "42", 1), (2, None, 1)])
    card = await console.say(f"/start p_{pid}")
    assert "ряд 1: 42 ✓, 44 ✓, 46 — свободно, 48 — свободно" in card
    assert "ряд 2: 42 — свободно, 44 ✓, 46 — свободно, 48 — свободно" in card
    await place(console, "boris", pid, [(1, "46", 2), (1, "48", 1), (2, None, 2)])
    card = await console.say(f"/start p_{pid}")
    # Row 1 is filled; the card shows the unfilled one, offers its free places, and warns.
    assert "2 ряда, собрано 1" in card
    assert "ряд 2: 42 — свободно, 44 ✓, 46 ✓, 48 — свободно" in card
    assert "Свободные места: 42, 48" in card
    assert "Позиция в несобранном ряду может быть не выкуплена" in card
    anna = await check(app, pid, "anna", Expect(350_000, 35_000, 385_000, 0, 385_000, 0))
    boris = await check(app, pid, "boris", Expect(400_000, 40_000, 440_000, 0, 440_000, 0))

    # --- the stop: row 2 is dropped ---
    await move(console, pid, PurchaseStatus.STOPPED)
    card = await console.say(":as anna", f"/start p_{pid}")
    # Ordering is over: the row's filling stays, no free places are offered any more.
    assert "ряд 2: 42 — свободно, 44 ✓, 46 ✓, 48 — свободно" in card
    assert "Свободные места" not in card
    card = await console.say(":as organizer", f"/purchase {pid}")
    refused = await console.press_payload(
        StatusMove(purchase_id=pid, status=PurchaseStatus.PAYMENT, confirmed=False)
    )
    assert "Сначала решите, что делать с несобранными рядами (1)" in refused
    rows = await console.say(button_number(card, "📏 Ряды (ждут решения: 1)"))
    assert "Платье — продаётся рядами (42, 44, 46, 48): 2 ряда, собрано 1" in rows
    assert "ряд 1" not in rows  # a filled row is counted, not listed
    assert "ряд 2: 42 — свободно, 44 ✓, 46 ✓, 48 — свободно" in rows
    asked = await console.say(button_number(rows, "Снять: Платье, ряд 2"))
    assert "Снять ряд 2 товара «Платье»? 2 позиции не будут выкуплены" in asked
    dropped = await console.say("#1")
    assert "Ряд 2 товара «Платье» снят. Изменено 2 заказа" in dropped
    assert "ряд 2: 42 — свободно, 44 ✓, 46 ✓, 48 — свободно — снят, не выкупается" in dropped
    told = console.transcript
    assert (
        f"Ряд 2 не собрался, и организатор его не выкупает: «Платье, 44» × 1 по заказу "
        f"{anna.number} («Ряды») не будет куплено."
    ) in told
    assert f"Заказ {anna.number}: товары {rub('2 500')} + оргсбор {rub('250')}" in told
    assert f"«Платье, 46» × 1 по заказу {boris.number}" in told
    await check(app, pid, "anna", Expect(250_000, 25_000, 275_000, 0, 275_000, 0))
    await check(app, pid, "boris", Expect(300_000, 30_000, 330_000, 0, 330_000, 0))
    # The same button again (a double tap, another device) changes nothing.
    item_id = (await lines_of(app, anna))[0].item_id
    again = await console.press_payload(
        RowDecide(item_id=item_id, row=2, decision=RowDecision.DROP, confirmed=True)
    )
    assert "Ряд 2 уже собран или решён" in again
    await check(app, pid, "anna", Expect(250_000, 25_000, 275_000, 0, 275_000, 0))

    # --- payment: each pays the new sum ---
    await move(console, pid, PurchaseStatus.PAYMENT)
    await pay(console, "anna", "2750")
    await pay(console, "boris", "3300")
    await check(app, pid, "anna", Expect(250_000, 25_000, 275_000, 275_000, 0, 0))
    await check(app, pid, "boris", Expect(300_000, 30_000, 330_000, 330_000, 0, 0))

    # The supplier sheet orders one row (the dropped pieces are not ordered); the
    # distribution sheet marks the lines not bought.
    supplier = await export_rows(console, pid, "supplier")
    assert ["Платье", "PL-1", "44", "1", "1000,00", "1000,00", ""] in supplier
    assert ["Платье", "PL-1", "рядов: 1", "", "", "", ""] in supplier
    assert supplier[-1][:4] == ["Итого", "", "", "7"]  # 4 dresses (one row) + 3 scarves
    # The order to forward to the supplier (the XLSX's second sheet) counts the rows too.
    replies = await press_replies(
        console.app, "organizer", ExportFile(purchase_id=pid, shape="supplier", fmt="xlsx")
    )
    book = load_workbook(io.BytesIO(next(r.document for r in replies if r.document).content))
    order_sheet = [[c.value for c in row] for row in book["Заказ поставщику"].iter_rows()]
    dresses = [row for row in order_sheet if row[1] == "Платье"]
    assert dresses == [
        ["PL-1", "Платье", "42", 1],
        ["PL-1", "Платье", "44", 1],
        ["PL-1", "Платье", "46", 1],
        ["PL-1", "Платье", "48", 1],
        ["PL-1", "Платье", "рядов: 1", None],
    ]
    distribution = await export_rows(console, pid, "distribution")
    # Columns: point, buyer, contact, order, item, article, size, quantity, price, sum, note.
    marked = [row for row in distribution if row[10] == "не выкуплено: 1"]
    assert [(row[3], row[6], row[7]) for row in marked] == [
        (anna.number, "44", "1"),
        (boris.number, "46", "1"),
    ]

    # --- ordered: what the supplier did not send ---
    await move(console, pid, PurchaseStatus.ORDERED)
    card = await console.say(":as organizer", f"/purchase {pid}")
    lines = await console.say(button_number(card, "📦 Недовложения"))
    assert "2. " + f"{anna.number} · anna · Платье, 44 × 2 (не выкуплено (ряд снят): 1)" in lines
    lines = await console.say(button_number(lines, "Разрешить оставлять переплату"))
    assert "Теперь покупатели могут оставлять переплату у вас" in lines

    # Анна's scarf is not in stock: 550 ₽ of what she paid is hers again.
    line = await console.say(button_number(lines, "№5"))
    assert f"Заказ {anna.number}: Шарф × 1, придёт 1." in line
    marked = await console.say(button_number(line, "Нет в наличии"))
    assert f"Отмечено: «Шарф» × 1 по заказу {anna.number} — нет в наличии" in marked
    assert f"к возврату {rub('550')}" in marked
    assert "«Шарф» × 1 — нет в наличии у поставщика" in marked
    assert f"Заказ {anna.number}: товары {rub('2 000')} + оргсбор {rub('200')}" in marked
    await check(app, pid, "anna", Expect(200_000, 20_000, 220_000, 275_000, 0, 55_000))

    # Борис's 48 was short-shipped.
    lines = await console.say(button_number(marked, "← К позициям"))
    line = await console.say(button_number(lines, "№4"))
    marked = await console.say(button_number(line, "Недовложение"))
    assert "«Платье, 48» × 1 — поставщик не доложил" in marked
    await check(app, pid, "boris", Expect(200_000, 20_000, 220_000, 330_000, 0, 110_000))

    # Борис's scarves: one came in blue instead; the organizer offers it, Борис refuses.
    lines = await console.say(button_number(marked, "← К позициям"))
    line = await console.say(button_number(lines, "№6"))
    asked = await console.say(button_number(line, "Замена"))
    assert "Чем поставщик заменил «Шарф»?" in asked
    asked = await console.say("синий")
    assert "Сколько штук из 2?" in asked
    for wrong in ("3", "два", "0"):
        refused = await console.say(wrong)
        assert "Нужно число от 1 до 2. Напишите его ещё раз." in refused
    offered = await console.say("1")
    assert f"Покупателю заказа {boris.number} предложена замена «Шарф» × 1 на «синий»" in offered
    assert "поставщик прислал вместо «Шарф» × 1: «синий». Берёте замену?" in offered
    await check(app, pid, "boris", Expect(200_000, 20_000, 220_000, 330_000, 0, 110_000))
    refused = await console.say(":as boris", button_number(offered, "Отказаться"))
    assert "Вы отказались от замены «синий»" in refused
    assert "вы отказались от замены" in refused
    assert f"Заказ {boris.number}: покупатель отказался от замены «Шарф» × 1 на «синий»" in refused
    await check(app, pid, "boris", Expect(150_000, 15_000, 165_000, 330_000, 0, 165_000))

    # Анна's 42 came as a 40; she takes it: nothing changes in money.
    await console.say(":as organizer")
    lines = await console.press_payload(ShortfallsPage(purchase_id=pid, page=0))
    line = await console.say(button_number(lines, "№1"))
    await console.say(button_number(line, "Замена"))
    offered = await console.say("40")  # one piece: no question how many
    taken = await console.say(":as anna", button_number(offered, "Беру замену"))
    assert "Вы взяли замену: «40» вместо «Платье, 42» × 1" in taken
    assert "покупатель согласен на замену" in taken
    await check(app, pid, "anna", Expect(200_000, 20_000, 220_000, 275_000, 0, 55_000))

    # --- the money owed back: Анна keeps hers as a credit, Борис takes his back ---
    told = console.transcript
    assert (
        f"Переплату {rub('550')} можно вернуть или оставить у организатора «СП у Анны» "
        "в счёт следующего заказа."
    ) in told
    assert f"[#1 Оставить {rub('550')} на следующий заказ] [#2 Вернуть {rub('550')}]" in told
    kept = await console.press_payload(KeepCredit(order_id=anna.id, amount=55_000, keep=True))
    assert (
        f"{rub('550')} по заказу {anna.number} остаются у организатора «СП у Анны» в счёт "
        f"следующего заказа. Ваш остаток у него: {rub('550')}."
    ) in kept
    assert (
        f"anna оставил(а) {rub('550')} переплаты по заказу {anna.number} у вас в счёт "
        "следующего заказа"
    ) in kept
    await check(app, pid, "anna", Expect(200_000, 20_000, 220_000, 275_000, 0, 0))
    assert await credit_of(app, "anna") == 55_000
    again = await console.press_payload(KeepCredit(order_id=anna.id, amount=55_000, keep=True))
    assert f"По заказу {anna.number} сейчас нечего возвращать" in again
    assert await credit_of(app, "anna") == 55_000
    orders = await console.say("/orders")
    assert f"Оплачено: {rub('2 750')} — возвращено {rub('550')}" in orders
    assert "• Платье, 44 × 2 — " in orders and "⚠ не выкуплено (ряд снят): 1" in orders
    assert "⚠ замена на «40»: принята" in orders
    assert "• Шарф × 1 — " in orders and "⚠ не пришло: 1 — нет в наличии" in orders

    await console.say(":as boris")
    chosen = await console.press_payload(KeepCredit(order_id=boris.id, amount=165_000, keep=False))
    assert f"организатор «СП у Анны» вернёт вам {rub('1 650')} по заказу {boris.number}" in chosen
    reconcile = await console.say(":as organizer", f"/reconcile {pid}")
    asked = await console.say(
        button_number(reconcile, f"💸 {boris.number}: вернуть {rub('1 650')}")
    )
    done = await console.say(button_number(asked, "Да"))
    assert f"Возврат {rub('1 650')} по заказу {boris.number} отмечен" in done
    await check(app, pid, "boris", Expect(150_000, 15_000, 165_000, 330_000, 0, 0))
    assert await credit_of(app, "boris") == 0

    # --- the next purchase of the organizer: Анна's credit pays her order ---
    await console.say(FEE_QUICK.format(title="Носки"), "Носки; 100", "#1")
    socks = (await purchases_in_db(app))[-1].id
    await move(console, socks, PurchaseStatus.OPEN)
    placed = await place(console, "anna", socks, [(1, None, 3)])
    assert f"Из вашего остатка у организатора зачтено {rub('330')}" in placed
    await check(app, socks, "anna", Expect(30_000, 3_000, 33_000, 33_000, 0, 0))
    assert await credit_of(app, "anna") == 22_000


async def test_rows_bought_out_and_every_wrong_press_refused_politely(
    console: ConsoleSession,
) -> None:
    """Row 1 bought out, row 2 dropped: the supplier sheet says so; a wrong paste, a
    decision before the stop, another organizer's or buyer's buttons and a credit the
    organizer does not allow are refused, and change nothing.

        Платье 1 000 ₽, rows of 42-44, fee 10 %; Анна orders 42 ×2:
        row 1: 42 Анна, 44 free (bought out); row 2: 42 Анна, 44 free (dropped)
                        items   fee    due   paid  refund
        placed          2 000   200  2 200
        row 2 dropped   1 000   100  1 100  1 100      0
        42 defective        0     0      0  1 100  1 100   (refund only: no credits here)
    """
    app = console.app
    await become_organizer(console)
    await console.say("/organizer", "#5", "#1", "Центр", "ул. Ленина, 1", "пн–пт 10–19")
    out = await console.say(FEE_QUICK.format(title="Ряды"), "Шапка; 300; ряд 42")
    assert "для продажи рядами нужно хотя бы два размера" in out
    out = await console.say("Платье; 1000; ряд 42,44")
    assert "Добавлено товаров: 1. Всего в покупке: 1." in out  # the wrong line added nothing
    await console.say("#1")
    pid = (await purchases_in_db(app))[-1].id
    listed = await console.press_payload(AdminItemsPage(purchase_id=pid, page=0))
    assert "1. Платье — 1" in listed and "· 42, 44 · рядами" in listed
    await move(console, pid, PurchaseStatus.OPEN)
    await place(console, "anna", pid, [(1, "42", 2)])
    anna = await check(app, pid, "anna", Expect(200_000, 20_000, 220_000, 0, 220_000, 0))
    line = (await lines_of(app, anna))[0]

    await console.say(":as organizer")
    early = await console.press_payload(
        RowDecide(item_id=line.item_id, row=1, decision=RowDecision.DROP, confirmed=True)
    )
    assert "Решать судьбу рядов можно только в остановленной покупке" in early
    early = await console.press_payload(ShortfallLine(line_id=line.id))
    assert "Отмечать недовложения можно после заказа у поставщика" in early

    await move(console, pid, PurchaseStatus.STOPPED)
    await become_organizer(console, "other", "Чужой")
    foreign = await console.press_payload(
        RowDecide(item_id=line.item_id, row=1, decision=RowDecision.DROP, confirmed=True)
    )
    assert "Такой покупки у вас нет" in foreign
    await console.say(":as organizer")
    rows = await console.press_payload(RowsMenu(purchase_id=pid))
    assert rows.count("Выкупить:") == 2 and rows.count("Снять:") == 2
    asked = await console.say(button_number(rows, "Выкупить: Платье, ряд 1"))
    assert "Свободных мест: 1 — их оплачиваете вы" in asked
    done = await console.say("#1")
    assert "Ряд 1 товара «Платье» выкупается за ваш счёт (1 свободное место)" in done
    await check(app, pid, "anna", Expect(200_000, 20_000, 220_000, 0, 220_000, 0))
    await console.say(button_number(done, "Снять: Платье, ряд 2"), "#1")
    await check(app, pid, "anna", Expect(100_000, 10_000, 110_000, 0, 110_000, 0))
    supplier = await export_rows(console, pid, "supplier")
    assert ["Платье", "", "42", "1", "1000,00", "1000,00", ""] in supplier
    assert ["Платье", "", "рядов: 1; за счёт организатора: 44", "", "", "", ""] in supplier

    await move(console, pid, PurchaseStatus.PAYMENT)
    await pay(console, "anna", "1100")
    await move(console, pid, PurchaseStatus.ORDERED)
    await console.say(":as organizer")
    card = await console.press_payload(ShortfallLine(line_id=line.id))
    marked = await console.say(button_number(card, "Брак"))  # one piece left: no question
    assert "«Платье, 42» × 1 — брак, обнаружен при разборе" in marked
    assert "Оставить" not in marked  # credits are not allowed by this organizer
    await check(app, pid, "anna", Expect(0, 0, 0, 110_000, 0, 110_000))
    again = await console.press_payload(ShortfallMark(line_id=line.id, kind="out_of_stock"))
    assert "По этой позиции уже ничего не придёт" in again

    # Buyers' buttons: someone else's line or order finds nothing; a forged "keep".
    await console.say(":as boris")
    stale = await console.press_payload(ReplacementAnswer(line_id=line.id, accept=False))
    assert "На этот вопрос уже есть ответ" in stale
    stale = await console.press_payload(KeepCredit(order_id=anna.id, amount=110_000, keep=True))
    assert "Этот заказ не найден" in stale
    await console.say(":as anna")
    refused = await console.press_payload(KeepCredit(order_id=anna.id, amount=110_000, keep=True))
    assert "не принимает переплаты в счёт следующих заказов" in refused
    changed = await console.press_payload(KeepCredit(order_id=anna.id, amount=5_000, keep=True))
    assert f"Сумма к возврату по заказу {anna.number} изменилась: теперь {rub('1 100')}" in changed
    await check(app, pid, "anna", Expect(0, 0, 0, 110_000, 0, 110_000))
    assert await credit_of(app, "anna") == 0
