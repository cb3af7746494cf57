"""Transport costs ("ТР") through the console: the organizer weighs the items, enters the
delivery cost after arrival, previews and applies the split by weight, by sum or by pieces,
corrects it; buyers are told, pay the share through /pay and are reminded. Every figure is
checked against the worked tables written here.

The purchase (organizer fee 10 %), the same in every test:

    buyer  lines                        items      fee      due       paid      g    pcs
    anna   Футболка M ×2, Носки ×1      1 120,50   112,05   1 232,55  1 232,55  550  3
    boris  Платье 44 ×1                 1 999,00   199,90   2 198,90      0     600  1
    vera   Носки ×3                       361,50    36,15     397,65    397,65  150  3
    gleb   Платье 42 ×1, cancelled: takes no share
    weights: Футболка 250 g, Носки 50 g, Платье 600 g; totals 3 481,00 ₽, 1 300 g, 7 pcs
"""

from __future__ import annotations

import csv
import io
from typing import Any, Literal

from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import App
from bot.core.replies import Reply
from domain.lifecycle import OrderStatus, PurchaseStatus
from domain.transport import SplitBasis
from handlers.organizer.kit import ExportFile
from handlers.organizer.reconciliation import ReconcilePurchase
from handlers.organizer.transport_kit import TransportApply, TransportMenu, TransportPreview
from storage.models import Order, OutboxKind, OutboxMessage, Purchase, PurchaseItem, User
from tests.support.drivers import ConsoleSession, button_number, press_replies
from tests.support.exports import DISTRIBUTION_HEADERS, RECONCILIATION_HEADERS
from tests.support.shops import add_order, seed_shop
from tests.support.steps import QUICK, become_organizer
from tests.support.texts import NBSP, rub
from tests.test_money_truth import Expect, check_everywhere

ITEMS = (
    ("Футболка", 50_000, ["S", "M"]),
    ("Носки", 12_050, []),
    ("Платье", 199_900, ["42", "44"]),
)
DUE_BEFORE = {"anna": 123_255, "boris": 219_890, "vera": 39_765}
PAID_BEFORE = {"anna": 123_255, "boris": 0, "vera": 39_765}


async def arrived_purchase(app: App) -> tuple[int, dict[str, str]]:
    seeded = await seed_shop(
        app, title="Лето", status=PurchaseStatus.ARRIVED, fee_bp=1000, items=ITEMS
    )
    pid = seeded.purchase_id
    numbers = {}
    for name, lines, status in (
        ("anna", [(0, "M", 2), (1, "", 1)], OrderStatus.ACTIVE),
        ("boris", [(2, "44", 1)], OrderStatus.ACTIVE),
        ("vera", [(1, "", 3)], OrderStatus.ACTIVE),
        ("gleb", [(2, "42", 1)], OrderStatus.CANCELLED),
    ):
        order = await add_order(app, pid, name, lines, paid=PAID_BEFORE.get(name, 0), status=status)
        assert order.number is not None
        numbers[name] = order.number
    return pid, numbers


async def money(app: App) -> dict[str, tuple[int, int, int]]:
    """Per buyer: (transport share, due, confirmed), from the database."""
    async with app.session_factory() as session:
        found = await session.execute(select(Order, User.external_id).join(User))
        return {
            name: (order.transport_kop, order.due_kop, order.confirmed_paid_kop)
            for order, name in found
        }


async def purchase_row(app: App, pid: int) -> Purchase:
    async with app.session_factory() as session:
        purchase = await session.get(Purchase, pid)
        assert purchase is not None
        return purchase


async def open_menu(console: ConsoleSession, pid: int) -> str:
    out = await console.say(":as organizer", f"/purchase {pid}")
    return out + await console.say(button_number(out, "🚚 Транспортные расходы"))


async def enter_cost(console: ConsoleSession, pid: int, cost: str, basis: str) -> str:
    """Menu, "enter/change the cost", the cost, the basis button: the preview."""
    out = await open_menu(console, pid)
    out = await console.say(button_number(out, "Ввести") if "Ввести" in out else "#1", cost)
    return await console.say(button_number(out, basis))


