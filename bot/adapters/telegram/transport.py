"""Delivering neutral replies through the Telegram Bot API (aiogram 3's `Bot`).

`TelegramTransport` implements `bot.core.transport.Transport`: the outbox sender and the Telegram
adapter's direct replies both send through it.

* Texts go out without a parse mode. Every text is ours (Fluent files) with people's words
  (titles, names, comments, broadcasts) inside, and none of our texts uses markup, so plain
  text is both simpler and safe: nothing a person types can break or inject formatting.
* Telegram counts lengths in UTF-16 code units: a text over 4096 is cut at line breaks (then
  spaces, then anywhere) into several messages, the buttons on the last one; a caption over
  1024 goes as a photo without caption followed by the text.
* A `FileRef` (a file a person sent us, e.g. a PDF receipt) goes by its file_id through
  sendDocument, like a `Document`'s bytes; another platform's file id is left out.
* Buttons become an inline keyboard: a payload is callback_data, a url a link button.
* aiogram's errors become the delivery errors of bot/core/transport.py (see `delivery_error`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    TelegramObject,
)
from pydantic import ConfigDict

from bot.adapters.telegram import PLATFORM
from bot.core import text_split
from bot.core.replies import Button, FileRef, Photo, Reply
from bot.core.transport import (
    DeliveryError,
    PermanentFailure,
    RecipientUnreachable,
    RetryAfter,
    SendLimits,
    TemporaryFailure,
    send_one_by_one,
)
from bot.settings import Settings

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096  # UTF-16 code units, as Telegram counts them
CAPTION_LIMIT = 1024

# Bad requests that mean the chat is gone for us rather than that the request was wrong.
_UNREACHABLE_MARKERS = (
    "chat not found",
    "user not found",
    "user is deactivated",
    "peer_id_invalid",
    "bot can't initiate conversation",
    "bot was blocked",
    "have no rights to send",
    "not enough rights to send",
    "need administrator rights",
    "bot is not a member",
    "bot was kicked",
)

T = TypeVar("T")


class SentMessage(TelegramObject):
    """What a reply needs to know of the message Telegram made of it: its id.

    Telegram answers a sendMessage with the whole message: the bot as sender, the chat, the
    text and the keyboard. aiogram validates all of it into a `Message` with a nested model
    per user, chat, keyboard row and button, each with its own post-init, and nobody here reads
    any of it but the id: that validation was the biggest single cost of a reply.
    """

    model_config = ConfigDict(extra="ignore")

    message_id: int


class SendText(SendMessage):
    """aiogram's `SendMessage`, its answer validated into a `SentMessage`, not a `Message`."""

    __returning__ = SentMessage


class EditText(EditMessageText):
    """aiogram's `EditMessageText`; the edited message is not read (True for inline ones)."""

    __returning__ = SentMessage | bool


# --- errors -----------------------------------------------------------------------------------


def delivery_error(exc: BaseException) -> DeliveryError:
    """The delivery error an aiogram (or network) exception means."""
    if isinstance(exc, DeliveryError):
        return exc
    reason = _reason(exc)
    if isinstance(exc, TelegramRetryAfter):
        return RetryAfter(float(exc.retry_after), reason)
    if isinstance(exc, TelegramForbiddenError):
        # Blocked by the user, deactivated account, kicked from the group or channel.
        return RecipientUnreachable(reason)
    if isinstance(exc, TelegramMigrateToChat):
        # The group became a supergroup: this chat id is dead; the new one is in the reason.
        return RecipientUnreachable(reason)
    if isinstance(exc, TelegramBadRequest):
        lowered = reason.lower()
        if any(marker in lowered for marker in _UNREACHABLE_MARKERS):
            return RecipientUnreachable(reason)
        return PermanentFailure(reason)
    if isinstance(exc, TelegramEntityTooLarge):
        return PermanentFailure(reason)
    if isinstance(exc, TelegramServerError | TelegramNetworkError):
        return TemporaryFailure(reason)
    if isinstance(exc, TelegramUnauthorizedError | TelegramConflictError | TelegramNotFound):
        # A revoked token or a misconfigured API URL: not the message's fault, and the
        # operator may fix it; back-off keeps the messages until then.
        return TemporaryFailure(reason)
    if isinstance(exc, TimeoutError | OSError):
        return TemporaryFailure(f"network: {type(exc).__name__}: {exc}".rstrip(": "))
    if isinstance(exc, TelegramAPIError):
        return TemporaryFailure(reason)
    return TemporaryFailure(f"{type(exc).__name__}: {exc}")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TelegramRetryAfter):
        return f"too many requests: retry after {exc.retry_after}s"
    message = getattr(exc, "message", None)
    return str(message if message else exc) or type(exc).__name__


