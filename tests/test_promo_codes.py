"""Organizers' promo codes for bloggers and affiliates (issue 18), through the console:
/newpromo step by step and in one line (bad input at every step), the sharing choice fixed
for good, /approve with refusals and their reasons, affiliates applying, the catalogue by
category, following and the notification, a share link leading to an attributed order, a
typed code, usage and per-buyer limits, expiry, the discount capped by the order, and the
sales report read back cell by cell."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import ScalarSelect, select

from bot.adapters.telegram.adapter import TelegramPort
from bot.adapters.vk.adapter import VkPort
from bot.app import App
from bot.core.replies import Reply
from domain.clock import FrozenClock
from domain.promo_codes import (
    CodeRefusal,
    OrganizerCodeFacts,
    PromoFormError,
    ReportOrder,
    ScopeKind,
    buyer_pseudonym,
    code_refusal,
    parse_code,
    parse_minimum,
    parse_scope,
    report_table,
    takes_over_half,
)
from domain.referrals import DiscountKind
from handlers.buyer.affiliates import AffCategory, AffLink
from handlers.buyer.organizer_codes import CodeApply
from handlers.organizer.promo_codes import NewPromoConfirm, NewPromoShared, PromoCancel
from storage.models import (
    Affiliate,
    AffiliateLink,
    ApprovalStatus,
    Order,
    Organizer,
    OrganizerStatus,
    PromoCode,
    PromoRedemption,
    User,
)
from tests.support.drivers import (
    ConsoleSession,
    button_number,
    button_press,
    console_message,
    press,
)
from tests.support.environment import TEST_START
from tests.support.queries import count
from tests.support.shops import seed_shop
from tests.support.texts import NBSP, rub

SOCKS = (("Носки", 100_000, []), ("Шарф", 50_000, []))
ONE_LINE = (
    "/newpromo {code}; {discount}; {scope}; сейчас; 30; {limit}; {per_user}; {minimum}; {shared}"
)


# --- pure rules --------------------------------------------------------------------------------


def test_codes_scopes_and_warnings() -> None:
    assert parse_code(" leto-2026 ") == "LETO2026"
    assert parse_code("Сгенерировать") is None and parse_code("+") is None
    for bad in ("LE", "лето2026", "A" * 33, "LETO 20!6"):
        with pytest.raises(PromoFormError):
            parse_code(bad)
    assert parse_scope("все", ["Одежда"], [3]).kind is ScopeKind.ALL
    assert parse_scope("закупка 3", ["Одежда"], [3]).purchase_id == 3
    assert parse_scope("#3", ["Одежда"], [3]).purchase_id == 3
    assert parse_scope("одежда", ["Одежда"], [3]).category == "Одежда"
    assert parse_scope("категория Одежда", ["Одежда"], [3]).category == "Одежда"
    with pytest.raises(PromoFormError):
        parse_scope("закупка 4", ["Одежда"], [3])  # not one of the organizer's
    with pytest.raises(PromoFormError):
        parse_scope("Обувь", ["Одежда"], [3])
    # A fixed discount larger than the minimum order is refused, as for round discounts.
    with pytest.raises(PromoFormError):
        parse_minimum("500", DiscountKind.FIXED, 100_000)
    assert parse_minimum("1000", DiscountKind.FIXED, 100_000) == 100_000
    assert parse_minimum("-", DiscountKind.PERCENT, 1000) == 0
    assert takes_over_half(DiscountKind.FIXED, 60_000, 100_000)
    assert not takes_over_half(DiscountKind.FIXED, 50_000, 100_000)
    assert takes_over_half(DiscountKind.PERCENT, 5001, 0)
    assert not takes_over_half(DiscountKind.PERCENT, 5000, 0)


def test_code_refusals_in_order() -> None:
    now = TEST_START
    fine = OrganizerCodeFacts(True, now, now + timedelta(days=1), 2, 1, 1, 0)
    assert code_refusal(fine, now) is None
    cases = {
        CodeRefusal.CANCELLED: OrganizerCodeFacts(False, None, None, None, None, 0, 0),
        CodeRefusal.NOT_STARTED: OrganizerCodeFacts(
            True, now + timedelta(hours=1), None, None, None, 0, 0
        ),
        CodeRefusal.EXPIRED: OrganizerCodeFacts(True, None, now, None, None, 0, 0),
        CodeRefusal.USED_UP: OrganizerCodeFacts(True, None, None, 2, None, 2, 0),
        CodeRefusal.USER_LIMIT: OrganizerCodeFacts(True, None, None, None, 1, 1, 1),
    }
    for refusal, facts in cases.items():
        assert code_refusal(facts, now) is refusal


def test_report_columns_and_pseudonyms() -> None:
    order = ReportOrder("N1", "23.11.2026", "P", 1000, 100, 900, 900, "действует", False, 7, True)
    cancelled = ReportOrder("N2", "24.11.2026", "P", 500, 50, 450, 0, "отменён", True, 8, False)
    args = dict(
        code_id=1,
        title="t",
        headers=list("abcdefghi"),
        referred_header="ref",
        yes_no=("Y", "N"),
        paid_words=("да", "нет"),
        total_label="Итого",
    )
    shared = report_table([order, cancelled], shared=True, **args)  # type: ignore[arg-type]
    assert shared.headers[-1] == "ref" and [row[-1] for row in shared.rows] == ["Y", "N", ""]
    assert shared.rows[-1][1] == 2  # orders; a cancelled order brings no revenue
    assert shared.rows[-1][5].kop == 900 and shared.rows[-1][4].kop == 150
    plain = report_table([order], shared=False, **args)  # type: ignore[arg-type]
    assert "ref" not in plain.headers and len(plain.rows[0]) == 9
    assert buyer_pseudonym(1, 7) == buyer_pseudonym(1, 7) != buyer_pseudonym(2, 7)
    assert re.fullmatch(r"B-[0-9A-F]{8}", buyer_pseudonym(1, 7))


# --- helpers -----------------------------------------------------------------------------------


async def code_row(app: App, text: str) -> PromoCode:
    async with app.session_factory() as session:
        found = await session.scalar(select(PromoCode).where(PromoCode.code == text))
    assert found is not None
    return found


async def order_of(app: App, buyer: str) -> Order:
    async with app.session_factory() as session:
        found = await session.scalar(
            select(Order)
            .where(Order.buyer_id == select_user_id(buyer))
            .order_by(Order.id.desc())
            .limit(1)
        )
    assert found is not None
    return found


def select_user_id(name: str) -> ScalarSelect[int]:
    return select(User.id).where(User.external_id == name).scalar_subquery()


async def order_socks(console: ConsoleSession, buyer: str, purchase_id: int) -> str:
    """`buyer` orders one pair of socks (1 000 ₽, no fee) at the first pickup point."""
    await console.say(f":as {buyer}", f"/start p_{purchase_id}", "#1", "1", "1", "-", "#3")
    return await console.say("#1")


async def new_code(console: ConsoleSession, **fields: str) -> str:
    values = {
        "code": "LETO2026",
        "discount": "10%",
        "scope": "все",
        "limit": "-",
        "per_user": "-",
        "minimum": "-",
        "shared": "да",
        **fields,
    }
    await console.say(":as organizer", ONE_LINE.format(**values))
    return await console.say("#1")


async def approve_all(console: ConsoleSession) -> str:
    out = ""
    for queue in ("organizers", "codes", "affiliates"):
        listed = await console.say(":as admin", f"/approve {queue}")
        while "✅" in listed:
            out += await console.say("#1")
            listed = await console.say(f"/approve {queue}")
    return out


async def become_affiliate(console: ConsoleSession, name: str = "blogger") -> None:
    await console.say(f":as {name}", "/affiliate", "Мама-блог во ВКонтакте, 20 тысяч подписчиков")


async def say_replies(app: App, user: str, text: str) -> list[Reply]:
    return await app.dispatcher.feed(console_message(user, text))


def documents(replies: list[Reply]) -> dict[str, bytes]:
    return {r.document.file_name: r.document.content for r in replies if r.document is not None}


# --- creation, the sharing choice, cancelling --------------------------------------------------


async def test_newpromo_step_by_step_keeps_every_answer_and_sharing_is_final(
    app: App, console: ConsoleSession
) -> None:
    shop = await seed_shop(app, fee_bp=0, items=SOCKS)
    out = await console.say(":as buyer", "/newpromo")
    assert "Эта команда — для организаторов" in out
    assert await count(app, PromoCode) == 0

    steps = [
        ("LE", "от 4 до 32 знаков"),
        ("leto-2026", "Скидка: сумма"),
        ("десять", "Не понял сумму"),
        ("300", "На что действует код"),
        ("Обувь", "Ваши категории: Одежда"),
        (f"закупка {shop.purchase_id}", "С какого момента"),
        ("01.01.2020", "уже прошло"),
        ("сейчас", "До какого момента"),
        ("ерунда", "Не понял дату"),
        ("3", "Сколько раз всего"),
        ("0", "целое число от 1"),
        ("10", "один покупатель"),
        ("два", "целое число от 1"),
        ("2", "Минимальная сумма"),
        ("200", "Фиксированная скидка 300" + NBSP + "₽ больше минимальной суммы заказа 200"),
        ("500", "Поделиться кодом"),
        ("может быть", "Ответьте кнопкой"),
    ]
    out = await console.say(":as organizer", "/newpromo")
    assert "[#1 Сгенерировать]" in out
    for typed, expected in steps:
        out = await console.say(typed)
        assert expected in out, (typed, out)
    out = await console.say("#1")  # "Да, поделиться" is the first button: the default
    assert "Код: LETO2026" in out
    assert f"Скидка: скидка {rub('300')} на заказ от {rub('500')}" in out
    assert "Действует на закупку «Детская одежда»" in out
    assert "Лимит применений: всего 10, на покупателя 2" in out
    assert "меньше двух недель" in out  # three days
    assert "больше половины заказа" in out  # 300 ₽ off an order from 500 ₽
    assert "изменить нельзя: ни после создания, ни после отмены" in out
    out = await console.say("#1")
    assert "Промокод LETO2026 создан" in out and "после одобрения" in out

    code = await code_row(app, "LETO2026")
    assert code.shared_with_affiliates and code.approval is ApprovalStatus.PENDING
    assert (code.discount_kind, code.discount_value, code.min_order_kop) == (
        "fixed",
        30_000,
        50_000,
    )
    assert (code.scope_purchase_id, code.usage_limit, code.per_user_limit) == (
        shop.purchase_id,
        10,
        2,
    )
    assert code.ends_at is not None and code.ends_at - TEST_START == timedelta(days=3)
    async with app.session_factory() as session:
        organizer = await session.get(Organizer, shop.organizer_id)
    assert organizer is not None and organizer.approval_requested_at == TEST_START

    # The same code twice is refused at the code step; the dialog stays there.
    out = await console.say("/newpromo", "leto2026")
    assert "Код LETO2026 уже занят" in out
    out = await console.say("+", "15%")
    assert "На что действует код" in out
    await console.say("/cancel")

    # Nothing changes sharing: not the list, not a stray button, not cancelling.
    out = await console.say("/mypromos")
    assert "LETO2026 — действует" in out and "ждёт одобрения" in out
    assert "Применён 0 раз (лимит: 10)" in out
    buttons = re.findall(r"\[#\d+ ([^\]]+)\]", out)
    assert buttons == ["Отменить LETO2026"]
    out = await press(app, "organizer", NewPromoShared(shared=False))
    assert "не к месту" in out
    out = await press(app, "organizer", NewPromoConfirm(create=True))
    assert "не к месту" in out
    out = await console.say("#1")
    assert "Отменить промокод LETO2026?" in out and "останется прежним" in out
    out = await console.say("#1")
    assert "Промокод LETO2026 отменён" in out
    code = await code_row(app, "LETO2026")
    assert not code.active and code.cancelled_at == TEST_START
    assert code.shared_with_affiliates and code.approval is ApprovalStatus.PENDING
    out = await console.say("/mypromos")
    assert "LETO2026 — отменён" in out and "Отменить" not in out
    out = await press(app, "organizer", PromoCancel(code_id=code.id, confirmed=True))
    assert "уже отменён" in out
    # A cancelled code leaves the admin's queue.
    out = await console.say(":as admin", "/approve codes")
    assert "LETO2026" not in out and "Ждущих решения нет" in out


async def test_one_line_form_not_shared_and_a_bad_field_keeps_the_rest(
    app: App, console: ConsoleSession
) -> None:
    await seed_shop(app, fee_bp=0, items=SOCKS)
    await console.say(":as organizer")
    out = await console.say("/newpromo a; b")
    assert "9 полей через «;»" in out
    out = await console.say(
        ONE_LINE.format(
            code="MAMA",
            discount="15%",
            scope="одежда",
            limit="5",
            per_user="1",
            minimum="-",
            shared="сто",
        )
    )
    # Everything up to the bad field is kept: the dialog asks only that one again.
    assert "Ответьте кнопкой" in out and "Поделиться кодом" in out
    out = await console.say("#2")  # "Нет"
    assert "Код: MAMA" in out and "категории «Одежда»" in out
    assert "Лимит применений: всего 5, на покупателя 1" in out
    assert "не делиться" in out and "меньше двух недель" not in out
    assert "больше половины" not in out
    out = await console.say("#1")
    assert "Промокод MAMA создан и уже работает" in out and "одобрения" not in out
    code = await code_row(app, "MAMA")
    assert not code.shared_with_affiliates and code.approval is ApprovalStatus.NOT_SHARED
    assert code.scope_category == "Одежда" and code.min_order_kop == 0
    async with app.session_factory() as session:
        organizer = await session.scalar(select(Organizer))
    assert organizer is not None and organizer.approval_requested_at is None
    out = await console.say(":as admin", "/approve")
    assert "Ждущих решения нет" in out

    # A generated code: 9 symbols of the look-alike-free alphabet.
    out = await new_code(console, code="+", shared="нет")
    generated = re.search(r"Промокод (\w+) создан", out)
    assert generated is not None and re.fullmatch(r"[2-9CDFGHJKMNPRTVWX]{9}", generated[1])


# --- approval ----------------------------------------------------------------------------------


async def test_approval_and_refusal_with_a_reason(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app, fee_bp=0, items=SOCKS)
    await new_code(console, code="LETO2026")
    await new_code(console, code="OSEN2026")
    out = await console.say(":as organizer", "/approve")
    assert "только администраторам сервиса" in out
    out = await console.say(":as admin", "/approve")
    assert "№1 · СП у Анны" in out
    assert "LETO2026 · СП у Анны (организатор ещё не одобрен)" in out
    assert "OSEN2026" in out
    out = await console.say("/approve codes", "#2")  # refuse LETO2026
    assert "причину отказа" in out
    out = await console.say("я" * 501)
    assert "не больше 500 знаков" in out
    out = await console.say("Скидка на всё слишком велика для каталога")
    assert "Отклонено" in out
    assert (
        "📨 to organizer: Промокод LETO2026 не одобрен для блогеров и партнёров: "
        "Скидка на всё слишком велика для каталога." in out
    )
    code = await code_row(app, "LETO2026")
    assert code.approval is ApprovalStatus.REJECTED
    assert code.refusal_reason == "Скидка на всё слишком велика для каталога"
    out = await console.say(":as organizer", "/mypromos")
    assert "отклонён — Скидка на всё слишком велика для каталога" in out
    # A refused code still works for a buyer who types it (and the organizer is not approved).
    await order_socks(console, "anna", shop.purchase_id)
    out = await console.say("/promo LETO2026", "#1")
    assert "Промокод LETO2026 применён к заказу" in out and f"к оплате: {rub('900')}" in out

    out = await console.say(":as admin", "/approve organizers", "#2", "Нет отзывов покупателей")
    assert "📨 to organizer: Ваш профиль организатора не одобрен" in out
    assert "Нет отзывов покупателей" in out
    async with app.session_factory() as session:
        organizer = await session.scalar(select(Organizer))
    assert organizer is not None and organizer.status is OrganizerStatus.ACTIVE
    assert organizer.approval_refusal == "Нет отзывов покупателей"
    # Refused and not shared codes still work for buyers who type them (see below); a new
    # shared code asks for approval again.
    await new_code(console, code="ZIMA2026")
    out = await console.say(":as admin", "/approve organizers", "#1")
    assert "📨 to organizer: Ваш профиль организатора одобрен" in out
    out = await console.say("/approve codes")
    assert "OSEN2026 · СП у Анны\n" in out  # the organizer is approved now
    assert "LETO2026" not in out


# --- the affiliates' side, attribution and the report ------------------------------------------


async def test_affiliate_link_to_an_attributed_order_typed_code_and_report(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    shop = await seed_shop(app, fee_bp=0, items=SOCKS)
    await new_code(console, code="LETO2026", scope="одежда", minimum="-")
    out = await console.say(":as blogger", "/affiliate")
    assert "расскажите коротко о своей аудитории" in out
    out = await console.say("блог")
    assert "хотя бы 10 знаков" in out
    out = await console.say("Мама-блог во ВКонтакте, 20 тысяч подписчиков")
    assert "Заявка отправлена" in out
    out = await console.say("/affiliate")
    assert "ждёт решения" in out
    out = await console.say(":as admin", "/approve affiliates")
    assert "Мама-блог во ВКонтакте" in out
    out = await approve_all(console)
    assert "📨 to blogger: Заявка партнёра одобрена" in out

    out = await console.say(":as blogger", "/affiliate")
    assert "[#1 Одежда (1)]" in out
    out = await console.say("#1")
    assert "Одежда — страница 1 из 1" in out
    assert "LETO2026 — скидка 10 % на любой заказ · СП у Анны" in out.replace(NBSP, " ")
    out = await console.say("#2")
    assert "Подписка оформлена" in out
    out = await console.say("/affiliate")
    assert "[#1 ⭐ Одежда (1)]" in out

    # A second affiliate follows too, but turned notifications off.
    await become_affiliate(console, "quiet")
    await approve_all(console)
    await console.say(":as quiet", "/affiliate", "#1", "#2", "/notify off")

    # A new code in a followed category reaches the follower once it is approved.
    await new_code(console, code="OSEN2026", scope="одежда", discount="20%")
    await console.say(":as nonfollower", "/start")
    out = await approve_all(console)
    assert "📨 to blogger: 🆕 Новый промокод в категории «Одежда»: OSEN2026" in out
    assert "Организатор: СП у Анны" in out
    assert "to nonfollower" not in out and "to quiet" not in out
    out = await console.say(":as blogger", "/affiliate", "#1")
    assert out.index("OSEN2026") < out.index("LETO2026")  # newest approval first

    out = await console.say(button_number(out, "Моя ссылка на LETO2026"))
    assert "Ваша ссылка на промокод LETO2026" in out
    token = re.search(r"aff_([\w-]+)", out)
    assert token is not None
    link = f"/start aff_{token[1]}"

    # The blogger's own visit does not count; a buyer's does, and attributes them.
    out = await console.say(link)
    assert "собственная ссылка" in out
    out = await console.say(":as anna", link)
    assert "Вам промокод LETO2026" in out and "одной кнопкой" in out
    out = await order_socks(console, "anna", shop.purchase_id)
    assert "По ссылке партнёра для вас есть промокод" in out
    assert f"[#1 Применить LETO2026: −{rub('100')}]" in out
    out = await console.say("#1")
    assert "Промокод LETO2026 применён к заказу" in out and f"к оплате: {rub('900')}" in out
    anna = await order_of(app, "anna")
    assert (anna.discount_kop, anna.due_kop) == (10_000, 90_000)

    # Boris types the code: it works, and no affiliate is recorded.
    await order_socks(console, "boris", shop.purchase_id)
    out = await console.say("/promo leto 2026")
    assert "К какому заказу применить LETO2026" in out
    out = await console.say("#1")
    assert "применён" in out
    boris = await order_of(app, "boris")
    async with app.session_factory() as session:
        redemptions = {
            r.order_id: r.affiliate_id for r in await session.scalars(select(PromoRedemption))
        }
        link_row = await session.scalar(select(AffiliateLink))
    assert link_row is not None and link_row.visits == 1
    assert redemptions[anna.id] == link_row.affiliate_id and redemptions[boris.id] is None

    # The affiliate's own figures: visits, orders, their sum; never a buyer's name.
    out = await console.say(":as blogger", "/affiliate", "#2")
    assert f"LETO2026: 1 переход, 1 заказ на {rub('900')}" in out
    assert "anna" not in out.lower()

    # The report: a row per order, "Привёл партнёр" Y for the link, N for the typed code.
    replies = await say_replies(app, "organizer", "/promoreport LETO2026")
    assert f"Промокод LETO2026: 2 заказа, выручка {rub(f'1{NBSP}800')}, скидки {rub('200')}." in (
        replies[0].text
    )
    files = documents(replies)
    assert set(files) == {"promo-LETO2026.csv", "promo-LETO2026.xlsx"}
    headers = [
        "Заказ",
        "Дата",
        "Закупка",
        "Товары",
        "Скидка",
        "К оплате",
        "Статус заказа",
        "Оплачен",
        "Покупатель (псевдоним)",
        "Привёл партнёр",
    ]
    code = await code_row(app, "LETO2026")
    expected = [
        headers,
        [
            anna.number,
            "23.11.2026",
            "Детская одежда",
            1000,
            100,
            900,
            "действует",
            "нет",
            buyer_pseudonym(code.id, anna.buyer_id),
            "Y",
        ],
        [
            boris.number,
            "23.11.2026",
            "Детская одежда",
            1000,
            100,
            900,
            "действует",
            "нет",
            buyer_pseudonym(code.id, boris.buyer_id),
            "N",
        ],
        ["Итого", "2", "", "", 200, 1800, "", "", "", ""],
    ]
    raw = files["promo-LETO2026.csv"].decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff")), delimiter=";"))
    assert rows == [
        [f"{cell},00" if isinstance(cell, int) else cell for cell in row] for row in expected
    ]
    sheet = load_workbook(io.BytesIO(files["promo-LETO2026.xlsx"])).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == len(expected)
    for got, want in zip(values, expected, strict=True):
        for cell, wanted in zip(got, want, strict=True):
            if isinstance(wanted, int):
                assert isinstance(cell, int | float) and cell == wanted
            elif wanted == "2":
                assert cell == 2  # the number of orders is a number
            else:
                assert (cell or "") == wanted
    assert sheet["D2"].number_format == "#,##0.00"
    assert "anna" not in raw and "boris" not in raw

    # 31 days later the link's attribution is over: no button any more.
    clock.advance(days=31)
    out = await order_socks(console, "anna2", shop.purchase_id)
    assert "По ссылке партнёра" not in out


async def test_a_code_not_shared_has_no_referred_column_and_limits_and_expiry(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    shop = await seed_shop(app, fee_bp=0, items=SOCKS)
    # 1 000 ₽ off orders from 1 000 ₽: at most the order; two uses in total, one per buyer.
    out = await new_code(
        console,
        code="VSE1000",
        discount="1000",
        minimum="1000",
        limit="2",
        per_user="1",
        shared="нет",
    )
    assert "создан" in out
    await order_socks(console, "anna", shop.purchase_id)
    await console.say("/promo VSE1000")
    out = await console.say("#1")
    assert f"к оплате: {rub('0')}" in out  # never below zero
    anna = await order_of(app, "anna")
    assert (anna.discount_kop, anna.due_kop) == (100_000, 0)
    vse = await code_row(app, "VSE1000")
    # Someone else's order cannot be targeted with a forged button.
    out = await press(app, "gleb", CodeApply(code_id=vse.id, order_id=anna.id, by_link=False))
    assert "Такого заказа у вас нет" in out

    # Per buyer: anna's next order may not take it again.
    await console.say(":as organizer")
    other = await seed_shop(app, title="Зимняя одежда", fee_bp=0, items=SOCKS)
    await order_socks(console, "anna", other.purchase_id)
    out = await console.say("/promo VSE1000")
    assert "столько раз, сколько можно одному покупателю" in out
    # Below the minimum: a scarf alone (500 ₽).
    await console.say(":as boris", f"/start p_{shop.purchase_id}", "#1", "2", "1", "-", "#3")
    await console.say("#1")
    out = await console.say("/promo VSE1000", "#1")
    assert f"Код действует на заказ от {rub(f'1{NBSP}000')}" in out
    assert (await order_of(app, "boris")).discount_kop == 0
    # The total limit: vera uses the second, gleb finds it used up.
    await order_socks(console, "vera", other.purchase_id)
    await console.say("/promo VSE1000", "#1")
    await order_socks(console, "gleb", other.purchase_id)
    out = await console.say("/promo VSE1000")
    assert "уже применили максимальное число раз" in out
    forged = await press(
        app,
        "gleb",
        CodeApply(code_id=vse.id, order_id=(await order_of(app, "gleb")).id, by_link=True),
    )
    assert "максимальное число раз" in forged
    assert await count(app, PromoRedemption) == 2

    # No "Привёл партнёр" column for a code not shared.
    replies = await say_replies(app, "organizer", "/promoreport vse1000")
    table = list(
        csv.reader(
            io.StringIO(documents(replies)["promo-VSE1000.csv"].decode("utf-8-sig")), delimiter=";"
        )
    )
    assert "Привёл партнёр" not in table[0] and len(table[0]) == 9
    assert [row[0] for row in table[1:]] == [
        anna.number,
        (await order_of(app, "vera")).number,
        "Итого",
    ]

    # Expiry: a code of three days is refused on the fourth; cancelling keeps discounts.
    await console.say(":as organizer", "/newpromo KOROTKO2; 5%; все; сейчас; 3; -; -; -; нет", "#1")
    clock.advance(days=4)
    await order_socks(console, "dasha", shop.purchase_id)
    out = await console.say("/promo korotko2")
    assert "Срок промокода KOROTKO2 истёк" in out
    out = await console.say(":as organizer", "/mypromos")
    assert "KOROTKO2 — срок истёк" in out
    out = await press(app, "organizer", PromoCancel(code_id=vse.id, confirmed=True))
    assert "отменён" in out
    async with app.session_factory() as session:
        kept = await session.get(Order, anna.id)
    assert kept is not None and (kept.discount_kop, kept.promo_code_id) == (100_000, vse.id)
    await order_socks(console, "egor", shop.purchase_id)
    out = await console.say("/promo VSE1000")
    assert "Такого промокода" in out


async def test_someone_elses_codes_and_forged_buttons(app: App, console: ConsoleSession) -> None:
    await seed_shop(app, fee_bp=0, items=SOCKS)
    await new_code(console, code="LETO2026", shared="нет")
    code = await code_row(app, "LETO2026")
    await seed_shop(app, organizer="rival", organizer_name="Чужое СП", items=SOCKS)
    out = await press(app, "rival", PromoCancel(code_id=code.id, confirmed=True))
    assert "среди ваших нет" in out
    out = await console.say(":as rival", "/promoreport LETO2026")
    assert "среди ваших нет" in out and "📎" not in out
    assert (await code_row(app, "LETO2026")).active
    out = await press(app, "stranger", AffCategory(index=0, page=0))
    assert "открыт одобренным партнёрам" in out
    out = await press(app, "stranger", AffLink(code_id=code.id))
    assert "открыт одобренным партнёрам" in out
    assert await count(app, Affiliate) == 0 and await count(app, AffiliateLink) == 0
    out = await console.say(":as stranger", "/start aff_unknownTOKEN1")
    assert "больше не действует" in out


# --- the share link on each platform -----------------------------------------------------------


async def test_share_links_are_each_platforms_start_link(app: App, console: ConsoleSession) -> None:
    await seed_shop(app, fee_bp=0, items=SOCKS)
    await new_code(console, code="LETO2026", scope="одежда")
    await become_affiliate(console)
    await approve_all(console)
    code = await code_row(app, "LETO2026")
    telegram = TelegramPort(None, None, "sp_bot")  # type: ignore[arg-type]
    vk = VkPort(None, SimpleNamespace(group_id=1001))  # type: ignore[arg-type]
    links = {}
    for name, port in (("telegram", telegram), ("vk", vk)):
        event = replace(button_press("blogger", AffLink(code_id=code.id)), port=port)
        [reply] = await app.dispatcher.feed(event)
        found = re.search(r"Ваша ссылка на промокод LETO2026: (\S+)", reply.text)
        assert found is not None, reply.text
        links[name] = found[1]
    async with app.session_factory() as session:
        token = (await session.scalars(select(AffiliateLink.token))).one()  # one link per code
    assert links == {
        "telegram": f"https://t.me/sp_bot?start=aff_{token}",
        "vk": f"https://vk.me/club1001?ref=aff_{token}",
    }
    # What the platforms hand over on opening it: `/start aff_<token>`.
    out = await console.say(":as anna", f"/start aff_{token}")
    assert "Вам промокод LETO2026" in out


async def test_the_last_link_opened_wins(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app, fee_bp=0, items=SOCKS)
    await new_code(console, code="LETO2026", scope="одежда")
    await become_affiliate(console, "first")
    await become_affiliate(console, "second")
    await approve_all(console)
    links = {}
    for name in ("first", "second"):
        out = await console.say(f":as {name}", "/affiliate", "#1")
        out = await console.say(button_number(out, "Моя ссылка на LETO2026"))
        token = re.search(r"aff_([\w-]+)", out)
        assert token is not None
        links[name] = f"/start aff_{token[1]}"
    await console.say(":as anna", links["first"], links["second"])
    out = await order_socks(console, "anna", shop.purchase_id)
    assert out.count("Применить LETO2026") == 1  # one code, offered once
    await console.say("#1")
    async with app.session_factory() as session:
        redemption = (await session.scalars(select(PromoRedemption))).one()
        second = await session.scalar(select(User).where(User.external_id == "second"))
    assert second is not None and redemption.affiliate_id == second.id
    out = await console.say(":as first", "/affiliate", "#2")
    assert f"LETO2026: 1 переход, 0 заказов на {rub('0')}" in out
    out = await console.say(":as second", "/affiliate", "#2")
    assert f"LETO2026: 1 переход, 1 заказ на {rub('900')}" in out