async def test_by_weight_paid_through_pay_reminded_then_corrected_after_payment(
    app: App,
) -> None:
    scheduler = await app.start_scheduler(timers=False)
    console = ConsoleSession(app, scheduler=scheduler)
    pid, number = await arrived_purchase(app)

    out = await open_menu(console, pid)
    assert "Сумма доставки ещё не внесена." in out
    assert "Вес указан у 0 из 3 заказанных товаров" in out
    # Without weights the split by weight is not offered.
    out = await console.say(button_number(out, "Ввести"), "1000")
    assert "[#1 По сумме заказа] [#2 По штукам]" in out and "[#1 По весу]" not in out

    # Weights: a wrong line saves nothing and says which line; then all three.
    out = await console.say(button_number(out, "◀ Назад"))
    out = await console.say(button_number(out, "⚖ Вес товаров"))
    assert "1. Футболка — вес не указан\n" in out.replace("\n     ", "\n")
    out = await console.say("1 250\n2 пятьдесят\n7 100")
    assert "Вес не сохранён" in out
    assert "строка 2: строка «2 пятьдесят» — нужно «номер вес»" in out
    assert "строка 3: нет товара с номером 7 (номера от 1 до 3)" in out
    async with app.session_factory() as session:
        assert await session.scalar(select(Purchase.id)) == pid
    out = await console.say("1 250\n2 50 г\n3 0,6 кг")
    assert "Вес сохранён: 3 товара." in out
    assert "Вес указан у 3 из 3 заказанных товаров" in out

    # 1 000 ₽ by weight over 1 300 g. Exact shares 423,0769 / 461,5385 / 115,3846; the whole
    # kopecks 423,07 + 461,53 + 115,38 = 999,98 leave 2 kopecks, to the largest remainders
    # (boris .85, anna .69; vera's .46 gets none):
    #            g     share    due before   due after
    #   anna   550    423,08    1 232,55     1 655,63
    #   boris  600    461,54    2 198,90     2 660,44
    #   vera   150    115,38      397,65       513,03
    #   total 1300  1 000,00
    out = await enter_cost(console, pid, "1 000", "По весу")
    assert "Раскладка 1 000 ₽ по весу по 3 заказам покупки «Лето»:" in out.replace(NBSP, " ")
    expected = {
        "anna": ("550 г", "423,08", "1 232,55", "1 655,63"),
        "boris": ("600 г", "461,54", "2 198,90", "2 660,44"),
        "vera": ("150 г", "115,38", "397,65", "513,03"),
    }
    for name, (grams, share, before, after) in expected.items():
        assert (
            f"• {number[name]} {name.title()} ({grams}): доля {rub(share)}, "
            f"к оплате было {rub(before)}, станет {rub(after)}"
        ) in out
    assert "gleb" not in out.lower()
    assert await money(app) == {
        "anna": (0, 123_255, 123_255),
        "boris": (0, 219_890, 0),
        "vera": (0, 39_765, 39_765),
        "gleb": (0, 219_890, 0),
    }  # a preview changes nothing

    out = await console.say(button_number(out, "✅ Разложить"))
    assert "Готово: 1 000 ₽ разложено по весу." in out.replace(NBSP, " ")
    assert "Доля изменилась в 3 заказах, сообщение отправлено 3 покупателям." in out
    assert await money(app) == {
        "anna": (42_308, 165_563, 123_255),
        "boris": (46_154, 266_044, 0),
        "vera": (11_538, 51_303, 39_765),
        "gleb": (0, 219_890, 0),
    }
    shares = (await money(app)).values()
    assert sum(share for share, _, _ in shares) == 100_000
    purchase = await purchase_row(app, pid)
    assert (purchase.transport_kop, purchase.transport_basis) == (100_000, "weight")
    assert (
        f"📨 to anna: 🚚 Товар покупки «Лето» приехал, доставка партии — {rub('1 000')}. "
        f"Доля заказа {number['anna']} (по весу): {rub('423,08')}."
    ) in out
    assert (
        f"Заказ теперь стоит {rub('1 655,63')}: оплачено частично, осталось {rub('423,08')}."
    ) in out
    assert "📨 to boris: 🚚 Товар покупки" in out and "📨 to gleb" not in out

    # Anna's /orders and /pay say the same: 423,08 left, the transport share in the due.
    out = await console.say(":as anna", "/orders")
    assert f"К оплате: {rub('1 655,63')}" in out
    assert f"В том числе транспортные расходы: {rub('423,08')}." in out
    out = await console.say("/pay")
    assert f"Итого к оплате: {rub('423,08')}" in out
    out = await console.say("#1", "#1", "#1", "#1", "#1", "#1")  # all, now, card, -, -, send
    assert "отправлено организатору" in out
    out = await console.say(":as organizer", "#1")
    assert "подтверждена" in out
    assert (await money(app))["anna"] == (42_308, 165_563, 165_563)

    # The next morning (10:00 Moscow, 24.11): boris and vera are reminded, anna has paid.
    out = await console.say(":time +1d")
    assert "📨 to anna" not in out
    assert (
        "📨 to boris: 🚚 Напоминание: по покупке «Лето» осталось оплатить транспортные расходы."
    ) in out
    assert (
        f"• Заказ {number['boris']}: к оплате {rub('2 660,44')} (из них ТР {rub('461,54')})" in out
    )
    assert f"• Заказ {number['vera']}: к оплате {rub('115,38')} (из них ТР {rub('115,38')})" in out
    async with app.session_factory() as session:
        reminders = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.REMINDER)
        )
        assert sorted(m.chat_id for m in reminders) == ["boris", "vera"]
    # The same morning again (a second scheduler sweep) reminds nobody twice.
    out = await console.say(":time +1h")
    assert "Напоминание" not in out

    # The bill was 900 ₽ after all, and the organizer now splits by sum (3 481,00 ₽).
    # Exact 289,701235 / 516,834243 / 93,464522: wholes 289,70 + 516,83 + 93,46 = 899,99,
    # the kopeck left to vera (.45 > boris .42 > anna .12):
    #            items       share   due after   paid        then
    #   anna   1 120,50    289,70    1 522,25   1 655,63    133,38 to refund
    #   boris  1 999,00    516,83    2 715,73       0       2 715,73 owed
    #   vera     361,50     93,47      491,12     397,65       93,47 owed
    out = await open_menu(console, pid)
    assert f"Сейчас: {rub('1 000')}, по весу, внесено 23.11.2026." in out
    out = await console.say(button_number(out, "Изменить сумму ТР"), "900")
    out = await console.say(button_number(out, "По сумме заказа"))
    # anna's name is as the console shows it since she wrote to the bot
    assert f"• {number['anna']} anna ({rub('1 120,50')}): доля {rub('289,70')}" in out
    assert "⚠ 1 покупатель уже оплатил прежнюю долю" in out
    out = await console.say(button_number(out, "✅ Разложить"))
    assert await money(app) == {
        "anna": (28_970, 152_225, 165_563),
        "boris": (51_683, 271_573, 0),
        "vera": (9_347, 49_112, 39_765),
        "gleb": (0, 219_890, 0),
    }
    assert (
        f"📨 to anna: 🚚 Транспортные расходы по покупке «Лето» пересчитаны: доля заказа "
        f"{number['anna']} была {rub('423,08')}, стала {rub('289,70')}."
    ) in out
    assert f"Заказ теперь стоит {rub('1 522,25')}: к возврату {rub('133,38')}." in out
    # Every view reads the same money (order_money, /reconcile, the distribution export,
    # the reminders), the transport share included.
    async with app.session_factory() as session:
        orders = {
            name: order
            for order, name in await session.execute(select(Order, User.external_id).join(User))
        }
    await check_everywhere(app, orders["anna"], Expect(152_225, 0, 165_563, 0, 13_338))
    await check_everywhere(app, orders["boris"], Expect(271_573, 0, 0, 271_573, 0))
    await check_everywhere(app, orders["vera"], Expect(49_112, 0, 39_765, 9_347, 0))
    # /reconcile counts the refund apart from the debts.
    out = await console.say(":as organizer", f"/reconcile {pid}")
    assert (
        f"{number['boris']} Boris: к оплате {rub('2 715,73')} (товары {rub('1 999')} + "
        f"оргсбор {rub('199,90')} + ТР {rub('516,83')}), подтверждено {rub('0')}"
    ) in out
    assert (
        f"Итого по 3 заказам: к оплате {rub('4 729,10')} (товары {rub('3 481')} + оргсбор "
        f"{rub('348,10')} − скидки {rub('0')} + ТР {rub('900')})"
    ) in out
    assert f"Покупатели ещё должны: {rub('2 809,20')}" in out  # 2 715,73 + 93,47
    assert f"Вернуть покупателям (переплаты и отменённые заказы): {rub('133,38')}" in out