# --- formatting -------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut a text into messages of at most `limit` UTF-16 units (Telegram's measure), never
    inside a character (`bot.core.text_split`)."""
    return text_split.split_text(text, limit, length=utf16_len, prefix_within=_prefix_within)


def _prefix_within(text: str, limit: int) -> str:
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=button.text, url=button.url)
                if button.url
                else InlineKeyboardButton(text=button.text, callback_data=button.payload)
                for button in row
            ]
            for row in rows
            if row
        ]
    )


def photo_input(photo: Photo) -> str | InputFile | None:
    """What sendPhoto accepts: our file_id, or the bytes; None when neither is usable here
    (a file_id of another platform means nothing to Telegram)."""
    if photo.file_id and photo.platform in (None, PLATFORM):
        return photo.file_id
    if photo.content:
        return BufferedInputFile(photo.content, filename="photo.jpg")
    return None


def file_input(file: FileRef) -> str | None:
    """What sendDocument accepts for a file reference: its file_id when it is Telegram's;
    None for another platform's (it means nothing here, and no bytes were kept)."""
    return file.file_id if file.platform == PLATFORM and file.file_id else None


# --- the transport ----------------------------------------------------------------------------


def is_group_chat(chat_id: str) -> bool:
    """Groups, supergroups and channels have negative ids on Telegram."""
    return chat_id.startswith("-")


def limits_of(settings: Settings) -> SendLimits:
    """About 30 messages a second in all, one a second to a person, 20 a minute to a group
    (Telegram's published limits; the TELEGRAM_RATE_* settings may lower them)."""
    return SendLimits(
        per_bot=settings.telegram_rate_global,
        per_private_chat=settings.telegram_rate_private,
        per_group_per_minute=settings.telegram_rate_group_per_minute,
        is_group=is_group_chat,
    )


TELEGRAM_LIMITS = SendLimits(
    per_bot=30.0, per_private_chat=1.0, per_group_per_minute=20.0, is_group=is_group_chat
)


