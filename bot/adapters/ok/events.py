"""OK Bot API webhook messages as neutral `Incoming` events (pure functions, no I/O).

The documents (graph.user.subscribe) show a new message as
{"sender": {"user_id": "user:<id>", "name"?}, "recipient": {"chat_id": "chat:<id>"},
"message": {"text", "seq", "mid": "mid:<...>", "attachments"?}, "timestamp"}, and name the
event types MESSAGE_CREATED, MESSAGE_CALLBACK and CHAT_SYSTEM. Where they are silent we
decided:

* the type is in "webhookType"; a message without one (the documents' own examples) is a
  MESSAGE_CREATED;
* a MESSAGE_CALLBACK carries "callbackId" (what graph.chat.answer takes), "payload" (the
  pressed CALLBACK button's payload, as sent), "sender", "recipient" and, when the client
  gives it, the "message" the button was under;
* CHAT_SYSTEM (the chat opened "by a specially generated link") is not handled: the link's
  form and where its payload comes are not in the documents we could read.

Group messages are conversations between one person and the group: the chat the bot
answers in is the person ("<user id>"), which is also where notifications go; the chat
id ("chat:C...") is kept only to answer a callback.

Start links: OK publishes no way to open the group's chat with a payload, so a start link is
the group's page with the payload after "#start=" (https://ok.ru/group/<id>#start=p_1). A
person who sends such a link (or its "start=p_1" part, or "/start p_1") to the group starts
the bot with that payload.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from bot.adapters.ok import PLATFORM
from bot.adapters.ok.transport import bare_id, photo_file_id
from bot.core.events import (
    Attachment,
    AttachmentKind,
    Chat,
    EventKind,
    Incoming,
    Sender,
    parse_command,
)
from bot.core.payloads import MAX_PAYLOAD_BYTES
from bot.core.ports import PlatformPort

MESSAGE_CREATED = "MESSAGE_CREATED"
MESSAGE_CALLBACK = "MESSAGE_CALLBACK"
# What the dispatcher gets for a payload that is not ours: refused as an outdated button.
INVALID_PAYLOAD = ""
MAX_RAW_PAYLOAD = 1024
START_PAYLOAD = re.compile(r"(?:^|[#?&\s])start=([A-Za-z0-9_\-]{1,64})\s*$")


def ok_start_link(group_id: str, payload: str) -> str:
    return f"https://ok.ru/group/{group_id}#start={payload}"


def kind_of(raw: Mapping[str, Any]) -> str:
    kind = raw.get("webhookType")
    if kind is None and isinstance(raw.get("message"), dict):
        return MESSAGE_CREATED
    return kind if isinstance(kind, str) else ""


def sender_id_of(raw: Any) -> str | None:
    """The person behind a handled update (what orders their updates); None otherwise."""
    if not isinstance(raw, Mapping) or kind_of(raw) not in (MESSAGE_CREATED, MESSAGE_CALLBACK):
        return None
    sender = raw.get("sender")
    return bare_id(sender.get("user_id"), "user") if isinstance(sender, dict) else None


def chat_id_of(raw: Mapping[str, Any]) -> str | None:
    recipient = raw.get("recipient")
    chat = recipient.get("chat_id") if isinstance(recipient, dict) else None
    return chat if isinstance(chat, str) and bare_id(chat, "chat") else None


def update_id_of(raw: Mapping[str, Any]) -> str:
    """The message's mid, or the callback's id: the same when OK delivers it again."""
    if kind_of(raw) == MESSAGE_CALLBACK:
        callback = raw.get("callbackId")
        if isinstance(callback, str | int) and 0 < len(str(callback)) <= 60:
            return f"cb:{callback}"
    else:
        message = raw.get("message")
        mid = message.get("mid") if isinstance(message, dict) else None
        if isinstance(mid, str) and 0 < len(mid) <= 64:
            return mid
    body = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str).encode()
    return "h" + hashlib.sha256(body).hexdigest()[:40]


def button_payload(value: Any) -> str:
    """Our packed payload as the client handed it back, or INVALID_PAYLOAD."""
    if not isinstance(value, str) or not value or len(value.encode()) > MAX_PAYLOAD_BYTES:
        return INVALID_PAYLOAD
    return value


def _attachment(item: Any) -> Attachment | None:
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        return None
    kind = item["type"].upper()
    payload = item.get("payload") if isinstance(item.get("payload"), dict) else {}
    if kind == "IMAGE":
        file_id = photo_file_id(payload)
        if file_id is not None:
            return Attachment(AttachmentKind.PHOTO, file_id, mime_type="image/jpeg")
    if kind == "FILE":
        token = payload.get("token")
        if isinstance(token, str) and token:
            name = payload.get("name") or item.get("name")
            size = payload.get("size")
            return Attachment(
                AttachmentKind.DOCUMENT,
                f"token:{token}",
                size if isinstance(size, int) and not isinstance(size, bool) else None,
                None,
                name if isinstance(name, str) and name else None,
            )
    return Attachment(AttachmentKind.OTHER, kind.lower()[:32])


def to_incoming(
    raw: Mapping[str, Any], group_id: str, *, port: PlatformPort | None = None
) -> Incoming | None:
    """A webhook message as a neutral event; None for what the bot does not handle."""
    user = sender_id_of(raw)
    if user is None:
        return None
    sender = raw["sender"]
    name = sender.get("name")
    base: dict[str, Any] = {
        "platform": PLATFORM,
        "update_id": update_id_of(raw),
        "bot_key": group_id,
        "sender": Sender(user, name=name[:255] if isinstance(name, str) else ""),
        "chat": Chat(user),
        "port": port,
    }
    message = raw.get("message") if isinstance(raw.get("message"), dict) else {}
    mid = message.get("mid")
    base["message_id"] = mid if isinstance(mid, str) and len(mid) <= 64 else None
    if kind_of(raw) == MESSAGE_CALLBACK:
        return Incoming(**base, kind=EventKind.BUTTON, payload=button_payload(raw.get("payload")))
    text = message.get("text")
    text = text if isinstance(text, str) else ""
    items = message.get("attachments")
    single = message.get("attachment")
    listed = items if isinstance(items, list) else ([single] if single is not None else [])
    attachments = tuple(a for a in map(_attachment, listed[:10]) if a)
    start = START_PAYLOAD.search(text.strip()) if not text.lstrip().startswith("/") else None
    if start is not None:
        return Incoming(**base, text=text, command="start", args=start.group(1))
    command, args, _ = parse_command(text)
    return Incoming(
        **base,
        text=text,
        attachments=attachments,
        command=command,
        args=args,
        bare_commands=command is None,
    )
