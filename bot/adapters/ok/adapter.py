"""The OK adapter: webhook messages in, dispatcher replies out, one route per group.

* Each group token (settings.ok_tokens) is its own bot identity: `bot_key` is its group id.
* OK delivers by webhook: at start each group subscribes `<OK_WEBHOOK_URL>/<group id>/<a
  secret derived from its token>` (graph.user.subscribe) and drops its older subscriptions
  under OK_WEBHOOK_URL (graph.user.subscriptions, graph.user.unsubscribe); the bot serves
  those paths on its one web server (`runtime.web`). OK signs nothing (the documents only
  list the addresses its requests come from), so the unguessable path is the secret: a
  request to any other path is refused (404).
* A webhook request is answered (200) only once its update was handled and the replies
  went out, so a crash in between makes OK deliver it again; the dispatcher's claim of the
  update id (the message's mid, the callback's id) makes that harmless. While stopping, new
  requests get 503 and OK delivers them again later.
* Updates of one person are handled in order; different people concurrently, with a bound
  on how many are in the dispatcher at once and on how many wait (beyond it 503: OK retries).
* A CALLBACK press is always answered (graph.chat.answer, which must carry a message): with
  the first reply when it fits one message, else with an empty text and the replies sent.
* Communities: the group the token runs as is recorded at start so an organizer can /link
  it. The Bot API has no method that lists a group's administrators, so the bot cannot check
  that the person linking is one: only the service admins (ADMIN_IDS "ok:<id>") may link an
  OK group. Nor can a group token publish in the group's feed: /post gives the organizer the
  ready text with the "Order" link to publish by hand, as on VK.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.adapters.ok import PLATFORM
from bot.adapters.ok.events import (
    MESSAGE_CALLBACK,
    chat_id_of,
    kind_of,
    ok_start_link,
    sender_id_of,
    to_incoming,
)
from bot.adapters.ok.transport import OkClient, OkTransport, recipient_of
from bot.core.chat_lanes import OrderedWork
from bot.core.dispatcher import Dispatcher
from bot.core.events import Incoming
from bot.core.platform import Runtime, WebRoutes
from bot.core.replies import Reply
from bot.core.transport import (
    DeliveryError,
    PermanentFailure,
    RecipientUnreachable,
    RetryAfter,
)
from bot.delivery.outbox import leave_to_outbox
from domain import clock
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

# Requests in hand get this long to finish when the adapter stops (supervisors kill at 10).
STOP_GRACE = 8.0


class OkPort:
    """`bot.core.ports.PlatformPort` for one group; every event of it carries one."""

    platform = PLATFORM

    def __init__(
        self, transport: OkTransport, client: OkClient, is_admin: Callable[[str], bool]
    ) -> None:
        self.transport = transport
        self.client = client
        self._is_admin = is_admin

    async def is_chat_admin(self, chat_id: str, user_external_id: str) -> bool:
        """Only the group this token runs as, and only for the service admins: the Bot API
        cannot list a group's administrators (see the module docstring)."""
        if chat_id != self.client.group_id:
            return False
        return self._is_admin(user_external_id)

    async def post(self, chat_id: str, reply: Reply) -> str:
        """A message in a chat the group is in; the group's feed is refused (a group token
        may not publish there), so the organizer gets the ready text."""
        if chat_id.startswith("chat:"):
            recipient_of(chat_id)
            return await self.transport.send(chat_id, reply, bot_key=self.client.bot_key) or ""
        if chat_id == self.client.group_id:
            raise RecipientUnreachable("OK Bot API: a group token cannot publish in the feed")
        raise PermanentFailure(f"OK group {chat_id} is not run by this token")

    def start_link(self, payload: str) -> str:
        return ok_start_link(self.client.group_id, payload)


def webhook_suffix(client: OkClient) -> str:
    return f"/{client.group_id}/{client.token_digest}"


