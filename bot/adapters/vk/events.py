"""VK Bots Long Poll updates as neutral `Incoming` events (pure functions, no I/O).

Handled: message_new (text, commands with or without "/", button payloads, the "Start"
button, vk.me `ref` links, attachments, the bot added to or removed from a conversation),
message_event (callback buttons), message_allow / message_deny (consent), wall_reply_new
(comments) and wall_post_new (a new post on the community's wall: an organizer publishing a
purchase post by hand, as a community token may not call wall.post; a POST event from the
person who published it). Everything else (group_join, typing, edits...) is not for the
dispatcher.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from bot.adapters.vk import PLATFORM
from bot.adapters.vk.transport import CHAT_PEER_START, attachment_of_photo
from bot.core.events import (
    Attachment,
    AttachmentKind,
    Chat,
    ChatKind,
    CommunityPost,
    ConsentChange,
    EventKind,
    Incoming,
    Membership,
    MembershipChange,
    PostComment,
    Sender,
    parse_command,
)
from bot.core.payloads import MAX_PAYLOAD_BYTES
from bot.core.ports import PlatformPort

# What the dispatcher gets for a payload that is not ours: no prefix is "", so it is refused
# as an outdated button.
INVALID_PAYLOAD = ""
# VK caps button payloads at 255 characters; anything much longer is not worth parsing.
MAX_RAW_PAYLOAD = 1024
# client_info.lang_id -> language code (VK's own numbering).
LANGUAGES_BY_VK_ID = {0: "ru", 1: "uk", 2: "be", 3: "en", 4: "es", 6: "de", 7: "it"}
MENTION = re.compile(r"^\[club(\d+)\|[^\]]*\][,:]?\s*")
# Conversation service messages about the bot itself -> its membership.
BOT_MEMBERSHIP = {"chat_invite_user": Membership.JOINED, "chat_kick_user": Membership.LEFT}
HANDLED_TYPES = frozenset(
    {
        "message_new",
        "message_event",
        "message_allow",
        "message_deny",
        "wall_reply_new",
        "wall_post_new",
    }
)


def vk_start_link(group_id: int | str, payload: str) -> str:
    """A link that opens the community's chat with `/start <payload>` (invites, purchases)."""
    return f"https://vk.me/club{group_id}?ref={quote(payload, safe='')}"


# --- updates -> Incoming ----------------------------------------------------------------------


def button_payload(value: Any) -> str:
    """Our packed payload out of what VK handed back, or INVALID_PAYLOAD for anything else.

    Message payloads arrive as JSON text, callback payloads as parsed JSON; both are typed
    by the person's app and may be forged.
    """
    if isinstance(value, str):
        if len(value) > MAX_RAW_PAYLOAD:
            return INVALID_PAYLOAD
        try:
            value = json.loads(value)
        except ValueError:
            return INVALID_PAYLOAD
    packed = value.get("p") if isinstance(value, dict) else None
    if not isinstance(packed, str) or len(packed.encode()) > MAX_PAYLOAD_BYTES:
        return INVALID_PAYLOAD
    return packed


def _is_start_payload(raw: Any) -> bool:
    if not isinstance(raw, str) or len(raw) > MAX_RAW_PAYLOAD:
        return False
    try:
        value = json.loads(raw)
    except ValueError:
        return False
    return isinstance(value, dict) and value.get("command") == "start"