async def test_by_sum_then_by_pieces_before_anyone_paid_and_bad_input(app: App) -> None:
    console = ConsoleSession(app)
    pid, number = await arrived_purchase(app)

    # Bad costs: the dialog stays, nothing is saved.
    out = await open_menu(console, pid)
    out = await console.say(button_number(out, "Ввести"), "-5")
    assert "Сумма доставки не может быть отрицательной. Сумма не сохранена" in out
    out = await console.say("1000,555")
    assert "Копеек — не больше двух знаков" in out
    # 1 000 ₽ by sum over 3 481,00 ₽ of items. Exact 321,890261 / 574,260270 / 103,849469:
    # wholes 321,89 + 574,26 + 103,84 = 999,99, the kopeck to vera (.85):
    #            items      share    due after
    #   anna   1 120,50   321,89    1 554,44
    #   boris  1 999,00   574,26    2 773,16
    #   vera     361,50   103,85      501,50
    out = await console.say("1000")
    out = await console.say(button_number(out, "По сумме заказа"))
    assert f"• {number['vera']} Vera ({rub('361,50')}): доля {rub('103,85')}" in out
    out = await console.say(button_number(out, "✅ Разложить"))
    assert await money(app) == {
        "anna": (32_189, 155_444, 123_255),
        "boris": (57_426, 277_316, 0),
        "vera": (10_385, 50_150, 39_765),
        "gleb": (0, 219_890, 0),
    }
    assert "(по сумме заказа): " + rub("574,26") in out

    # The same cost, now by pieces (7): exact 428,571 / 142,857 / 428,571; wholes
    # 428,57 + 142,85 + 428,57 = 999,99, the kopeck to boris (.71 > .57):
    #           pcs   share    due after
    #   anna     3   428,57    1 661,12
    #   boris    1   142,86    2 341,76
    #   vera     3   428,57      826,22
    out = await enter_cost(console, pid, "1000", "По штукам")
    assert f"• {number['boris']} Boris (1 шт.): доля {rub('142,86')}" in out
    assert "уже оплатил" not in out  # nobody paid a share yet
    out = await console.say(button_number(out, "✅ Разложить"))
    assert await money(app) == {
        "anna": (42_857, 166_112, 123_255),
        "boris": (14_286, 234_176, 0),
        "vera": (42_857, 82_622, 39_765),
        "gleb": (0, 219_890, 0),
    }
    assert (
        f"📨 to boris: 🚚 Транспортные расходы по покупке «Лето» пересчитаны: доля заказа "
        f"{number['boris']} была {rub('574,26')}, стала {rub('142,86')}."
    ) in out
    # The same split again changes nothing and tells nobody.
    same = TransportApply(purchase_id=pid, basis=SplitBasis.PIECES, cost_kop=100_000)
    out = await console.press_payload(same)
    assert "уже разложены так же — ничего не изменилось" in out and "📨" not in out

    # Forged or impossible buttons: a weight split without weights, another organizer's
    # purchase; both change nothing.
    before = await money(app)
    out = await console.press_payload(
        TransportPreview(purchase_id=pid, basis=SplitBasis.WEIGHT, cost_kop=100_000)
    )
    assert "Для раскладки по весу нужен вес каждого заказанного товара" in out
    out = await console.say(":as stranger", "/organizer Чужой")
    out = await console.press_payload(
        TransportApply(purchase_id=pid, basis=SplitBasis.SUM, cost_kop=1)
    )
    assert "Такой покупки у вас нет." in out
    assert await money(app) == before

    # 0 removes the transport costs: every due is back to what it was.
    out = await enter_cost(console, pid, "0", "По штукам")
    out = await console.say(button_number(out, "✅ Разложить"))
    assert {name: due for name, (_, due, _) in (await money(app)).items() if name != "gleb"} == (
        DUE_BEFORE
    )