class OkAdapter:
    def __init__(
        self,
        dispatcher: Dispatcher,
        transport: OkTransport,
        *,
        is_admin: Callable[[str], bool] = lambda _user: False,
        max_concurrency: int = 8,
        max_pending: int = 1000,
        reply_attempts: int = 3,
        max_retry_sleep: float = 5.0,
    ) -> None:
        self.dispatcher = dispatcher
        self.transport = transport
        self.is_admin = is_admin
        self.reply_attempts = reply_attempts
        self.max_retry_sleep = max_retry_sleep
        self._max_pending = max_pending
        self._pending = 0
        self._feeding = asyncio.Semaphore(max_concurrency)
        self._work = OrderedWork(PLATFORM, "person")
        self._ports: dict[str, OkPort] = {}
        self._routes: list[str] = []
        self._web: WebRoutes | None = None
        self.stopping = False
        # Updates fully handled (replies delivered): progress for tests and the benchmark.
        self.handled = 0

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self, web_routes: WebRoutes, public_url: str) -> None:
        """Serve every group's webhook path, then subscribe its public URL with OK."""
        self._web = web_routes
        base_path = urlsplit(public_url).path.rstrip("/")
        for client in self.transport.clients.values():
            await self._record_own_community(client)
            path = base_path + webhook_suffix(client)
            web_routes.add_route("POST", path, partial(self._webhook, client))
            self._routes.append(path)
        await web_routes.start()
        for client in self.transport.clients.values():
            await self.subscribe(client, public_url.rstrip("/") + webhook_suffix(client))
            log.info("OK: listening to group %s (%s)", client.group_id, client.name)

    async def subscribe(self, client: OkClient, url: str) -> None:
        """Our URL subscribed once; the group's older ones under OK_WEBHOOK_URL dropped."""
        prefix = url.rsplit("/", 2)[0] + "/"
        answer = await client.call("GET", "me/subscriptions")
        listed = answer.get("subscriptions") if isinstance(answer, dict) else None
        urls = [
            item.get("url")
            for item in (listed if isinstance(listed, list) else [])
            if isinstance(item, dict) and isinstance(item.get("url"), str)
        ]
        for stale in urls:
            if stale != url and stale.startswith(prefix):
                await client.call("POST", "me/unsubscribe", {"url": stale})
                log.info("OK %s: unsubscribed the stale webhook %s", client.group_id, stale)
        if url not in urls:
            await client.call("POST", "me/subscribe", {"url": url})

    def request_stop(self) -> None:
        """Take no new requests (503: OK delivers them again) and stop serving the paths."""
        self.stopping = True
        if self._web is not None:
            for path in self._routes:
                self._web.remove_route("POST", path)
        self._routes.clear()

    async def stop(self, timeout: float = STOP_GRACE) -> None:
        self.request_stop()
        await self._work.join(timeout)

    async def run(self, web_routes: WebRoutes, public_url: str) -> None:
        await self.start(web_routes, public_url)
        try:
            await asyncio.Event().wait()
        finally:
            await asyncio.shield(self.stop())

    async def _record_own_community(self, client: OkClient) -> None:
        """The group this token runs as, as a `Community` row an admin can /link (see VK's
        adapter for why this is a direct storage call)."""
        try:
            async with self.dispatcher.session_factory() as session, session.begin():
                await UnitOfWork(session).communities.own(
                    PLATFORM, client.group_id, title=client.name[:255], now=clock.now()
                )
        except Exception as exc:
            log.warning("OK %s: the group could not be recorded: %s", client.group_id, exc)

    # --- the webhook --------------------------------------------------------------------------

    async def _webhook(self, client: OkClient, request: web.Request) -> web.StreamResponse:
        if self.stopping:
            return web.Response(status=503, text="stopping")
        body = await request.read()
        try:
            raw = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            # Never worth a redelivery: it will not read better next time.
            log.warning("OK %s: a webhook body that is not JSON was dropped", client.group_id)
            return web.json_response({"ok": False})
        user = sender_id_of(raw)
        if user is None:
            log.debug(
                "OK %s: %s ignored", client.group_id, kind_of(raw) if isinstance(raw, dict) else raw
            )
            return web.json_response({"ok": True})
        if self._pending >= self._max_pending:
            return web.Response(status=503, text="busy")
        self._pending += 1
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._work.submit(user, partial(self._handle, client, raw, done))
        try:
            await asyncio.shield(done)
        except asyncio.CancelledError:
            if done.cancelled():
                # Given up at shutdown before it was handled: OK delivers it again.
                return web.Response(status=503, text="stopping")
            raise
        return web.json_response({"ok": True})

    async def _handle(
        self, client: OkClient, raw: dict[str, Any], done: asyncio.Future[None]
    ) -> None:
        try:
            await self.handle_update(client, raw)
        except asyncio.CancelledError:
            if not done.done():
                done.cancel()
            raise
        finally:
            self._pending -= 1
            self.handled += 1
            if not done.done():
                done.set_result(None)

    def port_for(self, client: OkClient) -> OkPort:
        port = self._ports.get(client.bot_key)
        if port is None:
            port = self._ports[client.bot_key] = OkPort(self.transport, client, self.is_admin)
        return port

    async def handle_update(self, client: OkClient, raw: dict[str, Any]) -> None:
        """One webhook message, start to finish: feed the dispatcher, answer a press,
        deliver the replies."""
        incoming: Incoming | None = None
        replies: list[Reply] = []
        try:
            incoming = to_incoming(raw, client.group_id, port=self.port_for(client))
            if incoming is not None:
                async with self._feeding:
                    replies = list(await self.dispatcher.feed(incoming))
        except Exception:
            log.exception("OK %s: update failed", client.group_id)
        first = 0
        if kind_of(raw) == MESSAGE_CALLBACK:
            first = await self._answer(client, raw, replies[0] if replies else None)
        if incoming is not None:
            await self._deliver(client, incoming, replies, first)

    async def _answer(self, client: OkClient, raw: dict[str, Any], reply: Reply | None) -> int:
        """Answer the press; returns how many replies that answer carried (0 or 1)."""
        chat_id = chat_id_of(raw)
        callback_id = raw.get("callbackId")
        if chat_id is None or not isinstance(callback_id, str | int):
            log.info("OK %s: a press without chat or callback id", client.group_id)
            return 0
        # With the first reply when it fits one message; else (or when that failed: an
        # upload, a refused message) with an empty text, and the replies go as messages.
        for carrying in [reply, None] if reply is not None else [None]:
            try:
                carried = await self.transport.answer_callback(
                    chat_id, str(callback_id), carrying, bot_key=client.bot_key
                )
            except Exception as exc:
                log.info("OK %s: callback answer failed: %s", client.group_id, exc)
                continue
            if carried:
                return 0 if carrying is None else 1
        return 0

    async def _deliver(
        self, client: OkClient, incoming: Incoming, replies: list[Reply], first: int
    ) -> None:
        # Once a reply waits in the outbox, the event's later replies wait behind it.
        queued = False
        for index, reply in enumerate(replies):
            if index < first:
                continue
            if queued:
                await leave_to_outbox(self.dispatcher.session_factory, incoming, index, reply)
                continue
            queued = await self._send(client, incoming, index, reply)

    async def _send(self, client: OkClient, incoming: Incoming, index: int, reply: Reply) -> bool:
        """Send one reply, retrying what OK refuses for now; True when it went to the
        outbox instead."""
        chat_id = incoming.chat.external_id
        error: DeliveryError | None = None
        for attempt in range(self.reply_attempts):
            try:
                await self.transport.send(chat_id, reply, bot_key=client.bot_key)
                return False
            except (RecipientUnreachable, PermanentFailure) as exc:
                log.warning("OK %s: reply to %s not delivered: %s", client.bot_key, chat_id, exc)
                return False
            except DeliveryError as exc:
                error = exc
                pause = exc.seconds if isinstance(exc, RetryAfter) else 0.5 * 2**attempt
                await asyncio.sleep(min(pause, self.max_retry_sleep))
        log.warning("OK %s: reply to %s queued after: %s", client.bot_key, chat_id, error)
        await leave_to_outbox(self.dispatcher.session_factory, incoming, index, reply, error)
        return True


# --- wiring -----------------------------------------------------------------------------------


async def run_ok(runtime: Runtime) -> None:
    """Run every configured OK group until cancelled: webhook updates in, and the outbox
    delivered through the same transport."""
    settings = runtime.settings
    if not settings.ok_webhook_url:
        raise RuntimeError("OK_WEBHOOK_URL is not set")  # checked at start (bot.adapters)
    transport = await OkTransport.connect(
        [token.get_secret_value() for token in settings.ok_tokens],
        settings.ok_api_url,
        rate_per_token=settings.ok_rate_per_token,
    )
    transport.report_to(runtime.health.recorder(PLATFORM))
    runtime.start_sender(transport)
    adapter = OkAdapter(
        runtime.dispatcher,
        transport,
        is_admin=partial(settings.is_admin, PLATFORM),
    )
    try:
        await adapter.run(runtime.web, settings.ok_webhook_url)
    finally:
        with contextlib.suppress(Exception):
            await transport.close()
