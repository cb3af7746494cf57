"""Telegram through aiogram 3: updates in, neutral events to the dispatcher, replies out.

* Inbound: `events.to_incoming` turns an aiogram `Update` into `bot.core.events.Incoming`.
* Outbound: the dispatcher's replies go through `TelegramTransport` (the same sender the
  outbox uses); `Reply.edit` edits the message whose button was pressed, falling back to a new
  message. Button presses are always answered (answerCallbackQuery), so buttons never spin.
* Ordering: updates of one chat are handled one after another, different chats concurrently.
  `enqueue` (called by the poller, and through aiogram's dispatcher as the outer middleware
  `_schedule` for webhook requests) queues an update behind the previous ones of the same
  chat (one worker task per busy chat) and returns at once with a future that ends when the
  update is handled, so the poller keeps reading while a slow chat is busy. At most
  `MAX_ACTIVE` updates are in the dispatcher at a time (the connection pool is small; on
  SQLite the dispatcher lets them take turns itself and commits those that waited together,
  see storage/group_commit.py); replies are sent outside that limit. At most
  `MAX_BACKLOG` updates wait, which slows down reading instead of piling up memory.
* Long polling by default (polling.py: each batch is kept in the database's inbox before
  Telegram is told to forget it; one process polls at a time). With TELEGRAM_WEBHOOK_URL, a
  route on the bot's web server (bot/web.py, shared with /healthz and /metrics) that refuses
  requests without the secret token (403) and answers Telegram only once the update is
  handled, so an update lost in a crash is delivered again (the processed-update ids make the
  second delivery harmless).
* Communities: `TelegramPort` implements `bot.core.ports.PlatformPort` (admin check with
  getChatMember, posting, deep links) and `CommentPort` (may the bot write to a commenter,
  a reply in the comment's thread) and rides along with every event (`Incoming.port`).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    ReplyParameters,
    TelegramObject,
    Update,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import ValidationError
from sqlalchemy import select

from bot.adapters.telegram import PLATFORM
from bot.adapters.telegram.events import chat_key, to_incoming
from bot.adapters.telegram.polling import TelegramPolling
from bot.adapters.telegram.session import TelegramSession
from bot.adapters.telegram.transport import (
    TelegramTransport,
    delivery_error,
    keyboard,
    limits_of,
)
from bot.core.chat_lanes import ChatLanes
from bot.core.events import (
    ChatKind,
    Incoming,
)
from bot.core.long_polling import DRAIN_TIMEOUT
from bot.core.platform import Runtime
from bot.core.replies import Reply
from bot.core.router import Role, Router
from bot.core.transport import (
    PermanentFailure,
    RecipientUnreachable,
    TemporaryFailure,
)
from bot.delivery.direct import deliver_now
from bot.settings import Settings
from bot.texts import LANGUAGES, Texts
from storage.models import Organizer
from storage.models import User as UserRow

log = logging.getLogger(__name__)

# What the bot asks Telegram for; anything else is never delivered (and ignored if it is).
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
MAX_ACTIVE = 16
MAX_BACKLOG = 2000
POLLING_TIMEOUT = 25
# Waiting longer than this for one reply (Telegram's retry_after) would hold the chat up;
# the reply goes to the outbox instead, due when the wait is over.
MAX_RETRY_WAIT = 30.0
SEND_ATTEMPTS = 3
# Seconds before the next try of a reply after a 5xx or a time-out, times the try's number.
SEND_RETRY_PAUSE = 1.0
STARTUP_RETRY_MAX = 60.0
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Keyword the webhook passes through aiogram to `_schedule`: wait for the update to be handled
# before answering Telegram, so an update lost in a crash is redelivered.
WAIT_KEY = "telegram_wait_for_processing"
CALLBACK_TOAST_LIMIT = 200
MENU_LIMIT = 100  # commands per scope
COMMAND_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")

_ADMIN_STATUSES = frozenset({"creator", "administrator"})


# --- the community port -------------------------------------------------------------------------


class TelegramPort:
    """`bot.core.ports.PlatformPort` for Telegram."""

    platform = PLATFORM

    def __init__(self, bot: Bot, transport: TelegramTransport, username: str) -> None:
        self.bot = bot
        self.transport = transport
        self.username = username

    async def is_chat_admin(self, chat_id: str, user_external_id: str) -> bool:
        try:
            member = await self.bot.get_chat_member(int(chat_id), int(user_external_id))
        except (TelegramBadRequest, TelegramForbiddenError):
            # Chat or user unknown to the bot, or the bot is no longer there.
            return False
        except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as exc:
            raise TemporaryFailure(str(exc)) from exc
        except ValueError:
            return False
        return str(member.status) in _ADMIN_STATUSES

    async def post(self, chat_id: str, reply: Reply) -> str:
        message_id = await self.transport.send(chat_id, reply)
        if message_id is None:
            raise PermanentFailure("the post has no message id")
        return message_id

    def start_link(self, payload: str) -> str:
        return f"https://t.me/{self.username}?start={payload}"

    async def may_message(self, user_external_id: str) -> bool:
        """Telegram cannot be asked whether a person started the bot; a chat action is the
        lightest thing to try, and is refused for those who never did or blocked it."""
        try:
            await self.bot.send_chat_action(int(user_external_id), "typing")
        except ValueError:
            return False
        except Exception as exc:
            error = delivery_error(exc)
            if isinstance(error, RecipientUnreachable):
                return False
            raise error from exc
        return True

    async def reply_to_comment(self, post_id: str, comment_id: str, reply: Reply) -> str:
        """A reply to the comment in the discussion group, so it shows in the post's thread."""
        chat_text, _, message_text = comment_id.rpartition(":")
        try:
            chat, message = int(chat_text), int(message_text)
        except ValueError:
            raise PermanentFailure(f"{comment_id!r} is no Telegram message") from None
        try:
            sent = await self.bot.send_message(
                chat,
                reply.text,
                parse_mode=None,
                reply_markup=keyboard(reply.buttons),
                reply_parameters=ReplyParameters(
                    message_id=message, allow_sending_without_reply=True
                ),
            )
        except Exception as exc:
            raise delivery_error(exc) from exc
        return str(sent.message_id)


