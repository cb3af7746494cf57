"""/notify through the console: showing and switching consent, and what it does to delivery."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage.models import OutboxKind, OutboxStatus, User
from tests.support.drivers import ConsoleSession, press_replies
from tests.support.outbox import messages, person, queue
from tests.support.texts import en, ru


async def console_user(app: App, name: str) -> User:
    async with app.session_factory() as session:
        user = await session.scalar(
            select(User).where(User.platform == "console", User.external_id == name)
        )
    assert user is not None
    return user


async def test_show_and_switch_with_buttons(console: ConsoleSession, app: App) -> None:
    out = await console.say("/notify")
    assert ru("notify-state-on").splitlines()[0] in out
    assert "[#1 🔕 Выключить уведомления]" in out

    out = await console.say("#1")
    assert "🔕 Уведомления выключены." in out and "[#1 🔔 Включить уведомления]" in out
    assert (await console_user(app, "buyer")).notifications_allowed is False
    out = await console.say("/notify")
    assert "🔕 Уведомления выключены." in out  # the choice is kept

    out = await console.say("#1")
    assert "🔔 Уведомления включены." in out
    assert (await console_user(app, "buyer")).notifications_allowed is True


async def test_arguments_and_english(console: ConsoleSession, app: App) -> None:
    out = await console.say("/notify выкл")
    assert "🔕 Уведомления выключены." in out
    out = await console.say("/notify on")
    assert "🔔 Уведомления включены." in out
    out = await console.say("/notify громче")
    assert ru("notify-unknown-arg", arg="громче") in out
    assert (await console_user(app, "buyer")).notifications_allowed is True  # unchanged

    out = await console.say("/lang en", "/notify off")
    assert "🔕 Notifications are off." in out and "[#1 🔔 Turn notifications on]" in out
    out = await console.say("/уведомления")
    assert en("notify-state-off").splitlines()[0] in out


async def test_consent_decides_what_is_delivered(console: ConsoleSession, app: App) -> None:
    await console.say("/notify off")
    buyer = await console_user(app, "buyer")
    status = await queue(app, buyer, "Покупка «Кофе»: стоп.", OutboxKind.NOTIFICATION)
    reminder = await queue(app, buyer, "Оплатите заказ.", OutboxKind.REMINDER)
    answer = await queue(app, buyer, "Оплата подтверждена.", OutboxKind.ANSWER)
    out = await console.say(":as buyer2", "/help")  # any update delivers the outbox
    assert "📨 to buyer: Оплата подтверждена." in out
    assert "стоп" not in out and "Оплатите" not in out
    rows = {m.id: m for m in await messages(app)}
    assert rows[status].status is rows[reminder].status is OutboxStatus.SKIPPED
    assert rows[answer].status is OutboxStatus.SENT

    out = await console.say(":as buyer", "/notify on")
    later = await queue(app, buyer, "Покупка «Кофе»: раздача!", OutboxKind.NOTIFICATION)
    out = await console.say("/help")
    assert "📨 to buyer: Покупка «Кофе»: раздача!" in out
    assert {m.id: m for m in await messages(app)}[later].status is OutboxStatus.SENT


async def test_warnings_unreachable_and_forged_buttons(console: ConsoleSession, app: App) -> None:
    await person(
        app,
        "vkfan",
        platform="console",
        messages_allowed=False,
        reachable=False,
        unreachable_reason="VK error 901",
    )
    # Writing to the bot in private is what lets it (on VK: the community) write again.
    out = await console.say(":as vkfan", "/notify")
    assert "Уведомления включены" in out
    user = await console_user(app, "vkfan")
    assert user.reachable is True and user.unreachable_reason is None
    assert user.messages_allowed is True

    for forged in ("ntf:maybe", "ntf:", "ntf:1:2"):
        replies = await press_replies(app, "vkfan", forged)
        assert [r.text for r in replies] == [ru("error-button-outdated")]
    assert (await console_user(app, "vkfan")).notifications_allowed is True
