"""Text as the database can hold it: NUL and other controls removed, Unicode NFC, at the edge.

PostgreSQL refuses NUL in text and JSON, SQLite takes it: without cleaning at the edge a
Telegram first name or a payment comment with a NUL failed with an internal error on every
attempt on PostgreSQL only. These tests go through the real adapters (the fake Bot API and the
fake VK server) and run on PostgreSQL too with TEST_DATABASE_URL.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable

import pytest

from bot.app import App
from bot.core.events import Attachment, AttachmentKind, Chat, Incoming, Sender, parse_command
from domain.text import clean_optional, clean_text
from storage.models import Community, DialogState, PaymentReport, User
from tests.support.queries import count, rows
from tests.support.shops import Shop
from tests.support.telegram import TelegramHarness, texts
from tests.support.texts import ru
from tests.support.vk import VkWorld

# "й" as a base letter and a combining breve: looks like "й", is two code points.
DECOMPOSED_I = "\u0438\u0306"
BUYER = 601
GROUP = -100601

# --- clean_text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("", ""),
        ("Привет, мир", "Привет, мир"),
        ("a\x00b", "ab"),
        ("\x00\x01\x02\x07\x08\x0b\x0c\x0e\x1b\x1f", ""),
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
        ("windows\r\nline\rbreaks", "windows\nline\nbreaks"),
        ("\r\r\n\n", "\n\n\n"),
        ("del\x7f c1\x80\x85\x9f end", "del c1 end"),
        ("lone \ud800 surrogate \udfff", "lone  surrogate "),
        (f"Йошкар-Ола, {DECOMPOSED_I}од", "Йошкар-Ола, йод"),
        # A control between a letter and its mark: removed, and the two compose.
        ("\u0438\x00\u0306", "й"),
        ("Ｆｕｌｌ ｗｉｄｔｈ stays", "Ｆｕｌｌ ｗｉｄｔｈ stays"),  # NFC, not NFKC
        ("emoji 👩\u200d👩\u200d👧 and\u00a0nbsp", "emoji 👩\u200d👩\u200d👧 and\u00a0nbsp"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    assert clean_text(clean) == clean  # idempotent
    assert unicodedata.is_normalized("NFC", clean_text(raw))


def test_clean_optional_keeps_none() -> None:
    assert clean_optional(None) is None
    assert clean_optional("a\x00") == "a"


def test_every_control_but_tab_and_newline_is_removed() -> None:
    controls = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)])
    assert clean_text(controls) == "\t\n\n"  # \r became a newline


# --- the neutral event cleans what any adapter puts in --------------------------------------


def test_events_are_clean_whatever_the_adapter_gave() -> None:
    event = Incoming(
        platform="console",
        update_id="1",
        sender=Sender("7", name=f"Ма\x00ша {DECOMPOSED_I}", username="ma\x00sha"),
        chat=Chat("7", title="Чат\x1b[31m"),
        text=f"/pay\x00 {DECOMPOSED_I}",
        command="pay",
        args=f"1\x00 {DECOMPOSED_I}\r\n",
        payload="c:orders\x00",
        attachments=(Attachment(AttachmentKind.DOCUMENT, "f1", file_name="чек\x00.pdf"),),
    )
    assert event.sender.name == "Маша й" and event.sender.username == "masha"
    assert event.chat.title == "Чат[31m"
    assert event.text == "/pay й" and event.args == "1 й\n"
    assert event.payload == "c:orders"
    assert event.attachments[0].file_name == "чек.pdf"
    assert event.attachments[0].file_id == "f1"


def test_commands_are_parsed_from_clean_text() -> None:
    assert parse_command("/start\x00") == ("start", "", True)
    assert parse_command("/pay\x00 100\r\n") == ("pay", "100", True)


# --- through the real adapters ----------------------------------------------------------------


async def pay_with_comment(
    say: Callable[[str], Awaitable[object]],
    press_nth: Callable[[int], Awaitable[object]],
    comment: str,
) -> None:
    """/pay for a buyer with one unpaid order: the whole sum, now, the first method, no
    receipt, `comment`, and "Send"."""
    await say("/pay")
    await press_nth(1)  # the whole sum
    await press_nth(1)  # paid now
    await press_nth(1)  # the first method
    await press_nth(1)  # no receipt
    await say(comment)
    await press_nth(1)  # send


COMMENT = f"Перевела\x00 с карты,\r\nЙошкар-Ола, {DECOMPOSED_I}од"
CLEAN_COMMENT = "Перевела с карты,\nЙошкар-Ола, йод"


async def test_telegram_name_and_payment_comment_with_nul(tg: TelegramHarness, shop: Shop) -> None:
    sent = await tg.say(BUYER, "/start", first_name="Ма\x00ша", last_name=f"{DECOMPOSED_I}\x07")
    assert "Здравствуйте, Маша й!" in texts(sent)[0]
    user = await tg.user(BUYER)
    assert user is not None and user.name == "Маша й"

    organizer = await shop.organizer()
    purchase = await shop.purchase(organizer)
    await shop.order(purchase, user, 150_050)
    await pay_with_comment(
        lambda text: tg.say(BUYER, text),
        lambda number: tg.press_nth(BUYER, number),
        COMMENT,
    )
    assert "отправлено организатору" in texts(tg.server.messages_to(BUYER))[-1]
    [report] = await rows(shop.app, PaymentReport)
    assert report.comment == CLEAN_COMMENT
    assert await count(shop.app, DialogState) == 0  # the form is done
    assert not tg.server.errors


async def test_telegram_group_title_and_username_with_controls(
    tg: TelegramHarness, app: App
) -> None:
    update = tg.server.my_chat_member(
        BUYER,
        GROUP,
        chat_title=f"СП\x00 {DECOMPOSED_I}ошкар-Ола\x1b",
        first_name="Маша",
        username="ma\x00sha",
    )
    sent = await tg.push(update)
    assert texts(sent) == [ru("communities-welcome-group")]
    [community] = await rows(app, Community)
    assert community.title == "СП йошкар-Ола"
    user = await tg.user(BUYER)
    assert user is not None and user.name == "Маша" and user.username == "masha"
    assert not tg.server.errors


async def test_vk_name_and_payment_comment_with_nul(vk: VkWorld, shop: Shop) -> None:
    vk.server.set_user(BUYER, "Бо\x00рис", f"{DECOMPOSED_I}\x1b")
    sent = await vk.say(BUYER, "/start")
    assert any("Здравствуйте, Борис й!" in message.text for message in sent)
    [user] = [u for u in await rows(shop.app, User) if u.external_id == str(BUYER)]
    assert user.name == "Борис й"

    organizer = await shop.organizer()
    purchase = await shop.purchase(organizer)
    await shop.order(purchase, user, 150_050)
    await pay_with_comment(
        lambda text: vk.say(BUYER, text),
        lambda number: vk.press_nth(BUYER, number),
        COMMENT,
    )
    assert "отправлено организатору" in vk.texts(BUYER)[-1]
    [report] = await rows(shop.app, PaymentReport)
    assert report.comment == CLEAN_COMMENT
