"""The VK adapter: Bots Long Poll updates in, dispatcher replies out, one poller per community.

* Each community token (settings.vk_tokens) is its own bot identity: `bot_key` is its group id.
* vk_api is blocking. The long poll of each community is a task on the event loop whose
  blocking calls run in a thread of that community's own; the waits between failed tries
  are the event loop's, so every time-out of the adapter is measured on one clock. API calls
  run in the community's executor (`VkClient`).
* Updates of one person are handled in order; different people concurrently, with a bound
  on how many are in the dispatcher at once and on how many wait (the poller then waits
  too, so a burst cannot eat the memory).
* Idempotency is the dispatcher's: update ids are VK's `event_id`, so a redelivered update
  changes nothing twice. Callback presses are always answered (sendMessageEventAnswer), so
  a button never keeps spinning, whatever happened.
* Payloads come from the person's app and can be anything: whatever is not our own
  `{"p": "<packed payload>"}` becomes a button the dispatcher calls outdated.
* Every event carries a `VkPort` (bot.core.ports) for the communities handlers: admin
  checks, posting, vk.me start links, and for comments under wall posts whether the
  community may write to the person and a reply under the comment.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

from vk_api.bot_longpoll import VkBotLongPoll
from vk_api.exceptions import ApiError

from bot.adapters.vk.events import (
    as_int,
    sender_id_of,
    to_incoming,
    vk_start_link,
)
from bot.adapters.vk.transport import (
    CHAT_PEER_START,
    PLATFORM,
    VkClient,
    VkTransport,
    delivery_error,
)
from bot.core.chat_lanes import OrderedWork
from bot.core.dispatcher import Dispatcher
from bot.core.events import EventKind, Incoming
from bot.core.intake import Inbox, PollLease
from bot.core.platform import Runtime
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

T = TypeVar("T")


COMMUNITY_ADMIN_ROLES = frozenset({"creator", "administrator"})
WALL_FORBIDDEN_CODES = frozenset({7, 15, 27, 214})


# --- what communities need from VK -------------------------------------------------------


class VkPort:
    """`bot.core.ports.PlatformPort` for one community; every event of it carries one."""

    platform = PLATFORM

    def __init__(self, transport: VkTransport, client: VkClient) -> None:
        self.transport = transport
        self.client = client

    async def is_chat_admin(self, chat_id: str, user_external_id: str) -> bool:
        """Creator or administrator of this community, or admin of a conversation."""
        peer, user = as_int(chat_id), as_int(user_external_id)
        if peer is None or user is None:
            return False
        client = self.client
        try:
            if peer >= CHAT_PEER_START:
                answer = await client.call("messages.getConversationMembers", peer_id=peer)
                return any(
                    as_int(item.get("member_id")) == user
                    and bool(item.get("is_admin") or item.get("is_owner"))
                    for item in answer.get("items", [])
                )
            if abs(peer) != client.group_id:
                return False  # another community: this token cannot tell
            answer = await client.call(
                "groups.getMembers", group_id=client.group_id, filter="managers"
            )
        except Exception as exc:
            raise delivery_error(exc) from exc
        return any(
            as_int(item.get("id")) == user and item.get("role") in COMMUNITY_ADMIN_ROLES
            for item in answer.get("items", [])
            if isinstance(item, dict)
        )

    async def post(self, chat_id: str, reply: Reply) -> str:
        """A message in a conversation, or a post on this community's wall."""
        peer = as_int(chat_id)
        if peer is not None and peer >= CHAT_PEER_START:
            message_id = await self.transport.send(chat_id, reply, bot_key=self.client.bot_key)
            return message_id or ""
        if peer is None or abs(peer) != self.client.group_id:
            raise PermanentFailure(f"VK community {chat_id} is not run by this token")
        text = _text_with_links(reply)
        photo = reply.photo
        attachment = photo.file_id if photo and (photo.file_id or "").startswith("photo") else None
        try:
            answer = await self.client.call(
                "wall.post",
                owner_id=-self.client.group_id,
                from_group=1,
                message=text,
                attachments=attachment,
            )
        except ApiError as exc:
            if exc.code in WALL_FORBIDDEN_CODES:
                # VK serves wall.post to user tokens only; a community token gets 27.
                raise RecipientUnreachable(f"VK error {exc.code}: wall posting refused") from exc
            raise delivery_error(exc) from exc
        except Exception as exc:
            raise delivery_error(exc) from exc
        return str(answer["post_id"])

    def start_link(self, payload: str) -> str:
        return vk_start_link(self.client.group_id, payload)

    async def may_message(self, user_external_id: str) -> bool:
        """messages.isMessagesFromGroupAllowed: VK's own answer, whatever consent events
        the bot saw or missed."""
        user = as_int(user_external_id)
        if user is None or user <= 0:
            return False
        return await self.transport.messages_allowed(user, bot_key=self.client.bot_key)

    async def reply_to_comment(self, post_id: str, comment_id: str, reply: Reply) -> str:
        """A comment of the community under the person's comment on its wall (a bare comment
        id is one on this community's wall)."""
        owner_text, _, number_text = comment_id.rpartition(":")
        owner = as_int(owner_text) if owner_text else -self.client.group_id
        number, post = as_int(number_text), as_int(post_id)
        if owner is None or number is None or post is None:
            raise PermanentFailure(f"{comment_id!r} on post {post_id!r} is no VK wall comment")
        if abs(owner) != self.client.group_id:
            raise PermanentFailure(f"VK wall {owner} is not run by this token")
        try:
            answer = await self.client.call(
                "wall.createComment",
                owner_id=owner,
                post_id=post,
                from_group=self.client.group_id,
                message=_text_with_links(reply),
                reply_to_comment=number,
            )
        except Exception as exc:
            raise delivery_error(exc) from exc
        return str(answer.get("comment_id", "")) if isinstance(answer, dict) else ""


