"""Photos and comments that reach people (issue 20): a purchase's photos added and removed by
its organizer and shown on the buyer's card; items' photos in the item chooser; a buyer's
comment notified to the organizer with a Reply button, the reply delivered to the buyer,
the list of unanswered comments shrinking; stale and foreign buttons refused politely.

Through the console, and the fake Telegram server where what is sent matters (sendPhoto
with the file id the organizer's photo arrived with).
"""

from __future__ import annotations

from sqlalchemy import select, update

from bot.app import App
from domain.clock import FrozenClock
from domain.comments import waited
from domain.lifecycle import PurchaseStatus
from domain.photos import MAX_PURCHASE_PHOTOS
from handlers.buyer.cart import PickItem
from handlers.buyer.catalog import CommentItemPhotos, OrderItemPhotos, PurchasePhotosView
from handlers.buyer.comments import CommentItem
from handlers.organizer.comments import CommentReply, UnansweredPage
from handlers.organizer.kit import AdminItemsPage
from handlers.organizer.photos import PurchasePhotoRemove, PurchasePhotos
from storage.models import Comment, Media, Purchase, PurchaseItem, PurchasePhoto
from tests.support.drivers import ConsoleSession, press
from tests.support.shops import seed_shop
from tests.support.telegram import TelegramHarness, buttons, texts

ORGANIZER_TG = 5001
BUYER_TG = 5002


async def purchase_photos(app: App, purchase_id: int) -> list[PurchasePhoto]:
    async with app.session_factory() as session:
        stmt = (
            select(PurchasePhoto)
            .where(PurchasePhoto.purchase_id == purchase_id)
            .order_by(PurchasePhoto.position)
        )
        return list(await session.scalars(stmt))


async def cover_of(app: App, purchase_id: int) -> int | None:
    async with app.session_factory() as session:
        purchase = await session.get(Purchase, purchase_id)
        assert purchase is not None
        return purchase.photo_id


async def comments_in_db(app: App) -> list[Comment]:
    async with app.session_factory() as session:
        return list(await session.scalars(select(Comment).order_by(Comment.id)))


async def give_item_photo(app: App, item_id: int, platform: str, file_id: str) -> int:
    async with app.session_factory() as session, session.begin():
        media = Media(platform=platform, file_id=file_id, kind="photo")
        session.add(media)
        await session.flush()
        await session.execute(
            update(PurchaseItem).where(PurchaseItem.id == item_id).values(photo_id=media.id)
        )
        return media.id


# --- photos ---------------------------------------------------------------------------------


