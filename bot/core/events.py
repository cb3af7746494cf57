"""The neutral incoming event: what every platform adapter turns an update into.

Handlers only ever see these types, never aiogram or vk_api objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    CHANNEL = "channel"


class EventKind(StrEnum):
    MESSAGE = "message"  # text, command, attachments
    BUTTON = "button"  # a pressed button with a payload
    # Platform events that are not messages; their details are in Incoming.extra.
    MEMBERSHIP = "membership"  # the bot added to / removed from a community
    COMMENT = "comment"  # a comment under a community post
    CONSENT = "consent"  # VK message_allow / message_deny


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: AttachmentKind
    file_id: str
    size: int | None = None
    mime_type: str | None = None
    file_name: str | None = None


@dataclass(frozen=True, slots=True)
class Sender:
    external_id: str
    name: str = ""
    username: str | None = None
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class Chat:
    external_id: str
    kind: ChatKind = ChatKind.PRIVATE
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Incoming:
    """One update from a platform.

    `update_id` is unique per platform and `bot_key` (the bot identity an update came through:
    empty for Telegram's single bot, the community id on VK), and is what makes redelivered
    updates harmless.
    """

    platform: str
    update_id: str
    sender: Sender
    chat: Chat
    kind: EventKind = EventKind.MESSAGE
    bot_key: str = ""
    text: str = ""
    command: str | None = None
    args: str = ""
    payload: str | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    message_id: str | None = None
    # In groups the bot reacts only to what is addressed to it (a command for it, a reply).
    addressed: bool = True
    # VK: people type "orders" or "заказы" without a slash; a known bare word is a command.
    bare_commands: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


MAX_COMMAND_LENGTH = 32


def parse_command(
    text: str, *, bot_username: str | None = None, slash_optional: bool = False
) -> tuple[str | None, str, bool]:
    """Split "/cmd@bot args" into (command, args, addressed_to_us).

    `slash_optional` is for VK, where people type "заказы" or "orders" without a slash;
    such bare words are only treated as commands by the router if a command of that name exists.
    """
    stripped = text.strip()
    if not stripped:
        return None, "", True
    has_slash = stripped.startswith("/")
    if not has_slash and not slash_optional:
        return None, stripped, True
    head, _, rest = stripped.lstrip("/").partition(" ")
    name, _, target = head.partition("@")
    addressed = not target or bot_username is None or target.lower() == bot_username.lower()
    name = name.lower()
    if not name or len(name) > MAX_COMMAND_LENGTH or not all(c.isalnum() or c == "_" for c in name):
        return None, stripped, addressed
    return name, rest.strip(), addressed
