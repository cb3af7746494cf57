"""The buyer's catalogue through the console: /purchases, paging, the card, deep links.

The organizer's side is set up directly in the database (`make_shop`), so these tests do not
depend on the organizer's dialogs. The helpers here are shared by the other buyer tests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import App
from bot.core.events import Chat, ChatKind, EventKind, Incoming, Sender
from bot.core.payloads import Payload
from bot.texts import Texts
from domain.lifecycle import PurchaseStatus
from handlers.buyer.catalog import PurchaseCard, StartOrder, purchase_card
from storage.models import (
    DialogState,
    Media,
    Organizer,
    PickupPoint,
    Purchase,
    PurchaseItem,
    User,
)
from storage.uow import UnitOfWork
from tests.conftest import ConsoleSession

NBSP = "\u00a0"


@dataclass
class Shop:
    """Ids of an organizer's purchase made for a test."""

    purchase_id: int
    organizer_id: int
    organizer_user_id: int
    item_ids: list[int] = field(default_factory=list)
    point_ids: list[int] = field(default_factory=list)


DEFAULT_ITEMS = (
    ("Футболка", 50_000, ["S", "M", "XL"]),
    ("Носки", 12_050, []),
    ("Платье", 199_900, ["42", "44", "46"]),
)


async def make_shop(
    app: App,
    *,
    title: str = "Детская одежда",
    status: PurchaseStatus = PurchaseStatus.OPEN,
    organizer: str = "organizer",
    organizer_name: str = "СП у Анны",
    fee_bp: int = 1500,
    items: tuple[tuple[str, int, list[str]], ...] = DEFAULT_ITEMS,
    points: tuple[tuple[str, str, str], ...] = (
        ("Центр", "ул. Ленина, 1", "пн–пт 10–19"),
        ("Север", "пр. Мира, 10", ""),
    ),
    buyers_choose_pickup: bool = True,
    photo_platform: str | None = None,
    stop_at: datetime | None = datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
) -> Shop:
    """An organizer (reused if it exists) with pickup points and one purchase with items."""
    async with app.session_factory() as session, session.begin():
        user = await session.scalar(
            select(User).where(User.platform == "console", User.external_id == organizer)
        )
        if user is None:
            user = User(platform="console", external_id=organizer, name=organizer)
            session.add(user)
            await session.flush()
        profile = await session.scalar(select(Organizer).where(Organizer.user_id == user.id))
        point_ids = []
        if profile is None:
            photo_id = None
            if photo_platform is not None:
                media = Media(platform=photo_platform, file_id="org-photo-1")
                session.add(media)
                await session.flush()
                photo_id = media.id
            profile = Organizer(
                user_id=user.id,
                name=organizer_name,
                description="Шьём и привозим с 2015 года.",
                buyers_choose_pickup=buyers_choose_pickup,
                photo_id=photo_id,
            )
            session.add(profile)
            await session.flush()
            for name, address, hours in points:
                point = PickupPoint(
                    organizer_id=profile.id, name=name, address=address, hours=hours
                )
                session.add(point)
                await session.flush()
                point_ids.append(point.id)
        else:
            point_ids = list(
                await session.scalars(
                    select(PickupPoint.id).where(PickupPoint.organizer_id == profile.id)
                )
            )
        purchase = Purchase(
            organizer_id=profile.id,
            title=title,
            description="Хлопок, Иваново.",
            supplier="Ивановский трикотаж",
            category="Одежда",
            fee_bp=fee_bp,
            stop_at=stop_at,
            status=status,
        )
        session.add(purchase)
        await session.flush()
        item_ids = []
        for position, (name, price, sizes) in enumerate(items):
            item = PurchaseItem(
                purchase_id=purchase.id,
                position=position,
                name=name,
                price_kop=price,
                sizes=sizes,
            )
            session.add(item)
            await session.flush()
            item_ids.append(item.id)
        return Shop(purchase.id, profile.id, user.id, item_ids, point_ids)


async def set_status(app: App, purchase_id: int, status: PurchaseStatus) -> None:
    async with app.session_factory() as session, session.begin():
        purchase = await session.get(Purchase, purchase_id)
        assert purchase is not None
        purchase.status = status


async def press(app: App, user: str, payload: str | Payload) -> str:
    """Press a button with any payload, as a forged or stale client could."""
    raw = payload.pack() if isinstance(payload, Payload) else payload
    event = Incoming(
        platform="console",
        update_id=uuid.uuid4().hex,
        sender=Sender(external_id=user, name=user),
        chat=Chat(external_id=user),
        kind=EventKind.BUTTON,
        payload=raw,
    )
    replies = await app.dispatcher.feed(event)
    return "\n".join(reply.text for reply in replies)


# --- tests ----------------------------------------------------------------------------------------


