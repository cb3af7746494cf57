"""The smaller things of issue 20, each replayed through the console: whom a notification
reaches, the card's hint after the stop, plural forms, an invite link opened twice, a new
round overlapping the current one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.app import App
from domain.clock import FrozenClock
from domain.lifecycle import PurchaseStatus
from handlers.admin.round_views import RoundNew
from handlers.buyer.referrals import FriendsPage
from storage.models import Invite, User
from tests.support.drivers import ConsoleSession
from tests.support.referrals import invite_link_of, make_round, open_round
from tests.support.shops import add_order, seed_shop, set_status
from tests.support.steps import move
from tests.support.texts import en, ru


async def mute(app: App, *names: str) -> None:
    async with app.session_factory() as session, session.begin():
        await session.execute(
            update(User).where(User.external_id.in_(names)).values(notifications_allowed=False)
        )


# --- 1. "Уведомлено покупателей" counts only those the notification reaches -----------------


async def test_status_move_counts_only_buyers_it_reaches(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    for buyer in ("anna", "boris", "vera"):
        await add_order(app, shop.purchase_id, buyer, [(1, "", 1)])
    await mute(app, "boris", "vera")
    await console.say(":as organizer")
    out = await move(console, shop.purchase_id, PurchaseStatus.STOPPED)
    assert "Уведомлено покупателей: 1." in out
    assert "2 покупателя не получат: уведомления выключены." in out
    delivered = console.transcript  # the outbox's deliveries, printed by the console
    assert "📨 to anna" in delivered
    assert "📨 to boris" not in delivered and "📨 to vera" not in delivered


async def test_status_move_with_everyone_reached_says_nothing_more(
    app: App, console: ConsoleSession
) -> None:
    shop = await seed_shop(app)
    await add_order(app, shop.purchase_id, "anna", [(1, "", 1)])
    await console.say(":as organizer")
    out = await move(console, shop.purchase_id, PurchaseStatus.STOPPED)
    assert "Уведомлено покупателей: 1." in out and "не получ" not in out


# --- 2. the card's hint matches the buttons shown -------------------------------------------


async def test_card_hint_names_the_order_button_only_while_it_is_there(
    app: App, console: ConsoleSession
) -> None:
    shop = await seed_shop(app)
    order = await add_order(app, shop.purchase_id, "anna", [(1, "", 1)])
    out = await console.say(":as anna", f"/start p_{shop.purchase_id}")
    assert f"Ваш заказ в этой покупке: {order.number}." in out
    assert "Изменить его можно кнопкой «Заказать»" in out and "🛒 Заказать" in out
    for status in (PurchaseStatus.STOPPED, PurchaseStatus.PAYMENT, PurchaseStatus.ARRIVED):
        await set_status(app, shop.purchase_id, status)
        out = await console.say(f"/start p_{shop.purchase_id}")
        assert "Заказать" not in out, status
        assert "Приём заказов закрыт, заказ уже не меняется" in out, status


# --- 3. plural forms wherever a number meets a noun ------------------------------------------

# (key, the number's argument, other arguments, the words expected with 1, 2, 5 and 21)
RU_PLURALS = [
    ("referrals-admin-summary", "threshold", {}, ("1 друга", "2 друга", "5 друзей", "21 друга")),
    ("referrals-code-issued", "threshold", {}, ("1 друга!", "2 друга!", "5 друзей!", "21 друга!")),
    ("referrals-invite-round", "threshold", {}, ("1 друга", "2 друга", "5 друзей", "21 друга")),
    ("referrals-round-opened", "threshold", {}, ("1 друга", "2 друга", "5 друзей", "21 друга")),
    ("referrals-invite-next", "threshold", {}, ("1 друга", "2 друга", "5 друзей", "21 друга")),
    ("referrals-round-next", "threshold", {}, ("1 друг ", "2 друга", "5 друзей", "21 друг ")),
    (
        "referrals-invite-progress",
        "threshold",
        {"count": 0},
        ("1 друга", "2 друзей", "5 друзей", "21 друга"),
    ),
    ("referrals-invite-waiting", "count", {}, ("1 друга", "2 друзей", "5 друзей", "21 друга")),
    (
        "broadcast-queued",
        "total",
        {},
        ("1 получатель", "2 получателя", "5 получателей", "21 получатель"),
    ),
    (
        "broadcast-text-too-long",
        "length",
        {"limit": 9},
        ("1 символ,", "2 символа,", "5 символов,", "21 символ,"),
    ),
    ("error-text-too-long", "limit", {}, ("1 символа", "2 символов", "5 символов", "21 символа")),
    ("organizer-ask-about", "max", {}, ("1 символа", "2 символов", "5 символов", "21 символа")),
    (
        "payments-comment-too-long",
        "max",
        {},
        ("1 символа", "2 символов", "5 символов", "21 символа"),
    ),
    (
        "purchase-admin-error-title",
        "max",
        {"min": 1},
        ("1 символа", "2 символов", "5 символов", "21 символа"),
    ),
    ("orders-too-many-lines", "max", {}, ("1 строки", "2 строк", "5 строк", "21 строки")),
    (
        "purchase-admin-item-error-paste-too-long",
        "max",
        {},
        ("1 строки", "2 строк", "5 строк", "21 строки"),
    ),
    (
        "purchase-admin-item-error-purchase-full",
        "left",
        {"max": 5},
        ("ещё 1 товар.", "ещё 2 товара.", "ещё 5 товаров.", "ещё 21 товар."),
    ),
    ("referrals-form-round-too-long", "days", {}, ("1 дня", "2 дней", "5 дней", "21 дня")),
    (
        "small-reach-muted",
        "count",
        {},
        (
            "1 покупатель не получит",
            "2 покупателя не получат",
            "5 покупателей не получат",
            "21 покупатель не получит",
        ),
    ),
    (
        "small-reach-unreachable",
        "count",
        {},
        (
            "1 покупатель недоступен",
            "2 покупателя недоступны",
            "5 покупателей недоступны",
            "21 покупатель недоступен",
        ),
    ),
]
EN_PLURALS = [
    (
        "referrals-admin-summary",
        "threshold",
        {},
        ("1 friend", "2 friends", "5 friends", "21 friends"),
    ),
    (
        "broadcast-queued",
        "total",
        {},
        ("1 recipient.", "2 recipients", "5 recipients", "21 recipients"),
    ),
    (
        "broadcast-text-too-long",
        "length",
        {"limit": 9},
        ("1 character,", "2 characters", "5 characters", "21 characters"),
    ),
    (
        "error-text-too-long",
        "limit",
        {},
        ("1 character.", "2 characters", "5 characters", "21 characters"),
    ),
    ("orders-too-many-lines", "max", {}, ("1 line.", "2 lines", "5 lines", "21 lines")),
    (
        "orders-order-more-lines",
        "count",
        {},
        ("1 more line.", "2 more lines", "5 more lines", "21 more lines"),
    ),
    (
        "purchase-admin-item-error-purchase-full",
        "left",
        {"max": 5},
        ("1 more item can", "2 more items", "5 more items", "21 more items"),
    ),
    ("referrals-form-round-too-long", "days", {}, ("1 day.", "2 days", "5 days", "21 days")),
    (
        "small-reach-muted",
        "count",
        {},
        ("1 buyer will", "2 buyers will", "5 buyers will", "21 buyers will"),
    ),
]
FILLER = {
    "round": "1", "ends": "-", "starts": "-", "offer": "-", "code": "X", "until": "-",
    "codes": "-", "action": "-", "link": "-", "title": "T", "count": 0,
}  # fmt: skip


@pytest.mark.parametrize(("lang", "table"), [("ru", RU_PLURALS), ("en", EN_PLURALS)])
def test_numbers_meet_nouns_in_their_plural_form(lang: str, table: list) -> None:
    render = ru if lang == "ru" else en
    for key, number, extra, words in table:
        for value, expected in zip((1, 2, 5, 21), words, strict=True):
            text = render(key, **{**FILLER, **extra, number: value})
            assert expected in text, (key, value, text)


# --- 4. an invite link opened twice ---------------------------------------------------------


async def test_a_friend_opening_the_link_again_is_listed_once_and_refused_nowhere(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await open_round(app, clock)
    link = await invite_link_of(console, app, "anna")
    out = await console.say(":as friend", link)
    assert "Вы пришли по приглашению друга" in out
    out = await console.say(link)
    assert "Вы уже пришли по этой ссылке-приглашению, и приглашение уже засчитано" in out
    async with app.session_factory() as session:
        invites = list(await session.scalars(select(Invite)))
    assert [(i.status.value, i.refusal_reason) for i in invites] == [("counted", None)]
    out = await console.say(":as anna", "/invite")
    assert "Прогресс: 1 из 3 друзей." in out
    out = await console.press_payload(FriendsPage(page=0))
    assert "Ваши друзья (1)" in out and out.count("friend") == 1


async def test_a_waiting_friend_opening_the_link_again_is_told_what_counts(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await open_round(app, clock, action="first_order")
    link = await invite_link_of(console, app, "anna")
    await console.say(":as friend", link)
    out = await console.say(link)
    assert "Приглашение засчитается, когда вы сделаете первый заказ" in out
    async with app.session_factory() as session:
        assert len(list(await session.scalars(select(Invite)))) == 1


# --- 5. a new round overlapping the current one ---------------------------------------------


async def test_a_start_inside_the_current_round_is_refused_at_the_start(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await open_round(app, clock)  # open now, for 7 days
    await console.say(":as admin")
    await console.press_payload(RoundNew())
    out = await console.say("сейчас")
    assert "Начало пересекается с раундом №1" in out and "Укажите начало не раньше" in out
    out = await console.say("10%")  # still the start step: a date is asked for, not a discount
    assert "Не понял дату" in out
    out = await console.say("01.12.2026 13:00")  # after round 1 ends (12:00 Moscow)
    assert "Когда закрыть?" in out
    out = await console.say("7")
    assert "Сколько друзей нужно пригласить" in out


async def test_an_end_running_into_a_later_round_is_refused_at_the_end(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    await make_round(app, clock, starts_in=timedelta(days=3))  # 26.11 12:00 — 03.12 12:00
    await console.say(":as admin")
    await console.press_payload(RoundNew())
    out = await console.say("24.11.2026 10:00")
    assert "Когда закрыть?" in out
    out = await console.say("7")
    assert "С таким концом раунд пересекается с раундом №1" in out
    assert "Укажите конец не позже 26.11.2026" in out
    out = await console.say("26.11.2026 12:00")
    assert "Сколько друзей нужно пригласить" in out
