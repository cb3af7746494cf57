"""Telegram updates as neutral `Incoming` events (pure functions, no I/O).

Messages (commands with @botname, photos and documents), button presses, the bot's own
membership in groups and channels, and comments become events; everything else (edited
messages, channel posts, polls, join requests...) maps to None and is ignored.

* The bot added to or removed from a group or channel is a MEMBERSHIP event, a group becoming
  a supergroup too (`Membership.MOVED` with the new chat id).
* A person blocking or unblocking the bot in private is a CONSENT event.
* A reply in a group to the bot's post, or in a channel's discussion group to the channel's
  automatic copy of a post or to anything else in that post's thread (`message_thread_id`),
  is a COMMENT event (`PostComment`); the automatic copy itself is a POST event
  (`CommunityPost` with the discussion message), which ties the thread to the post.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import (
    CallbackQuery,
    ChatMemberUpdated,
    Message,
    MessageOriginChannel,
    Update,
    User,
)

from bot.adapters.telegram import PLATFORM
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
from bot.core.ports import PlatformPort

_CHAT_KINDS = {
    "private": ChatKind.PRIVATE,
    "group": ChatKind.GROUP,
    "supergroup": ChatKind.GROUP,
    "channel": ChatKind.CHANNEL,
}
_ABSENT_STATUSES = frozenset({"left", "kicked"})


# --- updates -> neutral events ------------------------------------------------------------------


def to_incoming(
    update: Update,
    *,
    bot_id: int | None,
    bot_username: str | None,
    port: PlatformPort | None = None,
) -> Incoming | None:
    """The neutral event for an update, or None for updates the bot does not handle."""
    common: dict[str, Any] = {"update_id": str(update.update_id), "port": port}
    if update.message is not None:
        return _from_message(update.message, bot_id=bot_id, bot_username=bot_username, **common)
    if update.callback_query is not None:
        return _from_callback(update.callback_query, **common)
    if update.my_chat_member is not None:
        return _from_membership(update.my_chat_member, **common)
    return None


def _sender(user: User) -> Sender:
    return Sender(
        external_id=str(user.id),
        name=user.full_name[:255],
        username=user.username,
        language_code=user.language_code,
    )


def _chat(chat: Any) -> Chat | None:
    kind = _CHAT_KINDS.get(chat.type)
    if kind is None:
        return None
    return Chat(external_id=str(chat.id), kind=kind, title=chat.title)


def _attachments(message: Message) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    if message.photo:
        largest = message.photo[-1]
        found.append(
            Attachment(AttachmentKind.PHOTO, largest.file_id, largest.file_size, "image/jpeg")
        )
    if message.document is not None:
        doc = message.document
        found.append(
            Attachment(
                AttachmentKind.DOCUMENT, doc.file_id, doc.file_size, doc.mime_type, doc.file_name
            )
        )
    for other in (
        message.video,
        message.audio,
        message.voice,
        message.video_note,
        message.sticker,
        message.animation if message.document is None else None,
    ):
        if other is not None:
            found.append(Attachment(AttachmentKind.OTHER, other.file_id, other.file_size))
    return tuple(found)


def _from_message(
    message: Message,
    *,
    update_id: str,
    port: PlatformPort | None,
    bot_id: int | None,
    bot_username: str | None,
) -> Incoming | None:
    chat = _chat(message.chat)
    user = message.from_user
    # Channel posts, messages sent on behalf of a chat (anonymous admins, the channel's own
    # copies in its discussion group) and other bots are not people talking to us.
    if chat is None or chat.kind is ChatKind.CHANNEL or user is None or user.is_bot:
        return None
    if message.sender_chat is not None:
        return _discussion_copy(message, chat, user, update_id=update_id, port=port)
    if message.migrate_to_chat_id is not None:
        return Incoming(
            platform=PLATFORM,
            update_id=update_id,
            sender=_sender(user),
            chat=chat,
            kind=EventKind.MEMBERSHIP,
            message_id=str(message.message_id),
            details=MembershipChange(Membership.MOVED, str(message.migrate_to_chat_id)),
            port=port,
        )
    text = message.text if message.text is not None else message.caption or ""
    command, args, addressed = parse_command(text, bot_username=bot_username)
    kind = EventKind.MESSAGE
    details = None
    if chat.kind is ChatKind.GROUP and command is None:
        target = _commented_post(message, bot_id)
        thread = _thread(message)
        if target is not None or thread is not None:
            kind = EventKind.COMMENT
            community_id, post_id = target or ("", "")
            details = PostComment(
                community_id=community_id,
                post_id=post_id,
                comment_id=f"{message.chat.id}:{message.message_id}",
                discussion_chat_id=chat.external_id if community_id != chat.external_id else None,
                thread_id=thread,
            )
    return Incoming(
        platform=PLATFORM,
        update_id=update_id,
        sender=_sender(user),
        chat=chat,
        kind=kind,
        text=text,
        command=command,
        args=args if command else "",
        attachments=_attachments(message),
        message_id=str(message.message_id),
        addressed=addressed,
        details=details,
        port=port,
    )


def _commented_post(message: Message, bot_id: int | None) -> tuple[str, str] | None:
    """(community id, post id) when a group message replies to a post: the automatic copy of a
    channel post in the channel's discussion group, or the bot's own message in a group."""
    original = message.reply_to_message
    if original is None:
        return None
    origin = original.forward_origin
    if original.is_automatic_forward and isinstance(origin, MessageOriginChannel):
        return str(origin.chat.id), str(origin.message_id)
    legacy_chat = getattr(original, "forward_from_chat", None)
    legacy_id = getattr(original, "forward_from_message_id", None)
    if original.is_automatic_forward and legacy_chat is not None and legacy_id is not None:
        return str(legacy_chat.id), str(legacy_id)
    author = original.from_user
    if bot_id is not None and author is not None and author.id == bot_id:
        return str(message.chat.id), str(original.message_id)
    return None


def _thread(message: Message) -> str | None:
    """The comment thread of a channel post a discussion-group message is in: Telegram gives
    every message of that thread the id of the post's copy there (forum topics aside)."""
    if message.message_thread_id is None or message.is_topic_message:
        return None
    if message.reply_to_message is None:
        return None
    return str(message.message_thread_id)


