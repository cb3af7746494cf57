"""Delivering neutral replies through the MAX Bot API (POST /messages, PUT /messages,
POST /answers, POST /uploads).

* Texts go out plain (no `format`): every text is ours with people's words inside, and
  nothing a person types may turn into markup. MAX takes at most 4,000 characters: a longer
  text is cut at line breaks (then spaces, then anywhere) into several messages, the
  keyboard on the last.
* Buttons become an `inline_keyboard` attachment: a payload is a `callback` button, a url a
  `link` button.
* A photo goes as an `image` attachment of the first text message: by its MAX token (a
  photo a person sent), or uploaded (POST /uploads?type=image). A document's bytes are
  uploaded as a `file`; a `FileRef` of MAX goes by its token. Photos and files of other
  platforms are not sendable here: the text goes alone.
* Limits: MAX publishes 30 requests a second for a bot (MAX_RATE_PER_SECOND lowers it); it
  publishes no limit per chat, so none is declared.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from bot.adapters.max import PLATFORM
from bot.adapters.max.client import MaxApiError, MaxClient, delivery_error
from bot.adapters.max.events import GROUP_PREFIX
from bot.core import text_split
from bot.core.replies import Button, Reply
from bot.core.transport import (
    DeliveryError,
    PermanentFailure,
    SendLimits,
    TemporaryFailure,
    send_one_by_one,
)
from bot.settings import Settings

log = logging.getLogger(__name__)

TEXT_LIMIT = 4000  # characters
RATE_PER_SECOND = 30.0
# After an upload MAX may answer `attachment.not.ready` for a moment: tries and the pause.
ATTACHMENT_TRIES = 5
ATTACHMENT_PAUSE = 0.5
CALLBACK_NOTIFICATION_LIMIT = 200

T = TypeVar("T")


def is_group_chat(chat_id: str) -> bool:
    return chat_id.startswith(GROUP_PREFIX)


def limits_of(settings: Settings) -> SendLimits:
    return SendLimits(per_bot=settings.max_rate_per_second, is_group=is_group_chat)


MAX_LIMITS = SendLimits(per_bot=RATE_PER_SECOND, is_group=is_group_chat)


def recipient(chat_id: str) -> dict[str, int]:
    """The query naming a chat: ?chat_id= for groups and channels, ?user_id= for a person."""
    text = str(chat_id).strip()
    key = "user_id"
    if text.startswith(GROUP_PREFIX):
        key, text = "chat_id", text[len(GROUP_PREFIX) :]
    try:
        return {key: int(text)}
    except ValueError:
        raise PermanentFailure(f"{chat_id!r} is not a MAX chat") from None


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut a text into pieces of at most `limit` characters (`bot.core.text_split`)."""
    return text_split.split_text(text, limit)


def keyboard(rows: Sequence[Sequence[Button]]) -> dict[str, Any] | None:
    if not rows:
        return None
    buttons = [
        [
            {"type": "link", "text": b.text, "url": b.url}
            if b.url
            else {"type": "callback", "text": b.text, "payload": b.payload}
            for b in row
        ]
        for row in rows
        if row
    ]
    return {"type": "inline_keyboard", "payload": {"buttons": buttons}}


def _mid(answer: Any) -> str | None:
    message = answer.get("message") if isinstance(answer, dict) else None
    body = message.get("body") if isinstance(message, dict) else None
    mid = body.get("mid") if isinstance(body, dict) else None
    return mid if isinstance(mid, str) else None


