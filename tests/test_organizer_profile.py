"""The organizer's profile through the console: every field step by step, photos as media
rows, pickup points added, edited, retired and restored, and forged buttons refused."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from handlers.organizer.profile import PointAction, PointKeep, ProfileAction, ProfileClear
from storage.models import DialogState, Media, PickupPoint
from tests.support.drivers import ConsoleSession, press
from tests.support.queries import organizer_row
from tests.support.steps import become_organizer


async def points_of(app: App, organizer_id: int) -> list[PickupPoint]:
    async with app.session_factory() as session:
        stmt = select(PickupPoint).where(PickupPoint.organizer_id == organizer_id)
        return list(await session.scalars(stmt.order_by(PickupPoint.id)))


async def test_profile_fields_step_by_step(app: App, console: ConsoleSession) -> None:
    await become_organizer(console)
    out = await console.say("/organizer")
    assert "Профиль организатора: СП у Анны" in out and "Фото: нет" in out
    assert "[#1 Имя] [#2 Фото] [#3 О себе]" in out and "[#5 Пункты выдачи]" in out

    out = await console.say("#1")
    assert "Сейчас: СП у Анны" in out
    out = await console.say("x")
    assert "Имя должно быть от 2 до 64 символов" in out
    out = await console.say("/frobnicate")
    assert "Команды /frobnicate нет" in out
    out = await console.say("Анна: совместные покупки")
    assert "Сохранено." in out and "Профиль организатора: Анна: совместные покупки" in out

    out = await console.say("#2", "просто текст")
    assert "Нужна фотография" in out
    out = await console.say(":photo")
    assert "Сохранено." in out and "Фото: есть" in out and "🖼 photo" in out
    profile = await organizer_row(app)
    async with app.session_factory() as session:
        media = await session.get(Media, profile.photo_id)
    assert media is not None and media.platform == "console" and media.kind == "photo"
    assert media.file_id.startswith("console-photo-")

    out = await console.say("#3", "Вожу одежду, подробности на https://shop.example")
    assert "без ссылок" in out
    out = await console.say("Вожу детскую одежду из Иваново.\nРаздача по субботам.")
    assert "О себе: Вожу детскую одежду из Иваново.\n" in out

    out = await console.say("#4")
    assert "Реквизиты для оплаты: их покупатели увидят" in out
    out = await console.say("Карта 2200 0000 0000 0000, Анна А.\nСБП: +7 900 000-00-00")
    assert "Реквизиты для оплаты: Карта 2200 0000 0000 0000, Анна А." in out

    out = await console.say("#6")
    assert (
        "Теперь пункт выдачи назначаете вы" in out and "Пункт выдачи выбирают: вы назначаете" in out
    )
    assert "[#6 Разрешить покупателям выбирать пункт]" in out
    profile = await organizer_row(app)
    assert profile.buyers_choose_pickup is False
    assert profile.payment_details.endswith("СБП: +7 900 000-00-00")

    # Optional fields can be cleared with a button.
    out = await console.say("#3")
    assert "[#1 Очистить]" in out
    out = await console.say("#1")
    assert "О себе: -" in out
    out = await console.say("#2", "#1")
    assert "Фото: нет" in out
    profile = await organizer_row(app)
    assert profile.description == "" and profile.photo_id is None
    async with app.session_factory() as session:
        assert await session.scalar(select(DialogState)) is None


async def test_pickup_points_add_edit_retire_restore(app: App, console: ConsoleSession) -> None:
    await become_organizer(console)
    out = await console.say("/organizer", "#5")
    assert "Пункты выдачи (работают: 0)" in out and "Пунктов выдачи пока нет" in out
    out = await console.say("#1", "Ц")
    assert "Название — от 2 до 100 символов" in out
    out = await console.say("Центр", "дом")
    assert "Адрес — от 5 до 255 символов" in out
    out = await console.say("ул. Ленина, 1")
    assert "Часы работы, например" in out and "[#1 Пропустить]" in out
    out = await console.say("#1")
    assert "Пункт выдачи «Центр» добавлен." in out and "1. Центр: ул. Ленина, 1" in out
    out = await console.say("#2", "Север", "пр. Мира, 10", "пн–пт 10–19")
    assert "2. Север: пр. Мира, 10 (пн–пт 10–19)" in out

    profile = await organizer_row(app)
    first, second = await points_of(app, profile.id)
    assert (first.name, first.address, first.hours, first.active) == (
        "Центр",
        "ул. Ленина, 1",
        "",
        True,
    )

    # Edit: keep the name, change address and hours.
    out = await console.say("#1")
    assert "Пункт выдачи: Центр" in out and "[#1 Изменить] [#2 Убрать из списка]" in out
    out = await console.say("#1")
    assert "Сейчас: Центр" in out and "[#1 Оставить как есть]" in out
    out = await console.say("#1")
    assert "Сейчас: ул. Ленина, 1" in out
    out = await console.say("ул. Ленина, 3, подъезд 2")
    assert "Сейчас: -" in out
    out = await console.say("сб 11–16")
    assert "Пункт выдачи «Центр» обновлён." in out
    assert "1. Центр: ул. Ленина, 3, подъезд 2 (сб 11–16)" in out

    # Retire asks first; "no" changes nothing.
    out = await console.say("#2", "#2")
    assert "Убрать пункт «Север» из списка?" in out
    out = await console.say("#2")
    assert "Пункт выдачи: Север" in out
    out = await console.say("#2", "#1")
    assert "Пункт «Север» убран из списка." in out
    assert (
        "Пункты выдачи (работают: 1)" in out
        and "2. Север: пр. Мира, 10 (пн–пт 10–19) — убран из списка" in out
    )
    _, second = await points_of(app, profile.id)
    assert second.active is False  # retired, never deleted

    out = await console.say("#2")
    assert "Убран из списка: покупатели его не видят" in out and "[#1 Вернуть в список]" in out
    out = await console.say("#1")
    assert "Пункт «Север» снова в списке." in out
    assert all(point.active for point in await points_of(app, profile.id))
    out = await console.say("/organizer")
    assert "Пунктов выдачи: 2" in out


async def test_forged_and_stale_profile_buttons(app: App, console: ConsoleSession) -> None:
    await become_organizer(console)
    await console.say("/organizer", "#5", "#1", "Центр", "ул. Ленина, 1", "#1")
    owner = await organizer_row(app)
    (point,) = await points_of(app, owner.id)

    await become_organizer(console, "rival", "Конкурент")
    for action in ("retire_yes", "edit", "show", "restore"):
        out = await press(app, "rival", PointAction(point_id=point.id, action=action))
        assert "Такого пункта выдачи у вас нет" in out
    (unchanged,) = await points_of(app, owner.id)
    assert unchanged.active and unchanged.name == "Центр"
    async with app.session_factory() as session:
        assert await session.scalar(select(DialogState)) is None

    out = await press(app, "rival", PointKeep(step="name"))
    assert "Эта кнопка уже не к месту" in out
    for raw in ("opp:abc:show", "opp:99999999999:show", "opp:1:delete", "opf:drop", "opc:name"):
        assert "Эта кнопка устарела или повреждена" in await press(app, "rival", raw)

    out = await press(app, "buyer", ProfileAction(action="choose"))
    assert "Эта команда — для организаторов" in out
    out = await press(app, "buyer", ProfileClear(field="pay"))
    assert "Эта команда — для организаторов" in out


async def test_profile_in_english(console: ConsoleSession) -> None:
    await console.say(":as organizer", "/lang en", "/organizer Anna's buys")
    out = await console.say("/organizer")
    assert "Organizer profile: Anna's buys" in out and "Pickup point chosen by: the buyers" in out
    out = await console.say("#5", "#1", "Centre", "1 Lenin St", "Mon-Fri 10-19")
    assert 'Pickup point "Centre" added.' in out and "1. Centre: 1 Lenin St (Mon-Fri 10-19)" in out
    out = await console.say("#1")
    assert "Address: 1 Lenin St" in out and "Hours: Mon-Fri 10-19" in out
