"""A fake MAX Bot API server on 127.0.0.1, written from the published documents
(dev.max.ru/docs-api), for driving the real MAX adapter in tests.

    async with FakeMaxServer(token="max-token") as server:
        client = MaxClient("max-token", server.base_url)
        server.user_message(42, "/start")
        ...

What it holds to, as MAX does:

* the token only in the `Authorization` header (a query `access_token` is refused, 401);
* GET /updates with `marker`, `limit` (1-1000), `timeout` (0-90 s) and `types`: the answer's
  `marker` passed back marks everything before it read; without a marker MAX returns "only
  the last update" (and answers at once);
* POST /messages with exactly one of `user_id` / `chat_id`, text up to 4,000 characters,
  attachments `image` / `file` by the token of an upload or a received attachment, an
  `inline_keyboard` of `callback` and `link` buttons (at most 210 buttons, 30 rows, 7 a row;
  a callback payload up to 1,024 characters); a person who blocked the bot: 403
  `chat.denied`;
* PUT /messages?message_id= (an unknown message: 404), POST /answers?callback_id= (needs a
  `message` or a `notification`), POST /uploads and the upload url (multipart field
  `data`), PATCH /me (commands), GET/POST/DELETE /subscriptions (the secret: 5-256 of
  A-Z a-z 0-9 _ -), GET /chats/{id}, GET /chats/{id}/members/admins;
* errors as `{"code": ..., "message": ...}`; optionally 30 requests a second (429 beyond).

Tests inject updates, failures (a status and body, or garbage), delays and blocked people.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Self

import aiohttp
from aiohttp import web

JSON = dict[str, Any]

TEXT_LIMIT = 4000
PAYLOAD_LIMIT = 1024
BUTTON_TEXT_LIMIT = 128
MAX_BUTTONS, MAX_ROWS, MAX_PER_ROW = 210, 30, 7
RATE_PER_SECOND = 30
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{5,256}$")
BOT_ID = 900_001


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> web.Response:
        return web.json_response({"code": self.code, "message": self.message}, status=self.status)


@dataclass
class Sent:
    """A message the bot sent, as the person sees it (edits applied)."""

    mid: str
    user_id: int | None
    chat_id: int | None
    text: str | None
    attachments: list[JSON]
    edits: int = 0

    @property
    def buttons(self) -> list[JSON]:
        return [
            button
            for attachment in self.attachments
            if attachment.get("type") == "inline_keyboard"
            for row in attachment["payload"]["buttons"]
            for button in row
        ]

    @property
    def files(self) -> list[JSON]:
        return [a for a in self.attachments if a.get("type") in ("image", "file")]


@dataclass
class _Rule:
    path: str
    status: int
    body: Any
    times: int | None
    delay: float = 0.0


@dataclass
class FakeMaxServer:
    token: str = "max-test-token"
    username: str = "sp_max_bot"
    rate_limit: bool = False
    host: str = "127.0.0.1"
    port: int = 0
    updates: list[JSON] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    answers: list[JSON] = field(default_factory=list)
    calls: list[tuple[str, str, JSON, Any]] = field(default_factory=list)
    commands: list[JSON] | None = None
    subscriptions: list[JSON] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.confirmed = 0  # updates before this index are read
        self.blocked: set[int] = set()
        self.chats: dict[int, JSON] = {}
        self.admins: dict[int, list[int]] = {}
        self.tokens: set[str] = set()
        self.callbacks: set[str] = set()
        self.messages: dict[str, Sent] = {}
        self._rules: list[_Rule] = []
        self._arrived = asyncio.Event()
        self._changed = asyncio.Event()
        self._window: deque[float] = deque()
        self._counter = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.polls = 0
        self._closing = False

    # --- running ------------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        # Pending long polls are answered at once (empty), as a server going away would.
        self._closing = True
        self._arrived.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- what tests look at -------------------------------------------------------------------

    def sent_to(self, user_id: int) -> list[Sent]:
        return [m for m in self.sent if m.user_id == user_id]

    def sent_to_chat(self, chat_id: int) -> list[Sent]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def called(self, method: str, path: str) -> list[tuple[JSON, Any]]:
        return [(q, b) for m, p, q, b in self.calls if m == method and p == path]

    @property
    def pending(self) -> list[JSON]:
        return self.updates[self.confirmed :]

    async def wait_for(self, condition: Any, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    # --- what tests make happen ---------------------------------------------------------------

    def fail_next(self, path: str, status: int, body: Any = None, *, times: int | None = 1) -> None:
        """The next calls to `path` answer `status` with `body` (a str is sent raw)."""
        self._rules.append(_Rule(path, status, body, times))

    def delay_next(self, path: str, seconds: float, *, times: int | None = 1) -> None:
        self._rules.append(_Rule(path, 0, None, times, seconds))

    def clear_failures(self) -> None:
        self._rules.clear()

    def block(self, user_id: int) -> None:
        self.blocked.add(user_id)

    def add_chat(
        self,
        chat_id: int,
        title: str,
        *,
        admins: list[int] = (),
        channel: bool = False,  # type: ignore[assignment]
    ) -> None:
        self.chats[chat_id] = {
            "chat_id": chat_id,
            "type": "channel" if channel else "chat",
            "status": "active",
            "title": title,
            "icon": None,
            "last_event_time": _now(),
            "participants_count": len(admins) + 1,
            "is_public": False,
        }
        self.admins[chat_id] = list(admins)

    def push(self, update: JSON) -> JSON:
        self.updates.append(update)
        self._arrived.set()
        self._changed.set()
        return update

    def user(self, user_id: int, name: str = "Test") -> JSON:
        return {
            "user_id": user_id,
            "first_name": name,
            "last_name": None,
            "username": None,
            "is_bot": False,
            "last_activity_time": _now(),
        }

    def user_message(
        self,
        user_id: int,
        text: str | None,
        *,
        chat_id: int | None = None,
        attachments: list[JSON] | None = None,
        name: str = "Test",
        locale: str | None = "ru",
    ) -> JSON:
        mid = f"mid.{secrets.token_hex(8)}"
        recipient = (
            {"chat_id": chat_id, "chat_type": "chat", "user_id": None}
            if chat_id is not None
            else {"chat_id": 10**12 + user_id, "chat_type": "dialog", "user_id": BOT_ID}
        )
        for attachment in attachments or []:
            token = attachment.get("payload", {}).get("token")
            if isinstance(token, str):
                self.tokens.add(token)
        return self.push(
            {
                "update_type": "message_created",
                "timestamp": _now(),
                "message": {
                    "sender": self.user(user_id, name),
                    "recipient": recipient,
                    "timestamp": _now(),
                    "body": {
                        "mid": mid,
                        "seq": next(self._counter),
                        "text": text,
                        "attachments": attachments,
                    },
                },
                "user_locale": locale,
            }
        )

    def photo(self) -> JSON:
        """An image attachment as a person's message carries it."""
        token = f"ph-{secrets.token_hex(6)}"
        return {
            "type": "image",
            "payload": {
                "photo_id": next(self._counter),
                "token": token,
                "url": f"{self.base_url}/i/{token}",
            },
        }

    def press(self, user_id: int, message: Sent, payload: str, *, name: str = "Test") -> JSON:
        """A press of a callback button (`payload`) of the bot's message."""
        callback_id = f"cb.{secrets.token_hex(8)}"
        self.callbacks.add(callback_id)
        recipient = (
            {"chat_id": message.chat_id, "chat_type": "chat", "user_id": None}
            if message.chat_id is not None
            else {"chat_id": 10**12 + user_id, "chat_type": "dialog", "user_id": user_id}
        )
        return self.push(
            {
                "update_type": "message_callback",
                "timestamp": _now(),
                "callback": {
                    "timestamp": _now(),
                    "callback_id": callback_id,
                    "payload": payload,
                    "user": self.user(user_id, name),
                },
                "message": {
                    "sender": {"user_id": BOT_ID, "first_name": "Bot", "is_bot": True},
                    "recipient": recipient,
                    "timestamp": _now(),
                    "body": {
                        "mid": message.mid,
                        "seq": 1,
                        "text": message.text,
                        "attachments": message.attachments,
                    },
                },
                "user_locale": "ru",
            }
        )

    def press_label(self, user_id: int, label: str) -> JSON:
        for message in reversed(self.sent_to(user_id)):
            for button in message.buttons:
                if label in button["text"] and button["type"] == "callback":
                    return self.press(user_id, message, button["payload"])
        raise AssertionError(f"no button {label!r} for {user_id}")

    def bot_started(self, user_id: int, payload: str | None = None, *, name: str = "Test") -> JSON:
        return self.push(
            {
                "update_type": "bot_started",
                "timestamp": _now(),
                "chat_id": 10**12 + user_id,
                "user": self.user(user_id, name),
                "payload": payload,
                "user_locale": "ru",
            }
        )

    def bot_added(self, chat_id: int, by: int, *, channel: bool = False) -> JSON:
        return self.push(
            {
                "update_type": "bot_added",
                "timestamp": _now(),
                "chat_id": chat_id,
                "user": self.user(by),
                "is_channel": channel,
            }
        )

    def bot_stopped(self, user_id: int) -> JSON:
        return self.push(
            {
                "update_type": "bot_stopped",
                "timestamp": _now(),
                "chat_id": 10**12 + user_id,
                "user": self.user(user_id),
            }
        )

    async def post_to_subscription(self, update: JSON, *, secret: str | None = None) -> int:
        """Deliver an update to the subscribed webhook as MAX does; its HTTP status."""
        [subscription] = self.subscriptions
        headers = {}
        secret = subscription.get("secret") if secret is None else secret
        if secret:
            headers["X-Max-Bot-Api-Secret"] = secret
        async with (
            aiohttp.ClientSession() as http,
            http.post(subscription["url"], json=update, headers=headers) as response,
        ):
            return response.status

    # --- the API ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        try:
            if path.startswith("/upload/"):
                return await self._upload(request, path)
            if "access_token" in request.query:
                raise ApiError(401, "verify.token", "access_token in the query is not supported")
            if request.headers.get("Authorization") != self.token:
                raise ApiError(401, "verify.token", "Invalid access_token")
            body: Any = None
            if request.can_read_body:
                raw = await request.text()
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    raise ApiError(400, "proto.payload", "body is not JSON") from None
            query = dict(request.query)
            self.calls.append((request.method, _route(path), query, body))
            self._changed.set()
            injected = await self._injected(_route(path), request)
            if injected is not None:
                return injected
            self._check_rate()
            result = await self._route(request.method, path, query, body)
        except ApiError as exc:
            return exc.response()
        return web.json_response(result)

    async def _injected(self, path: str, request: web.Request) -> web.Response | None:
        for rule in self._rules:
            if rule.path == path and (rule.times is None or rule.times > 0):
                if rule.times is not None:
                    rule.times -= 1
                if rule.delay:
                    await asyncio.sleep(rule.delay)
                    transport = request.transport
                    if transport is None or transport.is_closing():
                        # The client went away (killed) meanwhile: the call never happened.
                        return web.Response(status=499)
                    return None
                if isinstance(rule.body, str):
                    return web.Response(status=rule.status, text=rule.body)
                return web.json_response(
                    rule.body or {"code": "internal.error", "message": "injected"},
                    status=rule.status,
                )
        return None

    def _check_rate(self) -> None:
        if not self.rate_limit:
            return
        now = time.monotonic()
        while self._window and now - self._window[0] > 1.0:
            self._window.popleft()
        if len(self._window) >= RATE_PER_SECOND:
            raise ApiError(429, "too.many.requests", "Too many requests")
        self._window.append(now)

    async def _route(self, method: str, path: str, query: JSON, body: Any) -> Any:
        if path == "/me" and method == "GET":
            return {
                "user_id": BOT_ID,
                "first_name": "СП",
                "username": self.username,
                "is_bot": True,
                "last_activity_time": _now(),
                "commands": self.commands,
            }
        if path == "/me" and method == "PATCH":
            return self._patch_me(body)
        if path == "/updates" and method == "GET":
            return await self._updates(query)
        if path == "/messages" and method == "POST":
            return self._send(query, body)
        if path == "/messages" and method == "PUT":
            return self._edit(query, body)
        if path == "/answers" and method == "POST":
            return self._answer(query, body)
        if path == "/uploads" and method == "POST":
            kind = query.get("type")
            if kind not in ("image", "video", "audio", "file"):
                raise ApiError(400, "proto.payload", "type must be image, video, audio or file")
            number = next(self._counter)
            return {"url": f"{self.base_url}/upload/{number}?type={kind}"}
        if path == "/subscriptions":
            return self._subscriptions(method, query, body)
        match = re.fullmatch(r"/chats/(-?\d+)(/members/admins)?", path)
        if match and method == "GET":
            chat = self.chats.get(int(match.group(1)))
            if chat is None:
                raise ApiError(404, "chat.not.found", "Chat not found")
            if match.group(2):
                return {
                    "members": [
                        {
                            **self.user(u),
                            "is_owner": i == 0,
                            "is_admin": True,
                            "join_time": _now(),
                            "permissions": ["write"],
                        }
                        for i, u in enumerate(self.admins[chat["chat_id"]])
                    ],
                    "marker": None,
                }
            return chat
        raise ApiError(404, "not.found", f"{method} {path} is not a method")

    def _patch_me(self, body: Any) -> JSON:
        if not isinstance(body, dict):
            raise ApiError(400, "proto.payload", "BotPatch expected")
        commands = body.get("commands")
        if commands is not None:
            if not isinstance(commands, list) or not all(
                isinstance(c, dict) and isinstance(c.get("name"), str) and c["name"]
                for c in commands
            ):
                raise ApiError(400, "proto.payload", "commands: [{name, description}]")
            self.commands = commands
        return {"user_id": BOT_ID, "username": self.username, "commands": self.commands}

    async def _updates(self, query: JSON) -> JSON:
        self.polls += 1
        limit = _int(query.get("limit", 100), "limit", 1, 1000)
        timeout = _int(query.get("timeout", 30), "timeout", 0, 90)
        types = set(filter(None, query.get("types", "").split(",")))
        if "marker" not in query:
            # "only the last update", at once
            last = self.updates[-1:] if len(self.updates) > self.confirmed else []
            self.confirmed = len(self.updates)
            self._changed.set()
            return {"updates": _only(last, types), "marker": len(self.updates)}
        marker = _int(query["marker"], "marker", 0, 2**62)
        self.confirmed = max(self.confirmed, min(marker, len(self.updates)))
        self._changed.set()
        deadline = time.monotonic() + timeout
        while (
            len(self.updates) <= max(marker, self.confirmed)
            and time.monotonic() < deadline
            and not self._closing
        ):
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        start = max(marker, self.confirmed)
        batch = self.updates[start : start + limit]
        return {"updates": _only(batch, types), "marker": start + len(batch)}

    def _target(self, query: JSON) -> tuple[int | None, int | None]:
        user_id, chat_id = query.get("user_id"), query.get("chat_id")
        if (user_id is None) == (chat_id is None):
            raise ApiError(400, "proto.payload", "exactly one of user_id and chat_id")
        if user_id is not None:
            user = _int(user_id, "user_id", 1, 2**62)
            if user in self.blocked:
                raise ApiError(403, "chat.denied", "chat.denied: dialog.suspended")
            return user, None
        chat = _int(chat_id, "chat_id", -(2**62), 2**62)
        if chat not in self.chats:
            raise ApiError(404, "chat.not.found", f"Chat {chat} not found")
        return None, chat

    def _body(self, body: Any) -> tuple[str | None, list[JSON] | None]:
        if not isinstance(body, dict):
            raise ApiError(400, "proto.payload", "NewMessageBody expected")
        text = body.get("text")
        if text is not None and (not isinstance(text, str) or len(text) > TEXT_LIMIT):
            raise ApiError(400, "proto.payload", f"text: at most {TEXT_LIMIT} characters")
        attachments = body.get("attachments")
        if attachments is not None:
            if not isinstance(attachments, list):
                raise ApiError(400, "proto.payload", "attachments is a list")
            for attachment in attachments:
                self._check_attachment(attachment)
        return text, attachments

    def _check_attachment(self, attachment: Any) -> None:
        if not isinstance(attachment, dict) or not isinstance(attachment.get("payload"), dict):
            raise ApiError(400, "proto.payload", "attachment: {type, payload}")
        kind, payload = attachment.get("type"), attachment["payload"]
        if kind in ("image", "file"):
            if payload.get("token") not in self.tokens:
                raise ApiError(400, "attachment.invalid", "unknown attachment token")
            return
        if kind != "inline_keyboard":
            raise ApiError(400, "proto.payload", f"attachment type {kind!r}")
        rows = payload.get("buttons")
        if not isinstance(rows, list) or not rows or len(rows) > MAX_ROWS:
            raise ApiError(400, "proto.payload", "buttons: 1 to 30 rows")
        if sum(len(r) for r in rows if isinstance(r, list)) > MAX_BUTTONS:
            raise ApiError(400, "proto.payload", "at most 210 buttons")
        for row in rows:
            if not isinstance(row, list) or not row or len(row) > MAX_PER_ROW:
                raise ApiError(400, "proto.payload", "a row holds 1 to 7 buttons")
            for button in row:
                text = button.get("text") if isinstance(button, dict) else None
                if not isinstance(text, str) or not text or len(text) > BUTTON_TEXT_LIMIT:
                    raise ApiError(400, "proto.payload", "button text: 1 to 128 characters")
                if button.get("type") == "callback":
                    data = button.get("payload")
                    if not isinstance(data, str) or not data or len(data) > PAYLOAD_LIMIT:
                        raise ApiError(400, "proto.payload", "callback payload: 1 to 1024")
                elif button.get("type") == "link":
                    url = button.get("url")
                    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                        raise ApiError(400, "proto.payload", "link button: an http(s) url")
                else:
                    raise ApiError(400, "proto.payload", f"button type {button.get('type')!r}")

    def _send(self, query: JSON, body: Any) -> JSON:
        user_id, chat_id = self._target(query)
        text, attachments = self._body(body)
        if not text and not attachments:
            raise ApiError(400, "proto.payload", "a message needs text or attachments")
        message = Sent(f"mid.{secrets.token_hex(8)}", user_id, chat_id, text, attachments or [])
        self.sent.append(message)
        self.messages[message.mid] = message
        self._changed.set()
        recipient = (
            {"chat_id": chat_id, "chat_type": "chat", "user_id": None}
            if chat_id is not None
            else {"chat_id": 10**12 + (user_id or 0), "chat_type": "dialog", "user_id": user_id}
        )
        return {
            "message": {
                "sender": {"user_id": BOT_ID, "first_name": "СП", "is_bot": True},
                "recipient": recipient,
                "timestamp": _now(),
                "body": {
                    "mid": message.mid,
                    "seq": next(self._counter),
                    "text": text,
                    "attachments": attachments,
                },
            }
        }

    def _edit(self, query: JSON, body: Any) -> JSON:
        message = self.messages.get(str(query.get("message_id")))
        if message is None:
            raise ApiError(404, "message.not.found", "Message not found")
        text, attachments = self._body(body)
        if text is not None:
            message.text = text
        if attachments is not None:
            message.attachments = attachments  # [] removes them
        message.edits += 1
        self._changed.set()
        return {"success": True}

    def _answer(self, query: JSON, body: Any) -> JSON:
        callback_id = query.get("callback_id")
        if callback_id not in self.callbacks:
            raise ApiError(404, "not.found", "callback not found")
        if not isinstance(body, dict) or (
            body.get("message") is None and body.get("notification") is None
        ):
            raise ApiError(400, "proto.payload", "message or notification is required")
        self.answers.append({"callback_id": callback_id, **body})
        self._changed.set()
        return {"success": True}

    def _subscriptions(self, method: str, query: JSON, body: Any) -> JSON:
        if method == "GET":
            return {
                "subscriptions": [
                    {"url": s["url"], "time": s["time"], "update_types": s["update_types"]}
                    for s in self.subscriptions
                ]
            }
        if method == "DELETE":
            self.subscriptions = [s for s in self.subscriptions if s["url"] != query.get("url")]
            return {"success": True}
        if method == "POST":
            if not isinstance(body, dict) or not isinstance(body.get("url"), str):
                raise ApiError(400, "proto.payload", "url is required")
            secret = body.get("secret")
            if secret is not None and not SECRET_PATTERN.match(str(secret)):
                raise ApiError(400, "proto.payload", "secret: 5-256 of A-Za-z0-9_-")
            self.subscriptions = [s for s in self.subscriptions if s["url"] != body["url"]]
            self.subscriptions.append(
                {
                    "url": body["url"],
                    "time": _now(),
                    "secret": secret,
                    "update_types": body.get("update_types"),
                }
            )
            return {"success": True}
        raise ApiError(405, "method.not.allowed", method)

    async def _upload(self, request: web.Request, path: str) -> web.Response:
        form = await request.post()
        data = form.get("data")
        if not isinstance(data, web.FileField):
            return web.json_response({"code": "proto.payload", "message": "no data"}, status=400)
        token = f"up-{secrets.token_hex(6)}"
        self.tokens.add(token)
        self.calls.append(("UPLOAD", path, {"filename": data.filename}, data.file.read()))
        if request.query.get("type") == "image":
            return web.json_response({"photos": {secrets.token_hex(4): {"token": token}}})
        return web.json_response({"fileId": next(self._counter), "token": token})


def _route(path: str) -> str:
    return re.sub(r"/-?\d+", "/{id}", path)


def _only(updates: list[JSON], types: set[str]) -> list[JSON]:
    return [u for u in updates if not types or u.get("update_type") in types]


def _int(value: Any, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApiError(400, "proto.payload", f"{name} is not a number") from None
    if not low <= number <= high:
        raise ApiError(400, "proto.payload", f"{name} out of range")
    return number


def _now() -> int:
    return int(time.time() * 1000)
