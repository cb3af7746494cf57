"""MAX updates as neutral `Incoming` events (pure functions, no I/O).

The update shapes are the Bot API's `Update` objects (dev.max.ru/docs-api/objects/Update):
`message_created` (a `Message`: sender, recipient with chat_id and chat_type
dialog|chat|channel, body with mid, text and attachments), `message_callback` (a pressed
callback button: `callback` with callback_id, payload and user, and the message it belongs
to), `bot_started` (a person opened the bot, `payload` from a deep link
https://max.ru/<bot>?start=<payload>), `bot_stopped`, `bot_added` / `bot_removed` (the bot's
membership of a group chat or channel). Every other type maps to None and is ignored.

Decided here where the documents leave it open:

* MAX updates carry no update id. The id that makes a redelivery harmless is the message id
  (`body.mid`) for messages, the `callback_id` for button presses, and the chat, person and
  millisecond timestamp for the rest: a redelivered update repeats all of them.
* A private chat is named by the person's user id (replies go with `?user_id=`), as on
  Telegram and VK, so notifications reach the person by their id; a group chat or channel
  by "chat:<chat_id>" (replies go with `?chat_id=`).
* A person's photo is kept by the attachment's `token`, which MAX accepts again in an
  `image` attachment; a file likewise.
* `bot_started` becomes the message "/start <payload>", so deep links go the same way as
  Telegram's.
"""

from __future__ import annotations

import hashlib
from typing import Any

from bot.adapters.max import PLATFORM
from bot.core.events import (
    Attachment,
    AttachmentKind,
    Chat,
    ChatKind,
    ConsentChange,
    EventKind,
    Incoming,
    Membership,
    MembershipChange,
    Sender,
    parse_command,
)
from bot.core.ports import PlatformPort

UPDATE_TYPES = [
    "message_created",
    "message_callback",
    "bot_started",
    "bot_stopped",
    "bot_added",
    "bot_removed",
]
GROUP_PREFIX = "chat:"
_CHAT_KINDS = {"dialog": ChatKind.PRIVATE, "chat": ChatKind.GROUP, "channel": ChatKind.CHANNEL}


class Malformed(ValueError):
    """An update of a type the bot handles whose fields are missing or of the wrong type."""


def _dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Malformed(f"{what} is not an object")
    return value


