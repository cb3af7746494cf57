"""The MAX adapter: updates in (long polling or a webhook subscription), neutral events to
the dispatcher, replies out through `MaxTransport`.

* Ordering: a chat's updates are handled one after another, different chats concurrently
  (one worker task per busy chat), at most `MAX_ACTIVE` in the dispatcher and `MAX_BACKLOG`
  waiting, as in the Telegram adapter.
* Button presses are always answered (POST /answers), whatever happened; in a channel the
  first reply becomes the answer's notification instead of a post everyone would see.
* `Reply.edit` edits the pressed button's message (PUT /messages), else a new message goes.
* Replies MAX does not take now go to the outbox (`leave_to_outbox`); a blocked person
  stops the event's replies (the outbox marks them unreachable on its own sends).
* Webhook mode (MAX_WEBHOOK_URL): a route on the bot's one web server; MAX is subscribed
  (POST /subscriptions) with a secret it sends back in `X-Max-Bot-Api-Secret`: a request
  without it is refused (403). MAX is answered only once the update is handled.
  In polling mode the bot's subscriptions are removed first: with one active, MAX serves no
  long polling.
* The command menu: PATCH /me with the public commands in the default language (MAX has one
  menu per bot, neither per language nor per person).
* Communities: `MaxPort` (admin check through GET /chats/{id}/members/admins, posting,
  deep links https://max.ru/<bot>?start=<payload>) rides along with every event.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.adapters.max import PLATFORM
from bot.adapters.max.client import MaxApiError, MaxClient, delivery_error
from bot.adapters.max.events import (
    GROUP_PREFIX,
    UPDATE_TYPES,
    Malformed,
    chat_key,
    start_link,
    to_incoming,
)
from bot.adapters.max.polling import MaxPolling
from bot.adapters.max.transport import MaxTransport, limits_of
from bot.core.chat_lanes import ChatLanes
from bot.core.events import ChatKind, Incoming
from bot.core.long_polling import DRAIN_TIMEOUT
from bot.core.platform import Runtime
from bot.core.replies import Reply
from bot.core.router import Role, Router
from bot.core.transport import (
    PermanentFailure,
)
from bot.delivery.direct import deliver_now
from bot.settings import Settings
from bot.texts import Texts

log = logging.getLogger(__name__)

MAX_ACTIVE = 16
MAX_BACKLOG = 2000
POLLING_TIMEOUT = 30
MAX_RETRY_WAIT = 30.0
SEND_ATTEMPTS = 3
SEND_RETRY_PAUSE = 1.0
STARTUP_RETRY_MAX = 60.0
SECRET_HEADER = "X-Max-Bot-Api-Secret"
COMMAND_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
MENU_LIMIT = 32  # decided: the documents give no number; 32 keeps the menu readable


def _chat_number(chat_id: str) -> int | None:
    text = chat_id[len(GROUP_PREFIX) :] if chat_id.startswith(GROUP_PREFIX) else chat_id
    try:
        return int(text)
    except ValueError:
        return None


class MaxPort:
    """`bot.core.ports.PlatformPort` for MAX group chats and channels."""

    platform = PLATFORM

    def __init__(self, client: MaxClient, transport: MaxTransport, username: str) -> None:
        self.client = client
        self.transport = transport
        self.username = username

    async def is_chat_admin(self, chat_id: str, user_external_id: str) -> bool:
        """The person is among the chat's admins (GET /chats/{chatId}/members/admins: the
        owner is an admin there too). An unknown chat, or one the bot may not ask, is no."""
        chat = _chat_number(chat_id) if chat_id.startswith(GROUP_PREFIX) else None
        if chat is None or not user_external_id.isdigit():
            return False
        person = int(user_external_id)
        marker: Any = None
        for _ in range(20):  # pages of admins; a chat has few
            try:
                answer = await self.client.call(
                    "GET", f"/chats/{chat}/members/admins", params={"marker": marker}
                )
            except MaxApiError as exc:
                if exc.status in (400, 403, 404):
                    return False
                raise delivery_error(exc) from exc
            except Exception as exc:
                raise delivery_error(exc) from exc
            members = answer.get("members") if isinstance(answer, dict) else None
            for member in members if isinstance(members, list) else []:
                if isinstance(member, dict) and member.get("user_id") == person:
                    return member.get("is_admin") is not False or member.get("is_owner") is True
            marker = answer.get("marker") if isinstance(answer, dict) else None
            if marker is None:
                return False
        return False

    async def post(self, chat_id: str, reply: Reply) -> str:
        message_id = await self.transport.send(chat_id, reply)
        if message_id is None:
            raise PermanentFailure("the post has no message id")
        return message_id

    def start_link(self, payload: str) -> str:
        return start_link(self.username, payload)


class MaxAdapter:
    def __init__(
        self,
        runtime: Runtime,
        client: MaxClient | None = None,
        *,
        transport: MaxTransport | None = None,
        settings: Settings | None = None,
        max_active: int = MAX_ACTIVE,
        max_backlog: int = MAX_BACKLOG,
        polling_timeout: int = POLLING_TIMEOUT,
        lease_ttl: float | None = None,
        polling_backoff: tuple[float, float] | None = None,
        retry_pause: float = SEND_RETRY_PAUSE,
    ) -> None:
        settings = settings or runtime.settings
        if client is None:
            if settings.max_token is None:
                raise ValueError("MAX_TOKEN is not set")
            client = MaxClient(settings.max_token.get_secret_value(), settings.max_api_url)
        self.runtime = runtime
        self.settings = settings
        self.client = client
        client.on_ok = runtime.health.recorder(PLATFORM)
        self.transport = transport or MaxTransport(client, limits=limits_of(settings))
        self.polling_timeout = polling_timeout
        self.lease_ttl = lease_ttl
        self.polling_backoff = polling_backoff
        self.retry_pause = retry_pause
        self.polling: MaxPolling | None = None
        self.username = ""
        self.bot_id: int | None = None
        self.port: MaxPort | None = None
        self._feeding = asyncio.Semaphore(max_active)
        self.lanes = ChatLanes(self.handle, chat_key, max_backlog=max_backlog, platform="MAX")
        self._stop = asyncio.Event()
        self.ready = asyncio.Event()
        self.webhook_port: int | None = None
        self.secret = ""

    # --- lifecycle ----------------------------------------------------------------------------

    async def prepare(self) -> None:
        """Who the bot is (GET /me: its username makes the deep links), and its menu."""
        delay = 1.0
        while True:
            try:
                me = await self.client.call("GET", "/me")
                if not isinstance(me, dict) or not isinstance(me.get("user_id"), int):
                    raise MaxApiError(200, "garbage", f"/me answered {str(me)[:100]}")
                break
            except MaxApiError as exc:
                if exc.status == 401:
                    raise  # a wrong token: waiting cannot help
                log.warning("MAX /me failed (%s); retrying in %.0f s", exc, delay)
            except (TimeoutError, OSError, Exception) as exc:
                log.warning("MAX /me failed (%s); retrying in %.0f s", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, STARTUP_RETRY_MAX)
        self.bot_id = me["user_id"]
        self.username = str(me.get("username") or "")
        self.port = MaxPort(self.client, self.transport, self.username)
        try:
            await self.set_commands()
        except Exception as exc:  # the menu is a convenience: never a reason not to start
            log.warning("MAX command menu not set: %s", exc)

    async def set_commands(self) -> None:
        texts = self.runtime.texts
        menu = command_menu(self.runtime.dispatcher.router, texts, texts.default_language)
        await self.client.call("PATCH", "/me", body={"commands": menu})

    async def run(self) -> None:
        try:
            await self.prepare()
            if self.settings.max_webhook_url:
                await self._run_webhook()
            else:
                await self._run_polling()
        finally:
            await self.lanes.drain(DRAIN_TIMEOUT)
            await self.client.close()

    async def stop(self) -> None:
        self._stop.set()

    async def _run_polling(self) -> None:
        try:
            answer = await self.client.call("GET", "/subscriptions")
            for subscription in answer.get("subscriptions") or []:
                url = subscription.get("url") if isinstance(subscription, dict) else None
                if isinstance(url, str):
                    await self.client.call("DELETE", "/subscriptions", params={"url": url})
        except Exception as exc:
            log.warning("MAX subscriptions not checked: %s", exc)
        self.polling = MaxPolling(
            self.client,
            self.enqueue,
            self.answer_again,
            self.runtime.session_factory,
            bot_key=str(self.bot_id),
            types=UPDATE_TYPES,
            timeout=self.polling_timeout,
            lease_ttl=self.lease_ttl,
            **({} if self.polling_backoff is None else {"backoff": self.polling_backoff}),
        )
        self.ready.set()
        await self.polling.run_until(self._stop, name="max-polling")

    async def _run_webhook(self) -> None:
        settings = self.settings
        if settings.max_webhook_secret is not None:
            self.secret = settings.max_webhook_secret.get_secret_value()
        else:
            # MAX takes 5-256 characters of A-Z, a-z, 0-9, "_" and "-": token_urlsafe's.
            self.secret = secrets.token_urlsafe(32)
            log.warning("MAX_WEBHOOK_SECRET is not set: using a random secret for this run")
        server, path = self.runtime.web, settings.max_webhook_path
        server.add_route("POST", path, self.on_webhook)
        try:
            self.webhook_port = await server.start()
            await self.client.call(
                "POST",
                "/subscriptions",
                body={
                    "url": webhook_url(settings.max_webhook_url or "", path),
                    "update_types": UPDATE_TYPES,
                    "secret": self.secret,
                },
            )
            self.ready.set()
            log.info("MAX webhook listening on port %s", self.webhook_port)
            await self._stop.wait()
        finally:
            server.remove_route("POST", path)

    async def on_webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not secrets.compare_digest(given, self.secret.encode()):
            return web.Response(status=403, text="Forbidden")
        try:
            raw = await request.json()
        except ValueError:
            return web.Response(status=400, text="Bad Request")
        try:
            to_incoming(raw)
        except Malformed as exc:
            log.warning("MAX update refused: %s", exc)
            return web.json_response({"ok": True})  # never worth a redelivery
        handled = await self.enqueue(raw)
        try:
            await asyncio.shield(handled)
        except asyncio.CancelledError:
            return web.Response(status=503, text="Stopping")
        return web.json_response({"ok": True})

    # --- scheduling ---------------------------------------------------------------------------

    async def enqueue(self, raw: dict[str, Any]) -> asyncio.Future[None]:
        """Queue the update behind its chat's previous one (`ChatLanes.enqueue`)."""
        return await self.lanes.enqueue(raw)

    # --- one update ---------------------------------------------------------------------------

    async def _event(self, raw: dict[str, Any]) -> Incoming | None:
        title = None
        if raw.get("update_type") in ("bot_added", "message_created"):
            title = await self._title(raw)
        return to_incoming(raw, bot_username=self.username, chat_title=title, port=self.port)

    async def _title(self, raw: dict[str, Any]) -> str | None:
        """A group's title (MAX's updates carry none): asked when the bot joins a group, and
        for a group's commands (/link typed in the group records the group)."""
        chat_id = raw.get("chat_id")
        if raw.get("update_type") == "message_created":
            message = raw.get("message") if isinstance(raw.get("message"), dict) else {}
            recipient = (
                message.get("recipient") if isinstance(message.get("recipient"), dict) else {}
            )
            body = message.get("body") if isinstance(message.get("body"), dict) else {}
            text = body.get("text") if isinstance(body.get("text"), str) else ""
            if recipient.get("chat_type") == "dialog" or not text.startswith("/"):
                return None
            chat_id = recipient.get("chat_id")
        if not isinstance(chat_id, int):
            return None
        try:
            chat = await self.client.call("GET", f"/chats/{chat_id}")
        except Exception as exc:
            log.info("MAX chat %s not read: %s", chat_id, exc)
            return None
        title = chat.get("title") if isinstance(chat, dict) else None
        return title if isinstance(title, str) else None

    async def handle(self, raw: dict[str, Any]) -> None:
        callback_id = None
        if raw.get("update_type") == "message_callback" and isinstance(raw.get("callback"), dict):
            value = raw["callback"].get("callback_id")
            callback_id = value if isinstance(value, str) else None
        replies: list[Reply] = []
        event: Incoming | None = None
        try:
            event = await self._event(raw)
            if event is None:
                return
            async with self._feeding:
                replies = await self.runtime.dispatcher.feed(event)
        finally:
            if callback_id is not None:
                await self._answer_callback(callback_id, event, replies)
        assert event is not None  # None returned above
        if event.chat.kind is ChatKind.CHANNEL:
            return
        await self.deliver(event, replies)

    async def answer_again(self, raw: dict[str, Any], replies: list[Reply]) -> None:
        try:
            event = await self._event(raw)
        except Malformed:
            return
        if event is not None and event.chat.kind is not ChatKind.CHANNEL:
            await self.deliver(event, replies)

    async def _answer_callback(
        self, callback_id: str, event: Incoming | None, replies: list[Reply]
    ) -> None:
        text = None
        if event is not None and event.chat.kind is ChatKind.CHANNEL and replies:
            text = replies[0].text
        try:
            await self.transport.answer_button(callback_id, text)
        except Exception as exc:
            log.info("MAX callback %s not answered: %s", callback_id, exc)

    async def deliver(self, event: Incoming, replies: Iterable[Reply]) -> None:
        """Send the replies of a handled event in order (`bot.delivery.direct.deliver_now`)."""
        await deliver_now(
            self.transport,
            self.runtime.session_factory,
            event,
            replies,
            platform="MAX",
            attempts=SEND_ATTEMPTS,
            max_retry_wait=MAX_RETRY_WAIT,
            retry_pause=self.retry_pause,
        )


def command_menu(router: Router, texts: Texts, lang: str) -> list[dict[str, str]]:
    """The public commands with their descriptions (PATCH /me `commands`: name, description)."""
    commands = []
    for name, route in router.commands.items():
        key = f"cmd-{name}"
        described = texts.has(key, lang) or texts.has(key, texts.default_language)
        if (
            route.menu
            and route.role is Role.ANYONE
            and described
            and set(name) <= COMMAND_NAME_CHARS
        ):
            commands.append({"name": name, "description": texts.get(lang, key)[:128]})
    return commands[:MENU_LIMIT]


def webhook_url(public_url: str, path: str) -> str:
    """MAX_WEBHOOK_URL as given when it names a path, else the host with the route's path."""
    if urlsplit(public_url).path.strip("/"):
        return public_url
    return public_url.rstrip("/") + path


async def run_max(runtime: Runtime) -> None:
    """Run the MAX bot of the settings until cancelled, and its outbox sender."""
    adapter = MaxAdapter(runtime)
    runtime.start_sender(adapter.transport)
    await adapter.run()
