"""A fake VK API + Bots Long Poll server on loopback, for driving the real vk_api in tests.

Usage from an async test (the server runs in the test's event loop; vk_api is blocking, so call
it through ``asyncio.to_thread`` -- a blocking call made directly in the test coroutine would
freeze the loop that serves it)::

    async with FakeVkServer(group_id=1001, token="vk-token-1") as server:
        vk = make_vk_api("vk-token-1", server.base_url)
        await asyncio.to_thread(vk.method, "messages.send", {...})
        [msg] = await server.wait_for_sent(1)

From synchronous code: ``with FakeVkServer() as server:`` (or ``start_in_thread()`` / ``stop()``)
runs it on its own loop in a daemon thread.

Shapes follow VK API 5.199: ``groups.getById`` returns ``{"groups": [...], "profiles": []}``,
``message_new`` carries ``{"message": {...}, "client_info": {...}}``, ``message_event`` carries
the payload as an object, ``messages.send`` with ``peer_ids`` returns a list of
``{peer_id, message_id, conversation_message_id}`` (or ``{peer_id, error}`` per failed peer).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web

API_VERSION = "5.199"
CHAT_PEER_START = 2_000_000_000
MAX_MESSAGE_LENGTH = 4096
MAX_PEER_IDS = 100
MAX_LONGPOLL_WAIT = 90
DEFAULT_CLIENT_INFO: dict[str, Any] = {
    "button_actions": [
        "text",
        "vkpay",
        "open_app",
        "location",
        "open_link",
        "callback",
        "intent_subscribe",
        "intent_unsubscribe",
    ],
    "keyboard": True,
    "inline_keyboard": True,
    "carousel": True,
    "lang_id": 0,
}

Params = dict[str, str]


class VkError(Exception):
    """Raised inside handlers; becomes ``{"error": {...}}`` in the HTTP answer."""

    def __init__(self, code: int, msg: str) -> None:
        super().__init__(f"[{code}] {msg}")
        self.code = code
        self.msg = msg


def _bad_param(text: str) -> VkError:
    return VkError(100, f"One of the parameters specified was missing or invalid: {text}")


@dataclass(frozen=True)
class SentMessage:
    """One delivered message; a ``peer_ids`` send yields one per recipient."""

    group_id: int
    peer_id: int
    message_id: int
    conversation_message_id: int
    text: str
    keyboard: dict[str, Any] | None
    attachment: str | None
    random_id: int
    payload: str | None
    params: Params


@dataclass(frozen=True)
class EditedMessage:
    group_id: int
    peer_id: int
    message_id: int
    conversation_message_id: int
    text: str | None
    keyboard: dict[str, Any] | None
    attachment: str | None
    params: Params


@dataclass(frozen=True)
class EventAnswer:
    group_id: int
    event_id: str
    user_id: int
    peer_id: int
    event_data: dict[str, Any] | None


@dataclass(frozen=True)
class WallComment:
    group_id: int | None
    owner_id: int
    post_id: int
    comment_id: int
    text: str
    from_group: int
    reply_to_comment: int | None
    attachments: str | None


@dataclass(frozen=True)
class WallPost:
    owner_id: int
    post_id: int
    text: str
    attachments: str | None
    from_group: bool


@dataclass(frozen=True)
class UploadedFile:
    kind: str  # "photo" or "doc"
    group_id: int
    filename: str
    content_type: str
    data: bytes
    attachment: str  # what to pass as messages.send(attachment=...)


@dataclass
class _Auth:
    group_id: int | None = None  # set for community tokens
    user_id: int | None = None  # set for user tokens


@dataclass
class _Group:
    group_id: int
    name: str
    events: list[dict[str, Any]] = field(default_factory=list)
    # First event number not yet returned by any a_check: a fresh getLongPollServer starts there,
    # so events pushed before the bot connected are not lost and delivered ones are not repeated.
    undelivered_ts: int = 1
    lp_key: str | None = None
    lp_failures: deque[int] = field(default_factory=deque)
    next_message_id: int = 1
    last_cmid: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    last_outgoing_cmid: dict[int, int] = field(default_factory=dict)
    messages: dict[int, SentMessage] = field(default_factory=dict)
    by_cmid: dict[tuple[int, int], SentMessage] = field(default_factory=dict)
    dedup: dict[tuple[int, int], SentMessage] = field(default_factory=dict)
    allowed: dict[int, bool] = field(default_factory=dict)
    open_events: dict[str, tuple[int, int]] = field(default_factory=dict)
    members: list[int] = field(default_factory=list)
    managers: dict[int, str] = field(default_factory=dict)
    # Conversations the community's bot is an admin of: peer id -> member id -> role.
    conversations: dict[int, dict[int, str]] = field(default_factory=dict)

    @property
    def next_ts(self) -> int:
        return len(self.events) + 1

    def new_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def new_cmid(self, peer_id: int) -> int:
        self.last_cmid[peer_id] += 1
        return self.last_cmid[peer_id]


@dataclass
class _PendingUpload:
    kind: str
    group_id: int
    files: list[tuple[str, str, bytes]]  # (filename, content_type, data)
    hash: str


Handler = Callable[[_Auth, Params], Any]


class FakeVkServer:
    """Fake ``https://api.vk.com`` for one or more communities; see the module docstring.

    ``tokens`` maps extra community tokens to group ids, ``user_tokens`` user tokens to user ids;
    any other token gets error 5. ``rate_per_token`` answers error 6 above that many calls in any
    one-second window (counted in ``too_many_requests``).
    """

    def __init__(
        self,
        group_id: int = 1001,
        token: str = "vk-token-1",
        *,
        group_name: str | None = None,
        tokens: Mapping[str, int] | None = None,
        user_tokens: Mapping[str, int] | None = None,
        rate_per_token: float | None = None,
        messages_allowed_by_default: bool = True,
        group_wall_post: bool = False,
        host: str = "127.0.0.1",
    ) -> None:
        self.group_id = group_id
        self.host = host
        self.rate_per_token = rate_per_token
        self.messages_allowed_by_default = messages_allowed_by_default
        # Real VK allows wall.post with user tokens only (error 27 for community tokens).
        self.group_wall_post = group_wall_post

        # Every API request as (method, form params incl. access_token), failed ones too.
        self.calls: list[tuple[str, Params]] = []
        # Delivered messages, one entry per recipient; deduplicated repeats are not added.
        self.sent: list[SentMessage] = []
        self.edits: list[EditedMessage] = []
        self.event_answers: list[EventAnswer] = []
        self.comments: list[WallComment] = []
        self.posts: list[WallPost] = []
        self.uploads: list[UploadedFile] = []
        self.too_many_requests = 0
        self.longpoll_checks = 0

        self._lock = threading.RLock()
        self._groups: dict[int, _Group] = {}
        self._tokens: dict[str, _Auth] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._recipient_errors: dict[int, tuple[int, str]] = {}
        self._fail_next: dict[str, deque[tuple[int, str]]] = defaultdict(deque)
        self._http_fail_next: dict[str, deque[int]] = defaultdict(deque)
        self._longpoll_http_fail: deque[int] = deque()
        self._rate_windows: dict[str, deque[float]] = defaultdict(deque)
        self._upload_targets: dict[str, tuple[str, int]] = {}
        self._pending_uploads: dict[str, _PendingUpload] = {}
        self._ids = itertools.count(1)

        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None
        self.base_url = ""

        self.add_group(group_id, token, name=group_name)
        for extra_token, extra_group in (tokens or {}).items():
            self.add_group(extra_group, extra_token)
        for user_token, user_id in (user_tokens or {}).items():
            self._tokens[user_token] = _Auth(user_id=user_id)

        self._methods: dict[str, tuple[Handler, frozenset[str]]] = {}
        group, user, both = frozenset({"group"}), frozenset({"user"}), frozenset({"group", "user"})
        for name, handler, kinds in [
            ("groups.getById", self._groups_get_by_id, both),
            ("groups.getLongPollServer", self._groups_get_long_poll_server, group),
            ("groups.getMembers", self._groups_get_members, both),
            ("messages.send", self._messages_send, group),
            ("messages.edit", self._messages_edit, group),
            ("messages.sendMessageEventAnswer", self._messages_send_event_answer, group),
            ("messages.isMessagesFromGroupAllowed", self._messages_is_allowed, both),
            ("messages.getConversationMembers", self._messages_conversation_members, group),
            ("users.get", self._users_get, both),
            ("photos.getMessagesUploadServer", self._photos_upload_server, group),
            ("photos.saveMessagesPhoto", self._photos_save, group),
            ("docs.getMessagesUploadServer", self._docs_upload_server, group),
            ("docs.getUploadServer", self._docs_user_upload_server, user),
            ("docs.save", self._docs_save, group),
            ("wall.post", self._wall_post, user | (group if group_wall_post else frozenset())),
            ("wall.createComment", self._wall_create_comment, both),
        ]:
            self._methods[name] = (handler, kinds)

    # ----------------------------------------------------------------------------- lifecycle

    async def start(self) -> Self:
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/method/{name}", self._handle_method)
        app.router.add_get("/lp/{group_id}", self._handle_longpoll)
        app.router.add_post("/upload/{upload_id}", self._handle_upload)
        # Small shutdown timeout: a pending long-poll must not hold test teardown for 60 s.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://{self.host}:{port}"
        return self

    async def close(self) -> None:
        self._closing = True
        self._wake()  # long-poll handlers answer right away instead of waiting out `wait`
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def start_in_thread(self, timeout: float = 5.0) -> Self:
        """Serve from a daemon thread with its own event loop (for synchronous callers)."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._thread_loop = loop
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.close())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-vk-server", daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("fake VK server did not start")
        if failure:
            raise failure[0]
        return self

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread is None or self._thread_loop is None:
            return
        self._thread_loop.call_soon_threadsafe(self._thread_loop.stop)
        self._thread.join(timeout)
        self._thread = None
        self._thread_loop = None

    def __enter__(self) -> Self:
        return self.start_in_thread()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ------------------------------------------------------------------------- configuration

    def add_group(self, group_id: int, token: str, *, name: str | None = None) -> None:
        """Register a community token; several tokens may map to one group."""
        with self._lock:
            if group_id not in self._groups:
                self._groups[group_id] = _Group(group_id, name or f"Community {group_id}")
            self._tokens[token] = _Auth(group_id=group_id)

    def add_user_token(self, token: str, user_id: int) -> None:
        with self._lock:
            self._tokens[token] = _Auth(user_id=user_id)

    def set_user(self, user_id: int, first_name: str, last_name: str = "", **extra: Any) -> None:
        """Name (and any extra fields) that users.get returns for this user."""
        with self._lock:
            self._users[user_id] = {"first_name": first_name, "last_name": last_name, **extra}

    def set_messages_allowed(
        self, user_id: int, allowed: bool, *, group_id: int | None = None
    ) -> None:
        """Drives isMessagesFromGroupAllowed; messages.send to a disallowed user gives 901."""
        with self._lock:
            self._group(group_id).allowed[user_id] = allowed

    def set_recipient_error(self, user_id: int, code: int | None, msg: str = "") -> None:
        """Make every messages.send to this peer fail (e.g. 902 privacy, 7, 900); None clears."""
        with self._lock:
            if code is None:
                self._recipient_errors.pop(user_id, None)
            else:
                self._recipient_errors[user_id] = (code, msg or _DEFAULT_ERROR_TEXT.get(code, ""))

    def set_members(
        self,
        user_ids: list[int],
        *,
        managers: Mapping[int, str] | None = None,
        group_id: int | None = None,
    ) -> None:
        """Members for groups.getMembers; managers map user id -> role (filter=managers)."""
        with self._lock:
            group = self._group(group_id)
            group.members = list(user_ids)
            group.managers = dict(managers or {})

    def set_conversation_members(
        self, peer_id: int, members: Mapping[int, str], *, group_id: int | None = None
    ) -> None:
        """Members of a conversation for messages.getConversationMembers, user id -> role
        ("owner", "admin" or "member"). Until set, VK answers 917: the bot is no admin there."""
        with self._lock:
            self._group(group_id).conversations[peer_id] = dict(members)

    def fail_next(self, method: str, code: int, msg: str = "", times: int = 1) -> None:
        """The next `times` calls of `method` ("*" = any) answer with this VK error."""
        with self._lock:
            text = msg or _DEFAULT_ERROR_TEXT.get(code, "Unknown error")
            self._fail_next[method].extend([(code, text)] * times)

    def http_error_next(self, method: str, status: int = 500, times: int = 1) -> None:
        """The next `times` calls of `method` ("*" = any) answer with this HTTP status."""
        with self._lock:
            self._http_fail_next[method].extend([status] * times)

    def longpoll_fail(self, code: int, *, group_id: int | None = None) -> None:
        """Next a_check answers {"failed": code}: 1 = new ts, 2 = key expired, 3 = key+ts lost."""
        if code not in (1, 2, 3):
            raise ValueError("VK long poll failures are 1, 2 or 3")
        with self._lock:
            self._group(group_id).lp_failures.append(code)
        self._notify()

    def longpoll_http_error(self, status: int = 500, times: int = 1) -> None:
        with self._lock:
            self._longpoll_http_fail.extend([status] * times)
        self._notify()

    # ------------------------------------------------------------------------ event builders

    def push_event(
        self, event_type: str, obj: dict[str, Any], *, group_id: int | None = None
    ) -> dict[str, Any]:
        """Queue a raw Bots Long Poll update and wake waiting a_check requests."""
        with self._lock:
            group = self._group(group_id)
            event = {
                "group_id": group.group_id,
                "type": event_type,
                "event_id": secrets.token_hex(20),
                "v": API_VERSION,
                "object": obj,
            }
            group.events.append(event)
        self._notify()
        return event

    def redeliver(self, event: dict[str, Any]) -> dict[str, Any]:
        """Queue an update again as it was, event_id and all (VK does after a lost answer)."""
        with self._lock:
            self._group(event["group_id"]).events.append(event)
        self._notify()
        return event

    def message_new(
        self,
        user_id: int,
        text: str,
        *,
        payload: dict[str, Any] | str | None = None,
        attachments: list[dict[str, Any]] | None = None,
        peer_id: int | None = None,
        client_info: dict[str, Any] | None = None,
        group_id: int | None = None,
    ) -> dict[str, Any]:
        with self._lock:
            group = self._group(group_id)
            peer = peer_id if peer_id is not None else user_id
            message: dict[str, Any] = {
                "date": int(time.time()),
                "from_id": user_id,
                "id": group.new_message_id() if peer < CHAT_PEER_START else 0,
                "out": 0,
                "version": next(self._ids),
                "attachments": attachments or [],
                "conversation_message_id": group.new_cmid(peer),
                "fwd_messages": [],
                "important": False,
                "is_hidden": False,
                "peer_id": peer,
                "random_id": 0,
                "text": text,
            }
            if payload is not None:
                # VK hands the button payload back as the JSON string the bot put in the button.
                message["payload"] = payload if isinstance(payload, str) else json.dumps(payload)
            obj = {"message": message, "client_info": client_info or dict(DEFAULT_CLIENT_INFO)}
            return self.push_event("message_new", obj, group_id=group.group_id)

    def message_event(
        self,
        user_id: int,
        payload: dict[str, Any],
        *,
        conversation_message_id: int | None = None,
        event_id: str | None = None,
        peer_id: int | None = None,
        group_id: int | None = None,
    ) -> dict[str, Any]:
        """A callback-button press; cmid defaults to the bot's last message to that peer."""
        with self._lock:
            group = self._group(group_id)
            peer = peer_id if peer_id is not None else user_id
            if conversation_message_id is None:
                conversation_message_id = group.last_outgoing_cmid.get(peer, 0)
            event_id = event_id or secrets.token_hex(6)
            group.open_events[event_id] = (user_id, peer)
            obj = {
                "user_id": user_id,
                "peer_id": peer,
                "event_id": event_id,
                "payload": payload,
                "conversation_message_id": conversation_message_id,
            }
            return self.push_event("message_event", obj, group_id=group.group_id)

    def message_allow(
        self, user_id: int, key: str = "", *, group_id: int | None = None
    ) -> dict[str, Any]:
        with self._lock:
            group = self._group(group_id)
            group.allowed[user_id] = True
            obj = {"user_id": user_id, "key": key}
            return self.push_event("message_allow", obj, group_id=group.group_id)

    def message_deny(self, user_id: int, *, group_id: int | None = None) -> dict[str, Any]:
        with self._lock:
            group = self._group(group_id)
            group.allowed[user_id] = False
            return self.push_event("message_deny", {"user_id": user_id}, group_id=group.group_id)

    def wall_reply_new(
        self,
        user_id: int,
        post_id: int,
        text: str,
        comment_id: int | None = None,
        *,
        reply_to_comment: int | None = None,
        attachments: list[dict[str, Any]] | None = None,
        group_id: int | None = None,
    ) -> dict[str, Any]:
        with self._lock:
            group = self._group(group_id)
            owner_id = -group.group_id
            obj: dict[str, Any] = {
                "id": comment_id if comment_id is not None else next(self._ids),
                "from_id": user_id,
                "date": int(time.time()),
                "text": text,
                "post_id": post_id,
                "owner_id": owner_id,
                "post_owner_id": owner_id,
                "parents_stack": [reply_to_comment] if reply_to_comment else [],
                "thread": {"count": 0, "items": [], "can_post": True},
            }
            if reply_to_comment:
                obj["reply_to_comment"] = reply_to_comment
            if attachments:
                obj["attachments"] = attachments
            return self.push_event("wall_reply_new", obj, group_id=group.group_id)

    def wall_post_new(
        self,
        text: str,
        *,
        created_by: int | None = None,
        post_id: int | None = None,
        from_id: int | None = None,
        post_type: str = "post",
        group_id: int | None = None,
    ) -> dict[str, Any]:
        """A new post on the community's wall (VK wall_post_new): by default published on
        behalf of the community (from_id -group id) by the administrator `created_by`."""
        with self._lock:
            group = self._group(group_id)
            owner_id = -group.group_id
            obj: dict[str, Any] = {
                "id": post_id if post_id is not None else next(self._ids),
                "owner_id": owner_id,
                "from_id": from_id if from_id is not None else owner_id,
                "date": int(time.time()),
                "marked_as_ads": 0,
                "post_type": post_type,
                "text": text,
                "can_edit": 1,
                "attachments": [],
                "comments": {"count": 0},
                "is_favorite": False,
            }
            if created_by is not None:
                obj["created_by"] = created_by
            return self.push_event("wall_post_new", obj, group_id=group.group_id)

    def group_join(
        self, user_id: int, join_type: str = "join", *, group_id: int | None = None
    ) -> dict[str, Any]:
        with self._lock:
            group = self._group(group_id)
            if user_id not in group.members:
                group.members.append(user_id)
            obj = {"user_id": user_id, "join_type": join_type}
            return self.push_event("group_join", obj, group_id=group.group_id)

    # ------------------------------------------------------------------------ assertion aids

    def sent_to(self, peer_id: int) -> list[SentMessage]:
        with self._lock:
            return [m for m in self.sent if m.peer_id == peer_id]

    def calls_of(self, method: str) -> list[Params]:
        with self._lock:
            return [params for name, params in self.calls if name == method]

    # A plain `timeout` argument reads better in tests than wrapping in asyncio.timeout().
    async def wait_for_sent(self, count: int, timeout: float = 5.0) -> list[SentMessage]:
        """Wait until at least `count` messages were delivered; returns all of them."""
        deadline = time.monotonic() + timeout
        # Polling, not an asyncio.Event: the server may live on another loop (start_in_thread).
        while True:
            with self._lock:
                if len(self.sent) >= count:
                    return list(self.sent)
                texts = [m.text for m in self.sent]
            if time.monotonic() >= deadline:
                raise TimeoutError(f"expected {count} sent messages, got {len(texts)}: {texts}")
            await asyncio.sleep(0.01)

    def wait_for_sent_sync(self, count: int, timeout: float = 5.0) -> list[SentMessage]:
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if len(self.sent) >= count:
                    return list(self.sent)
                texts = [m.text for m in self.sent]
            if time.monotonic() >= deadline:
                raise TimeoutError(f"expected {count} sent messages, got {len(texts)}: {texts}")
            time.sleep(0.01)

    # ------------------------------------------------------------------------------ internals

    def _group(self, group_id: int | None) -> _Group:
        gid = self.group_id if group_id is None else group_id
        try:
            return self._groups[gid]
        except KeyError:
            raise KeyError(f"fake VK server has no group {gid}; call add_group()") from None

    def _wake(self) -> None:
        # Runs on the server loop: release every waiting a_check, then arm a fresh event.
        if self._changed is not None:
            self._changed.set()
            self._changed = asyncio.Event()

    def _notify(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake()
        else:  # injected from a test thread while the server runs on its own loop
            loop.call_soon_threadsafe(self._wake)

    def _take(self, queues: Mapping[str, deque[Any]], method: str) -> Any:
        for key in (method, "*"):
            queue = queues.get(key)
            if queue:
                return queue.popleft()
        return None

    def _rate_limited(self, token: str) -> bool:
        if self.rate_per_token is None:
            return False
        now = time.monotonic()
        window = self._rate_windows[token]
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) >= self.rate_per_token:
            self.too_many_requests += 1
            return True
        window.append(now)
        return False

    @staticmethod
    def _error_body(method: str, params: Params, code: int, msg: str) -> dict[str, Any]:
        request_params = [{"key": "method", "value": method}, {"key": "oauth", "value": "1"}]
        request_params += [
            {"key": key, "value": value} for key, value in params.items() if key != "access_token"
        ]
        return {"error": {"error_code": code, "error_msg": msg, "request_params": request_params}}

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["name"]
        params: Params = dict(request.query)
        if request.method == "POST":
            form = await request.post()
            for key in form:
                values = [v for v in form.getall(key) if isinstance(v, str)]
                if values:
                    params[key] = values[-1]  # a repeated key: last one wins
        with self._lock:
            self.calls.append((method, params))
            status = self._take(self._http_fail_next, method)
            if status is not None:
                return web.Response(status=status, text="fake VK HTTP error")
            try:
                result = self._dispatch(method, params)
            except VkError as exc:
                return web.json_response(self._error_body(method, params, exc.code, exc.msg))
        return web.json_response({"response": result})

    def _dispatch(self, method: str, params: Params) -> Any:
        token = params.get("access_token", "")
        auth = self._tokens.get(token)
        if auth is None:
            raise VkError(5, "User authorization failed: invalid access_token (4).")
        if self._rate_limited(token):
            raise VkError(6, "Too many requests per second")
        injected = self._take(self._fail_next, method)
        if injected is not None:
            raise VkError(*injected)
        entry = self._methods.get(method)
        if entry is None:
            raise VkError(3, "Unknown method passed")
        handler, kinds = entry
        if auth.group_id is not None and "group" not in kinds:
            raise VkError(27, "Group authorization failed: method is unavailable with group auth.")
        if auth.group_id is None and "user" not in kinds:
            raise VkError(15, "Access denied: the fake serves this method to community tokens")
        return handler(auth, params)

    # ----------------------------------------------------------------------------- long poll

    async def _handle_longpoll(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        with self._lock:
            self.longpoll_checks += 1
            status = self._longpoll_http_fail.popleft() if self._longpoll_http_fail else None
            group = self._groups.get(_as_int(request.match_info["group_id"]) or 0)
        if status is not None:
            return web.Response(status=status, text="fake long poll HTTP error")
        if group is None or query.get("act") != "a_check":
            return web.json_response({"failed": 2})
        wait = min(max(_as_int(query.get("wait")) or 0, 0), MAX_LONGPOLL_WAIT)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            changed = self._changed
            with self._lock:
                answer = self._poll_once(group, query.get("key"), query.get("ts"))
            if answer is not None:
                return web.json_response(answer)
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing or changed is None:
                return web.json_response({"ts": query.get("ts"), "updates": []})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def _poll_once(self, group: _Group, key: str | None, ts: str | None) -> dict[str, Any] | None:
        if group.lp_failures:
            code = group.lp_failures.popleft()
            if code == 1:
                group.undelivered_ts = group.next_ts  # history "partially lost"
                return {"failed": 1, "ts": str(group.next_ts)}
            group.lp_key = None  # 2 and 3: the key is no longer valid
            return {"failed": code}
        if key is None or key != group.lp_key:
            return {"failed": 2}
        ts_number = _as_int(ts)
        if ts_number is None:
            return {"failed": 1, "ts": str(group.next_ts)}
        ts_number = max(ts_number, 1)
        if ts_number >= group.next_ts:
            return None
        updates = group.events[ts_number - 1 :]
        group.undelivered_ts = max(group.undelivered_ts, group.next_ts)
        return {"ts": str(group.next_ts), "updates": updates}

    # -------------------------------------------------------------------------------- uploads

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        upload_id = request.match_info["upload_id"]
        form = await request.post()
        files = [
            (value.filename, value.content_type, value.file.read())
            for value in form.values()
            if isinstance(value, web.FileField)
        ]
        with self._lock:
            target = self._upload_targets.get(upload_id)
            if target is None:
                return web.json_response({"error": "unknown upload url"}, status=404)
            kind, group_id = target
            token = secrets.token_hex(12)
            pending = _PendingUpload(kind, group_id, files, secrets.token_hex(8))
            if kind == "photo":
                photo = json.dumps(
                    [{"photo": f"{token}:{i}", "sizes": []} for i in range(len(files))]
                )
                self._pending_uploads[photo] = pending
                return web.json_response({"server": 840000, "photo": photo, "hash": pending.hash})
            if not files:
                return web.json_response({"error": "no file", "error_descr": "file is undefined"})
            self._pending_uploads[token] = pending
            return web.json_response({"file": token})

    def _new_upload_url(self, kind: str, group_id: int) -> str:
        upload_id = secrets.token_hex(8)
        self._upload_targets[upload_id] = (kind, group_id)
        return f"{self.base_url}/upload/{upload_id}"

    def _record_upload(self, pending: _PendingUpload, index: int, attachment: str) -> None:
        filename, content_type, data = pending.files[index]
        self.uploads.append(
            UploadedFile(pending.kind, pending.group_id, filename, content_type, data, attachment)
        )

    # -------------------------------------------------------------------------------- methods

    def _groups_get_by_id(self, auth: _Auth, params: Params) -> Any:
        raw = params.get("group_ids") or params.get("group_id")
        ids = _int_list(raw, "group_ids") if raw else []
        if not ids:
            if auth.group_id is None:
                raise _bad_param("group_ids is undefined")
            ids = [auth.group_id]
        groups = []
        for gid in ids:
            known = self._groups.get(gid)
            groups.append(
                {
                    "id": gid,
                    "name": known.name if known else f"Community {gid}",
                    "screen_name": f"club{gid}",
                    "is_closed": 0,
                    "type": "group",
                    "photo_50": f"{self.base_url}/static/club{gid}_50.jpg",
                    "photo_100": f"{self.base_url}/static/club{gid}_100.jpg",
                    "photo_200": f"{self.base_url}/static/club{gid}_200.jpg",
                }
            )
        return {"groups": groups, "profiles": []}

    def _own_group(self, auth: _Auth, params: Params) -> _Group:
        assert auth.group_id is not None
        requested = params.get("group_id")
        if requested is not None and _as_int(requested) != auth.group_id:
            raise VkError(15, "Access denied: no access to this group")
        return self._groups[auth.group_id]

    def _groups_get_long_poll_server(self, auth: _Auth, params: Params) -> Any:
        if "group_id" not in params:
            raise _bad_param("group_id is undefined")
        group = self._own_group(auth, params)
        if group.lp_key is None:
            group.lp_key = secrets.token_hex(20)
        return {
            "key": group.lp_key,
            "server": f"{self.base_url}/lp/{group.group_id}",
            "ts": str(group.undelivered_ts),
        }

    def _groups_get_members(self, auth: _Auth, params: Params) -> Any:
        gid = _as_int(params.get("group_id")) or auth.group_id
        group = self._groups.get(gid or 0)
        if group is None:
            raise VkError(125, "Invalid group id")
        offset = _as_int(params.get("offset")) or 0
        count = min(_as_int(params.get("count")) or 1000, 1000)
        if params.get("filter") == "managers":
            items: list[Any] = [{"id": uid, "role": role} for uid, role in group.managers.items()]
        else:
            items = list(group.members)
        return {"count": len(items), "items": items[offset : offset + count]}

    def _messages_send(self, auth: _Auth, params: Params) -> Any:
        group = self._own_group(auth, {})
        if "random_id" not in params:
            raise _bad_param("random_id is a required parameter")
        random_id = _require_int(params, "random_id")
        multi = "peer_ids" in params
        if multi:
            peers = _int_list(params["peer_ids"], "peer_ids")
            if not 1 <= len(peers) <= MAX_PEER_IDS:
                raise _bad_param(f"peer_ids must hold 1..{MAX_PEER_IDS} ids")
        elif "peer_id" in params:
            peers = [_require_int(params, "peer_id")]
        elif "user_id" in params:
            peers = [_require_int(params, "user_id")]
        else:
            raise _bad_param("peer_id is undefined")
        text = params.get("message", "")
        attachment = params.get("attachment") or None
        if not text and not attachment and not params.get("sticker_id"):
            raise _bad_param("message is empty or invalid")
        if len(text) > MAX_MESSAGE_LENGTH:
            raise VkError(914, "Message is too long")
        keyboard = _parse_keyboard(params.get("keyboard"))

        results: list[dict[str, Any]] = []
        for peer in peers:
            try:
                message = self._deliver(group, peer, random_id, text, keyboard, attachment, params)
            except VkError as exc:
                if not multi:
                    raise
                results.append(
                    {"peer_id": peer, "error": {"code": exc.code, "description": exc.msg}}
                )
                continue
            results.append(
                {
                    "peer_id": peer,
                    "message_id": message.message_id,
                    "conversation_message_id": message.conversation_message_id,
                }
            )
        return results if multi else results[0]["message_id"]

    def _deliver(
        self,
        group: _Group,
        peer: int,
        random_id: int,
        text: str,
        keyboard: dict[str, Any] | None,
        attachment: str | None,
        params: Params,
    ) -> SentMessage:
        if peer in self._recipient_errors:
            raise VkError(*self._recipient_errors[peer])
        is_user = 0 < peer < CHAT_PEER_START
        if is_user and not group.allowed.get(peer, self.messages_allowed_by_default):
            raise VkError(901, _DEFAULT_ERROR_TEXT[901])
        # random_id 0 means "no deduplication"; otherwise a repeat returns the first message.
        dedup_key = (peer, random_id)
        if random_id and dedup_key in group.dedup:
            return group.dedup[dedup_key]
        message = SentMessage(
            group_id=group.group_id,
            peer_id=peer,
            message_id=group.new_message_id() if peer < CHAT_PEER_START else 0,
            conversation_message_id=group.new_cmid(peer),
            text=text,
            keyboard=keyboard,
            attachment=attachment,
            random_id=random_id,
            payload=params.get("payload"),
            params=params,
        )
        if random_id:
            group.dedup[dedup_key] = message
        if message.message_id:
            group.messages[message.message_id] = message
        group.by_cmid[(peer, message.conversation_message_id)] = message
        group.last_outgoing_cmid[peer] = message.conversation_message_id
        self.sent.append(message)
        return message

    def _messages_edit(self, auth: _Auth, params: Params) -> Any:
        group = self._own_group(auth, {})
        peer = _require_int(params, "peer_id")
        original: SentMessage | None = None
        if "message_id" in params:
            original = group.messages.get(_require_int(params, "message_id"))
        elif "conversation_message_id" in params:
            cmid = _require_int(params, "conversation_message_id")
            original = group.by_cmid.get((peer, cmid))
        else:
            raise _bad_param("message_id is undefined")
        if original is None or original.peer_id != peer:
            raise _bad_param("message not found")  # VK also refuses to edit users' messages
        text = params.get("message")
        if text is not None and len(text) > MAX_MESSAGE_LENGTH:
            raise VkError(914, "Message is too long")
        self.edits.append(
            EditedMessage(
                group_id=group.group_id,
                peer_id=peer,
                message_id=original.message_id,
                conversation_message_id=original.conversation_message_id,
                text=text,
                keyboard=_parse_keyboard(params.get("keyboard")),
                attachment=params.get("attachment") or None,
                params=params,
            )
        )
        return 1

    def _messages_send_event_answer(self, auth: _Auth, params: Params) -> Any:
        group = self._own_group(auth, {})
        event_id = params.get("event_id", "")
        user_id = _require_int(params, "user_id")
        peer_id = _require_int(params, "peer_id")
        if group.open_events.get(event_id) != (user_id, peer_id):
            raise _bad_param("event_id is invalid")
        event_data = None
        if params.get("event_data"):
            try:
                event_data = json.loads(params["event_data"])
            except ValueError:
                raise _bad_param("event_data is not a valid JSON") from None
        self.event_answers.append(
            EventAnswer(group.group_id, event_id, user_id, peer_id, event_data)
        )
        return 1

    def _messages_is_allowed(self, auth: _Auth, params: Params) -> Any:
        group = self._groups.get(_require_int(params, "group_id"))
        if group is None:
            raise VkError(125, "Invalid group id")
        user_id = _require_int(params, "user_id")
        allowed = group.allowed.get(user_id, self.messages_allowed_by_default)
        return {"is_allowed": int(allowed)}

    def _messages_conversation_members(self, auth: _Auth, params: Params) -> Any:
        group = self._own_group(auth, {})
        peer = _require_int(params, "peer_id")
        members = group.conversations.get(peer)
        if members is None:
            raise VkError(917, _DEFAULT_ERROR_TEXT[917])
        items = [
            {
                "member_id": uid,
                "invited_by": next(iter(members), uid),
                "join_date": int(time.time()),
                **({"is_owner": True} if role == "owner" else {}),
                **({"is_admin": True} if role in ("owner", "admin") else {}),
            }
            for uid, role in members.items()
        ]
        profiles = self._user_objects([uid for uid in members if uid > 0])
        return {"count": len(items), "items": items, "profiles": profiles, "groups": []}

    def _users_get(self, auth: _Auth, params: Params) -> Any:
        raw = params.get("user_ids") or params.get("user_id")
        if not raw:
            return [] if auth.user_id is None else self._user_objects([auth.user_id])
        return self._user_objects(_int_list(raw, "user_ids", code=113))

    def _user_objects(self, user_ids: list[int]) -> list[dict[str, Any]]:
        users = []
        for uid in user_ids:
            profile = self._users.get(uid, {"first_name": f"User{uid}", "last_name": "Test"})
            users.append({"id": uid, "can_access_closed": True, "is_closed": False, **profile})
        return users

    def _photos_upload_server(self, auth: _Auth, params: Params) -> Any:
        group = self._own_group(auth, {})
        return {
            "upload_url": self._new_upload_url("photo", group.group_id),
            "album_id": -3,
            "group_id": group.group_id,
            "user_id": 0,
        }

    def _photos_save(self, auth: _Auth, params: Params) -> Any:
        group = self._own_group(auth, {})
        pending = self._pending_uploads.get(params.get("photo", ""))
        if pending is None or pending.kind != "photo" or not pending.files:
            raise _bad_param("photos_list is invalid")
        if params.get("hash") != pending.hash:
            raise VkError(121, "Invalid hash")
        del self._pending_uploads[params["photo"]]
        photos = []
        for index in range(len(pending.files)):
            photo_id, access_key = next(self._ids), secrets.token_hex(9)
            owner_id = -group.group_id
            photos.append(
                {
                    "album_id": -3,
                    "date": int(time.time()),
                    "id": photo_id,
                    "owner_id": owner_id,
                    "access_key": access_key,
                    "sizes": [{"type": "x", "width": 604, "height": 604, "url": ""}],
                    "text": "",
                    "has_tags": False,
                }
            )
            self._record_upload(pending, index, f"photo{owner_id}_{photo_id}_{access_key}")
        return photos

    def _docs_upload_server(self, auth: _Auth, params: Params) -> Any:
        group = self._own_group(auth, {})
        return {"upload_url": self._new_upload_url("doc", group.group_id)}

    def _docs_user_upload_server(self, auth: _Auth, params: Params) -> Any:
        raise VkError(15, "Access denied: the fake has no user document storage")

    def _docs_save(self, auth: _Auth, params: Params) -> Any:
        group = self._own_group(auth, {})
        pending = self._pending_uploads.pop(params.get("file", ""), None)
        if pending is None or pending.kind != "doc":
            raise _bad_param("file is undefined")
        filename, _, data = pending.files[0]
        doc_id, owner_id = next(self._ids), -group.group_id
        title = params.get("title") or filename
        self._record_upload(pending, 0, f"doc{owner_id}_{doc_id}")
        doc = {
            "id": doc_id,
            "owner_id": owner_id,
            "title": title,
            "size": len(data),
            "ext": filename.rsplit(".", 1)[-1] if "." in filename else "",
            "date": int(time.time()),
            "type": 8,
            "url": f"{self.base_url}/static/doc{owner_id}_{doc_id}",
        }
        return {"type": "doc", "doc": doc}

    def _wall_post(self, auth: _Auth, params: Params) -> Any:
        owner_id = _as_int(params.get("owner_id")) or -(auth.group_id or 0) or auth.user_id or 0
        text = params.get("message", "")
        attachments = params.get("attachments") or None
        if not text and not attachments:
            raise _bad_param("message is empty or invalid")
        post_id = next(self._ids)
        from_group = params.get("from_group") in ("1", "true", "True")
        self.posts.append(WallPost(owner_id, post_id, text, attachments, from_group))
        return {"post_id": post_id}

    def _wall_create_comment(self, auth: _Auth, params: Params) -> Any:
        post_id = _require_int(params, "post_id")
        owner_id = _as_int(params.get("owner_id")) or -(auth.group_id or 0)
        text = params.get("message", "")
        attachments = params.get("attachments") or None
        if not text and not attachments:
            raise _bad_param("message is empty or invalid")
        comment_id = next(self._ids)
        reply_to = _as_int(params.get("reply_to_comment"))
        self.comments.append(
            WallComment(
                group_id=auth.group_id,
                owner_id=owner_id,
                post_id=post_id,
                comment_id=comment_id,
                text=text,
                from_group=_as_int(params.get("from_group")) or 0,
                reply_to_comment=reply_to,
                attachments=attachments,
            )
        )
        return {"comment_id": comment_id, "parents_stack": [reply_to] if reply_to else []}


_DEFAULT_ERROR_TEXT: dict[int, str] = {
    1: "Unknown error occurred",
    5: "User authorization failed",
    6: "Too many requests per second",
    7: "Permission to perform this action is denied",
    9: "Flood control",
    10: "Internal server error",
    14: "Captcha needed",
    15: "Access denied",
    100: "One of the parameters specified was missing or invalid",
    900: "Can't send messages for users from blacklist",
    901: "Can't send messages for users without permission",
    902: "Can't send messages to this user due to their privacy settings",
    911: "Keyboard format is invalid",
    914: "Message is too long",
    917: "You don't have access to this chat",
}


def _as_int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _require_int(params: Params, name: str) -> int:
    value = _as_int(params.get(name))
    if value is None:
        raise _bad_param(f"{name} is undefined or not integer")
    return value


def _int_list(raw: str, name: str, *, code: int = 100) -> list[int]:
    ids = []
    for part in raw.split(","):
        part = part.strip().removeprefix("club").removeprefix("id")
        if not part:
            continue
        value = _as_int(part)
        if value is None:
            raise VkError(code, f"Invalid {name}: {raw}")
        ids.append(value)
    return ids


def _parse_keyboard(raw: str | None) -> dict[str, Any] | None:
    """Parse and check a keyboard roughly as VK does (error 911 on a malformed one)."""
    if raw is None or raw == "":
        return None
    try:
        keyboard = json.loads(raw)
    except ValueError:
        # Typical cause: a dict passed to vk_api, which form-encodes its keys, not JSON.
        raise VkError(911, f"Keyboard format is invalid: not JSON: {raw[:40]!r}") from None
    if not isinstance(keyboard, dict) or not isinstance(keyboard.get("buttons"), list):
        raise VkError(911, "Keyboard format is invalid: buttons should be an array")
    inline = bool(keyboard.get("inline"))
    max_rows, max_total = (6, 10) if inline else (10, 40)
    rows = keyboard["buttons"]
    if len(rows) > max_rows:
        raise VkError(911, f"Keyboard format is invalid: more than {max_rows} rows")
    total = 0
    for row in rows:
        if not isinstance(row, list) or len(row) > 5:
            raise VkError(911, "Keyboard format is invalid: a row holds 1..5 buttons")
        for button in row:
            action = button.get("action") if isinstance(button, dict) else None
            if not isinstance(action, dict) or "type" not in action:
                raise VkError(911, "Keyboard format is invalid: button without action.type")
            if len(str(action.get("label", ""))) > 40:
                raise VkError(911, "Keyboard format is invalid: label is longer than 40")
            if len(str(action.get("payload", ""))) > 255:
                raise VkError(911, "Keyboard format is invalid: payload is longer than 255")
            total += 1
    if total > max_total:
        raise VkError(911, f"Keyboard format is invalid: more than {max_total} buttons")
    return keyboard
