"""The shared journey suite's MAX driver (tests/support/max.py `max_driver`) on a short
journey, as tests/test_platform_journeys.py will run it: an organizer (an admin too)
registers and opens a purchase, a buyer orders by buttons, reports a payment with a photo,
the organizer confirms."""

from __future__ import annotations

from pathlib import Path

from tests.support.journeys import DriverFactory, JourneyDriver
from tests.support.max import max_driver


async def test_a_short_journey_through_the_max_driver(tmp_path: Path) -> None:
    factory: DriverFactory = max_driver
    async with factory(tmp_path, admins=("anna",)) as driver:
        assert isinstance(driver.platform, str) and driver.platform == "max"
        check: JourneyDriver = driver
        assert check.admin_id("anna") == "max:5001" and driver.admin_id("boris") == "max:5002"

        greeting = await driver.say("anna", "/start")
        assert "Здравствуйте, Anna!" in greeting
        assert "Помощь" in driver.buttons("anna")
        assert "Что я умею:" in await driver.press("anna", "Помощь")

        await driver.say("anna", "/organizer Анна СП")
        await driver.say("anna", "/organizer")
        await driver.press("anna", "Реквизиты")
        await driver.say("anna", "Карта 2200 0000 0000 0000, Анна А.")
        opened = await driver.say(
            "anna", "/newpurchase Осень; Orby; Одежда; сбор 15%; стоп 01.12.2026; оплата 05.12.2026"
        )
        assert "Осень" in opened
        assert "Добавлено товаров: 1." in await driver.say("anna", "Шарф; 590")
        for _ in range(3):
            await driver.press("anna", driver.buttons("anna")[0])
        assert "статус «сбор заказов»" in driver.received("anna")

        assert "Осень" in await driver.say("boris", "/purchases")
        await driver.press("boris", "Осень")
        await driver.press("boris", driver.buttons("boris")[0])
        await driver.say("boris", "1")  # the item
        await driver.say("boris", "2")  # how many
        await driver.press("boris", "Без примечания")
        placed = await driver.press("boris", "Оформить заказ")
        assert "✅ Заказ оформлен!" in placed
        assert "Новый заказ" in driver.received("anna")  # through the outbox

        # A photo from the buyer is answered (the bot has no use for it here, and says so).
        assert await driver.send_photo("boris", "чек")
        # The admin (ADMIN_IDS max:5001) has the admins' commands; the buyer has not.
        assert await driver.say("anna", "/rounds") != await driver.say("boris", "/rounds")
