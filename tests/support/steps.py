"""What an organizer or a buyer does through the console to get somewhere: become an
organizer, create and open a purchase, move it to another status, order socks."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import App
from domain.lifecycle import PurchaseStatus
from handlers.organizer.kit import StatusMove
from tests.support.drivers import ConsoleSession, press
from tests.support.queries import purchases_in_db

# A purchase in one line, and its items pasted: a dress in three sizes and a scarf.
QUICK = "/newpurchase Осень; Orby; Одежда; сбор 15%; стоп 01.12.2026; оплата 05.12.2026"
ITEMS = "Платье синее; 1290; 42,44,46; PL-1\nШарф; 590"
STOP_UTC = datetime(2026, 12, 1, 20, 59, 59, tzinfo=UTC)  # 1 December, 23:59:59 in Moscow


async def become_organizer(
    console: ConsoleSession, user: str = "organizer", name: str = "СП у Анны"
) -> None:
    await console.say(f":as {user}", f"/organizer {name}")


async def console_shop(app: App, console: ConsoleSession, *, points: bool = True) -> int:
    """The organizer's purchase made through their dialogs: the profile (with two pickup
    points unless `points` is off), `QUICK` with `ITEMS`, opened. Returns its id."""
    await become_organizer(console)
    if points:
        await console.say("/organizer", "#5", "#1", "Центр", "ул. Ленина, 1", "пн–пт 10–19")
        await console.say("#2", "Север", "пр. Мира, 10", "#1")
    await console.say(QUICK, ITEMS, "#1")
    return (await purchases_in_db(app))[-1].id


async def move(console: ConsoleSession, purchase_id: int, status: PurchaseStatus) -> str:
    """Press the status button on the card, confirm, and deliver the notifications."""
    asked = await press(
        console.app,
        "organizer",
        StatusMove(purchase_id=purchase_id, status=status, confirmed=False),
    )
    assert "?" in asked, asked
    out = await press(
        console.app,
        "organizer",
        StatusMove(purchase_id=purchase_id, status=status, confirmed=True),
    )
    await console.adapter.deliver_outbox()
    return out


async def place_socks(console: ConsoleSession, purchase_id: int, quantity: str = "2") -> str:
    """Order socks (item 2, no sizes) and confirm, choosing the first pickup point."""
    await console.say(f"/start p_{purchase_id}", "#1", "2", quantity, "-")
    return await console.say("#3", "#1")
