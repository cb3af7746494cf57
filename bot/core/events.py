"""The neutral incoming event: what every platform adapter turns an update into.

Handlers only ever see these types, never aiogram or vk_api objects. Events that are not
messages carry their facts as typed `details` (`MembershipChange`, `ConsentChange`,
`PostComment`, `CommunityPost`), and every event the platform's `port` when it has one.

The text people typed (messages, captions, payloads, names, usernames, chat titles, file
names) is cleaned as an event is made (`domain.text.clean_text`): no control characters
but tab and newline, Unicode NFC, whichever adapter made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from bot.core.ports import PlatformPort
from domain.text import clean_optional, clean_text


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    CHANNEL = "channel"


class EventKind(StrEnum):
    MESSAGE = "message"  # text, command, attachments
    BUTTON = "button"  # a pressed button with a payload
    # Platform events that are not messages, with their `Incoming.details`:
    MEMBERSHIP = "membership"  # MembershipChange: the bot added to / removed from a community
    COMMENT = "comment"  # PostComment: a comment under a community post; the text is its own
    POST = "post"  # CommunityPost: a new post in a community; the text is the post's
    CONSENT = "consent"  # ConsentChange: the person allows or forbids the bot's messages


class Membership(StrEnum):
    JOINED = "joined"  # the bot is in the community (a member or an admin)
    LEFT = "left"  # left or removed
    MOVED = "moved"  # the chat got a new id (a Telegram group became a supergroup)


@dataclass(frozen=True, slots=True)
class MembershipChange:
    """The bot's new place in the community the event's chat is; sent by whoever changed it."""

    status: Membership
    new_chat_id: str | None = None  # MOVED: the chat's id from now on


@dataclass(frozen=True, slots=True)
class ConsentChange:
    """Whether the person lets the bot write to them first (VK message_allow / message_deny,
    Telegram: the bot blocked or unblocked in the private chat)."""

    allowed: bool


@dataclass(frozen=True, slots=True)
class PostComment:
    """A comment under a post of a community (a VK wall, a Telegram channel's discussion
    group, a group message answering the bot's post); the event's sender wrote it."""

    community_id: str  # the platform's id of the community the post lives in
    post_id: str  # the post's platform id
    # Unique per comment on the platform, as stored (VK "<wall owner>:<comment id>",
    # Telegram "<chat id>:<message id>"); None when the platform gives none.
    comment_id: str | None
    # Telegram: the discussion group where a channel's comments are written, if not the
    # community itself.
    discussion_chat_id: str | None = None
    # Telegram: the discussion thread the message is in (the id of the channel post's copy
    # in the discussion group), for answers further down a post's thread; `community_id`
    # and `post_id` are then empty unless the message answers the copy itself.
    thread_id: str | None = None


@dataclass(frozen=True, slots=True)
class CommunityPost:
    """A new post in a community (VK wall_post_new), from the person who published it; on
    Telegram, a channel post's automatic copy arriving in the channel's discussion group."""

    community_id: str
    post_id: str
    # False for a suggested or scheduled post: not on the wall yet (a scheduled one comes
    # again, published, with an id of its own).
    published: bool = True
    # Telegram: the channel post's automatic copy in its discussion group (chat and message
    # id), which opens the post's comment thread there.
    discussion_chat_id: str | None = None
    discussion_message_id: str | None = None


Details = MembershipChange | ConsentChange | PostComment | CommunityPost
D = TypeVar("D", MembershipChange, ConsentChange, PostComment, CommunityPost)


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

    def __post_init__(self) -> None:
        # The name a person gave the file is stored and shown; the file id is the platform's.
        object.__setattr__(self, "file_name", clean_optional(self.file_name))


@dataclass(frozen=True, slots=True)
class Sender:
    external_id: str
    name: str = ""
    username: str | None = None
    language_code: str | None = None

    def __post_init__(self) -> None:
        # Names are the person's own text: cleaned like any text (see Incoming).
        object.__setattr__(self, "name", clean_text(self.name))
        object.__setattr__(self, "username", clean_optional(self.username))


@dataclass(frozen=True, slots=True)
class Chat:
    external_id: str
    kind: ChatKind = ChatKind.PRIVATE
    title: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", clean_optional(self.title))


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
    # What a MEMBERSHIP, COMMENT, POST or CONSENT event is about.
    details: Details | None = None
    # What handlers may ask of the platform beyond replying (bot/core/ports.py); None where
    # the platform has no communities (the console).
    port: PlatformPort | None = None

    def __post_init__(self) -> None:
        # Every platform's text becomes an event here, so this is the one place that makes it
        # text every database holds (PostgreSQL refuses NUL; SQLite would take it) in one
        # Unicode form: handlers, storage and exports never see raw text. A payload is
        # cleaned too: a forged one may carry free text into a string field.
        object.__setattr__(self, "text", clean_text(self.text))
        object.__setattr__(self, "command", clean_optional(self.command))
        object.__setattr__(self, "args", clean_text(self.args))
        object.__setattr__(self, "payload", clean_optional(self.payload))

    def detail(self, kind: type[D]) -> D | None:
        """The event's details if they are of `kind`."""
        return self.details if isinstance(self.details, kind) else None


MAX_COMMAND_LENGTH = 32


def parse_command(
    text: str, *, bot_username: str | None = None, slash_optional: bool = False
) -> tuple[str | None, str, bool]:
    """Split "/cmd@bot args" into (command, args, addressed_to_us).

    `slash_optional` is for VK, where people type "заказы" or "orders" without a slash;
    such bare words are only treated as commands by the router if a command of that name exists.
    The text is cleaned first (`domain.text.clean_text`), as `Incoming` cleans it, so a
    control character cannot hide a command.
    """
    stripped = clean_text(text).strip()
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
