"""The same journeys on every platform, each through its real adapter against its fake API
server (tests/support/journeys.py is the driver contract). A platform joins by adding its
(name, factory) pair to DRIVERS; the journeys are never copied per platform."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.clock import FrozenClock
from storage.models import Invite, InviteStatus
from tests.support.journey_drivers import telegram_driver, vk_driver
from tests.support.journeys import DriverFactory, JourneyDriver
from tests.support.max import max_driver
from tests.support.ok import ok_driver
from tests.support.queries import rows
from tests.support.referrals import open_round

DRIVERS: list[tuple[str, DriverFactory]] = [
    ("telegram", telegram_driver),
    ("vk", vk_driver),
    ("ok", ok_driver),
    ("max", max_driver),
]

ANNA, BORIS, VERA = "101", "102", "103"  # the organizer and two buyers


@pytest.fixture(params=DRIVERS, ids=[name for name, _ in DRIVERS])
def factory(request: pytest.FixtureRequest) -> DriverFactory:
    return request.param[1]


async def open_purchase(bot: JourneyDriver) -> None:
    """Anna becomes an organizer with payment details and opens the purchase "Осень"."""
    assert "вы организатор" in await bot.say(ANNA, "/organizer Анна СП")
    await bot.say(ANNA, "/organizer")
    await bot.press(ANNA, "Реквизиты")
    assert "Карта 2200" in await bot.say(ANNA, "Карта 2200 0000 0000 0000, Анна А.")
    created = await bot.say(
        ANNA, "/newpurchase Осень; Orby; Одежда; сбор 15%; стоп 01.12.2026; оплата 05.12.2026"
    )
    assert "Покупка №1 «Осень» создана" in created
    assert "Добавлено товаров: 2." in await bot.say(
        ANNA, "Платье синее; 1290; 42,44,46; PL-1\nШарф; 590"
    )
    await bot.press(ANNA, "Готово")
    await bot.press(ANNA, "Открыть сбор заказов")
    assert "статус «сбор заказов»" in await bot.press(ANNA, "Да")


async def order_scarf(bot: JourneyDriver, buyer: str) -> str:
    """The buyer orders one scarf; returns the order's number."""
    assert "Осень" in await bot.say(buyer, "/start p_1")
    await bot.press(buyer, "Заказать")
    await bot.say(buyer, "2")
    await bot.say(buyer, "1")
    await bot.press(buyer, "Без примечания")
    placed = await bot.press(buyer, "Оформить заказ")
    number = re.search(r"Номер заказа: ([A-Z0-9-]+)", placed)
    assert number is not None, placed
    return number.group(1)


async def test_organizer_creates_and_opens_a_purchase(
    factory: DriverFactory, tmp_path: Path
) -> None:
    async with factory(tmp_path) as bot:
        await open_purchase(bot)
        assert "Осень" in await bot.say(BORIS, "/purchases")


async def test_buyer_cabinet_order_and_payment_decided(
    factory: DriverFactory, tmp_path: Path
) -> None:
    async with factory(tmp_path) as bot:
        await open_purchase(bot)
        number = await order_scarf(bot, BORIS)
        for step in ("Стоп", "Начать оплату"):
            await bot.say(ANNA, "/purchase 1")
            await bot.press(ANNA, step)
            await bot.press(ANNA, "Да")
        assert "пора оплатить" in bot.received(BORIS)

        paying = await bot.say(BORIS, "/pay")
        assert "Карта 2200" in paying and "678,50" in paying
        await bot.say(BORIS, "678,50")
        await bot.press(BORIS, "Сейчас")
        await bot.press(BORIS, "Карта")
        assert "Чек получен" in await bot.send_photo(BORIS)
        await bot.press(BORIS, "Пропустить")
        assert "отправлено организатору Анна СП" in await bot.press(BORIS, "Отправить")

        assert "Оплата №1" in bot.received(ANNA)
        assert bot.buttons(ANNA) == ["✅ Подтвердить", "❌ Отклонить"]
        assert "подтверждена" in await bot.press(ANNA, "Подтвердить")
        assert "подтвердил вашу оплату" in bot.received(BORIS)
        cabinet = await bot.say(BORIS, "/orders")
        assert number in cabinet and "оплачено полностью" in cabinet


async def test_referral_invite_link_counts_a_friend(
    factory: DriverFactory, tmp_path: Path, clock: FrozenClock
) -> None:
    async with factory(tmp_path) as bot:
        await open_round(bot.app, clock, threshold=3)
        await bot.say(BORIS, "/start")
        invite = await bot.say(BORIS, "/invite")
        found = re.search(r"Ваша ссылка: (\S+)", invite)
        assert found is not None, invite
        link = found.group(1)
        assert "0 из 3" in invite
        await bot.open_link(VERA, link)
        [counted] = await rows(bot.app, Invite)
        assert counted.status is InviteStatus.COUNTED
        assert "1 из 3" in await bot.say(BORIS, "/invite")


async def test_a_button_press_is_answered(factory: DriverFactory, tmp_path: Path) -> None:
    async with factory(tmp_path) as bot:
        await bot.say(BORIS, "/lang")
        assert "English" in " ".join(bot.buttons(BORIS))
        assert "I speak English now" in await bot.press(BORIS, "English")