# --- the adapter --------------------------------------------------------------------------------


def make_bot(token: str, api_url: str) -> Bot:
    session = TelegramSession(api=TelegramAPIServer.from_base(api_url))
    return Bot(token, session=session)


class TelegramAdapter:
    def __init__(
        self,
        runtime: Runtime,
        bot: Bot | None = None,
        *,
        transport: TelegramTransport | None = None,
        settings: Settings | None = None,
        max_active: int | None = None,
        max_backlog: int = MAX_BACKLOG,
        polling_timeout: int = POLLING_TIMEOUT,
        lease_ttl: float | None = None,
        polling_backoff: tuple[float, float] | None = None,
    ) -> None:
        settings = settings or runtime.settings
        if bot is None:
            if settings.telegram_token is None:
                raise ValueError("TELEGRAM_TOKEN is not set")
            bot = make_bot(settings.telegram_token.get_secret_value(), settings.telegram_api_url)
        self.runtime = runtime
        self.settings = settings
        self.bot = bot
        self.transport = transport or TelegramTransport(bot, limits=limits_of(settings))
        if isinstance(bot.session, TelegramSession):
            bot.session.on_ok = runtime.health.recorder(PLATFORM)
        self.polling_timeout = polling_timeout
        self.lease_ttl = lease_ttl
        self.polling_backoff = polling_backoff
        self.polling: TelegramPolling | None = None
        self.username: str | None = None
        self.bot_id: int | None = None
        self.port: TelegramPort | None = None
        self.dp = Dispatcher()
        self.dp.update.outer_middleware(self._schedule)
        self._feeding = asyncio.Semaphore(max_active or MAX_ACTIVE)
        self.lanes = ChatLanes(
            self.handle,
            chat_key,
            max_backlog=max_backlog,
            platform="Telegram",
            describe=lambda update: str(update.update_id),
        )
        self._stop = asyncio.Event()
        # Set once updates are being received (polling started or webhook registered).
        self.ready = asyncio.Event()
        self.webhook_port: int | None = None
        self._background: set[asyncio.Task[Any]] = set()

    # --- lifecycle ----------------------------------------------------------------------------

    async def prepare(self) -> None:
        """Who the bot is (for @mentions and deep links), and its command menus."""
        delay = 1.0
        while True:
            try:
                me = await self.bot.get_me()
                break
            except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as exc:
                # Telegram unreachable at start-up (a wrong token fails at once instead).
                log.warning("Telegram getMe failed (%s); retrying in %.0f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, STARTUP_RETRY_MAX)
        self.username, self.bot_id = me.username or "", me.id
        self.port = TelegramPort(self.bot, self.transport, self.username)
        try:
            await self.set_public_commands()
        except Exception as exc:  # the menu is a convenience: never a reason not to start
            log.warning("Telegram command menu not set: %s", exc)
        task = asyncio.create_task(self.set_personal_commands())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def run(self) -> None:
        """Receive updates until `stop()` (or cancellation), then finish what was received."""
        try:
            await self.prepare()
            if self.settings.telegram_webhook_url:
                await self._run_webhook()
            else:
                await self._run_polling()
        finally:
            await self.lanes.drain(DRAIN_TIMEOUT)
            for task in list(self._background):
                task.cancel()
            await self.bot.session.close()

    async def stop(self) -> None:
        self._stop.set()

    async def _run_polling(self) -> None:
        # getUpdates fails while a webhook is set (e.g. left over from webhook mode).
        await self.bot.delete_webhook(drop_pending_updates=False)
        self.polling = TelegramPolling(
            self.bot,
            self.enqueue,
            self.answer_again,
            self.runtime.session_factory,
            bot_key=str(self.bot_id),
            allowed_updates=ALLOWED_UPDATES,
            timeout=self.polling_timeout,
            lease_ttl=self.lease_ttl,
            **({} if self.polling_backoff is None else {"backoff": self.polling_backoff}),
        )
        self.ready.set()
        await self.polling.run_until(self._stop, name="telegram-polling")

    async def _run_webhook(self) -> None:
        settings = self.settings
        if settings.telegram_webhook_secret is not None:
            secret = settings.telegram_webhook_secret.get_secret_value()
        else:
            # Without a secret anyone who finds the URL could post fake updates; a random one
            # per start is safe for a single process (several processes need a shared one).
            secret = secrets.token_urlsafe(32)
            log.warning("TELEGRAM_WEBHOOK_SECRET is not set: using a random secret for this run")
        handler = WebhookHandler(
            dispatcher=self.dp,
            bot=self.bot,
            secret_token=secret,
            handle_in_background=False,
            **{WAIT_KEY: True},
        )
        # The bot's one web server (runtime.web, WEBHOOK_HOST:WEBHOOK_PORT), shared with
        # /healthz, /metrics and other platforms' webhooks; started here if nobody did.
        server, path = self.runtime.web, settings.telegram_webhook_path
        server.add_route("POST", path, handler.handle)
        try:
            self.webhook_port = await server.start()
            await self.bot.set_webhook(
                webhook_url(settings.telegram_webhook_url or "", settings.telegram_webhook_path),
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            self.ready.set()
            log.info("Telegram webhook listening on port %s", self.webhook_port)
            await self._stop.wait()
        finally:
            # Requests from now on get 404 and Telegram delivers them again later; those in
            # flight still finish (the adapter drains them after this).
            server.remove_route("POST", path)

    # --- scheduling ---------------------------------------------------------------------------

    async def _schedule(
        self,
        _handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        update: TelegramObject,
        data: dict[str, Any],
    ) -> None:
        """aiogram's outer middleware (the webhook's path): queue the update behind its
        chat's previous one, and with WAIT_KEY wait until it is handled."""
        assert isinstance(update, Update)
        handled = await self.enqueue(update)
        if data.get(WAIT_KEY):
            await asyncio.shield(handled)

    async def enqueue(self, update: Update) -> asyncio.Future[None]:
        """Queue the update behind its chat's previous one (`ChatLanes.enqueue`)."""
        return await self.lanes.enqueue(update)

    # --- one update ---------------------------------------------------------------------------

    async def handle(self, update: Update) -> None:
        """Turn one update into an event, dispatch it and deliver the replies."""
        event = to_incoming(update, bot_id=self.bot_id, bot_username=self.username, port=self.port)
        query = update.callback_query
        if event is None:
            log.debug("Telegram update %s ignored", update.update_id)
            return
        replies: list[Reply] = []
        try:
            async with self._feeding:
                replies = await self.runtime.dispatcher.feed(event)
        finally:
            if query is not None:
                await self._answer_callback(query, event, replies)
        if event.chat.kind is ChatKind.CHANNEL:
            return  # never write into a channel in answer to a button (see _answer_callback)
        await self.deliver(event, replies)

    async def answer_again(self, update: Update, replies: list[Reply]) -> None:
        """Send the kept replies of an update committed before a crash (bot.core.intake)."""
        event = to_incoming(update, bot_id=self.bot_id, bot_username=self.username, port=self.port)
        if event is not None and event.chat.kind is not ChatKind.CHANNEL:
            await self.deliver(event, replies)

    async def _answer_callback(
        self, query: CallbackQuery, event: Incoming, replies: list[Reply]
    ) -> None:
        text = None
        if event.chat.kind is ChatKind.CHANNEL and replies:
            # Every subscriber would see an answer posted in the channel: a toast instead.
            text = replies[0].text[:CALLBACK_TOAST_LIMIT]
        try:
            await self.transport.answer_button(query.id, text)
        except Exception as exc:  # a too old query must not cost the replies
            log.info("callback %s not answered: %s", query.id, exc)

    async def deliver(self, event: Incoming, replies: Iterable[Reply]) -> None:
        """Send the replies of a handled event in order (`bot.delivery.direct.deliver_now`)."""
        await deliver_now(
            self.transport,
            self.runtime.session_factory,
            event,
            replies,
            platform="Telegram",
            attempts=SEND_ATTEMPTS,
            max_retry_wait=MAX_RETRY_WAIT,
            retry_pause=SEND_RETRY_PAUSE,
        )

    # --- command menus ------------------------------------------------------------------------

    async def set_public_commands(self) -> None:
        """The menu everyone sees, per language (and the default language without a code)."""
        router = self.runtime.dispatcher.router
        texts = self.runtime.texts
        for lang in LANGUAGES:
            menu = command_menu(router, texts, lang, {Role.ANYONE})
            await self.bot.set_my_commands(menu, language_code=lang)
        default = command_menu(router, texts, texts.default_language, {Role.ANYONE})
        await self.bot.set_my_commands(default)

    async def set_personal_commands(self) -> None:
        """Organizers and service admins see their commands too, in their private chats."""
        router = self.runtime.dispatcher.router
        texts = self.runtime.texts
        admins = {
            entry.partition(":")[2]
            for entry in self.settings.admin_ids
            if entry.startswith(f"{PLATFORM}:")
        }
        async with self.runtime.session_factory() as session:
            rows = await session.execute(
                select(UserRow.external_id, UserRow.language)
                .join(Organizer, Organizer.user_id == UserRow.id)
                .where(UserRow.platform == PLATFORM)
            )
            people = {external_id: language for external_id, language in rows.all()}
        for admin in admins:
            people.setdefault(admin, texts.default_language)
        for external_id, language in people.items():
            roles = {Role.ANYONE, Role.ORGANIZER}
            if external_id in admins:
                roles.add(Role.ADMIN)
            try:
                await self.bot.set_my_commands(
                    command_menu(router, texts, language, roles),
                    scope=BotCommandScopeChat(chat_id=int(external_id)),
                )
            except Exception as exc:  # a person who never started the bot, or blocked it
                log.info("commands for %s not set: %s", external_id, exc)


def command_menu(router: Router, texts: Texts, lang: str, roles: set[Role]) -> list[BotCommand]:
    commands = []
    for name, route in router.commands.items():
        key = f"cmd-{name}"
        # A command without a description would show its raw text key in the menu.
        described = texts.has(key, lang) or texts.has(key, texts.default_language)
        if route.menu and route.role in roles and described and set(name) <= COMMAND_NAME_CHARS:
            commands.append(BotCommand(command=name, description=texts.get(lang, key)[:256]))
    return commands[:MENU_LIMIT]


def webhook_url(public_url: str, path: str) -> str:
    """TELEGRAM_WEBHOOK_URL as given when it names a path (a reverse proxy may map it), else
    the public host with the path the server listens on."""
    if urlsplit(public_url).path.strip("/"):
        return public_url
    return public_url.rstrip("/") + path


class WebhookHandler(SimpleRequestHandler):
    """aiogram's handler, stricter: a wrong secret is 403, a malformed body 400, and the bot's
    session is the adapter's to close. Its `handle` is the route the adapter adds to the
    bot's web server (aiogram's `register` is not used: that server's routes are its own)."""

    async def handle(self, request: web.Request) -> web.Response:
        if not self.verify_secret(request.headers.get(SECRET_HEADER, ""), self.bot):
            return web.Response(status=403, text="Forbidden")
        try:
            raw = await request.json()
            update = Update.model_validate(raw, context={"bot": self.bot})
        except (ValueError, ValidationError):
            return web.Response(status=400, text="Bad Request")
        await self.dispatcher.feed_webhook_update(self.bot, update, **self.data)
        return web.json_response({})

    async def close(self) -> None:
        return None


async def run_telegram(runtime: Runtime) -> None:
    """Run the Telegram bot of the settings until cancelled: updates in, and the outbox
    delivered through the same transport (`runtime.start_sender`)."""
    adapter = TelegramAdapter(runtime)
    runtime.start_sender(adapter.transport)
    await adapter.run()
