"""Receipts sent as files (issue 20): banks send PDFs, phones send screenshots as files.

The buyer's /pay form takes a PDF or a picture sent as a file besides a photo; the
organizer's notification (through the outbox) carries it as a document by the platform's file
id: the console prints its name, Telegram sends it with sendDocument, VK as its doc
attachment. Other files and files above the limit are refused and nothing is stored. The
photo path stays as tests/test_payments.py has it.
"""

from __future__ import annotations

import pytest

from bot.app import App
from bot.core.events import Attachment, AttachmentKind
from bot.core.replies import Button, FileRef, Reply
from domain.lifecycle import PurchaseStatus
from domain.payments import MAX_RECEIPT_FILE_BYTES, PaymentReportStatus, is_receipt_file
from storage.models import (
    Media,
    Order,
    Organizer,
    OutboxMessage,
    PaymentReport,
    Purchase,
    User,
)
from tests.support.drivers import ConsoleSession, console_event
from tests.support.outbox import fast_sender
from tests.support.queries import count, rows
from tests.support.shops import Shop
from tests.support.telegram import TelegramHarness, buttons, texts
from tests.support.vk import ANNA, BORIS, GROUP_ID, VkWorld

TG_ANNA, TG_BORIS = 7001, 7002


async def seed(
    app: App,
    *,
    organizer: tuple[str, str],
    buyer: tuple[str, str],
    bot_key: str = "",
    buyer_language: str = "ru",
) -> None:
    """An organizer and a buyer (platform, external id each) with one order of 1 500 ₽ in a
    purchase that takes payments: what /pay needs, made directly."""
    async with app.session_factory() as session, session.begin():
        org_user = User(
            platform=organizer[0], external_id=organizer[1], name="Анна", bot_key=bot_key
        )
        buyer_user = User(
            platform=buyer[0],
            external_id=buyer[1],
            name="Борис",
            bot_key=bot_key,
            language=buyer_language,
        )
        session.add_all([org_user, buyer_user])
        await session.flush()
        org = Organizer(user_id=org_user.id, name="СП Анны", payment_details="Карта 2200 0000")
        session.add(org)
        await session.flush()
        purchase = Purchase(organizer_id=org.id, title="Кофе", status=PurchaseStatus.PAYMENT)
        session.add(purchase)
        await session.flush()
        session.add(
            Order(
                purchase_id=purchase.id,
                buyer_id=buyer_user.id,
                items_total_kop=150_000,
                due_kop=150_000,
                number="A-1",
            )
        )


async def console_pay_until_receipt(console: ConsoleSession) -> None:
    """/pay as the console buyer up to the receipt step: 1500, paid now, by card."""
    out = await console.say(":as buyer", "/pay", "1500", "#1", "#1")
    assert "скриншот чека" in out and "PDF" in out


# --- the neutral reply -----------------------------------------------------------------------


def test_a_file_reference_survives_the_outbox_json() -> None:
    """The outbox stores a Reply with to_json: the file reference must come back whole."""
    file = FileRef("BQAC01", "telegram", file_name="чек.pdf", mime_type="application/pdf")
    reply = Reply("Оплата", [[Button("Ок", "x")]], file=file)
    again = Reply.from_json(reply.to_json())
    assert again.file == file and again.text == "Оплата" and again.photo is None
    assert "file" not in Reply("без файла").to_json()


def test_what_counts_as_a_receipt_file() -> None:
    assert is_receipt_file("application/pdf", "statement")
    assert is_receipt_file(None, "Чек.PDF") and is_receipt_file("image/png", None)
    assert is_receipt_file("application/octet-stream", "scan.jpg")
    assert not is_receipt_file(None, "setup.exe") and not is_receipt_file(None, "notes.docx")
    # The type the platform gives wins over a name made to look like a receipt.
    assert not is_receipt_file("application/x-msdownload", "чек.pdf")