async def test_only_after_arrival(app: App) -> None:
    console = ConsoleSession(app)
    seeded = await seed_shop(app, status=PurchaseStatus.ORDERED)
    out = await console.say(":as organizer", f"/purchase {seeded.purchase_id}")
    assert "Транспортные расходы" not in out
    out = await console.press_payload(TransportMenu(purchase_id=seeded.purchase_id))
    assert "Транспортные расходы вносятся, когда товар приехал" in out


def document(replies: list[Reply]) -> bytes:
    [content] = [r.document.content for r in replies if r.document is not None]
    return content


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


async def test_exports_carry_the_contact_the_transport_share_and_the_supplier_order(
    app: App,
) -> None:
    """The distribution file, the supplier order and the reconciliation after a split by
    pieces (the table of the test above: 428,57 / 142,86 / 428,57), read back cell by cell.
    Anna writes from Telegram with a username, Boris from VK, Vera from the console."""
    async with app.session_factory() as session, session.begin():
        session.add_all(
            [
                User(platform="telegram", external_id="anna", name="Анна", username="anna_k"),
                User(platform="vk", external_id="4567", name="Борис"),
            ]
        )
    console = ConsoleSession(app)
    seeded = await seed_shop(
        app, title="Лето", status=PurchaseStatus.ARRIVED, fee_bp=1000, items=ITEMS
    )
    pid = seeded.purchase_id
    async with app.session_factory() as session, session.begin():
        shirt = await session.get(PurchaseItem, seeded.item_ids[0])
        assert shirt is not None
        shirt.article = "FT-1"
    anna = await add_order(app, pid, "anna", [(0, "M", 2), (1, "", 1)], paid=123_255)
    boris = await add_order(app, pid, "4567", [(2, "44", 1)])
    vera = await add_order(app, pid, "vera", [(1, "", 3)], paid=39_765)
    await add_order(app, pid, "gleb", [(2, "42", 1)], status=OrderStatus.CANCELLED)
    out = await enter_cost(console, pid, "1000", "По штукам")
    await console.say(button_number(out, "✅ Разложить"))

    def export(shape: Literal["supplier", "distribution"], fmt: Literal["csv", "xlsx"]) -> Any:
        return press_replies(app, "organizer", ExportFile(purchase_id=pid, shape=shape, fmt=fmt))

    #  buyer  contact                           transport  due       paid      owed
    #  Анна   https://t.me/anna_k (@anna_k)      428,57    1 661,12  1 232,55  428,57
    #  Борис  https://vk.com/id4567              142,86    2 341,76      0     2 341,76
    #  Vera   console                            428,57      826,22    397,65  428,57
    rows = csv_rows(document(await export("distribution", "csv")))
    assert rows[0] == DISTRIBUTION_HEADERS
    by_order = {row[3]: row for row in rows[1:-1] if row[11]}
    assert by_order[anna.number][1:3] == ["Анна", "https://t.me/anna_k (@anna_k)"]
    assert by_order[anna.number][11:] == [
        *("1120,50", "112,05", "0,00", "", "428,57"),
        *("1661,12", "1232,55", "428,57", "0,00"),
    ]
    assert by_order[boris.number][1:3] == ["Борис", "https://vk.com/id4567"]
    assert by_order[boris.number][15:] == ["142,86", "2341,76", "0,00", "2341,76", "0,00"]
    assert by_order[vera.number][1:3] == ["Vera", "console"]
    assert by_order[vera.number][15:] == ["428,57", "826,22", "397,65", "428,57", "0,00"]
    assert len(by_order) == 3  # gleb's cancelled order is not handed out
    assert rows[-1][0] == "Итого" and rows[-1][15:] == [
        *("1000,00", "4829,10", "1630,20", "3198,90", "0,00"),
    ]

    book = load_workbook(io.BytesIO(document(await export("distribution", "xlsx"))))
    whole = book.worksheets[0]
    assert [c.value for c in whole[1]] == DISTRIBUTION_HEADERS
    last = [c.value for c in whole[whole.max_row]]
    assert last[15:20] == [1000, 4829.1, 1630.2, 3198.9, 0]
    assert whole.cell(whole.max_row, 16).number_format == "#,##0.00"
    point = book["пункт не выбран"]
    names = {point.cell(n, 2).value: point.cell(n, 3).value for n in range(3, point.max_row)}
    assert names == {
        "Анна": "https://t.me/anna_k (@anna_k)",
        "Борис": "https://vk.com/id4567",
        "Vera": "console",
    }

    # The supplier file: the sums sheet as before, then the order to forward as it is.
    book = load_workbook(io.BytesIO(document(await export("supplier", "xlsx"))))
    assert book.sheetnames == ["Поставщику", "Заказ поставщику"]
    order = [[c.value for c in row] for row in book["Заказ поставщику"].iter_rows()]
    assert order == [
        ["Заказ для поставщика Ивановский трикотаж: покупка «Лето» (№1)", None, None, None],
        ["Артикул", "Товар", "Размер", "Количество"],
        ["FT-1", "Футболка", "M", 2],
        [None, "Носки", None, 4],  # anna 1 + vera 3
        [None, "Платье", "44", 1],  # gleb's 42 was cancelled
        ["Итого", None, None, 7],
    ]
    assert book["Заказ поставщику"]["A2"].font.bold

    # Reconciliation: the transport column beside the sums, totalled.
    replies = await press_replies(app, "organizer", ReconcilePurchase(purchase_id=pid))
    files = {r.document.file_name: r.document.content for r in replies if r.document}
    rec = csv_rows(files[f"reconciliation-{pid}.csv"])
    assert rec[0] == RECONCILIATION_HEADERS
    transport = RECONCILIATION_HEADERS.index("Транспорт, ₽")
    assert {row[0]: row[transport] for row in rec[1:]} == {
        anna.number: "428,57",
        boris.number: "142,86",
        vera.number: "428,57",
        "Итого": "1000,00",
    }


async def test_item_lines_may_carry_a_weight(app: App) -> None:
    """The fifth field of an item line is the weight of one piece; a wrong one adds nothing."""
    console = ConsoleSession(app)
    await become_organizer(console)
    out = await console.say(QUICK)
    assert "Пятым полем можно указать вес одной штуки" in out
    out = await console.say("Платье синее; 1290; 42,44,46; PL-1; 350 г\nШарф; 590; ; ; тяжёлый")
    assert "Строка 2: вес одной штуки — граммы целым числом или килограммы" in out
    out = await console.say("Платье синее; 1290; 42,44,46; PL-1; 350 г\nШарф; 590; ; ; 0,12 кг")
    async with app.session_factory() as session:
        items = list(await session.scalars(select(PurchaseItem).order_by(PurchaseItem.id)))
    assert [(item.name, item.weight_g) for item in items] == [
        ("Платье синее", 350),
        ("Шарф", 120),
    ]