def _int(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise Malformed(f"{what} is not an integer")
    return value


def _str(value: Any, what: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise Malformed(f"{what} is not a string")
    return value


def group_chat_id(chat_id: int) -> str:
    return f"{GROUP_PREFIX}{chat_id}"


_ID_PREFIXES = {
    "bot_started": "s",
    "bot_stopped": "x",
    "bot_added": "a",
    "bot_removed": "r",
}
ID_LIMIT = 64  # the database keeps update ids of up to 64 characters


def _short(update_id: str) -> str:
    """Ids longer than the database keeps (MAX does not bound mid or callback_id) become a
    digest of themselves: as unique, and the same on every redelivery."""
    if len(update_id) <= ID_LIMIT:
        return update_id
    return f"{update_id[:2]}#{hashlib.sha256(update_id.encode()).hexdigest()[:60]}"


def update_id_of(raw: Any) -> str:
    """The update's id (see the module's notes); `Malformed` when it has none."""
    update = _dict(raw, "update")
    kind = _str(update.get("update_type"), "update_type") or ""
    if kind == "message_created":
        body = _dict(_dict(update.get("message"), "message").get("body"), "message.body")
        return _short(f"m:{_str(body.get('mid'), 'message.body.mid')}")
    if kind == "message_callback":
        callback = _dict(update.get("callback"), "callback")
        return _short(f"c:{_str(callback.get('callback_id'), 'callback.callback_id')}")
    user = update.get("user")
    user_id = user.get("user_id") if isinstance(user, dict) else None
    stamp = _int(update.get("timestamp"), "timestamp")
    prefix = _ID_PREFIXES.get(kind, kind)
    return _short(f"{prefix}:{update.get('chat_id')}:{user_id}:{stamp}")


def _sender(user: Any, locale: Any = None) -> Sender:
    data = _dict(user, "user")
    user_id = _int(data.get("user_id"), "user.user_id")
    first = data.get("first_name") if isinstance(data.get("first_name"), str) else ""
    last = data.get("last_name") if isinstance(data.get("last_name"), str) else ""
    name = " ".join(part for part in (first, last) if part) or str(data.get("name") or "")
    username = data.get("username") if isinstance(data.get("username"), str) else None
    language = locale.split("-")[0].lower() if isinstance(locale, str) and locale else None
    return Sender(str(user_id), name=name[:255], username=username, language_code=language)


def _chat(recipient: Any, person: Sender, title: str | None = None) -> Chat:
    data = _dict(recipient, "recipient")
    kind = _CHAT_KINDS.get(str(data.get("chat_type")))
    if kind is None:
        raise Malformed(f"unknown chat_type {data.get('chat_type')!r}")
    if kind is ChatKind.PRIVATE:
        return Chat(person.external_id, ChatKind.PRIVATE)
    return Chat(group_chat_id(_int(data.get("chat_id"), "recipient.chat_id")), kind, title)


def _attachments(items: Any) -> tuple[Attachment, ...]:
    if items is None:
        return ()
    if not isinstance(items, list):
        raise Malformed("attachments is not a list")
    found: list[Attachment] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        payload = item.get("payload") if isinstance(item.get("payload"), dict) else {}
        token = payload.get("token")
        size = item.get("size") if isinstance(item.get("size"), int) else None
        if kind == "image" and isinstance(token, str):
            found.append(Attachment(AttachmentKind.PHOTO, token, size, "image/jpeg"))
        elif kind == "file" and isinstance(token, str):
            name = item.get("filename") if isinstance(item.get("filename"), str) else None
            found.append(Attachment(AttachmentKind.DOCUMENT, token, size, None, name))
        elif kind in ("video", "audio", "sticker") and isinstance(token or payload.get("url"), str):
            found.append(Attachment(AttachmentKind.OTHER, str(token or payload.get("url")), size))
    return tuple(found)


def to_incoming(
    raw: Any,
    *,
    bot_username: str | None = None,
    chat_title: str | None = None,
    port: PlatformPort | None = None,
) -> Incoming | None:
    """The neutral event for an update; None for the types the bot does not handle.
    Raises `Malformed` for a handled type that cannot be read."""
    update = _dict(raw, "update")
    kind = update.get("update_type")
    if kind not in UPDATE_TYPES:
        return None
    update_id = update_id_of(update)
    locale = update.get("user_locale")
    common: dict[str, Any] = {"platform": PLATFORM, "update_id": update_id, "port": port}
    if kind == "message_created":
        message = _dict(update.get("message"), "message")
        sender_data = message.get("sender")
        if sender_data is None:
            return None  # a channel post: nobody is talking to the bot
        sender = _sender(sender_data, locale)
        if _dict(sender_data, "sender").get("is_bot") is True:
            return None
        chat = _chat(message.get("recipient"), sender, chat_title)
        if chat.kind is ChatKind.CHANNEL:
            return None
        body = _dict(message.get("body"), "message.body")
        text = _str(body.get("text"), "message.body.text", optional=True) or ""
        command, args, addressed = parse_command(text, bot_username=bot_username)
        return Incoming(
            **common,
            sender=sender,
            chat=chat,
            kind=EventKind.MESSAGE,
            text=text,
            command=command,
            args=args if command else "",
            attachments=_attachments(body.get("attachments")),
            message_id=_str(body.get("mid"), "message.body.mid"),
            addressed=addressed,
        )
    if kind == "message_callback":
        callback = _dict(update.get("callback"), "callback")
        sender = _sender(callback.get("user"), locale)
        payload = callback.get("payload")
        message = update.get("message")
        chat = Chat(sender.external_id)
        message_id = None
        if isinstance(message, dict):
            chat = _chat(message.get("recipient"), sender, chat_title)
            body = message.get("body")
            mid = body.get("mid") if isinstance(body, dict) else None
            message_id = mid if isinstance(mid, str) else None
        return Incoming(
            **common,
            sender=sender,
            chat=chat,
            kind=EventKind.BUTTON,
            payload=payload if isinstance(payload, str) else "",
            message_id=message_id,
        )
    sender = _sender(update.get("user"), locale)
    chat_id = _int(update.get("chat_id"), "chat_id")
    if kind == "bot_started":
        payload = _str(update.get("payload"), "payload", optional=True)
        text = f"/start {payload}" if payload else "/start"
        command, args, _ = parse_command(text)
        return Incoming(
            **common,
            sender=sender,
            chat=Chat(sender.external_id),
            text=text,
            command=command,
            args=args,
        )
    if kind == "bot_stopped":
        return Incoming(
            **common,
            sender=sender,
            chat=Chat(sender.external_id),
            kind=EventKind.CONSENT,
            details=ConsentChange(allowed=False),
        )
    # bot_added / bot_removed: the bot in a group chat or channel.
    chat_kind = ChatKind.CHANNEL if update.get("is_channel") is True else ChatKind.GROUP
    status = Membership.JOINED if kind == "bot_added" else Membership.LEFT
    return Incoming(
        **common,
        sender=sender,
        chat=Chat(group_chat_id(chat_id), chat_kind, chat_title),
        kind=EventKind.MEMBERSHIP,
        details=MembershipChange(status),
    )


def chat_key(raw: Any) -> str | None:
    """The chat whose updates are handled in order (None: order does not matter)."""
    if not isinstance(raw, dict):
        return None
    message = raw.get("message")
    if raw.get("update_type") == "message_callback":
        callback = raw.get("callback") if isinstance(raw.get("callback"), dict) else {}
        user = callback.get("user") if isinstance(callback.get("user"), dict) else {}
        if isinstance(message, dict) and isinstance(message.get("recipient"), dict):
            recipient = message["recipient"]
            if recipient.get("chat_type") != "dialog":
                return f"c{recipient.get('chat_id')}"
        return f"u{user.get('user_id')}"
    if isinstance(message, dict):
        recipient = message.get("recipient") if isinstance(message.get("recipient"), dict) else {}
        if recipient.get("chat_type") == "dialog":
            sender = message.get("sender") if isinstance(message.get("sender"), dict) else {}
            return f"u{sender.get('user_id')}"
        return f"c{recipient.get('chat_id')}"
    user = raw.get("user") if isinstance(raw.get("user"), dict) else {}
    if raw.get("update_type") in ("bot_started", "bot_stopped"):
        return f"u{user.get('user_id')}"
    return f"c{raw.get('chat_id')}"


def start_link(username: str, payload: str) -> str:
    """MAX's deep link: opening it starts the bot with `payload` (a bot_started update)."""
    return f"https://max.ru/{username}?start={payload}"