class MaxTransport:
    """`bot.core.transport.Transport` over one MAX bot (`bot_key` is empty and ignored)."""

    platform = PLATFORM

    def __init__(
        self,
        client: MaxClient,
        *,
        limits: SendLimits = MAX_LIMITS,
        timeout: float | None = None,
        attachment_pause: float = ATTACHMENT_PAUSE,
    ) -> None:
        self.client = client
        self.limits = limits
        self.timeout = timeout
        self.attachment_pause = attachment_pause

    async def send(
        self, chat_id: str, reply: Reply, *, bot_key: str = "", message_key: str | None = None
    ) -> str | None:
        """Deliver one reply (several messages if long); returns the first message's id."""
        target = recipient(chat_id)
        first: str | None = None
        files: list[dict[str, Any]] = []
        if reply.document is not None:
            document = reply.document
            files.append(
                await self._call(
                    lambda: self.client.upload("file", document.content, document.file_name)
                )
            )
        if reply.file is not None:
            if reply.file.platform == PLATFORM and reply.file.file_id:
                files.append({"type": "file", "payload": {"token": reply.file.file_id}})
            else:
                log.info("file from %s not sendable on MAX: text only", reply.file.platform)
        for attachment in files:
            # MAX takes one file per message: each its own, before the text and its buttons.
            mid = await self._post(target, {"attachments": [attachment]})
            first = first or mid
        image = await self._image(reply)
        parts = split_text(reply.text) or [""]
        markup = keyboard(reply.buttons)
        for index, part in enumerate(parts):
            attachments: list[dict[str, Any]] = []
            if index == 0 and image is not None:
                attachments.append(image)
            if index == len(parts) - 1 and markup is not None:
                attachments.append(markup)
            if not part and not attachments:
                continue
            body: dict[str, Any] = {"text": part or None}
            if attachments:
                body["attachments"] = attachments
            mid = await self._post(target, body)
            first = first or mid
        return first

    async def _image(self, reply: Reply) -> dict[str, Any] | None:
        photo = reply.photo
        if photo is None:
            return None
        if photo.file_id and photo.platform in (None, PLATFORM):
            return {"type": "image", "payload": {"token": photo.file_id}}
        if photo.content:
            content = photo.content
            return await self._call(lambda: self.client.upload("image", content, "photo.jpg"))
        log.info("photo from %s not sendable on MAX: text only", photo.platform)
        return None

    async def _post(self, target: dict[str, int], body: dict[str, Any]) -> str | None:
        for attempt in range(1, ATTACHMENT_TRIES + 1):
            try:
                answer = await self._call(
                    lambda: self.client.call("POST", "/messages", params=target, body=body)
                )
            except TemporaryFailure as exc:
                if "attachment.not.ready" not in exc.reason or attempt == ATTACHMENT_TRIES:
                    raise
                await asyncio.sleep(self.attachment_pause * attempt)
                continue
            return _mid(answer)
        return None

    async def send_many(
        self,
        chat_ids: list[str],
        reply: Reply,
        *,
        bot_key: str = "",
        message_key: str | None = None,
    ) -> dict[str, DeliveryError | None]:
        """MAX has no multi-recipient send: one call per chat, in order (as Telegram's)."""
        return await send_one_by_one(
            lambda chat_id: self.send(chat_id, reply, bot_key=bot_key), chat_ids
        )

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> str:
        """PUT /messages?message_id=: the text and keyboard of a message replaced. Raises a
        `DeliveryError` when MAX cannot (the caller then sends a new message)."""
        if reply.photo is not None or reply.document is not None or reply.file is not None:
            raise PermanentFailure("a reply with media cannot replace a text message")
        if not reply.text or len(reply.text) > TEXT_LIMIT:
            raise PermanentFailure("the text does not fit one message")
        markup = keyboard(reply.buttons)
        # An empty list removes the old keyboard; leaving it out would keep it.
        body = {"text": reply.text, "attachments": [markup] if markup else []}
        answer = await self._call(
            lambda: self.client.call(
                "PUT", "/messages", params={"message_id": message_id}, body=body
            )
        )
        if isinstance(answer, dict) and answer.get("success") is False:
            raise PermanentFailure(f"edit refused: {answer.get('message')}")
        return message_id

    async def answer_button(self, callback_id: str, notification: str | None = None) -> None:
        """POST /answers?callback_id=: the press answered (the button stops waiting), with a
        short notification if given. MAX requires `message` or `notification`; the documents
        do not say whether an empty notification is shown: we send one without a text. MAX
        takes at most two answers a second per chat: a faster presser's answer may get 429
        (logged by the adapter; the reply itself still goes)."""
        body = {"notification": (notification or "")[:CALLBACK_NOTIFICATION_LIMIT]}
        await self._call(
            lambda: self.client.call(
                "POST", "/answers", params={"callback_id": callback_id}, body=body
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
        except (MaxApiError, Exception) as exc:
            raise delivery_error(exc) from exc