def _text_with_links(reply: Reply) -> str:
    # Wall posts and comments have no buttons: links go into the text.
    links = [f"{b.text}: {b.url}" for row in reply.buttons for b in row if b.url]
    return "\n\n".join([reply.text, *links]) if links else reply.text


class RawBotLongPoll(VkBotLongPoll):
    """vk_api's Bots Long Poll (it handles `failed` 1, 2 and 3) returning raw update dicts.

    vk_api parses updates after it has moved `ts` on, so one odd update it cannot parse
    would lose the whole batch; raw dicts are parsed by `to_incoming`, one at a time.
    """

    def _parse_event(self, raw_event: Any) -> Any:
        return raw_event


def _off_loop(name: str, call: Callable[[], T]) -> asyncio.Future[T]:
    """`call()` in a daemon thread of its own, its outcome on the event loop."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return  # the awaiting task was cancelled meanwhile
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def run() -> None:
        result: T | None = None
        error: BaseException | None = None
        try:
            result = call()
        except BaseException as exc:
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future


def resume_from(cursor: str | None, fresh: Any) -> Any:
    """The ts to ask VK from: the kept cursor, unless it is not a position VK has reached (a
    community recreated, a database restored from elsewhere): asking from the future would
    wait for ever."""
    try:
        if cursor is not None and int(cursor) <= int(fresh):
            return cursor
    except (TypeError, ValueError):
        pass
    if cursor is not None:
        log.warning("VK: kept ts %s is not behind VK's %s; asking from VK's", cursor, fresh)
    return fresh


# --- the adapter ------------------------------------------------------------------------------


class VkAdapter:
    def __init__(
        self,
        dispatcher: Dispatcher,
        transport: VkTransport,
        *,
        wait: int = 25,
        backoff: tuple[float, float] = (1.0, 30.0),
        max_concurrency: int = 8,
        max_pending: int = 1000,
        reply_attempts: int = 3,
        max_retry_sleep: float = 5.0,
        remembered_names: int = 50_000,
        lease_ttl: float | None = None,
    ) -> None:
        if not 1 <= wait <= 90:
            raise ValueError("VK long poll wait is 1..90 seconds")
        self.dispatcher = dispatcher
        self.transport = transport
        self.wait = wait
        self.backoff_initial, self.backoff_max = backoff
        self.reply_attempts = reply_attempts
        self.max_retry_sleep = max_retry_sleep
        self.lease_ttl = lease_ttl
        self._max_pending = max_pending
        self._max_concurrency = max_concurrency
        self._stopping = asyncio.Event()
        self._pollers: list[asyncio.Task[None]] = []
        self._work = OrderedWork(PLATFORM, "peer")
        self._names: OrderedDict[int, str] = OrderedDict()
        self._ports: dict[str, VkPort] = {}
        self._remembered_names = remembered_names
        # Updates fully handled (replies delivered): progress for tests and the benchmark.
        self.handled = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: asyncio.Semaphore | None = None
        self._feeding: asyncio.Semaphore | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._pending = asyncio.Semaphore(self._max_pending)
        self._feeding = asyncio.Semaphore(self._max_concurrency)
        self._stopping.clear()
        for client in self.transport.clients.values():
            await self._record_own_community(client)
            poller = asyncio.create_task(self._poll(client), name=f"vk-longpoll-{client.group_id}")
            self._pollers.append(poller)
            log.info("VK: listening to community %s (%s)", client.group_id, client.name)

    async def _record_own_community(self, client: VkClient) -> None:
        """Make sure the community this token runs as is a `Community` row, so an organizer
        who administers it can /link it from the private chat and posts on its wall can be
        tied to purchases.

        A direct storage call in its own transaction rather than a synthetic MEMBERSHIP event:
        such an event needs a person who brought the bot in (the dispatcher makes a user of
        the sender and on_membership greets and credits them), and nobody did; the token is
        the community. Idempotent (one row per platform and id), so every start may do it;
        a database that cannot be reached now only costs the linking until the next start.
        """
        try:
            async with self.dispatcher.session_factory() as session, session.begin():
                await UnitOfWork(session).communities.own(
                    PLATFORM,
                    str(client.group_id),
                    title=client.name[:255],
                    now=clock.now(),
                )
        except Exception as exc:
            log.warning("VK %s: the community could not be recorded: %s", client.group_id, exc)

    def request_stop(self) -> None:
        """Ask the pollers to stop after their current check (at most `wait` s). Call it from
        the event loop's thread."""
        self._stopping.set()

    async def stop(self, timeout: float = 8.0) -> None:
        """Stop polling at once, then finish the updates already taken (within `timeout`;
        what is left stays in the inbox for the next start). A check under way is dropped:
        its batch was not kept, so the next start asks VK for it again from the kept ts."""
        self.request_stop()
        for poller in self._pollers:
            poller.cancel()
        await asyncio.gather(*self._pollers, return_exceptions=True)
        self._pollers.clear()
        await self._work.join(timeout)

    async def run(self) -> None:
        """Poll until cancelled."""
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()

    # --- the long poll ------------------------------------------------------------------------

    async def _poll(self, client: VkClient) -> None:
        """Long-poll one community while this process holds its lease (one process polls a
        community at a time; another takes over within the lease's time if this one dies)."""
        session_factory = self.dispatcher.session_factory
        inbox = Inbox(session_factory, PLATFORM, client.bot_key)
        lease_options = {} if self.lease_ttl is None else {"ttl": self.lease_ttl}
        lease = PollLease(session_factory, inbox.source, **lease_options)
        keeper = asyncio.create_task(lease.run(), name=f"lease-{lease.name}")
        try:
            while not self._stopping.is_set():
                held = asyncio.ensure_future(lease.held.wait())
                stopping = asyncio.ensure_future(self._stopping.wait())
                await asyncio.wait({held, stopping}, return_when=asyncio.FIRST_COMPLETED)
                held.cancel()
                stopping.cancel()
                if lease.held.is_set() and not self._stopping.is_set():
                    await self._poll_held(client, inbox, lease)
        finally:
            keeper.cancel()
            await asyncio.gather(keeper, return_exceptions=True)

    async def _poll_held(self, client: VkClient, inbox: Inbox, lease: PollLease) -> None:
        """Long-poll until asked to stop or the lease is lost. The blocking calls run one at
        a time in daemon threads (`_off_loop`): a check holds its thread for up to `wait` s,
        so it stays off the loop's executor and the community's API executor, and one still
        waiting when the adapter stops does not keep the process from exiting.

        Each batch goes to the inbox with the `ts` after it (one transaction) before it is
        handled: a restart asks VK from that `ts` and hands over the inbox rows no
        transaction claimed, so neither a crash nor the time the bot was down loses an
        event (within the time VK keeps them)."""
        name = f"vk-longpoll-{client.group_id}"
        longpoll: RawBotLongPoll | None = None
        failures = 0
        resumed = False
        while not self._stopping.is_set() and lease.held.is_set():
            try:
                if longpoll is None:
                    longpoll = await _off_loop(
                        name, partial(RawBotLongPoll, client.vk, client.group_id, wait=self.wait)
                    )
                    longpoll.ts = resume_from(await inbox.cursor(), longpoll.ts)
                elif failures >= 2:
                    # The server may have lost our key; keep ts so no update is skipped.
                    await _off_loop(name, partial(longpoll.update_longpoll_server, update_ts=False))
                if not resumed:
                    await self._resume(client, inbox)
                    resumed = True
                asked_from = longpoll.ts
                updates = await _off_loop(name, longpoll.check)
                client.record_ok()  # an idle community's only sign of life, for /healthz
                failures = 0
                if not lease.held.is_set():
                    return  # another process polls now; it asks from the kept ts
                if updates:
                    try:
                        await self._keep(client, inbox, longpoll, updates)
                    except Exception:
                        longpoll.ts = asked_from  # not kept: ask for the batch again
                        raise
            except Exception as exc:
                failures += 1
                delay = min(self.backoff_max, self.backoff_initial * 2 ** min(failures - 1, 10))
                log.warning(
                    "VK %s: long poll failed (%s: %s), retrying in %.1f s",
                    client.group_id,
                    type(exc).__name__,
                    exc,
                    delay,
                )
                await self._pause(delay)

    async def _resume(self, client: VkClient, inbox: Inbox) -> None:
        """Hand over what the inbox holds unfinished, before anything new: updates to
        handle, and replies of committed ones that may not have gone out."""
        to_handle = []
        for row in await inbox.unfinished():
            if not row.claimed:
                to_handle.append((row.seq, row.update_id, row.raw))
            elif row.replies:
                raw = json.loads(row.raw)
                incoming = to_incoming(raw, client.group_id, port=self.port_for(client))
                if incoming is not None:
                    await self._deliver(client, incoming, row.stored_replies())
        await self._accept(client, inbox, to_handle)

    async def _keep(
        self, client: VkClient, inbox: Inbox, longpoll: RawBotLongPoll, updates: list[Any]
    ) -> None:
        """Write a batch to the inbox (with the ts to ask from next), then hand it over."""
        kept: list[tuple[str, dict[str, Any]]] = []
        refused: list[tuple[str | None, str, Any]] = []
        for raw in updates:
            if not isinstance(raw, dict):
                refused.append((None, "not an object", raw))
            elif sender_id_of(raw) is None:
                log.debug("VK %s: %s ignored", client.group_id, raw.get("type"))
            else:
                event_id = raw.get("event_id")
                update_id = str(event_id) if event_id is not None else ""
                kept.append((update_id, raw))
        seqs = await inbox.keep(kept, refused, cursor=str(longpoll.ts))
        await self._accept(
            client, inbox, [(seq, uid, raw) for seq, (uid, raw) in zip(seqs, kept, strict=True)]
        )

    async def _pause(self, seconds: float) -> None:
        """Wait `seconds`, or less if asked to stop meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    # --- handling updates ---------------------------------------------------------------------

    async def _accept(
        self, client: VkClient, inbox: Inbox, updates: Sequence[tuple[int, str, Any]]
    ) -> None:
        """Queue inbox rows (seq, update id, raw dict or its JSON) behind each person's
        previous updates."""
        assert self._pending is not None
        for seq, _update_id, body in updates:
            raw = json.loads(body) if isinstance(body, str) else body
            sender = sender_id_of(raw) if isinstance(raw, dict) else None
            if sender is None:
                continue
            await self._pending.acquire()
            inbox.hold(seq)
            done = partial(inbox.done, seq)
            self._work.submit(str(sender), partial(self._handle, client, raw, done))

    async def _handle(
        self, client: VkClient, raw: dict[str, Any], done: Callable[[], None]
    ) -> None:
        assert self._pending is not None
        given_up = False
        try:
            await self.handle_update(client, raw)
        except asyncio.CancelledError:
            given_up = True  # at shutdown: the inbox row stays for the next start
            raise
        finally:
            if not given_up:
                done()
            self.handled += 1
            self._pending.release()

    async def handle_update(self, client: VkClient, raw: dict[str, Any]) -> None:
        """One raw update, start to finish: feed the dispatcher, answer, deliver the replies."""
        assert self._feeding is not None
        incoming: Incoming | None = None
        replies: list[Reply] = []
        try:
            user = sender_id_of(raw)
            name = await self._name(client, user) if user is not None else ""
            incoming = to_incoming(raw, client.group_id, name=name, port=self.port_for(client))
            if incoming is not None and raw.get("type") == "message_new":
                self.transport.remember_client(
                    int(incoming.chat.external_id), raw["object"].get("client_info")
                )
            if incoming is not None:
                async with self._feeding:
                    replies = await self.dispatcher.feed(incoming)
        except Exception:
            log.exception("VK %s: update %s failed", client.group_id, raw.get("event_id"))
        finally:
            if raw.get("type") == "message_event":
                await self._answer_event(client, raw)
        if incoming is not None and replies:
            await self._deliver(client, incoming, replies)

    def port_for(self, client: VkClient) -> VkPort:
        port = self._ports.get(client.bot_key)
        if port is None:
            port = self._ports[client.bot_key] = VkPort(self.transport, client)
        return port

    async def _name(self, client: VkClient, user_id: int) -> str:
        cached = self._names.get(user_id)
        if cached is not None:
            self._names.move_to_end(user_id)
            return cached
        try:
            [profile] = await client.call("users.get", user_ids=user_id)
        except Exception as exc:
            # The name is a nicety; the update goes on without it.
            log.info("VK: users.get %s failed: %s", user_id, exc)
            return ""
        name = " ".join(
            str(profile.get(part) or "").strip() for part in ("first_name", "last_name")
        ).strip()[:255]
        self._names[user_id] = name
        if len(self._names) > self._remembered_names:
            self._names.popitem(last=False)
        return name

    async def _answer_event(self, client: VkClient, raw: dict[str, Any]) -> None:
        obj = raw.get("object") if isinstance(raw.get("object"), dict) else {}
        try:
            await client.call(
                "messages.sendMessageEventAnswer",
                event_id=obj.get("event_id"),
                user_id=obj.get("user_id"),
                peer_id=obj.get("peer_id"),
            )
        except Exception as exc:
            log.info("VK %s: event answer failed: %s", client.group_id, exc)

    async def _deliver(self, client: VkClient, incoming: Incoming, replies: list[Reply]) -> None:
        chat_id = incoming.chat.external_id
        # A pressed callback button's message: its conversation_message_id.
        pressed = as_int(incoming.message_id) if incoming.kind is EventKind.BUTTON else None
        can_edit = pressed is not None and pressed > 0
        # Once a reply waits in the outbox, the event's later replies wait behind it there:
        # sent directly they would overtake it.
        queued = False
        for index, reply in enumerate(replies):
            if queued:
                await leave_to_outbox(self.dispatcher.session_factory, incoming, index, reply)
                continue
            if reply.edit and can_edit:
                can_edit = False  # one pressed message, one edit
                assert pressed is not None
                if await self.transport.edit(chat_id, pressed, reply, bot_key=client.bot_key):
                    continue
            queued = await self._send(client, incoming, index, reply)

    async def _send(self, client: VkClient, incoming: Incoming, index: int, reply: Reply) -> bool:
        """Send one reply, retrying what VK refuses for now; True when it was left to the
        outbox instead (then the event's later replies must follow it there)."""
        chat_id = incoming.chat.external_id
        key = f"reply:{incoming.update_id}:{index}"
        error: DeliveryError | None = None
        for attempt in range(self.reply_attempts):
            try:
                await self.transport.send(chat_id, reply, bot_key=client.bot_key, message_key=key)
                return False
            except (RecipientUnreachable, PermanentFailure) as exc:
                log.warning("VK %s: reply to %s not delivered: %s", client.bot_key, chat_id, exc)
                return False
            except DeliveryError as exc:
                error = exc
                pause = exc.seconds if isinstance(exc, RetryAfter) else 0.5 * 2**attempt
                await asyncio.sleep(min(pause, self.max_retry_sleep))
        log.warning("VK %s: reply to %s queued after: %s", client.bot_key, chat_id, error)
        await leave_to_outbox(self.dispatcher.session_factory, incoming, index, reply, error)
        return True


# --- wiring -----------------------------------------------------------------------------------


async def run_vk(runtime: Runtime, *, wait: int = 25) -> None:
    """Run every configured VK community until cancelled: updates in, and the outbox
    delivered through the same transport (`runtime.start_sender`)."""
    settings = runtime.settings
    transport = await VkTransport.connect(
        [token.get_secret_value() for token in settings.vk_tokens],
        settings.vk_api_url,
        rate_per_token=settings.vk_rate_per_token,
    )
    transport.report_to(runtime.health.recorder(PLATFORM))
    runtime.start_sender(transport)
    adapter = VkAdapter(runtime.dispatcher, transport, wait=wait)
    try:
        await adapter.run()
    finally:
        await transport.close()