def as_int(value: Any) -> int | None:
    """An integer id from VK JSON (int or digit string); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def _chat(peer_id: int) -> Chat:
    if peer_id >= CHAT_PEER_START:
        return Chat(str(peer_id), ChatKind.GROUP)
    return Chat(str(peer_id))


def _attachment(item: Any) -> Attachment | None:
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        return None
    kind = item["type"]
    body = item.get(kind) if isinstance(item.get(kind), dict) else {}
    owner, number = as_int(body.get("owner_id")), as_int(body.get("id"))
    if owner is None or number is None:
        return Attachment(AttachmentKind.OTHER, kind)
    if kind == "photo":
        return Attachment(AttachmentKind.PHOTO, attachment_of_photo(body), mime_type="image/jpeg")
    if kind == "doc":
        key = body.get("access_key")
        file_id = f"doc{owner}_{number}" + (f"_{key}" if key else "")
        title = str(body.get("title") or "")
        ext = str(body.get("ext") or "")
        mime, _ = mimetypes.guess_type(f"file.{ext}") if ext else (None, None)
        size = as_int(body.get("size"))
        return Attachment(AttachmentKind.DOCUMENT, file_id, size, mime, title or None)
    return Attachment(AttachmentKind.OTHER, f"{kind}{owner}_{number}")


def update_id_of(raw: Mapping[str, Any]) -> str:
    event_id = raw.get("event_id")
    if isinstance(event_id, str) and 0 < len(event_id) <= 64:
        return event_id
    # Every Bots Long Poll update of API 5.103+ has an event_id; this is only a guard.
    body = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str).encode()
    return "h" + hashlib.sha256(body).hexdigest()[:40]


def sender_id_of(raw: Mapping[str, Any]) -> int | None:
    """The person behind an update: what orders their updates and names the user row."""
    kind = raw.get("type")
    obj = raw.get("object")
    if kind not in HANDLED_TYPES or not isinstance(obj, dict):
        return None
    if kind == "message_new":
        message = obj.get("message")
        user = as_int(message.get("from_id")) if isinstance(message, dict) else None
    elif kind == "wall_reply_new":
        user = as_int(obj.get("from_id"))
    elif kind == "wall_post_new":
        # A post on behalf of the community has from_id -<group id>; the administrator who
        # published it is `created_by` (community tokens get it), a signed one `signer_id`.
        candidates = (as_int(obj.get(key)) for key in ("created_by", "signer_id", "from_id"))
        user = next((c for c in candidates if c is not None and c > 0), None)
    else:
        user = as_int(obj.get("user_id"))
    # Negative ids are communities (our own replies under posts among them): not people.
    return user if user is not None and user > 0 else None


def to_incoming(
    raw: Mapping[str, Any], group_id: int, *, name: str = "", port: PlatformPort | None = None
) -> Incoming | None:
    """A Bots Long Poll update as a neutral event; None for what the bot does not handle."""
    user = sender_id_of(raw)
    if user is None:
        return None
    obj: dict[str, Any] = raw["object"]
    base = {
        "platform": PLATFORM,
        "update_id": update_id_of(raw),
        "bot_key": str(group_id),
        "sender": Sender(str(user), name=name),
        "port": port,
    }
    kind = raw["type"]
    if kind == "message_new":
        return _message(obj, group_id, user, base)
    if kind == "message_event":
        peer = as_int(obj.get("peer_id")) or user
        cmid = as_int(obj.get("conversation_message_id"))
        return Incoming(
            **base,
            chat=_chat(peer),
            kind=EventKind.BUTTON,
            payload=button_payload(obj.get("payload")),
            message_id=None if cmid is None else str(cmid),
        )
    if kind in ("message_allow", "message_deny"):
        return Incoming(
            **base,
            chat=_chat(user),
            kind=EventKind.CONSENT,
            details=ConsentChange(allowed=kind == "message_allow"),
        )
    if kind == "wall_post_new":
        return _wall_post(obj, group_id, base)
    # wall_reply_new: answers (an order draft to confirm) go to the person's private chat.
    text = str(obj.get("text") or "")
    attachments = tuple(a for a in map(_attachment, obj.get("attachments") or []) if a)
    owner = as_int(obj.get("owner_id"))
    number = as_int(obj.get("id"))
    return Incoming(
        **base,
        chat=_chat(user),
        kind=EventKind.COMMENT,
        text=text,
        attachments=attachments,
        details=PostComment(
            # The community the post lives in, as communities are known: its group id.
            community_id=str(abs(owner or group_id)),
            post_id=_id_text(obj.get("post_id")),
            # VK numbers comments per wall, and names the wall by its owner (a community
            # is the negative of its id).
            comment_id=f"{owner or -group_id}:{number}" if number is not None else None,
        ),
    )


def _id_text(value: Any) -> str:
    number = as_int(value)
    return "" if number is None else str(number)


def _wall_post(obj: dict[str, Any], group_id: int, base: dict[str, Any]) -> Incoming:
    """wall_post_new: a post on the wall; handlers/organizer/communities.py ties it to a
    purchase whose link it carries. Whatever the handler says goes to the publisher's
    private chat."""
    owner = as_int(obj.get("owner_id"))
    return Incoming(
        **base,
        chat=_chat(int(base["sender"].external_id)),
        kind=EventKind.POST,
        text=str(obj.get("text") or ""),
        details=CommunityPost(
            community_id=str(abs(owner or group_id)),
            post_id=_id_text(obj.get("id")),
            # "post"; "suggest" (a suggestion, not published) and "postpone" (scheduled: it
            # comes again as a "post" with its own id once published) are not posts yet.
            published=str(obj.get("post_type") or "post") == "post",
        ),
    )


def _message(obj: dict[str, Any], group_id: int, user: int, base: dict[str, Any]) -> Incoming:
    message: dict[str, Any] = obj["message"]
    peer = as_int(message.get("peer_id")) or user
    chat = _chat(peer)
    text = str(message.get("text") or "")
    info = obj.get("client_info") if isinstance(obj.get("client_info"), dict) else {}
    lang_id = as_int(info.get("lang_id"))
    language = None if lang_id is None else LANGUAGES_BY_VK_ID.get(lang_id)
    base["sender"] = Sender(base["sender"].external_id, base["sender"].name, None, language)
    cmid = as_int(message.get("conversation_message_id"))
    common = {
        **base,
        "chat": chat,
        "text": text,
        "message_id": None if cmid is None else str(cmid),
        "attachments": tuple(a for a in map(_attachment, message.get("attachments") or []) if a),
    }
    action = message.get("action")
    if isinstance(action, dict) and as_int(action.get("member_id")) == -group_id:
        status = BOT_MEMBERSHIP.get(str(action.get("type")))
        if status is not None and chat.kind is ChatKind.GROUP:
            # The bot was added to or removed from a conversation.
            return Incoming(**common, kind=EventKind.MEMBERSHIP, details=MembershipChange(status))
    raw_payload = message.get("payload")
    ref = message.get("ref")
    if raw_payload is not None and not _is_start_payload(raw_payload):
        # A text button of ours (apps without callback buttons) or a forged one.
        return Incoming(**common, kind=EventKind.BUTTON, payload=button_payload(raw_payload))
    if isinstance(ref, str) and ref and not text.lstrip().startswith("/"):
        # Opened through vk.me/club<id>?ref=<payload>: the same as /start <payload>.
        return Incoming(**common, command="start", args=ref[:MAX_RAW_PAYLOAD])
    if raw_payload is not None:  # the "Start" button VK shows in a new chat
        return Incoming(**common, command="start")
    if chat.kind is ChatKind.GROUP:
        return _group_message(common, text, group_id)
    command, args, _ = parse_command(text)
    # Without a slash people type "помощь" or "заказы": the router decides if it is a command.
    return Incoming(**common, command=command, args=args, bare_commands=command is None)


def _group_message(common: dict[str, Any], text: str, group_id: int) -> Incoming:
    mention = MENTION.match(text)
    if mention is not None:
        ours = mention.group(1) == str(group_id)
        rest = text[mention.end() :]
        command, args, _ = parse_command(rest, slash_optional=ours)
        return Incoming(**common, command=command, args=args, addressed=ours)
    command, args, addressed = parse_command(text)
    return Incoming(**common, command=command, args=args, addressed=addressed)
