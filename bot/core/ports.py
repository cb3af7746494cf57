"""What a platform can do for a handler beyond replying: the community port.

Handlers are platform-neutral, yet linking a community needs the platform to say whether a
person is an admin there, and posting a purchase needs a message id back to tie comments to
the post. Adapters that support communities give every event an object implementing
`PlatformPort` (`Incoming.port`). No port (the console) means communities are not available
on that platform.

A port is a live object of the running adapter, so it never reaches the database or the
outbox; the event only carries it through one update.

Answering a comment under a post (handlers/buyer/comment_orders.py) needs two more things, in
`CommentPort`: whether the person may be written to in private at all, and a public reply
under the comment for when they may not. A port without them cannot answer comments.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.core.replies import Reply


@runtime_checkable
class PlatformPort(Protocol):
    platform: str

    async def is_chat_admin(self, chat_id: str, user_external_id: str) -> bool:
        """Whether the person administers the community (owner or admin).

        False when they are not, or when the platform says the chat or person is unknown to
        the bot; raises `bot.core.transport.DeliveryError` when the platform could not be asked.
        """
        ...

    async def post(self, chat_id: str, reply: Reply) -> str:
        """Publish a message in the community now; returns the platform's message id.

        Raises `bot.core.transport.DeliveryError` (e.g. `RecipientUnreachable` once the bot was
        removed or may not post there).
        """
        ...

    def start_link(self, payload: str) -> str:
        """A link that opens the private chat with the bot and sends `/start <payload>`."""
        ...


@runtime_checkable
class CommentPort(Protocol):
    async def may_message(self, user_external_id: str) -> bool:
        """Whether the bot may write to the person in private now (VK: they allow the
        community's messages; Telegram: they started the bot and have not blocked it).

        Raises `bot.core.transport.DeliveryError` when the platform could not be asked.
        """
        ...

    async def reply_to_comment(self, post_id: str, comment_id: str, reply: Reply) -> str:
        """Answer a comment publicly, under it; returns the platform's id of the answer.

        `comment_id` is the comment's id as stored (`Comment.external_id`: VK
        "<wall owner id>:<comment id>", Telegram "<chat id>:<message id>"). Buttons with
        links may become links in the text. Raises `bot.core.transport.DeliveryError`.
        """
        ...