# --- the console -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["выписка-сбер.pdf", "scan.jpg"])
async def test_a_receipt_file_reaches_the_organizer_as_a_file(
    console: ConsoleSession, shop: Shop, name: str
) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer")
    await shop.order(await shop.purchase(organizer), buyer, 150_000)

    await console_pay_until_receipt(console)
    out = await console.say(f":file {name}")
    assert "Чек получен." in out
    out = await console.say("#1", "#1")  # no comment, send
    assert "отправлено" in out
    # The organizer's notification, delivered by the outbox, names the file.
    assert "📨 to organizer" in out and "Чек: файл приложен." in out
    assert f"📄 file {name}" in out

    [media] = await rows(shop.app, Media)
    assert media.kind == "document" and media.platform == "console"
    [report] = await rows(shop.app, PaymentReport)
    assert report.receipt_id == media.id and report.amount_kop == 150_000
    [queued] = await rows(shop.app, OutboxMessage)
    assert queued.body["file"]["file_id"] == media.file_id

    # /payments shows the pending report's receipt as the file again.
    out = await console.say(":as organizer", "/payments")
    assert f"📄 file {media.file_id}" in out and "Чек: файл приложен." in out


async def test_other_files_are_refused_and_nothing_is_stored(
    console: ConsoleSession, shop: Shop, app: App
) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer")
    await shop.order(await shop.purchase(organizer), buyer, 150_000)
    await console_pay_until_receipt(console)

    for name in ("setup.exe", "notes.docx"):
        out = await console.say(f":file {name}")
        assert f"Файл «{name}» не подходит как чек" in out
        assert "PDF или картинка" in out and "20 МБ" in out
    # A program named like a PDF: the platform's type decides.
    disguised = Attachment(
        AttachmentKind.DOCUMENT, "x1", mime_type="application/x-msdownload", file_name="чек.pdf"
    )
    [reply] = await app.dispatcher.feed(console_event("buyer", attachments=(disguised,)))
    assert "не подходит как чек" in reply.text
    # Still on the receipt step.
    out = await console.say("hello")
    assert "Пришлите чек — фото, скриншот или PDF-файл" in out
    assert await count(app, Media) == 0 and await count(app, PaymentReport) == 0


async def test_the_refusal_is_in_the_buyers_language(
    console: ConsoleSession, shop: Shop, app: App
) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer", language="en")
    await shop.order(await shop.purchase(organizer), buyer, 150_000)
    out = await console.say(":as buyer", "/pay", "1500", "#1", "#1")
    assert "a PDF or a picture" in out
    out = await console.say(":file setup.exe")
    assert 'The file "setup.exe" cannot be a receipt' in out and "20 MB" in out
    assert await count(app, Media) == 0


async def test_a_file_above_the_limit_is_refused(
    console: ConsoleSession, shop: Shop, app: App
) -> None:
    organizer = await shop.organizer()
    buyer = await shop.user("buyer")
    await shop.order(await shop.purchase(organizer), buyer, 150_000)
    await console_pay_until_receipt(console)

    huge = Attachment(
        AttachmentKind.DOCUMENT,
        "huge-pdf",
        size=MAX_RECEIPT_FILE_BYTES + 1,
        mime_type="application/pdf",
        file_name="чек.pdf",
    )
    [reply] = await app.dispatcher.feed(console_event("buyer", attachments=(huge,)))
    assert "Файл больше 20 МБ" in reply.text
    assert await count(app, Media) == 0
    # A file of exactly the limit is taken.
    edge = Attachment(
        AttachmentKind.DOCUMENT, "edge-pdf", size=MAX_RECEIPT_FILE_BYTES, file_name="чек.pdf"
    )
    [reply] = await app.dispatcher.feed(console_event("buyer", attachments=(edge,)))
    assert reply.text.startswith("Чек получен.")


# --- Telegram --------------------------------------------------------------------------------