class TelegramTransport:
    """`bot.core.transport.Transport` over one aiogram `Bot` (Telegram has one bot: `bot_key` is
    always empty and ignored)."""

    platform = PLATFORM

    def __init__(
        self, bot: Bot, *, limits: SendLimits = TELEGRAM_LIMITS, timeout: float | None = None
    ) -> None:
        """`limits`: Telegram's published ones unless the settings lower them (see
        `limits_of`); `timeout`: seconds for one API call before it counts as a temporary
        failure (None: the aiogram session's own time-out)."""
        self.bot = bot
        self.limits = limits
        self.timeout = timeout

    async def send(
        self, chat_id: str, reply: Reply, *, bot_key: str = "", message_key: str | None = None
    ) -> str | None:
        """Deliver one reply (several messages if long); returns the first message's id."""
        target = _chat(chat_id)
        markup = keyboard(reply.buttons)
        first: Message | SentMessage | None = None
        text = reply.text
        if reply.photo is not None:
            media = photo_input(reply.photo)
            if media is None:
                log.info("photo from %s not sendable on Telegram: text only", reply.photo.platform)
            else:
                fits = utf16_len(text) <= CAPTION_LIMIT
                first = await self._call(
                    lambda: self.bot.send_photo(
                        target,
                        media,
                        caption=text if fits and text else None,
                        parse_mode=None,
                        reply_markup=markup if fits else None,
                    )
                )
                if fits:
                    text = ""
        documents: list[str | InputFile] = []
        if reply.document is not None:
            documents.append(
                BufferedInputFile(reply.document.content, filename=reply.document.file_name)
            )
        if reply.file is not None:
            by_id = file_input(reply.file)
            if by_id is None:
                log.info("file from %s not sendable on Telegram: text only", reply.file.platform)
            else:
                documents.append(by_id)
        for document in documents:
            fits = utf16_len(text) <= CAPTION_LIMIT
            caption = text if fits and text else None
            sent = await self._call(
                lambda document=document, caption=caption, fits=fits: self.bot.send_document(
                    target,
                    document,
                    caption=caption,
                    parse_mode=None,
                    reply_markup=markup if fits else None,
                )
            )
            first = first or sent
            if fits:
                text = ""
        if text or first is None:
            parts = split_text(text) or [text]
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                sent = await self._call(
                    lambda part=part, last=last: self.bot(
                        SendText(
                            chat_id=target,
                            text=part,
                            parse_mode=None,
                            reply_markup=markup if last else None,
                        )
                    )
                )
                first = first or sent
        return None if first is None else str(first.message_id)

    async def send_many(
        self,
        chat_ids: list[str],
        reply: Reply,
        *,
        bot_key: str = "",
        message_key: str | None = None,
    ) -> dict[str, DeliveryError | None]:
        """Telegram has no multi-recipient send: one call per chat, in order."""
        return await send_one_by_one(
            lambda chat_id: self.send(chat_id, reply, bot_key=bot_key), chat_ids
        )

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> str:
        """Replace a message's text and buttons; raises a `DeliveryError` when Telegram cannot
        (a photo message, a message too old, a text too long), so the caller sends anew."""
        if reply.photo is not None or reply.document is not None or reply.file is not None:
            raise PermanentFailure("a reply with media cannot replace a text message")
        if not reply.text or utf16_len(reply.text) > TEXT_LIMIT:
            raise PermanentFailure("the text does not fit one message")
        target = _chat(chat_id)
        try:
            number = int(message_id)
        except ValueError:
            raise PermanentFailure(f"{message_id!r} is not a message id") from None
        try:
            await self._call(
                lambda: self.bot(
                    EditText(
                        text=reply.text,
                        chat_id=target,
                        message_id=number,
                        parse_mode=None,
                        reply_markup=keyboard(reply.buttons),
                    )
                )
            )
        except PermanentFailure as exc:
            # Pressing the same button twice: the message already says this.
            if "message is not modified" not in exc.reason.lower():
                raise
        return str(message_id)

    async def answer_button(self, query_id: str, alert: str | None = None) -> None:
        """Answer a button press (so the button stops spinning), with `alert` shown in a
        window if given."""
        await self._call(
            lambda: self.bot.answer_callback_query(
                query_id, text=alert or None, show_alert=True if alert else None
            )
        )

    async def _call(self, request: Callable[[], Awaitable[T]]) -> T:
        try:
            if self.timeout is None:
                return await request()
            async with asyncio.timeout(self.timeout):
                return await request()
        except DeliveryError:
            raise
        except Exception as exc:
            raise delivery_error(exc) from exc


def _chat(chat_id: str) -> int | str:
    """Telegram chat ids are integers; "@channelname" is the only other form it accepts."""
    text = str(chat_id).strip()
    if text.startswith("@"):
        return text
    try:
        return int(text)
    except ValueError:
        raise PermanentFailure(f"{chat_id!r} is not a Telegram chat id") from None