async def test_purchase_photos_added_shown_and_removed(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    pid = shop.purchase_id
    out = await console.say(":as organizer", f"/purchase {pid}")
    assert "Без ответа" not in out
    # From the card to the items, where the photos button is.
    out = await console.press_payload(AdminItemsPage(purchase_id=pid, page=0))
    assert "🖼 Фото (0)" in out

    out = await console.press_payload(PurchasePhotos(purchase_id=pid))
    assert "У покупки «Детская одежда» пока нет фото." in out
    assert "Можно добавить ещё 10." in out
    # A text where a photo is awaited: a clear word, nothing stored.
    out = await console.say("вот фото")
    assert "Жду фото: пришлите картинку" in out
    out = await console.say(":photo")
    assert "Фото добавлено и стало обложкой покупки (1 из 10)" in out
    out = await console.say(":photo")
    assert "Фото добавлено (2 из 10)" in out
    photos = await purchase_photos(app, pid)
    assert len(photos) == 2 and await cover_of(app, pid) == photos[0].media_id
    out = await console.say("#1")  # Done
    assert "Готово. Фото у покупки: 2; первое — обложка карточки." in out
    out = await console.press_payload(AdminItemsPage(purchase_id=pid, page=0))
    assert "🖼 Фото (2)" in out

    # The buyer's card carries the cover, and the other photos are one button away.
    out = await console.say(":as buyer", f"/start p_{pid}")
    assert "🖼 photo" in out and "Детская одежда" in out
    assert "🖼 Все фото (2)" in out
    out = await console.press_payload(PurchasePhotosView(purchase_id=pid))
    assert "«Детская одежда»: фото 1 из 2" in out and "«Детская одежда»: фото 2 из 2" in out
    assert out.count("🖼 photo") == 2 and "Это все фото «Детская одежда»." in out

    # The organizer removes the cover: the second photo becomes the cover.
    await console.say(":as organizer")
    out = await console.press_payload(PurchasePhotoRemove(purchase_id=pid, photo_id=photos[0].id))
    assert "Фото удалено. Осталось: 1." in out
    assert await cover_of(app, pid) == photos[1].media_id
    # The same button again (stale): refused, nothing changes.
    out = await console.press_payload(PurchasePhotoRemove(purchase_id=pid, photo_id=photos[0].id))
    assert "Этого фото уже нет у покупки" in out
    assert len(await purchase_photos(app, pid)) == 1

    out = await console.say(":as buyer", f"/start p_{pid}")
    assert "🖼 photo" in out and "Все фото" not in out


async def test_photo_limit_and_foreign_purchase(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    other = await seed_shop(app, organizer="boris", organizer_name="Борис")
    await console.say(":as organizer")
    await console.press_payload(PurchasePhotos(purchase_id=shop.purchase_id))
    for _ in range(MAX_PURCHASE_PHOTOS):
        await console.say(":photo")
    out = await console.say(":photo")
    assert "У покупки уже 10 фото — это максимум." in out
    assert len(await purchase_photos(app, shop.purchase_id)) == MAX_PURCHASE_PHOTOS

    # Another organizer's purchase, by a forged button: the same "not found" as a stale one.
    out = await press(app, "organizer", PurchasePhotos(purchase_id=other.purchase_id))
    assert "Такой покупки у вас нет." in out
    [mine] = (await purchase_photos(app, shop.purchase_id))[:1]
    out = await press(
        app, "boris", PurchasePhotoRemove(purchase_id=other.purchase_id, photo_id=mine.id)
    )
    assert "Этого фото уже нет у покупки" in out
    assert len(await purchase_photos(app, shop.purchase_id)) == MAX_PURCHASE_PHOTOS


async def test_item_photos_in_the_chooser(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    await give_item_photo(app, shop.item_ids[2], "console", "dress-photo")
    out = await console.say(f"/start p_{shop.purchase_id}", "#1")  # Order
    assert "3. Платье — 1\u00a0999\u00a0₽ 🖼" in out
    assert "🖼 Фото товара на этой странице" in out
    out = await console.press_payload(OrderItemPhotos(purchase_id=shop.purchase_id, page=0))
    assert out.count("🖼 photo") == 1
    assert "3. Платье — 1\u00a0999\u00a0₽ · размеры: 42, 44, 46" in out
    assert "🛒 Выбрать этот товар" in out
    # The chooser comes again under the photos, so the list stays at hand.
    assert out.rindex("Что заказать") > out.index("🖼 photo")
    # The photo's own button picks the dress: the size question follows.
    out = await console.press_payload(
        PickItem(purchase_id=shop.purchase_id, item_id=shop.item_ids[2])
    )
    assert "«Платье»: выберите размер. Есть: 42, 44, 46." in out

    # The comment chooser has the same photos, with a Comment button under each.
    await console.say("/cancel")
    out = await console.press_payload(CommentItemPhotos(purchase_id=shop.purchase_id, page=0))
    assert out.count("🖼 photo") == 1 and "💬 Комментировать этот товар" in out
    out = await console.press_payload(
        CommentItem(purchase_id=shop.purchase_id, item_id=shop.item_ids[2])
    )
    assert "Напишите комментарий к «Платье»" in out


async def test_photos_go_out_as_telegram_photos(app: App, tg: TelegramHarness) -> None:
    """On Telegram the organizer's photos reach the buyer as sendPhoto with the file ids
    they arrived with: the purchase's cover on the card, an item's photo in the chooser."""
    organizer = await tg.make_organizer(ORGANIZER_TG, "Анна")
    hat_photo = tg.server.add_file(b"\xff\xd8hat", kind="photo", mime_type="image/jpeg")
    async with app.session_factory() as session, session.begin():
        purchase = Purchase(organizer_id=organizer.id, title="Шапки", status=PurchaseStatus.OPEN)
        session.add(purchase)
        await session.flush()
        media = Media(platform="telegram", file_id=hat_photo, kind="photo")
        session.add(media)
        await session.flush()
        session.add(PurchaseItem(purchase_id=purchase.id, name="Шапка", price_kop=90_000))
        session.add(
            PurchaseItem(
                purchase_id=purchase.id,
                name="Варежки",
                price_kop=40_000,
                position=1,
                photo_id=media.id,
            )
        )
        pid = purchase.id

    await tg.say(ORGANIZER_TG, f"/purchase {pid}")
    await tg.press(ORGANIZER_TG, "Товары (2)")
    sent = await tg.press(ORGANIZER_TG, "🖼 Фото (0)")
    assert "пока нет фото" in texts(sent)[-1]
    sent = await tg.say(ORGANIZER_TG, None, photo=b"\xff\xd8cover")
    assert "стало обложкой" in texts(sent)[0]
    async with app.session_factory() as session:
        [cover] = await session.scalars(
            select(Media).join(PurchasePhoto, PurchasePhoto.media_id == Media.id)
        )
    assert cover.platform == "telegram" and cover.file_id

    (card,) = await tg.say(BUYER_TG, f"/start p_{pid}")
    assert card["method"] == "sendPhoto" and card["photo"]["file_id"] == cover.file_id
    assert "Шапки" in card["caption"]

    sent = await tg.press(BUYER_TG, ru_order_button())
    assert any(b["text"].endswith("🖼") for b in buttons(sent[-1]))
    sent = await tg.press(BUYER_TG, "🖼 Фото товара на этой странице")
    photo, chooser = sent
    assert photo["method"] == "sendPhoto" and photo["photo"]["file_id"] == hat_photo
    assert photo["caption"].startswith("2. Варежки — 400")
    assert [b["text"] for b in buttons(photo)] == ["🛒 Выбрать этот товар"]
    assert "Что заказать в «Шапки»?" in texts([chooser])[0]
    # The button under the photo picks the mittens.
    sent = await tg.callback(BUYER_TG, buttons(photo)[0]["callback_data"])
    assert "Варежки" in texts(sent)[0]
    assert tg.server.errors == []


def ru_order_button() -> str:
    return "🛒 Заказать"


# --- comments -------------------------------------------------------------------------------


def test_waiting_time_in_whole_units() -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert waited(start, start + timedelta(seconds=59)) == (0, "minutes")
    assert waited(start, start + timedelta(minutes=59)) == (59, "minutes")
    assert waited(start, start + timedelta(hours=23, minutes=59)) == (23, "hours")
    assert waited(start, start + timedelta(days=2, hours=5)) == (2, "days")


async def test_comment_reaches_the_organizer_and_the_reply_the_buyer(
    app: App, console: ConsoleSession, clock: FrozenClock
) -> None:
    shop = await seed_shop(app)
    pid = shop.purchase_id
    out = await console.say(f"/start p_{pid}", "#2", "3", "А на 44 есть замеры по груди?")
    assert "Комментарий к «Платье» сохранён." in out
    # Delivered to the organizer at once, with a Reply button.
    assert "📨 to organizer: 💬 Новый вопрос по покупке «Детская одежда»" in out
    assert "buyer о товаре «Платье»:" in out and "«А на 44 есть замеры по груди?»" in out
    assert "✍ Ответить" in out
    clock.advance(hours=3)
    await console.say(f"/start p_{pid}", "#2", "2", "Носки хлопковые?")
    clock.advance(days=2)

    out = await console.say(":as organizer", f"/purchase {pid}")
    assert "💬 Без ответа: 2" in out
    out = await console.press_payload(UnansweredPage(purchase_id=pid, page=0))
    assert "Без ответа в «Детская одежда»: 2 — сначала те, что ждут дольше:" in out
    assert out.index("замеры по груди") < out.index("Носки хлопковые")  # oldest first
    assert "1. buyer о «Платье» — ждёт 2 дня" in out
    assert "2. buyer о «Носки» — ждёт 2 дня" in out

    first, second = await comments_in_db(app)
    out = await console.press_payload(CommentReply(comment_id=first.id))
    assert "Вопрос от buyer о товаре «Платье» («Детская одежда»):" in out
    out = await console.say(":photo")  # a photo without words
    assert "Ответ пустой — напишите его текстом." in out
    out = await console.say("Да: 44 — грудь 88 см.")
    assert "Ответ отправлен: buyer получит его. Без ответа остался 1 вопрос." in out
    assert "📨 to buyer: 💬 СП у Анны ответил(а) на ваш вопрос о товаре «Платье»" in out
    assert "Вы спрашивали: «А на 44 есть замеры по груди?»" in out
    assert "Ответ: Да: 44 — грудь 88 см." in out

    out = await console.press_payload(UnansweredPage(purchase_id=pid, page=0))
    assert "Без ответа в «Детская одежда»: 1" in out and "замеры" not in out
    # The same Reply button again: already answered, nothing sent twice.
    out = await console.press_payload(CommentReply(comment_id=first.id))
    assert "На этот комментарий уже ответили: «Да: 44 — грудь 88 см.»" in out

    out = await console.press_payload(CommentReply(comment_id=second.id))
    out = await console.say("Да, 100% хлопок.")
    assert "Вопросов без ответа в этой покупке больше нет." in out
    out = await console.say(f"/purchase {pid}")
    assert "Без ответа" not in out
    out = await console.press_payload(UnansweredPage(purchase_id=pid, page=0))
    assert "В покупке «Детская одежда» нет вопросов без ответа." in out

    # The buyer's /comments shows the replies.
    out = await console.say(":as buyer", "/comments")
    assert "↪ Ответ организатора: Да: 44 — грудь 88 см." in out
    assert "↪ Ответ организатора: Да, 100% хлопок." in out


async def test_stale_and_foreign_reply_buttons(app: App, console: ConsoleSession) -> None:
    shop = await seed_shop(app)
    other = await seed_shop(app, organizer="boris", organizer_name="Борис", title="Обувь")
    await console.say(f"/start p_{other.purchase_id}", "#2", "1", "Есть 38?")
    [comment] = await comments_in_db(app)

    # Anna presses a Reply button for a comment on Boris's purchase: refused, nothing changes.
    await console.say(":as organizer", f"/purchase {shop.purchase_id}")
    out = await console.press_payload(CommentReply(comment_id=comment.id))
    assert "Этого комментария нет среди комментариев к вашим покупкам." in out
    out = await console.say("Есть!")
    assert "📨 to buyer" not in out
    # A comment that does not exist (deleted, or a forged id).
    out = await console.press_payload(CommentReply(comment_id=999_999))
    assert "Этого комментария нет среди комментариев к вашим покупкам." in out
    # Anna's list of Boris's purchase: not found either.
    out = await console.press_payload(UnansweredPage(purchase_id=other.purchase_id, page=0))
    assert "Обувь" not in out
    # A buyer (not an organizer) pressing a Reply button.
    out = await press(app, "buyer", CommentReply(comment_id=comment.id))
    assert "📨" not in out
    [unchanged] = await comments_in_db(app)
    assert unchanged.reply_text is None and unchanged.replied_at is None

    # Boris can answer; a reply dialog of a comment answered meanwhile ends politely.
    await console.say(":as boris")
    await console.press_payload(CommentReply(comment_id=comment.id))
    async with app.session_factory() as session, session.begin():
        stored = await session.get(Comment, comment.id)
        assert stored is not None
        stored.reply_text, stored.replied_at = "Есть", stored.created_at
    out = await console.say("Да, есть 38.")
    assert "На этот комментарий уже ответили: «Есть»." in out
    assert "📨 to buyer" not in out