async def test_telegram_pdf_goes_to_the_organizer_with_send_document(
    tg: TelegramHarness, app: App
) -> None:
    await seed(app, organizer=("telegram", str(TG_ANNA)), buyer=("telegram", str(TG_BORIS)))
    await tg.say(TG_BORIS, "/pay")
    await tg.say(TG_BORIS, "1500")
    await tg.press_nth(TG_BORIS, 1)  # paid now
    await tg.press_nth(TG_BORIS, 1)  # by card
    sent = await tg.say(TG_BORIS, None, document=("выписка.pdf", b"%PDF-1.4 receipt"))
    assert "Чек получен." in texts(sent)[0]
    await tg.press_nth(TG_BORIS, 1)  # no comment
    await tg.press_nth(TG_BORIS, 1)  # send
    [media] = await rows(app, Media)
    assert media.kind == "document" and media.mime_type == "application/pdf"

    await fast_sender(app, tg.adapter.transport).drain()
    notification = tg.server.messages_to(TG_ANNA)[-1]
    assert notification["method"] == "sendDocument"
    # Sent again by the buyer's file id, not uploaded: the organizer opens the same file.
    assert notification["document"]["file_id"] == media.file_id
    assert not notification["document"]["uploaded"]
    assert "Чек: файл приложен." in texts([notification])[0]
    assert len(buttons(notification)) == 2  # Confirm / Reject with the report

    await tg.press(TG_ANNA, buttons(notification)[0]["text"])
    [report] = await rows(app, PaymentReport)
    assert report.status is PaymentReportStatus.CONFIRMED


async def test_a_file_from_another_platform_is_named_not_sent(
    tg: TelegramHarness, app: App, console: ConsoleSession
) -> None:
    """A console buyer's PDF cannot reach a Telegram organizer by id: the text says so."""
    await seed(app, organizer=("telegram", str(TG_ANNA)), buyer=("console", "buyer"))
    await console_pay_until_receipt(console)
    await console.say(":file чек.pdf", "#1", "#1")
    assert await count(app, PaymentReport) == 1

    await fast_sender(app, tg.adapter.transport).drain()
    notification = tg.server.messages_to(TG_ANNA)[-1]
    assert notification["method"] == "sendMessage"
    assert "Чек — файл на другой платформе" in texts([notification])[0]
    assert not tg.server.calls("sendDocument") and not tg.server.calls("sendPhoto")


# --- VK --------------------------------------------------------------------------------------


async def test_vk_pdf_goes_to_the_organizer_as_its_doc_attachment(vk: VkWorld, app: App) -> None:
    key = str(GROUP_ID)
    await seed(app, organizer=("vk", str(ANNA)), buyer=("vk", str(BORIS)), bot_key=key)
    await vk.steps(BORIS, "/pay", "1500", "#1", "#1")
    doc = {
        "type": "doc",
        "doc": {"id": 77, "owner_id": BORIS, "access_key": "k1", "title": "чек.pdf"}
        | {"ext": "pdf", "size": 52_000},
    }
    sent = await vk.say(BORIS, "", attachments=[doc])
    assert "Чек получен." in sent[0].text
    await vk.steps(BORIS, "#1", "#1")  # no comment, send
    assert await count(app, PaymentReport) == 1

    delivered = await vk.deliver()
    [notification] = [m for m in delivered if m.peer_id == ANNA]
    assert notification.attachment == f"doc{BORIS}_77_k1"
    assert "Чек: файл приложен." in notification.text

    exe = {"type": "doc", "doc": {"id": 78, "owner_id": BORIS, "title": "x.exe", "ext": "exe"}}
    await vk.steps(BORIS, "/pay", "1", "#1", "#1")
    sent = await vk.say(BORIS, "", attachments=[exe])
    assert "Файл «x.exe» не подходит как чек" in sent[0].text
    assert await count(app, Media) == 1