def _discussion_copy(
    message: Message, chat: Chat, user: User, *, update_id: str, port: PlatformPort | None
) -> Incoming | None:
    """A channel post's automatic copy in the channel's discussion group, as a POST event: it
    ties the post's comment thread there to the post (answers further down the thread name
    only the thread). Other messages sent on behalf of a chat are not ours."""
    origin = message.forward_origin
    if not message.is_automatic_forward or not isinstance(origin, MessageOriginChannel):
        return None
    return Incoming(
        platform=PLATFORM,
        update_id=update_id,
        sender=_sender(user),
        chat=chat,
        kind=EventKind.POST,
        text=message.text if message.text is not None else message.caption or "",
        message_id=str(message.message_id),
        details=CommunityPost(
            community_id=str(origin.chat.id),
            post_id=str(origin.message_id),
            discussion_chat_id=chat.external_id,
            discussion_message_id=str(message.message_id),
        ),
        port=port,
    )


def _from_callback(query: CallbackQuery, *, update_id: str, port: PlatformPort | None) -> Incoming:
    message = query.message
    chat = _chat(message.chat) if message is not None else None
    if chat is None:
        # An inline-mode message has no chat: answer in the presser's private chat.
        chat = Chat(external_id=str(query.from_user.id))
    return Incoming(
        platform=PLATFORM,
        update_id=update_id,
        sender=_sender(query.from_user),
        chat=chat,
        kind=EventKind.BUTTON,
        payload=query.data or "",
        message_id=str(message.message_id) if message is not None else None,
        port=port,
    )


def _from_membership(
    change: ChatMemberUpdated, *, update_id: str, port: PlatformPort | None
) -> Incoming | None:
    chat = _chat(change.chat)
    if chat is None:
        return None
    present = str(change.new_chat_member.status) not in _ABSENT_STATUSES
    details: ConsentChange | MembershipChange
    if chat.kind is ChatKind.PRIVATE:
        # The person blocked (kicked) or unblocked the bot in their private chat.
        details = ConsentChange(allowed=present)
    else:
        details = MembershipChange(Membership.JOINED if present else Membership.LEFT)
    return Incoming(
        platform=PLATFORM,
        update_id=update_id,
        sender=_sender(change.from_user),
        chat=chat,
        kind=EventKind.CONSENT if chat.kind is ChatKind.PRIVATE else EventKind.MEMBERSHIP,
        details=details,
        port=port,
    )


def chat_key(update: Update) -> int | None:
    """The chat whose updates must be handled in order; None when order does not matter."""
    if update.message is not None:
        return update.message.chat.id
    if update.callback_query is not None:
        query = update.callback_query
        return query.message.chat.id if query.message is not None else query.from_user.id
    if update.my_chat_member is not None:
        return update.my_chat_member.chat.id
    return None