async def test_browse_open_purchases_and_open_a_card(app: App, console: ConsoleSession) -> None:
    shop = await make_shop(app)
    await make_shop(app, title="Черновик", status=PurchaseStatus.DRAFT)
    await make_shop(app, title="Остановленная", status=PurchaseStatus.STOPPED)

    out = await console.say("/purchases")
    assert "Открытые покупки (1), страница 1 из 1:" in out
    assert f"1. Детская одежда — СП у Анны, оргсбор 15{NBSP}%, стоп 01.12.2026" in out
    assert "Черновик" not in out and "Остановленная" not in out
    assert "[#1 1. Детская одежда]" in out

    out = await console.say("#1")
    assert "🛍 Детская одежда" in out
    assert "Организатор: СП у Анны" in out
    assert "Поставщик: Ивановский трикотаж" in out
    assert "Категория: Одежда" in out
    assert f"Оргсбор: 15{NBSP}%" in out
    assert "Стоп заказов: 01.12.2026" in out
    assert f"1. Футболка — 500{NBSP}₽ · размеры: S, M, XL" in out
    assert f"2. Носки — 120,50{NBSP}₽" in out
    assert f"3. Платье — 1{NBSP}999{NBSP}₽ · размеры: 42, 44, 46" in out
    assert "[#1 🛒 Заказать] [#2 💬 Комментировать]" in out and "[#3 ← К покупкам]" in out

    out = await console.say("#3")
    assert "Открытые покупки (1)" in out
    assert shop.purchase_id


async def test_catalog_pages_and_english(app: App, console: ConsoleSession) -> None:
    for number in range(1, 8):
        await make_shop(app, title=f"Покупка {number}")
    out = await console.say("/lang en", "/purchases")
    assert "Open purchases (7), page 1 of 2:" in out
    # Newest first.
    assert "1. Покупка 7 by СП у Анны, fee 15%, orders until 1 Dec 2026" in out
    assert "Покупка 2" not in out and "[#6 Next ▶]" in out
    out = await console.say("#6")
    assert "page 2 of 2" in out and "6. Покупка 2" in out and "7. Покупка 1" in out
    assert "[#3 ◀ Back]" in out
    out = await console.say("#3")
    assert "page 1 of 2" in out
    # A stale or forged page number shows the last page, not an empty one.
    out = await press(app, "buyer", "bcat:99")
    assert "page 2 of 2" in out


async def test_no_open_purchases(console: ConsoleSession) -> None:
    out = await console.say("/purchases")
    assert "Сейчас нет открытых покупок." in out
    out = await console.say("покупки")
    assert "Я не понял сообщение." in out  # bare words are commands only on VK


async def test_deep_link_opens_the_card(app: App, console: ConsoleSession) -> None:
    shop = await make_shop(app)
    draft = await make_shop(app, title="Черновик", status=PurchaseStatus.DRAFT)
    closed = await make_shop(app, title="Прошлая", status=PurchaseStatus.CLOSED)

    out = await console.say(f"/start p_{shop.purchase_id}")
    assert "🛍 Детская одежда" in out and "🛒 Заказать" in out

    for garbage in ("p_abc", "p_12x", "p_99999999999", "p_0", "p_-1"):
        out = await console.say(f"/start {garbage}")
        assert "Ссылка на покупку повреждена" in out or "не распознана" in out, garbage
        assert "Traceback" not in out

    out = await console.say("/start p_987654")
    assert "Такой покупки нет или она ещё не открыта." in out
    out = await console.say(f"/start p_{draft.purchase_id}")
    assert "Такой покупки нет или она ещё не открыта." in out
    assert "Черновик" not in out

    out = await console.say(f"/start p_{closed.purchase_id}")
    assert "🛍 Прошлая" in out and "Покупка завершена." in out
    assert "Заказать" not in out  # no ordering once orders are closed

    # The organizer previews their own draft.
    out = await console.say(":as organizer", f"/start p_{draft.purchase_id}")
    assert "🛍 Черновик" in out and "Черновик: покупателям пока не видна." in out


async def test_forged_card_and_order_buttons(app: App, console: ConsoleSession) -> None:
    draft = await make_shop(app, title="Черновик", status=PurchaseStatus.DRAFT)
    stopped = await make_shop(app, title="Стоп", status=PurchaseStatus.STOPPED)
    out = await press(app, "buyer", PurchaseCard(purchase_id=draft.purchase_id))
    assert "Такой покупки нет" in out
    out = await press(app, "buyer", StartOrder(purchase_id=draft.purchase_id))
    assert "Такой покупки нет" in out
    out = await press(app, "buyer", StartOrder(purchase_id=stopped.purchase_id))
    assert "Приём заказов в этой покупке закрыт" in out
    for raw in ("bpur:0", "bpur:-5", "bpur:abc", "bpur:99999999999", "bpur:1:2", "bbuy:"):
        out = await press(app, "buyer", raw)
        assert "Эта кнопка устарела или повреждена." in out, raw


async def test_purchase_card_is_reusable_without_buttons(app: App) -> None:
    shop = await make_shop(app)
    async with app.session_factory() as session:
        purchase = await UnitOfWork(session).orders.visible_purchase(shop.purchase_id, viewer_id=0)
        assert purchase is not None
        reply = purchase_card(Texts().translator("en"), purchase, buttons=False)
    assert reply.buttons == []
    assert "Organizer: СП у Анны" in reply.text and f"2. Носки — 120.50{NBSP}₽" in reply.text


async def test_card_buttons_pressed_in_a_group_answer_privately_only(app: App) -> None:
    shop = await make_shop(app)
    for payload in (
        StartOrder(purchase_id=shop.purchase_id),
        PurchaseCard(purchase_id=shop.purchase_id),
    ):
        event = Incoming(
            platform="console",
            update_id=uuid.uuid4().hex,
            sender=Sender(external_id="buyer", name="buyer"),
            chat=Chat(external_id="-100", kind=ChatKind.GROUP),
            kind=EventKind.BUTTON,
            payload=payload.pack(),
        )
        [reply] = await app.dispatcher.feed(event)
        assert "Напишите мне в личные сообщения." in reply.text
    async with app.session_factory() as session:
        assert await session.scalar(select(DialogState)) is None
